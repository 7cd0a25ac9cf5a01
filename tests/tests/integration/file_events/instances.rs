//! Two instances on one database: a change made through one reaches a stream on the other,
//! and a client resumes on either.

use uuid::Uuid;

use super::{Events, docs_with_a_seen_renamed, payload, rename, setup};

#[tokio::test]
async fn changes_through_one_instance_reach_streams_on_another_and_resume_there() {
    let (mut first, ann, _bob) = setup().await;
    let second = first.sibling().await;
    let me = Uuid::new_v4();
    let (a, b, events) = docs_with_a_seen_renamed(&second, &first, &ann, me).await;
    let (a, b) = (a.as_str(), b.as_str());
    // The client goes away and the first instance stops; changes keep coming through the
    // second.
    drop(events);
    first.pause().await;
    rename(&second, &ann, "cloudreve://my/Docs/b.txt", "b1.txt", None).await;
    rename(&second, &ann, "cloudreve://my/Docs/a1.txt", "a2.txt", None).await;
    first.restart().await;
    let mut events = Events::open(&first, &ann, "cloudreve://my/Docs", me).await;
    events.expect("resumed").await;
    assert_eq!(
        events.event().await,
        payload("rename", b, "/b.txt", "/b1.txt")
    );
    assert_eq!(
        events.event().await,
        payload("rename", a, "/a1.txt", "/a2.txt")
    );
    drop(events);
    first.pause().await;

    // The same client resumes on the second instance with nothing missed.
    let mut events = Events::open(&second, &ann, "cloudreve://my/Docs", me).await;
    events.expect("resumed").await;
    rename(&second, &ann, "cloudreve://my/Docs/b1.txt", "b2.txt", None).await;
    assert_eq!(
        events.event().await,
        payload("rename", b, "/b1.txt", "/b2.txt")
    );
}
