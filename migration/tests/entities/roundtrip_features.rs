//! Round trips of the settings, snapshot, backup, notification, node health, file change, OAuth
//! and account security tables.

use chrono::{Duration, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde_json::json;
use stratus_entity::*;

pub async fn roundtrip(
    db: &DatabaseConnection,
    user: &user::Model,
    root: &file::Model,
    doc: &file::Model,
    blob: &entity::Model,
    slave: &node::Model,
) {
    let now = Utc::now().trunc_subsecs(6);
    let later = now + Duration::days(1);
    let schedule = roundtrip!(
        db,
        snapshot_schedule,
        snapshot_schedule::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            owner_id: Set(user.id),
            root_file_id: Set(root.id),
            uri: Set("cloudreve://my".into()),
            every: Set("@daily".into()),
            keep: Set(7),
            last_taken_at: Set(Some(now)),
            ..Default::default()
        }
    );
    let snap = roundtrip!(
        db,
        snapshot,
        snapshot::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            owner_id: Set(user.id),
            root_file_id: Set(root.id),
            uri: Set("cloudreve://my".into()),
            name: Set("nightly-1".into()),
            description: Set("before the upgrade".into()),
            status: Set(snapshot::status::COMPLETED.into()),
            files: Set(1),
            folders: Set(1),
            size: Set(blob.size),
            schedule_id: Set(Some(schedule.id)),
            error: Set(None),
            ..Default::default()
        }
    );
    let snap_node = snapshot_node::ActiveModel {
        snapshot_id: Set(snap.id),
        node_id: Set(doc.id),
        parent_node_id: Set(Some(root.id)),
        r#type: Set(file::kind::FILE),
        name: Set(doc.name.clone()),
        size: Set(doc.size),
        entity_id: Set(Some(blob.id)),
        created_at: Set(now),
        updated_at: Set(now),
        metadata: Set(Some(json!({"tag:red": ""}))),
    }
    .insert(db)
    .await
    .expect("insert snapshot node");
    assert_eq!(
        snapshot_node::Entity::find_by_id((snap.id, doc.id))
            .one(db)
            .await
            .unwrap(),
        Some(snap_node)
    );
    let target = roundtrip!(
        db,
        backup_target,
        backup_target::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set("nas".into()),
            r#type: Set(backup_target::kind::LOCAL.into()),
            settings: Set(json!({"path": "/mnt/backup"})),
            starred: Set(true),
            ..Default::default()
        }
    );

    let backup_task = roundtrip!(
        db,
        backup_task,
        backup_task::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set("nightly".into()),
            kind: Set(backup_task::kind::FOLDER.into()),
            source: Set(json!({"user_id": user.id, "uri": "cloudreve://my/docs"})),
            target_id: Set(target.id),
            schedule: Set("@daily".into()),
            keep_last: Set(7),
            keep_days: Set(30),
            enabled: Set(true),
            encrypt: Set(false),
            recipient: Set(None),
            last_run_at: Set(Some(now)),
            next_run_at: Set(Some(later)),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        backup_record,
        backup_record::ActiveModel {
            created_at: Set(now),
            task_id: Set(Some(backup_task.id)),
            target_id: Set(target.id),
            status: Set(backup_record::status::COMPLETED.into()),
            trigger: Set(backup_record::trigger::SCHEDULE.into()),
            files: Set(3),
            size: Set(4096),
            new_bytes: Set(1024),
            started_at: Set(Some(now)),
            finished_at: Set(Some(later)),
            error: Set(None),
            log: Set("copied 3 blobs\n".into()),
            name: Set("20261126T040000Z-1".into()),
            queue_task_id: Set(None),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        notification_channel,
        notification_channel::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set("ops".into()),
            r#type: Set(notification_channel::kind::WEBHOOK.into()),
            settings: Set(json!({"url": "https://hooks.example/x", "secret": "s"})),
            events: Set(json!(["backup_failed", "node_down"])),
            enabled: Set(true),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        node_health,
        node_health::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            node_id: Set(slave.id),
            alive: Set(false),
            failures: Set(2),
            last_seen_at: Set(Some(now)),
            last_error: Set(Some("connection refused".into())),
            checked_at: Set(Some(later)),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        fs_change,
        fs_change::ActiveModel {
            owner_id: Set(user.id),
            file_id: Set(doc.id),
            kind: Set(fs_change::kind::RENAME),
            from_path: Set("/Docs/a.txt".into()),
            to_path: Set(Some("/Docs/b.txt".into())),
            is_folder: Set(false),
            client_id: Set(Some("6f1c3c1e-3f0a-4d7e-9a59-0a1b2c3d4e5f".into())),
            created_at: Set(now),
            ..Default::default()
        }
    );
    roundtrip!(
        db,
        fs_subscription,
        fs_subscription::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(user.id),
            folder_id: Set(root.id),
            client_id: Set("6f1c3c1e-3f0a-4d7e-9a59-0a1b2c3d4e5f".into()),
            cursor_id: Set(42),
            last_seen_at: Set(later),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        setting,
        setting::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set("siteName".into()),
            value: Set("Stratus".into()),
            ..Default::default()
        }
    );
    let client = roundtrip!(
        db,
        oauth_client,
        oauth_client::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            guid: Set("5b1f6c1e-0000-4000-8000-000000000001".into()),
            secret: Set("s".repeat(32)),
            name: Set("Notes".into()),
            homepage_url: Set(Some("https://notes.example".into())),
            redirect_uris: Set(json!(["https://notes.example/cb"])),
            scopes: Set(json!(["openid", "Files.Read"])),
            props: Set(json!({"icon": "/i.svg", "refresh_token_ttl": 0})),
            is_enabled: Set(true),
            ..Default::default()
        }
    );
    roundtrip!(
        db,
        oauth_grant,
        oauth_grant::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(user.id),
            client_id: Set(client.id),
            scopes: Set(json!(["openid"])),
            last_used_at: Set(Some(later)),
            ..Default::default()
        }
    );
    roundtrip!(
        db,
        two_fa_recovery_code,
        two_fa_recovery_code::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(user.id),
            selector: Set("abcd".into()),
            digest: Set("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            ..Default::default()
        }
    );
    roundtrip!(
        db,
        user_session,
        user_session::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(user.id),
            root: Set("5b1f6c1e-0000-4000-8000-000000000002".into()),
            user_agent: Set(Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".into())),
            ip: Set(Some("127.0.0.1".into())),
            last_used_at: Set(later),
            ..Default::default()
        }
    );
    roundtrip!(
        db,
        app_password,
        app_password::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(user.id),
            name: Set("Nextcloud desktop (Linux)".into()),
            token_hash: Set("ab".repeat(32)),
            last_used_at: Set(Some(later)),
            ..Default::default()
        }
    );
}
