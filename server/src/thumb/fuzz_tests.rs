//! Property tests of the thumbnail decoder against untrusted pictures: small real pictures of
//! every compiled-in format, mutated at random, and random bytes go through [`render`]. Nothing
//! panics, a decoded picture is within the decode limits, and a thumbnail fits its box.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};
use proptest::prelude::*;

use super::render::{Encoding, Spec, limits, render};
use crate::imaging;

/// The pixels any decode here may produce: far below what a mutated header may claim.
const MAX_PIXELS: u64 = 1 << 16;

fn seed(format: ImageFormat) -> Vec<u8> {
    let image = image::RgbaImage::from_fn(11, 7, |x, y| {
        image::Rgba([(x * 23) as u8, (y * 37) as u8, (x ^ y) as u8 * 9, 200])
    });
    let image = match format {
        // JPEG has no alpha channel.
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(image).to_rgb8()),
        _ => DynamicImage::ImageRgba8(image),
    };
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encode seed");
    out
}

/// A seed picture with up to eight bytes set, flipped, inserted or cut.
fn mutated_picture() -> impl Strategy<Value = Vec<u8>> {
    let formats = [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::WebP,
    ];
    let edit = (0u8..4, any::<usize>(), any::<u8>());
    (
        proptest::sample::select(formats.to_vec()),
        proptest::collection::vec(edit, 0..8),
    )
        .prop_map(|(format, edits)| {
            let mut bytes = seed(format);
            for (how, at, value) in edits {
                let i = at % (bytes.len() + 1);
                match how {
                    0 if i < bytes.len() => bytes[i] = value,
                    1 if i < bytes.len() => bytes[i] ^= 1 << (value % 8),
                    2 => bytes.insert(i, value),
                    _ => bytes.truncate(i.max(8)),
                }
            }
            bytes
        })
}

fn spec(encoding: Encoding) -> Spec {
    Spec {
        width: 8,
        height: 5,
        encoding,
        quality: 70,
        limits: limits(MAX_PIXELS),
    }
}

fn check(bytes: &[u8], encoding: Encoding) -> Result<(), TestCaseError> {
    if let Ok(image) = imaging::decode(bytes, limits(MAX_PIXELS)) {
        prop_assert!(u64::from(image.width()) * u64::from(image.height()) <= MAX_PIXELS);
    }
    let spec = spec(encoding);
    if let Ok(out) = render(bytes, &spec) {
        let thumb = image::load_from_memory(&out).expect("a thumbnail decodes");
        prop_assert!(thumb.width() <= spec.width && thumb.height() <= spec.height);
    }
    Ok(())
}

proptest! {
    #[test]
    fn mutated_pictures_never_panic_and_stay_within_the_limits(
        bytes in mutated_picture(),
        encoding in proptest::sample::select(vec![Encoding::Jpeg, Encoding::Png, Encoding::WebP]),
    ) {
        check(&bytes, encoding)?;
    }

    #[test]
    fn random_bytes_behind_a_picture_magic_never_panic(
        magic in proptest::sample::select(vec![
            &b"\x89PNG\r\n\x1a\n"[..],
            &b"\xFF\xD8\xFF"[..],
            &b"GIF89a"[..],
            &b"RIFF\x00\x00\x00\x00WEBPVP8L"[..],
            &b""[..],
        ]),
        rest in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&rest);
        check(&bytes, Encoding::Png)?;
    }
}
