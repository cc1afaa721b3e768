//! A local, Hub-compatible server: the real Hugging Face Hub HTTP API over SQLite and a
//! content-addressed blob store. See README.md in this crate for the layout and the schema.

pub mod auth;
pub mod card;
pub mod catch_panic;
pub mod config;
pub mod errors;
pub mod git;
pub mod gitattributes;
pub mod linger;
pub mod routes;
pub mod server;
pub mod signing;
pub mod store;
pub mod util;

pub use config::Config;
pub use errors::{HubError, HubResult};
pub use server::{bind, BoundServer, RunningServer};
