//! Many small PUTs at once, which the server publishes in batches (one transaction for the
//! publishes waiting at one moment, on SQLite and on PostgreSQL): every answered write is
//! there with its bytes, charged once, and a write that fails in a batch fails alone.

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait};
use stratus_entity::entity;

use super::{
    PW,
    content::{get_bytes_as, statuses, storage_of},
    dav, password, propfind, setup,
};

const ANN: &str = "ann@example.com";
const BOB: &str = "bob@example.com";

/// The 4 KiB body of file `i` of `who`.
fn body(who: u8, i: usize) -> Vec<u8> {
    (0..4096).map(|n| (n as u8) ^ who ^ (i as u8)).collect()
}

/// 32 PUTs of distinct files by two users, all at once: each answers 201 and, right after
/// the answers, each file is listed in its owner's folder with the bytes written, and each
/// owner's usage grew by exactly what they wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn puts_of_two_owners_at_once_are_listed_with_their_bytes() {
    let (server, ann) = setup().await;
    server.create_user(BOB, PW).await;
    let bob = server.login(BOB, PW).await;
    let users = [
        (ANN, password(&server, &ann, "cloudreve://my").await, 1u8),
        (BOB, password(&server, &bob, "cloudreve://my").await, 2u8),
    ];
    let mut before = Vec::new();
    for (email, pw, _) in &users {
        let made = dav(&server, "MKCOL", "/in", email, pw)
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 201);
        before.push(storage_of(&server, email).await);
    }
    let requests: Vec<_> = (0..32)
        .map(|n| {
            let (email, pw, who) = &users[n % 2];
            dav(&server, "PUT", &format!("/in/f{:02}.bin", n / 2), email, pw)
                .body(body(*who, n / 2))
                .send()
        })
        .collect();
    let codes = statuses(requests).await;
    assert!(codes.iter().all(|c| *c == 201), "{codes:?}");
    for ((email, pw, who), used) in users.iter().zip(before) {
        let (status, listing) = propfind(&server, "/in/", email, pw).await;
        assert_eq!(status, 207);
        assert_eq!(listing.matches("<D:response>").count(), 17, "{listing}");
        for i in 0..16 {
            let path = format!("/in/f{i:02}.bin");
            assert!(listing.contains(&format!("{path}</D:href>")), "{path}");
            let got = get_bytes_as(&server, &path, email, pw).await;
            assert!(got == body(*who, i), "{email} {path}: wrong bytes");
        }
        assert_eq!(
            storage_of(&server, email).await,
            used + 16 * 4096,
            "{email}"
        );
    }
}

/// A database error inside a batch of publishes fails only the write that caused it: the
/// batch is rolled back and every write is published again on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_write_in_a_batch_fails_alone() {
    let (server, ann) = setup().await;
    let db = &server.state.db;
    // A trigger refuses the row of every file named `boom.bin`.
    let trigger: &[&str] = match db.get_database_backend() {
        DbBackend::Sqlite => &["CREATE TRIGGER boom BEFORE INSERT ON files \
             WHEN NEW.name = 'boom.bin' BEGIN SELECT RAISE(ABORT, 'boom'); END"],
        _ => &[
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.name = 'boom.bin' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER boom BEFORE INSERT ON files FOR EACH ROW EXECUTE FUNCTION boom()",
        ],
    };
    for sql in trigger {
        db.execute_unprepared(sql).await.unwrap();
    }
    let pw = password(&server, &ann, "cloudreve://my").await;
    let used = storage_of(&server, ANN).await;
    let entities_before = entity::Entity::find().count(db).await.unwrap();
    let names: Vec<String> = (0..24)
        .map(|i| {
            if i % 8 == 3 {
                "boom.bin".to_owned()
            } else {
                format!("ok{i:02}.bin")
            }
        })
        .collect();
    let requests: Vec<_> = names
        .iter()
        .map(|name| {
            dav(&server, "PUT", &format!("/{name}"), ANN, &pw)
                .body(vec![9u8; 500])
                .send()
        })
        .collect();
    let codes = statuses(requests).await;
    for (name, code) in names.iter().zip(&codes) {
        if name == "boom.bin" {
            assert!(*code >= 500, "{name}: {code}");
        } else {
            assert_eq!(*code, 201, "{name}");
        }
    }
    assert_eq!(storage_of(&server, ANN).await, used + 21 * 500);
    let entities_after = entity::Entity::find().count(db).await.unwrap();
    assert_eq!(entities_after, entities_before + 21);
    let (_, listing) = propfind(&server, "/", ANN, &pw).await;
    assert_eq!(listing.matches("<D:response>").count(), 22, "{listing}");
}

/// A small body with a length, sent in pieces, is stored whole; cut off by a client that goes
/// away, it stores nothing.
#[tokio::test]
async fn a_small_body_in_pieces_is_stored_whole_and_a_cut_one_not_at_all() {
    use base64::Engine as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let host = server.base.trim_start_matches("http://").to_owned();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{ANN}:{pw}"));
    let head = |name: &str| {
        format!(
            "PUT /dav/{name} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {auth}\r\n\
             Content-Length: 3000\r\nConnection: close\r\n\r\n"
        )
    };
    let data: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();

    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    stream
        .write_all(head("pieces.bin").as_bytes())
        .await
        .unwrap();
    for piece in data.chunks(1000) {
        stream.write_all(piece).await.unwrap();
        stream.flush().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert_eq!(get_bytes_as(&server, "/pieces.bin", ANN, &pw).await, data);

    let entities = entity::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    stream.write_all(head("cut.bin").as_bytes()).await.unwrap();
    stream.write_all(&data[..1000]).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest).await;
    drop(stream);
    let got = dav(&server, "GET", "/cut.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 404);
    let after = entity::Entity::find()
        .count(&server.state.db)
        .await
        .unwrap();
    assert_eq!(after, entities);
}
