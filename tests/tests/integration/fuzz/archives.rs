//! Zip archives with hostile entry names and damaged bytes, listed (`GET /file/archive`) and
//! extracted by the real task: never a 5xx, the task ends (done or failed), and nothing
//! appears outside the destination folder.

use std::io::Write;

use proptest::prelude::*;
use reqwest::Method;
use serde_json::json;
use stratus_entity::task::status;
use stratus_server::ids::IdKind;
use stratus_tests::{Session, TestServer, query_escape};

use super::{no_server_error, run_cases};
use crate::{
    admin::PW,
    archive::{create, upload},
    workflow::{extract::allow, wait_task},
};

fn hostile_name() -> impl Strategy<Value = String> {
    let piece = &[
        "..", ".", "/", "\\", "C:", "a", "é", "%2e", " ", ":", "*", "\u{202E}", "x.txt",
    ][..];
    proptest::collection::vec(proptest::sample::select(piece), 1..8).prop_map(|v| v.concat())
}

/// A zip of up to four entries, then maybe cut or with a byte changed.
fn archive() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(
            (
                hostile_name(),
                proptest::collection::vec(any::<u8>(), 0..40),
            ),
            1..5,
        ),
        proptest::option::of((any::<usize>(), any::<u8>(), any::<bool>())),
    )
        .prop_map(|(entries, damage)| {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for (name, data) in &entries {
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated);
                if zip.start_file(name.as_str(), options).is_ok() {
                    zip.write_all(data).unwrap();
                }
            }
            let mut bytes = zip.finish().unwrap().into_inner();
            if let Some((at, value, cut)) = damage {
                let i = at % bytes.len().max(1);
                if cut {
                    bytes.truncate(i);
                } else if i < bytes.len() {
                    bytes[i] = value;
                }
            }
            bytes
        })
}

async fn one_case(server: &TestServer, a: &Session, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    upload(server, a, "cloudreve://my/in/a.zip", &bytes).await;
    create(server, a, "cloudreve://my/out", "folder").await;
    let listed = server
        .request_as(
            Method::GET,
            &format!(
                "/file/archive?uri={}",
                query_escape("cloudreve://my/in/a.zip")
            ),
            &a.access_token,
        )
        .send()
        .await
        .unwrap();
    no_server_error(listed.status().as_u16(), "the listing")?;
    let body = json!({"src": ["cloudreve://my/in/a.zip"], "dst": "cloudreve://my/out"});
    let created = server
        .send_as(Method::POST, "/workflow/extract", &a.access_token, &body)
        .await;
    prop_assert_eq!(&created["code"], 0, "{}", created);
    let id = server
        .state
        .ids
        .decode(created["data"]["id"].as_str().unwrap(), IdKind::Task)
        .unwrap();
    wait_task(server, id, "ended", |t| {
        t.status == status::COMPLETED || t.status == status::ERROR
    })
    .await;
    // Only the archive's folder and the destination exist at the top.
    let top = server.names_in(a, "cloudreve://my").await;
    prop_assert!(top.iter().all(|n| n == "in" || n == "out"), "{:?}", top);
    prop_assert_eq!(server.names_in(a, "cloudreve://my/in").await, ["a.zip"]);
    // The next case starts from an empty destination.
    for uri in ["cloudreve://my/in/a.zip", "cloudreve://my/out"] {
        let body = json!({"uris": [uri], "skip_soft_delete": true});
        let _ = server
            .send_as(Method::DELETE, "/file", &a.access_token, &body)
            .await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_damaged_zips_are_listed_and_extracted_inside_the_destination() {
    let server = TestServer::start().await;
    server.create_user("a@example.com", PW).await;
    let a = server.login("a@example.com", PW).await;
    allow(&server, true).await;
    let (server, a) = (&server, &a);
    run_cases(16, archive(), |bytes| one_case(server, a, bytes));
}
