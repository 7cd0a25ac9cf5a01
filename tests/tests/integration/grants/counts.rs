//! What a recipient's listings cost: `shared_with_me` with 1,000 grants and a granted folder
//! of 10,000 files take as many statements as with a few, and a granted folder as many as the
//! owner's own listing of it plus the grant check.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};
use stratus_entity::{file, file_grant};
use stratus_tests::{Session, TestServer, query_escape};

use super::{People, setup};
use crate::download::uid;

/// Rows inserted per statement.
const BATCH: usize = 500;

/// `count` empty files (or folders) named `<prefix><n>` in `parent_id`, owned by `owner`;
/// their ids.
pub(super) async fn insert_rows(
    server: &TestServer,
    owner: i64,
    parent_id: i64,
    prefix: &str,
    count: usize,
    kind: i16,
) -> Vec<i64> {
    let db = &server.state.db;
    let now = Utc::now();
    for start in (0..count).step_by(BATCH) {
        let rows = (start..(start + BATCH).min(count)).map(|n| file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            r#type: Set(kind),
            name: Set(format!("{prefix}{n:05}")),
            owner_id: Set(owner),
            size: Set(0),
            parent_id: Set(Some(parent_id)),
            is_symbolic: Set(false),
            ..Default::default()
        });
        file::Entity::insert_many(rows).exec(db).await.unwrap();
    }
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    file::Entity::find()
        .select_only()
        .column(file::Column::Id)
        .filter(file::Column::ParentId.eq(parent_id))
        .filter(file::Column::Name.starts_with(prefix))
        .into_tuple()
        .all(db)
        .await
        .unwrap()
}

/// Grants `user` read on each of `files` of `owner`.
pub(super) async fn insert_grants(server: &TestServer, owner: i64, user: i64, files: &[i64]) {
    let now = Utc::now();
    for chunk in files.chunks(BATCH) {
        let rows = chunk.iter().map(|&id| file_grant::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            owner_id: Set(owner),
            file_id: Set(id),
            user_id: Set(Some(user)),
            group_id: Set(None),
            access: Set("read".into()),
            ..Default::default()
        });
        file_grant::Entity::insert_many(rows)
            .exec(&server.state.db)
            .await
            .unwrap();
    }
}

/// The id of `name` below `parent_id`.
pub(super) async fn id_of(server: &TestServer, parent_id: i64, name: &str) -> i64 {
    use sea_orm::{ColumnTrait, QueryFilter};
    file::Entity::find()
        .filter(file::Column::ParentId.eq(parent_id))
        .filter(file::Column::Name.eq(name))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The fewest statements of eight listings of `uri` as `s`, a moment apart (the count is the
/// whole database's: a background job's reads are not the listing's), and the number of
/// entries it answered.
async fn statements_of_listing(server: &TestServer, s: &Session, uri: &str) -> (u64, usize) {
    let path = format!("/file?uri={}&page_size=2000", query_escape(uri));
    let mut fewest = u64::MAX;
    let mut entries = 0;
    for _ in 0..8 {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let before = stratus_server::db::statements(&server.database_url);
        let listed = server.get_as(&path, &s.access_token).await;
        let spent = stratus_server::db::statements(&server.database_url) - before;
        assert_eq!(listed["code"], 0, "{uri}: {listed}");
        entries = listed["data"]["files"].as_array().unwrap().len();
        fewest = fewest.min(spent);
    }
    (fewest, entries)
}

#[tokio::test]
async fn shared_with_me_costs_the_same_with_1000_grants_as_with_10() {
    let p = setup().await;
    let s = &p.server;
    let (ann, bob) = (uid(s, &p.ann), uid(s, &p.bob));
    let root = root_of(s, ann).await;
    let few = insert_rows(s, ann, root, "few", 10, file::kind::FOLDER).await;
    insert_grants(s, ann, bob, &few).await;
    let (small, n) = statements_of_listing(s, &p.bob, "cloudreve://shared_with_me").await;
    assert_eq!(n, 10);
    let many = insert_rows(s, ann, root, "many", 990, file::kind::FOLDER).await;
    insert_grants(s, ann, bob, &many).await;
    let (large, n) = statements_of_listing(s, &p.bob, "cloudreve://shared_with_me").await;
    assert_eq!(n, 1000);
    // Not more with more grants (a cache that expired under load may add one to either).
    assert!(
        large <= small + 1,
        "statements with 10 ({small}) and 1,000 grants ({large})"
    );
    println!("shared_with_me: {large} statements for 1,000 grants");
}

#[tokio::test]
async fn a_granted_folder_of_10000_files_costs_a_fixed_number_of_statements() {
    let p = setup().await;
    let s = &p.server;
    let (ann, bob) = (uid(s, &p.ann), uid(s, &p.bob));
    let root = root_of(s, ann).await;
    let team = id_of(s, root, "Team").await;
    super::ann_grants(&p, "Team", &p.bob, "read").await;
    // Both sizes fill a page of 2,000 with more to come, so both read alike (a folder that
    // fits in one page needs no next-page token, and may take fewer statements).
    insert_rows(s, ann, team, "f", 2_098, file::kind::FILE).await;
    let (small, n) = statements_of_listing(s, &p.bob, &p.anns("Team")).await;
    assert_eq!(n, 2000, "one full page");
    let (own_small, _) = statements_of_listing(s, &p.ann, "cloudreve://my/Team").await;
    insert_rows(s, ann, team, "g", 7_900, file::kind::FILE).await;
    let (large, n) = statements_of_listing(s, &p.bob, &p.anns("Team")).await;
    assert_eq!(n, 2000, "one full page");
    let (own_large, _) = statements_of_listing(s, &p.ann, "cloudreve://my/Team").await;
    // Not more with more files (a cache that expired under load may add one to either).
    assert!(
        large <= small + 1,
        "statements with 2,100 ({small}) and 10,000 files ({large})"
    );
    assert!(
        own_large <= own_small + 1,
        "own: {own_small} and {own_large}"
    );
    println!("granted folder of 10,000: {large} statements; the owner's own listing: {own_large}");
    let _ = (People::id(&p.bob), bob);
}

/// The id of `owner`'s root folder.
pub(super) async fn root_of(server: &TestServer, owner: i64) -> i64 {
    use sea_orm::{ColumnTrait, QueryFilter};
    file::Entity::find()
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.eq(""))
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}
