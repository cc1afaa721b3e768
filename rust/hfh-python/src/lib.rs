//! The extension module `huggingface_hub._rust`: thin pyo3 adapters over `hfh-core` and
//! `hfh-server` (the local Hub).
//!
//! Every entry point is synchronous, takes and returns plain data, releases the GIL while it
//! works and stays responsive to Ctrl-C (see `interrupt`).

use pyo3::prelude::*;

mod cache;
mod commit_files;
mod download;
mod errors;
mod hashing;
mod interrupt;
mod server;
mod upload;
mod xet;
mod xet_upload;

#[pymodule(gil_used = false)]
fn _rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    cache::register(m)?;
    commit_files::register(m)?;
    download::register(m)?;
    hashing::register(m)?;
    server::register(m)?;
    upload::register(m)?;
    xet::register(m)?;
    xet_upload::register(m)?;
    Ok(())
}
