//! Cache scanning for `huggingface_hub.utils._cache_manager`.
//!
//! `scan_cache` walks the cache with the GIL released and returns plain tuples for repos,
//! revisions and problems. The files of each repo stay in Rust (`CachedRepoFiles`) until Python
//! asks for them: a large cache holds hundreds of thousands of files, most scans never look at
//! them, and building their Python objects would cost more than the scan itself.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use hfh_core::cache::{self, Blobs, Problem, Repo, Revision, ScanError};
use pyo3::exceptions::{PyIndexError, PyKeyboardInterrupt};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::os_error;
use crate::interrupt::run_interruptible;

/// One file as Python receives it: name, path, blob path, size, atime, mtime.
type FileTuple<'a> = (&'a OsStr, OsString, OsString, u64, f64, f64);

/// The files of one scanned repo, per revision (in the order of `scan_cache`'s revisions).
#[pyclass(frozen, module = "huggingface_hub._rust", name = "CachedRepoFiles")]
struct RepoFiles {
    revisions: Vec<Revision>,
    blobs: Blobs,
}

impl RepoFiles {
    fn get(&self, index: usize) -> PyResult<&Revision> {
        self.revisions
            .get(index)
            .ok_or_else(|| PyIndexError::new_err("revision index out of range"))
    }
}

#[pymethods]
impl RepoFiles {
    /// `(file_name, file_path, blob_path, size, blob_atime, blob_mtime)` for each file of
    /// revision `index`.
    fn revision(&self, index: usize) -> PyResult<Vec<FileTuple<'_>>> {
        let blobs = &self.blobs;
        Ok(self
            .get(index)?
            .files()
            .map(|(name, path, blob)| {
                (
                    name,
                    path.into_os_string(),
                    blobs.path(blob).into_os_string(),
                    blobs.size(blob),
                    blobs.accessed(blob),
                    blobs.modified(blob),
                )
            })
            .collect())
    }

    /// Number of files of revision `index`.
    fn count(&self, index: usize) -> PyResult<usize> {
        Ok(self.get(index)?.len())
    }
}

/// `(name, path, size, last_modified)` of a revision.
type RevisionTuple = (OsString, OsString, u64, f64);

/// `(entry_index, kind, path, what, errno, message)` of a problem (`what`/`errno`/`message` for
/// "unreadable").
type ProblemTuple = (
    usize,
    &'static str,
    OsString,
    Option<&'static str>,
    Option<i32>,
    Option<String>,
);

fn problem_tuple(index: usize, problem: Problem) -> ProblemTuple {
    let simple = |kind, path: PathBuf| (index, kind, path.into_os_string(), None, None, None);
    match problem {
        Problem::NotADirectory(path) => simple("not_a_directory", path),
        Problem::NotACacheDirectory(path) => simple("not_a_cache_directory", path),
        Problem::BadRepoType(path) => simple("bad_repo_type", path),
        Problem::NoSnapshots(path) => simple("no_snapshots", path),
        Problem::RefsIsFile(path) => simple("refs_is_file", path),
        Problem::SnapshotIsFile(path) => simple("snapshot_is_file", path),
        Problem::BlobMissing(path) => simple("blob_missing", path),
        Problem::Unreadable { what, path, error } => (
            index,
            "unreadable",
            path.into_os_string(),
            Some(what),
            error.raw_os_error(),
            Some(error.to_string()),
        ),
    }
}

/// Python objects for one repo: its summary tuple.
fn repo_object<'py>(py: Python<'py>, index: usize, repo: Repo) -> PyResult<Bound<'py, PyAny>> {
    let refs: Vec<(OsString, Bound<'py, PyBytes>)> = repo
        .refs
        .iter()
        .map(|r| (r.name.clone(), PyBytes::new(py, &r.target)))
        .collect();
    let revisions: Vec<RevisionTuple> = repo
        .revisions
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                r.path.clone().into_os_string(),
                r.size,
                r.last_modified,
            )
        })
        .collect();
    let nb_files = repo.blobs.len();
    let files = Py::new(
        py,
        RepoFiles {
            revisions: repo.revisions,
            blobs: repo.blobs,
        },
    )?;
    (
        index,
        repo.path.into_os_string(),
        refs,
        revisions,
        repo.size,
        nb_files,
        repo.last_accessed,
        repo.last_modified,
        files,
    )
        .into_pyobject(py)
        .map(Bound::into_any)
}

/// Scan the cache folder `cache_dir` (absolute and resolved) with `workers` threads (0: auto).
///
/// Returns `(repos, problems, incomplete)`:
/// - `repos`: `(entry_index, repo_path, refs, revisions, size, nb_files, last_accessed,
///   last_modified, files)` with `refs` as `(name, raw_bytes)` and `revisions` as
///   `(name, path, size, last_modified)`;
/// - `problems`: `(entry_index, kind, path, what, errno, message)`;
///
/// `entry_index` orders both lists as the cache folder lists its entries.
/// - `incomplete`: `(path, size)` of every `*/blobs/*.incomplete`.
///
/// Paths come as `str` (undecodable bytes surrogate-escaped, like `os.fsdecode`).
#[pyfunction]
#[pyo3(signature = (cache_dir, workers = 0))]
#[allow(clippy::type_complexity)]
fn scan_cache<'py>(
    py: Python<'py>,
    cache_dir: PathBuf,
    workers: usize,
) -> PyResult<(
    Vec<Bound<'py, PyAny>>,
    Vec<ProblemTuple>,
    Vec<(OsString, u64)>,
)> {
    let scan = run_interruptible(py, |cancel| cache::scan_cache(&cache_dir, workers, cancel))?
        .map_err(|error| match error {
            ScanError::Io(error) => os_error(&error, Some(&cache_dir)),
            ScanError::Cancelled => PyKeyboardInterrupt::new_err("cache scan was cancelled"),
        })?;

    let mut repos = Vec::new();
    let mut problems = Vec::new();
    for (index, entry) in scan.entries.into_iter().enumerate() {
        match entry.outcome {
            Ok(repo) => repos.push(repo_object(py, index, repo)?),
            Err(problem) => problems.push(problem_tuple(index, problem)),
        }
    }
    let incomplete = scan
        .incomplete
        .into_iter()
        .map(|file| (file.path.into_os_string(), file.size))
        .collect();
    Ok((repos, problems, incomplete))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_cache, m)?)?;
    m.add_class::<RepoFiles>()?;
    Ok(())
}
