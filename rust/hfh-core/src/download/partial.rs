//! Partial files: the inter-process lock, and the state that lets a ranged download resume.
//!
//! A single-stream download needs no state: its partial file is a prefix of the content, so its
//! length is where to resume. A ranged download writes chunks in place into a file of the final
//! size; `<partial>.state` records, per chunk, how many bytes from the chunk's start are on disk.
//! The count is written after the bytes (both go through the page cache, so a killed process loses
//! neither), hence never ahead of the data.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::DownloadError;
use crate::Cancel;

const MAGIC: &[u8; 8] = b"HFHPART1";
const HEADER_LEN: u64 = 24;

pub fn state_path(partial: &Path) -> PathBuf {
    let mut name = partial.as_os_str().to_os_string();
    name.push(".state");
    PathBuf::from(name)
}

/// Remove a partial file and its state (best effort).
pub fn discard(partial: &Path) {
    let _ = std::fs::remove_file(partial);
    discard_state(partial);
}

pub fn discard_state(partial: &Path) {
    let _ = std::fs::remove_file(state_path(partial));
}

/// An exclusive `flock` on a lock file, released on drop. Compatible with `filelock.FileLock`
/// (upstream's lock): both use `flock` on the same path, and the file is left in place.
pub struct FileLock(#[allow(dead_code)] File);

pub async fn lock(path: &Path, cancel: &Cancel) -> Result<FileLock, DownloadError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| DownloadError::io(parent, e))?;
    }
    let file = open_lock_file(path).map_err(|e| DownloadError::io(path, e))?;
    loop {
        match try_lock(&file) {
            Ok(true) => return Ok(FileLock(file)),
            Ok(false) => {}
            Err(e) => return Err(DownloadError::io(path, e)),
        }
        if cancel.is_cancelled() {
            return Err(DownloadError::Cancelled);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(unix)]
fn open_lock_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o664)
        .open(path)?;
    Ok(file)
}

#[cfg(not(unix))]
fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor we own; no memory is involved.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(code) if code == libc::EWOULDBLOCK || code == libc::EINTR => Ok(false),
        _ => Err(error),
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

/// The chunk table of a ranged download, mirrored in `<partial>.state`.
pub struct ChunkState {
    pub size: u64,
    pub chunk_size: u64,
    pub done: Vec<AtomicU64>,
    state: File,
    state_path: PathBuf,
}

impl ChunkState {
    pub fn chunks(&self) -> usize {
        self.done.len()
    }

    pub fn chunk_start(&self, index: usize) -> u64 {
        index as u64 * self.chunk_size
    }

    pub fn chunk_len(&self, index: usize) -> u64 {
        (self.size - self.chunk_start(index)).min(self.chunk_size)
    }

    pub fn total_done(&self) -> u64 {
        self.done.iter().map(|d| d.load(Ordering::Relaxed)).sum()
    }

    /// Record that `done` bytes of chunk `index` are on disk.
    pub fn record(&self, index: usize, done: u64) -> Result<(), DownloadError> {
        self.done[index].store(done, Ordering::Release);
        write_at(
            &self.state,
            &done.to_le_bytes(),
            HEADER_LEN + 8 * index as u64,
        )
        .map_err(|e| DownloadError::io(&self.state_path, e))
    }
}

/// Open (or create) the partial file of a ranged download of `size` bytes and its chunk table.
/// A state from another size or chunk size, or a damaged one, starts over; a partial file without
/// state is trusted as a prefix (a single-stream download cut short).
pub fn open_ranged(
    partial: &Path,
    size: u64,
    chunk_size: u64,
) -> Result<(File, ChunkState), DownloadError> {
    let state_path = state_path(partial);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(partial)
        .map_err(|e| DownloadError::io(partial, e))?;
    let on_disk = file
        .metadata()
        .map_err(|e| DownloadError::io(partial, e))?
        .len();
    let chunks = size.div_ceil(chunk_size) as usize;
    let had_state = state_path.exists();
    let previous = read_state(&state_path, size, chunk_size, chunks);
    let done: Vec<u64> = match previous {
        Some(done) if on_disk == size => done,
        // A state we cannot use (another chunk size, damaged) describes a file with holes: its
        // length says nothing about what is on disk.
        _ if had_state => {
            file.set_len(0).map_err(|e| DownloadError::io(partial, e))?;
            vec![0; chunks]
        }
        _ if on_disk <= size => {
            // No usable state: the file is a prefix (from a single-stream attempt) or empty.
            (0..chunks)
                .map(|i| {
                    let start = i as u64 * chunk_size;
                    let len = (size - start).min(chunk_size);
                    on_disk.saturating_sub(start).min(len)
                })
                .collect()
        }
        _ => vec![0; chunks],
    };
    if on_disk > size {
        file.set_len(0).map_err(|e| DownloadError::io(partial, e))?;
    }
    let state = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&state_path)
        .map_err(|e| DownloadError::io(&state_path, e))?;
    let mut bytes = Vec::with_capacity(HEADER_LEN as usize + 8 * chunks);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&size.to_le_bytes());
    bytes.extend_from_slice(&chunk_size.to_le_bytes());
    for d in &done {
        bytes.extend_from_slice(&d.to_le_bytes());
    }
    write_at(&state, &bytes, 0).map_err(|e| DownloadError::io(&state_path, e))?;
    // Only now that the state exists: a full-size file without state is taken as complete.
    file.set_len(size)
        .map_err(|e| DownloadError::io(partial, e))?;
    let table = ChunkState {
        size,
        chunk_size,
        done: done.into_iter().map(AtomicU64::new).collect(),
        state,
        state_path,
    };
    Ok((file, table))
}

fn read_state(path: &Path, size: u64, chunk_size: u64, chunks: usize) -> Option<Vec<u64>> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() != HEADER_LEN as usize + 8 * chunks || &bytes[..8] != MAGIC {
        return None;
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    if word(8) != size || word(16) != chunk_size {
        return None;
    }
    let done: Vec<u64> = (0..chunks)
        .map(|i| word(HEADER_LEN as usize + 8 * i))
        .collect();
    let valid = done.iter().enumerate().all(|(i, &d)| {
        let start = i as u64 * chunk_size;
        d <= (size - start).min(chunk_size)
    });
    valid.then_some(done)
}

pub use crate::transfer::{read_at, write_at};
