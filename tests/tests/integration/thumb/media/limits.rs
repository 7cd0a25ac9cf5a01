//! The sandbox's time limit: a generator that hangs is killed, the file shows its icon (the
//! "no thumbnail" answer) and is not tried again for that version.

use super::{file_row, meta, script, set, setup, thumb, upload};

/// Whether a process whose command line holds `marker` is alive (zombies count as gone).
/// Tools run confined, in a PID namespace of their own: the host's `/proc` still lists them.
fn running(marker: &str) -> bool {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .any(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).contains(marker) && !stat.contains(") Z ")
        })
}

#[tokio::test]
async fn a_hanging_generator_is_killed_at_its_limit_and_not_run_again() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    // Stands in for ffmpeg: forks a helper and hangs. The helper's odd duration marks it
    // among the host's processes.
    let duration = format!("6{}.5", std::process::id() % 100_000);
    let marker = format!("sleep\0{duration}");
    let ffmpeg = script(dir.path(), "ffmpeg", &format!("sleep {duration} &\nwait"));
    set(
        &server,
        &[
            ("thumb_ffmpeg_enabled", "1"),
            ("thumb_ffmpeg_path", ffmpeg.to_str().unwrap()),
            ("thumb_generator_timeout", "1"),
        ],
    )
    .await;
    upload(
        &server,
        &ann,
        "cloudreve://my/stuck.mp4",
        b"\0\0\0\x18ftypmp42",
    )
    .await;
    let answer = thumb(&server, &ann, "cloudreve://my/stuck.mp4").await;
    assert_eq!(answer["code"], 40077, "{answer}");
    let row = file_row(&server, &ann, "stuck.mp4").await;
    assert_eq!(
        meta(&server, row.id, "thumb:disabled").await.as_deref(),
        Some("")
    );
    let why = meta(&server, row.id, "thumb:error").await.unwrap();
    assert!(
        why.contains("ffmpeg") && why.contains("time limit"),
        "{why}"
    );
    // The forked helper went with the run.
    let mut gone = false;
    for _ in 0..100 {
        if !running(&marker) {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(gone, "the helper outlived the run");

    // Asked again: the answer is the same, and the tool is not run again (a run would show
    // its helper for the whole second of its limit).
    let watch = {
        let marker = marker.clone();
        tokio::spawn(async move {
            let mut seen = false;
            for _ in 0..150 {
                seen |= running(&marker);
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            seen
        })
    };
    let again = thumb(&server, &ann, "cloudreve://my/stuck.mp4").await;
    assert_eq!(again["code"], 40077, "{again}");
    assert!(!watch.await.unwrap(), "the generator was run again");
    // The private reason is not shown to the owner; the public mark is.
    let info = server
        .get_as(
            &format!(
                "/file/info?uri={}&extended=true",
                stratus_tests::query_escape("cloudreve://my/stuck.mp4")
            ),
            &ann.access_token,
        )
        .await;
    let shown = &info["data"]["metadata"];
    assert!(shown.get("thumb:disabled").is_some(), "{info}");
    assert!(shown.get("thumb:error").is_none(), "{info}");
}
