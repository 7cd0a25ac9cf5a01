//! Documents of each kind are found by a word of their body; Chinese words inside sentences;
//! an edit replaces the words; bad files are skipped with their reason and the queue goes on.

use stratus_entity::fts_doc;

use sea_orm::EntityTrait;

use super::{docs, edit, found, indexed, my, search_raw, setup, upload};

#[tokio::test]
async fn each_kind_of_document_is_found_by_a_word_of_its_body() {
    let (server, a) = setup().await;
    upload(
        &server,
        &a,
        &my("report.pdf"),
        &docs::pdf("Quarterly zeppelin figures"),
    )
    .await;
    upload(
        &server,
        &a,
        &my("letter.docx"),
        &docs::docx(&["Dear reader,", "the walrus sings"]),
    )
    .await;
    upload(
        &server,
        &a,
        &my("notes.md"),
        "# Notes\n\nThe *platypus* swims.\n".as_bytes(),
    )
    .await;
    upload(
        &server,
        &a,
        &my("中文.txt"),
        "我们今天学习中文和数学。".as_bytes(),
    )
    .await;
    upload(
        &server,
        &a,
        &my("page.html"),
        b"<p>An <b>okapi</b> &amp; friends</p>",
    )
    .await;
    indexed(&server, 5).await;

    assert_eq!(found(&server, &a, "zeppelin").await, [my("report.pdf")]);
    assert_eq!(found(&server, &a, "WALRUS").await, [my("letter.docx")]);
    assert_eq!(found(&server, &a, "platypus").await, [my("notes.md")]);
    assert_eq!(found(&server, &a, "okapi").await, [my("page.html")]);
    // A two-character word inside a sentence, and a stemmed word ("sing" finds "sings").
    assert_eq!(found(&server, &a, "中文").await, [my("中文.txt")]);
    assert_eq!(found(&server, &a, "数学").await, [my("中文.txt")]);
    assert_eq!(found(&server, &a, "sing").await, [my("letter.docx")]);
    assert!(found(&server, &a, "学数").await.is_empty());

    // The snippet marks the match and escapes the rest.
    let body = search_raw(&server, &a, "okapi", "").await;
    let content = body["data"]["hits"][0]["content"].as_str().unwrap();
    assert!(content.contains("<em>okapi</em>"), "{content}");
    assert!(content.contains("&amp;"), "{content}");
    assert_eq!(body["data"]["total"], 1);
    let content = search_raw(&server, &a, "中文", "").await["data"]["hits"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(content.contains("学习<em>中文</em>和"), "{content}");

    // Filters: below a folder, by extension.
    assert!(
        search_raw(&server, &a, "walrus", "&ext=pdf").await["data"]["hits"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let body = search_raw(&server, &a, "walrus", "&ext=docx").await;
    assert_eq!(body["data"]["hits"].as_array().unwrap().len(), 1, "{body}");
}

#[tokio::test]
async fn after_an_edit_the_old_words_are_gone_and_the_new_ones_found() {
    let (server, a) = setup().await;
    let uri = my("plan.txt");
    upload(&server, &a, &uri, b"the first draft mentions aardvarks").await;
    indexed(&server, 1).await;
    assert_eq!(
        found(&server, &a, "aardvark").await,
        std::slice::from_ref(&uri)
    );
    edit(&server, &a, &uri, b"the second draft mentions badgers").await;
    // The old version's text is no longer found, even before the new one is read.
    assert!(found(&server, &a, "aardvark").await.is_empty());
    indexed(&server, 2).await;
    assert_eq!(found(&server, &a, "badgers").await, [uri]);
}

#[tokio::test]
async fn bad_files_are_skipped_with_a_reason_and_the_queue_goes_on() {
    let (server, a) = setup().await;
    upload(
        &server,
        &a,
        &my("broken.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer garbage",
    )
    .await;
    upload(&server, &a, &my("bomb.docx"), &docs::zip_bomb()).await;
    upload(
        &server,
        &a,
        &my("fine.txt"),
        b"the queue still reads this narwhal",
    )
    .await;
    indexed(&server, 3).await;
    assert_eq!(found(&server, &a, "narwhal").await, [my("fine.txt")]);
    let rows = fts_doc::Entity::find().all(&server.state.db).await.unwrap();
    let failed: Vec<&fts_doc::Model> = rows
        .iter()
        .filter(|r| r.status == fts_doc::status::FAILED)
        .collect();
    assert_eq!(failed.len(), 2, "{rows:?}");
    for r in failed {
        assert!(!r.reason.as_deref().unwrap_or_default().is_empty(), "{r:?}");
    }
    // The administrators see the counts.
    let admin = crate::admin::admin(&server, "root@example.com").await;
    let status = server.get_as("/admin/fts", &admin.access_token).await;
    assert_eq!(status["code"], 0, "{status}");
    assert_eq!(status["data"]["failed"], 2, "{status}");
    assert_eq!(status["data"]["indexed"], 1, "{status}");
    // Each failure names its file, so the console can show what to look for.
    let mut names: Vec<&str> = status["data"]["recent_failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["bomb.docx", "broken.pdf"], "{status}");
}

#[tokio::test]
async fn search_is_off_unless_enabled_and_the_explorer_says_so() {
    let (server, a) = setup().await;
    let cfg = server
        .get_as("/site/config/explorer", &a.access_token)
        .await;
    assert_eq!(cfg["data"]["full_text_search"], true, "{cfg}");
    server
        .state
        .settings
        .set(&[("fts_enabled", "0")])
        .await
        .unwrap();
    let body = search_raw(&server, &a, "anything", "").await;
    assert_eq!(body["code"], 40019, "{body}");
}
