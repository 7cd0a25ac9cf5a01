//! Unit and property tests of URI parsing.
use super::*;
use proptest::prelude::*;

fn ok(s: &str) -> FileUri {
    FileUri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn is_malformed(s: &str) -> bool {
    matches!(FileUri::parse(s), Err(UriError::Malformed(_)))
}

fn is_illegal(s: &str) -> bool {
    matches!(FileUri::parse(s), Err(UriError::IllegalName(_)))
}

#[test]
fn spec_examples_round_trip() {
    for s in [
        "cloudreve://my",
        "cloudreve://my/Docs/a.txt",
        "cloudreve://VoMFL:2rje2bdj@share/folder/child",
        "cloudreve://VoMFL@share",
        "cloudreve://x8Fa@snapshot/Docs/a.txt",
        "cloudreve://luPa@my",
        "cloudreve://trash/0b1e6c38-7c0e-4d5f-9a4e-1f2d3c4b5a69",
        "cloudreve://shared_with_me/jMS2",
        "cloudreve://my/Docs?name=my+file&case_folding=",
        "cloudreve://my/my%20file%20(1).txt",
    ] {
        assert_eq!(ok(s).to_string(), s);
    }
}

#[test]
fn parts_are_decoded() {
    let uri = ok("cloudreve://VoMFL:2rje2bdj@share/folder/child?name=x");
    assert_eq!(uri.fs, FsKind::Share);
    assert_eq!(uri.id.as_deref(), Some("VoMFL"));
    assert_eq!(uri.password.as_deref(), Some("2rje2bdj"));
    assert_eq!(uri.segments(), ["folder", "child"]);
    assert_eq!(uri.query.as_deref(), Some("name=x"));
    assert_eq!(uri.name(), Some("child"));
    assert_eq!(uri.depth(), 2);
    assert_eq!(uri.path(), "/folder/child");
    assert!(!format!("{uri:?}").contains("2rje2bdj"));

    let root = ok("cloudreve://my");
    assert!(root.is_root());
    assert_eq!(root.id, None);
    assert_eq!(root.name(), None);
    assert_eq!(root.path(), "/");
    assert_eq!(root.parent(), None);
}

#[test]
fn normalisation() {
    assert_eq!(ok("cloudreve://my/").to_string(), "cloudreve://my");
    assert_eq!(
        ok("CloudReve://MY//a///b/").to_string(),
        "cloudreve://my/a/b"
    );
    assert_eq!(ok("cloudreve://Shared_With_Me").fs, FsKind::SharedWithMe);
    assert_eq!(ok("cloudreve://my?").query, None);
    assert_eq!(ok("cloudreve://@my").id, None);
    assert_eq!(ok("cloudreve://abc:@share").password, None);
    // Raw characters that are not structural are accepted and re-encoded.
    assert_eq!(
        ok("cloudreve://my/a b/文档+1").to_string(),
        "cloudreve://my/a%20b/%E6%96%87%E6%A1%A3%2B1"
    );
    assert_eq!(ok("cloudreve://my/%e6%96%87").segments(), ["文"]);
    // Passwords with reserved characters survive a round trip.
    let mut share = FileUri::root(FsKind::Share, Some("id".into()));
    share.password = Some("p@ss:w/rd".into());
    assert_eq!(ok(&share.to_string()), share);
}

#[test]
fn malformed_uris() {
    for s in [
        "",
        "my/Docs",
        "cloudreve:my",
        "http://my/Docs",
        "cloudreve://",
        "cloudreve:///Docs",
        "cloudreve://mine/Docs",
        "cloudreve://my:80/Docs",
        "cloudreve://share/folder",
        "cloudreve://:pw@share",
        "cloudreve://snapshot/Docs",
        "cloudreve://my/a%zz",
        "cloudreve://my/a%4",
        "cloudreve://my/%ff%fe",
        "cloudreve://my/a#frag",
        "cloudreve://my/a\nb",
        "cloudreve://my/a\u{0}b",
        "cloudreve://%zz@my",
    ] {
        assert!(is_malformed(s), "{s:?} should be Malformed");
    }
}

#[test]
fn illegal_segments() {
    for s in [
        "cloudreve://my/a%2Fb",
        "cloudreve://my/a%2fb",
        "cloudreve://my/..",
        "cloudreve://my/a/../b",
        "cloudreve://my/.",
        "cloudreve://my/%2e%2e",
        "cloudreve://my/%2E%2E/etc",
        "cloudreve://my/%2e",
        "cloudreve://my/a%00b",
        "cloudreve://my/a%5Cb",
        "cloudreve://my/a\\b",
        "cloudreve://my/a%0Ab",
        "cloudreve://my/a%7Fb",
        "cloudreve://my/a%C2%85b",
        "cloudreve://my/a:b",
        "cloudreve://my/a%3Ab",
        "cloudreve://my/a*b",
        "cloudreve://my/a%3Fb",
        "cloudreve://my/a%22b",
        "cloudreve://my/a%3Cb",
        "cloudreve://my/a%3Eb",
        "cloudreve://my/a%7Cb",
    ] {
        assert!(is_illegal(s), "{s:?} should be IllegalName");
    }
    let long = format!("cloudreve://my/{}", "a".repeat(256));
    assert!(is_illegal(&long));
    assert!(FileUri::parse(&format!("cloudreve://my/{}", "a".repeat(255))).is_ok());
}

#[test]
fn validate_name_rules() {
    for good in [
        "a",
        "a b",
        " lead",
        "trail ",
        "trail.",
        "...",
        ".hidden",
        "100% +#&=;,@$",
        "文档",
        "😀.png",
        "é",
    ] {
        assert_eq!(validate_name(good), Ok(()), "{good:?}");
    }
    for bad in [
        "", ".", "..", "a/b", "a\\b", "a\0b", "a\tb", "a\u{1b}b", "a:b", "a*b", "a?b", "a\"b",
        "a<b", "a>b", "a|b",
    ] {
        assert!(
            matches!(validate_name(bad), Err(UriError::IllegalName(_))),
            "{bad:?}"
        );
    }
    // The byte limit counts UTF-8 bytes, not characters.
    assert!(validate_name(&"文".repeat(85)).is_ok());
    assert!(validate_name(&"文".repeat(86)).is_err());
}

#[test]
fn unicode_round_trip() {
    let uri = FileUri::root(FsKind::My, None)
        .join("照片")
        .and_then(|u| u.join("🎉 party 🎉.jpg"))
        .expect("valid names");
    let s = uri.to_string();
    assert_eq!(
        s,
        "cloudreve://my/%E7%85%A7%E7%89%87/%F0%9F%8E%89%20party%20%F0%9F%8E%89.jpg"
    );
    assert_eq!(ok(&s), uri);
}

#[test]
fn join_and_parent() {
    let docs = ok("cloudreve://luPa@my/Docs?name=x");
    let child = docs.join("a.txt").expect("valid");
    assert_eq!(child.to_string(), "cloudreve://luPa@my/Docs/a.txt");
    assert_eq!(child.parent(), Some(docs.without_query()));
    assert!(child.is_same_or_descendant_of(&docs));
    assert!(!docs.is_same_or_descendant_of(&child));
    assert!(!child.is_same_or_descendant_of(&ok("cloudreve://my/Docs")));
    assert!(matches!(docs.join(".."), Err(UriError::IllegalName(_))));
    assert!(matches!(docs.join("a/b"), Err(UriError::IllegalName(_))));
    assert!(matches!(docs.join(""), Err(UriError::IllegalName(_))));
}

#[test]
fn uri_errors_become_fs_errors() {
    use crate::fs::error::FsError;
    let e: FsError = UriError::Malformed("x".into()).into();
    assert!(
        matches!(e, FsError::Invalid(msg) if msg == UriError::Malformed("x".into()).to_string())
    );
    let e: FsError = UriError::IllegalName("x".into()).into();
    assert!(matches!(e, FsError::IllegalName(name) if name == "x"));
}

/// Names that pass `validate_name`: arbitrary printable text with the forbidden
/// characters replaced, plus the characters most likely to break encoding.
fn valid_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{1,12}",
        "[a-zA-Z0-9 %+#&=;,@$!~*'().-]{1,12}",
        "[😀文é ._%-]{1,8}",
    ]
    .prop_map(|s| {
        s.chars()
            .map(|c| {
                if c == '/' || c == '\\' || c.is_control() || RESERVED_CHARS.contains(&c) {
                    '_'
                } else {
                    c
                }
            })
            .collect::<String>()
    })
    .prop_filter("dot names", |s| validate_name(s).is_ok())
}

fn any_uri() -> impl Strategy<Value = FileUri> {
    let fs = prop_oneof![
        Just(FsKind::My),
        Just(FsKind::Share),
        Just(FsKind::Trash),
        Just(FsKind::SharedWithMe),
    ];
    (
        fs,
        proptest::option::of("[a-zA-Z0-9]{1,8}"),
        proptest::option::of("[a-zA-Z0-9:@/ ]{1,8}"),
        proptest::collection::vec(valid_name(), 0..6),
        proptest::option::of("[a-z_]{1,6}=[a-z0-9+%]{0,6}"),
    )
        .prop_map(|(fs, id, password, segments, query)| {
            let id = if matches!(fs, FsKind::Share | FsKind::Snapshot) {
                Some(id.unwrap_or_else(|| "share".into()))
            } else {
                id
            };
            FileUri {
                fs,
                id,
                password,
                segments,
                query,
            }
        })
}

/// Path segments built from arbitrary bytes, written either raw or percent-encoded, to
/// reach `%2F`, `%2e%2e`, `%00`, invalid UTF-8 and so on.
fn hostile_path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..6)
            .prop_map(|b| b.iter().map(|x| format!("%{x:02X}")).collect::<String>()),
        proptest::collection::vec(
            prop_oneof![
                Just("%2e"),
                Just("%2E"),
                Just("."),
                Just("%2f"),
                Just("%5c"),
                Just("%00"),
                Just("%"),
                Just("a"),
                Just("\\"),
            ],
            0..4
        )
        .prop_map(|v| v.concat()),
        "\\PC{0,6}",
    ];
    proptest::collection::vec(segment, 0..5).prop_map(|v| v.join("/"))
}

proptest! {
    #[test]
    fn format_then_parse_is_identity(uri in any_uri()) {
        let s = uri.to_string();
        let back = FileUri::parse(&s).expect("formatted URIs parse");
        prop_assert_eq!(&back, &uri);
        // And the canonical string itself is a fixed point.
        prop_assert_eq!(back.to_string(), s);
    }

    #[test]
    fn parse_never_yields_bad_segments(path in hostile_path(), any in any::<String>()) {
        for input in [format!("cloudreve://my/{path}"), any] {
            if let Ok(uri) = FileUri::parse(&input) {
                for seg in uri.segments() {
                    prop_assert!(validate_name(seg).is_ok(), "{:?} from {:?}", seg, input);
                    prop_assert!(seg != ".." && seg != "." && !seg.contains('/'));
                }
                // Whatever was accepted formats to a canonical form that parses back.
                let again = FileUri::parse(&uri.to_string());
                prop_assert_eq!(again.as_ref(), Ok(&uri));
            }
        }
    }

    #[test]
    fn join_and_parent_are_inverse(uri in any_uri(), name in valid_name()) {
        let child = uri.join(&name).expect("valid name");
        prop_assert_eq!(child.name(), Some(name.as_str()));
        prop_assert_eq!(child.depth(), uri.depth() + 1);
        prop_assert_eq!(child.parent(), Some(uri.without_query()));
        if let Some(parent) = uri.parent() {
            let name = uri.name().expect("not root");
            prop_assert_eq!(parent.join(name).expect("valid"), uri.without_query());
        } else {
            prop_assert!(uri.is_root());
        }
    }
}

proptest! {
    #[test]
    fn names_with_a_separator_nul_or_dot_dot_or_overlong_are_refused(
        name in valid_name(),
        bad in prop_oneof![Just("/"), Just("\\"), Just("\0"), Just("\n"), Just("\u{202E}")],
        at in any::<proptest::sample::Index>(),
        extra in 0usize..64,
    ) {
        let cut = name.char_indices().map(|(i, _)| i).chain([name.len()]).collect::<Vec<_>>();
        let i = cut[at.index(cut.len())];
        let poisoned = format!("{}{bad}{}", &name[..i], &name[i..]);
        prop_assert!(validate_name(&poisoned).is_err(), "{:?}", poisoned);
        prop_assert!(validate_name("..").is_err() && validate_name(".").is_err());
        let long = format!("{name}{}", "x".repeat(MAX_NAME_BYTES + 1 + extra - name.len().min(MAX_NAME_BYTES)));
        prop_assert!(validate_name(&long).is_err());
        // And a URI holding such a name, written raw or percent-encoded, does not parse to it.
        let encoded: String = percent_encoding::utf8_percent_encode(&poisoned, percent_encoding::NON_ALPHANUMERIC).collect();
        for input in [format!("cloudreve://my/{poisoned}"), format!("cloudreve://my/{encoded}")] {
            if let Ok(uri) = FileUri::parse(&input) {
                prop_assert!(uri.segments().iter().all(|s| validate_name(s).is_ok()), "{}", input);
            }
        }
    }
}
