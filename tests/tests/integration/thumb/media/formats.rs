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
    assert_eq!(theirs["code"], 403, "{theirs}");
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
    // LibreOffice is not installed here: a stand-in records its arguments and limits, then
    // writes the picture where `soffice --convert-to png --outdir ./out` would.
    let record = dir.path().join("record.txt");
    std::fs::write(dir.path().join("page.png"), super::png(600, 300)).unwrap();
    let soffice = script(
        dir.path(),
        "soffice",
        &format!(
            "printf '%s\\n' \"$@\" > {rec}\nulimit -v >> {rec}\npwd >> {rec}\n\
             mkdir -p out && cp {png} out/src.png",
            rec = record.display(),
            png = dir.path().join("page.png").display()
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
    let text = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let (args, limit, cwd) = (&lines[..n - 2], lines[n - 2], lines[n - 1]);
    assert!(args.contains(&"--headless"), "{text}");
    assert!(
        args.windows(2).any(|w| w == ["--convert-to", "png"]),
        "{text}"
    );
    assert!(
        args.windows(2).any(|w| w == ["--outdir", "./out"]),
        "{text}"
    );
    // The user's file name never reaches the tool: the source is a fixed relative name.
    assert_eq!(args.last(), Some(&"./src.docx"), "{text}");
    assert!(!text.contains("-rf"), "{text}");
    let profile = args
        .iter()
        .find_map(|a| a.strip_prefix("-env:UserInstallation=file://"))
        .unwrap_or_else(|| panic!("no profile in {text}"));
    assert!(profile.starts_with(cwd), "{profile} outside {cwd}");
    assert_eq!(limit, (512 * 1024).to_string(), "ulimit -v in KiB");
    // The private folder is gone after the run.
    assert!(!std::path::Path::new(cwd).exists(), "{cwd} left behind");
}
