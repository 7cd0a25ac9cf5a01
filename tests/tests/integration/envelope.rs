//! The `{code, data, msg}` envelope: unknown routes, malformed bodies, size limits and
//! correlation ids.

use poem_openapi::{Object, OpenApi};
use serde_json::Value;
use stratus_server::api::{
    self,
    envelope::{ApiResult, ok},
    json::ApiJson,
};
use stratus_tests::{TestServer, envelope};

#[tokio::test]
async fn unknown_api_routes_answer_an_envelope_404() {
    let server = TestServer::start().await;
    let resp = server
        .client
        .get(server.api("/no/such/route"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body = envelope(resp).await;
    assert_eq!(body["code"], 404);
    assert!(!body["msg"].as_str().unwrap().is_empty());
    assert!(uuid::Uuid::parse_str(body["correlation_id"].as_str().unwrap()).is_ok());
    assert!(body.get("data").is_none());
    // Debug detail is off by default.
    assert!(body.get("error").is_none());
}

#[tokio::test]
async fn wrong_method_is_an_envelope_too() {
    let server = TestServer::start().await;
    let (status, body) = server
        .send_api(reqwest::Method::DELETE, "/site/ping", "")
        .await;
    assert_eq!(status, 405);
    assert_eq!(body["code"], 404);
}

#[tokio::test]
async fn correlation_id_is_taken_from_the_client_when_it_is_a_uuid() {
    let server = TestServer::start().await;
    let id = uuid::Uuid::new_v4().to_string();
    let resp = server
        .client
        .get(server.api("/nope"))
        .header("X-Cr-Correlation-Id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-cr-correlation-id"].to_str().unwrap(), id);
    assert_eq!(envelope(resp).await["correlation_id"], id);

    let resp = server
        .client
        .get(server.api("/nope"))
        .header("X-Cr-Correlation-Id", "'; drop table users; --")
        .send()
        .await
        .unwrap();
    let body = envelope(resp).await;
    let generated = body["correlation_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(generated).is_ok());
}

#[tokio::test]
async fn oversized_json_bodies_are_refused_before_parsing() {
    let server = TestServer::start_with(|c| c.max_json_body = 1024).await;
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(4096));
    let (status, body) = server
        .send_api(reqwest::Method::POST, "/site/ping", &big)
        .await;
    assert_eq!(status, 413);
    assert_eq!(body["code"], 40001);

    // Chunked, without Content-Length.
    let stream = futures_util::stream::iter(
        (0..8).map(|_| Ok::<_, std::io::Error>(bytes_of(&"b".repeat(512)))),
    );
    let resp = server
        .client
        .post(server.api("/site/ping"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(envelope(resp).await["code"], 40001);
}

fn bytes_of(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// A route with a typed JSON body, served through the same envelope layer as `/api/v4`,
/// to check how malformed bodies are reported.
struct EchoApi;

#[derive(Object)]
struct Echo {
    name: String,
    count: i32,
}

#[OpenApi]
impl EchoApi {
    #[oai(path = "/echo", method = "post")]
    async fn echo(&self, body: ApiJson<Echo>) -> ApiResult<String> {
        ok(format!("{}:{}", body.name, body.count))
    }
}

async fn echo_server() -> String {
    let service = poem_openapi::OpenApiService::new(EchoApi, "echo", "1");
    let app = poem::Route::new().nest(
        "/api",
        api::with_envelope(poem::IntoEndpoint::into_endpoint(service), 64 * 1024),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor =
        stratus_server::net::GuardedAcceptor::new(listener, Default::default(), Default::default())
            .unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    format!("http://{addr}/api/echo")
}

async fn post_echo(url: &str, body: &str, content_type: &str) -> Value {
    let resp = reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    envelope(resp).await
}

#[tokio::test]
async fn malformed_json_and_wrong_types_answer_40001_naming_the_field() {
    let url = echo_server().await;
    let good = post_echo(&url, r#"{"name":"a","count":2}"#, "application/json").await;
    assert_eq!(good["data"], "a:2");

    let broken = post_echo(&url, r#"{"name":"a","#, "application/json").await;
    assert_eq!(broken["code"], 40001);

    let wrong_type = post_echo(&url, r#"{"name":"a","count":"two"}"#, "application/json").await;
    assert_eq!(wrong_type["code"], 40001);
    assert!(
        wrong_type["msg"].as_str().unwrap().contains("count"),
        "{wrong_type}"
    );

    let missing = post_echo(&url, r#"{"name":"a"}"#, "application/json").await;
    assert_eq!(missing["code"], 40001);
    assert!(
        missing["msg"].as_str().unwrap().contains("count"),
        "{missing}"
    );

    let not_json = post_echo(&url, "name=a", "text/plain").await;
    assert_eq!(not_json["code"], 40001);

    let array = post_echo(&url, "[1,2]", "application/json").await;
    assert_eq!(array["code"], 40001);
    assert!(array["msg"].as_str().unwrap().contains("object"), "{array}");

    let empty = post_echo(&url, "", "application/json").await;
    assert_eq!(empty["code"], 40001);
}

#[tokio::test]
async fn debug_mode_adds_the_underlying_error() {
    let server = TestServer::start_with(|c| c.debug = true).await;
    // Break the database under the server: the next query fails with a database error.
    let db = &server.state.db;
    sea_orm::ConnectionTrait::execute_unprepared(db, "ALTER TABLE groups RENAME TO groups_gone")
        .await
        .ok();
    let body = server.get_api("/site/config/basic").await;
    assert_eq!(body["code"], 50001);
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
}
