//! Turning a source picture into thumbnail bytes: decode within limits, shrink to fit the
//! box keeping the aspect ratio (never enlarge), encode. CPU-bound; callers run it on the
//! blocking pool.

use std::io::Cursor;

use image::{
    DynamicImage, ExtendedColorType, ImageEncoder, ImageFormat,
    codecs::{jpeg::JpegEncoder, webp::WebPEncoder},
};

use crate::imaging::{self, DecodeError, DecodeLimits, MAX_PIXELS};

/// How thumbnails are encoded (setting `thumb_encode_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Lossy, with `thumb_encode_quality`; transparency is flattened.
    Jpeg,
    Png,
    /// Lossless WebP (the only kind the image codec writes).
    WebP,
}

impl Encoding {
    /// `jpg`/`jpeg`, `webp`, anything else PNG (the default setting).
    pub fn from_setting(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Self::Jpeg,
            "webp" => Self::WebP,
            _ => Self::Png,
        }
    }

    /// File extension, also used in blob keys and URL names.
    pub fn ext(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
        }
    }

    pub fn from_ext(ext: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::WebP]
            .into_iter()
            .find(|e| e.ext() == ext)
    }
}

/// Largest box side a thumbnail may be asked for.
pub const MAX_BOX_SIDE: u32 = 4096;
/// Bytes of decoder memory allowed per pixel (8-bit RGBA).
const BYTES_PER_PIXEL: u64 = 4;

/// Decode limits for pictures of at most `max_pixels` pixels (never over [`MAX_PIXELS`]).
pub fn limits(max_pixels: u64) -> DecodeLimits {
    let max_pixels = max_pixels.clamp(1, MAX_PIXELS);
    DecodeLimits {
        max_side: u32::MAX,
        max_pixels,
        max_alloc: max_pixels * BYTES_PER_PIXEL,
    }
}

/// What one thumbnail should look like.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The box the thumbnail must fit in.
    pub width: u32,
    pub height: u32,
    pub encoding: Encoding,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Decode limits for the source.
    pub limits: DecodeLimits,
}

/// Why no thumbnail could be made; either way the file is marked `thumb:disabled`.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("encoding the thumbnail failed: {0}")]
    Encode(String),
}

/// Decodes `data`, fits it into the box and encodes it.
pub fn render(data: &[u8], spec: &Spec) -> Result<Vec<u8>, RenderError> {
    let image = imaging::decode(data, spec.limits)?;
    let fitted = if image.width() <= spec.width && image.height() <= spec.height {
        image
    } else {
        image.thumbnail(spec.width.max(1), spec.height.max(1))
    };
    encode(&fitted, spec)
}

/// Whether `data` already is the thumbnail `spec` asks for: in its encoding and within its
/// box, as its header says (nothing is decoded). A tool asked for the final picture (see
/// `external::writes`) then needs no second encoding.
pub fn fits_as_is(data: &[u8], spec: &Spec) -> bool {
    let Ok(reader) = image::ImageReader::new(Cursor::new(data)).with_guessed_format() else {
        return false;
    };
    let same = reader
        .format()
        .is_some_and(|f| f.extensions_str().first() == Some(&spec.encoding.ext()));
    same && reader
        .into_dimensions()
        .is_ok_and(|(w, h)| w > 0 && h > 0 && w <= spec.width && h <= spec.height)
}

fn encode(image: &DynamicImage, spec: &Spec) -> Result<Vec<u8>, RenderError> {
    let failed = |e: image::ImageError| RenderError::Encode(e.to_string());
    let mut out = Vec::new();
    let alpha = image.color().has_alpha();
    match spec.encoding {
        Encoding::Jpeg => JpegEncoder::new_with_quality(&mut out, spec.quality.clamp(1, 100))
            .encode_image(&image.to_rgb8())
            .map_err(failed)?,
        Encoding::Png if alpha => image
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(failed)?,
        Encoding::Png => image
            .to_rgb8()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(failed)?,
        Encoding::WebP => {
            let (w, h) = (image.width(), image.height());
            let encoder = WebPEncoder::new_lossless(&mut out);
            if alpha {
                encoder.write_image(&image.to_rgba8(), w, h, ExtendedColorType::Rgba8)
            } else {
                encoder.write_image(&image.to_rgb8(), w, h, ExtendedColorType::Rgb8)
            }
            .map_err(failed)?
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(encoding: Encoding) -> Spec {
        Spec {
            width: 40,
            height: 30,
            encoding,
            quality: 80,
            limits: DecodeLimits::megapixels(4),
        }
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(image::RgbaImage::new(width, height))
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn thumbnails_fit_the_box_keep_the_ratio_and_never_grow() {
        for encoding in [Encoding::Jpeg, Encoding::Png, Encoding::WebP] {
            let out = render(&png(200, 50), &spec(encoding)).unwrap();
            let format = image::guess_format(&out).unwrap();
            assert_eq!(format.extensions_str()[0], encoding.ext());
            let thumb = image::load_from_memory(&out).unwrap();
            assert_eq!((thumb.width(), thumb.height()), (40, 10), "{encoding:?}");
        }
        let small =
            image::load_from_memory(&render(&png(8, 6), &spec(Encoding::Png)).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (8, 6));
    }

    #[test]
    fn only_a_picture_of_the_encoding_within_the_box_is_kept_as_is() {
        let png_spec = spec(Encoding::Png);
        assert!(fits_as_is(&png(40, 10), &png_spec));
        assert!(fits_as_is(&png(8, 30), &png_spec));
        assert!(!fits_as_is(&png(41, 10), &png_spec), "wider than the box");
        assert!(!fits_as_is(&png(40, 31), &png_spec), "taller than the box");
        assert!(
            !fits_as_is(&png(40, 10), &spec(Encoding::Jpeg)),
            "another encoding"
        );
        let jpeg = render(&png(40, 10), &spec(Encoding::Jpeg)).unwrap();
        assert!(fits_as_is(&jpeg, &spec(Encoding::Jpeg)));
        assert!(
            !fits_as_is(&jpeg[..20], &spec(Encoding::Jpeg)),
            "a cut header"
        );
        assert!(!fits_as_is(b"<html>", &png_spec));
    }

    #[test]
    fn settings_pick_the_encoding() {
        assert_eq!(Encoding::from_setting("JPEG"), Encoding::Jpeg);
        assert_eq!(Encoding::from_setting("webp"), Encoding::WebP);
        assert_eq!(Encoding::from_setting(""), Encoding::Png);
        assert_eq!(Encoding::from_ext("jpg"), Some(Encoding::Jpeg));
        assert_eq!(Encoding::from_ext("gif"), None);
    }
}
