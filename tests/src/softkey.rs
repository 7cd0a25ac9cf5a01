//! A minimal software WebAuthn authenticator plus the browser's part of the ceremonies, for
//! passkey tests: it answers the server's `{publicKey: {...}}` options with the JSON a browser's
//! `PublicKeyCredential.toJSON()` gives (binary fields base64url without padding).
//!
//! Keys are ES256 (P-256), every credential is resident (discoverable) and every operation
//! reports user presence and user verification. Attestation format is `none`.

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use p256::ecdsa::{Signature, SigningKey, signature::Signer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Authenticator data flags.
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED_CREDENTIAL_DATA: u8 = 0x40;

/// One resident credential.
#[derive(Clone)]
pub struct Credential {
    pub rp_id: String,
    pub id: Vec<u8>,
    pub user_handle: Vec<u8>,
    key: SigningKey,
    /// Signature counter, incremented on every assertion.
    pub counter: u32,
}

impl Credential {
    /// The id as the server stores it (standard base64).
    pub fn stored_id(&self) -> String {
        STANDARD.encode(&self.id)
    }
}

/// A software authenticator as seen through a browser at `origin`.
pub struct SoftAuthenticator {
    /// The origin the "browser" reports in `clientDataJSON`, e.g. `http://localhost:5212`.
    pub origin: String,
    pub credentials: Vec<Credential>,
}

fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn b64url_decode(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .unwrap_or_else(|e| panic!("not base64url ({e}): {s}"))
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn new_key() -> SigningKey {
    loop {
        let bytes: [u8; 32] = rand::random();
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
    }
}

impl SoftAuthenticator {
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.trim_end_matches('/').to_owned(),
            credentials: Vec::new(),
        }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": challenge,
            "origin": self.origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    /// `navigator.credentials.create(options)`: makes a resident ES256 credential and answers
    /// the attestation. Fails like a browser when the options exclude a credential it holds
    /// or do not offer ES256.
    pub fn create(&mut self, options: &Value) -> Result<Value, String> {
        let pk = &options["publicKey"];
        let rp_id = pk["rp"]["id"].as_str().ok_or("no rp.id")?.to_owned();
        let challenge = pk["challenge"].as_str().ok_or("no challenge")?;
        let user_handle = b64url_decode(pk["user"]["id"].as_str().ok_or("no user.id")?);
        let es256 = pk["pubKeyCredParams"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["alg"] == -7));
        if !es256 {
            return Err("ES256 not offered".into());
        }
        if let Some(excluded) = pk["excludeCredentials"].as_array() {
            for ex in excluded {
                let id = b64url_decode(ex["id"].as_str().unwrap_or_default());
                if self.credentials.iter().any(|c| c.id == id) {
                    return Err("InvalidStateError: credential excluded".into());
                }
            }
        }

        let key = new_key();
        let id: [u8; 32] = rand::random();
        let point = key.verifying_key().to_sec1_point(false);
        let cose_key = Cbor::Map(vec![
            (Cbor::Int(1), Cbor::Int(2)),  // kty: EC2
            (Cbor::Int(3), Cbor::Int(-7)), // alg: ES256
            (Cbor::Int(-1), Cbor::Int(1)), // crv: P-256
            (Cbor::Int(-2), Cbor::Bytes(point.x().unwrap().to_vec())),
            (Cbor::Int(-3), Cbor::Bytes(point.y().unwrap().to_vec())),
        ]);
        let mut auth_data = Vec::new();
        auth_data.extend_from_slice(&sha256(rp_id.as_bytes()));
        auth_data.push(USER_PRESENT | USER_VERIFIED | ATTESTED_CREDENTIAL_DATA);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0u8; 16]); // AAGUID
        auth_data.extend_from_slice(&(id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&id);
        cose_key.encode(&mut auth_data);

        let attestation = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation_object = Vec::new();
        attestation.encode(&mut attestation_object);
        let client_data = self.client_data("webauthn.create", challenge);

        self.credentials.push(Credential {
            rp_id,
            id: id.to_vec(),
            user_handle,
            key,
            counter: 0,
        });
        Ok(json!({
            "id": b64url(&id),
            "rawId": b64url(&id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "attestationObject": b64url(&attestation_object),
                "clientDataJSON": b64url(&client_data),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }))
    }

    /// `navigator.credentials.get(options)` with the newest credential for the RP that the
    /// options allow (any, for a discoverable request with an empty allow-list).
    pub fn get(&mut self, options: &Value) -> Result<Value, String> {
        let pk = &options["publicKey"];
        let rp_id = pk["rpId"].as_str().ok_or("no rpId")?;
        let allowed: Vec<Vec<u8>> = pk["allowCredentials"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| b64url_decode(c["id"].as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        let index = self
            .credentials
            .iter()
            .rposition(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
            .ok_or("NotAllowedError: no credential for this RP")?;
        let id = self.credentials[index].id.clone();
        self.get_with(options, &id)
    }

    /// `navigator.credentials.get(options)` answered with the credential `id`.
    pub fn get_with(&mut self, options: &Value, id: &[u8]) -> Result<Value, String> {
        let pk = &options["publicKey"];
        let rp_id = pk["rpId"].as_str().ok_or("no rpId")?.to_owned();
        let challenge = pk["challenge"].as_str().ok_or("no challenge")?.to_owned();
        let client_data = self.client_data("webauthn.get", &challenge);
        let cred = self
            .credentials
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or("no such credential")?;
        cred.counter += 1;
        let mut auth_data = Vec::new();
        auth_data.extend_from_slice(&sha256(rp_id.as_bytes()));
        auth_data.push(USER_PRESENT | USER_VERIFIED);
        auth_data.extend_from_slice(&cred.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&sha256(&client_data));
        let signature: Signature = cred.key.sign(&signed);
        Ok(json!({
            "id": b64url(&cred.id),
            "rawId": b64url(&cred.id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "authenticatorData": b64url(&auth_data),
                "clientDataJSON": b64url(&client_data),
                "signature": b64url(signature.to_der().as_bytes()),
                "userHandle": b64url(&cred.user_handle),
            },
            "clientExtensionResults": {},
        }))
    }
}

/// The few CBOR items WebAuthn needs (RFC 8949 major types 0, 1, 2, 3, 5).
enum Cbor {
    Int(i64),
    Bytes(Vec<u8>),
    Text(String),
    Map(Vec<(Cbor, Cbor)>),
}

impl Cbor {
    fn head(out: &mut Vec<u8>, major: u8, n: u64) {
        let major = major << 5;
        match n {
            0..=23 => out.push(major | n as u8),
            24..=0xff => out.extend_from_slice(&[major | 24, n as u8]),
            0x100..=0xffff => {
                out.push(major | 25);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                out.push(major | 26);
                out.extend_from_slice(&(n as u32).to_be_bytes());
            }
            _ => {
                out.push(major | 27);
                out.extend_from_slice(&n.to_be_bytes());
            }
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Cbor::Int(i) if *i >= 0 => Self::head(out, 0, *i as u64),
            Cbor::Int(i) => Self::head(out, 1, (-1 - *i) as u64),
            Cbor::Bytes(b) => {
                Self::head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            Cbor::Text(t) => {
                Self::head(out, 3, t.len() as u64);
                out.extend_from_slice(t.as_bytes());
            }
            Cbor::Map(entries) => {
                Self::head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    k.encode(out);
                    v.encode(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_matches_rfc_8949_examples() {
        let enc = |c: Cbor| {
            let mut out = Vec::new();
            c.encode(&mut out);
            out
        };
        assert_eq!(enc(Cbor::Int(10)), [0x0a]);
        assert_eq!(enc(Cbor::Int(100)), [0x18, 0x64]);
        assert_eq!(enc(Cbor::Int(1000)), [0x19, 0x03, 0xe8]);
        assert_eq!(enc(Cbor::Int(-1)), [0x20]);
        assert_eq!(enc(Cbor::Int(-7)), [0x26]);
        assert_eq!(enc(Cbor::Int(-100)), [0x38, 0x63]);
        assert_eq!(enc(Cbor::Text("a".into())), [0x61, 0x61]);
        assert_eq!(enc(Cbor::Bytes(vec![1, 2, 3, 4])), [0x44, 1, 2, 3, 4]);
        assert_eq!(
            enc(Cbor::Map(vec![(Cbor::Int(1), Cbor::Int(2))])),
            [0xa1, 0x01, 0x02]
        );
    }
}
