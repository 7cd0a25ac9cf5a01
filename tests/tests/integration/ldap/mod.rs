//! Sign-in through an LDAP directory: a real OpenLDAP (`slapd`) per test on a loopback port
//! (`stratus_tests::slapd`), the server's `ldap_*` settings pointed at it.

mod credentials;
mod outage;
mod sign_in;
mod tls;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_tests::{
    TestServer,
    slapd::{self, Slapd},
};

/// Points the server at `dir` (the guard lets loopback through), plain LDAP.
pub async fn use_directory(server: &TestServer, dir: &Slapd) {
    server
        .state
        .settings
        .set(&[
            ("ldap_enabled", "1"),
            ("ldap_url", &dir.url()),
            ("ldap_starttls", "0"),
            ("ldap_bind_dn", slapd::ROOT_DN),
            ("ldap_bind_password", slapd::ROOT_PW),
            ("ldap_base_dn", slapd::BASE_DN),
            ("ldap_allowed_cidrs", "127.0.0.0/8, ::1"),
        ])
        .await
        .unwrap();
}

/// `POST /session/token` with a login and password; the envelope.
pub async fn sign_in(server: &TestServer, login: &str, password: &str) -> Value {
    let body = json!({"email": login, "password": password}).to_string();
    server
        .send_api(Method::POST, "/session/token", &body)
        .await
        .1
}
