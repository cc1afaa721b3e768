//! Conversion of core errors into the Python exceptions users expect.

use std::io;
use std::path::Path;

use hfh_core::oid::HashError;
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError};
use pyo3::PyErr;

/// An `OSError` built like Python builds them, so `errno` selects the subclass
/// (`FileNotFoundError`, `PermissionError`, ...) and `filename` is set.
pub fn os_error(error: &io::Error, path: Option<&Path>) -> PyErr {
    let message = error.to_string();
    match (error.raw_os_error(), path) {
        (Some(errno), Some(path)) => PyOSError::new_err((
            errno,
            strip_os_suffix(&message),
            path.as_os_str().to_os_string(),
        )),
        (Some(errno), None) => PyOSError::new_err((errno, strip_os_suffix(&message))),
        (None, Some(path)) => PyOSError::new_err(format!("{}: {message}", path.display())),
        (None, None) => PyOSError::new_err(message),
    }
}

/// `io::Error` renders as "No such file or directory (os error 2)"; Python adds the errno itself.
pub fn strip_os_suffix(message: &str) -> String {
    match message.rfind(" (os error ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

impl From<HashErrorPy> for PyErr {
    fn from(error: HashErrorPy) -> Self {
        match error.0 {
            HashError::Io { path, source } => os_error(&source, Some(&path)),
            HashError::Cancelled => PyKeyboardInterrupt::new_err("hashing was cancelled"),
        }
    }
}

/// Local wrapper so the orphan rule lets us convert a core error into a `PyErr`.
pub struct HashErrorPy(pub HashError);

/// The fields of an HTTP failure in the error dicts the transfer engines hand to Python (which
/// maps them through `hf_raise_for_status`).
pub fn set_http_error(
    dict: &pyo3::Bound<'_, pyo3::types::PyDict>,
    status: u16,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> pyo3::PyResult<()> {
    use pyo3::types::PyDictMethods;
    dict.set_item("kind", "http")?;
    dict.set_item("status", status)?;
    dict.set_item("url", url)?;
    dict.set_item("headers", headers.to_vec())?;
    dict.set_item("body", pyo3::types::PyBytes::new(dict.py(), body))
}

/// The fields of a connection failure or timeout in an engine's error dict.
pub fn set_network_error(
    dict: &pyo3::Bound<'_, pyo3::types::PyDict>,
    url: &str,
    timeout: bool,
) -> pyo3::PyResult<()> {
    use pyo3::types::PyDictMethods;
    dict.set_item("kind", if timeout { "timeout" } else { "network" })?;
    dict.set_item("url", url)
}

/// The fields of a local I/O failure in an engine's error dict (raised as `OSError` in Python).
pub fn set_io_error(
    dict: &pyo3::Bound<'_, pyo3::types::PyDict>,
    path: &Path,
    source: &io::Error,
) -> pyo3::PyResult<()> {
    use pyo3::types::PyDictMethods;
    dict.set_item("kind", "io")?;
    dict.set_item("path", path)?;
    dict.set_item("errno", source.raw_os_error())?;
    dict.set_item("strerror", strip_os_suffix(&source.to_string()))
}
