//! Checkpoints of the write-ahead log, moved off the commit path.
//!
//! SQLite copies the WAL back into the database file (a checkpoint) from within the commit that
//! makes the WAL grow past its threshold, before that commit returns. With small blobs in the
//! database, a commit of 1,000 small files of 4 KiB spent about a tenth of its time there
//! (reading 4 MB back from the WAL, writing it into the database, syncing the database file)
//! while its client waited for the answer. Here the writer's own threshold is only a backstop
//! ([`BACKSTOP_PAGES`]) and a thread checkpoints once writes pause for [`IDLE`]: the copy is
//! made between commits rather than inside them, and a burst of commits (an `upload_folder` of
//! thousands of files) is copied once, after it.
//!
//! Durability does not change: a commit is durable when its WAL frames are synced, as before;
//! the checkpoint only moves committed pages into the database file. It is PASSIVE, so it never
//! waits for (nor blocks) readers or the writer.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Writes must have paused this long before the WAL is copied back.
pub const IDLE: Duration = Duration::from_millis(50);

/// WAL pages (4 KiB) at which a commit checkpoints by itself, as a backstop for a server that
/// never pauses: 64 MiB, the size the WAL is truncated back to.
pub const BACKSTOP_PAGES: i64 = 16 * 1024;

/// The thread that checkpoints the database once writes pause; stopped when dropped.
pub struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// When the last write not checkpointed yet happened.
    last_write: Option<Instant>,
    /// Checkpoints made so far (for tests and diagnostics).
    done: u64,
    stop: bool,
}

impl Checkpointer {
    /// Starts the thread for the database at `db_path` (already in WAL mode), checkpointing once
    /// writes have paused for `idle`.
    pub fn start(db_path: &Path, idle: Duration) -> Checkpointer {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let thread = {
            let shared = shared.clone();
            let db_path = db_path.to_path_buf();
            std::thread::Builder::new()
                .name("hfh-checkpoint".into())
                .spawn(move || run(&shared, &db_path, idle))
                .expect("spawn the checkpoint thread")
        };
        Checkpointer {
            shared,
            thread: Some(thread),
        }
    }

    /// Notes that a write may have been committed.
    pub fn wrote(&self) {
        self.shared.lock().last_write = Some(Instant::now());
        self.shared.wake.notify_one();
    }

    /// Checkpoints completed so far.
    pub fn checkpoints(&self) -> u64 {
        self.shared.lock().done
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn run(shared: &Shared, db_path: &Path, idle: Duration) {
    let mut conn: Option<Connection> = None;
    let mut state = shared.lock();
    loop {
        if state.stop {
            return;
        }
        let Some(at) = state.last_write else {
            state = shared.wake.wait(state).unwrap_or_else(|p| p.into_inner());
            continue;
        };
        let quiet = at.elapsed();
        if quiet < idle {
            state = shared
                .wake
                .wait_timeout(state, idle - quiet)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            continue;
        }
        state.last_write = None;
        drop(state);
        // A failed checkpoint loses nothing (the WAL keeps the pages; the backstop or the next
        // pause copies them): it is not worth more than a retry at the next write.
        let ok = checkpoint(&mut conn, db_path).is_ok();
        state = shared.lock();
        if ok {
            state.done += 1;
        } else {
            conn = None;
        }
    }
}

fn checkpoint(conn: &mut Option<Connection>, db_path: &Path) -> rusqlite::Result<()> {
    if conn.is_none() {
        let c = Connection::open(db_path)?;
        // Lets the WAL shrink back once a checkpoint has emptied it (as on the writer).
        c.pragma_update(None, "journal_size_limit", super::WAL_SIZE_LIMIT)?;
        *conn = Some(c);
    }
    let c = conn.as_ref().expect("opened above");
    c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(path: &Path) -> Connection {
        let c = Connection::open(path).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "wal_autocheckpoint", BACKSTOP_PAGES)
            .unwrap();
        c.execute_batch("CREATE TABLE t (data BLOB)").unwrap();
        c
    }

    /// Rows of `t` in the database file alone, as if the WAL were lost: what was checkpointed.
    fn rows_in_database_file(path: &Path) -> i64 {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.sqlite");
        std::fs::copy(path, &copy).unwrap();
        let c = Connection::open(&copy).unwrap();
        c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap_or(0)
    }

    fn write_big(c: &Connection) {
        // More than SQLite's own threshold (1,000 pages): it would checkpoint within the commit.
        let tx = c.unchecked_transaction().unwrap();
        for _ in 0..1500 {
            tx.execute("INSERT INTO t VALUES (zeroblob(4096))", [])
                .unwrap();
        }
        tx.commit().unwrap();
    }

    #[test]
    fn a_big_commit_returns_before_its_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let c = writer(&path);
        let checkpointer = Checkpointer::start(&path, Duration::from_secs(3600));
        write_big(&c);
        checkpointer.wrote();
        assert_eq!(rows_in_database_file(&path), 0);
        assert_eq!(checkpointer.checkpoints(), 0);
        // Still readable, from the WAL.
        let n: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1500);
    }

    #[test]
    fn writes_are_checkpointed_once_they_pause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let c = writer(&path);
        let checkpointer = Checkpointer::start(&path, Duration::from_millis(10));
        write_big(&c);
        checkpointer.wrote();
        let deadline = Instant::now() + Duration::from_secs(60);
        while checkpointer.checkpoints() == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(checkpointer.checkpoints(), 1);
        assert_eq!(rows_in_database_file(&path), 1500);
        drop(checkpointer); // stops and joins the thread
    }
}
