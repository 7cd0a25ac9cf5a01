//! The node renders with its own generators: a video stored on the node gets its thumbnail
//! from ffmpeg run there (the master's chain and options, the node's sandbox and disk), and a
//! tool that fails there marks the file as one without a thumbnail, with the tool's reason.

use std::{os::unix::fs::PermissionsExt, process::Command};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::metadata;
use stratus_tests::{Session, TestServer, query_escape, slave::SlaveNode};

use super::{files_named, setup, upload};

async fn thumb(server: &TestServer, s: &Session, uri: &str) -> serde_json::Value {
    server
        .get_as(
            &format!("/file/thumb?uri={}", query_escape(uri)),
            &s.access_token,
        )
        .await
}

#[tokio::test]
async fn the_node_runs_the_generator_chain_with_its_own_tools() {
    let slave = SlaveNode::start().await;
    let (server, ann, policy) = setup(&slave).await;
    let dir = tempfile::tempdir().unwrap();
    let made = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i"])
        .args([
            "testsrc=size=96x64:duration=1:rate=10",
            "-pix_fmt",
            "yuv420p",
        ])
        .args(["-y", "clip.mp4"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(made.success());
    let clip = std::fs::read(dir.path().join("clip.mp4")).unwrap();
    // Stands in for libvips: says where it runs (it runs confined and cannot leave a note),
    // then fails; its `vipsheader` names the TIFF loader, so the source passes the pin.
    let vips = dir.path().join("vips");
    std::fs::write(&vips, "#!/bin/sh\necho \"no luck in $(pwd)\" >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&vips, std::fs::Permissions::from_mode(0o755)).unwrap();
    let header = dir.path().join("vipsheader");
    std::fs::write(&header, "#!/bin/sh\necho tiffload\n").unwrap();
    std::fs::set_permissions(&header, std::fs::Permissions::from_mode(0o755)).unwrap();
    server
        .state
        .settings
        .set(&[
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_vips_enabled", "1"),
            ("thumb_vips_path", vips.to_str().unwrap()),
            ("thumb_width", "48"),
            ("thumb_height", "48"),
        ])
        .await
        .unwrap();

    upload(&server, &ann, policy, "cloudreve://my/clip.mp4", &clip).await;
    let answer = thumb(&server, &ann, "cloudreve://my/clip.mp4").await;
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["url"].as_str().unwrap();
    let bytes = server.client.get(url).send().await.unwrap().bytes().await;
    let image = image::load_from_memory(&bytes.unwrap()).unwrap();
    assert_eq!((image.width(), image.height()), (48, 32));
    // The thumbnail lies on the node, beside the clip.
    let files = slave.files();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().any(|f| f.contains("._thumb")), "{files:?}");

    // A TIFF goes to libvips, run on the node (in its data dir); it fails there.
    let tiff = b"II*\0\x08\0\0\0\0\0\0\0\0\0";
    upload(&server, &ann, policy, "cloudreve://my/scan.tif", tiff).await;
    let refused = thumb(&server, &ann, "cloudreve://my/scan.tif").await;
    assert_eq!(refused["code"], 40077, "{refused}");
    let file = files_named(&server, "scan.tif").await.remove(0);
    let why = metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file.id))
        .filter(metadata::Column::Name.eq("thumb:error"))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .value;
    assert!(why.contains("vips") && why.contains("no luck"), "{why}");
    let cwd = why.split("no luck in ").nth(1).unwrap_or_default();
    let node_data = std::fs::canonicalize(slave.uploads.parent().unwrap()).unwrap();
    assert!(
        std::path::Path::new(cwd.trim()).starts_with(&node_data),
        "{cwd} is not under {}",
        node_data.display()
    );
    assert_eq!(slave.files().len(), 3, "no thumbnail stored for the TIFF");
}
