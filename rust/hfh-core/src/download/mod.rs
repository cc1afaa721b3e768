//! The transfer engine: downloads many files at once, each into a resumable partial file, then
//! verified and renamed into place.
//!
//! - Small files share one keep-alive connection pool, `Options::max_files` at a time.
//! - Files of at least `Options::parallel_threshold` bytes are split into chunks fetched over
//!   `Options::connections` ranged connections and written in place (see `ranged`).
//! - A partial file survives failures and kills; the next call resumes it (see `partial`).
//! - Files of at least `Options::direct_threshold` bytes are written with `O_DIRECT` where the
//!   filesystem allows it, unless `Options::direct_io` is off (see `direct`).
//! - When a SHA-256 is expected, the content is hashed while it arrives and must match before the
//!   rename; a mismatch deletes the partial file and fails.
//! - A connection that delivers nothing for `Options::stall_timeout` is dropped and retried;
//!   network errors, 408, 429 and 5xx are retried with exponential backoff, `max_retries` times in a
//!   row without progress.
//! - HTTP failures are not interpreted here: they come back as [`DownloadError::Http`] with the
//!   status, url, headers and body for the caller to classify.

mod direct;
mod fetch;
mod ordered;
mod partial;
mod ranged;
mod single;

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::Cancel;

pub use crate::transfer::runtime_and_client;

/// One file to download.
#[derive(Clone, Debug)]
pub struct Job {
    pub url: String,
    /// Request headers (Authorization included, if any: it is dropped on cross-host redirects).
    pub headers: Vec<(String, String)>,
    /// Where the verified file ends up (renamed from `partial`).
    pub destination: PathBuf,
    /// Where bytes go while downloading; kept on failure so that the next call resumes.
    pub partial: PathBuf,
    /// A file to `flock` for the whole download (the cache's `.locks/.../<etag>.lock`).
    pub lock: Option<PathBuf>,
    pub expected_size: Option<u64>,
    pub sha256: Option<[u8; 32]>,
    /// Download even when `destination` already exists (it is then replaced).
    pub replace: bool,
}

/// What happened to a job that did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded: `fetched` bytes came over the network, `size` is the file's final size.
    Downloaded { fetched: u64, size: u64 },
    /// `destination` existed once the lock was held (e.g. another process just finished it).
    AlreadyPresent,
}

/// Tuning of the engine; the defaults suit the Hub.
#[derive(Clone, Debug)]
pub struct Options {
    pub connections: usize,
    pub chunk_size: u64,
    pub parallel_threshold: u64,
    pub max_files: usize,
    pub stall_timeout: Duration,
    pub connect_timeout: Duration,
    pub max_retries: u32,
    pub base_wait: Duration,
    pub max_wait: Duration,
    /// Write files of at least `direct_threshold` bytes past the page cache (`O_DIRECT`).
    pub direct_io: bool,
    pub direct_threshold: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            connections: 8,
            chunk_size: 4 * 1024 * 1024,
            parallel_threshold: 64 * 1024 * 1024,
            max_files: 16,
            stall_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            max_retries: 5,
            base_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(8),
            direct_io: true,
            direct_threshold: 32 * 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
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
    #[error("Consistency check failed: file should be of size {expected} but has size {actual} ({url}).\nThis is usually due to network issues while downloading the file. Please retry with `force_download=True`.")]
    Size {
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error("Consistency check failed: the downloaded content has sha256 {actual} but {expected} was expected ({url}). The file was discarded.")]
    Checksum {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("download cancelled")]
    Cancelled,
}

impl DownloadError {
    pub(crate) fn io(path: &std::path::Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Live counters, readable from another thread while `download_all` runs.
#[derive(Debug)]
pub struct Progress {
    /// Bytes present in each job's file (resumed bytes included).
    pub done: Vec<AtomicU64>,
    /// Bytes received over the network, all jobs together.
    pub fetched: AtomicU64,
    pub finished: Vec<AtomicBool>,
}

impl Progress {
    pub fn new(jobs: usize) -> Self {
        Self {
            done: (0..jobs).map(|_| AtomicU64::new(0)).collect(),
            fetched: AtomicU64::new(0),
            finished: (0..jobs).map(|_| AtomicBool::new(false)).collect(),
        }
    }
}

/// Shared by every task of one `download_all` call.
pub(crate) struct Ctx {
    pub client: reqwest::Client,
    pub opts: Options,
    pub cancel: Cancel,
    pub progress: Arc<Progress>,
}

/// The result of each job, in input order: `None` for a job that was not run or was stopped
/// because another one failed (its partial file is kept), else its outcome or error.
pub type JobResults = Vec<Option<Result<Outcome, DownloadError>>>;

/// Download `jobs`; stops starting new ones at the first failure, which is returned in its slot.
pub fn download_all(
    jobs: Vec<Job>,
    opts: Options,
    progress: Arc<Progress>,
    cancel: &Cancel,
) -> JobResults {
    let count = jobs.len();
    let (runtime, client) = match runtime_and_client(opts.connect_timeout) {
        Ok(pair) => pair,
        Err(error) => {
            let message = format!("cannot start the transfer engine: {error}");
            let mut results: JobResults = (0..count).map(|_| None).collect();
            if let Some(first) = results.first_mut() {
                *first = Some(Err(DownloadError::Invalid(message)));
            }
            return results;
        }
    };
    // A failure stops the batch through this flag; the caller's Ctrl-C sets it too.
    let batch_cancel = Cancel::new();
    let user_cancel = cancel.clone();
    let max_files = opts.max_files.max(1);
    let ctx = Arc::new(Ctx {
        client,
        opts,
        cancel: batch_cancel.clone(),
        progress,
    });
    runtime.block_on(async move {
        let watcher = {
            let batch_cancel = batch_cancel.clone();
            tokio::spawn(async move {
                while !batch_cancel.is_cancelled() {
                    if user_cancel.is_cancelled() {
                        batch_cancel.cancel();
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let slots = Arc::new(tokio::sync::Semaphore::new(max_files));
        let mut set = tokio::task::JoinSet::new();
        for (index, job) in jobs.into_iter().enumerate() {
            let ctx = ctx.clone();
            let slots = slots.clone();
            set.spawn(async move {
                let _permit = slots.acquire_owned().await.ok();
                if ctx.cancel.is_cancelled() {
                    return (index, None);
                }
                let result = run_job(&ctx, &job, index).await;
                ctx.progress.finished[index].store(true, Ordering::Relaxed);
                match result {
                    Err(DownloadError::Cancelled) => (index, None),
                    Err(error) => {
                        ctx.cancel.cancel();
                        (index, Some(Err(error)))
                    }
                    Ok(outcome) => (index, Some(Ok(outcome))),
                }
            });
        }
        let mut results: JobResults = (0..count).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((index, result)) => results[index] = result,
                Err(panic) => {
                    ctx.cancel.cancel();
                    let message = format!("transfer task failed: {panic}");
                    if let Some(slot) = results.iter_mut().find(|slot| slot.is_none()) {
                        *slot = Some(Err(DownloadError::Invalid(message)));
                    }
                }
            }
        }
        batch_cancel.cancel();
        let _ = watcher.await;
        results
    })
}

async fn run_job(ctx: &Arc<Ctx>, job: &Job, index: usize) -> Result<Outcome, DownloadError> {
    let headers = header_map(&job.headers)?;
    let _lock = match &job.lock {
        Some(path) => Some(partial::lock(path, &ctx.cancel).await?),
        None => None,
    };
    if !job.replace && job.destination.exists() {
        return Ok(Outcome::AlreadyPresent);
    }
    if let Some(parent) = job.partial.parent() {
        std::fs::create_dir_all(parent).map_err(|e| DownloadError::io(parent, e))?;
    }
    let result = match job.expected_size {
        Some(size) if size >= ctx.opts.parallel_threshold && ctx.opts.connections > 1 => {
            match ranged::download(ctx, job, &headers, size, index).await {
                Err(ranged::Fallback::RangesUnsupported) => {
                    single::download(ctx, job, &headers, index).await
                }
                Err(ranged::Fallback::Failed(error)) => Err(error),
                Ok(fetched) => Ok(fetched),
            }
        }
        _ => single::download(ctx, job, &headers, index).await,
    };
    let fetched = match result {
        Ok(fetched) => fetched,
        Err(error) => {
            if discard_partial_after(&error) {
                partial::discard(&job.partial);
            }
            return Err(error);
        }
    };
    let size = std::fs::metadata(&job.partial)
        .map_err(|e| DownloadError::io(&job.partial, e))?
        .len();
    if let Some(parent) = job.destination.parent() {
        std::fs::create_dir_all(parent).map_err(|e| DownloadError::io(parent, e))?;
    }
    std::fs::rename(&job.partial, &job.destination)
        .map_err(|e| DownloadError::io(&job.destination, e))?;
    partial::discard_state(&job.partial);
    Ok(Outcome::Downloaded { fetched, size })
}

/// Errors after which the partial file is useless (wrong content) or harmful (a full disk).
fn discard_partial_after(error: &DownloadError) -> bool {
    match error {
        DownloadError::Checksum { .. } | DownloadError::Size { .. } => true,
        DownloadError::Io { source, .. } => {
            matches!(source.raw_os_error(), Some(28) | Some(27) | Some(122))
        }
        _ => false,
    }
}

fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, DownloadError> {
    crate::transfer::header_map(headers).map_err(DownloadError::Invalid)
}

#[cfg(test)]
mod direct_tests;
#[cfg(test)]
mod test_server;
#[cfg(test)]
mod tests;
