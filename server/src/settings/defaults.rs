//! Install-time values of the site settings (Cloudreve's keys, spec §14.2).
//!
//! Secrets and identifiers are not here: [`generated_secrets`] draws them from the OS CSPRNG
//! on first start.

use rand::TryRngCore;
use rand::{Rng, distr::Alphanumeric, rngs::OsRng};

/// `(name, value)` pairs inserted when missing.
pub const DEFAULTS: &[(&str, &str)] = &[
    // Site and PWA
    ("siteURL", "http://localhost:5212"),
    ("siteName", "Stratus"),
    ("siteDes", "Stratus: your files on your own server"),
    ("siteTitle", "Your files, your server"),
    ("siteScript", ""),
    ("site_logo", "/static/img/logo.svg"),
    ("site_logo_light", "/static/img/logo_light.svg"),
    ("pwa_small_icon", "/static/img/favicon.ico"),
    ("pwa_medium_icon", "/static/img/logo192.png"),
    ("pwa_large_icon", "/static/img/logo512.png"),
    ("pwa_display", "standalone"),
    ("pwa_theme_color", "#000000"),
    ("pwa_background_color", "#ffffff"),
    ("tos_url", ""),
    ("privacy_policy_url", ""),
    ("defaultTheme", "#1976d2"),
    (
        "theme_options",
        r##"{"#1976d2":{"light":{"palette":{"primary":{"main":"#1976d2","light":"#42a5f5","dark":"#1565c0"},"secondary":{"main":"#9c27b0","light":"#ba68c8","dark":"#7b1fa2"}}},"dark":{"palette":{"primary":{"main":"#90caf9","light":"#e3f2fd","dark":"#42a5f5"},"secondary":{"main":"#ce93d8","light":"#f3e5f5","dark":"#ab47bc"}}}},"#3f51b5":{"light":{"palette":{"primary":{"main":"#3f51b5"},"secondary":{"main":"#f50057"}}},"dark":{"palette":{"primary":{"main":"#9fa8da"},"secondary":{"main":"#ff4081"}}}}}"##,
    ),
    ("show_app_promotion", "0"),
    // Accounts
    ("register_enabled", "1"),
    ("default_group", "2"),
    ("email_active", "0"),
    ("authn_enabled", "1"),
    ("ban_time", "604800"),
    ("access_token_ttl", "3600"),
    ("refresh_token_ttl", "1209600"),
    ("gravatar_server", "https://www.gravatar.com/"),
    ("avatar_path", "avatar"),
    ("avatar_size", "4194304"),
    ("avatar_size_l", "200"),
    ("avatar_size_s", "60"),
    ("phone_required", "0"),
    ("phone_enabled", "0"),
    // Captcha
    ("login_captcha", "0"),
    ("reg_captcha", "0"),
    ("forget_captcha", "0"),
    ("captcha_type", "normal"),
    ("captcha_height", "60"),
    ("captcha_width", "240"),
    ("captcha_mode", "3"),
    ("captcha_CaptchaLen", "6"),
    ("captcha_ComplexOfNoiseText", "0"),
    ("captcha_ComplexOfNoiseDot", "0"),
    ("captcha_IsShowHollowLine", "0"),
    ("captcha_IsShowNoiseDot", "1"),
    ("captcha_IsShowNoiseText", "0"),
    ("captcha_IsShowSlimeLine", "1"),
    ("captcha_IsShowSineLine", "0"),
    ("captcha_ReCaptchaKey", ""),
    ("captcha_ReCaptchaSecret", ""),
    ("captcha_turnstile_site_key", ""),
    ("captcha_turnstile_site_secret", ""),
    ("captcha_cap_instance_url", ""),
    ("captcha_cap_site_key", ""),
    ("captcha_cap_secret_key", ""),
    ("captcha_cap_asset_server", "jsdelivr"),
    // Mail
    ("fromName", "Stratus"),
    ("fromAdress", "no-reply@localhost"),
    ("smtpHost", ""),
    ("smtpPort", "25"),
    ("smtpUser", ""),
    ("smtpPass", ""),
    ("smtpEncryption", "0"),
    ("replyTo", ""),
    ("mail_keepalive", "30"),
    (
        "mail_activation_template",
        r#"[{"language":"en-US","title":"Activate your account","body":"<p>Welcome to {{ .CommonContext.SiteBasic.Name }}.</p><p>Open this link to activate your account: <a href=\"{{ .Url }}\">{{ .Url }}</a></p>"}]"#,
    ),
    (
        "mail_reset_template",
        r#"[{"language":"en-US","title":"Reset your password","body":"<p>Someone asked to reset the password of your account on {{ .CommonContext.SiteBasic.Name }}.</p><p>Open this link to choose a new one: <a href=\"{{ .Url }}\">{{ .Url }}</a></p>"}]"#,
    ),
    // Transfers and file system
    ("maxEditSize", "52428800"),
    ("archive_timeout", "600"),
    ("upload_session_timeout", "86400"),
    ("slave_api_timeout", "60"),
    ("folder_props_timeout", "300"),
    ("chunk_retries", "5"),
    ("use_temp_chunk_buffer", "1"),
    // S3 deletes go to the trash unless this is on.
    ("s3_delete_final", "0"),
    ("max_parallel_transfer", "4"),
    ("temp_path", "temp"),
    ("notification_allowed_cidrs", ""),
    ("remote_download_allowed_cidrs", ""),
    ("use_cursor_pagination", "1"),
    ("max_page_size", "2000"),
    ("max_recursive_searched_folder", "65535"),
    ("max_batched_file", "3000"),
    ("max_folder_depth", "256"),
    ("entity_url_default_ttl", "3600"),
    ("entity_url_cache_margin", "600"),
    ("public_resource_maxage", "86400"),
    ("viewer_session_timeout", "36000"),
    ("use_sse_for_search", "0"),
    (
        "explorer_icons",
        r##"[{"exts":["mp3","flac","ape","wav","acc","ogg","m4a"],"icon":"audio","color":"#651fff"},{"exts":["m3u8","mp4","flv","avi","wmv","mkv","rm","rmvb","mov","ogv"],"icon":"video","color":"#d50000"},{"exts":["bmp","iff","png","gif","jpg","jpeg","psd","svg","webp","heif","heic","tiff","avif"],"icon":"image","color":"#d32f2f"},{"exts":["pdf"],"icon":"pdf","color":"#f44336"},{"exts":["doc","docx"],"icon":"word","color":"#538ce5"},{"exts":["ppt","pptx"],"icon":"ppt","color":"#EF633F"},{"exts":["xls","xlsx","csv"],"icon":"excel","color":"#4caf50"},{"exts":["txt","html"],"icon":"text","color":"#607d8b"},{"exts":["zip","gz","xz","tar","rar","7z","bz2"],"icon":"zip","color":"#f9a825"},{"exts":["md"],"icon":"markdown","color":"#383838"}]"##,
    ),
    (
        "explorer_category_image_query",
        "type=file&case_folding&use_or&name=*.bmp&name=*.iff&name=*.png&name=*.gif&name=*.jpg&name=*.jpeg&name=*.psd&name=*.svg&name=*.webp&name=*.heif&name=*.heic&name=*.tiff&name=*.avif",
    ),
    (
        "explorer_category_video_query",
        "type=file&case_folding&use_or&name=*.mp4&name=*.m3u8&name=*.flv&name=*.avi&name=*.wmv&name=*.mkv&name=*.rm&name=*.rmvb&name=*.mov&name=*.ogv",
    ),
    (
        "explorer_category_audio_query",
        "type=file&case_folding&use_or&name=*.mp3&name=*.flac&name=*.ape&name=*.wav&name=*.acc&name=*.ogg&name=*.m4a",
    ),
    (
        "explorer_category_document_query",
        "type=file&case_folding&use_or&name=*.pdf&name=*.doc&name=*.docx&name=*.ppt&name=*.pptx&name=*.xls&name=*.xlsx&name=*.csv&name=*.txt&name=*.md&name=*.pub",
    ),
    (
        "emojis",
        r#"{"😀":["😀","😃","😄","😁","😆","😅","🤣","😂","🙂","🙃","😉","😊","😇","🥰","😍","🤩","😘"],"🐱":["🐶","🐱","🐭","🐹","🐰","🦊","🐻","🐼","🐨","🐯","🦁","🐮","🐷","🐸","🐵"],"🍎":["🍎","🍐","🍊","🍋","🍌","🍉","🍇","🍓","🍈","🍒","🍑","🥭","🍍","🥥","🥝"],"⚽":["⚽","🏀","🏈","⚾","🥎","🎾","🏐","🏉","🥏","🎱","🏓","🏸","🏒","🏑","🥍"],"💡":["💡","📁","📂","📄","📝","📌","📎","🔒","🔑","⭐","❤️","✅","❗","❓","🔥"]}"#,
    ),
    ("map_provider", "openstreetmap"),
    ("map_mapbox_ak", ""),
    ("viewer_default_apps", "{}"),
    // File apps (`file_apps.rs`): framed editors, each off until the administrator switches it on.
    ("file_app_drawio_enabled", "0"),
    ("file_app_drawio_url", "https://embed.diagrams.net"),
    ("file_app_excalidraw_enabled", "0"),
    ("file_app_excalidraw_url", ""),
    ("map_google_tile_type", "regular"),
    ("mime_mapping", "{}"),
    (
        "file_viewers",
        r#"[{"viewers":[{"id":"music","type":"builtin","display_name":"Music player","exts":["mp3","ogg","wav","flac","m4a"]},{"id":"video","type":"builtin","display_name":"Video player","exts":["mp4","mkv","webm","avi","mov","m3u8","flv"]},{"id":"image","type":"builtin","display_name":"Image viewer","exts":["bmp","png","gif","jpg","jpeg","svg","webp","heic","heif"]},{"id":"pdf","type":"builtin","display_name":"PDF viewer","exts":["pdf"]},{"id":"markdown","type":"builtin","display_name":"Markdown editor","exts":["md"],"templates":[{"ext":"md","display_name":"Markdown"}]},{"id":"monaco","type":"builtin","display_name":"Text editor","exts":["txt","json","yaml","yml","toml","ini","xml","html","css","js","ts","rs","go","py","sh","c","cpp","h","java","sql","log","conf"],"templates":[{"ext":"txt","display_name":"Text file"}]},{"id":"epub","type":"builtin","display_name":"EPUB reader","exts":["epub"]}]}]"#,
    ),
    // Thumbnails
    ("thumb_width", "400"),
    ("thumb_height", "300"),
    ("thumb_entity_suffix", "._thumb"),
    ("thumb_slave_sidecar_suffix", "._thumb_sidecar"),
    ("thumb_encode_method", "png"),
    ("thumb_encode_quality", "95"),
    ("thumb_gc_after_gen", "0"),
    ("thumb_builtin_enabled", "1"),
    ("thumb_builtin_max_size", "78643200"),
    // libvips reads only what its trusted loaders read (`thumb::pinned`): no MATLAB, CSV,
    // FITS, Analyze, PPM, SVG, PDF, JPEG 2000 or XL, OpenEXR or slide formats, and none of the
    // raw formats that need ImageMagick (LibRaw's generator takes those).
    ("thumb_vips_enabled", "0"),
    ("thumb_vips_path", "vips"),
    (
        "thumb_vips_exts",
        "3fr,ari,arw,cr2,dcs,dcr,dng,drf,eip,erf,fff,iiq,k25,kdc,mef,mos,nef,nrw,obm,orf,pef,ptx,pxn,raw,rwl,rw2,sr2,srf,srw,gif,png,jpg,jpeg,jpe,webp,tif,tiff,heic,heif,avif",
    ),
    ("thumb_vips_max_size", "78643200"),
    ("thumb_ffmpeg_enabled", "0"),
    ("thumb_ffmpeg_path", "ffmpeg"),
    (
        "thumb_ffmpeg_exts",
        "3g2,3gp,asf,avi,divx,flv,m2ts,m2v,m4v,mkv,mov,mp4,mpeg,mpg,mts,mxf,ogv,rm,swf,webm,wmv",
    ),
    ("thumb_ffmpeg_max_size", "10737418240"),
    ("thumb_ffmpeg_seek", "00:00:01.00"),
    ("thumb_libreoffice_enabled", "0"),
    ("thumb_libreoffice_path", "soffice"),
    (
        "thumb_libreoffice_exts",
        "txt,pdf,md,ods,ots,fods,uos,xlsx,xml,xls,xlt,dif,dbf,html,slk,csv,xlsm,docx,dotx,doc,dot,rtf,xlsm,xlst,xls,xlw,xlc,xlt,pptx,ppsx,potx,pomx,ppt,pps,ppm,pot,pom",
    ),
    ("thumb_libreoffice_max_size", "78643200"),
    ("thumb_music_cover_enabled", "1"),
    ("thumb_music_cover_exts", "mp3,m4a,ogg,flac"),
    ("thumb_music_cover_max_size", "1073741824"),
    ("thumb_ffmpeg_extra_args", "-hwaccel auto"),
    // Stratus generators under Cloudreve's scheme: the first page of a PDF (poppler) and
    // HEIC/HEIF/AVIF pictures (libheif).
    ("thumb_poppler_enabled", "0"),
    ("thumb_poppler_path", "pdftoppm"),
    ("thumb_poppler_exts", "pdf"),
    ("thumb_poppler_max_size", "78643200"),
    ("thumb_heif_enabled", "0"),
    ("thumb_heif_path", "heif-convert"),
    ("thumb_heif_exts", "heic,heif,avif"),
    ("thumb_heif_max_size", "78643200"),
    // Every external generator run: seconds before it is killed, bytes of address space.
    ("thumb_generator_timeout", "60"),
    ("thumb_generator_max_memory", "2147483648"),
    ("thumb_libraw_enabled", "0"),
    ("thumb_libraw_path", "simple_dcraw"),
    ("thumb_libraw_max_size", "78643200"),
    (
        "thumb_libraw_exts",
        "3fr,ari,arw,bay,braw,crw,cr2,cr3,cap,dcs,dcr,dng,drf,eip,erf,fff,gpr,iiq,k25,kdc,mdc,mef,mos,mrw,nef,nrw,obm,orf,pef,ptx,pxn,r3d,raf,raw,rwl,rw2,rwz,sr2,srf,srw,tif,x3f",
    ),
    // Media metadata
    ("media_meta", "1"),
    ("media_meta_exif", "1"),
    ("media_meta_exif_size_local", "1073741824"),
    ("media_meta_exif_size_remote", "104857600"),
    ("media_meta_music", "1"),
    ("media_meta_music_size_local", "1073741824"),
    ("media_exif_music_size_remote", "1073741824"),
    ("media_meta_ffprobe", "0"),
    ("media_meta_ffprobe_path", "ffprobe"),
    ("media_meta_ffprobe_size_local", "0"),
    ("media_meta_ffprobe_size_remote", "0"),
    // ffprobe's limits: seconds, bytes of address space, `-probesize` bytes,
    // `-analyzeduration` seconds (`media_meta::ffprobe::LIMIT_KEYS`).
    ("media_meta_ffprobe_timeout", "60"),
    ("media_meta_ffprobe_max_memory", "2147483648"),
    ("media_meta_ffprobe_probe_size", "5000000"),
    ("media_meta_ffprobe_analyze_duration", "5"),
    // Reverse geocoding: kept for Cloudreve compatibility; Stratus does not geocode.
    ("media_meta_geocoding", "0"),
    ("media_meta_geocoding_mapbox_ak", ""),
    // Site look and extra content (Cloudreve 4.3+)
    ("custom_nav_items", "[]"),
    ("custom_props", super::custom_props::DEFAULT),
    ("headless_footer_html", ""),
    ("headless_bottom_html", ""),
    ("sidebar_bottom_html", ""),
    ("show_desktop_app_promotion", "1"),
    ("expose_user_email", "1"),
    // Client-side encryption: kept for Cloudreve compatibility; Stratus has no encryption.
    // `encrypt_master_key` itself is generated, see [`generated_secrets`].
    ("encrypt_master_key_vault", "setting"),
    ("encrypt_master_key_file", ""),
    ("show_encryption_status", "1"),
    // File change events
    ("fs_event_push_enabled", "1"),
    ("fs_event_push_max_age", "1209600"),
    ("fs_event_push_debounce", "5"),
    // Full-text search: the Meilisearch and Tika keys are kept for compatibility; Stratus reads
    // `fts_meilisearch_page_size`, `fts_chunk_size` and `fts_tika_max_file_size` (bytes read).
    ("fts_enabled", "0"),
    ("fts_index_type", "meilisearch"),
    ("fts_extractor_type", "tika"),
    ("fts_meilisearch_endpoint", ""),
    ("fts_meilisearch_api_key", ""),
    ("fts_meilisearch_page_size", "5"),
    ("fts_meilisearch_embed_enabled", "0"),
    ("fts_meilisearch_embed_config", "{}"),
    ("fts_tika_endpoint", ""),
    (
        "fts_tika_exts",
        "pdf,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,rtf,txt,md,html,htm,epub,csv",
    ),
    ("fts_tika_max_file_size", "26214400"),
    ("fts_chunk_size", "2000"),
    // Stratus's own index: the plain text kept per file, and how long one extraction may take.
    ("fts_text_max_bytes", "1048576"),
    ("fts_extract_timeout", "60"),
    // Directory sign-in: off; `{login}` matches the uid or the e-mail, so both sign in.
    // A default group of 0 means `default_group`.
    ("ldap_enabled", "0"),
    ("ldap_url", ""),
    ("ldap_starttls", "1"),
    ("ldap_tls_ca", ""),
    ("ldap_bind_dn", ""),
    ("ldap_bind_password", ""),
    ("ldap_base_dn", ""),
    (
        "ldap_user_filter",
        "(&(objectClass=inetOrgPerson)(|(uid={login})(mail={login})))",
    ),
    ("ldap_email_attribute", "mail"),
    ("ldap_name_attribute", "cn"),
    ("ldap_group_map", "{}"),
    ("ldap_default_group", "0"),
    ("ldap_allowed_cidrs", ""),
    // OpenID Connect sign-in: no providers.
    ("oidc_providers", "[]"),
    ("oidc_allowed_cidrs", ""),
    // Queues and cron
    ("queue_media_meta_worker_num", "30"),
    ("queue_thumb_worker_num", "15"),
    ("queue_recycle_worker_num", "5"),
    ("queue_io_intense_worker_num", "30"),
    ("queue_remote_download_worker_num", "5"),
    ("queue_notify_worker_num", "5"),
    ("queue_media_meta_max_execution", "864000"),
    ("queue_media_meta_backoff_factor", "2"),
    ("queue_media_meta_backoff_max_duration", "60"),
    ("queue_media_meta_max_retry", "1"),
    ("queue_media_meta_retry_delay", "0"),
    ("queue_thumb_max_execution", "864000"),
    ("queue_thumb_backoff_factor", "2"),
    ("queue_thumb_backoff_max_duration", "60"),
    ("queue_thumb_max_retry", "0"),
    ("queue_thumb_retry_delay", "0"),
    ("queue_recycle_max_execution", "864000"),
    ("queue_recycle_backoff_factor", "2"),
    ("queue_recycle_backoff_max_duration", "60"),
    ("queue_recycle_max_retry", "0"),
    ("queue_recycle_retry_delay", "0"),
    ("queue_io_intense_max_execution", "864000"),
    ("queue_io_intense_backoff_factor", "2"),
    ("queue_io_intense_backoff_max_duration", "60"),
    ("queue_io_intense_max_retry", "5"),
    ("queue_io_intense_retry_delay", "0"),
    ("queue_remote_download_max_execution", "864000"),
    ("queue_remote_download_backoff_factor", "2"),
    ("queue_remote_download_backoff_max_duration", "60"),
    ("queue_remote_download_max_retry", "5"),
    ("queue_remote_download_retry_delay", "0"),
    // A receiver that is down gets six more tries over about half an hour.
    ("queue_notify_max_execution", "300"),
    ("queue_notify_backoff_factor", "2"),
    ("queue_notify_backoff_max_duration", "3600"),
    ("queue_notify_max_retry", "6"),
    ("queue_notify_retry_delay", "30"),
    ("cron_garbage_collect", "@every 30m"),
    ("cron_entity_collect", "@every 15m"),
    ("cron_trash_bin_collect", "@every 33m"),
    ("cron_oauth_cred_refresh", "@every 230h"),
    ("guard_enabled", "1"),
    ("guard_burst_files", "200"),
    ("guard_burst_seconds", "60"),
    ("guard_web_sessions", "0"),
    ("guard_exempt_groups", ""),
];

/// Random secrets and identifiers created once per installation.
pub fn generated_secrets() -> Vec<(&'static str, String)> {
    vec![
        ("secret_key", random_string(256)),
        ("hash_id_salt", random_string(64)),
        ("siteID", uuid::Uuid::new_v4().to_string()),
        ("encrypt_master_key", random_key_base64()),
    ]
}

/// 32 random bytes, base64 (the form of Cloudreve's `encrypt_master_key`).
fn random_key_base64() -> String {
    use base64::Engine as _;
    let mut key = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut key)
        .expect("the OS random source");
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// A password for a generated account: 20 letters and digits.
pub fn random_password() -> String {
    random_string(20)
}

/// Letters and digits drawn from the operating system's CSPRNG.
pub fn random_string(len: usize) -> String {
    OsRng
        .unwrap_err()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_unique_names_and_valid_json() {
        let mut names = std::collections::HashSet::new();
        for (name, value) in DEFAULTS {
            assert!(names.insert(*name), "duplicate setting {name}");
            if value.starts_with('{') || value.starts_with('[') {
                serde_json::from_str::<serde_json::Value>(value)
                    .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            }
        }
    }

    #[test]
    fn secrets_have_the_documented_shape() {
        let secrets = generated_secrets();
        let get = |k: &str| secrets.iter().find(|(n, _)| *n == k).unwrap().1.clone();
        assert_eq!(get("secret_key").len(), 256);
        assert_eq!(get("hash_id_salt").len(), 64);
        assert!(uuid::Uuid::parse_str(&get("siteID")).is_ok());
        assert_ne!(random_string(32), random_string(32));
    }
}
