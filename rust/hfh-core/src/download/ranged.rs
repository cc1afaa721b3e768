//! A large file over several ranged connections, written in place.
//!
//! The file is cut into chunks of `Options::chunk_size`, handed out in file order to
//! `Options::connections` workers, so the completed prefix grows at the speed of all of them. A
//! hashing thread follows that prefix, reading back what the workers wrote (from the page cache),
//! so the SHA-256 is known moments after the last byte arrives.

use std::fs::File;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};

use super::fetch::{fetch, Fetched, Sink, Span};
use super::partial::{self, read_at, write_at, ChunkState};
use super::{Ctx, DownloadError, Job};
use crate::Cancel;

const WRITE_BUFFER: usize = 1024 * 1024;
const HASH_BUFFER: usize = 4 * 1024 * 1024;

pub(crate) enum Fallback {
    /// The server answered a ranged request with the whole content: use one connection.
    RangesUnsupported,
    Failed(DownloadError),
}

impl From<DownloadError> for Fallback {
    fn from(error: DownloadError) -> Self {
        Self::Failed(error)
    }
}

pub(crate) async fn download(
    ctx: &Arc<Ctx>,
    job: &Job,
    headers: &HeaderMap,
    size: u64,
    index: usize,
) -> Result<u64, Fallback> {
    let chunk_size = ctx.opts.chunk_size.max(1024 * 1024);
    let (file, table) = partial::open_ranged(&job.partial, size, chunk_size)?;
    let (file, table) = (Arc::new(file), Arc::new(table));
    let resumed = table.total_done();
    ctx.progress.done[index].store(resumed, Ordering::Relaxed);

    let stop_hashing = Cancel::new();
    let hasher = job.sha256.map(|_| {
        let (file, table, stop) = (file.clone(), table.clone(), stop_hashing.clone());
        std::thread::Builder::new()
            .name("hfh-hash".into())
            .spawn(move || hash_following(&file, &table, &stop))
    });
    let hasher = match hasher.transpose() {
        Ok(hasher) => hasher,
        Err(e) => return Err(DownloadError::io(&job.partial, e).into()),
    };

    let pending: Arc<Vec<usize>> = Arc::new(
        (0..table.chunks())
            .filter(|&i| table.done[i].load(Ordering::Relaxed) < table.chunk_len(i))
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let workers = ctx.opts.connections.clamp(1, pending.len().max(1));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (ctx, file, table, pending, next) = (
            ctx.clone(),
            file.clone(),
            table.clone(),
            pending.clone(),
            next.clone(),
        );
        let (url, headers, path) = (job.url.clone(), headers.clone(), job.partial.clone());
        set.spawn(async move {
            loop {
                let slot = next.fetch_add(1, Ordering::Relaxed);
                let Some(&chunk) = pending.get(slot) else {
                    return Ok(());
                };
                let start = table.chunk_start(chunk);
                let end = start + table.chunk_len(chunk);
                let mut sink = ChunkSink {
                    ctx: &ctx,
                    index,
                    file: &file,
                    path: &path,
                    table: &table,
                    chunk,
                    flushed: start + table.done[chunk].load(Ordering::Relaxed),
                    buffer: Vec::with_capacity(WRITE_BUFFER),
                };
                let from = sink.flushed;
                match fetch(&ctx, &url, &headers, Span::Between(from, end), &mut sink).await {
                    Ok(Fetched::Complete) => {}
                    Ok(Fetched::RangeIgnored) => return Err(Fallback::RangesUnsupported),
                    Err(error) => return Err(Fallback::Failed(error)),
                }
            }
        });
    }
    let mut failure: Option<Fallback> = None;
    while let Some(joined) = set.join_next().await {
        let result = joined.unwrap_or_else(|panic| {
            Err(Fallback::Failed(DownloadError::Invalid(format!(
                "transfer task failed: {panic}"
            ))))
        });
        if let Err(error) = result {
            // Stop the other workers; keep the most telling error (anything but our own cancel).
            if failure.is_none()
                || matches!(failure, Some(Fallback::Failed(DownloadError::Cancelled)))
            {
                failure = Some(error);
            }
            set.abort_all();
        }
    }
    if let Some(failure) = failure {
        stop_hashing.cancel();
        if let Some(handle) = hasher {
            let _ = handle.join();
        }
        drop(file);
        if matches!(failure, Fallback::RangesUnsupported) {
            partial::discard(&job.partial);
        }
        return Err(failure);
    }
    let fetched = table.total_done() - resumed;
    if let Some(handle) = hasher {
        let digest = handle
            .join()
            .map_err(|_| DownloadError::Invalid("hashing thread panicked".into()))?
            .map_err(|e| DownloadError::io(&job.partial, e))?;
        let expected = job
            .sha256
            .expect("a hasher runs only with an expected digest");
        if let Some(actual) = digest {
            if actual != expected {
                return Err(DownloadError::Checksum {
                    url: job.url.clone(),
                    expected: hex::encode(expected),
                    actual: hex::encode(actual),
                }
                .into());
            }
        }
    }
    Ok(fetched)
}

/// Hash the file in order as chunks complete. `Ok(None)` if stopped before the end.
fn hash_following(
    file: &File,
    table: &ChunkState,
    stop: &Cancel,
) -> std::io::Result<Option<[u8; 32]>> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; HASH_BUFFER];
    let mut position = 0u64;
    while position < table.size {
        if stop.is_cancelled() {
            return Ok(None);
        }
        let chunk = (position / table.chunk_size) as usize;
        let available = table.chunk_start(chunk) + table.done[chunk].load(Ordering::Acquire);
        if available <= position {
            std::thread::sleep(Duration::from_millis(2));
            continue;
        }
        let want = (available - position).min(HASH_BUFFER as u64) as usize;
        let mut filled = 0;
        while filled < want {
            let n = read_at(file, &mut buffer[filled..want], position + filled as u64)?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "partial file shrank",
                ));
            }
            filled += n;
        }
        hasher.update(&buffer[..want]);
        position += want as u64;
    }
    Ok(Some(hasher.finalize().into()))
}

struct ChunkSink<'a> {
    ctx: &'a Ctx,
    index: usize,
    file: &'a File,
    path: &'a std::path::Path,
    table: &'a ChunkState,
    chunk: usize,
    /// Absolute offset up to which this chunk's bytes are on disk.
    flushed: u64,
    buffer: Vec<u8>,
}

impl Sink for ChunkSink<'_> {
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), DownloadError> {
        debug_assert_eq!(offset, self.flushed + self.buffer.len() as u64);
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= WRITE_BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DownloadError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        write_at(self.file, &self.buffer, self.flushed)
            .map_err(|e| DownloadError::io(self.path, e))?;
        let written = self.buffer.len() as u64;
        self.flushed += written;
        self.buffer.clear();
        self.table.record(
            self.chunk,
            self.flushed - self.table.chunk_start(self.chunk),
        )?;
        self.ctx.progress.done[self.index].fetch_add(written, Ordering::Relaxed);
        Ok(())
    }

    fn restart(&mut self) -> Result<(), DownloadError> {
        Err(DownloadError::Invalid(
            "a ranged request cannot restart".into(),
        ))
    }
}
