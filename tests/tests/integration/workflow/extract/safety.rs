//! Extraction refuses what would escape or overflow the destination: unsafe names fail the
//! task, links are skipped, caps end a bomb, and in every failed case nothing is left in the
//! drive and the quota is back where it was. Other users' archives and groups without the
//! permission are refused.

use serde_json::json;
use stratus_entity::task::status;
use stratus_tests::{Session, TestServer};

use super::{allow, ask, create, extract, my, python, run, setup, upload};
use crate::admin::PW;
use crate::archive::update_group;

/// Crafted archives whose names leave the destination, made with Python's writers (the
/// command-line tools refuse to write them). The tar writes a good file first, so the task
/// fails midway.
const UNSAFE: &str = r#"
import io, tarfile, zipfile
def zip_of(path, names):
    with zipfile.ZipFile(path, "w") as z:
        for n in names:
            z.writestr(n, b"data of " + n.encode())
zip_of("slip.zip", ["good.txt", "../evil.txt"])
zip_of("abs.zip", ["good.txt", "/etc/evil.txt"])
zip_of("drive.zip", ["good.txt", "C:\\evil.txt"])
with tarfile.open("slip.tar.gz", "w:gz") as t:
    for n in ["good.txt", "sub/../../evil.txt"]:
        data = b"x" * 100000
        info = tarfile.TarInfo(n)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
"#;

/// Asserts that `out` holds only `keep.txt` and the user's storage is `before`.
async fn untouched(server: &TestServer, s: &Session, before: i64, what: &str) {
    assert_eq!(server.names_in(s, &my("out")).await, ["keep.txt"], "{what}");
    let user = s.user["id"].as_str().unwrap();
    let id = server
        .state
        .ids
        .decode(user, stratus_server::ids::IdKind::User)
        .unwrap();
    assert_eq!(
        server.storage_of(id).await,
        before,
        "{what}: quota not released"
    );
}

/// Storage the user uses now.
async fn used(server: &TestServer, s: &Session) -> i64 {
    let user = s.user["id"].as_str().unwrap();
    let id = server
        .state
        .ids
        .decode(user, stratus_server::ids::IdKind::User)
        .unwrap();
    server.storage_of(id).await
}

#[tokio::test]
async fn unsafe_names_fail_the_task_and_leave_nothing_behind() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    python(dir.path(), UNSAFE);
    upload(&server, &a, &my("out/keep.txt"), b"kept").await;
    for archive in ["slip.zip", "abs.zip", "drive.zip", "slip.tar.gz"] {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let before = used(&server, &a).await;
        let done = extract(&server, &a, &my(archive), &my("out"), None).await;
        assert_eq!(done.status, status::ERROR, "{archive}");
        assert!(
            done.public_state["error"]
                .as_str()
                .unwrap_or("")
                .contains("unsafe entry name"),
            "{archive}: {:?}",
            done.public_state
        );
        untouched(&server, &a, before, archive).await;
    }
    assert!(!dir.path().join("evil.txt").exists());
}

/// A tar with a symbolic link, a hard link and a FIFO next to a regular file, and a zip
/// with a symbolic link stored as a link (`zip -y`).
const LINKS: &str = r#"
import io, tarfile
with tarfile.open("links.tar", "w") as t:
    data = b"real data"
    info = tarfile.TarInfo("real.txt"); info.size = len(data)
    t.addfile(info, io.BytesIO(data))
    for name, kind, target in [("sym", tarfile.SYMTYPE, "/etc/passwd"),
                               ("hard", tarfile.LNKTYPE, "real.txt"),
                               ("fifo", tarfile.FIFOTYPE, "")]:
        info = tarfile.TarInfo(name); info.type = kind; info.linkname = target
        t.addfile(info)
"#;

#[tokio::test]
async fn links_and_special_entries_are_skipped_not_followed() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    python(dir.path(), LINKS);
    std::fs::write(dir.path().join("real.txt"), b"real data").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("sym")).unwrap();
    run(dir.path(), "zip", &["-qy", "links.zip", "real.txt", "sym"]);
    for archive in ["links.tar", "links.zip"] {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let out = format!("out-{archive}");
        create(&server, &a, &my(&out), "folder").await;
        let done = extract(&server, &a, &my(archive), &my(&out), None).await;
        assert_eq!(
            done.status,
            status::COMPLETED,
            "{archive}: {}",
            done.public_state
        );
        assert_eq!(
            server.names_in(&a, &my(&out)).await,
            ["real.txt"],
            "{archive}"
        );
        assert_eq!(
            server.download(&a, &my(&format!("{out}/real.txt"))).await,
            b"real data"
        );
        assert!(done.log.contains("skipped sym"), "{archive}: {}", done.log);
    }
}

/// Sets the User group's extraction caps.
async fn caps(server: &TestServer, bytes: u64, entries: u64) {
    update_group(server, |g| {
        g.settings["decompress_size"] = json!(bytes);
        g.settings["max_walked_files"] = json!(entries);
    })
    .await;
}

/// Archives past the caps: a zip whose header announces a big entry, a tar.gz whose third
/// file crosses the byte cap midway (tar headers are only met while reading), and a zip of
/// many small entries.
const BOMBS: &str = r#"
import io, tarfile, zipfile
with zipfile.ZipFile("big.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("zeros.bin", bytes(5 * 1024 * 1024))
with tarfile.open("big.tar.gz", "w:gz") as t:
    for i in range(3):
        data = bytes(400 * 1024)
        info = tarfile.TarInfo(f"part{i}.bin"); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
with zipfile.ZipFile("many.zip", "w") as z:
    for i in range(50):
        z.writestr(f"f{i}.txt", b"x")
with tarfile.open("many.tar", "w") as t:
    for i in range(50):
        info = tarfile.TarInfo(f"f{i}.txt"); info.size = 1
        t.addfile(info, io.BytesIO(b"x"))
"#;

#[tokio::test]
async fn bombs_end_in_a_task_error_and_leave_nothing_behind() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    python(dir.path(), BOMBS);
    upload(&server, &a, &my("out/keep.txt"), b"kept").await;
    caps(&server, 1024 * 1024, 20).await;
    let cases = [
        ("big.zip", "unpacks to more than"),
        ("big.tar.gz", "unpacks to more than"),
        ("many.zip", "more than 20 entries"),
        ("many.tar", "more than 20 entries"),
    ];
    for (archive, why) in cases {
        let bytes = std::fs::read(dir.path().join(archive)).unwrap();
        upload(&server, &a, &my(archive), &bytes).await;
        let before = used(&server, &a).await;
        let done = extract(&server, &a, &my(archive), &my("out"), None).await;
        assert_eq!(done.status, status::ERROR, "{archive}");
        let error = done.public_state["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains(why), "{archive}: {error}");
        untouched(&server, &a, before, archive).await;
    }
    // With the caps lifted (0 bytes is unlimited), the same tar.gz extracts.
    caps(&server, 0, 100).await;
    let done = extract(&server, &a, &my("big.tar.gz"), &my("out"), None).await;
    assert_eq!(done.status, status::COMPLETED, "{}", done.public_state);
    let names = server.names_in(&a, &my("out")).await;
    assert_eq!(names, ["keep.txt", "part0.bin", "part1.bin", "part2.bin"]);
}

#[tokio::test]
async fn another_users_archive_and_a_group_without_the_bit_are_refused() {
    let (server, a) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), b"secret").unwrap();
    run(dir.path(), "zip", &["-q", "a.zip", "f.txt"]);
    upload(
        &server,
        &a,
        &my("a.zip"),
        &std::fs::read(dir.path().join("a.zip")).unwrap(),
    )
    .await;
    create(&server, &a, &my("out"), "folder").await;

    server.create_user("b@example.com", PW).await;
    let b = server.login("b@example.com", PW).await;
    create(&server, &b, &my("out"), "folder").await;
    let refused = ask(&server, &b, &my("a.zip"), &my("out"), None).await;
    assert_eq!(refused["code"], 404, "{refused}");
    let a_root = format!("cloudreve://{}@my/a.zip", a.user["id"].as_str().unwrap());
    let refused = ask(&server, &b, &a_root, &my("out"), None).await;
    assert_ne!(refused["code"], 0, "{refused}");
    let listed = server
        .get_as(
            &format!(
                "/file/archive?uri={}",
                stratus_tests::query_escape(&my("a.zip"))
            ),
            &b.access_token,
        )
        .await;
    assert_eq!(listed["code"], 404, "{listed}");
    assert!(server.names_in(&b, &my("out")).await.is_empty());
    let tasks = server
        .get_as("/workflow?category=general", &b.access_token)
        .await;
    assert_eq!(tasks["data"]["tasks"], json!([]), "{tasks}");

    allow(&server, false).await;
    let refused = ask(&server, &a, &my("a.zip"), &my("out"), None).await;
    assert_eq!(refused["code"], 40007, "{refused}");
    assert!(server.names_in(&a, &my("out")).await.is_empty());
}
