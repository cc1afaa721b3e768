//! Xet uploads for Python: `xet_upload` sends files and in-memory contents through the CAS as one
//! session with the GIL released, reports progress about ten times a second, and returns plain
//! data. Failures come back as an error dict shaped like the other engines' (`kind`, `message`,
//! and for HTTP failures status, url, headers, body) for Python to map the same way.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use hfh_xet::cas::{
    self, CasError, CasOptions, CasToken, TokenSource, UploadItem, UploadProgress, UploadSource,
};
use hfh_xet::CompressionPolicy;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::interrupt::run_interruptible_with_ticks;

/// One input: a path or the content itself, its SHA-256 when known, and the `(size, mtime_ns)`
/// the file had when that SHA-256 was computed.
#[derive(FromPyObject)]
enum Source {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

type ItemTuple = (Source, Option<String>, Option<(u64, i128)>);

fn parse_sha256(text: &str) -> PyResult<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| PyValueError::new_err(format!("invalid sha256 {text:?}")))?;
    Ok(out)
}

/// Upload `items` through the CAS; see `_rust.pyi` for the contract.
#[pyfunction]
#[pyo3(signature = (
    items, *, refresh_url = None, refresh_headers = Vec::new(), token = None,
    custom_headers = Vec::new(), max_retries = 5, base_wait = 0.5, max_wait = 8.0,
    connect_timeout = 10.0, request_timeout = 300.0, max_concurrent_xorbs = 4,
    compression = "auto".to_string(), progress = None
))]
#[allow(clippy::too_many_arguments)]
fn xet_upload(
    py: Python<'_>,
    items: Vec<ItemTuple>,
    refresh_url: Option<String>,
    refresh_headers: Vec<(String, String)>,
    token: Option<(String, String, u64)>,
    custom_headers: Vec<(String, String)>,
    max_retries: u32,
    base_wait: f64,
    max_wait: f64,
    connect_timeout: f64,
    request_timeout: f64,
    max_concurrent_xorbs: usize,
    compression: String,
    progress: Option<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    let seconds = |value: f64, name: &str| {
        Duration::try_from_secs_f64(value)
            .map_err(|_| PyValueError::new_err(format!("invalid {name}: {value}")))
    };
    let opts = CasOptions {
        max_retries,
        base_wait: seconds(base_wait, "base_wait")?,
        max_wait: seconds(max_wait, "max_wait")?,
        connect_timeout: seconds(connect_timeout, "connect_timeout")?,
        request_timeout: seconds(request_timeout, "request_timeout")?,
        max_concurrent_xorbs: max_concurrent_xorbs.max(1),
        custom_headers,
        compression: CompressionPolicy::parse(&compression).ok_or_else(|| {
            PyValueError::new_err(format!("invalid compression policy {compression:?}"))
        })?,
        ..CasOptions::default()
    };
    let initial = token.map(|(cas_url, access_token, exp)| CasToken {
        cas_url: cas_url.trim_end_matches('/').to_string(),
        access_token,
        exp,
    });
    let tokens = TokenSource::new(initial, refresh_url, &refresh_headers)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let items = items
        .into_iter()
        .map(|(source, sha256, stat)| {
            Ok(UploadItem {
                source: match source {
                    Source::Bytes(data) => UploadSource::Bytes(data.into()),
                    Source::Path(path) => UploadSource::Path(path),
                },
                sha256: sha256.as_deref().map(parse_sha256).transpose()?,
                expected_stat: stat,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let counters = Arc::new(UploadProgress::default());
    let mut reported = None;
    let result = {
        let work_counters = counters.clone();
        let work = move |cancel: &hfh_core::Cancel| {
            cas::upload(items, tokens, opts, work_counters, cancel)
        };
        let tick = |py: Python<'_>| report(py, progress.as_ref(), &counters, &mut reported);
        run_interruptible_with_ticks(py, work, tick)?
    };
    report(py, progress.as_ref(), &counters, &mut reported)?;
    let dict = PyDict::new(py);
    match result {
        Ok(done) => {
            dict.set_item("ok", true)?;
            let files: Vec<(String, u64, String)> = done
                .files
                .iter()
                .map(|f| (f.xet_hash.hex(), f.size, hex::encode(f.sha256)))
                .collect();
            dict.set_item("files", files)?;
            dict.set_item("xorbs", done.xorbs)?;
            dict.set_item("xorb_bytes", done.xorb_bytes)?;
            dict.set_item("shard_bytes", done.shard_bytes)?;
            dict.set_item("new_bytes", done.new_bytes)?;
            dict.set_item("deduped_bytes", done.deduped_bytes)?;
            dict.set_item("shard_api", done.shard_api)?;
        }
        Err(error) => fill_error(&dict, &error)?,
    }
    Ok(dict.into_any().unbind())
}

type Snapshot = (u64, u64, u64, u64);

/// Calls `progress(processed, total, sent, to_send)` when a count moved since the last call.
fn report(
    py: Python<'_>,
    progress: Option<&Py<PyAny>>,
    counters: &UploadProgress,
    reported: &mut Option<Snapshot>,
) -> PyResult<()> {
    let Some(progress) = progress else {
        return Ok(());
    };
    let now = (
        counters.processed_bytes.load(Ordering::Relaxed),
        counters.total_bytes.load(Ordering::Relaxed),
        counters.transferred_bytes.load(Ordering::Relaxed),
        counters.transfer_bytes.load(Ordering::Relaxed),
    );
    if *reported == Some(now) {
        return Ok(());
    }
    *reported = Some(now);
    progress.call1(py, now)?;
    Ok(())
}

/// `ok: False` with `kind`: http, network, timeout, io, changed, protocol, invalid, cancelled.
fn fill_error(dict: &Bound<'_, PyDict>, error: &CasError) -> PyResult<()> {
    dict.set_item("ok", false)?;
    dict.set_item("message", error.to_string())?;
    match error {
        CasError::Http {
            status,
            url,
            headers,
            body,
        } => crate::errors::set_http_error(dict, *status, url, headers, body)?,
        CasError::Network { url, timeout, .. } => {
            crate::errors::set_network_error(dict, url, *timeout)?
        }
        CasError::Io { path, source } => crate::errors::set_io_error(dict, path, source)?,
        CasError::FileChanged { path, .. } => {
            dict.set_item("kind", "changed")?;
            dict.set_item("path", path)?;
        }
        CasError::Protocol(_) => dict.set_item("kind", "protocol")?,
        CasError::Invalid(_) => dict.set_item("kind", "invalid")?,
        CasError::Cancelled => dict.set_item("kind", "cancelled")?,
    }
    Ok(())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(xet_upload, m)?)?;
    Ok(())
}
