//! aria2's JSON-RPC over HTTP, every call carrying `token:<secret>`.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::{net::guard::error_chain, remote_download::settings::Aria2Settings};

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum Aria2Error {
    #[error(
        "aria2 is not configured: set the master node's aria2 server (its JSON-RPC URL) and secret"
    )]
    NotConfigured,
    #[error("aria2 at {url} cannot be reached: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("aria2 refused the RPC secret: the secret in the node's aria2 settings is wrong")]
    WrongSecret,
    #[error("aria2: {0}")]
    Call(String),
}

impl Aria2Error {
    /// Whether trying again later may help.
    pub fn passing(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
    }
}

pub struct Rpc {
    url: String,
    token: String,
    client: reqwest::Client,
}

impl Rpc {
    pub fn new(s: &Aria2Settings) -> Result<Self, Aria2Error> {
        if s.server.trim().is_empty() {
            return Err(Aria2Error::NotConfigured);
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| Aria2Error::Call(e.to_string()))?;
        Ok(Self {
            url: s.server.trim().to_owned(),
            token: s.token.clone(),
            client,
        })
    }

    /// Calls `method` with the secret first, then `params`; answers `result`.
    pub async fn call(&self, method: &str, params: Vec<Value>) -> Result<Value, Aria2Error> {
        let mut all = vec![json!(format!("token:{}", self.token))];
        all.extend(params);
        let body = json!({"jsonrpc": "2.0", "id": "stratus", "method": method, "params": all});
        let unreachable = |e: reqwest::Error| Aria2Error::Unreachable {
            url: self.url.clone(),
            reason: error_chain(&e),
        };
        let resp = self
            .client
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        let status = resp.status();
        let answer: Value = resp.json().await.map_err(|e| Aria2Error::Unreachable {
            url: self.url.clone(),
            reason: format!("answered {status}, not JSON-RPC: {}", error_chain(&e)),
        })?;
        if let Some(err) = answer.get("error") {
            let message = err.get("message").and_then(Value::as_str).unwrap_or("");
            if message.eq_ignore_ascii_case("unauthorized") {
                return Err(Aria2Error::WrongSecret);
            }
            return Err(Aria2Error::Call(format!("{method}: {message}")));
        }
        Ok(answer.get("result").cloned().unwrap_or(Value::Null))
    }

    /// aria2's version (`aria2.getVersion`): the downloader test.
    pub async fn version(&self) -> Result<String, Aria2Error> {
        let answer = self.call("aria2.getVersion", Vec::new()).await?;
        answer
            .get("version")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Aria2Error::Call("aria2.getVersion: no version in the answer".into()))
    }

    pub async fn add_uri(
        &self,
        uri: &str,
        options: Map<String, Value>,
    ) -> Result<String, Aria2Error> {
        let gid = self
            .call("aria2.addUri", vec![json!([uri]), Value::Object(options)])
            .await?;
        gid_of(gid)
    }

    pub async fn add_torrent(
        &self,
        base64: &str,
        options: Map<String, Value>,
    ) -> Result<String, Aria2Error> {
        let gid = self
            .call(
                "aria2.addTorrent",
                vec![json!(base64), json!([]), Value::Object(options)],
            )
            .await?;
        gid_of(gid)
    }

    pub async fn tell_status(&self, gid: &str) -> Result<Value, Aria2Error> {
        self.call("aria2.tellStatus", vec![json!(gid)]).await
    }

    pub async fn change_option(&self, gid: &str, options: Value) -> Result<(), Aria2Error> {
        self.call("aria2.changeOption", vec![json!(gid), options])
            .await
            .map(drop)
    }

    pub async fn force_remove(&self, gid: &str) -> Result<(), Aria2Error> {
        self.call("aria2.forceRemove", vec![json!(gid)])
            .await
            .map(drop)
    }

    pub async fn remove_result(&self, gid: &str) -> Result<(), Aria2Error> {
        self.call("aria2.removeDownloadResult", vec![json!(gid)])
            .await
            .map(drop)
    }
}

fn gid_of(v: Value) -> Result<String, Aria2Error> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| Aria2Error::Call("no download id in the answer".into()))
}
