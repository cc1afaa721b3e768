//! The CAS client: what moves Xet content between this machine and a Xet storage service.
//!
//! - `token`: the short-lived CAS access token, re-fetched from the Hub's token route when it is
//!   about to expire (or was refused);
//! - `http`: requests with the retry policy of `hf_xet` (5xx, 408, 429 and network failures are
//!   retried; 501 is not, it means "older API") but with short, configurable delays, and a
//!   timeout on every call;
//! - `upload`/`session`: files and in-memory contents are read once, chunked, hashed (SHA-256 on
//!   a helper thread during the same read), deduplicated within the session, cut into xorbs that
//!   are uploaded concurrently with bounded memory, then described by one shard;
//! - `xorb_upload`, `shard_upload`: the two write calls of the CAS API (upload grants with the
//!   direct `POST /v1/xorbs` fallback; `/v2/shards` with the `/v1/shards` fallback).
//!
//! Failures are not classified here: an HTTP failure carries status, url, headers and body for
//! the caller to map (Python maps it like every other Hub error).

mod body;
pub mod crc64;
mod http;
mod session;
mod shard_upload;
mod token;
mod upload;
mod xorb_upload;

use std::path::PathBuf;
use std::time::Duration;

pub use session::UploadedFile;

use crate::compression::CompressionPolicy;
pub use token::{CasToken, TokenSource};
pub use upload::{upload, UploadItem, UploadProgress, UploadReport, UploadSource};

/// The key prefix every client uses for xorbs and chunk queries.
pub const DEFAULT_PREFIX: &str = "default";

/// Tuning of the CAS client.
#[derive(Clone, Debug)]
pub struct CasOptions {
    /// Further attempts of a call after a retryable failure.
    pub max_retries: u32,
    /// First pause between attempts; doubles up to `max_wait` (`Retry-After` wins when given).
    pub base_wait: Duration,
    pub max_wait: Duration,
    pub connect_timeout: Duration,
    /// Limit on one whole request (sending and answer), so that nothing hangs.
    pub request_timeout: Duration,
    /// Xorbs uploaded at once.
    pub max_concurrent_xorbs: usize,
    /// Headers sent with every CAS request (the Hub headers without `Authorization`).
    pub custom_headers: Vec<(String, String)>,
    /// Refresh the token when it expires within this margin.
    pub token_refresh_margin: Duration,
    /// How xorb chunks are compressed.
    pub compression: CompressionPolicy,
}

impl Default for CasOptions {
    fn default() -> Self {
        Self {
            max_retries: 5,
            base_wait: Duration::from_millis(500),
            max_wait: Duration::from_secs(8),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
            max_concurrent_xorbs: 4,
            custom_headers: Vec::new(),
            token_refresh_margin: Duration::from_secs(30),
            compression: CompressionPolicy::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CasError {
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
        source: std::io::Error,
    },
    /// A local file changed (size or modification time) while it was read.
    #[error("{}: {message}", path.display())]
    FileChanged { path: PathBuf, message: String },
    /// The server answered something this client cannot use.
    #[error("{0}")]
    Protocol(String),
    #[error("{0}")]
    Invalid(String),
    #[error("upload cancelled")]
    Cancelled,
}

impl CasError {
    pub fn status(&self) -> Option<u16> {
        match self {
            CasError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod test_cas;
#[cfg(test)]
mod tests;
