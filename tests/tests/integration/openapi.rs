//! `openapi.json` at the repository root must be what the code generates.

#[test]
fn committed_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json");
    let committed = std::fs::read_to_string(path).expect("openapi.json at the repository root");
    let generated = stratus_server::api::spec_json();
    assert!(
        committed == generated,
        "openapi.json is stale: run `cargo run -p stratus-server -- export-openapi openapi.json`"
    );
    let spec: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(spec["servers"][0]["url"], "/api/v4");
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            assert!(op.get("operationId").is_some(), "{path} has no operationId");
        }
    }
}
