//! Persistent state: one SQLite database (`<data>/hub.sqlite`, WAL) plus the blob store.
//!
//! All database access goes through [`Store::with`], which holds one connection behind a
//! mutex: every operation, and in particular every commit (an IMMEDIATE transaction), is
//! serialised, so `parent_commit` checks and ref updates cannot race.

pub mod accounts;
pub mod blobs;
pub mod commits;
pub mod lfs_objects;
pub mod multipart;
pub mod repos;
pub mod schema;
pub mod trees;

use crate::errors::HubResult;
use blobs::BlobStore;
use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

pub struct Store {
    conn: Mutex<Connection>,
    pub blobs: BlobStore,
}

impl Store {
    pub fn open(data_dir: &Path) -> HubResult<Store> {
        std::fs::create_dir_all(data_dir)?;
        let blobs = BlobStore::open(data_dir)?;
        let mut conn = Connection::open(data_dir.join("hub.sqlite"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            blobs,
        })
    }

    /// Runs `f` with exclusive access to the connection (blocking: call from a blocking thread).
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> HubResult<T>) -> HubResult<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}
