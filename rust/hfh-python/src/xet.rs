//! Xet file hashes for Python: the Xet hash (and SHA-256) of local files, in parallel.

use std::path::PathBuf;

use hfh_xet::FileHashInfo;
use pyo3::prelude::*;

use crate::errors::HashErrorPy;
use crate::interrupt::run_interruptible;

/// What hashing one file gives, as `hf_xet.hash_files` reports it plus the SHA-256.
#[pyclass(
    name = "XetFileHash",
    module = "huggingface_hub._rust",
    frozen,
    get_all
)]
struct PyXetFileHash {
    /// The Xet file hash in its hex form (the form the Hub shows as `xetHash`).
    hash: String,
    /// Content length in bytes.
    size: u64,
    /// Number of content-defined chunks.
    chunks: u64,
    /// Plain SHA-256 of the content (lowercase hex), when it was asked for.
    sha256: Option<String>,
}

#[pymethods]
impl PyXetFileHash {
    fn __repr__(&self) -> String {
        format!(
            "XetFileHash(hash={:?}, size={}, chunks={}, sha256={:?})",
            self.hash, self.size, self.chunks, self.sha256
        )
    }
}

impl From<FileHashInfo> for PyXetFileHash {
    fn from(info: FileHashInfo) -> Self {
        Self {
            hash: info.xet_hash.hex(),
            size: info.size,
            chunks: info.chunks,
            sha256: info.sha256.map(hex::encode),
        }
    }
}

/// Xet hashes of many files, hashed in parallel (`workers=0`: one thread per core), in input
/// order. The first file that cannot be read raises its `OSError`.
#[pyfunction]
#[pyo3(signature = (paths, *, sha256 = true, workers = 0))]
fn xet_hash_files(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    sha256: bool,
    workers: usize,
) -> PyResult<Vec<PyXetFileHash>> {
    let results = run_interruptible(py, |cancel| {
        hfh_xet::hash_files(&paths, sha256, workers, cancel)
    })?;
    results
        .into_iter()
        .map(|result| {
            result
                .map(PyXetFileHash::from)
                .map_err(|e| HashErrorPy(e).into())
        })
        .collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(xet_hash_files, m)?)?;
    m.add_class::<PyXetFileHash>()?;
    Ok(())
}
