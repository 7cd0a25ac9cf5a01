//! A video or audio file's container and streams as Cloudreve's `stream:*` keys, read by
//! `ffprobe` in the sandbox: `stream:format` (container), `stream:duration` (seconds),
//! `stream:bitrate` (bits per second) and `stream:streams`, a JSON array with each stream's
//! index, type, codec, resolution (video), sample rate and channels (audio), bitrate and
//! duration.
//!
//! Its limits are settings (`media_meta_ffprobe_*`, read by [`FfprobeLimits::from_settings`]):
//! `_timeout` seconds before it is killed (60), `_max_memory` bytes of address space (2 GiB),
//! `_probe_size` bytes it reads to find the streams (ffprobe's `-probesize`, 5 MB) and
//! `_analyze_duration` seconds of media it analyses (`-analyzeduration`, 5). A value missing
//! or out of range takes its default; the console refuses one out of range.

use std::{collections::HashMap, ffi::OsString, path::Path, time::Duration};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    sandbox::{self, Limits, local_arg},
    thumb::pinned,
};

/// ffprobe's JSON answer, the parts kept.
#[derive(Debug, Deserialize)]
struct Probe {
    #[serde(default)]
    format: Format,
    #[serde(default)]
    streams: Vec<Stream>,
}

#[derive(Debug, Default, Deserialize)]
struct Format {
    format_name: Option<String>,
    duration: Option<String>,
    bit_rate: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Stream {
    index: Option<i64>,
    codec_type: Option<String>,
    codec_name: Option<String>,
    codec_long_name: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    sample_rate: Option<String>,
    channels: Option<i64>,
    bit_rate: Option<String>,
    duration: Option<String>,
}

/// Largest answer ffprobe may write (its JSON is a few kilobytes).
const MAX_ANSWER: u64 = 1 << 20;

/// The settings keys of the limits, their defaults and their ranges: (key, default, min, max).
pub const LIMIT_KEYS: [(&str, i64, i64, i64); 4] = [
    ("media_meta_ffprobe_timeout", 60, 1, 3600),
    ("media_meta_ffprobe_max_memory", 2 << 30, 64 << 20, i64::MAX),
    ("media_meta_ffprobe_probe_size", 5_000_000, 32, i64::MAX),
    ("media_meta_ffprobe_analyze_duration", 5, 1, 3600),
];

/// What one ffprobe run may use and read.
#[derive(Debug, Clone)]
pub struct FfprobeLimits {
    pub sandbox: Limits,
    /// `-probesize`, bytes.
    pub probe_size: u64,
    /// `-analyzeduration`, seconds.
    pub analyze_secs: u64,
}

impl FfprobeLimits {
    /// The limits the settings `all` set; a value missing, unreadable or out of range takes
    /// its default.
    pub fn from_settings(all: &HashMap<String, String>) -> Self {
        let [timeout, memory, probe_size, analyze] = LIMIT_KEYS.map(|(key, default, min, max)| {
            all.get(key)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|v| (min..=max).contains(v))
                .unwrap_or(default) as u64
        });
        Self {
            sandbox: Limits {
                timeout: Duration::from_secs(timeout),
                memory,
                file_size: MAX_ANSWER,
            },
            probe_size,
            analyze_secs: analyze,
        }
    }
}

/// Runs `ffprobe` on `dir/src` and returns the keys, or why it could not.
pub async fn read(
    program: &str,
    dir: &Path,
    src: &str,
    limits: &FfprobeLimits,
) -> Result<Vec<(&'static str, String)>, String> {
    // The extension's demuxer and the file protocol only: no playlist is ever probed.
    let ext = pinned::ext_of(src);
    let input =
        pinned::ffmpeg_input(&ext).ok_or_else(|| format!("ffprobe is not given .{ext} files"))?;
    let probe_size = limits.probe_size.to_string();
    let analyze = (limits.analyze_secs.saturating_mul(1_000_000)).to_string();
    let mut args: Vec<OsString> = [
        "-v",
        "error",
        "-probesize",
        &probe_size,
        "-analyzeduration",
        &analyze,
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
    ]
    .iter()
    .chain(&input)
    .map(OsString::from)
    .collect();
    args.push(local_arg(src));
    let output = sandbox::run(program, &args, dir, &limits.sandbox)
        .await
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(output.reason());
    }
    let probe: Probe = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("ffprobe's answer is not readable: {e}"))?;
    Ok(keys(probe))
}

fn keys(probe: Probe) -> Vec<(&'static str, String)> {
    let streams: Vec<Value> = probe
        .streams
        .into_iter()
        .map(|s| {
            let mut v = json!({
                "index": s.index,
                "codec_type": s.codec_type,
                "codec_name": s.codec_name,
                "codec_long_name": s.codec_long_name,
                "width": s.width,
                "height": s.height,
                "sample_rate": s.sample_rate,
                "channels": s.channels,
                "bit_rate": s.bit_rate,
                "duration": s.duration,
            });
            if let Some(map) = v.as_object_mut() {
                map.retain(|_, value| !value.is_null());
            }
            v
        })
        .collect();
    let mut out = Vec::new();
    let f = probe.format;
    out.extend(f.format_name.map(|v| ("stream:format", v)));
    out.extend(f.duration.map(|v| ("stream:duration", v)));
    out.extend(f.bit_rate.map(|v| ("stream:bitrate", v)));
    if !streams.is_empty() {
        out.push(("stream:streams", Value::Array(streams).to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extension_given_to_ffprobe_has_a_pinned_demuxer() {
        for ext in crate::media_meta::FFPROBE_EXTS
            .iter()
            .chain(crate::media_meta::MUSIC_EXTS)
        {
            assert!(pinned::ffmpeg_demuxer(ext).is_some(), "{ext}");
        }
    }

    #[test]
    fn limits_come_from_the_settings_within_their_ranges() {
        let all = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let defaults = FfprobeLimits::from_settings(&all(&[]));
        assert_eq!(defaults.sandbox.timeout, Duration::from_secs(60));
        assert_eq!(defaults.sandbox.memory, 2 << 30);
        assert_eq!((defaults.probe_size, defaults.analyze_secs), (5_000_000, 5));
        let set = FfprobeLimits::from_settings(&all(&[
            ("media_meta_ffprobe_timeout", "3"),
            ("media_meta_ffprobe_max_memory", "1"),
            ("media_meta_ffprobe_probe_size", " 4096 "),
            ("media_meta_ffprobe_analyze_duration", "x"),
        ]));
        assert_eq!(set.sandbox.timeout, Duration::from_secs(3));
        assert_eq!(set.sandbox.memory, 2 << 30);
        assert_eq!((set.probe_size, set.analyze_secs), (4096, 5));
    }

    #[test]
    fn format_and_streams_become_keys() {
        let probe: Probe = serde_json::from_value(json!({
            "format": {"format_name": "mov,mp4", "duration": "1.000000", "bit_rate": "22000"},
            "streams": [
                {"index": 0, "codec_type": "video", "codec_name": "h264", "width": 64, "height": 64},
                {"index": 1, "codec_type": "audio", "codec_name": "aac", "sample_rate": "44100", "channels": 1}
            ]
        }))
        .unwrap();
        let keys = keys(probe);
        assert_eq!(keys[0], ("stream:format", "mov,mp4".to_owned()));
        assert_eq!(keys[1], ("stream:duration", "1.000000".to_owned()));
        assert_eq!(keys[2], ("stream:bitrate", "22000".to_owned()));
        let streams: Value = serde_json::from_str(&keys[3].1).unwrap();
        assert_eq!(streams[0]["width"], 64);
        assert_eq!(streams[1]["channels"], 1);
        assert!(streams[1].get("width").is_none());
    }
}
