//! The extension module `huggingface_hub._rust`: thin pyo3 adapters over `hfh-core`.
//!
//! Every entry point is synchronous, takes and returns plain data, releases the GIL while it
//! works and stays responsive to Ctrl-C (see `interrupt`).

use pyo3::prelude::*;

mod errors;
mod hashing;
mod interrupt;

#[pymodule(gil_used = false)]
fn _rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    hashing::register(m)?;
    Ok(())
}
