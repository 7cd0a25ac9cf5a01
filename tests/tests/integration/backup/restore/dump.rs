//! `backup::dump`: export a server's database, import it into fresh SQLite and PostgreSQL
//! databases, and find every row again.

use std::io::{BufRead, BufReader};

use flate2::read::GzDecoder;
use serde_json::Value;
use stratus_server::backup::dump;
use stratus_tests::pg;

use super::*;

/// The rows of a dump, `(table, row)` in dump order.
fn rows_of(dump: &[u8]) -> Vec<(String, Value)> {
    let lines = BufReader::new(GzDecoder::new(dump)).lines();
    let mut rows = Vec::new();
    for line in lines.skip(1) {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        if v.get("end").is_some() {
            break;
        }
        rows.push((v["table"].as_str().unwrap().to_owned(), v["row"].clone()));
    }
    rows
}

/// Same JSON, except that times may differ below a microsecond (PostgreSQL keeps microseconds,
/// SQLite the nanoseconds it was given).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            match (
                chrono::DateTime::parse_from_rfc3339(x),
                chrono::DateTime::parse_from_rfc3339(y),
            ) {
                (Ok(x), Ok(y)) => (x - y).num_nanoseconds().unwrap().abs() < 1000,
                _ => x == y,
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

fn assert_same_rows(expected: &[(String, Value)], got: &[(String, Value)], what: &str) {
    assert_eq!(expected.len(), got.len(), "{what}: row count");
    for ((t1, r1), (t2, r2)) in expected.iter().zip(got) {
        assert_eq!(t1, t2, "{what}");
        assert!(same(r1, r2), "{what}: {t1} row differs:\n{r1}\n{r2}");
    }
}

async fn export(db: &sea_orm::DatabaseConnection) -> Vec<u8> {
    let mut out = Vec::new();
    dump::export(db, &mut out).await.unwrap();
    out
}

/// Imports `bytes` into a fresh database at `url`; returns the database's own export.
async fn import_into(url: &str, bytes: &[u8]) -> Vec<u8> {
    let db = stratus_server::db::connect(url, 2).await.unwrap();
    let summary = dump::import(&db, bytes).await.unwrap();
    assert!(summary.rows > 0);
    // A second import is refused: the database is no longer empty.
    let again = dump::import(&db, bytes).await.unwrap_err();
    assert!(matches!(again, dump::DumpError::NotEmpty(_)), "{again}");
    let out = export(&db).await;
    db.close().await.unwrap();
    out
}

#[tokio::test]
async fn a_dump_imports_into_sqlite_and_postgresql_row_for_row() {
    let server = TestServer::start().await;
    populate(&server, 1).await;
    let source = export(&server.state.db).await;
    let expected = rows_of(&source);
    for table in [
        "users",
        "files",
        "entities",
        "file_entities",
        "shares",
        "settings",
    ] {
        assert!(
            expected.iter().any(|(t, _)| t == table),
            "no row of {table} in the dump"
        );
    }
    // Every table of the schema is in the dump.
    let header: dump::Header = serde_json::from_str(
        &BufReader::new(GzDecoder::new(&source[..]))
            .lines()
            .next()
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header.tables, dump::table_names());
    assert!(!header.migrations.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("copy.db").display());
    let in_sqlite = import_into(&sqlite, &source).await;
    assert_same_rows(&expected, &rows_of(&in_sqlite), "into SQLite");

    if let Some(url) = pg::test_database_url().await {
        let in_pg = import_into(&url, &source).await;
        assert_same_rows(&expected, &rows_of(&in_pg), "into PostgreSQL");
        // SQLite → PostgreSQL: the SQLite copy's own dump.
        let url = pg::test_database_url().await.unwrap();
        let via_sqlite = import_into(&url, &in_sqlite).await;
        assert_same_rows(&expected, &rows_of(&via_sqlite), "SQLite into PostgreSQL");
        // New rows after an import get fresh ids (the sequences moved on).
        let db = stratus_server::db::connect(&url, 2).await.unwrap();
        stratus_server::users::create(&db, "new@example.com", PW, 2)
            .await
            .unwrap();
        db.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_cut_dump_imports_nothing() {
    let server = TestServer::start().await;
    populate(&server, 1).await;
    let source = export(&server.state.db).await;
    // The uncompressed dump without its last lines, compressed again.
    let text: Vec<String> = BufReader::new(GzDecoder::new(&source[..]))
        .lines()
        .map(Result::unwrap)
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for line in &text[..text.len() - 3] {
        std::io::Write::write_all(&mut gz, format!("{line}\n").as_bytes()).unwrap();
    }
    let cut = gz.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = match pg::test_database_url().await {
        Some(url) => url,
        None => format!("sqlite://{}?mode=rwc", dir.path().join("cut.db").display()),
    };
    let db = stratus_server::db::connect(&url, 2).await.unwrap();
    let err = dump::import(&db, &cut[..]).await.unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
    // Nothing stayed: the whole dump imports afterwards.
    dump::import(&db, &source[..]).await.unwrap();
    db.close().await.unwrap();
}

#[tokio::test]
async fn stratus_db_export_and_import_move_a_database() {
    let server = TestServer::start().await;
    populate(&server, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dump.jsonl.gz");
    let data = dir.path().join("data").display().to_string();
    let export_args: Vec<String> = vec![
        "--data-dir".into(),
        data.clone(),
        "--database-url".into(),
        server.database_url.clone(),
        "db".into(),
        "export".into(),
        file.display().to_string(),
    ];
    let (ok, out) = super::disaster::run_cli(&export_args);
    assert!(ok, "{out}");
    // The server keeps running, so the file itself is what the import must reproduce.
    let expected = rows_of(&std::fs::read(&file).unwrap());
    assert!(expected.iter().any(|(t, _)| t == "files"));
    let url = match pg::test_database_url().await {
        Some(url) => url,
        None => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("moved.db").display()
        ),
    };
    let import_args: Vec<String> = vec![
        "--data-dir".into(),
        data,
        "--database-url".into(),
        url.clone(),
        "db".into(),
        "import".into(),
        file.display().to_string(),
    ];
    let (ok, out) = super::disaster::run_cli(&import_args);
    assert!(ok, "{out}");
    assert!(out.contains("rows imported"), "{out}");
    let db = stratus_server::db::connect(&url, 2).await.unwrap();
    assert_same_rows(&expected, &rows_of(&export(&db).await), "db import");
    db.close().await.unwrap();
    // A second import into the same database is refused.
    let (ok, out) = super::disaster::run_cli(&import_args);
    assert!(!ok && out.contains("not empty"), "{out}");
}
