//! The music cover generator: the picture embedded in an audio file's tags (ID3v2 `APIC`,
//! FLAC/Vorbis `METADATA_BLOCK_PICTURE`, MP4 `covr`), read in process from the staged copy.
//! The front cover is taken when marked, else the first picture.

use std::path::Path;

use lofty::{file::TaggedFileExt, picture::PictureType};

/// The cover's bytes (a JPEG or PNG as the tagger stored it), or why there is none.
/// Blocking: callers run it on the blocking pool.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let tagged = lofty::read_from_path(path).map_err(|e| e.to_string())?;
    let pictures: Vec<_> = tagged.tags().iter().flat_map(|t| t.pictures()).collect();
    pictures
        .iter()
        .find(|p| p.pic_type() == PictureType::CoverFront)
        .or_else(|| pictures.first())
        .map(|p| p.data().to_vec())
        .ok_or_else(|| "the file has no embedded picture".to_owned())
}
