//! A file's content decides nothing about what a tool reads: the attacks that made libvips
//! and ffmpeg read other files of the server (an HLS playlist named `.mp4` whose segment
//! lies outside the tool's folder, a MATLAB/HDF5 file named `.tif`, a tool that reads the
//! database) end with "no thumbnail" and leak nothing; and a new installation switches on
//! the generators whose tools it finds.

use std::path::Path;

use stratus_tests::TestServer;

use super::{clip, file_row, meta, script, set, setup, thumb, tool, upload};

/// A one-second MPEG-TS clip at `dir/seg.ts`, the segment a playlist points at.
fn segment(dir: &Path) -> std::path::PathBuf {
    clip(dir, "seg.ts", &["-f", "mpegts"])
}

/// An HLS playlist whose one segment is `segment`.
fn playlist(segment: &Path) -> Vec<u8> {
    format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n\
         #EXTINF:1.0,\n{}\n#EXT-X-ENDLIST\n",
        segment.display()
    )
    .into_bytes()
}

#[tokio::test]
async fn an_hls_playlist_named_mp4_renders_nothing_from_outside_its_folder() {
    let (server, ann) = setup().await;
    let outside = tempfile::tempdir().unwrap();
    let seg = segment(outside.path());
    // The same playlist, read by ffmpeg as the HLS it is, renders the segment's frame: the
    // attack is real on this host.
    std::fs::write(outside.path().join("list.m3u8"), playlist(&seg)).unwrap();
    tool(
        "ffmpeg",
        &[
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            "list.m3u8",
            "-frames:v",
            "1",
            "-y",
            "frame.png",
        ],
        outside.path(),
    );
    assert!(outside.path().join("frame.png").exists());

    set(
        &server,
        &[("thumb_ffmpeg_enabled", "1"), ("media_meta_ffprobe", "1")],
    )
    .await;
    upload(&server, &ann, "cloudreve://my/clip.mp4", &playlist(&seg)).await;
    let answer = thumb(&server, &ann, "cloudreve://my/clip.mp4").await;
    assert_eq!(answer["code"], 40077, "{answer}");
    let row = file_row(&server, &ann, "clip.mp4").await;
    assert!(meta(&server, row.id, "thumb:error").await.is_some());
    // ffprobe found no streams in it either.
    assert_eq!(meta(&server, row.id, "stream:format").await, None);
}

#[tokio::test]
async fn a_matlab_file_named_tif_is_not_given_to_libvips() {
    let (server, ann) = setup().await;
    set(&server, &[("thumb_vips_enabled", "1")]).await;
    // MATLAB's header with the version (0x0200) that makes libmatio open it as HDF5, whose
    // datasets may live in files at any path.
    let mut mat = b"MATLAB 5.0 MAT-file, Platform: x, Created on: today".to_vec();
    mat.resize(124, b' ');
    mat.extend_from_slice(&[0x00, 0x02, b'I', b'M']);
    mat.resize(4096, 0);
    upload(&server, &ann, "cloudreve://my/scan.tif", &mat).await;
    let answer = thumb(&server, &ann, "cloudreve://my/scan.tif").await;
    assert_eq!(answer["code"], 40077, "{answer}");
    let row = file_row(&server, &ann, "scan.tif").await;
    let why = meta(&server, row.id, "thumb:error").await.unwrap();
    assert!(why.contains("not the format"), "{why}");
}

#[tokio::test]
async fn a_tool_that_reads_the_servers_database_finds_nothing() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    // The worst a hostile file could make a tool do: copy the server's database (or, on
    // PostgreSQL, its data folder's files) into the picture it writes.
    let data = std::fs::canonicalize(&server.state.config.data_dir).unwrap();
    let db = data.parent().unwrap().join("stratus.db");
    // Where the database is not a file beside the data folder (PostgreSQL, or SQLite put
    // elsewhere), a file of the data folder stands for it: the folder's path exists inside the
    // sandbox (the tool's own folder lies below it), its files do not.
    let target = if db.exists() {
        db
    } else {
        let secret = data.join("secret-standing-for-the-database");
        std::fs::write(&secret, b"secret").unwrap();
        secret
    };
    let ffmpeg = script(
        dir.path(),
        "ffmpeg",
        &format!(
            "for out; do :; done\ncat '{}' > \"$out\" || exit 1\nls '{}' > /dev/null || exit 2",
            target.display(),
            data.display()
        ),
    );
    set(
        &server,
        &[
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_ffmpeg_path", ffmpeg.to_str().unwrap()),
        ],
    )
    .await;
    upload(
        &server,
        &ann,
        "cloudreve://my/clip.mp4",
        b"\0\0\0\x18ftypmp42",
    )
    .await;
    let answer = thumb(&server, &ann, "cloudreve://my/clip.mp4").await;
    assert_eq!(answer["code"], 40077, "{answer}");
    let row = file_row(&server, &ann, "clip.mp4").await;
    let why = meta(&server, row.id, "thumb:error").await.unwrap();
    // Bubblewrap shows no such file; Landlock (where bubblewrap cannot run) refuses to open it.
    assert!(
        why.contains("No such file") || why.contains("Permission denied"),
        "{why}"
    );
}

#[tokio::test]
async fn a_new_installation_switches_on_the_tools_it_finds_and_an_old_one_keeps_its_settings() {
    let mut server = TestServer::start_with(|c| c.enable_found_tools = true).await;
    let settings = &server.state.settings;
    // CI installs ffmpeg, libvips, poppler and libheif's tools; LibreOffice it does not.
    for (switch, program) in [
        ("thumb_ffmpeg_enabled", "ffmpeg"),
        ("thumb_vips_enabled", "vips"),
        ("thumb_poppler_enabled", "pdftoppm"),
        ("media_meta_ffprobe", "ffprobe"),
        ("thumb_libreoffice_enabled", "soffice"),
    ] {
        let found = stratus_server::sandbox::confine::find_program(program).is_some();
        let want = if found { "1" } else { "0" };
        assert_eq!(settings.get(switch).await.unwrap(), want, "{switch}");
    }
    // The admin's choice survives a restart: only a new installation is switched on.
    set(&server, &[("thumb_ffmpeg_enabled", "0")]).await;
    server.restart().await;
    assert_eq!(
        server
            .state
            .settings
            .get("thumb_ffmpeg_enabled")
            .await
            .unwrap(),
        "0"
    );
}
