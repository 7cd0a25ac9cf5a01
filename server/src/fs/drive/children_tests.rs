use super::*;
use crate::fs::drive::test_db;

/// The names of a page.
fn names(page: &Page) -> Vec<&str> {
    page.rows.iter().map(|r| r.name.as_str()).collect()
}

/// A folder holding `a-c`, `a0` and `a_b` (files), `a` and `100%` (folders).
async fn folder(db: &sea_orm::DatabaseConnection) -> i64 {
    let root = test_db::add(db, None, "", true).await;
    for (name, is_folder) in [
        ("a-c", false),
        ("a0", false),
        ("a_b", false),
        ("a", true),
        ("100%", true),
        ("ab", false),
    ] {
        test_db::add(db, Some(root.id), name, is_folder).await;
    }
    root.id
}

#[tokio::test]
async fn name_order_pages_resume_exactly_after_the_cursor() {
    let db = test_db::open().await;
    let root = folder(&db).await;
    let first = Children::new(root, Order::Name, 4).page(&db).await.unwrap();
    assert_eq!(names(&first), ["100%", "a", "a-c", "a0"]);
    assert_eq!(first.next.as_deref(), Some("a0"));
    let next = first.next.unwrap();
    let second = Children::new(root, Order::Name, 4)
        .after(&next)
        .page(&db)
        .await
        .unwrap();
    assert_eq!(names(&second), ["a_b", "ab"]);
    assert_eq!(second.next, None, "a short page is the last");
}

#[tokio::test]
async fn key_order_puts_a_folder_where_its_keys_go() {
    let db = test_db::open().await;
    let root = folder(&db).await;
    let all = Children::new(root, Order::Key, 10).page(&db).await.unwrap();
    // `a/` sorts after `a-c` and before `a0`, as its keys (`a/…`) do in byte order.
    assert_eq!(names(&all), ["100%", "a-c", "a", "a0", "a_b", "ab"]);
    let from = Children::new(root, Order::Key, 2)
        .from("a/")
        .page(&db)
        .await
        .unwrap();
    assert_eq!(names(&from), ["a", "a0"]);
    assert_eq!(from.next.as_deref(), Some("a0"));
    let after = Children::new(root, Order::Key, 10)
        .after("a/")
        .page(&db)
        .await
        .unwrap();
    assert_eq!(names(&after), ["a0", "a_b", "ab"]);
}

#[tokio::test]
async fn a_prefix_matches_percent_and_underscore_as_themselves() {
    let db = test_db::open().await;
    let root = folder(&db).await;
    for order in [Order::Name, Order::Key] {
        let under = Children::new(root, order, 10)
            .prefix("a_")
            .page(&db)
            .await
            .unwrap();
        assert_eq!(names(&under), ["a_b"], "{order:?}");
        let percent = Children::new(root, order, 10)
            .prefix("100%")
            .page(&db)
            .await
            .unwrap();
        assert_eq!(names(&percent), ["100%"], "{order:?}");
        let none = Children::new(root, order, 10)
            .prefix("1%")
            .page(&db)
            .await
            .unwrap();
        assert!(none.rows.is_empty(), "{order:?}");
    }
}

#[tokio::test]
async fn a_folder_is_empty_until_a_live_child_is_in_it() {
    let db = test_db::open().await;
    let root = test_db::add(&db, None, "", true).await;
    assert!(is_empty(&db, root.id).await.unwrap());
    let child = test_db::add(&db, Some(root.id), "x", false).await;
    assert!(!is_empty(&db, root.id).await.unwrap());
    test_db::update(&db, child, |f| {
        f.deleted_at = sea_orm::ActiveValue::Set(Some(chrono::Utc::now()))
    })
    .await;
    assert!(
        is_empty(&db, root.id).await.unwrap(),
        "a trashed child does not count"
    );
}
