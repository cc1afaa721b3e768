//! Pure-Rust core of the `huggingface_hub` reimplementation.
//!
//! Nothing here knows about Python: the `hfh-python` crate adapts these functions for the
//! extension module, releasing the GIL around them and polling for Ctrl-C through [`Cancel`].

pub mod cache;
pub mod cancel;
pub mod commit_ndjson;
pub mod direct_io;
pub mod download;
pub mod file_heads;
pub mod oid;
pub mod parallel;
pub mod transfer;
pub mod upload;

pub use cancel::Cancel;
