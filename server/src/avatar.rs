//! Avatars: uploaded pictures, cropped to a centred square and kept in two sizes under the
//! data dir, or Gravatar links built from the account's e-mail address.
//!
//! Uploads are untrusted: the decoder gets dimension and allocation limits before it
//! allocates anything ([`crate::imaging`]), at most [`MAX_PARALLEL_RENDERS`] pictures are decoded at once, and
//! decoding runs on the blocking pool. Files are written to a temporary name and renamed,
//! so a reader sees either the old picture or the new one, never half of one.

use std::{
    io::Cursor,
    path::{Path, PathBuf},
};

use image::{DynamicImage, ImageFormat, codecs::jpeg::JpegEncoder, imageops::FilterType};
use md5::{Digest, Md5};
use tokio::{io::AsyncWriteExt, sync::Semaphore};

use crate::imaging::{self, DecodeError, DecodeLimits};

/// `users.avatar` of an uploaded picture.
pub const FILE: &str = "file";
/// `users.avatar` of an account that uses Gravatar.
pub const GRAVATAR: &str = "gravatar";

/// Widest and tallest picture accepted.
pub const MAX_SIDE: u32 = 4096;
/// Most memory the decoder may allocate: one 4096 × 4096 RGBA picture.
pub const MAX_ALLOC: u64 = 4096 * 4096 * 4;
/// Pictures decoded at the same time, process-wide; more uploads wait their turn.
pub const MAX_PARALLEL_RENDERS: usize = 2;
/// Smallest and largest side a size setting may ask for.
const SIDE_RANGE: std::ops::RangeInclusive<u32> = 16..=1024;
/// JPEG quality of stored pictures without transparency.
const JPEG_QUALITY: u8 = 88;

static RENDERS: Semaphore = Semaphore::const_new(MAX_PARALLEL_RENDERS);

/// The two stored sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// `avatar_size_l` (200 px by default).
    Large,
    /// `avatar_size_s` (60 px by default).
    Small,
}

impl Size {
    /// `l` / `s`; Cloudreve 3's `m` is served as large.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "l" | "m" | "large" | "" => Some(Self::Large),
            "s" | "small" => Some(Self::Small),
            _ => None,
        }
    }

    /// The setting holding this size's side in pixels.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Large => "avatar_size_l",
            Self::Small => "avatar_size_s",
        }
    }

    /// The side in pixels used when the setting is missing or unusable.
    pub fn default_side(self) -> u32 {
        match self {
            Self::Large => 200,
            Self::Small => 60,
        }
    }

    /// The side from a setting value, kept within sane bounds.
    pub fn side_from(self, setting: i64) -> u32 {
        u32::try_from(setting)
            .ok()
            .filter(|side| SIDE_RANGE.contains(side))
            .unwrap_or_else(|| self.default_side())
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Large => "l",
            Self::Small => "s",
        }
    }
}

/// Why an upload could not become an avatar.
#[derive(Debug, thiserror::Error)]
pub enum AvatarError {
    /// Not a PNG, JPEG, GIF or WebP picture, or a damaged one.
    #[error("not a readable PNG, JPEG, GIF or WebP image: {0}")]
    Undecodable(String),
    /// Wider or taller than [`MAX_SIDE`], or needing more memory than [`MAX_ALLOC`].
    #[error("image is too large: at most {MAX_SIDE}×{MAX_SIDE} pixels")]
    TooLarge,
    /// Encoding the resized picture failed.
    #[error("encoding the avatar failed: {0}")]
    Encode(String),
}

/// The encoded pictures of one upload, ready to store.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub large: Vec<u8>,
    pub small: Vec<u8>,
}

/// Decodes, crops and resizes an upload; CPU-bound, runs on the blocking pool and waits
/// for a free slot when [`MAX_PARALLEL_RENDERS`] uploads are being decoded already.
pub async fn render(data: bytes::Bytes, large: u32, small: u32) -> Result<Rendered, AvatarError> {
    let _permit = RENDERS
        .acquire()
        .await
        .map_err(|e| AvatarError::Encode(e.to_string()))?;
    tokio::task::spawn_blocking(move || render_blocking(&data, large, small))
        .await
        .map_err(|e| AvatarError::Encode(e.to_string()))?
}

/// [`render`] without the thread hop.
pub fn render_blocking(data: &[u8], large: u32, small: u32) -> Result<Rendered, AvatarError> {
    let square = decode_square(data)?;
    Ok(Rendered {
        large: encode(&square.resize_exact(large, large, FilterType::Lanczos3))?,
        small: encode(&square.resize_exact(small, small, FilterType::Lanczos3))?,
    })
}

/// Decodes with limits set before any allocation, then crops the centred square.
fn decode_square(data: &[u8]) -> Result<DynamicImage, AvatarError> {
    let limits = DecodeLimits {
        max_side: MAX_SIDE,
        max_pixels: u64::from(MAX_SIDE) * u64::from(MAX_SIDE),
        max_alloc: MAX_ALLOC,
    };
    let image = imaging::decode(data, limits).map_err(|e| match e {
        DecodeError::TooLarge => AvatarError::TooLarge,
        DecodeError::Undecodable(why) => AvatarError::Undecodable(why),
    })?;
    let (width, height) = (image.width(), image.height());
    let side = width.min(height);
    Ok(image.crop_imm((width - side) / 2, (height - side) / 2, side, side))
}

/// PNG when the picture has transparency, JPEG otherwise.
fn encode(image: &DynamicImage) -> Result<Vec<u8>, AvatarError> {
    let mut out = Vec::new();
    if image.color().has_alpha() {
        image
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| AvatarError::Encode(e.to_string()))?;
    } else {
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .encode_image(&image.to_rgb8())
            .map_err(|e| AvatarError::Encode(e.to_string()))?;
    }
    Ok(out)
}

/// The avatar folder: setting `avatar_path` (default `avatar`) inside the data dir; an
/// absolute setting is used as it is.
pub fn dir(data_dir: &Path, avatar_path: &str) -> PathBuf {
    let avatar_path = avatar_path.trim();
    data_dir.join(if avatar_path.is_empty() {
        "avatar"
    } else {
        avatar_path
    })
}

/// Where one size of a user's avatar is kept. The name carries no extension: the format is
/// read from the file's first bytes when it is served.
pub fn path(dir: &Path, user_id: i64, size: Size) -> PathBuf {
    dir.join(format!("avatar_{user_id}_{}", size.suffix()))
}

/// Stores both sizes, each through a temporary file and a rename.
pub async fn store(dir: &Path, user_id: i64, rendered: &Rendered) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    for (size, bytes) in [
        (Size::Large, &rendered.large),
        (Size::Small, &rendered.small),
    ] {
        let target = path(dir, user_id, size);
        let temp = dir.join(format!(
            ".avatar_{user_id}_{}.{}.tmp",
            size.suffix(),
            uuid::Uuid::new_v4().simple()
        ));
        let written = async {
            let mut file = tokio::fs::File::create(&temp).await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&temp, &target).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        written?;
    }
    Ok(())
}

/// Deletes both sizes; missing files are fine.
pub async fn remove(dir: &Path, user_id: i64) -> std::io::Result<()> {
    for size in [Size::Large, Size::Small] {
        match tokio::fs::remove_file(path(dir, user_id, size)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// One stored size and its content type, if the user has one.
pub async fn load(
    dir: &Path,
    user_id: i64,
    size: Size,
) -> std::io::Result<Option<(Vec<u8>, &'static str)>> {
    match tokio::fs::read(path(dir, user_id, size)).await {
        Ok(bytes) => {
            let content_type = content_type(&bytes);
            Ok(Some((bytes, content_type)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The content type of a stored picture, from its signature.
pub fn content_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else {
        "application/octet-stream"
    }
}

/// `<server>avatar/<md5 of the trimmed, lower-cased e-mail>?d=mm&s=<side>`.
pub fn gravatar_url(server: &str, email: &str, side: u32) -> String {
    let server = server.trim();
    let server = if server.is_empty() {
        "https://www.gravatar.com/"
    } else {
        server
    };
    let slash = if server.ends_with('/') { "" } else { "/" };
    let hash = hex::encode(Md5::digest(email.trim().to_lowercase().as_bytes()));
    format!("{server}{slash}avatar/{hash}?d=mm&s={side}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                width,
                height,
                image::Rgba([10, 20, 30, 128]),
            ))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, _| {
                image::Rgb([(x % 256) as u8, 0, 0])
            }))
        };
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn uploads_become_two_squares() {
        let rendered = render_blocking(&png(300, 120, false), 200, 60).unwrap();
        assert_eq!(content_type(&rendered.large), "image/jpeg");
        let large = image::load_from_memory(&rendered.large).unwrap();
        let small = image::load_from_memory(&rendered.small).unwrap();
        assert_eq!((large.width(), large.height()), (200, 200));
        assert_eq!((small.width(), small.height()), (60, 60));

        let rendered = render_blocking(&png(10, 40, true), 200, 60).unwrap();
        assert_eq!(content_type(&rendered.small), "image/png");
    }

    #[test]
    fn garbage_and_oversized_pictures_are_refused() {
        assert!(matches!(
            render_blocking(b"definitely not an image", 200, 60),
            Err(AvatarError::Undecodable(_))
        ));
        assert!(matches!(
            render_blocking(&png(MAX_SIDE + 1, 1, false), 200, 60),
            Err(AvatarError::TooLarge)
        ));
    }

    #[test]
    fn gravatar_links_hash_the_normalized_address() {
        let a = gravatar_url("https://www.gravatar.com/", " Ann@Example.com ", 200);
        let b = gravatar_url("https://www.gravatar.com", "ann@example.com", 200);
        assert_eq!(a, b);
        assert!(a.starts_with("https://www.gravatar.com/avatar/"));
        assert!(a.ends_with("?d=mm&s=200"));
        // md5("") is the well-known d41d8cd9…
        assert!(gravatar_url("https://g/", "", 60).contains("d41d8cd98f00b204e9800998ecf8427e"));
    }

    #[test]
    fn sizes_parse_and_stay_in_bounds() {
        assert_eq!(Size::parse("s"), Some(Size::Small));
        assert_eq!(Size::parse("L"), Some(Size::Large));
        assert_eq!(Size::parse("x"), None);
        assert_eq!(Size::Large.side_from(100_000), 200);
        assert_eq!(Size::Small.side_from(-1), 60);
        assert_eq!(Size::Small.side_from(64), 64);
    }
}
