//! `Range` headers on the content route: 200, 206 with the bytes named, or 416; never a 5xx.

use proptest::{prelude::*, test_runner::TestCaseError};
use reqwest::Method;
use stratus_tests::TestServer;

use super::{dropped, no_server_error, run_cases};
use crate::archive::upload;

fn range_header() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("bytes=".to_owned()),
        Just("-".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        (0u64..1200).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[ -~]{0,3}",
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_range_header_gets_the_bytes_it_names_or_a_4xx() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", "password123").await;
    let ann = server.login("ann@example.com", "password123").await;
    let body: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    upload(&server, &ann, "cloudreve://my/r.bin", &body).await;
    let urls = server
        .send_as(
            Method::POST,
            "/file/url",
            &ann.access_token,
            &serde_json::json!({"uris": ["cloudreve://my/r.bin"]}),
        )
        .await;
    let url = urls["data"]["urls"][0]["url"].as_str().unwrap().to_owned();
    let (server, body) = (&server, &body);
    run_cases(64, range_header(), |range| {
        let url = url.clone();
        async move {
            let resp = match server.client.get(&url).header("Range", &range).send().await {
                Ok(resp) => resp,
                // reqwest refuses some header values itself: nothing reached the server.
                Err(e) if e.is_builder() => return Ok(()),
                Err(e) => return Err(dropped(&e, &range)),
            };
            let status = resp.status().as_u16();
            no_server_error(status, &range)?;
            let content_range = resp
                .headers()
                .get("content-range")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let got = resp
                .bytes()
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            match status {
                200 => prop_assert_eq!(&got[..], &body[..]),
                206 => {
                    let cr = content_range.unwrap_or_default();
                    let span = cr.strip_prefix("bytes ").and_then(|s| s.split_once('/'));
                    let (start, end) = span
                        .and_then(|(r, _)| r.split_once('-'))
                        .and_then(|(a, b)| {
                            Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?))
                        })
                        .ok_or_else(|| TestCaseError::fail(format!("Content-Range {cr:?}")))?;
                    prop_assert!(start <= end && end < body.len());
                    prop_assert_eq!(&got[..], &body[start..=end]);
                }
                416 => {}
                other => prop_assert!(false, "{} for {:?}", other, range),
            }
            Ok(())
        }
    });
}
