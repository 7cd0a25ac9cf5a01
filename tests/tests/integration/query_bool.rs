//! Boolean query parameters are read as Cloudreve reads them, with Go's `strconv.ParseBool`
//! (and gin's empty value as false): every boolean query parameter described in the committed
//! `openapi.json` is sent with each spelling Go accepts, which must not be refused, and with
//! others, which must be refused with 40001 naming the parameter. A new boolean query
//! parameter is walked here without changing this file.

use reqwest::{Method, Response};
use serde_json::Value;
use stratus_tests::{Session, TestServer, envelope, query_escape};

use crate::download::put_file;

/// What Go's `strconv.ParseBool` accepts, and the empty value gin binds as false.
const ACCEPTED: [&str; 13] = [
    "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False", "",
];
/// Spellings Go refuses.
const REFUSED: [&str; 7] = ["yes", "no", "2", "tRuE", "on", " true", "-1"];

/// One boolean query parameter of one operation.
#[derive(Debug)]
struct BoolParam {
    method: Method,
    /// The path with its parameters filled in.
    path: String,
    /// The operation's other required query parameters, with a value of their type.
    required: Vec<(String, String)>,
    name: String,
}

/// A value of a parameter's schema type that parses (`page_size` and the like have a minimum).
fn sample(schema: &Value) -> String {
    match schema["type"].as_str() {
        Some("integer") | Some("number") => schema["minimum"]
            .as_f64()
            .map_or("1".to_owned(), |m| (m as i64).to_string()),
        Some("boolean") => "true".to_owned(),
        _ => "x".to_owned(),
    }
}

/// Every query parameter whose schema is `boolean`, in every operation of the document.
fn boolean_query_params(spec: &Value) -> Vec<BoolParam> {
    let mut found = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut path = template.clone();
            for p in params.iter().filter(|p| p["in"] == "path") {
                let name = p["name"].as_str().unwrap();
                path = path.replace(&format!("{{{name}}}"), &sample(&p["schema"]));
            }
            let query: Vec<&Value> = params.iter().filter(|p| p["in"] == "query").collect();
            for p in query.iter().filter(|p| p["schema"]["type"] == "boolean") {
                let required = query
                    .iter()
                    .filter(|q| q["required"] == true && q["name"] != p["name"])
                    .map(|q| (q["name"].as_str().unwrap().to_owned(), sample(&q["schema"])))
                    .collect();
                found.push(BoolParam {
                    method: method.to_uppercase().parse().unwrap(),
                    path: path.clone(),
                    required,
                    name: p["name"].as_str().unwrap().to_owned(),
                });
            }
        }
    }
    found
}

async fn call(
    server: &TestServer,
    s: &Session,
    method: Method,
    param: &BoolParam,
    value: &str,
) -> Response {
    let mut query: Vec<(&str, &str)> = param
        .required
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    query.push((&param.name, value));
    server
        .request_as(method, &param.path, &s.access_token)
        .query(&query)
        .send()
        .await
        .unwrap()
}

/// The envelope of an answer, or `Null` for one that is not JSON (content).
async fn answer_of(resp: Response) -> Value {
    let json = resp
        .headers()
        .get("content-type")
        .is_some_and(|t| t.to_str().unwrap_or("").starts_with("application/json"));
    if json {
        envelope(resp).await
    } else {
        Value::Null
    }
}

/// Whether the answer is the 40001 refusing parameter `name`.
fn refused(answer: &Value, name: &str) -> bool {
    answer["code"] == 40001
        && answer["msg"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("`{name}`")))
}

/// Sends `value` for `param`; for `HEAD`, whose answer has no body, the same request as a
/// `GET` is checked instead, and the `HEAD` answer must carry the same status and type.
async fn refused_for(server: &TestServer, s: &Session, param: &BoolParam, value: &str) -> bool {
    if param.method != Method::HEAD {
        let resp = call(server, s, param.method.clone(), param, value).await;
        return refused(&answer_of(resp).await, &param.name);
    }
    let head = call(server, s, Method::HEAD, param, value).await;
    let get = call(server, s, Method::GET, param, value).await;
    let type_of = |r: &Response| r.headers().get("content-type").cloned();
    assert_eq!(
        (head.status(), type_of(&head)),
        (get.status(), type_of(&get)),
        "HEAD and GET {} with {}={value:?}",
        param.path,
        param.name
    );
    refused(&answer_of(get).await, &param.name)
}

#[tokio::test]
async fn every_boolean_query_parameter_takes_gos_spellings() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let params = boolean_query_params(&spec);
    assert!(
        params
            .iter()
            .any(|p| p.path == "/file/info" && p.name == "extended"),
        "the walk finds the boolean query parameters: {params:?}"
    );
    let server = TestServer::start().await;
    // An administrator, so that the parameters of admin routes are read past their guard.
    stratus_server::users::create(&server.state.db, "ann@example.com", "password123", 1)
        .await
        .unwrap();
    let ann = server.login("ann@example.com", "password123").await;
    for param in &params {
        for value in ACCEPTED {
            assert!(
                !refused_for(&server, &ann, param, value).await,
                "{} {} refused {}={value:?}",
                param.method,
                param.path,
                param.name
            );
        }
        for value in REFUSED {
            assert!(
                refused_for(&server, &ann, param, value).await,
                "{} {} took {}={value:?}",
                param.method,
                param.path,
                param.name
            );
        }
    }
}

/// The `cloudreve` Python SDK asks for a file's details with `extended=True`.
#[tokio::test]
async fn file_info_takes_the_python_sdks_extended_true() {
    let server = TestServer::start().await;
    server.create_user("ann@example.com", "password123").await;
    let ann = server.login("ann@example.com", "password123").await;
    put_file(&server, &ann, "a.txt", b"hello").await;
    let uri = query_escape("cloudreve://my/a.txt");
    for (value, extended) in [("True", true), ("1", true), ("F", false)] {
        let answer = server
            .get_as(
                &format!("/file/info?uri={uri}&extended={value}"),
                &ann.access_token,
            )
            .await;
        assert_eq!(answer["code"], 0, "extended={value}: {answer}");
        assert_eq!(
            answer["data"].get("extended_info").is_some(),
            extended,
            "extended={value}: {answer}"
        );
    }
}
