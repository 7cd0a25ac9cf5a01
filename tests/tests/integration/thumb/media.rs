//! Thumbnails by external generators and the music cover: media made here with the real
//! tools (a one-second 64 × 64 video, an MP3 with tags and a cover, a hand-written PDF, a HEIC
//! from a PNG, a TIFF), each run through the generator the settings enable; the sandbox's
//! time limit and the executable check. LibreOffice is not installed on CI (too large): its
//! generator runs a stand-in script that records the arguments and limits it was given.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::metadata;
use stratus_tests::{Session, TestServer};

use super::{PW, all_thumbs, assert_fits, fetch, file_row, png, setup, thumb, upload};

mod check;
mod confined;
mod formats;
mod limits;
mod meta;
mod raw;
mod written;

/// Runs a tool the test needs to make its media; panics with its output when it fails.
fn tool(program: &str, args: &[&str], dir: &Path) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A one-second 64 × 64 test picture clip written to `dir/name`; `container` names the
/// output format's arguments (none: ffmpeg takes it from the name).
fn clip(dir: &Path, name: &str, container: &[&str]) -> PathBuf {
    let mut args = vec![
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x64:duration=1:rate=10",
        "-pix_fmt",
        "yuv420p",
    ];
    args.extend_from_slice(container);
    args.extend_from_slice(&["-y", name]);
    tool("ffmpeg", &args, dir);
    dir.join(name)
}

/// A one-second 64 × 64 H.264 clip.
fn video(dir: &Path) -> Vec<u8> {
    std::fs::read(clip(dir, "clip.mp4", &[])).unwrap()
}

/// A one-second MP3 with tags and a 40 × 20 cover picture.
fn song(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("cover.png"), png(40, 20)).unwrap();
    tool(
        "ffmpeg",
        &[
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            "-i",
            "cover.png",
            "-map",
            "0:a",
            "-map",
            "1:v",
            "-c:v",
            "mjpeg",
            "-disposition:v",
            "attached_pic",
            "-id3v2_version",
            "3",
            "-metadata",
            "title=Tiny Song",
            "-metadata",
            "artist=The Testers",
            "-metadata",
            "album=Fixtures",
            "-metadata",
            "date=2024",
            "-metadata",
            "track=3",
            "-y",
            "song.mp3",
        ],
        dir,
    );
    std::fs::read(dir.join("song.mp3")).unwrap()
}

/// A one-page PDF of 200 × 100 points with a line of text.
fn pdf() -> Vec<u8> {
    pdf_of(200, 100)
}

/// A one-page PDF of `width` × `height` points with a line of text.
fn pdf_of(width: u32, height: u32) -> Vec<u8> {
    crate::fts::docs::pdf_page("Stratus", width, height)
}

/// A 120 × 60 HEIC picture encoded by libheif from a PNG.
fn heic(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("in.png"), png(120, 60)).unwrap();
    tool("heif-enc", &["-q", "50", "-o", "pic.heic", "in.png"], dir);
    std::fs::read(dir.join("pic.heic")).unwrap()
}

/// A 90 × 30 TIFF (a format only libvips takes here).
fn tiff(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("in.png"), png(90, 30)).unwrap();
    tool("vips", &["copy", "in.png", "pic.tif"], dir);
    std::fs::read(dir.join("pic.tif")).unwrap()
}

/// An executable shell script at `dir/name`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Sets site settings.
async fn set(server: &TestServer, pairs: &[(&str, &str)]) {
    server.state.settings.set(pairs).await.unwrap();
}

/// The file's metadata value of `key` (public or not), if set.
async fn meta(server: &TestServer, file_id: i64, key: &str) -> Option<String> {
    metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(key))
        .one(&server.state.db)
        .await
        .unwrap()
        .map(|m| m.value)
}

/// Another signed-in user.
async fn bob(server: &TestServer) -> Session {
    server.create_user("bob@example.com", PW).await;
    server.login("bob@example.com", PW).await
}
