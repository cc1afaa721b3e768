//! The Xet file hash (and optionally SHA-256) of content and of files on disk.
//!
//! Content is chunked and every chunk hashed as the bytes stream past; nothing but the merkle
//! frontier is kept, so memory stays constant whatever the file size. Many files are hashed at
//! once on scoped threads, largest first.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use hfh_core::oid::{HashError, Sha256Stream};
use hfh_core::parallel::{default_workers, map_files_largest_first};
use hfh_core::Cancel;

use crate::chunking::BoundaryScanner;
use crate::hash::{ChunkHasher, MerkleHash};
use crate::merkle::MerkleBuilder;

/// Size of the blocks files are read in.
pub const READ_BLOCK_SIZE: usize = 8 * 1024 * 1024;

/// Size of the blocks [`hash_reader`] reads: small enough that a block is still in the core's
/// L2 cache when it is scanned for boundaries and hashed right after being read.
const SERIAL_READ_BLOCK_SIZE: usize = 1024 * 1024;

/// What hashing a file's content gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileHashInfo {
    /// The Xet file hash (all-zero for empty content).
    pub xet_hash: MerkleHash,
    /// Content length in bytes.
    pub size: u64,
    /// Number of chunks the content was cut into.
    pub chunks: u64,
    /// Plain SHA-256 digest of the content, when it was asked for.
    pub sha256: Option<[u8; 32]>,
}

/// The hashing half of the work: given content and where its chunks end, hash the chunks,
/// fold them into the merkle tree, and keep the SHA-256 running.
#[derive(Clone)]
struct ChunkSink {
    chunk: ChunkHasher,
    merkle: MerkleBuilder,
    sha256: Option<Sha256Stream>,
    size: u64,
    /// Bytes of the chunk in progress.
    chunk_len: u64,
}

impl ChunkSink {
    fn new(with_sha256: bool) -> Self {
        Self {
            chunk: ChunkHasher::new(),
            merkle: MerkleBuilder::new(),
            sha256: with_sha256.then(Sha256Stream::new),
            size: 0,
            chunk_len: 0,
        }
    }

    /// Consume `data`; `cuts` are the offsets in `data` (increasing) where chunks end.
    fn feed(&mut self, data: &[u8], cuts: &[usize]) {
        let mut start = 0;
        for &cut in cuts {
            self.add(&data[start..cut]);
            self.end_chunk();
            start = cut;
        }
        self.add(&data[start..]);
    }

    /// Continue the chunk in progress with `data`.
    fn add(&mut self, data: &[u8]) {
        if let Some(sha) = &mut self.sha256 {
            sha.update(data);
        }
        self.size += data.len() as u64;
        self.chunk.update(data);
        self.chunk_len += data.len() as u64;
    }

    fn end_chunk(&mut self) {
        let hash = self.chunk.finish();
        self.merkle.push(hash, self.chunk_len);
        self.chunk_len = 0;
    }

    fn finish(mut self) -> FileHashInfo {
        if self.chunk_len > 0 {
            self.end_chunk();
        }
        let chunks = self.merkle.len();
        FileHashInfo {
            xet_hash: self.merkle.finish_file_hash(&[0; 32]),
            size: self.size,
            chunks,
            sha256: self.sha256.map(|sha| sha.digest()),
        }
    }
}

/// Append to `cuts` the offsets in `data` where chunks end, continuing `scanner`'s chunk.
fn find_cuts(scanner: &mut BoundaryScanner, data: &[u8], cuts: &mut Vec<usize>) {
    let mut start = 0;
    while let Some(n) = scanner.scan(&data[start..]) {
        start += n;
        cuts.push(start);
    }
}

/// Incremental Xet file hashing: feed the content in blocks of any size, then `finish`.
#[derive(Clone)]
pub struct XetFileHasher {
    scanner: BoundaryScanner,
    sink: ChunkSink,
}

impl XetFileHasher {
    /// A hasher that also computes the SHA-256 of the content when `with_sha256` is set.
    pub fn new(with_sha256: bool) -> Self {
        Self {
            scanner: BoundaryScanner::new(),
            sink: ChunkSink::new(with_sha256),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        // Each chunk is hashed as soon as its end is found, while the scan has just brought
        // it into the cache, and in one piece (BLAKE3 is fastest on long contiguous input).
        let mut rest = data;
        while let Some(n) = self.scanner.scan(rest) {
            let (chunk, tail) = rest.split_at(n);
            self.sink.add(chunk);
            self.sink.end_chunk();
            rest = tail;
        }
        self.sink.add(rest);
    }

    /// The hashes of everything fed in.
    pub fn finish(self) -> FileHashInfo {
        self.sink.finish()
    }
}

fn cancelled() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "hashing was cancelled")
}

/// Fill `buffer` as far as the reader allows; returns the number of bytes read (less than
/// the buffer only at end of input).
fn read_block<R: Read>(reader: &mut R, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// [`hash_reader`] on two threads: this one reads and finds chunk boundaries while a helper
/// hashes the chunks (and computes SHA-256). Worth it for large inputs when a core is idle.
pub fn hash_reader_pipelined<R: Read>(
    reader: &mut R,
    with_sha256: bool,
    cancel: &Cancel,
) -> io::Result<FileHashInfo> {
    // Blocks in flight: one being read, one being hashed, one queued.
    const BUFFERS: usize = 3;
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize, Vec<usize>)>(BUFFERS);
    let (empty_tx, empty_rx) = mpsc::channel::<(Vec<u8>, Vec<usize>)>();

    std::thread::scope(|scope| {
        let helper = scope.spawn(move || {
            let mut sink = ChunkSink::new(with_sha256);
            for (buffer, len, cuts) in full_rx {
                sink.feed(&buffer[..len], &cuts);
                // The reader may already have stopped; then the buffer is simply dropped.
                let _ = empty_tx.send((buffer, cuts));
            }
            sink.finish()
        });

        let mut scanner = BoundaryScanner::new();
        let mut allocated = 0;
        let outcome = loop {
            if cancel.is_cancelled() {
                break Err(cancelled());
            }
            let (mut buffer, mut cuts) = match empty_rx.try_recv() {
                Ok(spare) => spare,
                Err(_) if allocated < BUFFERS => {
                    allocated += 1;
                    (vec![0u8; READ_BLOCK_SIZE], Vec::new())
                }
                Err(_) => match empty_rx.recv() {
                    Ok(spare) => spare,
                    Err(_) => break Err(io::Error::other("hashing thread stopped")),
                },
            };
            let len = match read_block(reader, &mut buffer) {
                Ok(len) => len,
                Err(e) => break Err(e),
            };
            if len == 0 {
                break Ok(());
            }
            cuts.clear();
            find_cuts(&mut scanner, &buffer[..len], &mut cuts);
            if full_tx.send((buffer, len, cuts)).is_err() {
                break Err(io::Error::other("hashing thread stopped"));
            }
            if len < READ_BLOCK_SIZE {
                break Ok(());
            }
        };
        drop(full_tx);
        let info = helper
            .join()
            .map_err(|_| io::Error::other("hashing thread panicked"))?;
        outcome.map(|()| info)
    })
}

/// Hash everything `reader` yields, a cache-sized block at a time; stops with
/// `ErrorKind::Interrupted` once `cancel` is set.
pub fn hash_reader<R: Read>(
    reader: &mut R,
    with_sha256: bool,
    cancel: &Cancel,
) -> io::Result<FileHashInfo> {
    let mut hasher = XetFileHasher::new(with_sha256);
    let mut buffer = vec![0u8; SERIAL_READ_BLOCK_SIZE];
    loop {
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        let n = read_block(reader, &mut buffer)?;
        hasher.update(&buffer[..n]);
        if n < buffer.len() {
            break;
        }
    }
    Ok(hasher.finish())
}

/// Files at least this large are hashed on two threads when a core would otherwise idle.
pub const PIPELINE_MIN_SIZE: u64 = 2 * READ_BLOCK_SIZE as u64;

/// The Xet hash (and SHA-256 when `with_sha256`) of one file's content, on this thread.
pub fn hash_file(
    path: &Path,
    with_sha256: bool,
    cancel: &Cancel,
) -> Result<FileHashInfo, HashError> {
    hash_path(path, with_sha256, false, cancel)
}

fn hash_path(
    path: &Path,
    with_sha256: bool,
    pipelined: bool,
    cancel: &Cancel,
) -> Result<FileHashInfo, HashError> {
    let io_error = |source| HashError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let outcome = if pipelined {
        hash_reader_pipelined(&mut file, with_sha256, cancel)
    } else {
        hash_reader(&mut file, with_sha256, cancel)
    };
    outcome.map_err(|e| {
        if cancel.is_cancelled() {
            HashError::Cancelled
        } else {
            io_error(e)
        }
    })
}

/// Hash many files at once on `workers` threads (0 means one per core). Results come back in
/// the order of `paths`. Files are taken largest first; when fewer files are left than there
/// are workers, a large file also gets a helper thread (see [`hash_reader_pipelined`]).
pub fn hash_files(
    paths: &[PathBuf],
    with_sha256: bool,
    workers: usize,
    cancel: &Cancel,
) -> Vec<Result<FileHashInfo, HashError>> {
    let cores = if workers == 0 {
        default_workers()
    } else {
        workers
    };
    map_files_largest_first(paths, cores, cancel, |job| {
        let pipelined = job.remaining < cores && job.size >= PIPELINE_MIN_SIZE;
        hash_path(job.path, with_sha256, pipelined, cancel)
    })
}

#[cfg(test)]
#[path = "file_hash_tests.rs"]
mod tests;
