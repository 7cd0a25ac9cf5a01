//! Tools asked for the thumbnail's own encoding: what they write is kept as written when it
//! fits the box (ffmpeg's JPEG still carries its encoder's comment), never with the source's
//! metadata; a page wider than the box is fitted as before.

use exif::Tag;
use image::ImageFormat;
use serde_json::Value;
use stratus_tests::{
    TestServer,
    jpeg::{ascii, field, jpeg_with},
};

use super::{assert_fits, pdf_of, set, setup, thumb, upload, video};

/// The thumbnail's bytes, as served.
async fn bytes_of(server: &TestServer, answer: &Value) -> Vec<u8> {
    assert_eq!(answer["code"], 0, "{answer}");
    let url = answer["data"]["url"].as_str().unwrap();
    let resp = server.client.get(url).send().await.unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.bytes().await.unwrap().to_vec()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_jpeg_written_by_the_tool_is_kept_without_the_sources_metadata() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    set(
        &server,
        &[
            ("thumb_builtin_enabled", "0"),
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_vips_enabled", "1"),
            ("thumb_vips_exts", "jpg"),
            ("thumb_width", "48"),
            ("thumb_height", "32"),
            ("thumb_encode_method", "jpg"),
        ],
    )
    .await;
    upload(&server, &ann, "cloudreve://my/clip.mp4", &video(dir.path())).await;
    let bytes = bytes_of(
        &server,
        &thumb(&server, &ann, "cloudreve://my/clip.mp4").await,
    )
    .await;
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
    // ffmpeg's encoder names itself in a comment: the picture was not encoded again.
    assert!(contains(&bytes, b"Lavc"), "re-encoded");
    assert_fits(&image::load_from_memory(&bytes).unwrap(), 48, 32, 1.0);

    // 200 × 100: the thumbnail below must keep its 2:1 shape.
    let photo = jpeg_with(200, 100, &[field(Tag::Make, ascii("StratusCam"))]);
    assert!(contains(&photo, b"StratusCam"));
    upload(&server, &ann, "cloudreve://my/photo.jpg", &photo).await;
    let bytes = bytes_of(
        &server,
        &thumb(&server, &ann, "cloudreve://my/photo.jpg").await,
    )
    .await;
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
    assert!(!contains(&bytes, b"StratusCam") && !contains(&bytes, b"Exif\0\0"));
    assert_fits(&image::load_from_memory(&bytes).unwrap(), 48, 32, 2.0);
}

#[tokio::test]
async fn pdf_pages_of_either_shape_fit_the_box() {
    let (server, ann) = setup().await;
    set(
        &server,
        &[
            ("thumb_poppler_enabled", "1"),
            ("thumb_width", "64"),
            ("thumb_height", "48"),
            ("thumb_encode_method", "jpg"),
        ],
    )
    .await;
    // A portrait page meets the box's height as rendered; a wide one is fitted afterwards.
    for (name, w, h) in [("tall.pdf", 100, 200), ("wide.pdf", 200, 100)] {
        upload(
            &server,
            &ann,
            &format!("cloudreve://my/{name}"),
            &pdf_of(w, h),
        )
        .await;
        let answer = thumb(&server, &ann, &format!("cloudreve://my/{name}")).await;
        let bytes = bytes_of(&server, &answer).await;
        assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
        let image = image::load_from_memory(&bytes).unwrap();
        assert_fits(&image, 64, 48, f64::from(w) / f64::from(h));
    }
}
