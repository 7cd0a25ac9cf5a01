//! A user whose group stores on an S3 bucket (s3s-fs): uploads through the API and WebDAV land
//! in the bucket, and a WebDAV GET is redirected to a presigned URL unless the account asks
//! for proxying.

use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use stratus_entity::storage_policy;
use stratus_server::ids::IdKind;
use stratus_tests::{TestServer, s3::S3Server};

use super::{dav, password, proxy_password, setup};
use crate::{archive::update_group, storage_s3};

const ANN: &str = "ann@example.com";

/// Stores an `s3` policy for `s3` (with `settings` added) and makes it the User group's
/// policy; returns its id.
pub(crate) async fn use_bucket(server: &TestServer, s3: &S3Server, settings: Value) -> i64 {
    let row = storage_s3::policy(s3, settings);
    let stored = storage_policy::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..row.into_active_model()
    }
    .insert(&server.state.db)
    .await
    .unwrap();
    update_group(server, |g| g.storage_policy_id = Some(stored.id)).await;
    stored.id
}

/// Every file below the bucket folder, as `(key, size)`.
fn objects(s3: &S3Server) -> Vec<(String, u64)> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, u64)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let key = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((key, entry.metadata().unwrap().len()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&s3.bucket_dir, &s3.bucket_dir, &mut out);
    out
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(29).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn uploads_land_in_the_bucket_and_dav_reads_redirect_to_it() {
    let (server, ann) = setup().await;
    let s3 = S3Server::start();
    let policy = use_bucket(&server, &s3, json!({"relay": true})).await;

    // A chunked upload through the API of a policy that relays: chunks are staged, the whole
    // file goes to the bucket.
    let data = pattern((5 << 20) / 2, 1);
    let created = server
        .send_as(
            Method::PUT,
            "/file/upload",
            &ann.access_token,
            &json!({"uri": "cloudreve://my/api.bin", "size": data.len(),
                    "policy_id": server.state.ids.encode(policy, IdKind::Policy)}),
        )
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let sid = created["data"]["session_id"].as_str().unwrap().to_owned();
    let chunk = created["data"]["chunk_size"].as_u64().unwrap() as usize;
    assert_eq!(chunk, 1 << 20);
    // Clients are told to send the chunks to Stratus, not to the bucket.
    assert_eq!(
        created["data"]["storage_policy"]["relay"], true,
        "{created}"
    );
    assert!(created["data"]["upload_urls"].is_null(), "{created}");
    for (i, part) in data.chunks(chunk).enumerate() {
        let answer = server.send_chunk(&ann, &sid, i as i64, part).await;
        assert_eq!(answer["code"], 0, "chunk {i}: {answer}");
    }
    let stored = objects(&s3);
    assert!(
        stored.iter().any(|(_, size)| *size == data.len() as u64),
        "the upload is not in the bucket: {stored:?}"
    );
    // Downloads through the API get a presigned URL of the bucket, answered with the name
    // and type the content route would send.
    let urls = server
        .send_as(
            Method::POST,
            "/file/url",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/api.bin"], "download": true}),
        )
        .await;
    let url = urls["data"]["urls"][0]["url"].as_str().unwrap();
    assert!(url.starts_with(&s3.endpoint), "{urls}");
    let got = server.client.get(url).send().await.unwrap();
    assert_eq!(got.status(), 200, "{urls}");
    let disposition = got.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("api.bin"),
        "{disposition}"
    );
    assert!(got.bytes().await.unwrap() == data);

    // WebDAV writes go to the bucket too.
    let pw = password(&server, &ann, "cloudreve://my").await;
    let small = pattern(300_000, 2);
    let put = dav(&server, "PUT", "/dav.bin", ANN, &pw)
        .body(small.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    assert_eq!(objects(&s3).len(), 2, "{:?}", objects(&s3));

    // Without the proxy option a read is sent to the bucket, with a URL that works alone.
    let get = dav(&server, "GET", "/dav.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 302);
    let location = get.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&s3.endpoint), "{location}");
    let direct = reqwest::get(&location).await.unwrap();
    assert_eq!(direct.status(), 200);
    assert_eq!(direct.headers()["content-type"], "application/octet-stream");
    assert!(direct.bytes().await.unwrap() == small);

    // A group speed limit keeps the bytes on Stratus's path, as for API downloads.
    update_group(&server, |g| g.speed_limit = 1 << 20).await;
    let get = dav(&server, "GET", "/dav.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert!(get.bytes().await.unwrap() == small);
    update_group(&server, |g| g.speed_limit = 0).await;

    // With it (and the group allowing it) the bytes come through Stratus, ranges included.
    let proxied = proxy_password(&server, &ann, "tv").await;
    let get = dav(&server, "GET", "/dav.bin", ANN, &proxied)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert!(get.bytes().await.unwrap() == small);
    let part = dav(&server, "GET", "/api.bin", ANN, &proxied)
        .header("Range", "bytes=1048570-1048589")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), data[1_048_570..1_048_590]);
}

/// What a presigned API download carries, and when Stratus keeps the bytes on its own path.
#[tokio::test]
async fn api_downloads_from_a_bucket() {
    let (server, ann) = setup().await;
    let s3 = S3Server::start();
    // Pictures are thumbnailed here (the bucket has no thumbnail service).
    let policy_id = use_bucket(&server, &s3, json!({"thumb_generator_proxy": true})).await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    for (name, body) in [("notes.txt", "plain words"), ("page.html", "<p>hi</p>")] {
        let put = dav(&server, "PUT", &format!("/{name}"), ANN, &pw)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201);
    }
    let url_of = |uri: &str| {
        let server = &server;
        let token = ann.access_token.clone();
        let uri = uri.to_owned();
        async move {
            let answer = server
                .send_as(Method::POST, "/file/url", &token, &json!({"uris": [uri]}))
                .await;
            assert_eq!(answer["code"], 0, "{answer}");
            answer["data"]["urls"][0]["url"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    // Text is shown inline with its type; a page is always an attachment.
    let got = reqwest::get(url_of("cloudreve://my/notes.txt").await)
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "text/plain");
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(got.text().await.unwrap(), "plain words");
    let got = reqwest::get(url_of("cloudreve://my/page.html").await)
        .await
        .unwrap();
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // Thumbnails are made from the bucket's copy and stored beside it.
    let put = dav(&server, "PUT", "/photo.png", ANN, &pw)
        .body(crate::thumb::png(640, 480))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let before = objects(&s3).len();
    let answer = crate::thumb::thumb(&server, &ann, "cloudreve://my/photo.png").await;
    let (_, picture) = crate::thumb::fetch(&server, &answer).await;
    assert!(
        picture.width() <= 400 && picture.height() <= 300,
        "{answer}"
    );
    assert_eq!(objects(&s3).len(), before + 1, "{:?}", objects(&s3));

    // A direct link sends visitors to the bucket as well.
    let made = server
        .send_as(
            Method::PUT,
            "/file/source",
            &ann.access_token,
            &json!({"uris": ["cloudreve://my/notes.txt"]}),
        )
        .await;
    assert_eq!(made["code"], 0, "{made}");
    let link = made["data"][0]["link"].as_str().unwrap();
    let resp = server.client.get(link).send().await.unwrap();
    assert_eq!(resp.status(), 302, "{link}");
    let location = resp.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(&s3.endpoint), "{location}");
    let got = reqwest::get(location).await.unwrap();
    assert_eq!(got.text().await.unwrap(), "plain words");

    // A group speed limit needs the bytes to pass through Stratus.
    update_group(&server, |g| g.speed_limit = 1 << 20).await;
    let url = url_of("cloudreve://my/notes.txt").await;
    assert!(url.starts_with(&server.base), "{url}");
    let got = server.client.get(&url).send().await.unwrap();
    assert_eq!(got.text().await.unwrap(), "plain words");
    update_group(&server, |g| g.speed_limit = 0).await;

    // A download proxy in front of the bucket (`custom_proxy`): presigned URLs go through it
    // with the object's path and the signature kept, from the API and WebDAV alike.
    let direct = reqwest::Url::parse(&url_of("cloudreve://my/notes.txt").await).unwrap();
    let mut policy = storage_policy::Entity::find_by_id(policy_id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    let mut settings = policy.settings.clone().unwrap();
    settings["custom_proxy"] = json!(true);
    settings["proxy_server"] = json!("https://cdn.example/files/?via=stratus");
    policy.settings = sea_orm::ActiveValue::Set(settings);
    policy.update(&server.state.db).await.unwrap();
    server.state.storage.invalidate(policy_id).await;
    let proxied = reqwest::Url::parse(&url_of("cloudreve://my/notes.txt").await).unwrap();
    assert_eq!(proxied.host_str(), Some("cdn.example"), "{proxied}");
    assert_eq!(proxied.path(), format!("/files{}", direct.path()));
    let query = proxied.query().unwrap();
    assert!(
        query.contains("X-Amz-Signature=") && query.ends_with("&via=stratus"),
        "{query}"
    );
    let get = dav(&server, "GET", "/notes.txt", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 302);
    let location = get.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://cdn.example/files/"),
        "{location}"
    );
}

/// A mount of someone else's share never sends its reader to the bucket: a presigned URL
/// would serve any number of downloads, and go on working after the share stopped.
#[tokio::test]
async fn a_share_mount_streams_from_the_bucket_instead_of_redirecting() {
    let (server, ann) = setup().await;
    let s3 = S3Server::start();
    use_bucket(&server, &s3, json!({})).await;
    let own = password(&server, &ann, "cloudreve://my").await;
    let data = pattern(200_000, 3);
    for (method, path, body) in [
        ("MKCOL", "/Docs", Vec::new()),
        ("PUT", "/Docs/a.bin", data.clone()),
    ] {
        let resp = dav(&server, method, path, ANN, &own)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "{method} {path}");
    }
    let (id, _) = server
        .share(&ann, "cloudreve://my/Docs", json!({"downloads": 1}))
        .await;
    server.create_user("bob@example.com", "password123").await;
    let bob = server.login("bob@example.com", "password123").await;
    let pw = password(&server, &bob, &format!("cloudreve://{id}@share")).await;

    let get = dav(&server, "GET", "/a.bin", "bob@example.com", &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert!(get.bytes().await.unwrap() == data);
    let again = dav(&server, "GET", "/a.bin", "bob@example.com", &pw)
        .send()
        .await
        .unwrap();
    assert_ne!(again.status(), 200);
    assert_ne!(again.status(), 302);
}
