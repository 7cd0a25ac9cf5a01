//! A new installation's generators: those whose tools this host has, switched on at first
//! start when tools can run confined here, so a new user sees video, PDF and photo
//! thumbnails without a trip to the settings. Existing installations keep their settings.

use std::collections::HashMap;

use crate::{sandbox::confine, settings::DEFAULTS};

/// The switch and the tool path setting of each external generator and reader.
const SWITCHES: &[(&str, &str)] = &[
    ("thumb_vips_enabled", "thumb_vips_path"),
    ("thumb_ffmpeg_enabled", "thumb_ffmpeg_path"),
    ("thumb_poppler_enabled", "thumb_poppler_path"),
    ("thumb_heif_enabled", "thumb_heif_path"),
    ("thumb_libraw_enabled", "thumb_libraw_path"),
    ("thumb_libreoffice_enabled", "thumb_libreoffice_path"),
    ("media_meta_ffprobe", "media_meta_ffprobe_path"),
];

/// The switches to turn on: one per tool found on `PATH` at its default path, none at all
/// when tools cannot run confined here.
pub fn switches_for_found_tools() -> Vec<(&'static str, &'static str)> {
    let Ok(mode) = confine::mode() else {
        return Vec::new();
    };
    if *mode == confine::Mode::Unconfined {
        // Running tools unconfined is the admin's call, made for the generators they pick.
        return Vec::new();
    }
    let defaults: HashMap<&str, &str> = DEFAULTS.iter().copied().collect();
    SWITCHES
        .iter()
        .filter(|(_, path)| {
            defaults
                .get(path)
                .is_some_and(|program| confine::find_program(program).is_some())
        })
        .map(|(switch, _)| (*switch, "1"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_switch_and_path_is_a_setting() {
        let names: Vec<&str> = crate::settings::DEFAULTS.iter().map(|(k, _)| *k).collect();
        for (switch, path) in super::SWITCHES {
            assert!(names.contains(switch) && names.contains(path), "{switch}");
        }
    }
}
