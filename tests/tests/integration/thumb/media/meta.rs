//! The `media_meta` task on audio and video: a song's tags become `music:*` keys (in
//! process), a clip's container and streams `stream:*` keys (ffprobe, switched on here).

use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use stratus_entity::task::{self, status};
use stratus_tests::{Session, TestServer, query_escape};

use super::{set, setup, song, upload, video};

/// Waits (bounded) until `n` `media_meta` tasks have completed.
async fn completed(server: &TestServer, n: usize) {
    for _ in 0..1200 {
        let done = task::Entity::find()
            .filter(task::Column::Type.eq("media_meta"))
            .filter(task::Column::Status.eq(status::COMPLETED))
            .all(&server.state.db)
            .await
            .unwrap();
        if done.len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{n} media_meta task(s) never completed");
}

/// The public metadata of `uri` whose key starts with `prefix`.
async fn keys(server: &TestServer, s: &Session, uri: &str, prefix: &str) -> Vec<(String, Value)> {
    let info = server
        .get_as(
            &format!("/file/info?uri={}", query_escape(uri)),
            &s.access_token,
        )
        .await;
    assert_eq!(info["code"], 0, "{info}");
    let mut out: Vec<(String, Value)> = info["data"]["metadata"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn get<'a>(keys: &'a [(String, Value)], key: &str) -> &'a str {
    keys.iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {keys:?}"))
}

#[tokio::test]
async fn tags_and_streams_become_music_and_stream_keys() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    set(&server, &[("media_meta_ffprobe", "1")]).await;
    upload(&server, &ann, "cloudreve://my/song.mp3", &song(dir.path())).await;
    upload(&server, &ann, "cloudreve://my/clip.mp4", &video(dir.path())).await;
    completed(&server, 2).await;

    let music = keys(&server, &ann, "cloudreve://my/song.mp3", "music:").await;
    assert_eq!(get(&music, "music:title"), "Tiny Song");
    assert_eq!(get(&music, "music:artist"), "The Testers");
    assert_eq!(get(&music, "music:album"), "Fixtures");
    assert_eq!(get(&music, "music:year"), "2024");
    assert_eq!(get(&music, "music:track"), "3");
    let secs: f64 = get(&music, "music:duration").parse().unwrap();
    assert!((0.9..1.2).contains(&secs), "{secs}");

    let song_streams = keys(&server, &ann, "cloudreve://my/song.mp3", "stream:").await;
    assert_eq!(get(&song_streams, "stream:format"), "mp3");
    let clip = keys(&server, &ann, "cloudreve://my/clip.mp4", "stream:").await;
    assert!(get(&clip, "stream:format").contains("mp4"), "{clip:?}");
    let secs: f64 = get(&clip, "stream:duration").parse().unwrap();
    assert!((0.9..1.2).contains(&secs), "{secs}");
    assert!(get(&clip, "stream:bitrate").parse::<u64>().unwrap() > 0);
    let streams: Value = serde_json::from_str(get(&clip, "stream:streams")).unwrap();
    assert_eq!(streams[0]["codec_type"], "video");
    assert_eq!(streams[0]["codec_name"], "h264");
    assert_eq!(
        (streams[0]["width"].as_i64(), streams[0]["height"].as_i64()),
        (Some(64), Some(64))
    );
    // A video has no music keys.
    assert!(
        keys(&server, &ann, "cloudreve://my/clip.mp4", "music:")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_settings_switch_each_reader() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    // ffprobe is off by default and the music tags are switched off here: nothing to read.
    set(&server, &[("media_meta_music", "0")]).await;
    upload(&server, &ann, "cloudreve://my/song.mp3", &song(dir.path())).await;
    let queued = task::Entity::find()
        .filter(task::Column::Type.eq("media_meta"))
        .all(&server.state.db)
        .await
        .unwrap();
    assert!(queued.is_empty(), "{queued:?}");
    // Tags on, under a size limit the song is over: the task reads nothing.
    set(
        &server,
        &[
            ("media_meta_music", "1"),
            ("media_meta_music_size_local", "100"),
        ],
    )
    .await;
    upload(&server, &ann, "cloudreve://my/again.mp3", &song(dir.path())).await;
    completed(&server, 1).await;
    assert!(
        keys(&server, &ann, "cloudreve://my/again.mp3", "music:")
            .await
            .is_empty()
    );
}

/// The `media_meta` task of `file`, once it has completed.
async fn task_of(server: &TestServer, file: &str) -> task::Model {
    completed(server, 1).await;
    task::Entity::find()
        .filter(task::Column::Type.eq("media_meta"))
        .all(&server.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.public_state.to_string().contains(file))
        .unwrap_or_else(|| panic!("no media_meta task for {file}"))
}

#[tokio::test]
async fn ffprobe_limits_are_settings_and_a_low_one_skips_the_file_with_its_reason() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    // Stands in for ffprobe: with the limits it should get, it takes longer than it is
    // given; with others it says what it got (it runs confined and cannot leave a note).
    let ffprobe = super::script(
        dir.path(),
        "ffprobe",
        "case \"$*\" in\n*'-probesize 4096 -analyzeduration 2000000'*) sleep 30 ;;\n\
         *) echo \"given: $*\" >&2; exit 3 ;;\nesac",
    );
    set(
        &server,
        &[
            ("media_meta_ffprobe", "1"),
            ("media_meta_ffprobe_path", ffprobe.to_str().unwrap()),
            ("media_meta_ffprobe_timeout", "1"),
            ("media_meta_ffprobe_probe_size", "4096"),
            ("media_meta_ffprobe_analyze_duration", "2"),
        ],
    )
    .await;
    upload(&server, &ann, "cloudreve://my/slow.mp4", &video(dir.path())).await;
    let run = task_of(&server, "slow.mp4").await;
    assert!(
        run.log.contains("ffprobe") && run.log.contains("time limit"),
        "{}",
        run.log
    );
    assert!(
        keys(&server, &ann, "cloudreve://my/slow.mp4", "stream:")
            .await
            .is_empty()
    );

    // The console refuses a limit out of its range and keeps the one set.
    let boss = crate::admin::admin(&server, "boss@example.com").await;
    for bad in [
        ("media_meta_ffprobe_timeout", "0"),
        ("media_meta_ffprobe_max_memory", "1024"),
        ("media_meta_ffprobe_probe_size", "big"),
    ] {
        let answer = crate::admin::call(
            &server,
            Some(&boss),
            reqwest::Method::PATCH,
            "/admin/settings",
            Some(serde_json::json!({"settings": {bad.0: bad.1}})),
        )
        .await;
        assert_ne!(answer["code"], 0, "{bad:?}: {answer}");
        assert!(answer["msg"].as_str().unwrap().contains(bad.0), "{answer}");
    }
    let timeout = server
        .state
        .settings
        .get("media_meta_ffprobe_timeout")
        .await;
    assert_eq!(timeout.unwrap(), "1");
}

/// Switching ffprobe on reads the videos stored while it was off (a backfill task with
/// progress), not only the next uploads.
#[tokio::test]
async fn turning_ffprobe_on_reads_the_videos_already_stored() {
    let (server, ann) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    upload(&server, &ann, "cloudreve://my/old.mp4", &video(dir.path())).await;
    assert!(
        keys(&server, &ann, "cloudreve://my/old.mp4", "stream:")
            .await
            .is_empty()
    );
    let boss = crate::admin::admin(&server, "boss@example.com").await;
    let saved = crate::admin::call(
        &server,
        Some(&boss),
        reqwest::Method::PATCH,
        "/admin/settings",
        Some(serde_json::json!({"settings": {"media_meta_ffprobe": "1"}})),
    )
    .await;
    assert_eq!(saved["code"], 0, "{saved}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let clip = loop {
        let clip = keys(&server, &ann, "cloudreve://my/old.mp4", "stream:").await;
        if !clip.is_empty() {
            break clip;
        }
        assert!(tokio::time::Instant::now() < deadline, "never read");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(get(&clip, "stream:format").contains("mp4"), "{clip:?}");
    let backfill = task::Entity::find()
        .filter(task::Column::Type.eq("media_meta_backfill"))
        .one(&server.state.db)
        .await
        .unwrap()
        .expect("a backfill task");
    let exts = serde_json::from_str::<Value>(&backfill.private_state).unwrap()["exts"].clone();
    assert!(
        exts.as_array().unwrap().iter().any(|e| e == "mp4"),
        "{exts}"
    );
}
