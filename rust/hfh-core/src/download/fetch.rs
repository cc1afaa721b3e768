//! One byte range over HTTP, with retries: stall detection, backoff, resumption after a cut.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_RANGE, RANGE};
use reqwest::StatusCode;

use super::{Ctx, DownloadError};
use crate::transfer::{self, cancelled, RETRY_STATUSES};
use crate::Cancel;

/// Where downloaded bytes go.
pub(crate) trait Sink {
    /// `data` belongs at absolute offset `offset` of the file.
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), DownloadError>;
    /// Push buffered bytes to disk (called after every attempt, successful or not).
    fn flush(&mut self) -> Result<(), DownloadError>;
    /// The server ignored `Range` and is sending everything from byte 0.
    fn restart(&mut self) -> Result<(), DownloadError>;
}

/// Which bytes to ask for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Span {
    /// From `start` to the end of the content (`Range: bytes=start-` unless `start` is 0).
    From(u64),
    /// `[start, end)`, always with a `Range` header.
    Between(u64, u64),
}

pub(crate) enum Fetched {
    Complete,
    /// A ranged request answered 200: the server does not do ranges.
    RangeIgnored,
}

struct Failure {
    error: DownloadError,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl From<DownloadError> for Failure {
    fn from(error: DownloadError) -> Self {
        Self {
            error,
            retryable: false,
            retry_after: None,
        }
    }
}

/// Fetch `span` of `url` into `sink`, resuming where a failed attempt stopped. Gives up after
/// `max_retries` consecutive failed attempts that brought no byte.
pub(crate) async fn fetch(
    ctx: &Ctx,
    url: &str,
    headers: &HeaderMap,
    span: Span,
    sink: &mut (dyn Sink + Send),
) -> Result<Fetched, DownloadError> {
    let (mut position, end, ranged) = match span {
        Span::From(start) => (start, None, false),
        Span::Between(start, end) => (start, Some(end), true),
    };
    let mut failures = 0u32;
    let mut wait = ctx.opts.base_wait;
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(DownloadError::Cancelled);
        }
        let before = position;
        let result = attempt(ctx, url, headers, &mut position, end, ranged, sink).await;
        sink.flush()?;
        let failure = match result {
            Ok(fetched) => return Ok(fetched),
            Err(failure) => failure,
        };
        if !failure.retryable {
            return Err(failure.error);
        }
        if position > before {
            failures = 0;
            wait = ctx.opts.base_wait;
        }
        failures += 1;
        if failures > ctx.opts.max_retries {
            return Err(failure.error);
        }
        let pause = failure.retry_after.unwrap_or(wait);
        sleep_unless_cancelled(&ctx.cancel, pause).await?;
        wait = (wait * 2).min(ctx.opts.max_wait);
    }
}

async fn attempt(
    ctx: &Ctx,
    url: &str,
    headers: &HeaderMap,
    position: &mut u64,
    end: Option<u64>,
    ranged: bool,
    sink: &mut (dyn Sink + Send),
) -> Result<Fetched, Failure> {
    let mut request = ctx.client.get(url).headers(headers.clone());
    let range_sent = ranged || *position > 0;
    if range_sent {
        let value = match end {
            Some(end) => format!("bytes={}-{}", *position, end - 1),
            None => format!("bytes={}-", *position),
        };
        request = request.header(RANGE, HeaderValue::from_str(&value).expect("ascii"));
    }
    let mut response = guarded(ctx, url, request.send())
        .await?
        .map_err(|e| network(url, &e))?;
    let status = response.status();
    if status == StatusCode::PARTIAL_CONTENT {
        let start = content_range_start(response.headers().get(CONTENT_RANGE));
        if start != Some(*position) {
            return Err(DownloadError::Network {
                url: url.to_string(),
                message: format!(
                    "the server answered an unexpected range ({start:?} instead of {})",
                    *position
                ),
                timeout: false,
            }
            .into());
        }
    } else if status == StatusCode::OK {
        if range_sent {
            if ranged {
                return Ok(Fetched::RangeIgnored);
            }
            sink.restart()?;
            *position = 0;
        }
    } else {
        return Err(http_failure(ctx, url, response).await);
    }
    loop {
        let chunk = match guarded(ctx, url, response.chunk()).await? {
            Ok(chunk) => chunk,
            Err(e) => return Err(network(url, &e)),
        };
        let Some(mut bytes) = chunk else {
            if let Some(end) = end {
                if *position < end {
                    return Err(Failure {
                        error: DownloadError::Network {
                            url: url.to_string(),
                            message: "the connection closed before the end of the content".into(),
                            timeout: false,
                        },
                        retryable: true,
                        retry_after: None,
                    });
                }
            }
            return Ok(Fetched::Complete);
        };
        if let Some(end) = end {
            let room = end.saturating_sub(*position) as usize;
            if bytes.len() > room {
                bytes.truncate(room);
            }
        }
        sink.write(*position, &bytes)?;
        *position += bytes.len() as u64;
        ctx.progress
            .fetched
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if end.is_some_and(|end| *position >= end) {
            return Ok(Fetched::Complete);
        }
    }
}

/// Run `future` unless it stalls for `stall_timeout` or the batch is cancelled.
async fn guarded<T>(ctx: &Ctx, url: &str, future: impl Future<Output = T>) -> Result<T, Failure> {
    tokio::select! {
        result = tokio::time::timeout(ctx.opts.stall_timeout, future) => result.map_err(|_| Failure {
            error: DownloadError::Network {
                url: url.to_string(),
                message: format!("no data received for {:?}", ctx.opts.stall_timeout),
                timeout: true,
            },
            retryable: true,
            retry_after: None,
        }),
        _ = cancelled(&ctx.cancel) => Err(DownloadError::Cancelled.into()),
    }
}

async fn sleep_unless_cancelled(cancel: &Cancel, pause: Duration) -> Result<(), DownloadError> {
    transfer::sleep_unless_cancelled(cancel, pause)
        .await
        .map_err(|()| DownloadError::Cancelled)
}

fn network(url: &str, error: &reqwest::Error) -> Failure {
    Failure {
        error: DownloadError::Network {
            url: url.to_string(),
            message: transfer::error_message(error),
            timeout: error.is_timeout(),
        },
        // A redirect loop or a malformed URL will not fix itself.
        retryable: !error.is_redirect() && !error.is_builder(),
        retry_after: None,
    }
}

async fn http_failure(ctx: &Ctx, url: &str, mut response: reqwest::Response) -> Failure {
    let status = response.status().as_u16();
    let retryable = RETRY_STATUSES.contains(&status);
    let retry_after = transfer::retry_after(response.headers());
    let headers = transfer::header_pairs(response.headers());
    let final_url = response.url().to_string();
    let body = transfer::error_body(&mut response, ctx.opts.stall_timeout).await;
    let _ = url;
    Failure {
        error: DownloadError::Http {
            status,
            url: final_url,
            headers,
            body,
        },
        retryable,
        retry_after,
    }
}

/// The first byte position of `Content-Range: bytes a-b/total`.
fn content_range_start(value: Option<&HeaderValue>) -> Option<u64> {
    let text = value?.to_str().ok()?.trim();
    let rest = text.strip_prefix("bytes")?.trim_start();
    let (start, _) = rest.split_once('-')?;
    start.trim().parse().ok()
}

#[cfg(test)]
pub(crate) fn parse_content_range_start(value: &str) -> Option<u64> {
    content_range_start(Some(&HeaderValue::from_str(value).ok()?))
}
