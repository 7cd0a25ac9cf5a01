//! Generating thumbnails: the box and encoding from the settings, reuse, one generation for
//! concurrent requests, the first frame of an animated GIF.

use image::{DynamicImage, ImageFormat, RgbaImage};
use serde_json::Value;

use super::{
    all_thumbs, assert_fits, encode, fetch, file_row, jpeg, png, setup, thumb, thumbs_of, upload,
};

#[tokio::test]
async fn png_and_jpeg_thumbnails_fit_the_box_and_are_reused() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/wide.png", &png(800, 200)).await;
    upload(
        &server,
        &ann,
        "cloudreve://my/Photos/tall.JPG",
        &jpeg(300, 600),
    )
    .await;
    let wide = file_row(&server, &ann, "wide.png").await;
    let used = server.storage_of(wide.owner_id).await;

    // Defaults: 400 × 300, PNG.
    let first = thumb(&server, &ann, "cloudreve://my/wide.png").await;
    let (format, image) = fetch(&server, &first).await;
    assert_eq!(format, ImageFormat::Png);
    assert_fits(&image, 400, 300, 4.0);
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/Photos/tall.JPG").await,
    )
    .await;
    assert_fits(&image, 400, 300, 0.5);

    // The second request reuses the stored thumbnail.
    let stored = thumbs_of(&server, wide.id).await;
    assert_eq!(stored.len(), 1);
    let second = thumb(&server, &ann, "cloudreve://my/wide.png").await;
    let path = |v: &Value| {
        v["data"]["url"]
            .as_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(path(&second), path(&first));
    assert_eq!(thumbs_of(&server, wide.id).await, stored);
    assert_eq!(all_thumbs(&server).await.len(), 2);
    assert!(
        stored[0].source.ends_with("._thumb"),
        "{}",
        stored[0].source
    );
    // Thumbnails are not charged to the owner.
    assert_eq!(server.storage_of(wide.owner_id).await, used);
}

#[tokio::test]
async fn box_and_encoding_follow_the_settings() {
    let (server, ann) = setup().await;
    server
        .state
        .settings
        .set(&[
            ("thumb_width", "64"),
            ("thumb_height", "48"),
            ("thumb_encode_method", "jpg"),
            ("thumb_encode_quality", "70"),
        ])
        .await
        .unwrap();
    upload(&server, &ann, "cloudreve://my/a.png", &png(500, 500)).await;
    let (format, image) = fetch(&server, &thumb(&server, &ann, "cloudreve://my/a.png").await).await;
    assert_eq!(format, ImageFormat::Jpeg);
    assert_fits(&image, 64, 48, 1.0);

    server
        .state
        .settings
        .set(&[("thumb_encode_method", "webp")])
        .await
        .unwrap();
    upload(&server, &ann, "cloudreve://my/b.png", &jpeg(90, 30)).await;
    let (format, image) = fetch(&server, &thumb(&server, &ann, "cloudreve://my/b.png").await).await;
    assert_eq!(format, ImageFormat::WebP);
    assert_fits(&image, 64, 48, 3.0);

    // A picture already inside the box is not enlarged.
    upload(
        &server,
        &ann,
        "cloudreve://my/small.gif",
        &encode(
            DynamicImage::ImageRgba8(RgbaImage::new(10, 8)),
            ImageFormat::Gif,
        ),
    )
    .await;
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/small.gif").await,
    )
    .await;
    assert_eq!((image.width(), image.height()), (10, 8));
}

#[tokio::test]
async fn concurrent_requests_generate_one_thumbnail() {
    let (server, ann) = setup().await;
    upload(&server, &ann, "cloudreve://my/c.png", &png(1200, 900)).await;
    let answers = futures_util::future::join_all(
        (0..8).map(|_| thumb(&server, &ann, "cloudreve://my/c.png")),
    )
    .await;
    for answer in &answers {
        assert_eq!(answer["code"], 0, "{answer}");
    }
    let row = file_row(&server, &ann, "c.png").await;
    assert_eq!(thumbs_of(&server, row.id).await.len(), 1);
    assert_eq!(all_thumbs(&server).await.len(), 1);
    // No surplus blob was left behind either.
    assert_eq!(thumb_blobs(&server.data_dir), 1);
}

/// Thumbnail blobs on disk under the data dir.
fn thumb_blobs(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                thumb_blobs(&p)
            } else {
                usize::from(p.to_string_lossy().ends_with("._thumb"))
            }
        })
        .sum()
}

#[tokio::test]
async fn animated_gifs_give_their_first_frame() {
    let (server, ann) = setup().await;
    let frame = |rgb: [u8; 3]| {
        image::Frame::new(RgbaImage::from_pixel(
            40,
            20,
            image::Rgba([rgb[0], rgb[1], rgb[2], 255]),
        ))
    };
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        encoder
            .encode_frames([frame([255, 0, 0]), frame([0, 0, 255])])
            .unwrap();
    }
    upload(&server, &ann, "cloudreve://my/anim.gif", &gif).await;
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/anim.gif").await,
    )
    .await;
    assert_eq!((image.width(), image.height()), (40, 20));
    let pixel = image.to_rgb8().get_pixel(20, 10).0;
    assert!(pixel[0] > 200 && pixel[2] < 50, "{pixel:?}");
}
