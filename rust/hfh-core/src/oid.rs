//! Object identifiers of the Hub: SHA-256 (LFS and Xet files, blob names in the cache) and the
//! git blob SHA-1 (regular files), computed over bytes, readers, files, and many files at once.
//!
//! Readers are consumed in fixed-size buffers, so memory stays constant whatever the input size.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::{parallel, Cancel};

pub use crate::parallel::default_workers;

/// Size of the buffer each hashing worker reads into. Large enough that syscall overhead
/// vanishes next to SHA-256 throughput, small enough to stay in L2 with the hash state.
pub const READ_BUFFER_SIZE: usize = 1024 * 1024;

/// Which object identifier to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Plain SHA-256 of the content (LFS OIDs, cache blob names of LFS files).
    Sha256,
    /// SHA-1 of `"blob {len}\0" + content`, as `git hash-object` computes it.
    GitSha1,
}

/// Why hashing a file failed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("hashing was cancelled")]
    Cancelled,
}

impl HashError {
    fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// SHA-256 of a byte slice.
pub fn sha256_bytes(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The git blob header that prefixes content before SHA-1 hashing.
fn git_blob_header(len: u64) -> Vec<u8> {
    format!("blob {len}\0").into_bytes()
}

/// Git blob SHA-1 of a byte slice (`git hash-object` of a file with this content).
pub fn git_sha1_bytes(data: &[u8]) -> [u8; 20] {
    let mut hasher = Sha1::new();
    hasher.update(git_blob_header(data.len() as u64));
    hasher.update(data);
    hasher.finalize().into()
}

/// Feed everything `reader` yields into `update`, one buffer at a time, checking `cancel`
/// between buffers. Returns the number of bytes read.
fn pump<R: Read>(
    reader: &mut R,
    cancel: &Cancel,
    mut update: impl FnMut(&[u8]),
) -> Result<u64, io::Error> {
    let mut buffer = vec![0u8; READ_BUFFER_SIZE];
    let mut total = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        update(&buffer[..n]);
        total += n as u64;
    }
}

/// Files at least this large are read by a second thread while the first hashes ([`pump_read_ahead`]),
/// when a core is free for it: copying from the page cache costs about a fifth of SHA-256's time.
pub const READ_AHEAD_MIN_SIZE: u64 = 64 * 1024 * 1024;

/// Buffers in flight between the reading and the hashing thread.
const READ_AHEAD_BUFFERS: usize = 4;

/// Like [`pump`] for a file, but a scoped thread reads the next buffers while `update` runs on the
/// caller's thread, so the copy out of the page cache overlaps with hashing. Memory stays bounded
/// ([`READ_AHEAD_BUFFERS`] buffers, reused).
fn pump_read_ahead(
    file: &mut File,
    cancel: &Cancel,
    mut update: impl FnMut(&[u8]),
) -> Result<u64, io::Error> {
    use std::sync::mpsc;

    let (filled_tx, filled_rx) =
        mpsc::sync_channel::<io::Result<(Vec<u8>, usize)>>(READ_AHEAD_BUFFERS);
    let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
    for _ in 0..READ_AHEAD_BUFFERS {
        free_tx
            .send(vec![0u8; READ_BUFFER_SIZE])
            .expect("receiver alive");
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // Stops when the hashing side hangs up (its receiver or the free list is dropped).
            while let Ok(mut buffer) = free_rx.recv() {
                let read = loop {
                    if cancel.is_cancelled() {
                        break Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
                    }
                    match file.read(&mut buffer) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other,
                    }
                };
                let end = !matches!(read, Ok(n) if n > 0);
                if filled_tx.send(read.map(|n| (buffer, n))).is_err() || end {
                    return;
                }
            }
        });
        // Owned here, so that returning early (an error, a cancel) hangs up on the reader before
        // the scope waits for it.
        let (free_tx, filled_rx) = (free_tx, filled_rx);
        let mut total = 0u64;
        loop {
            let (buffer, n) = filled_rx
                .recv()
                .map_err(|_| io::Error::other("file reader stopped"))??;
            if n == 0 {
                return Ok(total);
            }
            if cancel.is_cancelled() {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
            }
            update(&buffer[..n]);
            total += n as u64;
            // The reader may have finished already; a returned buffer is then simply dropped.
            let _ = free_tx.send(buffer);
        }
    })
}

/// SHA-256 of everything a reader yields, in constant memory.
pub fn sha256_reader<R: Read>(reader: &mut R, cancel: &Cancel) -> io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    pump(reader, cancel, |chunk| hasher.update(chunk))?;
    Ok(hasher.finalize().into())
}

/// SHA-256 of an open file from byte `offset` to its end, read with positioned reads so the
/// file's shared cursor is left where it was (the caller may hold it through another handle).
#[cfg(unix)]
pub fn sha256_file_from(file: &File, offset: u64, cancel: &Cancel) -> io::Result<[u8; 32]> {
    use std::os::unix::fs::FileExt;

    struct PositionedReader<'a> {
        file: &'a File,
        position: u64,
    }

    impl Read for PositionedReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.file.read_at(buf, self.position)?;
            self.position += n as u64;
            Ok(n)
        }
    }

    sha256_reader(
        &mut PositionedReader {
            file,
            position: offset,
        },
        cancel,
    )
}

/// What hashing one file gives: its digest, or why it could not be read.
pub type HashResult = Result<Vec<u8>, HashError>;

/// The digest of one file's content, as `algorithm` defines it. A large file is read ahead by a
/// second thread (the caller hashes one file: a core is free for it).
pub fn hash_file(path: &Path, algorithm: Algorithm, cancel: &Cancel) -> HashResult {
    hash_file_reading_ahead(path, algorithm, cancel, true)
}

/// [`hash_file`], reading ahead in a second thread only if `may_read_ahead` and the file is at
/// least [`READ_AHEAD_MIN_SIZE`] bytes.
fn hash_file_reading_ahead(
    path: &Path,
    algorithm: Algorithm,
    cancel: &Cancel,
    may_read_ahead: bool,
) -> HashResult {
    let mut file = File::open(path).map_err(|e| HashError::io(path, e))?;
    let size = file.metadata().map_err(|e| HashError::io(path, e))?.len();
    let read_ahead = may_read_ahead && size >= READ_AHEAD_MIN_SIZE;
    let mut pump_file = |update: &mut dyn FnMut(&[u8])| {
        if read_ahead {
            pump_read_ahead(&mut file, cancel, update)
        } else {
            pump(&mut file, cancel, update)
        }
    };
    let result = match algorithm {
        Algorithm::Sha256 => {
            let mut hasher = Sha256::new();
            pump_file(&mut |chunk| hasher.update(chunk)).map(|_| hasher.finalize().to_vec())
        }
        Algorithm::GitSha1 => {
            // The header needs the length up front; a file that grows or shrinks while we
            // read it would give a digest for content that never existed, so refuse that.
            let expected = size;
            let mut hasher = Sha1::new();
            hasher.update(git_blob_header(expected));
            let read = pump_file(&mut |chunk| hasher.update(chunk));
            match read {
                Ok(n) if n != expected => Err(io::Error::other(format!(
                    "file changed size while it was hashed ({expected} bytes, then {n})"
                ))),
                Ok(_) => Ok(hasher.finalize().to_vec()),
                Err(e) => Err(e),
            }
        }
    };
    result.map_err(|e| {
        if cancel.is_cancelled() {
            HashError::Cancelled
        } else {
            HashError::io(path, e)
        }
    })
}

/// Hash many files at once, spreading them over `workers` threads (0 means one per core).
///
/// Results come back in the order of `paths`. Each file is hashed by a single thread (SHA-256
/// is sequential); parallelism comes from hashing several files at the same time.
pub fn hash_files(
    paths: &[PathBuf],
    algorithm: Algorithm,
    workers: usize,
    cancel: &Cancel,
) -> Vec<HashResult> {
    // Reading ahead takes a second core: only when fewer files than cores are hashed at once.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let may_read_ahead = paths.len() < cores;
    parallel::map_files_largest_first(paths, workers, cancel, |job| {
        hash_file_reading_ahead(job.path, algorithm, cancel, may_read_ahead)
    })
}

/// Incremental SHA-256 for content that arrives in pieces (Python file-like objects).
#[derive(Clone, Default)]
pub struct Sha256Stream(Sha256);

impl Sha256Stream {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest so far; the stream may keep receiving data afterwards.
    pub fn digest(&self) -> [u8; 32] {
        self.0.clone().finalize().into()
    }
}

#[cfg(test)]
mod tests;
