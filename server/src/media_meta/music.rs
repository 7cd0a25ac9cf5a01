//! An audio file's tags as Cloudreve's `music:*` keys, read in process with `lofty` (ID3v1/v2,
//! APE, Vorbis comments, MP4 atoms, RIFF INFO): title, artist, album, album artist, genre,
//! composer, year, track and disc numbers, and the duration in seconds.

use std::io::{Read, Seek};

use lofty::{
    file::{AudioFile, TaggedFileExt},
    prelude::{Accessor, ItemKey},
    probe::Probe,
};

/// The keys found in the audio file `reader` holds, in a fixed order; none when it cannot
/// be read.
pub fn read(reader: &mut (impl Read + Seek)) -> Vec<(&'static str, String)> {
    let Ok(probe) = Probe::new(reader).guess_file_type() else {
        return Vec::new();
    };
    let Ok(tagged) = probe.read() else {
        return Vec::new();
    };
    let mut out: Vec<(&'static str, Option<String>)> = Vec::new();
    let tag = tagged.primary_tag().or_else(|| tagged.first_tag());
    if let Some(tag) = tag {
        let text = |key: ItemKey| tag.get_string(key).map(str::to_owned);
        out.extend([
            ("music:title", tag.title().map(|v| v.into_owned())),
            ("music:artist", tag.artist().map(|v| v.into_owned())),
            ("music:album", tag.album().map(|v| v.into_owned())),
            ("music:album_artist", text(ItemKey::AlbumArtist)),
            ("music:genre", tag.genre().map(|v| v.into_owned())),
            ("music:composer", text(ItemKey::Composer)),
            (
                "music:year",
                tag.date()
                    .map(|d| d.year.to_string())
                    .or_else(|| year_of(text(ItemKey::Year))),
            ),
            ("music:track", tag.track().map(|t| t.to_string())),
            ("music:disc", tag.disk().map(|d| d.to_string())),
        ]);
    }
    let duration = tagged.properties().duration();
    if !duration.is_zero() {
        out.push((
            "music:duration",
            Some(format!("{:.3}", duration.as_secs_f64())),
        ));
    }
    out.into_iter()
        .filter_map(|(k, v)| {
            v.map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| (k, v))
        })
        .collect()
}

/// The year of a recording date (`2024`, `2024-05-01`).
fn year_of(date: Option<String>) -> Option<String> {
    let date = date?;
    let year: String = date.chars().take_while(char::is_ascii_digit).collect();
    (year.len() == 4).then_some(year)
}
