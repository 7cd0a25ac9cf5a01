//! The trash sorted by name is in the order of the names it shows, not of the names items are
//! stored under while trashed.

use serde_json::json;
use stratus_tests::query_escape;

use super::{create, delete, setup};

#[tokio::test]
async fn the_trash_sorted_by_name_follows_the_names_shown() {
    let (server, ann) = setup().await;
    // Trashed in an order that is neither of the two sorts.
    let made = ["b.txt", "a b.txt", "c.txt", "a.txt", "C.txt"];
    for name in made {
        create(&server, &ann, &format!("cloudreve://my/{name}"), "file").await;
        let gone = delete(
            &server,
            &ann,
            json!({"uris": [format!("cloudreve://my/{name}")]}),
        )
        .await;
        assert_eq!(gone["code"], 0, "{gone}");
    }
    let mut expected: Vec<&str> = made.to_vec();
    expected.sort();
    for (direction, order) in [
        ("asc", expected.clone()),
        ("desc", {
            let mut r = expected.clone();
            r.reverse();
            r
        }),
    ] {
        let listed = server
            .get_as(
                &format!(
                    "/file?uri=cloudreve%3A%2F%2Ftrash&order_by=name&order_direction={direction}&page_size=2"
                ),
                &ann.access_token,
            )
            .await;
        assert_eq!(listed["code"], 0, "{listed}");
        let mut names: Vec<String> = Vec::new();
        let mut page = listed;
        // Across pages, by the cursor.
        loop {
            for f in page["data"]["files"].as_array().unwrap() {
                names.push(f["name"].as_str().unwrap().to_owned());
            }
            let Some(token) = page["data"]["pagination"]["next_token"].as_str() else {
                break;
            };
            page = server
                .get_as(
                    &format!(
                        "/file?uri=cloudreve%3A%2F%2Ftrash&order_by=name&order_direction={direction}&page_size=2&next_page_token={}",
                        query_escape(token)
                    ),
                    &ann.access_token,
                )
                .await;
            assert_eq!(page["code"], 0, "{page}");
        }
        assert_eq!(names, order, "{direction}");
    }
}
