//! Uploading the session's shard (upload form: no lookup tables, no footer).
//!
//! `POST /v2/shards` first: the answer is an NDJSON stream of progress frames ending with
//! `{"type":"result"}` or `{"type":"error","message":…,"retryable":…}` (HTTP 200 either way). A CAS
//! answering 404 or 501 only knows `POST /v1/shards` (`{"result":0|1}`).

use bytes::Bytes;
use reqwest::header::CONTENT_LENGTH;

use super::http::Http;
use super::token::TokenSource;
use super::CasError;

/// NDJSON lines longer than this are refused.
const MAX_LINE: usize = 1024 * 1024;

enum V2Outcome {
    Done,
    Unsupported,
    RetryableError(String),
}

/// Uploads `shard`; returns the API version that took it.
pub(crate) async fn upload_shard(
    http: &Http,
    tokens: &TokenSource,
    shard: Bytes,
) -> Result<u8, CasError> {
    let mut retries = 0u32;
    loop {
        match upload_v2(http, tokens, &shard).await? {
            V2Outcome::Done => return Ok(2),
            V2Outcome::Unsupported => break,
            V2Outcome::RetryableError(message) => {
                retries += 1;
                if retries > http.opts.max_retries {
                    return Err(CasError::Protocol(format!(
                        "the CAS could not register the shard: {message}"
                    )));
                }
                hfh_core::transfer::sleep_unless_cancelled(&http.cancel, http.opts.base_wait)
                    .await
                    .map_err(|()| CasError::Cancelled)?;
            }
        }
    }
    upload_v1(http, tokens, &shard).await?;
    Ok(1)
}

fn post<'a>(
    path: &'a str,
    shard: &'a Bytes,
) -> impl Fn(&reqwest::Client, Option<&super::CasToken>) -> reqwest::RequestBuilder + 'a {
    move |client, token| {
        let token = token.expect("authenticated call");
        client
            .post(token.url(path))
            .bearer_auth(&token.access_token)
            .header(CONTENT_LENGTH, shard.len())
            .body(shard.clone())
    }
}

async fn upload_v2(
    http: &Http,
    tokens: &TokenSource,
    shard: &Bytes,
) -> Result<V2Outcome, CasError> {
    let answer = http.call(Some(tokens), post("v2/shards", shard)).await?;
    if matches!(answer.status, 404 | 501) {
        return Ok(V2Outcome::Unsupported);
    }
    if !answer.is_success() {
        return Err(answer.into_error());
    }
    for line in answer.body.split(|&b| b == b'\n') {
        if line.len() > MAX_LINE {
            return Err(CasError::Protocol(format!(
                "a line of the shard upload answer of {} is longer than 1 MiB",
                answer.url
            )));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let frame: serde_json::Value = serde_json::from_slice(line).map_err(|e| {
            CasError::Protocol(format!(
                "malformed line in the shard upload answer of {}: {e}",
                answer.url
            ))
        })?;
        match frame.get("type").and_then(|t| t.as_str()) {
            Some("result") => return Ok(V2Outcome::Done),
            Some("error") => {
                let message = frame
                    .get("message")
                    .and_then(|m| m.as_str())
                    .unwrap_or("unknown error")
                    .to_string();
                if frame.get("retryable").and_then(|r| r.as_bool()) == Some(true) {
                    return Ok(V2Outcome::RetryableError(message));
                }
                return Err(CasError::Protocol(format!(
                    "the CAS refused the shard: {message}"
                )));
            }
            // Progress frames ("validating", "committing") and future kinds.
            _ => {}
        }
    }
    // The stream broke off before its verdict: the upload is idempotent, try again.
    Ok(V2Outcome::RetryableError(
        "the shard upload answer ended without a result".into(),
    ))
}

async fn upload_v1(http: &Http, tokens: &TokenSource, shard: &Bytes) -> Result<(), CasError> {
    let answer = http.call(Some(tokens), post("v1/shards", shard)).await?;
    if !answer.is_success() {
        return Err(answer.into_error());
    }
    match answer.json()?.get("result").and_then(|r| r.as_u64()) {
        Some(0 | 1) => Ok(()),
        _ => Err(CasError::Protocol(format!(
            "the shard upload answer of {} has no valid result",
            answer.url
        ))),
    }
}
