//! SHA-256 and git SHA-1 for Python: bytes, incremental streams, files and many files at once.

use std::path::PathBuf;

use hfh_core::oid::{self, Algorithm, Sha256Stream};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{os_error, HashErrorPy};
use crate::interrupt::run_interruptible;

/// Inputs smaller than this are hashed without releasing the GIL: the release costs more.
const RELEASE_GIL_ABOVE: usize = 64 * 1024;

fn parse_algorithm(name: &str) -> PyResult<Algorithm> {
    match name {
        "sha256" => Ok(Algorithm::Sha256),
        "git-sha1" => Ok(Algorithm::GitSha1),
        other => Err(PyValueError::new_err(format!(
            "unknown algorithm {other:?}: expected 'sha256' or 'git-sha1'"
        ))),
    }
}

/// SHA-256 digest (32 raw bytes) of `data`.
#[pyfunction]
fn sha256<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    let digest = if data.len() > RELEASE_GIL_ABOVE {
        py.detach(|| oid::sha256_bytes(data))
    } else {
        oid::sha256_bytes(data)
    };
    PyBytes::new(py, &digest)
}

/// Git blob SHA-1 digest (20 raw bytes) of `data`, as `git hash-object` computes it.
#[pyfunction]
fn git_sha1<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    let digest = if data.len() > RELEASE_GIL_ABOVE {
        py.detach(|| oid::git_sha1_bytes(data))
    } else {
        oid::git_sha1_bytes(data)
    };
    PyBytes::new(py, &digest)
}

/// Digest of one file (`algorithm` is "sha256" or "git-sha1"), read in constant memory.
#[pyfunction]
#[pyo3(signature = (path, algorithm = "sha256"))]
fn hash_file<'py>(
    py: Python<'py>,
    path: PathBuf,
    algorithm: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let algorithm = parse_algorithm(algorithm)?;
    let digest = run_interruptible(py, |cancel| oid::hash_file(&path, algorithm, cancel))?
        .map_err(HashErrorPy)?;
    Ok(PyBytes::new(py, &digest))
}

/// SHA-256 of the file behind descriptor `fd`, from byte `offset` to its end. The descriptor's
/// own position is not moved; the caller decides where to leave its file object.
#[cfg(unix)]
#[pyfunction]
fn sha256_fd<'py>(py: Python<'py>, fd: i32, offset: u64) -> PyResult<Bound<'py, PyBytes>> {
    use std::os::fd::BorrowedFd;
    if fd < 0 {
        return Err(PyValueError::new_err("file descriptor cannot be negative"));
    }
    // SAFETY: the caller's Python file object keeps `fd` open for the whole call: we hold a
    // reference to it through the Python frame that called us. We duplicate it right away so
    // the file we read owns its own descriptor.
    let owned = unsafe { BorrowedFd::borrow_raw(fd) }
        .try_clone_to_owned()
        .map_err(|e| os_error(&e, None))?;
    let file = std::fs::File::from(owned);
    let digest = run_interruptible(py, |cancel| oid::sha256_file_from(&file, offset, cancel))?
        .map_err(|e| os_error(&e, None))?;
    Ok(PyBytes::new(py, &digest))
}

/// Digests of many files, hashed in parallel (`workers=0`: one thread per core), in input order.
/// The first file that cannot be read raises its `OSError`.
#[pyfunction]
#[pyo3(signature = (paths, algorithm = "sha256", workers = 0))]
fn hash_files<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    algorithm: &str,
    workers: usize,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let algorithm = parse_algorithm(algorithm)?;
    let results = run_interruptible(py, |cancel| {
        oid::hash_files(&paths, algorithm, workers, cancel)
    })?;
    results
        .into_iter()
        .map(|result| {
            result
                .map(|digest| PyBytes::new(py, &digest))
                .map_err(|e| HashErrorPy(e).into())
        })
        .collect()
}

/// Incremental SHA-256 with the `hashlib` interface (`update`, `digest`, `hexdigest`, `copy`).
#[pyclass(name = "Sha256", module = "huggingface_hub._rust")]
#[derive(Clone)]
struct PySha256 {
    inner: Sha256Stream,
}

#[pymethods]
impl PySha256 {
    #[new]
    #[pyo3(signature = (data = None))]
    fn new(py: Python<'_>, data: Option<&[u8]>) -> Self {
        let mut this = Self {
            inner: Sha256Stream::new(),
        };
        if let Some(data) = data {
            this.update(py, data);
        }
        this
    }

    #[classattr]
    fn name() -> &'static str {
        "sha256"
    }

    #[classattr]
    fn digest_size() -> usize {
        32
    }

    #[classattr]
    fn block_size() -> usize {
        64
    }

    fn update(&mut self, py: Python<'_>, data: &[u8]) {
        if data.len() > RELEASE_GIL_ABOVE {
            let inner = &mut self.inner;
            py.detach(|| inner.update(data));
        } else {
            self.inner.update(data);
        }
    }

    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.digest())
    }

    fn hexdigest(&self) -> String {
        hex::encode(self.inner.digest())
    }

    fn copy(&self) -> Self {
        self.clone()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sha256, m)?)?;
    m.add_function(wrap_pyfunction!(git_sha1, m)?)?;
    m.add_function(wrap_pyfunction!(hash_file, m)?)?;
    m.add_function(wrap_pyfunction!(hash_files, m)?)?;
    #[cfg(unix)]
    m.add_function(wrap_pyfunction!(sha256_fd, m)?)?;
    m.add_class::<PySha256>()?;
    m.add("READ_BUFFER_SIZE", oid::READ_BUFFER_SIZE)?;
    Ok(())
}
