//! What an upload session costs the disk: a session that is refused allocates nothing, a
//! pre-allocation never takes more than the file system has free, and one that fails answers
//! a clear error, releases the reservation and leaves no file. The local policy's folder is
//! a small tmpfs here, so that running out of space costs the machine nothing.

use std::path::Path;

use stratus_tests::TinyFs;

use super::*;

const MIB: u64 = 1024 * 1024;

/// Mounts a tmpfs of `bytes` (and at most `inodes` entries, 0: no limit) on the local
/// policy's folder, before anything was stored there.
fn tiny_uploads(server: &TestServer, bytes: u64, inodes: u64) -> TinyFs {
    TinyFs::mount(&server.data_dir.join("uploads"), bytes, inodes)
        .expect("these tests mount a tmpfs on the uploads folder, which needs root")
}

/// `(partial upload files, all files)` below `dir`.
fn files_below(dir: &Path) -> (usize, usize) {
    let (mut parts, mut all) = (0, 0);
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                todo.push(entry.path());
            } else {
                all += 1;
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".stratus-part-")
                {
                    parts += 1;
                }
            }
        }
    }
    (parts, all)
}

/// Nothing of a refused or failed session is left: no row, no reservation, no placeholder.
async fn nothing_left(
    server: &TestServer,
    ann: &Session,
    uri: &str,
    storage: i64,
    sessions: usize,
) {
    assert_eq!(user_row(server, ann).await.storage, storage, "{uri}");
    let rows = upload_session::Entity::find()
        .all(&server.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), sessions, "{uri}");
    assert_eq!(info(server, ann, uri).await["code"], 404, "{uri}");
}

/// Sessions that a check refuses answer that check's code, even when the file system could
/// not hold them: nothing is allocated before every check has passed.
#[tokio::test]
async fn refused_sessions_allocate_nothing() {
    let (server, ann) = setup().await;
    let fs = tiny_uploads(&server, 8 * MIB, 0);
    let uploads = fs.path().to_owned();

    // Larger than the group's 1 GiB: 40051, whatever the size.
    for size in [
        1_000_000_000_000usize,
        1_000_000_000_000_000,
        i64::MAX as usize,
    ] {
        let before = files_below(&uploads);
        let r = create(&server, &ann, "cloudreve://my/huge.bin", size, json!({})).await;
        assert_eq!(r["code"], 40051, "size {size}: {r}");
        assert_eq!(files_below(&uploads), before, "size {size}");
        nothing_left(&server, &ann, "cloudreve://my/huge.bin", 0, 0).await;
    }

    // The name is taken: 40004, not a storage error.
    upload(&server, &ann, "cloudreve://my/x.bin", b"hello").await;
    let before = files_below(&uploads);
    let r = create(
        &server,
        &ann,
        "cloudreve://my/x.bin",
        16 * MIB as usize,
        json!({}),
    )
    .await;
    assert_eq!(r["code"], 40004, "{r}");
    assert_eq!(files_below(&uploads), before);

    // The path is being uploaded: 40054.
    open_session(&server, &ann, "cloudreve://my/y.bin", 1024).await;
    let before = files_below(&uploads);
    assert_eq!(before.0, 1, "the live session's partial file");
    let r = create(
        &server,
        &ann,
        "cloudreve://my/y.bin",
        16 * MIB as usize,
        json!({}),
    )
    .await;
    assert_eq!(r["code"], 40054, "{r}");
    assert_eq!(files_below(&uploads), before);
    assert_eq!(user_row(&server, &ann).await.storage, 5 + 1024);
}

/// A pre-allocation larger than the file system's free space is refused before it is tried
/// (40002), and the session's reservation, placeholder and lock go with it.
#[tokio::test]
async fn a_session_larger_than_the_free_space_is_refused_and_leaves_nothing() {
    let (server, ann) = setup().await;
    let fs = tiny_uploads(&server, 8 * MIB, 0);
    let uploads = fs.path().to_owned();

    for size in [16 * MIB, fs.free() + 1, fs.free()] {
        let r = create(
            &server,
            &ann,
            "cloudreve://my/big.bin",
            size as usize,
            json!({}),
        )
        .await;
        assert_eq!(r["code"], 40002, "size {size}: {r}");
        assert_eq!(files_below(&uploads), (0, 0), "size {size}");
        nothing_left(&server, &ann, "cloudreve://my/big.bin", 0, 0).await;
    }

    // The path is free again, and a file that fits is uploaded whole.
    let bytes = data(3 * CHUNK, 9);
    upload(&server, &ann, "cloudreve://my/big.bin", &bytes).await;
    assert_stored_once(&server, &ann, "cloudreve://my/big.bin", &bytes).await;

    // Without pre-allocation nothing is reserved on disk, so nothing is refused up front.
    update_policy(&server, |p| p.settings["pre_allocate"] = json!(false)).await;
    let sid = open_session(&server, &ann, "cloudreve://my/later.bin", 16 * MIB as usize).await;
    let r = server
        .send_as(
            Method::DELETE,
            "/file/upload",
            &ann.access_token,
            &json!({"id": sid, "uri": "cloudreve://my/later.bin"}),
        )
        .await;
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(files_below(&uploads), (0, 1));
}

/// An allocation the file system itself refuses (here: it has no inode left for the partial
/// file) answers 40002, releases the reservation and leaves no file behind.
#[tokio::test]
async fn a_failing_allocation_answers_a_clear_error_and_releases_the_reservation() {
    let (server, ann) = setup().await;
    let fs = tiny_uploads(&server, 8 * MIB, 64);
    let uploads = fs.path().to_owned();
    // The test takes every inode left (bounded: the file system has 64).
    let mut fillers = Vec::new();
    for i in 0..1000 {
        let path = uploads.join(format!("filler-{i}"));
        match std::fs::write(&path, b"") {
            Ok(()) => fillers.push(path),
            Err(_) => break,
        }
    }
    assert!(!fillers.is_empty() && fillers.len() < 1000);
    let before = files_below(&uploads);

    let r = create(&server, &ann, "cloudreve://my/a/b.bin", 1024, json!({})).await;
    assert_eq!(r["code"], 40002, "{r}");
    assert_eq!(files_below(&uploads), before);
    nothing_left(&server, &ann, "cloudreve://my/a/b.bin", 0, 0).await;

    // Once there is room again, the same path uploads (its lock went with the session).
    for path in fillers {
        std::fs::remove_file(path).unwrap();
    }
    let bytes = data(1024, 3);
    upload(&server, &ann, "cloudreve://my/a/b.bin", &bytes).await;
    assert_stored_once(&server, &ann, "cloudreve://my/a/b.bin", &bytes).await;
}

/// Fills the file system but `room` bytes with one file (bounded: the tmpfs is small).
fn fill_but(fs: &TinyFs, room: u64) -> std::path::PathBuf {
    let path = fs.path().join("filler");
    let len = fs.free().saturating_sub(room);
    std::fs::write(&path, vec![7u8; len as usize]).unwrap();
    path
}

/// A chunk written without pre-allocation meets a full file system (ENOSPC): it answers a
/// clear error, the session and its reservation stay, and once space is freed the
/// chunk is sent again and the file is stored byte for byte.
#[tokio::test]
async fn a_chunk_that_meets_a_full_disk_answers_a_clear_error_and_can_be_sent_again() {
    let (server, ann) = setup().await;
    let fs = tiny_uploads(&server, 4 * MIB, 0);
    update_policy(&server, |p| p.settings["pre_allocate"] = json!(false)).await;
    let bytes = data(6 * CHUNK, 5);
    let sid = open_session(&server, &ann, "cloudreve://my/full.bin", bytes.len()).await;
    let filler = fill_but(&fs, 2 * CHUNK as u64);

    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
    let mut failed = None;
    for (i, c) in chunks.iter().enumerate() {
        let r = send_chunk(&server, &ann, &sid, i as i64, c).await;
        if r["code"] != 0 {
            assert_eq!(r["code"], 40002, "chunk {i}: {r}");
            failed = Some(i);
            break;
        }
    }
    let failed = failed.expect("the disk never filled up");
    assert_eq!(user_row(&server, &ann).await.storage, bytes.len() as i64);

    std::fs::remove_file(filler).unwrap();
    for (i, c) in chunks.iter().enumerate().skip(failed) {
        let r = send_chunk(&server, &ann, &sid, i as i64, c).await;
        assert_eq!(r["code"], 0, "chunk {i} again: {r}");
    }
    assert_stored_once(&server, &ann, "cloudreve://my/full.bin", &bytes).await;
    assert_eq!(files_below(fs.path()), (0, 1));
}

/// A WebDAV PUT streamed into a full file system answers 507 and leaves no file, row or
/// partial blob; after space is freed the same PUT stores the file.
#[tokio::test]
async fn a_dav_put_that_meets_a_full_disk_leaves_nothing_and_works_once_space_is_freed() {
    let (server, ann) = setup().await;
    crate::dav::set_group_bits(
        &server,
        2,
        &[(stratus_server::boolset::group_perm::WEBDAV, true)],
    )
    .await;
    let pw = crate::dav::password(&server, &ann, "cloudreve://my").await;
    let fs = tiny_uploads(&server, 4 * MIB, 0);
    let filler = fill_but(&fs, 2 * CHUNK as u64);
    let before = files_below(fs.path());
    let bytes = data(16 * CHUNK, 6);
    let put = || {
        crate::dav::dav(&server, "PUT", "/full.bin", "ann@example.com", &pw)
            .body(bytes.clone())
            .send()
    };

    let resp = put().await.unwrap();
    assert_eq!(resp.status(), 507, "{}", resp.text().await.unwrap());
    assert_eq!(files_below(fs.path()), before);
    nothing_left(&server, &ann, "cloudreve://my/full.bin", 0, 0).await;

    std::fs::remove_file(filler).unwrap();
    let resp = put().await.unwrap();
    assert_eq!(resp.status(), 201);
    assert_stored_once(&server, &ann, "cloudreve://my/full.bin", &bytes).await;
    assert_eq!(files_below(fs.path()), (0, 1));
}
