//! The upload engine: `PUT`s byte ranges of one local file to pre-signed URLs (LFS multipart
//! parts, or the whole file for a basic transfer).
//!
//! - Each part is streamed from disk block by block (`body`), so memory stays at a few blocks
//!   per connection whatever the file size; `Progress::peak_buffered` shows it.
//! - Parts run `Options::max_workers` at a time over the shared keep-alive connection pool.
//! - Connection errors, stalls (`Options::stall_timeout` without sending a block or getting an
//!   answer), 408, 429 and 5xx are retried with exponential backoff (honouring `Retry-After`),
//!   re-reading the range from disk, up to `Options::max_retries` times per part.
//! - No header is added but `Content-Length`: the caller passes what each request needs (the
//!   URLs are pre-signed, so usually nothing).
//! - A file that is shorter than a range, or changes size while it is uploaded, fails that part.
//! - HTTP failures are not interpreted: they come back with status, url, headers and body.
//! - After a part fails for good, parts not yet started are skipped; Ctrl-C (`Cancel`) stops all.

mod body;
mod put;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::transfer;
use crate::Cancel;

pub use body::READ_BLOCK;

/// One `PUT`: bytes `[offset, offset + length)` of the file to `url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub url: String,
    pub offset: u64,
    pub length: u64,
}

/// Tuning of the engine.
#[derive(Clone, Debug)]
pub struct Options {
    /// Parts in flight at once.
    pub max_workers: usize,
    /// Further attempts of a part after its first one fails with a retryable error.
    pub max_retries: u32,
    pub base_wait: Duration,
    pub max_wait: Duration,
    pub connect_timeout: Duration,
    pub stall_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_workers: 8,
            max_retries: 5,
            base_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(8),
            connect_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(30),
        }
    }
}

/// The successful answer to a part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uploaded {
    pub status: u16,
    /// The `ETag` header, verbatim (quotes included), as multipart completion needs it.
    pub etag: Option<String>,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("HTTP {status} for url {url}")]
    Http {
        status: u16,
        url: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    #[error("{message} (url: {url})")]
    Network {
        url: String,
        message: String,
        timeout: bool,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0}")]
    Invalid(String),
    /// Not attempted because part `failed` (0-based) had failed for good.
    #[error("not attempted: part {} failed first", failed + 1)]
    Skipped { failed: usize },
    #[error("upload cancelled")]
    Cancelled,
}

/// Live counters, readable from another thread while an upload runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes sent, all parts together; a retried attempt counts only beyond where an earlier
    /// attempt of its part got.
    pub sent: AtomicU64,
    /// Bytes read from disk and not yet released by the HTTP stack.
    pub buffered: AtomicU64,
    /// The most `buffered` ever reached.
    pub peak_buffered: AtomicU64,
}

/// Shared by every part of one call.
pub(crate) struct Ctx {
    pub client: reqwest::Client,
    pub opts: Options,
    /// Set by the caller (Ctrl-C): every part stops.
    pub cancel: Cancel,
    pub progress: Arc<Progress>,
    pub path: PathBuf,
}

impl Ctx {
    pub fn io_error(&self, source: io::Error) -> UploadError {
        UploadError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

/// One result per part, in input order.
pub type PartResults = Vec<Result<Uploaded, UploadError>>;

/// Uploads `parts` of the file at `path`, each request with `headers` (plus `Content-Length`).
pub fn upload_parts(
    path: &Path,
    parts: Vec<Part>,
    headers: &[(String, String)],
    opts: Options,
    progress: Arc<Progress>,
    cancel: &Cancel,
) -> PartResults {
    let count = parts.len();
    let fail_all = |make: &dyn Fn() -> UploadError| (0..count).map(|_| Err(make())).collect();
    let header_map = match transfer::header_map(&request_headers(headers)) {
        Ok(map) => map,
        Err(message) => return fail_all(&|| UploadError::Invalid(message.clone())),
    };
    let opened = File::open(path).and_then(|file| {
        let size = file.metadata()?.len();
        Ok((file, size))
    });
    let (file, file_size) = match opened {
        Ok(pair) => pair,
        Err(error) => {
            return fail_all(&|| UploadError::Io {
                path: path.to_path_buf(),
                source: copy_io_error(&error),
            })
        }
    };
    let (runtime, client) = match transfer::runtime_and_client(opts.connect_timeout) {
        Ok(pair) => pair,
        Err(error) => {
            let message = format!("cannot start the transfer engine: {error}");
            return fail_all(&|| UploadError::Invalid(message.clone()));
        }
    };
    let max_workers = opts.max_workers.max(1);
    let ctx = Arc::new(Ctx {
        client,
        opts,
        cancel: cancel.clone(),
        progress,
        path: path.to_path_buf(),
    });
    let file = Arc::new(file);
    let parts = Arc::new(parts);
    runtime.block_on(async move {
        // Workers take parts in input order, so a part skipped after a failure always comes
        // after the one that failed.
        let next = Arc::new(AtomicUsize::new(0));
        let first_failure = Arc::new(AtomicUsize::new(usize::MAX));
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..max_workers.min(count) {
            let (ctx, file, parts, header_map, next, first_failure) = (
                ctx.clone(),
                file.clone(),
                parts.clone(),
                header_map.clone(),
                next.clone(),
                first_failure.clone(),
            );
            set.spawn(async move {
                let mut done = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(part) = parts.get(index) else {
                        return done;
                    };
                    let failed = first_failure.load(Ordering::SeqCst);
                    let result = if ctx.cancel.is_cancelled() {
                        Err(UploadError::Cancelled)
                    } else if failed != usize::MAX {
                        Err(UploadError::Skipped { failed })
                    } else {
                        let result = match check_range(part, file_size) {
                            Err(message) => Err(
                                ctx.io_error(io::Error::new(io::ErrorKind::UnexpectedEof, message))
                            ),
                            Ok(()) => {
                                put::put_part(&ctx, &file, file_size, part, &header_map).await
                            }
                        };
                        if matches!(&result, Err(e) if !matches!(e, UploadError::Cancelled)) {
                            let _ = first_failure.compare_exchange(
                                usize::MAX,
                                index,
                                Ordering::SeqCst,
                                Ordering::SeqCst,
                            );
                        }
                        result
                    };
                    done.push((index, result));
                }
            });
        }
        let mut results: Vec<Option<Result<Uploaded, UploadError>>> =
            (0..count).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok(done) = joined {
                for (index, result) in done {
                    results[index] = Some(result);
                }
            }
        }
        results
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|| Err(UploadError::Invalid("upload task failed".into())))
            })
            .collect()
    })
}

/// Uploads the whole file in one `PUT` (an LFS basic transfer).
pub fn upload_file(
    path: &Path,
    url: &str,
    headers: &[(String, String)],
    opts: Options,
    progress: Arc<Progress>,
    cancel: &Cancel,
) -> Result<Uploaded, UploadError> {
    let length = std::fs::metadata(path)
        .map_err(|source| UploadError::Io {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    let part = Part {
        url: url.to_string(),
        offset: 0,
        length,
    };
    upload_parts(path, vec![part], headers, opts, progress, cancel)
        .pop()
        .unwrap_or(Err(UploadError::Cancelled))
}

/// The caller's headers without those the engine sets from the body itself.
fn request_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            !name.eq_ignore_ascii_case("content-length")
                && !name.eq_ignore_ascii_case("transfer-encoding")
        })
        .cloned()
        .collect()
}

fn check_range(part: &Part, file_size: u64) -> Result<(), String> {
    match part.offset.checked_add(part.length) {
        Some(end) if end <= file_size => Ok(()),
        _ => Err(format!(
            "the file has {file_size} bytes, too few for the part at bytes [{}, {}+{})",
            part.offset, part.offset, part.length
        )),
    }
}

/// `io::Error` is not `Clone`: the same error for several parts.
fn copy_io_error(error: &io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(error.kind(), error.to_string()),
    }
}

#[cfg(test)]
mod test_server;
#[cfg(test)]
mod tests;
