//! `/admin/node`: the master row from the first start, creating a slave after the node
//! test, editing, deleting (refused while a policy uses it, and for the master), the test
//! route, and a non-admin refused.

use crate::admin::{admin, call, list, member, ok};

use super::*;

fn node_body(slave: &SlaveNode, key: &str) -> Value {
    json!({"node": {"name": "node one", "server": slave.base, "slave_key": key, "status": "active"}})
}

#[tokio::test]
async fn nodes_are_managed_and_tested_by_administrators_only() {
    let slave = SlaveNode::start().await;
    let server = TestServer::start().await;
    server
        .state
        .settings
        .set(&[("siteURL", server.base.as_str())])
        .await
        .unwrap();
    let root = admin(&server, "root@example.com").await;
    let listed = ok(
        &server,
        &root,
        Method::POST,
        "/admin/node",
        list(50, json!({})),
    )
    .await;
    let nodes = listed["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{listed}");
    assert_eq!(nodes[0]["type"], "master");
    let master_id = nodes[0]["id"].as_i64().unwrap();

    // The test: the node pings the master back.
    ok(
        &server,
        &root,
        Method::POST,
        "/admin/node/test",
        node_body(&slave, &slave.secret),
    )
    .await;
    let wrong = "x".repeat(64);
    let failed = call(
        &server,
        Some(&root),
        Method::POST,
        "/admin/node/test",
        Some(node_body(&slave, &wrong)),
    )
    .await;
    assert_eq!(failed["code"], 40001, "{failed}");
    let short = call(
        &server,
        Some(&root),
        Method::PUT,
        "/admin/node",
        Some(node_body(&slave, "short")),
    )
    .await;
    assert_eq!(short["code"], 40001, "{short}");
    let refused = call(
        &server,
        Some(&root),
        Method::PUT,
        "/admin/node",
        Some(node_body(&slave, &wrong)),
    )
    .await;
    assert_eq!(
        refused["code"], 40001,
        "a node failing the test is not saved: {refused}"
    );

    let created = ok(
        &server,
        &root,
        Method::PUT,
        "/admin/node",
        node_body(&slave, &slave.secret),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["type"], "slave");
    assert!(
        created.get("slave_key").is_none(),
        "the key is never shown: {created}"
    );
    let got = ok(
        &server,
        &root,
        Method::GET,
        &format!("/admin/node/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(got["server"], slave.base.as_str());
    // An edit without a key keeps it (and passes the test with it).
    let edited = ok(
        &server,
        &root,
        Method::PUT,
        &format!("/admin/node/{id}"),
        json!({"node": {"id": id, "name": "renamed", "server": slave.base}}),
    )
    .await;
    assert_eq!(edited["name"], "renamed");
    let stored = node::Entity::find_by_id(id)
        .one(&server.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.slave_key, slave.secret);

    // A remote policy on the node, created through the admin API (tested against the node).
    let policy = ok(
        &server,
        &root,
        Method::PUT,
        "/admin/policy",
        json!({"policy": {"name": "remote", "type": "remote", "node_id": id,
                          "dir_name_rule": "uploads/{uid}/{path}",
                          "file_name_rule": "{uid}_{randomkey8}_{originname}"}}),
    )
    .await;
    let in_use = call(
        &server,
        Some(&root),
        Method::DELETE,
        &format!("/admin/node/{id}"),
        None,
    )
    .await;
    assert_eq!(in_use["code"], 40086, "{in_use}");
    let master = call(
        &server,
        Some(&root),
        Method::DELETE,
        &format!("/admin/node/{master_id}"),
        None,
    )
    .await;
    assert_eq!(master["code"], 40046, "{master}");
    ok(
        &server,
        &root,
        Method::DELETE,
        &format!("/admin/policy/{}", policy["id"]),
        json!({}),
    )
    .await;
    ok(
        &server,
        &root,
        Method::DELETE,
        &format!("/admin/node/{id}"),
        json!({}),
    )
    .await;
    let gone = call(
        &server,
        Some(&root),
        Method::GET,
        &format!("/admin/node/{id}"),
        None,
    )
    .await;
    assert_ne!(gone["code"], 0, "{gone}");

    // Members are refused every node route.
    let bob = member(&server, "bob@example.com").await;
    let denied = call(
        &server,
        Some(&bob),
        Method::POST,
        "/admin/node",
        Some(list(10, json!({}))),
    )
    .await;
    assert_eq!(denied["code"], 403, "{denied}");
    let denied = call(
        &server,
        Some(&bob),
        Method::POST,
        "/admin/node/test",
        Some(node_body(&slave, &slave.secret)),
    )
    .await;
    assert_eq!(denied["code"], 403, "{denied}");
}
