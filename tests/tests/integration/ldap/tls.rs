//! StartTLS to a directory whose certificate a private CA signed: trusted through
//! `ldap_tls_ca`, refused without it.

use stratus_tests::{TestServer, slapd::Slapd};

use super::{sign_in, use_directory};

#[tokio::test]
async fn starttls_trusts_the_ca_of_ldap_tls_ca_only() {
    let dir = Slapd::start_tls().await;
    let server = TestServer::start().await;
    use_directory(&server, &dir).await;
    // The certificate names localhost, so the URL does too.
    let url = format!("ldap://localhost:{}", dir.port);
    server
        .state
        .settings
        .set(&[("ldap_url", &url), ("ldap_starttls", "1")])
        .await
        .unwrap();

    let untrusted = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(untrusted["code"], 50005, "{untrusted}");

    let ca = dir.ca_pem.clone().unwrap();
    server
        .state
        .settings
        .set(&[("ldap_tls_ca", &ca)])
        .await
        .unwrap();
    let trusted = sign_in(&server, "alice", "wonderland").await;
    assert_eq!(trusted["code"], 0, "{trusted}");
    assert_eq!(trusted["data"]["user"]["email"], "alice@example.org");
}
