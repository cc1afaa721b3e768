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
