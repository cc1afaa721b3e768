//! Uploading one serialized xorb (chunks only, no footer).
//!
//! Through an upload grant when the CAS offers them (`hf_xet` >= 1.8, xet-protocol 5.6):
//! ask `POST /v1/xorb-grants/default/{hash}` (201 grant, 200 "already stored", 404 "no grants"),
//! send the bytes to the grant's URL with exactly its headers and no CAS token (412 means an
//! earlier attempt stored them), then `POST /v1/xorb-commits/.../grant/{id}`. A CAS without grants
//! (404) gets `POST /v1/xorbs/default/{hash}` for the rest of the session; a grant that keeps
//! failing also falls back to it.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;

use super::body::CountingBody;
use super::http::Http;
use super::token::TokenSource;
use super::{CasError, DEFAULT_PREFIX};
use crate::MerkleHash;

/// New grants asked for one xorb before falling back to the direct upload.
const MAX_GRANT_ATTEMPTS: usize = 3;

const GRANTS_UNKNOWN: u8 = 0;
const GRANTS_OFFERED: u8 = 1;
const GRANTS_ABSENT: u8 = 2;

/// Whether the CAS offers upload grants, learnt from the first answer.
pub(crate) struct GrantSupport(AtomicU8);

impl Default for GrantSupport {
    fn default() -> Self {
        Self(AtomicU8::new(GRANTS_UNKNOWN))
    }
}

impl GrantSupport {
    /// Whether a checksum should be computed for the next xorb (grants may be used).
    pub fn may_use_grants(&self) -> bool {
        self.0.load(Ordering::Relaxed) != GRANTS_ABSENT
    }
}

/// A xorb ready to go.
pub(crate) struct XorbUpload {
    pub hash: MerkleHash,
    pub bytes: Bytes,
    /// CRC-64/NVME of `bytes`, when computed (needed for grants).
    pub crc64: Option<u64>,
}

struct Grant {
    id: String,
    method: Method,
    url: String,
    headers: HeaderMap,
}

enum GrantOutcome {
    Stored,
    NoGrants,
    Fallback,
}

/// Uploads `xorb`; `sent` counts the bytes sent. Returns whether the CAS took new bytes.
pub(crate) async fn upload_xorb(
    http: &Http,
    tokens: &TokenSource,
    grants: &GrantSupport,
    xorb: &XorbUpload,
    sent: &Arc<AtomicU64>,
) -> Result<bool, CasError> {
    let reached = Arc::new(AtomicU64::new(0));
    if let (true, Some(crc)) = (grants.may_use_grants(), xorb.crc64) {
        match through_grants(http, tokens, xorb, crc, &reached, sent).await? {
            GrantOutcome::Stored => {
                grants.0.store(GRANTS_OFFERED, Ordering::Relaxed);
                return Ok(true);
            }
            GrantOutcome::NoGrants => grants.0.store(GRANTS_ABSENT, Ordering::Relaxed),
            GrantOutcome::Fallback => {}
        }
    }
    direct(http, tokens, xorb, &reached, sent).await
}

fn key_path(kind: &str, hash: &MerkleHash) -> String {
    format!("v1/{kind}/{DEFAULT_PREFIX}/{}", hash.hex())
}

async fn direct(
    http: &Http,
    tokens: &TokenSource,
    xorb: &XorbUpload,
    reached: &Arc<AtomicU64>,
    sent: &Arc<AtomicU64>,
) -> Result<bool, CasError> {
    let path = key_path("xorbs", &xorb.hash);
    let answer = http
        .call(Some(tokens), |client, token| {
            let token = token.expect("authenticated call");
            let body = CountingBody::new(xorb.bytes.clone(), reached.clone(), sent.clone());
            client
                .post(token.url(&path))
                .bearer_auth(&token.access_token)
                .header(CONTENT_LENGTH, xorb.bytes.len())
                .body(reqwest::Body::wrap(body))
        })
        .await?;
    if !answer.is_success() {
        return Err(answer.into_error());
    }
    let json = answer.json()?;
    json.get("was_inserted")
        .and_then(|v| v.as_bool())
        .ok_or_else(|| {
            CasError::Protocol(format!(
                "the xorb upload answer of {} has no was_inserted",
                answer.url
            ))
        })
}

async fn through_grants(
    http: &Http,
    tokens: &TokenSource,
    xorb: &XorbUpload,
    crc: u64,
    reached: &Arc<AtomicU64>,
    sent: &Arc<AtomicU64>,
) -> Result<GrantOutcome, CasError> {
    let request = serde_json::json!({
        "length": xorb.bytes.len(),
        "checksum": {"algo": "crc64nvme", "value": crc.to_string()},
    })
    .to_string();
    let grant_path = key_path("xorb-grants", &xorb.hash);
    for _ in 0..MAX_GRANT_ATTEMPTS {
        let answer = http
            .call(Some(tokens), |client, token| {
                let token = token.expect("authenticated call");
                client
                    .post(token.url(&grant_path))
                    .bearer_auth(&token.access_token)
                    .header(CONTENT_TYPE, "application/json")
                    .body(request.clone())
            })
            .await?;
        match answer.status {
            404 => return Ok(GrantOutcome::NoGrants),
            200 => return Ok(GrantOutcome::Stored),
            201 => {}
            _ => return Err(answer.into_error()),
        }
        let grant = parse_grant(&answer.json()?).ok_or_else(|| {
            CasError::Protocol(format!("malformed upload grant from {}", answer.url))
        })?;
        let put = http
            .call(None, |client, _| {
                let body = CountingBody::new(xorb.bytes.clone(), reached.clone(), sent.clone());
                client
                    .request(grant.method.clone(), &grant.url)
                    .headers(grant.headers.clone())
                    .header(CONTENT_LENGTH, xorb.bytes.len())
                    .body(reqwest::Body::wrap(body))
            })
            .await;
        match put {
            Ok(answer) if answer.is_success() || answer.status == 412 => {}
            // A refused or expired grant: ask for another one.
            Ok(answer) if matches!(answer.status, 400 | 403 | 409) => continue,
            Ok(_) | Err(CasError::Network { .. }) | Err(CasError::Http { .. }) => {
                return Ok(GrantOutcome::Fallback)
            }
            Err(other) => return Err(other),
        }
        let commit_path = format!(
            "{}/grant/{}",
            key_path("xorb-commits", &xorb.hash),
            percent_encode(&grant.id)
        );
        let answer = http
            .call(Some(tokens), |client, token| {
                let token = token.expect("authenticated call");
                client
                    .post(token.url(&commit_path))
                    .bearer_auth(&token.access_token)
                    .header(CONTENT_LENGTH, 0)
            })
            .await?;
        match answer.status {
            200..=299 => return Ok(GrantOutcome::Stored),
            404 => continue,
            _ => return Err(answer.into_error()),
        }
    }
    Ok(GrantOutcome::Fallback)
}

fn parse_grant(json: &serde_json::Value) -> Option<Grant> {
    let id = json.get("id")?.as_str()?.to_string();
    if matches!(id.as_str(), "" | "." | "..") {
        return None;
    }
    let method = Method::from_bytes(json.get("method")?.as_str()?.as_bytes()).ok()?;
    let url = json.get("url")?.as_str()?.to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return None;
    }
    let mut headers = HeaderMap::new();
    if let Some(map) = json.get("headers") {
        for (name, value) in map.as_object()? {
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                HeaderValue::from_str(value.as_str()?).ok()?,
            );
        }
    }
    Some(Grant {
        id,
        method,
        url,
        headers,
    })
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
