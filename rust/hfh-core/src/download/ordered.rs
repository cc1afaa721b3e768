//! Hashing a ranged download in file order without reading it back from disk.
//!
//! Ranged workers fill one chunk each in an aligned buffer taken from a bounded [`Pool`]; a
//! finished chunk is written out by its worker and its buffer handed to the hashing thread, which
//! takes chunks in file order (parking early ones) and returns each buffer to the pool once hashed.
//! Memory is therefore bounded by the pool, and no byte fetched in this call is read back. Only the
//! bytes a previous call left on disk (the resumed prefix of each chunk) are read from the file.
//!
//! No deadlock: a worker takes a buffer before it takes a chunk, and chunks are handed out in
//! file order, so the lowest chunk not yet hashed always has a buffer and a worker filling it.

use std::collections::BTreeMap;
use std::fs::File;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::direct::AlignedBuf;
use super::partial::read_at;
use crate::Cancel;

/// At most `capacity` buffers of `buffer_len` bytes exist at once; they are reused.
pub struct Pool {
    slots: Arc<Semaphore>,
    free: Mutex<Vec<AlignedBuf>>,
    buffer_len: usize,
}

/// A buffer on loan from a [`Pool`]; dropping it (on failure) just frees its slot.
pub struct Lease {
    pub buf: AlignedBuf,
    _slot: OwnedSemaphorePermit,
}

impl Pool {
    pub fn new(capacity: usize, buffer_len: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(capacity.max(1))),
            free: Mutex::new(Vec::new()),
            buffer_len,
        }
    }

    pub async fn take(&self) -> Lease {
        let slot = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        let reused = self.free.lock().unwrap_or_else(|p| p.into_inner()).pop();
        Lease {
            buf: reused.unwrap_or_else(|| AlignedBuf::new(self.buffer_len)),
            _slot: slot,
        }
    }

    pub fn give_back(&self, lease: Lease) {
        let Lease { buf, _slot } = lease;
        self.free
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(buf);
        // `_slot` drops after the buffer is back, so the next taker finds it.
    }
}

/// A chunk whose bytes `[begin, len)` (relative to the chunk's start) are in `lease.buf[..]`.
pub struct Filled {
    pub chunk: usize,
    pub lease: Lease,
}

/// What the hashing thread needs to know about the file's layout.
pub struct Layout {
    pub size: u64,
    pub chunk_size: u64,
    /// Per chunk: bytes from its start already on disk before this call (read back from `file`).
    pub begins: Vec<u64>,
}

impl Layout {
    fn chunk_len(&self, chunk: usize) -> u64 {
        (self.size - chunk as u64 * self.chunk_size).min(self.chunk_size)
    }
}

/// Hash the whole file in order; `Ok(None)` if `stop` was set (or the workers went away) first.
pub fn hash_in_order(
    file: &File,
    layout: &Layout,
    filled: Receiver<Filled>,
    pool: &Pool,
    stop: &Cancel,
) -> std::io::Result<Option<[u8; 32]>> {
    let mut hasher = Sha256::new();
    let mut parked: BTreeMap<usize, Filled> = BTreeMap::new();
    let mut scratch: Vec<u8> = Vec::new();
    for chunk in 0..layout.begins.len() {
        let start = chunk as u64 * layout.chunk_size;
        let begin = layout.begins[chunk];
        if begin > 0 {
            hash_from_disk(file, start, begin, &mut scratch, &mut hasher)?;
        }
        let len = layout.chunk_len(chunk);
        if begin >= len {
            continue;
        }
        let arrived = loop {
            if let Some(found) = parked.remove(&chunk) {
                break found;
            }
            if stop.is_cancelled() {
                return Ok(None);
            }
            match filled.recv_timeout(Duration::from_millis(20)) {
                Ok(next) if next.chunk == chunk => break next,
                Ok(next) => {
                    parked.insert(next.chunk, next);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        };
        hasher.update(&arrived.lease.buf[..(len - begin) as usize]);
        pool.give_back(arrived.lease);
    }
    Ok(Some(hasher.finalize().into()))
}

fn hash_from_disk(
    file: &File,
    start: u64,
    len: u64,
    scratch: &mut Vec<u8>,
    hasher: &mut Sha256,
) -> std::io::Result<()> {
    if scratch.is_empty() {
        scratch.resize(1024 * 1024, 0);
    }
    let mut position = start;
    let end = start + len;
    while position < end {
        let want = ((end - position) as usize).min(scratch.len());
        let n = read_at(file, &mut scratch[..want], position)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "partial file shrank",
            ));
        }
        hasher.update(&scratch[..n]);
        position += n as u64;
    }
    Ok(())
}
