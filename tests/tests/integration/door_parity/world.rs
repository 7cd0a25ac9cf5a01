//! One server with Ann's drive and every credential of the matrix: Ann's files in `/Public`
//! (the confined credentials' folder; its subfolder `bkt` is the S3 keys' bucket) and
//! `/Private`, Bob's in his own `/Public`, and per credential the files its deletes and
//! version deletes use up (a delete's file per credential and edge: [`del_name`]), so no row
//! depends on another.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};
use stratus_server::boolset::group_perm;
use stratus_tests::{Session, TestServer, query_escape};

use super::{Cred, Edge, edges};
use crate::{
    admin::{PW, admin, member},
    dav::{account, set_group_bits},
    oauth::{ALL_APP_SCOPES, authorize, register},
    s3_endpoint::{creds, key},
};

pub(crate) const ANN: &str = "ann@parity.test";
pub(crate) const BOB: &str = "bob@parity.test";

/// A credential's secret and the id its owner revokes it by.
#[derive(Clone, Default)]
pub(crate) struct Secret {
    pub secret: String,
    /// The S3 access key id (for keys), else empty.
    pub access: String,
    pub id: String,
}

pub(crate) struct World {
    pub server: TestServer,
    pub admin: Session,
    pub ann: Session,
    pub bob: Session,
    pub app_guid: String,
    pub creds: HashMap<&'static str, Secret>,
    /// Ann's file ids by name (`in.txt`, `in.png`, `secret.txt`, `out.png`).
    pub ids: HashMap<&'static str, i64>,
    /// The older version of `<tag>-v.txt`, by tag.
    pub versions: HashMap<&'static str, String>,
    /// The incident that stopped a credential, by tag.
    pub incidents: HashMap<&'static str, i64>,
}

/// The name a credential's own files and entries carry.
pub(crate) fn tag(c: Cred) -> &'static str {
    match c {
        Cred::Session => "session",
        Cred::OauthA => "oa",
        Cred::OauthB => "ob",
        Cred::DavRo => "dro",
        Cred::DavRw => "drw",
        Cred::AppPw => "app",
        Cred::S3Ro => "s3ro",
        Cred::S3Rw => "s3rw",
        Cred::Link => "link",
    }
}

/// The file a delete of credential `c` on edge `e` uses up: one per edge, as a credential
/// accepted on two edges deletes on each.
pub(crate) fn del_name(c: Cred, e: Edge) -> String {
    let edge = match e {
        Edge::Api => "api",
        Edge::Dav => "dav",
        Edge::Nc => "nc",
        Edge::S3 => "s3",
    };
    format!("{}-{edge}-del.txt", tag(c))
}

/// The credentials whose files sit in Ann's `/Public` (the S3 keys' in `/Public/bkt`).
const ANN_CREDS: &[Cred] = &[
    Cred::Session,
    Cred::OauthA,
    Cred::DavRo,
    Cred::DavRw,
    Cred::AppPw,
];
const S3_CREDS: &[Cred] = &[Cred::S3Ro, Cred::S3Rw];

impl World {
    /// A server with the S3 endpoint, behind a trusted proxy (`X-Forwarded-For`: each row
    /// comes from its own address, `ops::run`), WebDAV and S3 allowed to the User group,
    /// `configure` applied to its configuration, and every credential made; with `bursts`,
    /// five more files per writable credential for the guard to stop it on.
    pub(crate) async fn new(
        configure: impl FnOnce(&mut stratus_server::config::Config),
        bursts: bool,
    ) -> Self {
        let server = TestServer::start_with(|c| {
            c.s3.listen = Some("127.0.0.1:0".parse().unwrap());
            c.proxy_header = Some("X-Forwarded-For".into());
            configure(c);
        })
        .await;
        set_group_bits(
            &server,
            2,
            &[(group_perm::WEBDAV, true), (group_perm::S3, true)],
        )
        .await;
        let admin = admin(&server, "root@parity.test").await;
        let ann = member(&server, ANN).await;
        let bob = member(&server, BOB).await;
        let app = register(&server, &admin, ALL_APP_SCOPES).await;
        let mut w = World {
            server,
            admin,
            ann,
            bob,
            app_guid: app.guid.clone(),
            creds: HashMap::new(),
            ids: HashMap::new(),
            versions: HashMap::new(),
            incidents: HashMap::new(),
        };
        w.files(bursts).await;
        w.credentials(&app).await;
        w
    }

    async fn files(&mut self, bursts: bool) {
        let png = crate::thumb::png(120, 80);
        let (ann, bob) = (self.ann.clone(), self.bob.clone());
        for (path, bytes) in [
            ("Public/in.png", png.as_slice()),
            ("Private/out.png", png.as_slice()),
            ("Public/bkt/in.txt", b"in"),
        ] {
            self.put(&ann, path, bytes).await;
        }
        for path in ["Public/in.txt", "Private/secret.txt"] {
            self.two_versions(&ann, path).await;
        }
        for &c in ANN_CREDS {
            for &e in edges(c) {
                self.put(&ann, &format!("Public/{}", del_name(c, e)), b"x")
                    .await;
            }
            let t = tag(c);
            let older = self.two_versions(&ann, &format!("Public/{t}-v.txt")).await;
            self.versions.insert(t, older);
        }
        for &c in S3_CREDS {
            self.put(&ann, &format!("Public/bkt/{}", del_name(c, Edge::S3)), b"x")
                .await;
        }
        self.put(&bob, "Public/in.png", &png).await;
        self.two_versions(&bob, "Public/in.txt").await;
        let bobs = format!("Public/{}", del_name(Cred::OauthB, Edge::Api));
        self.put(&bob, &bobs, b"x").await;
        let older = self.two_versions(&bob, "Public/ob-v.txt").await;
        self.versions.insert("ob", older);
        if bursts {
            for t in ["session", "oa", "drw", "app"] {
                for i in 0..5 {
                    self.put(&ann, &format!("Public/{t}-burst-{i}.txt"), b"x")
                        .await;
                }
            }
            for i in 0..5 {
                self.put(&ann, &format!("Public/bkt/s3rw-burst-{i}.txt"), b"x")
                    .await;
            }
        }
        for name in ["in.txt", "in.png", "secret.txt", "out.png"] {
            let id = self.id_of(name).await;
            self.ids.insert(name, id);
        }
    }

    /// Uploads `bytes` to `cloudreve://my/<path>` as `s`.
    async fn put(&self, s: &Session, path: &str, bytes: &[u8]) {
        let uri = format!("cloudreve://my/{path}");
        self.server.upload(s, &uri, bytes, json!({})).await;
    }

    /// `path` with two versions; answers the older one's id.
    async fn two_versions(&self, s: &Session, path: &str) -> String {
        self.put(s, path, b"first").await;
        let uri = format!("cloudreve://my/{path}");
        let resp = self
            .server
            .request_as(
                Method::PUT,
                &format!("/file/content?uri={}", query_escape(&uri)),
                &s.access_token,
            )
            .body("second")
            .send()
            .await
            .unwrap();
        let put = stratus_tests::envelope(resp).await;
        assert_eq!(put["code"], 0, "{path}: {put}");
        let info = self
            .server
            .get_as(
                &format!("/file/info?uri={}&extended=true", query_escape(&uri)),
                &s.access_token,
            )
            .await;
        let primary = info["data"]["primary_entity"].clone();
        let entities = info["data"]["extended_info"]["entities"].as_array();
        let older = entities
            .into_iter()
            .flatten()
            .map(|e| e["id"].clone())
            .find(|id| *id != primary);
        older
            .and_then(|id| id.as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("{path} has one version: {info}"))
    }

    /// The row id of Ann's file `name`.
    async fn id_of(&self, name: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use stratus_entity::{file, user};
        let owner = user::Entity::find()
            .filter(user::Column::Email.eq(ANN))
            .one(&self.server.state.db)
            .await
            .unwrap()
            .unwrap();
        file::Entity::find()
            .filter(file::Column::Name.eq(name))
            .filter(file::Column::OwnerId.eq(owner.id))
            .one(&self.server.state.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no file {name}"))
            .id
    }

    async fn credentials(&mut self, app: &crate::oauth::App) {
        let scope = "openid Files.Read Files.Write Shares.Write";
        for (tag, s) in [("oa", self.ann.clone()), ("ob", self.bob.clone())] {
            let reply = authorize(&self.server, &s, app, scope).await;
            let secret = reply["access_token"].as_str().unwrap().to_owned();
            self.creds.insert(tag, plain(secret));
        }
        let ro = json!({"uri": "cloudreve://my/Public", "name": "ro", "readonly": true});
        let rw = json!({"uri": "cloudreve://my", "name": "rw"});
        for (tag, body) in [("dro", ro), ("drw", rw)] {
            let made = account(&self.server, &self.ann, body).await;
            self.creds.insert(tag, dav_secret(&made));
        }
        let app_pw = self.app_password().await;
        self.creds.insert("app", app_pw);
        for (tag, readonly) in [("s3ro", true), ("s3rw", false)] {
            let made = key(&self.server, &self.ann, "cloudreve://my/Public", readonly).await;
            let (access, secret) = creds(&made);
            let id = made["id"].as_str().unwrap_or_default().to_owned();
            self.creds.insert(tag, Secret { secret, access, id });
        }
        let (id, _) = self
            .server
            .share(&self.ann, "cloudreve://my/Public/in.txt", json!({}))
            .await;
        self.creds.insert("link", plain(id));
    }

    /// Ann approves a device through the Nextcloud login flow v2: its app password.
    async fn app_password(&self) -> Secret {
        let server = &self.server;
        let started: Value = server
            .client
            .post(server.url("/index.php/login/v2"))
            .header("User-Agent", "Nextcloud-android")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = started["login"].as_str().unwrap().rsplit('/').next();
        let path = format!("/devices/login_flow/{}", token.unwrap());
        let approved = server
            .send_as(Method::POST, &path, &self.ann.access_token, &json!({}))
            .await;
        assert_eq!(approved["code"], 0, "{approved}");
        let polled: Value = server
            .client
            .post(server.url("/index.php/login/v2/poll"))
            .form(&[("token", started["poll"]["token"].as_str().unwrap())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let secret = polled["appPassword"].as_str().unwrap().to_owned();
        let listed = server
            .get_as("/devices/app_passwords", &self.ann.access_token)
            .await;
        let id = listed["data"][0]["id"].clone();
        let id = id.as_str().map(str::to_owned).unwrap_or(id.to_string());
        Secret {
            secret,
            access: String::new(),
            id,
        }
    }

    pub(crate) fn secret(&self, c: Cred) -> &Secret {
        &self.creds[tag(c)]
    }

    /// The hashid of the user `s`.
    pub(crate) fn user_id(s: &Session) -> String {
        s.user["id"].as_str().unwrap().to_owned()
    }

    /// The row id of the user `email`.
    pub(crate) async fn user_row(&self, email: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        stratus_entity::user::Entity::find()
            .filter(stratus_entity::user::Column::Email.eq(email))
            .one(&self.server.state.db)
            .await
            .unwrap()
            .unwrap()
            .id
    }
}

fn plain(secret: String) -> Secret {
    Secret {
        secret,
        ..Secret::default()
    }
}

fn dav_secret(made: &Value) -> Secret {
    Secret {
        secret: made["password"].as_str().unwrap().to_owned(),
        access: String::new(),
        id: made["id"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Ann's password, for the states that sign her in again.
pub(crate) const ANN_PW: &str = PW;
