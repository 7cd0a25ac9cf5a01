//! The sandbox's time limit: a generator that hangs is killed, the file shows its icon (the
//! "no thumbnail" answer) and is not tried again for that version.

use super::{file_row, meta, script, set, setup, thumb, upload};

#[tokio::test]
async fn a_hanging_generator_is_killed_at_its_limit_and_not_run_again() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let pids = dir.path().join("pids");
    // Stands in for ffmpeg: notes each run and the pid of a helper it forks, then hangs.
    let ffmpeg = script(
        dir.path(),
        "ffmpeg",
        &format!(
            "echo run >> {runs}\nsleep 600 &\necho $! >> {pids}\nwait",
            runs = runs.display(),
            pids = pids.display()
        ),
    );
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
    // The forked helper went with the tool's process group.
    let pid = std::fs::read_to_string(&pids).unwrap();
    let stat = format!("/proc/{}/stat", pid.trim());
    let mut gone = false;
    for _ in 0..100 {
        let state = std::fs::read_to_string(&stat).unwrap_or_default();
        if state.is_empty() || state.contains(") Z ") {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(gone, "the helper {pid} outlived the run");

    // Asked again: the answer is the same, and the tool is not run again.
    let again = thumb(&server, &ann, "cloudreve://my/stuck.mp4").await;
    assert_eq!(again["code"], 40077, "{again}");
    assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 1);
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
