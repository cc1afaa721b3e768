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

/// The digest of one file's content, as `algorithm` defines it.
pub fn hash_file(path: &Path, algorithm: Algorithm, cancel: &Cancel) -> HashResult {
    let mut file = File::open(path).map_err(|e| HashError::io(path, e))?;
    let result = match algorithm {
        Algorithm::Sha256 => sha256_reader(&mut file, cancel).map(|d| d.to_vec()),
        Algorithm::GitSha1 => {
            // The header needs the length up front; a file that grows or shrinks while we
            // read it would give a digest for content that never existed, so refuse that.
            let expected = file.metadata().map_err(|e| HashError::io(path, e))?.len();
            let mut hasher = Sha1::new();
            hasher.update(git_blob_header(expected));
            let read = pump(&mut file, cancel, |chunk| hasher.update(chunk));
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
    parallel::map_files_largest_first(paths, workers, cancel, |job| {
        hash_file(job.path, algorithm, cancel)
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
