//! `GET /file/archive`: the names as Cloudreve writes them, a 7z whose header would hold more
//! entries than the group allows, and one listing per blob (cached, read in place).

use std::io::Write;

use sea_orm::EntityTrait;
use serde_json::Value;
use stratus_entity::{entity, file};
use stratus_tests::{Session, TestServer, query_escape};

use super::setup;
use crate::archive::{my, update_group, upload};

/// A zip of `entries` (names ending in `/` are folders), made with the `zip` crate.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        if let Some(dir) = name.strip_suffix('/') {
            out.add_directory(dir, opts).unwrap();
        } else {
            out.start_file(*name, opts).unwrap();
            out.write_all(bytes).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// `GET /file/archive` of `uri` as `s`.
pub async fn listing(server: &TestServer, s: &Session, uri: &str, extra: &str) -> Value {
    let path = format!("/file/archive?uri={}{extra}", query_escape(uri));
    server.get_as(&path, &s.access_token).await
}

fn names(listed: &Value) -> Vec<String> {
    listed["data"]["files"]
        .as_array()
        .unwrap_or_else(|| panic!("no files: {listed}"))
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn listed_names_start_with_a_slash_as_cloudreve_writes_them() {
    let (server, a) = setup().await;
    let bytes = zip_of(&[("x.txt", b"x"), ("dir/", b""), ("dir/y.txt", b"y")]);
    upload(&server, &a, &my("a.zip"), &bytes).await;
    let listed = listing(&server, &a, &my("a.zip"), "").await;
    assert_eq!(listed["code"], 0, "{listed}");
    assert_eq!(names(&listed), ["/x.txt", "/dir", "/dir/y.txt"], "{listed}");
}

/// A 7z holding `count` empty files named `entry-000000`, ... with an uncompressed header
/// (26 bytes a name), written by hand (the format's numbers, bit fields and UTF-16 names), so a large one costs no tool run.
fn many_empty_files_7z(count: u64) -> Vec<u8> {
    fn number(out: &mut Vec<u8>, v: u64) {
        // 7z's variable-length number: the count of leading one bits in the first byte says
        // how many little-endian bytes follow.
        for extra in 0..8u32 {
            if v < 1u64 << (7 * (extra + 1)) {
                let mask = !(0xFFu16 >> extra) as u8;
                out.push(mask | (v >> (8 * extra)) as u8);
                out.extend_from_slice(&v.to_le_bytes()[..extra as usize]);
                return;
            }
        }
        out.push(0xFF);
        out.extend_from_slice(&v.to_le_bytes());
    }
    let bits = vec![0xFFu8; count.div_ceil(8) as usize];
    let mut names = vec![0u8];
    for i in 0..count {
        for unit in format!("entry-{i:06}").encode_utf16().chain([0]) {
            names.extend_from_slice(&unit.to_le_bytes());
        }
    }
    let mut header = vec![0x01, 0x05]; // Header, FilesInfo
    number(&mut header, count);
    for (property, body) in [(0x0E, &bits), (0x0F, &bits), (0x11, &names)] {
        header.push(property); // EmptyStream, EmptyFile, Name
        number(&mut header, body.len() as u64);
        header.extend_from_slice(body);
    }
    header.extend_from_slice(&[0x00, 0x00]); // end of FilesInfo, end of Header
    let mut start = Vec::new();
    start.extend_from_slice(&0u64.to_le_bytes());
    start.extend_from_slice(&(header.len() as u64).to_le_bytes());
    start.extend_from_slice(&crc32fast::hash(&header).to_le_bytes());
    let mut out = vec![b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4];
    out.extend_from_slice(&crc32fast::hash(&start).to_le_bytes());
    out.extend_from_slice(&start);
    out.extend_from_slice(&header);
    out
}

#[tokio::test]
async fn a_7z_with_more_entries_than_allowed_is_refused_from_its_header_size() {
    let (server, a) = setup().await;
    update_group(&server, |g| {
        g.settings["max_walked_files"] = 1000.into();
    })
    .await;
    // Allowed: a small one lists in full.
    upload(&server, &a, &my("few.7z"), &many_empty_files_7z(20)).await;
    let few = listing(&server, &a, &my("few.7z"), "").await;
    assert_eq!(few["code"], 0, "{few}");
    assert_eq!(names(&few).len(), 20, "{few}");
    assert_eq!(names(&few)[10], "/entry-000010");

    // 300,000 entries (a 7.8 MB header): refused for its header's size, before it is parsed.
    upload(&server, &a, &my("many.7z"), &many_empty_files_7z(300_000)).await;
    let many = listing(&server, &a, &my("many.7z"), "").await;
    assert_eq!(many["code"], 40045, "{many}");
    assert!(
        many["msg"].as_str().unwrap().contains("header"),
        "the header's size refuses it: {many}"
    );
}

/// The local path of the current blob of `a`'s file `name`.
async fn blob_of(server: &TestServer, name: &str) -> entity::Model {
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = file::Entity::find()
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    entity::Entity::find_by_id(row.primary_entity.unwrap())
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_listing_is_kept_per_blob_and_encoding() {
    let (server, a) = setup().await;
    upload(&server, &a, &my("c.zip"), &zip_of(&[("one.txt", b"1")])).await;
    let first = listing(&server, &a, &my("c.zip"), "").await;
    assert_eq!(names(&first), ["/one.txt"], "{first}");

    // The blob is damaged behind the server's back: the listing of that blob is kept.
    let blob = blob_of(&server, "c.zip").await;
    std::fs::write(&blob.source, b"no longer a zip").unwrap();
    let again = listing(&server, &a, &my("c.zip"), "").await;
    assert_eq!(again["code"], 0, "{again}");
    assert_eq!(names(&again), ["/one.txt"], "{again}");
    // Another encoding is another listing, read from the (now damaged) blob.
    let other = listing(&server, &a, &my("c.zip"), "&text_encoding=gbk").await;
    assert_eq!(other["code"], 40045, "{other}");

    // A new version is another blob, listed anew.
    upload(&server, &a, &my("d.zip"), &zip_of(&[("two.txt", b"2")])).await;
    let d = listing(&server, &a, &my("d.zip"), "").await;
    assert_eq!(names(&d), ["/two.txt"], "{d}");
}
