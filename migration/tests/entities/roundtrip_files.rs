//! Round trips of the core tables (nodes, storage policies, groups, users, files, blobs and
//! their links, metadata, shares, direct links, WebDAV accounts, passkeys, tasks, kv, locks,
//! upload sessions, events), then the relations between them resolve.

use chrono::{Duration, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, ModelTrait, PaginatorTrait,
};
use serde_json::json;
use stratus_entity::*;

pub async fn roundtrip_all(db: &DatabaseConnection) {
    // PostgreSQL keeps microseconds; truncate so values compare equal to what was written.
    let now = Utc::now().trunc_subsecs(6);
    let later = now + Duration::hours(1);
    let bits = vec![0b1010_0001u8, 0x00, 0xff];

    let node = roundtrip!(
        db,
        node,
        node::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            status: Set(node::status::ACTIVE.into()),
            name: Set("master".into()),
            r#type: Set(node::kind::MASTER.into()),
            server: Set("http://127.0.0.1:5212".into()),
            slave_key: Set("k".repeat(64)),
            capabilities: Set(bits.clone()),
            settings: Set(json!({"provider": "aria2", "interval": 5})),
            weight: Set(1),
            ..Default::default()
        }
    );
    assert_eq!(node.capabilities, bits);
    assert_eq!(node.created_at, now);

    let policy = roundtrip!(
        db,
        storage_policy,
        storage_policy::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("Default".into()),
            r#type: Set(storage_policy::kind::LOCAL.into()),
            server: Set(String::new()),
            bucket_name: Set(String::new()),
            is_private: Set(true),
            access_key: Set(String::new()),
            secret_key: Set("secret".into()),
            max_size: Set(0),
            dir_name_rule: Set("uploads/{uid}/{path}".into()),
            file_name_rule: Set("{uid}_{randomkey8}_{originname}".into()),
            settings: Set(json!({"chunk_size": 26214400, "pre_allocate": true})),
            node_id: Set(Some(node.id)),
            ..Default::default()
        }
    );
    assert!(policy.is_private);
    assert_eq!(policy.node_id, Some(node.id));

    let group = roundtrip!(
        db,
        group,
        group::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("Admin".into()),
            max_storage: Set(1 << 40),
            speed_limit: Set(0),
            permissions: Set(bits.clone()),
            settings: Set(json!({"source_batch": 1000, "trash_retention": 604800})),
            storage_policy_id: Set(Some(policy.id)),
            ..Default::default()
        }
    );
    assert_eq!(group.max_storage, 1 << 40);

    let user = roundtrip!(
        db,
        user,
        user::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            email: Set("admin@example.com".into()),
            nick: Set("admin".into()),
            password: Set(Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into())),
            status: Set(user::status::ACTIVE.into()),
            storage: Set(5 << 30),
            two_factor_secret: Set(Some("JBSWY3DPEHPK3PXP".into())),
            avatar: Set(Some("gravatar".into())),
            settings: Set(
                json!({"version_retention": true, "pined": [{"uri": "cloudreve://my", "name": "Home"}]})
            ),
            group_id: Set(group.id),
            ..Default::default()
        }
    );
    assert_eq!(
        user.settings["pined"][0]["uri"],
        json!("cloudreve://my"),
        "JSON survives"
    );

    let root = roundtrip!(
        db,
        file,
        file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            r#type: Set(file::kind::FOLDER),
            name: Set(String::new()),
            owner_id: Set(user.id),
            size: Set(0),
            primary_entity: Set(None),
            parent_id: Set(None),
            is_symbolic: Set(false),
            props: Set(None),
            storage_policy_id: Set(None),
            ..Default::default()
        }
    );
    let doc = roundtrip!(
        db,
        file,
        file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(later),
            deleted_at: Set(None),
            r#type: Set(file::kind::FILE),
            name: Set("report.pdf".into()),
            owner_id: Set(user.id),
            size: Set(123_456),
            primary_entity: Set(None),
            parent_id: Set(Some(root.id)),
            is_symbolic: Set(false),
            props: Set(Some(json!({"view": {"layout": "grid"}}))),
            storage_policy_id: Set(Some(policy.id)),
            ..Default::default()
        }
    );
    assert_eq!(doc.updated_at, later);

    let blob = roundtrip!(
        db,
        entity,
        entity::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            r#type: Set(entity::kind::VERSION),
            source: Set("uploads/1/report.pdf".into()),
            size: Set(123_456),
            reference_count: Set(1),
            storage_policy_id: Set(policy.id),
            created_by: Set(Some(user.id)),
            upload_session_id: Set(Some("0b9f3a2e-2f1c-4c50-9a47-0f0a4c1e5d11".into())),
            recycle_options: Set(Some(json!({"unlink_only": false}))),
            ..Default::default()
        }
    );
    let mut doc_am: file::ActiveModel = doc.clone().into();
    doc_am.primary_entity = Set(Some(blob.id));
    let doc = doc_am.update(db).await.unwrap();
    assert_eq!(doc.primary_entity, Some(blob.id));
    assert!(
        doc.updated_at > later - Duration::hours(2),
        "update bumps updated_at"
    );

    let link = file_entity::ActiveModel {
        file_id: Set(doc.id),
        entity_id: Set(blob.id),
    }
    .insert(db)
    .await
    .expect("insert file_entity");
    let found = file_entity::Entity::find_by_id((doc.id, blob.id))
        .one(db)
        .await
        .unwrap()
        .expect("file_entity row");
    assert_eq!(link, found);

    let meta = roundtrip!(
        db,
        metadata,
        metadata::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set("sys:shared_redirect".into()),
            value: Set("cloudreve://x@share".into()),
            file_id: Set(doc.id),
            is_public: Set(true),
            ..Default::default()
        }
    );
    assert!(meta.is_public);

    let share = roundtrip!(
        db,
        share,
        share::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            password: Set(Some("abcdefgh".into())),
            views: Set(3),
            downloads: Set(1),
            expires: Set(Some(later)),
            remain_downloads: Set(Some(9)),
            props: Set(Some(json!({"share_view": true}))),
            file_id: Set(doc.id),
            user_id: Set(user.id),
            upload_only: Set(true),
            upload_limit: Set(Some(1 << 20)),
            uploaded: Set(42),
            ..Default::default()
        }
    );
    assert_eq!(share.expires, Some(later));

    roundtrip!(
        db,
        direct_link,
        direct_link::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("report.pdf".into()),
            downloads: Set(0),
            file_id: Set(doc.id),
            speed: Set(1 << 20),
            ..Default::default()
        }
    );

    let dav = roundtrip!(
        db,
        dav_account,
        dav_account::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            name: Set("laptop".into()),
            uri: Set("cloudreve://my/Documents".into()),
            password: Set("p4ssw0rd".into()),
            options: Set(vec![0b11]),
            props: Set(None),
            owner_id: Set(user.id),
            ..Default::default()
        }
    );
    assert_eq!(dav.options, vec![0b11]);

    roundtrip!(
        db,
        passkey,
        passkey::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            user_id: Set(user.id),
            credential_id: Set("AAECAwQ=".into()),
            name: Set("YubiKey".into()),
            credential: Set(r#"{"id":"AAECAwQ="}"#.into()),
            used_at: Set(Some(now)),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        task,
        task::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            r#type: Set("create_archive".into()),
            status: Set(task::status::QUEUED.into()),
            public_state: Set(json!({"retry_count": 0})),
            private_state: Set(r#"{"uris":[]}"#.into()),
            correlation_id: Set(Some("corr-1".into())),
            user_id: Set(Some(user.id)),
            claimed_by: Set(Some("instance-a".into())),
            run_at: Set(Some(later)),
            queue: Set("io_intense".into()),
            lease_until: Set(Some(later)),
            progress: Set(r#"{"archive_count":{"total":2,"current":1}}"#.into()),
            log: Set("started\n".into()),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        kv,
        kv::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            key: Set("captcha:abc".into()),
            kind: Set("captcha".into()),
            value: Set("1234".into()),
            expires_at: Set(Some(later)),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        lock,
        lock::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            token: Set("opaquelocktoken:6f1c".into()),
            owner_id: Set(user.id),
            file_id: Set(Some(doc.id)),
            uri: Set("/report.pdf".into()),
            depth: Set(lock::depth::INFINITY),
            scope: Set(lock::scope::EXCLUSIVE.into()),
            owner_info: Set(Some("<D:href>me</D:href>".into())),
            expires_at: Set(later),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        upload_session,
        upload_session::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            session_id: Set("0b9f3a2e-2f1c-4c50-9a47-0f0a4c1e5d11".into()),
            user_id: Set(user.id),
            file_id: Set(Some(doc.id)),
            entity_id: Set(Some(blob.id)),
            uri: Set("cloudreve://my/report.pdf".into()),
            size: Set(123_456),
            chunk_size: Set(26_214_400),
            storage_policy_id: Set(policy.id),
            props: Set(json!({"chunks": [true, false]})),
            expires_at: Set(later),
            ..Default::default()
        }
    );

    roundtrip!(
        db,
        event,
        event::ActiveModel {
            r#type: Set(5),
            user_id: Set(Some(user.id)),
            ip: Set(Some("203.0.113.9".into())),
            user_agent: Set(Some("curl/8".into())),
            correlation_id: Set(Some("corr-1".into())),
            content: Set(Some(json!({"ok": true}))),
            created_at: Set(now),
            ..Default::default()
        }
    );

    crate::roundtrip_features::roundtrip(db, &user, &root, &doc, &blob, &node).await;

    // Relations resolve.
    assert_eq!(
        user.find_related(group::Entity).one(db).await.unwrap(),
        Some(group.clone())
    );
    assert_eq!(group.find_related(user::Entity).count(db).await.unwrap(), 1);
    assert_eq!(
        doc.find_related(entity::Entity).all(db).await.unwrap(),
        vec![blob.clone()]
    );
    assert_eq!(
        blob.find_related(file::Entity).all(db).await.unwrap(),
        vec![doc.clone()]
    );
    assert_eq!(
        policy.find_related(node::Entity).one(db).await.unwrap(),
        Some(node.clone())
    );
    assert_eq!(
        doc.find_related(metadata::Entity).count(db).await.unwrap(),
        1
    );

    crate::constraints::constraints(db, &user, &root, &doc).await;
}
