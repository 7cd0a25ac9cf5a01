//! GETs of small files through `/dav`: the version is read with the path and the bytes are
//! read whole before the answer goes out; headers, ranges, HEAD and a new version still behave.

use super::{dav, password, setup};

const ANN: &str = "ann@example.com";

#[tokio::test]
async fn small_files_are_served_whole() {
    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let data: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    let put = dav(&server, "PUT", "/s.bin", ANN, &pw)
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);

    let got = dav(&server, "GET", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-length"], "4096");
    assert!(got.headers().contains_key("etag"));
    assert!(got.headers().contains_key("last-modified"));
    assert_eq!(got.bytes().await.unwrap(), data);
    let head = dav(&server, "HEAD", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], "4096");
    let part = dav(&server, "GET", "/s.bin", ANN, &pw)
        .header("Range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), data[10..20]);

    // A new version is what the next GET serves.
    let newer = vec![7u8; 1000];
    let put = dav(&server, "PUT", "/s.bin", ANN, &pw)
        .body(newer.clone())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let got = dav(&server, "GET", "/s.bin", ANN, &pw)
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap(), newer);
}

/// The path lookup of a WebDAV request reads SQLite in the request's own thread: a file's row
/// and its version's row read that way are the rows the pool reads, every column alike (times,
/// JSON, nullable ids), and a time bound as a parameter compares as the stored ones do. On
/// PostgreSQL nothing is read that way.
#[tokio::test]
async fn rows_read_in_the_thread_are_the_rows_the_pool_reads() {
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbBackend, EntityTrait, QueryFilter,
        Statement,
    };
    use stratus_entity::{entity, file};
    use stratus_server::db::inline_read;

    let (server, ann) = setup().await;
    let pw = password(&server, &ann, "cloudreve://my").await;
    let put = dav(&server, "PUT", "/t.bin", ANN, &pw)
        .body(vec![1u8; 100])
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let db = &server.state.db;
    let row = file::Entity::find()
        .filter(file::Column::Name.eq("t.bin"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    // Every kind of column filled, nullable ones included.
    let mut active: file::ActiveModel = row.into();
    active.props = Set(Some(serde_json::json!({"view": {"layout": "grid"}})));
    active.deleted_at = Set(Some(chrono::Utc::now()));
    let row = active.update(db).await.unwrap();
    let version = entity::Entity::find_by_id(row.primary_entity.unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();

    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let backend = db.get_database_backend();
    let files = Statement::from_sql_and_values(
        backend,
        if sqlite {
            "SELECT * FROM files WHERE id = ? AND created_at <= ?"
        } else {
            "SELECT * FROM files WHERE id = $1 AND created_at <= $2"
        },
        [row.id.into(), chrono::Utc::now().into()],
    );
    let fields = inline_read::Fields::<file::Entity>::new("");
    let read = inline_read::query(db, &files, |r| fields.read(r));
    if !sqlite {
        assert!(read.is_none());
        return;
    }
    assert_eq!(read, Some(vec![row.clone()]));
    let versions = Statement::from_sql_and_values(
        backend,
        "SELECT * FROM entities WHERE id = ?",
        [version.id.into()],
    );
    let fields = inline_read::Fields::<entity::Entity>::new("");
    let read = inline_read::query(db, &versions, |r| fields.read(r));
    assert_eq!(read, Some(vec![version]));
}
