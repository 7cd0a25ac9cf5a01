//! A picture's EXIF as the `exif:*` metadata keys Cloudreve's clients read: camera and lens,
//! exposure, the time taken, size, orientation, and where it was taken.

use std::io::{BufRead, Seek, SeekFrom};

use exif::{Exif, Field, In, Rational, Reader, Tag, Value};

use super::window::{self, Window};

/// The keys found in the picture `reader` holds, in a fixed order; none when it has no EXIF.
/// What is read of it is bounded ([`window`]): a TIFF's directories, another format's start.
pub fn read(reader: &mut (impl BufRead + Seek)) -> Vec<(&'static str, String)> {
    let mut head = [0u8; 4];
    let tiff = reader.seek(SeekFrom::Start(0)).is_ok()
        && reader.read_exact(&mut head).is_ok()
        && window::is_tiff(&head);
    let found = if tiff {
        window::tiff_directories(reader)
            .ok_or(exif::Error::InvalidFormat("unreadable TIFF directory"))
            .and_then(|directories| Reader::new().read_raw(directories))
    } else {
        Window::new(reader, window::WINDOW)
            .map_err(exif::Error::from)
            .and_then(|mut bounded| Reader::new().read_from_container(&mut bounded))
    };
    match found {
        Ok(exif) => keys(&exif),
        Err(_) => Vec::new(),
    }
}

fn keys(exif: &Exif) -> Vec<(&'static str, String)> {
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    let text = |tag| field(tag).and_then(ascii);
    let uint = |tag| field(tag).and_then(|f| f.value.get_uint(0));
    let mut out: Vec<(&'static str, Option<String>)> = vec![
        ("exif:camera_make", text(Tag::Make)),
        ("exif:camera_model", text(Tag::Model)),
        ("exif:camera_owner_name", text(Tag::CameraOwnerName)),
        ("exif:body_serial_number", text(Tag::BodySerialNumber)),
        ("exif:lens_make", text(Tag::LensMake)),
        ("exif:lens_model", text(Tag::LensModel)),
        ("exif:software", text(Tag::Software)),
        ("exif:artist", text(Tag::Artist)),
        ("exif:copy_right", text(Tag::Copyright)),
        ("exif:image_description", text(Tag::ImageDescription)),
        (
            "exif:exposure_time",
            field(Tag::ExposureTime).and_then(rational).map(exposure),
        ),
        (
            "exif:f",
            field(Tag::FNumber)
                .and_then(rational)
                .map(|r| format!("{:.6}", r.to_f64())),
        ),
        (
            "exif:focal_length",
            field(Tag::FocalLength)
                .and_then(rational)
                .map(|r| short(r.to_f64())),
        ),
        (
            "exif:iso",
            uint(Tag::PhotographicSensitivity).map(|v| v.to_string()),
        ),
        (
            "exif:exposure_bias",
            field(Tag::ExposureBiasValue)
                .and_then(signed_rational)
                .map(|v| format!("{v:.6}")),
        ),
        ("exif:flash", uint(Tag::Flash).map(|v| v.to_string())),
        (
            "exif:orientation",
            uint(Tag::Orientation).map(|v| v.to_string()),
        ),
        (
            "exif:x",
            uint(Tag::PixelXDimension)
                .or_else(|| uint(Tag::ImageWidth))
                .map(|v| v.to_string()),
        ),
        (
            "exif:y",
            uint(Tag::PixelYDimension)
                .or_else(|| uint(Tag::ImageLength))
                .map(|v| v.to_string()),
        ),
        ("exif:taken_at", taken_at(exif)),
    ];
    out.extend(gps(exif));
    out.into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
}

/// The first string of an ASCII field, trimmed.
fn ascii(f: &Field) -> Option<String> {
    match &f.value {
        Value::Ascii(parts) => parts
            .first()
            .map(|p| String::from_utf8_lossy(p).trim().to_owned()),
        _ => None,
    }
}

fn rational(f: &Field) -> Option<Rational> {
    match &f.value {
        Value::Rational(v) => v.first().copied().filter(|r| r.denom != 0),
        _ => None,
    }
}

fn signed_rational(f: &Field) -> Option<f64> {
    match &f.value {
        Value::SRational(v) => v.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }
}

/// `1/250` below a second, `2` or `2.5` (seconds) from a second on.
fn exposure(r: Rational) -> String {
    let secs = r.to_f64();
    if secs > 0.0 && secs < 1.0 {
        format!("1/{}", (1.0 / secs).round())
    } else {
        short(secs)
    }
}

/// A number without a needless fraction: `35`, `4.5`.
fn short(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// When the picture was taken, RFC 3339: `DateTimeOriginal` (else `DateTime`) with the offset
/// the camera recorded, or UTC.
fn taken_at(exif: &Exif) -> Option<String> {
    let field = |tag| exif.get_field(tag, In::PRIMARY).and_then(ascii);
    let (stamp, offset) = match field(Tag::DateTimeOriginal) {
        Some(s) => (s, field(Tag::OffsetTimeOriginal)),
        None => (field(Tag::DateTime)?, field(Tag::OffsetTime)),
    };
    let naive = chrono::NaiveDateTime::parse_from_str(&stamp, "%Y:%m:%d %H:%M:%S").ok()?;
    let offset = offset
        .and_then(|o| o.trim().parse::<chrono::FixedOffset>().ok())
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
    let at = naive.and_local_timezone(offset).single()?;
    Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Latitude, longitude (decimal degrees, south and west negative) and altitude (metres).
fn gps(exif: &Exif) -> Vec<(&'static str, Option<String>)> {
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    let degrees = |value: Tag, sign: Tag, negative: &str| {
        let parts = match &field(value)?.value {
            Value::Rational(v) if v.len() == 3 && v.iter().all(|r| r.denom != 0) => v.clone(),
            _ => return None,
        };
        let v = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
        let flip = field(sign).and_then(ascii).is_some_and(|s| s == negative);
        Some(format!("{:.6}", if flip { -v } else { v }))
    };
    let altitude = field(Tag::GPSAltitude).and_then(rational).map(|r| {
        let below = field(Tag::GPSAltitudeRef).and_then(|f| f.value.get_uint(0)) == Some(1);
        short(if below { -r.to_f64() } else { r.to_f64() })
    });
    vec![
        (
            "exif:latitude",
            degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S"),
        ),
        (
            "exif:longitude",
            degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W"),
        ),
        ("exif:altitude", altitude),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposures_and_numbers_read_as_cameras_show_them() {
        assert_eq!(exposure(Rational { num: 1, denom: 250 }), "1/250");
        assert_eq!(
            exposure(Rational {
                num: 10,
                denom: 2500
            }),
            "1/250"
        );
        assert_eq!(exposure(Rational { num: 5, denom: 2 }), "2.5");
        assert_eq!(short(35.0), "35");
        assert_eq!(short(4.5), "4.5");
    }
}
