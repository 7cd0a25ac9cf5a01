//! A file's rows in the index: `fts_docs` (state, reason, capped text) through the entity,
//! `fts_terms` (the pre-tokenized terms) through raw statements in the dialect's engine.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    Set, Statement,
};
use stratus_entity::fts_doc;

/// Bytes of distinct terms stored per file (PostgreSQL refuses a `tsvector` over 1 MiB).
pub const MAX_TERM_BYTES: usize = 512 << 10;

/// What extraction gave for one version.
pub enum Outcome {
    /// The text (already capped) and its space-separated terms.
    Indexed { text: String, terms: String },
    /// Why there is no text.
    Failed(String),
}

/// Replaces the rows of `file_id` with `outcome` for version `entity_id`.
pub async fn put(
    conn: &impl ConnectionTrait,
    file_id: i64,
    owner_id: i64,
    entity_id: i64,
    outcome: Outcome,
) -> Result<(), DbErr> {
    drop_terms(conn, file_id).await?;
    let (status, reason, body, terms) = match outcome {
        Outcome::Indexed { text, terms } => (fts_doc::status::INDEXED, None, text, Some(terms)),
        Outcome::Failed(reason) => (fts_doc::status::FAILED, Some(reason), String::new(), None),
    };
    let now = Utc::now();
    match fts_doc::Entity::find()
        .filter(fts_doc::Column::FileId.eq(file_id))
        .one(conn)
        .await?
    {
        Some(row) => {
            let mut row: fts_doc::ActiveModel = row.into();
            row.owner_id = Set(owner_id);
            row.entity_id = Set(entity_id);
            row.status = Set(status);
            row.reason = Set(reason);
            row.body = Set(body);
            row.updated_at = Set(now);
            row.update(conn).await?;
        }
        None => {
            fts_doc::ActiveModel {
                created_at: Set(now),
                updated_at: Set(now),
                file_id: Set(file_id),
                owner_id: Set(owner_id),
                entity_id: Set(entity_id),
                status: Set(status),
                reason: Set(reason),
                body: Set(body),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    if let Some(terms) = terms.filter(|t| !t.is_empty()) {
        insert_terms(conn, file_id, &terms).await?;
    }
    Ok(())
}

/// Replaces the terms of `file_id` (its row stays: a rename changes the name's words only).
pub async fn replace_terms(
    conn: &impl ConnectionTrait,
    file_id: i64,
    terms: &str,
) -> Result<(), DbErr> {
    drop_terms(conn, file_id).await?;
    if terms.is_empty() {
        return Ok(());
    }
    insert_terms(conn, file_id, terms).await
}

async fn insert_terms(conn: &impl ConnectionTrait, file_id: i64, terms: &str) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let stmt = if backend == DbBackend::Postgres {
        // The tsvector's input syntax takes the lexemes as they are: quoted, never normalized
        // again (tokens hold letters and digits only, so no quote needs escaping).
        let lexemes: Vec<String> = terms.split(' ').map(|t| format!("'{t}'")).collect();
        Statement::from_sql_and_values(
            backend,
            "INSERT INTO fts_terms (file_id, terms) VALUES ($1, CAST($2 AS tsvector))",
            [file_id.into(), lexemes.join(" ").into()],
        )
    } else {
        Statement::from_sql_and_values(
            backend,
            "INSERT INTO fts_terms (rowid, terms) VALUES (?, ?)",
            [file_id.into(), terms.into()],
        )
    };
    conn.execute_raw(stmt).await.map(|_| ())
}

async fn drop_terms(conn: &impl ConnectionTrait, file_id: i64) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let sql = if backend == DbBackend::Postgres {
        "DELETE FROM fts_terms WHERE file_id = $1"
    } else {
        "DELETE FROM fts_terms WHERE rowid = ?"
    };
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [file_id.into()],
    ))
    .await
    .map(|_| ())
}

/// Empties the whole index (the first phase of a rebuild).
pub async fn clear(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    conn.execute_unprepared("DELETE FROM fts_terms").await?;
    fts_doc::Entity::delete_many().exec(conn).await?;
    Ok(())
}
