//! An S3 key deleting a bucket's objects in one DeleteObjects is stopped with the reason.

use crate::s3_endpoint::{boto3, creds, endpoint, key, mkdir, start, user};

#[tokio::test]
async fn a_delete_objects_burst_is_refused_with_the_reason() {
    let server = start().await;
    super::limit(&server, 10).await;
    let ann = user(&server, super::ANN).await;
    mkdir(&server, &ann, "cloudreve://my/s3/bkt").await;
    let k = creds(&key(&server, &ann, "cloudreve://my/s3", false).await);
    boto3(&endpoint(&server), &k, "guard", &["bkt"]).await;
    let found = super::incidents(&server, &ann).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["credential"]["kind"], "s3_key");
    assert_eq!(found[0]["counts"]["deleted"], 10);
    assert_eq!(
        server.names_in(&ann, "cloudreve://my/s3/bkt").await.len(),
        20
    );
}
