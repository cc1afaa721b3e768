//! What the download and upload engines share: the process-wide runtime and HTTP client, the
//! retry policy (which statuses, how long to wait, cancellable sleeps), how a failed response is
//! captured for the caller to classify, and positional file I/O.

mod runtime;

use std::fs::File;
use std::io;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};

use crate::Cancel;

pub use runtime::runtime_and_client;

/// Statuses worth another attempt: timeouts, rate limits and server-side failures.
pub const RETRY_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// At most this much of an error response's body is kept.
pub const MAX_ERROR_BODY: usize = 1024 * 1024;

/// How often cancellable waits look at their flag.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// Resolves once `cancel` is set.
pub async fn cancelled(cancel: &Cancel) {
    while !cancel.is_cancelled() {
        tokio::time::sleep(CANCEL_POLL).await;
    }
}

/// Sleeps for `pause`; `Err(())` if `cancel` is set first.
pub async fn sleep_unless_cancelled(cancel: &Cancel, pause: Duration) -> Result<(), ()> {
    tokio::select! {
        _ = tokio::time::sleep(pause) => Ok(()),
        _ = cancelled(cancel) => Err(()),
    }
}

/// `Retry-After: <seconds>` as a pause (one second more, so the server's window has passed).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|secs| Duration::from_secs(secs + 1))
}

/// A reqwest error with its whole chain of causes ("error sending request: connection reset").
pub fn error_message(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Response headers as `(name, value)` pairs, for an error the caller classifies.
pub fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Reads up to [`MAX_ERROR_BODY`] bytes of an error response, giving up on a stalled body.
pub async fn error_body(response: &mut reqwest::Response, stall_timeout: Duration) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY {
        match tokio::time::timeout(stall_timeout, response.chunk()).await {
            Ok(Ok(Some(bytes))) => body.extend_from_slice(&bytes),
            _ => break,
        }
    }
    body.truncate(MAX_ERROR_BODY);
    body
}

/// Builds request headers; `Err(message)` for a name or value HTTP does not allow.
pub fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))?;
        let value =
            HeaderValue::from_str(value).map_err(|_| format!("invalid value for header {name}"))?;
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(unix)]
pub fn write_at(file: &File, data: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(data, offset)
}

#[cfg(windows)]
pub fn write_at(file: &File, mut data: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !data.is_empty() {
        let n = file.seek_write(data, offset)?;
        data = &data[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(unix)]
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    file.read_at(buf, offset)
}

#[cfg(windows)]
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    file.seek_read(buf, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_and_header_maps() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 3 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(4)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);

        let pairs = vec![
            ("x-a".to_string(), "1".to_string()),
            ("x-a".to_string(), "2".to_string()),
        ];
        let map = header_map(&pairs).unwrap();
        assert_eq!(map.get_all("x-a").iter().count(), 2);
        assert_eq!(header_pairs(&map), pairs);
        assert!(header_map(&[("bad name".into(), "v".into())]).is_err());
        assert!(header_map(&[("x".into(), "a\nb".into())]).is_err());
    }
}
