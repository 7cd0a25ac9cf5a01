//! Running one external generator on a source staged in a private folder.
//!
//! The folder is the tool's working directory; the source is `src.<ext>` in it and every
//! argument names files relatively (`./src.mp4`), so neither a file name nor a setting can be
//! taken for an option. Each tool is asked for a picture of at most the thumbnail box where
//! it can do so (ffmpeg, libvips, poppler). Those three also write the thumbnail's own
//! encoding when it is PNG or JPEG ([`writes`]): a picture that then is within the box is
//! kept as the tool wrote it (its header checked, nothing decoded again). The others write a
//! PNG or JPEG that the caller fits and encodes like a built-in thumbnail, within the same
//! decode limits.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::{
    chain::{FfmpegOptions, Generator, Kind},
    pinned,
    render::Encoding,
};
use crate::{
    sandbox::{self, Limits, local_arg},
    storage::{ByteStream, StorageError},
};

/// Largest picture a tool may leave for the caller to read.
pub const MAX_OUTPUT: u64 = 64 << 20;

/// The name of the staged source: `src.<ext>`, the extension kept for tools that look at it
/// (LibreOffice, libvips), reduced to ASCII letters and digits.
pub fn source_name(ext: &str) -> String {
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    if ext.is_empty() {
        "src".to_owned()
    } else {
        format!("src.{ext}")
    }
}

/// Writes `stream` to `dir/name`, streaming; `false` (and nothing kept) when it passes `cap`.
pub async fn stage(
    mut stream: ByteStream,
    dir: &Path,
    name: &str,
    cap: u64,
) -> Result<bool, StorageError> {
    let path = dir.join(name);
    let mut out = tokio::fs::File::create(&path).await?;
    let mut written = 0u64;
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(StorageError::from)?;
        written += piece.len() as u64;
        if written > cap {
            drop(out);
            tokio::fs::remove_file(&path).await?;
            return Ok(false);
        }
        out.write_all(&piece).await?;
    }
    out.flush().await?;
    Ok(true)
}

/// The box a tool is asked to fit its picture in.
#[derive(Debug, Clone, Copy)]
pub struct Box2 {
    pub width: u32,
    pub height: u32,
}

/// The thumbnail's encoding and JPEG quality (1–100), which the tools that can write it are
/// asked for.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub encoding: Encoding,
    pub quality: u8,
}

/// Whether `kind` writes pictures in `encoding` itself (else it writes a PNG or, for LibRaw,
/// the camera's JPEG, and the caller encodes the thumbnail).
pub fn writes(kind: Kind, encoding: Encoding) -> bool {
    matches!(kind, Kind::Ffmpeg | Kind::Vips | Kind::Poppler)
        && matches!(encoding, Encoding::Png | Encoding::Jpeg)
}

/// ffmpeg's JPEG scale (`-q:v`, 2 best to 31 worst) nearest to a quality of 1–100.
fn ffmpeg_qscale(quality: u8) -> u32 {
    2 + (100 - u32::from(quality.clamp(1, 100))) * 29 / 99
}

/// What a tool is asked for: the box and the encoding.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub fit: Box2,
    pub target: Target,
}

/// Runs `generator` on `dir/<src>` and returns the picture it made, or why it made none.
pub async fn generate(
    generator: &Generator,
    ffmpeg: &FfmpegOptions,
    dir: &Path,
    src: &str,
    want: Want,
    limits: &Limits,
) -> Result<PathBuf, String> {
    pin(generator, dir, src, limits).await?;
    let (args, out) = arguments(generator.kind, ffmpeg, dir, src, want, &ffmpeg.seek);
    let made = run(generator, &args, dir, &out, limits).await?;
    if let Some(path) = made {
        return Ok(path);
    }
    // A clip shorter than the seek position gives no frame: take the first one instead.
    if generator.kind == Kind::Ffmpeg && !is_zero(&ffmpeg.seek) {
        let (args, out) = arguments(generator.kind, ffmpeg, dir, src, want, "0");
        if let Some(path) = run(generator, &args, dir, &out, limits).await? {
            return Ok(path);
        }
    }
    Err("it made no picture".to_owned())
}

/// Refuses a source the tool would read as another format than its extension's
/// ([`pinned`]): ffmpeg takes only extensions with a pinned demuxer, libvips only files that
/// `vipsheader` (beside `vips`) finds the extension's own loader for.
async fn pin(generator: &Generator, dir: &Path, src: &str, limits: &Limits) -> Result<(), String> {
    let ext = pinned::ext_of(src);
    match generator.kind {
        Kind::Ffmpeg if pinned::ffmpeg_demuxer(&ext).is_none() => {
            Err(format!("ffmpeg is not given .{ext} files"))
        }
        Kind::Vips => {
            let want = pinned::vips_loader(&ext)
                .ok_or_else(|| format!("libvips is not given .{ext} files"))?;
            let header = Path::new(&generator.path).with_file_name("vipsheader");
            let header = if generator.path.contains('/') {
                header.to_string_lossy().into_owned()
            } else {
                "vipsheader".to_owned()
            };
            let args = vec!["-f".into(), "vips-loader".into(), local_arg(src)];
            let output = sandbox::run(&header, &args, dir, limits)
                .await
                .map_err(|e| e.to_string())?;
            let found = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            if output.status.success() && found == want {
                Ok(())
            } else {
                Err(format!(
                    "the file is not the format its extension .{ext} names (libvips would read it with {})",
                    if found.is_empty() {
                        output.reason()
                    } else {
                        found
                    }
                ))
            }
        }
        _ => Ok(()),
    }
}

fn is_zero(seek: &str) -> bool {
    seek.chars().all(|c| matches!(c, '0' | ':' | '.'))
}

/// Runs the tool; the output path when it exists afterwards.
async fn run(
    generator: &Generator,
    args: &[OsString],
    dir: &Path,
    out: &Path,
    limits: &Limits,
) -> Result<Option<PathBuf>, String> {
    let output = sandbox::run(&generator.path, args, dir, limits)
        .await
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(output.reason());
    }
    Ok(tokio::fs::try_exists(out)
        .await
        .unwrap_or(false)
        .then(|| out.to_owned()))
}

/// The arguments of `kind` and where its picture will be.
fn arguments(
    kind: Kind,
    ffmpeg: &FfmpegOptions,
    dir: &Path,
    src: &str,
    want: Want,
    seek: &str,
) -> (Vec<OsString>, PathBuf) {
    let source = local_arg(src);
    // The tools that can write the thumbnail's encoding are asked for it; PNG otherwise.
    let target = want.target;
    let encoding = if writes(kind, target.encoding) {
        target.encoding
    } else {
        Encoding::Png
    };
    let out = Out {
        name: format!("out.{}", encoding.ext()),
        jpeg: encoding == Encoding::Jpeg,
        quality: target.quality.clamp(1, 100),
    };
    match kind {
        Kind::Ffmpeg => (
            ffmpeg_args(ffmpeg, source, &pinned::ext_of(src), want.fit, seek, &out),
            dir.join(&out.name),
        ),
        Kind::Vips => {
            let (w, h) = (want.fit.width.to_string(), want.fit.height.to_string());
            let mut args = list(&["thumbnail"]);
            args.push(source);
            // Saved without the source's metadata (EXIF, places), like an encoded thumbnail.
            let save = if out.jpeg {
                format!("./{}[Q={},strip]", out.name, out.quality)
            } else {
                format!("./{}[strip]", out.name)
            };
            args.extend(list(&[&save, &w, "--height", &h, "--size", "down"]));
            (args, dir.join(&out.name))
        }
        Kind::Poppler => (poppler_args(source, want.fit, &out), dir.join(&out.name)),
        Kind::Heif => (vec![source, "./out.png".into()], dir.join("out.png")),
        // The preview the camera embedded, written beside the source.
        Kind::LibRaw => (
            vec!["-e".into(), source],
            dir.join(format!("{src}.thumb.jpg")),
        ),
        Kind::LibreOffice => libreoffice_args(dir, src, source),
        Kind::Builtin | Kind::MusicCover => (Vec::new(), dir.join("none")),
    }
}

/// The picture a tool writes in its folder: its file name, whether it is a JPEG and the
/// JPEG quality.
struct Out {
    name: String,
    jpeg: bool,
    quality: u8,
}

fn list(items: &[&str]) -> Vec<OsString> {
    items.iter().map(OsString::from).collect()
}

fn ffmpeg_args(
    ffmpeg: &FfmpegOptions,
    source: OsString,
    ext: &str,
    fit: Box2,
    seek: &str,
    out: &Out,
) -> Vec<OsString> {
    let mut args = list(&["-hide_banner", "-nostdin", "-loglevel", "error"]);
    args.extend(ffmpeg.extra_args.iter().map(OsString::from));
    // A seek that is not a plain time would be read as something else: use the start.
    let seek = if seek
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    {
        seek
    } else {
        "0"
    };
    args.extend(list(&["-ss", seek]));
    // The extension's demuxer and the file protocol only ([`pinned`]); `pin` has refused
    // an extension without one.
    if let Some(input) = pinned::ffmpeg_input(ext) {
        args.extend(list(&input));
    }
    args.push("-i".into());
    args.push(source);
    // Fit the box, never enlarge (the comma inside `min` is escaped for the filter).
    let (w, h) = (fit.width, fit.height);
    let scale =
        format!("scale=w=min({w}\\,iw):h=min({h}\\,ih):force_original_aspect_ratio=decrease");
    args.extend(list(&["-frames:v", "1", "-an", "-vf", &scale]));
    if out.jpeg {
        args.extend(list(&["-q:v", &ffmpeg_qscale(out.quality).to_string()]));
    }
    args.extend(list(&["-update", "1", "-y", &format!("./{}", out.name)]));
    args
}

fn poppler_args(source: OsString, fit: Box2, out: &Out) -> Vec<OsString> {
    let mut args = list(&["-f", "1", "-l", "1", "-singlefile"]);
    if out.jpeg {
        let quality = format!("quality={}", out.quality);
        args.extend(list(&["-jpeg", "-jpegopt", &quality]));
    } else {
        args.push("-png".into());
    }
    // The page's aspect ratio is unknown before it is read: the side that most pages
    // (portrait) meet first is fixed, the other follows the page. A page that then passes
    // the box (a wide slide in a wide box) is fitted by the caller.
    let (w, h) = (fit.width.to_string(), fit.height.to_string());
    if fit.width >= fit.height {
        args.extend(list(&["-scale-to-x", "-1", "-scale-to-y", &h]));
    } else {
        args.extend(list(&["-scale-to-x", &w, "-scale-to-y", "-1"]));
    }
    args.push(source);
    args.push("./out".into());
    args
}

fn libreoffice_args(dir: &Path, src: &str, source: OsString) -> (Vec<OsString>, PathBuf) {
    // A profile of its own in the private folder: runs never share or lock one.
    let profile = url::Url::from_directory_path(dir.join("profile"))
        .map(|u| u.to_string())
        .unwrap_or_else(|()| format!("file://{}/profile", dir.display()));
    let mut args = list(&[
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
    ]);
    args.push(format!("-env:UserInstallation={profile}").into());
    args.extend(list(&["--convert-to", "png", "--outdir", "./out"]));
    args.push(source);
    let stem = src.split_once('.').map_or(src, |(stem, _)| stem);
    (args, dir.join("out").join(format!("{stem}.png")))
}

/// The picture at `path`, when it is at most [`MAX_OUTPUT`] bytes.
pub async fn read_output(path: &Path) -> Result<Vec<u8>, String> {
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|e| format!("reading the picture failed: {e}"))?
        .len();
    if size > MAX_OUTPUT {
        return Err(format!("the picture is over {MAX_OUTPUT} bytes"));
    }
    tokio::fs::read(path)
        .await
        .map_err(|e| format!("reading the picture failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_relative_arguments_and_odd_extensions_are_dropped() {
        assert_eq!(source_name("MP4"), "src.MP4");
        assert_eq!(source_name("../x;-rf"), "src.xrf");
        assert_eq!(source_name(""), "src");
        let dir = Path::new("/tmp/run");
        let want = Want {
            fit: Box2 {
                width: 40,
                height: 30,
            },
            target: Target {
                encoding: Encoding::Jpeg,
                quality: 90,
            },
        };
        let ffmpeg = FfmpegOptions {
            seek: "00:00:01.00".into(),
            extra_args: vec!["-hwaccel".into(), "auto".into()],
        };
        for kind in [
            Kind::Ffmpeg,
            Kind::Vips,
            Kind::Poppler,
            Kind::Heif,
            Kind::LibRaw,
            Kind::LibreOffice,
        ] {
            let (args, out) = arguments(kind, &ffmpeg, dir, "src.x", want, &ffmpeg.seek);
            assert!(args.iter().any(|a| a == "./src.x"), "{kind:?}");
            assert!(out.starts_with(dir), "{kind:?}");
            // The tools that write JPEG are asked for it; the others write what they write.
            let ext = out.extension().and_then(|e| e.to_str());
            if writes(kind, Encoding::Jpeg) {
                assert_eq!(ext, Some("jpg"), "{kind:?}");
            }
        }
        let (args, _) = arguments(Kind::Ffmpeg, &ffmpeg, dir, "src.x", want, "1; rm -rf /");
        let seek = args.iter().position(|a| a == "-ss").unwrap();
        assert_eq!(args[seek + 1], "0");
        assert!(is_zero("00:00:00.00") && !is_zero("00:00:01.00"));
        assert_eq!((ffmpeg_qscale(100), ffmpeg_qscale(1)), (2, 31));
        assert!(!writes(Kind::Vips, Encoding::WebP) && !writes(Kind::LibRaw, Encoding::Jpeg));
    }
}
