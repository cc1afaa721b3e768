//! Persistent state: one SQLite database (`<data>/hub.sqlite`, WAL) plus the blob store.
//!
//! Writes go through [`Store::with`], which holds one connection behind a mutex: every
//! operation on it, and in particular every commit (an IMMEDIATE transaction), is serialised, so
//! `parent_commit` checks and ref updates cannot race.
//!
//! [`Store::read`] runs read-only work on a pool of read-only connections instead: in WAL mode
//! readers never wait for the writer (they see the last committed state), so hot read paths
//! (`resolve`) run in parallel with each other and with a long commit.

pub mod access;
pub mod accounts;
pub mod blob_lookup;
pub mod blobs;
pub mod checkpoint;
pub mod collections;
pub mod commits;
pub mod direct_io;
pub mod discussions;
pub mod gating;
pub mod history;
pub mod lfs_files;
pub mod lfs_objects;
pub mod likes;
pub mod merge;
pub mod multipart;
pub mod profiles;
pub mod redirects;
pub mod repos;
pub mod schema;
pub mod small_blobs;
pub mod space_apps;
pub mod spaces;
pub mod storage;
pub mod textdiff;
pub mod trees;
pub mod xet;
pub mod xet_read;
#[cfg(test)]
mod xet_tests;

use crate::errors::HubResult;
use blobs::BlobStore;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Size the WAL file is truncated to after a checkpoint (bytes).
const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Page cache of the writing connection (`PRAGMA cache_size`, negative: KiB): 64 MiB.
const WRITER_CACHE_KIB: i64 = -64 * 1024;

/// Idle read-only connections kept for reuse (more are opened when needed, then closed).
const MAX_IDLE_READERS: usize = 8;

pub struct Store {
    /// Copies the WAL back into the database between commits (declared first: stopped first).
    checkpointer: checkpoint::Checkpointer,
    conn: Mutex<Connection>,
    /// Idle read-only connections (see [`Store::read`]).
    readers: Mutex<Vec<Connection>>,
    db_path: PathBuf,
    pub blobs: BlobStore,
}

impl Store {
    pub fn open(data_dir: &Path) -> HubResult<Store> {
        std::fs::create_dir_all(data_dir)?;
        let blobs = BlobStore::open(data_dir)?;
        let db_path = data_dir.join("hub.sqlite");
        let mut conn = Connection::open(&db_path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Small blobs travel through the WAL (see `small_blobs`): after a big commit of them,
        // give the space back at the next checkpoint instead of keeping a WAL that large.
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
        // Room for the pages of a big commit (thousands of small blobs) in the page cache: with
        // SQLite's default of 2 MiB, a commit of 1,000 files of 4 KiB spilt pages to the WAL
        // before its end and read them back. Pages are allocated when needed, not up front.
        conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        // Checkpoints are the checkpointer's, once writes pause (see `checkpoint`).
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            checkpointer: checkpoint::Checkpointer::start(&db_path, checkpoint::IDLE),
            conn: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            db_path,
            blobs,
        })
    }

    /// Runs `f` with exclusive access to the connection (blocking: call from a blocking thread).
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> HubResult<T>) -> HubResult<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let result = f(&mut guard);
        drop(guard);
        self.checkpointer.wrote();
        result
    }

    /// Runs read-only `f` on a pooled read-only connection (blocking: call from a blocking
    /// thread). It sees the last committed state and never waits for a writer; anything that
    /// must be consistent with a following write belongs in [`Store::with`].
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> HubResult<T>) -> HubResult<T> {
        let idle = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open_reader()?,
        };
        let result = f(&conn);
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    fn open_reader(&self) -> HubResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.db_path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_see_committed_writes_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let count = |c: &Connection| -> HubResult<i64> {
            Ok(c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?)
        };
        assert_eq!(store.read(count).unwrap(), 0);
        store
            .with(|c| {
                c.execute(
                    "INSERT INTO accounts (name, kind, hub_id, fullname, created_at) \
                     VALUES ('a', 'user', 'x', 'a', 0)",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        // A pooled reader opened before the write sees it too.
        assert_eq!(store.read(count).unwrap(), 1);
        let write = store.read(|c| Ok(c.execute("DELETE FROM accounts", [])?));
        assert!(write.is_err());
        // A reader is not blocked by an open write transaction; it sees the committed state.
        store
            .with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                tx.execute("DELETE FROM accounts", [])?;
                assert_eq!(store.read(count)?, 1);
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        assert_eq!(store.read(count).unwrap(), 0);
    }
}
