//! A RAW picture through LibRaw's generator: a minimal DNG written here (a 64 × 48 Bayer
//! mosaic of 16-bit samples in a sub-IFD, and in IFD 0 the 160 × 120 JPEG preview a camera
//! embeds), whose preview `simple_dcraw -e` extracts and the server fits into the box.

use image::{DynamicImage, ImageFormat, RgbImage};

use super::{assert_fits, fetch, set, setup, thumb, upload};

/// One TIFF directory entry: tag, field type, count, value bytes (little-endian).
type Entry = (u16, u16, u32, Vec<u8>);

fn shorts(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn longs(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A directory at offset `at`: the entries (sorted by tag), then the values over four bytes.
fn directory(mut entries: Vec<Entry>, at: u32) -> Vec<u8> {
    entries.sort_by_key(|e| e.0);
    let size = 2 + 12 * entries.len() as u32 + 4;
    let (mut out, mut extra) = (Vec::new(), Vec::new());
    out.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(count.to_le_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            out.extend(inline);
        } else {
            out.extend((at + size + extra.len() as u32).to_le_bytes());
            extra.extend(&value);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        }
    }
    out.extend(0u32.to_le_bytes());
    out.extend(extra);
    out
}

/// A DNG 1.4 file: IFD 0 the JPEG `preview` (`pw` × `ph`), its sub-IFD the raw mosaic.
fn dng(preview: &[u8], pw: u32, ph: u32) -> Vec<u8> {
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    let (w, h) = (64u32, 48u32);
    let mosaic: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (100 + 4000 * x / w + 2000 * y / h) as u16))
        .flat_map(u16::to_le_bytes)
        .collect();
    let first = |sub: u32, strip: u32| -> Vec<Entry> {
        vec![
            (254, LONG, 1, longs(&[1])),
            (256, LONG, 1, longs(&[pw])),
            (257, LONG, 1, longs(&[ph])),
            (258, SHORT, 3, shorts(&[8, 8, 8])),
            (259, SHORT, 1, shorts(&[7])),
            (262, SHORT, 1, shorts(&[6])),
            (271, 2, 8, b"Stratus\0".to_vec()),
            (272, 2, 5, b"Test\0".to_vec()),
            (273, LONG, 1, longs(&[strip])),
            (277, SHORT, 1, shorts(&[3])),
            (278, LONG, 1, longs(&[ph])),
            (279, LONG, 1, longs(&[preview.len() as u32])),
            (330, LONG, 1, longs(&[sub])),
            (50706, 1, 4, vec![1, 4, 0, 0]),
            (50708, 2, 13, b"Stratus Test\0".to_vec()),
        ]
    };
    let raw = |strip: u32| -> Vec<Entry> {
        vec![
            (254, LONG, 1, longs(&[0])),
            (256, LONG, 1, longs(&[w])),
            (257, LONG, 1, longs(&[h])),
            (258, SHORT, 1, shorts(&[16])),
            (259, SHORT, 1, shorts(&[1])),
            (262, SHORT, 1, shorts(&[32803])),
            (273, LONG, 1, longs(&[strip])),
            (277, SHORT, 1, shorts(&[1])),
            (278, LONG, 1, longs(&[h])),
            (279, LONG, 1, longs(&[mosaic.len() as u32])),
            (33421, SHORT, 2, shorts(&[2, 2])),
            (33422, 1, 4, vec![0, 1, 1, 2]),
            (50717, LONG, 1, longs(&[6195])),
        ]
    };
    // Sizes do not depend on offsets: lay out once with zeros, then for real.
    let sub = 8 + directory(first(0, 0), 8).len() as u32;
    let preview_at = sub + directory(raw(0), sub).len() as u32;
    let mosaic_at = preview_at + preview.len() as u32;
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    out.extend(directory(first(sub, preview_at), 8));
    out.extend(directory(raw(mosaic_at), sub));
    out.extend(preview);
    out.extend(&mosaic);
    out
}

#[tokio::test]
async fn a_dng_gets_its_embedded_preview_through_libraw() {
    let (server, ann) = setup().await;
    let picture = RgbImage::from_fn(160, 120, |x, y| {
        image::Rgb([(x * 255 / 160) as u8, (y * 255 / 120) as u8, 90])
    });
    let mut preview = Vec::new();
    DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut preview), ImageFormat::Jpeg)
        .unwrap();
    upload(
        &server,
        &ann,
        "cloudreve://my/shot.dng",
        &dng(&preview, 160, 120),
    )
    .await;
    // LibRaw is off by default; the built-in decoder does not read RAW pictures.
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/shot.dng").await["code"],
        40077
    );
    set(
        &server,
        &[
            ("thumb_libraw_enabled", "1"),
            ("thumb_width", "80"),
            ("thumb_height", "60"),
            ("thumb_encode_method", "png"),
        ],
    )
    .await;
    let answer = thumb(&server, &ann, "cloudreve://my/shot.dng").await;
    let (format, image) = fetch(&server, &answer).await;
    assert_eq!(format, ImageFormat::Png);
    assert_eq!((image.width(), image.height()), (80, 60));
    assert_fits(&image, 80, 60, 4.0 / 3.0);
}
