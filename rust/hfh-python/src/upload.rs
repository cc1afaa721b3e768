//! The upload engine for Python: `upload_parts` PUTs byte ranges of one file with the GIL
//! released, reports the bytes sent to a Python callable about ten times a second, and returns
//! one result per part as plain data. HTTP failures come back unclassified (status, url,
//! headers, body), shaped like `download_files`' errors, for Python to map the same way.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::interrupt::run_interruptible_with_ticks;
use hfh_core::upload::{self, Options, Part, Progress, UploadError, Uploaded};
use hfh_core::Cancel;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Upload `parts` of the file at `path`; see `_rust.pyi` for the contract.
#[pyfunction]
#[pyo3(signature = (
    path, parts, headers = Vec::new(), *, max_workers = 8, max_retries = 5, base_wait = 1.0,
    max_wait = 8.0, connect_timeout = 10.0, stall_timeout = 30.0, progress = None
))]
#[allow(clippy::too_many_arguments)]
fn upload_parts(
    py: Python<'_>,
    path: PathBuf,
    parts: Vec<(String, u64, u64)>,
    headers: Vec<(String, String)>,
    max_workers: usize,
    max_retries: u32,
    base_wait: f64,
    max_wait: f64,
    connect_timeout: f64,
    stall_timeout: f64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<Py<PyAny>>> {
    let seconds = |value: f64, name: &str| {
        Duration::try_from_secs_f64(value)
            .map_err(|_| PyValueError::new_err(format!("invalid {name}: {value}")))
    };
    let opts = Options {
        max_workers: max_workers.max(1),
        max_retries,
        base_wait: seconds(base_wait, "base_wait")?,
        max_wait: seconds(max_wait, "max_wait")?,
        connect_timeout: seconds(connect_timeout, "connect_timeout")?,
        stall_timeout: seconds(stall_timeout, "stall_timeout")?,
    };
    let parts: Vec<Part> = parts
        .into_iter()
        .map(|(url, offset, length)| Part {
            url,
            offset,
            length,
        })
        .collect();
    let counters = Arc::new(Progress::default());
    let mut reported = None;
    let results = {
        let work_counters = counters.clone();
        let path = path.clone();
        let work = move |cancel: &Cancel| {
            upload::upload_parts(&path, parts, &headers, opts, work_counters, cancel)
        };
        let tick = |py: Python<'_>| report(py, progress.as_ref(), &counters, &mut reported);
        run_interruptible_with_ticks(py, work, tick)?
    };
    report(py, progress.as_ref(), &counters, &mut reported)?;
    results
        .into_iter()
        .map(|result| {
            Ok(match result {
                Ok(uploaded) => ok_dict(py, &uploaded)?.into_any().unbind(),
                Err(error) => error_dict(py, &error)?.into_any().unbind(),
            })
        })
        .collect()
}

/// Calls `progress(total_bytes_sent)` when the count moved since the last call.
fn report(
    py: Python<'_>,
    progress: Option<&Py<PyAny>>,
    counters: &Progress,
    reported: &mut Option<u64>,
) -> PyResult<()> {
    let Some(progress) = progress else {
        return Ok(());
    };
    let sent = counters.sent.load(Ordering::Relaxed);
    if *reported == Some(sent) {
        return Ok(());
    }
    *reported = Some(sent);
    progress.call1(py, (sent,))?;
    Ok(())
}

fn ok_dict<'py>(py: Python<'py>, uploaded: &Uploaded) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("ok", true)?;
    dict.set_item("status", uploaded.status)?;
    dict.set_item("etag", uploaded.etag.as_deref())?;
    dict.set_item("headers", uploaded.headers.clone())?;
    Ok(dict)
}

/// `{"ok": False, "kind", "message", ...}`: kind is http, network, timeout, io, invalid, skipped
/// (not attempted because an earlier part failed) or cancelled.
fn error_dict<'py>(py: Python<'py>, error: &UploadError) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("ok", false)?;
    dict.set_item("message", error.to_string())?;
    match error {
        UploadError::Http {
            status,
            url,
            headers,
            body,
        } => crate::errors::set_http_error(&dict, *status, url, headers, body)?,
        UploadError::Network { url, timeout, .. } => {
            crate::errors::set_network_error(&dict, url, *timeout)?
        }
        UploadError::Io { path, source } => crate::errors::set_io_error(&dict, path, source)?,
        UploadError::Invalid(_) => dict.set_item("kind", "invalid")?,
        UploadError::Skipped { .. } => dict.set_item("kind", "skipped")?,
        UploadError::Cancelled => dict.set_item("kind", "cancelled")?,
    }
    Ok(dict)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(upload_parts, m)?)?;
    Ok(())
}
