//! One part: `PUT` of a byte range, retried with backoff on connection errors, stalls, 408, 429
//! and 5xx. Every attempt reads its range from disk again.

use std::fs::File;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, ETAG};

use super::body::{current_size, PartState, RangeBody};
use super::{Ctx, Part, UploadError, Uploaded};
use crate::transfer::{self, cancelled, RETRY_STATUSES};

/// Why an attempt failed, and whether another one may succeed.
struct Failure {
    error: UploadError,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl From<UploadError> for Failure {
    fn from(error: UploadError) -> Self {
        Self {
            error,
            retryable: false,
            retry_after: None,
        }
    }
}

/// Uploads `part` of `file` (whose size was `file_size` when the upload started).
pub(crate) async fn put_part(
    ctx: &Ctx,
    file: &Arc<File>,
    file_size: u64,
    part: &Part,
    headers: &HeaderMap,
) -> Result<Uploaded, UploadError> {
    let state = Arc::new(PartState::new());
    let mut failures = 0u32;
    let mut wait = ctx.opts.base_wait;
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(UploadError::Cancelled);
        }
        let failure = match attempt(ctx, file, part, headers, &state).await {
            Ok(uploaded) => {
                // Bytes from a file that changed size midway cannot be trusted, even if the
                // server took them.
                let now = current_size(file, &ctx.path).map_err(|e| ctx.io_error(e))?;
                if now != file_size {
                    return Err(ctx.io_error(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "the file changed size during the upload ({file_size} bytes when it \
                             started, {now} now)"
                        ),
                    )));
                }
                return Ok(uploaded);
            }
            Err(failure) => failure,
        };
        if !failure.retryable {
            return Err(failure.error);
        }
        failures += 1;
        if failures > ctx.opts.max_retries {
            return Err(failure.error);
        }
        let pause = failure.retry_after.unwrap_or(wait);
        transfer::sleep_unless_cancelled(&ctx.cancel, pause)
            .await
            .map_err(|()| UploadError::Cancelled)?;
        wait = (wait * 2).min(ctx.opts.max_wait);
    }
}

async fn attempt(
    ctx: &Ctx,
    file: &Arc<File>,
    part: &Part,
    headers: &HeaderMap,
    state: &Arc<PartState>,
) -> Result<Uploaded, Failure> {
    state.start_attempt();
    let body = RangeBody::new(
        file.clone(),
        part.offset,
        part.length,
        state.clone(),
        ctx.progress.clone(),
    );
    let request = ctx
        .client
        .put(&part.url)
        .headers(headers.clone())
        .header(CONTENT_LENGTH, HeaderValue::from(part.length))
        .body(reqwest::Body::wrap(body))
        .send();
    tokio::pin!(request);
    // The request may sit idle (nothing read from the body, no answer) for `stall_timeout`.
    let sent = loop {
        let deadline = state.last_activity() + ctx.opts.stall_timeout;
        tokio::select! {
            result = &mut request => break result,
            _ = tokio::time::sleep_until(deadline.into()) => {
                if state.last_activity() + ctx.opts.stall_timeout <= std::time::Instant::now() {
                    return Err(stalled(ctx, &part.url));
                }
            }
            _ = cancelled(&ctx.cancel) => return Err(UploadError::Cancelled.into()),
        }
    };
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => {
            // Our own read failure surfaces as a request error: it is not the network's fault.
            if let Some(read_error) = state.take_read_error() {
                return Err(ctx.io_error(read_error).into());
            }
            return Err(network(&part.url, &error));
        }
    };
    let status = response.status();
    if !status.is_success() {
        return Err(http_failure(ctx, &part.url, response).await);
    }
    let etag = response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response_headers = transfer::header_pairs(response.headers());
    // Drain the (normally empty) body so the connection goes back to the pool.
    loop {
        let chunk = tokio::select! {
            chunk = tokio::time::timeout(ctx.opts.stall_timeout, response.chunk()) => chunk,
            _ = cancelled(&ctx.cancel) => return Err(UploadError::Cancelled.into()),
        };
        match chunk {
            Ok(Ok(Some(_))) => {}
            Ok(Ok(None)) => break,
            Ok(Err(error)) => return Err(network(&part.url, &error)),
            Err(_) => return Err(stalled(ctx, &part.url)),
        }
    }
    Ok(Uploaded {
        status: status.as_u16(),
        etag,
        headers: response_headers,
    })
}

fn stalled(ctx: &Ctx, url: &str) -> Failure {
    Failure {
        error: UploadError::Network {
            url: url.to_string(),
            message: format!(
                "the upload made no progress for {:?}",
                ctx.opts.stall_timeout
            ),
            timeout: true,
        },
        retryable: true,
        retry_after: None,
    }
}

fn network(url: &str, error: &reqwest::Error) -> Failure {
    Failure {
        error: UploadError::Network {
            url: url.to_string(),
            message: transfer::error_message(error),
            timeout: error.is_timeout(),
        },
        // A malformed URL or a redirect loop will not fix itself.
        retryable: !error.is_redirect() && !error.is_builder(),
        retry_after: None,
    }
}

async fn http_failure(ctx: &Ctx, url: &str, mut response: reqwest::Response) -> Failure {
    let status = response.status();
    let retry_after = transfer::retry_after(response.headers());
    let headers = transfer::header_pairs(response.headers());
    let body = transfer::error_body(&mut response, ctx.opts.stall_timeout).await;
    Failure {
        error: UploadError::Http {
            status: status.as_u16(),
            url: url.to_string(),
            headers,
            body,
        },
        retryable: RETRY_STATUSES.contains(&status.as_u16()),
        retry_after,
    }
}
