//! One CAS (or token-route) call with retries, timeouts and Ctrl-C.
//!
//! Retried, as `hf_xet` does (xet-protocol 5.8): 5xx except 501 (which means "use the older API"),
//! 408, 429, connection failures, timeouts, and bodies that break off. Every attempt has a
//! deadline (`request_timeout`), so a silent server cannot hang an upload. The CAS token is
//! fetched for each attempt (it may have been refreshed meanwhile), and a 401 from the CAS
//! forces one refresh before giving up.

use std::time::Duration;

use hfh_core::transfer::{self, cancelled, sleep_unless_cancelled};
use hfh_core::Cancel;
use reqwest::header::HeaderMap;

use super::token::{CasToken, TokenSource};
use super::{CasError, CasOptions};

/// Largest answer body kept (CAS answers are small JSON documents or shards).
const MAX_ANSWER_BODY: usize = 64 * 1024 * 1024;

/// A complete answer: status, headers and body.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub url: String,
}

impl Answer {
    /// This answer as the error the caller reports.
    pub fn into_error(self) -> CasError {
        CasError::Http {
            status: self.status,
            url: self.url,
            headers: transfer::header_pairs(&self.headers),
            body: self.body,
        }
    }

    pub fn json(&self) -> Result<serde_json::Value, CasError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            CasError::Protocol(format!("malformed JSON answer from {}: {e}", self.url))
        })
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

pub(crate) struct Http {
    pub client: reqwest::Client,
    pub opts: CasOptions,
    pub cancel: Cancel,
    /// Sent with every request: the caller's custom headers and the session id.
    pub base_headers: HeaderMap,
}

fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (status >= 500 && status != 501)
}

enum Attempt {
    Done(Answer),
    Retry(CasError, Option<Duration>),
    Fatal(CasError),
}

impl Http {
    pub fn new(
        client: reqwest::Client,
        opts: CasOptions,
        cancel: Cancel,
        session_id: &str,
    ) -> Result<Self, CasError> {
        let mut pairs = opts.custom_headers.clone();
        pairs.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
        pairs.push(("X-Xet-Session-Id".to_string(), session_id.to_string()));
        let base_headers = transfer::header_map(&pairs).map_err(CasError::Invalid)?;
        Ok(Self {
            client,
            opts,
            cancel,
            base_headers,
        })
    }

    /// Sends what `build` makes (given the current CAS token when `auth` is set) until the
    /// answer is final, and reads it whole. Non-retryable statuses come back as answers for the
    /// caller to judge; retryable ones that persist come back as errors.
    pub async fn call(
        &self,
        auth: Option<&TokenSource>,
        build: impl Fn(&reqwest::Client, Option<&CasToken>) -> reqwest::RequestBuilder,
    ) -> Result<Answer, CasError> {
        let mut failures = 0u32;
        let mut wait = self.opts.base_wait;
        let mut refreshed = false;
        loop {
            if self.cancel.is_cancelled() {
                return Err(CasError::Cancelled);
            }
            let token = match auth {
                Some(source) => Some(source.get(self).await?),
                None => None,
            };
            let builder = build(&self.client, token.as_ref()).timeout(self.opts.request_timeout);
            let outcome = tokio::select! {
                outcome = self.attempt(builder) => outcome,
                _ = cancelled(&self.cancel) => return Err(CasError::Cancelled),
            };
            let (error, retry_after) = match outcome {
                Attempt::Done(answer) => {
                    if answer.status == 401 && !refreshed {
                        if let Some(source) = auth {
                            // The CAS refused the token: it may have been revoked or have
                            // expired early; one fresh token decides.
                            refreshed = true;
                            source.invalidate().await;
                            continue;
                        }
                    }
                    return Ok(answer);
                }
                Attempt::Fatal(error) => return Err(error),
                Attempt::Retry(error, retry_after) => (error, retry_after),
            };
            failures += 1;
            if failures > self.opts.max_retries {
                return Err(error);
            }
            let pause = retry_after
                .map(|p| p.min(self.opts.max_wait))
                .unwrap_or(wait);
            sleep_unless_cancelled(&self.cancel, pause)
                .await
                .map_err(|()| CasError::Cancelled)?;
            wait = (wait * 2).min(self.opts.max_wait);
        }
    }

    async fn attempt(&self, builder: reqwest::RequestBuilder) -> Attempt {
        let request = match builder.headers(self.base_headers.clone()).build() {
            Ok(request) => request,
            Err(error) => {
                return Attempt::Fatal(CasError::Invalid(transfer::error_message(&error)))
            }
        };
        let url = request.url().to_string();
        let response = match self.client.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                let failure = network(&url, &error);
                return if error.is_builder() || error.is_redirect() {
                    Attempt::Fatal(failure)
                } else {
                    Attempt::Retry(failure, None)
                };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = match read_limited(response).await {
            Ok(body) => body,
            Err(error) => return Attempt::Retry(network(&url, &error), None),
        };
        let answer = Answer {
            status,
            headers,
            body,
            url,
        };
        if retryable_status(status) {
            let retry_after = transfer::retry_after(&answer.headers);
            return Attempt::Retry(answer.into_error(), retry_after);
        }
        Attempt::Done(answer)
    }
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ANSWER_BODY {
            body.truncate(MAX_ANSWER_BODY);
            break;
        }
    }
    Ok(body)
}

pub(crate) fn network(url: &str, error: &reqwest::Error) -> CasError {
    CasError::Network {
        url: url.to_string(),
        message: transfer::error_message(error),
        timeout: error.is_timeout(),
    }
}
