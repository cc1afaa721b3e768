//! What a commit needs of many small files on disk, read in parallel without the GIL: their size
//! and first bytes (for the preupload call) and the commit request's body with their content.

use std::path::PathBuf;

use hfh_core::commit_ndjson::{self as ndjson, Line};
use hfh_core::file_heads;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::HashErrorPy;
use crate::interrupt::run_interruptible;

/// `(size, sample, whole content)` as Python receives it.
type FileHeadPy<'py> = (u64, Bound<'py, PyBytes>, Option<Bound<'py, PyBytes>>);

/// `(size, first max_len bytes, whole content or None)` of every file, in input order; whole
/// contents are kept for files while their sizes add up to at most `whole_budget` bytes. The first
/// unreadable file raises its `OSError`.
#[pyfunction]
#[pyo3(signature = (paths, max_len = 512, whole_budget = 0, workers = 0))]
fn read_file_heads<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    max_len: usize,
    whole_budget: u64,
    workers: usize,
) -> PyResult<Vec<FileHeadPy<'py>>> {
    let heads = run_interruptible(py, |cancel| {
        file_heads::read_heads(&paths, max_len, whole_budget, workers, cancel)
    })?;
    heads
        .into_iter()
        .map(|head| {
            let head = head.map_err(HashErrorPy)?;
            let content = head.content.map(|content| PyBytes::new(py, &content));
            Ok((head.size, PyBytes::new(py, &head.sample), content))
        })
        .collect()
}

#[derive(FromPyObject)]
enum LineArg<'py> {
    /// A ready-made line.
    Raw(Bound<'py, PyBytes>),
    /// `(content, path in the repository as a JSON string literal)`: a `file` line.
    Content(Bound<'py, PyBytes>, Bound<'py, PyBytes>),
    /// `(file to read, path in the repository as a JSON string literal)`: a `file` line.
    File(PathBuf, Bound<'py, PyBytes>),
}

/// The NDJSON body of a commit: ready-made lines (`bytes`) and `file` lines for
/// `(content or local path, JSON-encoded path in repo)` tuples, whose content is read and
/// base64-encoded here, several files at a time. Byte for byte what `json.dumps` of each line
/// would give.
#[pyfunction]
#[pyo3(signature = (lines, workers = 0))]
fn commit_ndjson<'py>(
    py: Python<'py>,
    lines: Vec<LineArg<'py>>,
    workers: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    // Borrowed straight from the `bytes` objects, which `lines` keeps alive (and immutable) while
    // the work runs without the GIL.
    let borrowed: Vec<Line<'_>> = lines
        .iter()
        .map(|line| match line {
            LineArg::Raw(bytes) => Line::Raw(bytes.as_bytes()),
            LineArg::Content(content, path_json) => Line::Content {
                content: content.as_bytes(),
                path_json: path_json.as_bytes(),
            },
            LineArg::File(source, path_json) => Line::File {
                source,
                path_json: path_json.as_bytes(),
            },
        })
        .collect();
    let body = run_interruptible(py, |cancel| ndjson::build(&borrowed, workers, cancel))?
        .map_err(HashErrorPy)?;
    // Encoded straight into the `bytes` object, without the GIL (the object is not shared yet).
    PyBytes::new_with(py, body.len(), |buffer| {
        py.detach(|| body.write_into(buffer, workers));
        Ok(())
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_file_heads, m)?)?;
    m.add_function(wrap_pyfunction!(commit_ndjson, m)?)?;
    Ok(())
}
