//! Decoding untrusted pictures (avatars, thumbnail sources) with limits.
//!
//! The format is taken from the bytes, never from a file name, and must be one of the
//! compiled-in codecs (PNG, JPEG, GIF, WebP). The header is read first: a picture whose
//! declared size breaks the limits is refused before any pixel buffer is allocated, so a
//! small file claiming 100000 × 100000 pixels costs nothing. The decoder itself also gets
//! `max_alloc`, which bounds what it may allocate on the way. An animated GIF or WebP
//! yields its first frame. EXIF orientation is applied, so phone photos come out upright.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

/// Most pixels any decode may produce (64 megapixels).
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// What a decode may cost.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    /// Widest and tallest side accepted.
    pub max_side: u32,
    /// Most pixels (width × height) accepted.
    pub max_pixels: u64,
    /// Most bytes the decoder may allocate.
    pub max_alloc: u64,
}

impl DecodeLimits {
    /// Up to [`MAX_PIXELS`], at most `bytes_per_pixel` bytes of memory per pixel.
    pub fn megapixels(bytes_per_pixel: u64) -> Self {
        Self {
            max_side: u32::MAX,
            max_pixels: MAX_PIXELS,
            max_alloc: MAX_PIXELS * bytes_per_pixel,
        }
    }
}

/// Why a picture could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not a PNG, JPEG, GIF or WebP picture, or a damaged one.
    #[error("not a readable PNG, JPEG, GIF or WebP image: {0}")]
    Undecodable(String),
    /// The declared size, or the memory needed, is over the limits.
    #[error("image is too large")]
    TooLarge,
}

/// Decodes `data` within `limits`.
pub fn decode(data: &[u8], limits: DecodeLimits) -> Result<DynamicImage, DecodeError> {
    let undecodable = |e: ImageError| match e {
        ImageError::Limits(_) => DecodeError::TooLarge,
        other => DecodeError::Undecodable(other.to_string()),
    };
    let mut reader = ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| DecodeError::Undecodable(e.to_string()))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP) => {}
        _ => return Err(DecodeError::Undecodable("unknown format".into())),
    }
    let mut image_limits = Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(image_limits);
    // Only the header has been parsed here; the dimensions it declares decide whether the
    // pixels are ever allocated.
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(DecodeError::Undecodable("empty image".into()));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels
        || decoder.total_bytes() > limits.max_alloc
    {
        return Err(DecodeError::TooLarge);
    }
    let orientation = decoder.orientation().map_err(undecodable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image::RgbImage::new(width, height))
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// A one-pixel PNG whose header claims `width` × `height`.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut out = png(1, 1);
        // Signature (8), IHDR length (4) and type (4), then width and height; the chunk's
        // CRC covers type and data (bytes 12..29) and follows them.
        out[16..20].copy_from_slice(&width.to_be_bytes());
        out[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&out[12..29]);
        out[29..33].copy_from_slice(&crc.to_be_bytes());
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn pictures_within_the_limits_decode() {
        let image = decode(&png(30, 20), DecodeLimits::megapixels(4)).unwrap();
        assert_eq!((image.width(), image.height()), (30, 20));
    }

    #[test]
    fn declared_sizes_over_the_limits_are_refused_from_the_header() {
        let bomb = png_claiming(100_000, 100_000);
        assert!(matches!(
            decode(&bomb, DecodeLimits::megapixels(4)),
            Err(DecodeError::TooLarge)
        ));
        let tight = DecodeLimits {
            max_side: 16,
            max_pixels: MAX_PIXELS,
            max_alloc: MAX_PIXELS,
        };
        assert!(matches!(
            decode(&png(17, 1), tight),
            Err(DecodeError::TooLarge)
        ));
        assert!(matches!(
            decode(b"not a picture", DecodeLimits::megapixels(4)),
            Err(DecodeError::Undecodable(_))
        ));
    }
}
