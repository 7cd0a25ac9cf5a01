//! Uniqueness, foreign keys, cascades and database-side defaults the server relies on.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, ModelTrait, PaginatorTrait, QueryFilter,
};
use stratus_entity::*;

/// Uniqueness and foreign-key behaviour the server relies on.
pub async fn constraints(
    db: &DatabaseConnection,
    user: &user::Model,
    root: &file::Model,
    doc: &file::Model,
) {
    let sibling = |name: &str| file::ActiveModel {
        r#type: Set(file::kind::FILE),
        name: Set(name.into()),
        owner_id: Set(user.id),
        size: Set(0),
        primary_entity: Set(None),
        parent_id: Set(Some(root.id)),
        is_symbolic: Set(false),
        props: Set(None),
        storage_policy_id: Set(None),
        ..Default::default()
    };
    // (parent_id, name) is unique ...
    assert!(sibling(&doc.name).insert(db).await.is_err());
    // ... but NULL parents (roots, trash) do not collide.
    for _ in 0..2 {
        file::ActiveModel {
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
        .insert(db)
        .await
        .expect("second NULL-parent folder");
    }

    // The timestamp hook fills created_at/updated_at; DB defaults fill the rest.
    let other = sibling("other.txt").insert(db).await.unwrap();
    assert_eq!(other.created_at, other.updated_at);
    assert!(other.created_at > Utc::now() - Duration::minutes(5));

    // Rows written without the ORM get DB-side timestamps that the entities can decode.
    db.execute_unprepared("INSERT INTO kv (key, kind, value) VALUES ('raw', 'test', 'v')")
        .await
        .unwrap();
    let raw = kv::Entity::find()
        .filter(kv::Column::Key.eq("raw"))
        .one(db)
        .await
        .unwrap()
        .expect("raw kv row");
    assert!(raw.created_at > Utc::now() - Duration::minutes(5));
    assert_eq!(raw.expires_at, None);

    // A folder with children cannot be deleted.
    assert!(root.clone().delete(db).await.is_err());

    // Deleting a file cascades to its links, metadata, shares and direct links.
    doc.clone().delete(db).await.expect("delete file");
    assert_eq!(file_entity::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(metadata::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(share::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(direct_link::Entity::find().count(db).await.unwrap(), 0);
    // The blob itself stays (reference counting is the server's job).
    assert_eq!(entity::Entity::find().count(db).await.unwrap(), 1);
}
