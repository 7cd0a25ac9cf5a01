//! Each generator end to end: the file is uploaded, its thumbnail fetched through the signed
//! URL and decoded, and it fits the configured box.

use image::ImageFormat;

use super::{
    all_thumbs, assert_fits, bob, fetch, file_row, heic, meta, pdf, script, set, setup, song,
    thumb, tiff, upload, video,
};

#[tokio::test]
async fn a_video_gets_a_frame_from_ffmpeg_and_other_users_get_nothing() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    set(
        &server,
        &[
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_width", "48"),
            ("thumb_height", "32"),
            ("thumb_encode_method", "jpg"),
        ],
    )
    .await;
    upload(&server, &ann, "cloudreve://my/clip.mp4", &video(dir.path())).await;
    // Off by default: a video has no thumbnail, and the file is not marked for it.
    set(&server, &[("thumb_ffmpeg_enabled", "0")]).await;
    assert_eq!(
        thumb(&server, &ann, "cloudreve://my/clip.mp4").await["code"],
        40077
    );
    let row = file_row(&server, &ann, "clip.mp4").await;
    assert_eq!(meta(&server, row.id, "thumb:disabled").await, None);

    set(&server, &[("thumb_ffmpeg_enabled", "1")]).await;
    // The default seek (one second) is past this clip's last frame: the first one is taken.
    let answer = thumb(&server, &ann, "cloudreve://my/clip.mp4").await;
    let (format, image) = fetch(&server, &answer).await;
    assert_eq!(format, ImageFormat::Jpeg);
    assert_fits(&image, 48, 32, 1.0);
    assert_eq!(all_thumbs(&server).await.len(), 1);

    // Bob's "my" has no such file, and Ann's tree is closed to him.
    let bob = bob(&server).await;
    assert_eq!(
        thumb(&server, &bob, "cloudreve://my/clip.mp4").await["code"],
        404
    );
    let ann_id = ann.user["id"].as_str().unwrap();
    let theirs = thumb(&server, &bob, &format!("cloudreve://{ann_id}@my/clip.mp4")).await;
    assert_eq!(theirs["code"], 404, "{theirs}");
    assert_eq!(all_thumbs(&server).await.len(), 1);
}

#[tokio::test]
async fn a_song_shows_its_cover_in_process() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    set(&server, &[("thumb_width", "30"), ("thumb_height", "30")]).await;
    upload(&server, &ann, "cloudreve://my/song.mp3", &song(dir.path())).await;
    // The music cover is on by default; the cover is 40 × 20.
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/song.mp3").await,
    )
    .await;
    assert_fits(&image, 30, 30, 2.0);
}

#[tokio::test]
async fn pdf_heic_and_tiff_get_thumbnails_from_poppler_libheif_and_libvips() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    set(
        &server,
        &[
            ("thumb_poppler_enabled", "1"),
            ("thumb_heif_enabled", "1"),
            ("thumb_vips_enabled", "1"),
            ("thumb_width", "64"),
            ("thumb_height", "64"),
            ("thumb_encode_method", "webp"),
        ],
    )
    .await;
    upload(&server, &ann, "cloudreve://my/doc.pdf", &pdf()).await;
    upload(&server, &ann, "cloudreve://my/pic.heic", &heic(dir.path())).await;
    upload(&server, &ann, "cloudreve://my/pic.tif", &tiff(dir.path())).await;
    for (name, ratio) in [("doc.pdf", 2.0), ("pic.heic", 2.0), ("pic.tif", 3.0)] {
        let answer = thumb(&server, &ann, &format!("cloudreve://my/{name}")).await;
        let (format, image) = fetch(&server, &answer).await;
        assert_eq!(format, ImageFormat::WebP, "{name}");
        assert_fits(&image, 64, 64, ratio);
    }
    assert_eq!(all_thumbs(&server).await.len(), 3);
}

#[tokio::test]
async fn libreoffice_gets_a_private_profile_relative_paths_and_the_limits() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    // LibreOffice is not installed here: a stand-in checks its arguments and limits, then
    // writes the picture where `soffice --convert-to png --outdir ./out` would. It runs
    // confined (it can read nothing of this test's), so the checks are its own, the picture
    // is carried in the script, and a failed check is the run's error.
    let picture = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        super::png(600, 300),
    );
    let soffice = script(
        dir.path(),
        "soffice",
        &format!(
            "fail() {{ echo \"$1: $*\" >&2; exit 3; }}\n\
             args=\"$*\"\n\
             case \"$args\" in *--headless*) ;; *) fail 'not headless' ;; esac\n\
             case \"$args\" in *'--convert-to png --outdir ./out'*) ;; *) fail 'output' ;; esac\n\
             case \"$args\" in *-rf*) fail 'the file name reached the tool' ;; esac\n\
             case \"$args\" in *\"-env:UserInstallation=file://$PWD/\"*) ;; *) fail 'profile' ;; esac\n\
             for last; do :; done\n\
             [ \"$last\" = ./src.docx ] || fail \"source $last\"\n\
             [ \"$(ulimit -v)\" = {kib} ] || fail \"ulimit -v $(ulimit -v)\"\n\
             mkdir -p out && base64 -d > out/src.png <<'PNG'\n{picture}\nPNG",
            kib = 512 * 1024,
        ),
    );
    set(
        &server,
        &[
            ("thumb_libreoffice_enabled", "1"),
            ("thumb_libreoffice_path", soffice.to_str().unwrap()),
            ("thumb_generator_max_memory", "536870912"),
        ],
    )
    .await;
    upload(
        &server,
        &ann,
        "cloudreve://my/-rf report.docx",
        b"not really a document",
    )
    .await;
    let (_, image) = fetch(
        &server,
        &thumb(&server, &ann, "cloudreve://my/-rf report.docx").await,
    )
    .await;
    assert_fits(&image, 400, 300, 2.0);
}
