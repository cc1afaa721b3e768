//! The transfer engine for Python: `download_files` runs a batch of downloads with the GIL
//! released, reports progress to a Python callable about ten times a second, and returns one
//! result per job as plain data. HTTP failures come back unclassified (status, url, headers,
//! body) for Python to map through `hf_raise_for_status`.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::interrupt::run_interruptible_with_ticks;
use hfh_core::download::{self, DownloadError, Job, Options, Outcome, Progress};
use hfh_core::Cancel;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// `(url, headers, destination, partial, lock, expected_size, sha256_hex, replace)`
type JobSpec = (
    String,
    Vec<(String, String)>,
    PathBuf,
    PathBuf,
    Option<PathBuf>,
    Option<u64>,
    Option<String>,
    bool,
);

fn parse_job(spec: JobSpec) -> PyResult<Job> {
    let (url, headers, destination, partial, lock, expected_size, sha256, replace) = spec;
    let sha256 = match sha256 {
        None => None,
        Some(text) => {
            let mut digest = [0u8; 32];
            hex::decode_to_slice(text.as_bytes(), &mut digest)
                .map_err(|_| PyValueError::new_err(format!("invalid sha256 {text:?}")))?;
            Some(digest)
        }
    };
    Ok(Job {
        url,
        headers,
        destination,
        partial,
        lock,
        expected_size,
        sha256,
        replace,
    })
}

/// Download `jobs`; see `_rust.pyi` for the contract.
#[pyfunction]
#[pyo3(signature = (
    jobs, *, connections = 8, chunk_size = 4 * 1024 * 1024, parallel_threshold = 64 * 1024 * 1024,
    max_files = 16, stall_timeout = 10.0, connect_timeout = 10.0, max_retries = 5, base_wait = 1.0,
    max_wait = 8.0, direct_io = true, direct_threshold = 32 * 1024 * 1024, progress = None
))]
#[allow(clippy::too_many_arguments)]
fn download_files<'py>(
    py: Python<'py>,
    jobs: Vec<JobSpec>,
    connections: usize,
    chunk_size: u64,
    parallel_threshold: u64,
    max_files: usize,
    stall_timeout: f64,
    connect_timeout: f64,
    max_retries: u32,
    base_wait: f64,
    max_wait: f64,
    direct_io: bool,
    direct_threshold: u64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<Py<PyAny>>> {
    let jobs = jobs
        .into_iter()
        .map(parse_job)
        .collect::<PyResult<Vec<_>>>()?;
    let seconds = |value: f64, name: &str| {
        Duration::try_from_secs_f64(value)
            .map_err(|_| PyValueError::new_err(format!("invalid {name}: {value}")))
    };
    let opts = Options {
        connections: connections.max(1),
        chunk_size: chunk_size.max(1),
        parallel_threshold,
        max_files: max_files.max(1),
        stall_timeout: seconds(stall_timeout, "stall_timeout")?,
        connect_timeout: seconds(connect_timeout, "connect_timeout")?,
        max_retries,
        base_wait: seconds(base_wait, "base_wait")?,
        max_wait: seconds(max_wait, "max_wait")?,
        direct_io,
        direct_threshold,
    };
    let counters = Arc::new(Progress::new(jobs.len()));
    let mut reported = vec![u64::MAX; jobs.len()];
    let results = {
        let work_counters = counters.clone();
        let work = move |cancel: &Cancel| download::download_all(jobs, opts, work_counters, cancel);
        let tick = |py: Python<'_>| report(py, progress.as_ref(), &counters, &mut reported);
        run_interruptible_with_ticks(py, work, tick)?
    };
    report(py, progress.as_ref(), &counters, &mut reported)?;
    results
        .into_iter()
        .map(|result| convert(py, result))
        .collect()
}

/// Call `progress(changes, fetched)` with `(index, bytes_done)` for every job that moved.
fn report(
    py: Python<'_>,
    progress: Option<&Py<PyAny>>,
    counters: &Progress,
    reported: &mut [u64],
) -> PyResult<()> {
    let Some(progress) = progress else {
        return Ok(());
    };
    let mut changes: Vec<(usize, u64)> = Vec::new();
    for (index, done) in counters.done.iter().enumerate() {
        let done = done.load(Ordering::Relaxed);
        if reported[index] != done {
            reported[index] = done;
            changes.push((index, done));
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    progress.call1(py, (changes, counters.fetched.load(Ordering::Relaxed)))?;
    Ok(())
}

fn convert(py: Python<'_>, result: Option<Result<Outcome, DownloadError>>) -> PyResult<Py<PyAny>> {
    let value = match result {
        None => py.None(),
        Some(Ok(Outcome::Downloaded { fetched, size })) => PyTuple::new(
            py,
            [
                ("downloaded").into_pyobject(py)?.into_any(),
                fetched.into_pyobject(py)?.into_any(),
                size.into_pyobject(py)?.into_any(),
            ],
        )?
        .into_any()
        .unbind(),
        Some(Ok(Outcome::AlreadyPresent)) => PyTuple::new(
            py,
            [
                ("present").into_pyobject(py)?.into_any(),
                0u64.into_pyobject(py)?.into_any(),
                0u64.into_pyobject(py)?.into_any(),
            ],
        )?
        .into_any()
        .unbind(),
        Some(Err(error)) => error_dict(py, &error)?.into_any().unbind(),
    };
    Ok(value)
}

/// `{"kind", "message", ...}`: kind is http, network, timeout, io, size, checksum, invalid or cancelled.
fn error_dict<'py>(py: Python<'py>, error: &DownloadError) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("message", error.to_string())?;
    match error {
        DownloadError::Http {
            status,
            url,
            headers,
            body,
        } => crate::errors::set_http_error(&dict, *status, url, headers, body)?,
        DownloadError::Network { url, timeout, .. } => {
            crate::errors::set_network_error(&dict, url, *timeout)?
        }
        DownloadError::Io { path, source } => crate::errors::set_io_error(&dict, path, source)?,
        DownloadError::Size { url, .. } => {
            dict.set_item("kind", "size")?;
            dict.set_item("url", url)?;
        }
        DownloadError::Checksum { url, .. } => {
            dict.set_item("kind", "checksum")?;
            dict.set_item("url", url)?;
        }
        DownloadError::Invalid(_) => dict.set_item("kind", "invalid")?,
        DownloadError::Cancelled => dict.set_item("kind", "cancelled")?,
    }
    Ok(dict)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(download_files, m)?)?;
    Ok(())
}
