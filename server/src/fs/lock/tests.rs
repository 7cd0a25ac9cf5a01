//! Unit tests of the lock module.
use serde_json::json;

use super::*;

fn p(s: &str) -> LockPath {
    LockPath::parse(s).unwrap()
}

#[test]
fn paths_normalize() {
    assert_eq!(p("").as_str(), "/");
    assert_eq!(p("/").as_str(), "/");
    assert_eq!(p("a//b/").as_str(), "/a/b");
    assert!(LockPath::parse("/a/../b").is_err());
    assert!(LockPath::parse("/a/./b").is_err());
    assert!(LockPath::from_segments(["a/b"]).is_err());
    assert!(LockPath::from_segments(["a\0"]).is_err());
    assert_eq!(p("/a/b").parent(), Some(p("/a")));
    assert_eq!(p("/a").parent(), Some(LockPath::root()));
    assert_eq!(LockPath::root().parent(), None);
    assert_eq!(p("/a/b/c").ancestors(), vec![p("/"), p("/a"), p("/a/b")]);
    assert_eq!(p("/a").join("b c").unwrap(), p("/a/b c"));
    assert_eq!(LockPath::root().join("x").unwrap(), p("/x"));
}

#[test]
fn ancestry_is_exact() {
    assert!(p("/a/b").is_ancestor_of(&p("/a/b/c")));
    assert!(!p("/a/b").is_ancestor_of(&p("/a/bc")));
    assert!(!p("/a/b").is_ancestor_of(&p("/a/b")));
    assert!(LockPath::root().is_ancestor_of(&p("/a")));
    assert!(!LockPath::root().is_ancestor_of(&LockPath::root()));
}

#[test]
fn keys_round_trip() {
    assert_eq!(p("/a/b").key(7), "7:/a/b");
    assert_eq!(LockPath::root().key(7), "7:/");
    assert_eq!(LockPath::from_key("7:/a/b"), Some((7, p("/a/b"))));
    assert_eq!(LockPath::from_key("7:/"), Some((7, LockPath::root())));
    assert_eq!(LockPath::from_key("7:/a/"), None);
    assert_eq!(LockPath::from_key("x:/a"), None);
    assert_eq!(LockPath::from_key("3:/a:b"), Some((3, p("/a:b"))));
}

#[test]
fn uris_are_encoded_like_encode_uri_component() {
    assert_eq!(LockPath::root().to_cloudreve_uri(), "cloudreve://my");
    assert_eq!(
        p("/Docs/a b%/(x)!~*'.txt/中").to_cloudreve_uri(),
        "cloudreve://my/Docs/a%20b%25/(x)!~*'.txt/%E4%B8%AD"
    );
}

#[test]
fn like_patterns_are_escaped() {
    assert_eq!(escape_like(r"1:/a_b%c\d"), r"1:/a\_b\%c\\d");
}

#[test]
fn owners_parse() {
    let dav = LockOwner::dav(Some("<D:href>me</D:href>".into()));
    assert_eq!(LockOwner::parse(Some(&dav.to_owner_info())), dav);
    assert_eq!(
        LockOwner::parse(Some("<D:href>x</D:href>"))
            .application
            .inner_xml
            .as_deref(),
        Some("<D:href>x</D:href>")
    );
    assert_eq!(LockOwner::parse(None).application.kind, APP_API);
    let wopi = LockOwner::app("wopi").with_viewer("v1");
    assert_eq!(
        serde_json::to_value(&wopi).unwrap(),
        json!({"application": {"type": "wopi", "viewer_id": "v1"}})
    );
}
