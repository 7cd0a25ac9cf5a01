//! Property tests of what Stratus itself parses of a WebDAV request: the raw request path
//! (and its mapping below the account root), PROPFIND bodies, and stored lock paths and
//! owners. The `If`, `Lock-Token`, `Destination`, `Depth` and `Timeout` headers and the
//! PROPPATCH and LOCK bodies are dav-server's to parse; the end-to-end tests send random ones
//! through the real server (`tests/tests/integration/fuzz/`).

use dav_server::davpath::DavPath;
use proptest::prelude::*;

use super::{
    path::{join, raw_path_is_safe},
    propfind::{self, Name, Want},
};
use crate::fs::{
    lock::{LockOwner, LockPath},
    uri::{FileUri, validate_name},
};

/// Request paths built from the pieces that try to leave the mount.
fn hostile_path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/"),
        Just(".."),
        Just("."),
        Just("%2e"),
        Just("%2E%2e"),
        Just("%2f"),
        Just("%5c"),
        Just("%00"),
        Just("%"),
        Just("%ff"),
        Just("a"),
        Just("é"),
        Just("%e2%82%ac"),
        Just("\\"),
        Just(":"),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| format!("/dav/{}", v.concat()))
}

/// PROPFIND bodies from well-formed to broken: a `propfind` holding `prop`, `allprop` or
/// something else, with property names in any namespace, cut anywhere.
fn propfind_body() -> impl Strategy<Value = (Vec<u8>, Vec<(String, String)>)> {
    let name = (
        "[a-z][a-z0-9-]{0,8}",
        prop_oneof![
            Just("DAV:".to_owned()),
            Just(String::new()),
            "urn:[a-z:&<>\"']{0,8}",
        ],
    );
    (
        proptest::collection::vec(name, 0..5),
        0u8..4,
        proptest::option::of(any::<usize>()),
    )
        .prop_map(|(names, shape, cut)| {
            let props: String = names
                .iter()
                .map(|(local, ns)| {
                    let ns = ns
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('"', "&quot;");
                    format!("<{local} xmlns=\"{ns}\"/>")
                })
                .collect();
            let inner = match shape {
                0 => format!("<D:prop>{props}</D:prop>"),
                1 => "<D:allprop/>".to_owned(),
                2 => format!("<D:prop>{props}</D:prop><D:allprop/>"),
                _ => format!("<D:propname/>{props}"),
            };
            let mut body =
                format!("<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\">{inner}</D:propfind>")
                    .into_bytes();
            if let Some(cut) = cut {
                body.truncate(cut % (body.len() + 1));
            }
            let names = names.into_iter().map(|(local, ns)| (ns, local)).collect();
            (body, names)
        })
}

proptest! {
    #[test]
    fn paths_that_pass_the_raw_check_map_below_the_root(raw in prop_oneof![hostile_path(), "/dav/.{0,30}"]) {
        let root = FileUri::parse("cloudreve://my/Docs").expect("root");
        if !raw_path_is_safe(&raw) {
            return Ok(());
        }
        let Ok(mut path) = DavPath::new(&raw) else { return Ok(()) };
        if path.set_prefix("/dav").is_err() {
            return Ok(());
        }
        if let Ok(uri) = join(&root, &path) {
            prop_assert!(uri.segments().starts_with(root.segments()), "{} from {}", uri, raw);
            for segment in &uri.segments()[root.segments().len()..] {
                prop_assert!(validate_name(segment).is_ok(), "{:?} from {}", segment, raw);
            }
        }
    }

    #[test]
    fn propfind_bodies_parse_to_what_they_ask(
        (body, names) in propfind_body(),
        noise in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = propfind::parse(&noise);
        match propfind::parse(&body) {
            Some(Want::Props(got)) => {
                let wanted: Vec<Name> = names.into_iter().map(|(ns, local)| Name::new(ns, local)).collect();
                prop_assert_eq!(got, wanted);
            }
            Some(Want::All) | None => {}
        }
    }

    #[test]
    fn lock_paths_are_plain_names_or_refused(path in prop_oneof![hostile_path(), ".{0,30}"]) {
        if let Ok(lock) = LockPath::parse(&path) {
            let text = lock.as_str();
            prop_assert!(text.starts_with('/'));
            for segment in text.split('/').skip(1).filter(|s| !s.is_empty()) {
                prop_assert!(segment != "." && segment != ".." && !segment.contains('\0'));
            }
            prop_assert_eq!(LockPath::parse(text), Ok(lock.clone()));
        }
    }

    #[test]
    fn lock_owners_read_back_whatever_was_stored(text in ".{0,60}", kind in "[a-z]{1,8}", xml in proptest::option::of(".{1,30}")) {
        let _ = LockOwner::parse(Some(&text));
        let owner = LockOwner::app(kind).with_inner_xml(xml);
        prop_assert_eq!(LockOwner::parse(Some(&owner.to_owner_info())), owner);
    }
}
