//! JPEG pictures for tests that upload photos: a gradient of a chosen size with chosen EXIF
//! fields in an APP1 segment, built here once so that the EXIF tests and the thumbnail tests
//! write the same container and differ only in what they need (the picture's size, its tags).

use std::io::Cursor;

use exif::{Field, In, Tag, Value, experimental::Writer};
use image::{DynamicImage, ImageFormat, RgbImage};

/// A `width` × `height` JPEG carrying `fields` in an APP1 EXIF segment right after its start
/// marker; with no fields, the plain JPEG the encoder wrote.
pub fn jpeg_with(width: u32, height: u32, fields: &[Field]) -> Vec<u8> {
    // Wrapping, so a picture wider than 64 pixels repeats the gradient instead of overflowing.
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x as u8).wrapping_mul(4), (y as u8).wrapping_mul(5), 128])
    });
    let mut jpeg = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut jpeg, ImageFormat::Jpeg)
        .unwrap();
    let jpeg = jpeg.into_inner();
    if fields.is_empty() {
        return jpeg;
    }
    let mut writer = Writer::new();
    for f in fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let tiff = tiff.into_inner();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A field of the primary image.
pub fn field(tag: Tag, value: Value) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    }
}

/// An ASCII value.
pub fn ascii(s: &str) -> Value {
    Value::Ascii(vec![s.as_bytes().to_vec()])
}
