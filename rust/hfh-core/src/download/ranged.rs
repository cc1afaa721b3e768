//! A large file over several ranged connections, written in place.
//!
//! The file is cut into chunks of `Options::chunk_size`, handed out in file order to
//! `Options::connections` workers. Each worker fills its chunk in an aligned buffer from a bounded
//! pool and writes it out as it grows (through `O_DIRECT` when enabled, see `direct`), recording
//! its progress in the chunk table for resumption. When a SHA-256 is expected, finished chunks go
//! to a hashing thread that takes them in file order from memory (see `ordered`), so the digest is
//! known moments after the last byte arrives and nothing fetched is read back from disk.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::header::HeaderMap;

use super::direct::{self, align_down, Target, ALIGN};
use super::fetch::{fetch, Fetched, Sink, Span};
use super::ordered::{self, Filled, Pool};
use super::partial::{self, ChunkState};
use super::{Ctx, DownloadError, Job};
use crate::Cancel;

/// Bytes a worker accumulates before writing them out (and recording them in the chunk table).
const WRITE_STEP: usize = 1024 * 1024;

/// Upper bound of the memory held in chunk buffers; fewer workers are used if needed to stay under.
pub(crate) const BUFFER_BUDGET: u64 = 96 * 1024 * 1024;

/// Buffers beyond one per worker, so workers go on while finished chunks wait to be hashed.
const SPARE_BUFFERS: usize = 2;

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

/// The chunk size actually used: a whole number of blocks (so that every chunk starts aligned),
/// at least 1 MiB, and small enough for two buffers within the budget.
pub(crate) fn chunk_size(requested: u64) -> u64 {
    let ceiling = BUFFER_BUDGET / (1 + SPARE_BUFFERS as u64);
    align_down(requested.clamp(1024 * 1024, ceiling))
}

pub(crate) async fn download(
    ctx: &Arc<Ctx>,
    job: &Job,
    headers: &HeaderMap,
    size: u64,
    index: usize,
) -> Result<u64, Fallback> {
    let chunk_size = chunk_size(ctx.opts.chunk_size);
    let (file, table) = partial::open_ranged(&job.partial, size, chunk_size)?;
    let direct = if ctx.opts.direct_io && size >= ctx.opts.direct_threshold {
        direct::open_direct(&job.partial).map_err(|e| DownloadError::io(&job.partial, e))?
    } else {
        None
    };
    // Resume every chunk from a block boundary (a buffered attempt may have stopped anywhere),
    // so that buffers and file offsets stay aligned; at most one block per chunk is fetched again.
    let begins: Vec<u64> = (0..table.chunks())
        .map(|i| {
            let done = table.done[i].load(Ordering::Relaxed);
            if done >= table.chunk_len(i) {
                done
            } else {
                align_down(done)
            }
        })
        .collect();
    for (i, &begin) in begins.iter().enumerate() {
        table.done[i].store(begin, Ordering::Relaxed);
    }
    let (target, table) = (Arc::new(Target::new(file, direct)), Arc::new(table));
    let resumed = table.total_done();
    ctx.progress.done[index].store(resumed, Ordering::Relaxed);

    let pending: Arc<Vec<usize>> = Arc::new(
        (0..table.chunks())
            .filter(|&i| begins[i] < table.chunk_len(i))
            .collect(),
    );
    let affordable = (BUFFER_BUDGET / chunk_size) as usize - SPARE_BUFFERS;
    let workers = ctx
        .opts
        .connections
        .min(affordable)
        .clamp(1, pending.len().max(1));
    let pool = Arc::new(Pool::new(workers + SPARE_BUFFERS, chunk_size as usize));

    let stop_hashing = Cancel::new();
    let (to_hasher, hasher) = match job.sha256 {
        None => (None, None),
        Some(_) => {
            let (sender, receiver) = std::sync::mpsc::channel::<Filled>();
            let layout = ordered::Layout {
                size,
                chunk_size,
                begins: begins.clone(),
            };
            let (target, pool, stop) = (target.clone(), pool.clone(), stop_hashing.clone());
            let spawned = std::thread::Builder::new()
                .name("hfh-hash".into())
                .spawn(move || {
                    ordered::hash_in_order(&target.file, &layout, receiver, &pool, &stop)
                });
            match spawned {
                Ok(handle) => (Some(sender), Some(handle)),
                Err(e) => return Err(DownloadError::io(&job.partial, e).into()),
            }
        }
    };

    let begins = Arc::new(begins);
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (ctx, target, table, pending, next, pool, begins) = (
            ctx.clone(),
            target.clone(),
            table.clone(),
            pending.clone(),
            next.clone(),
            pool.clone(),
            begins.clone(),
        );
        let to_hasher = to_hasher.clone();
        let (url, headers, path) = (job.url.clone(), headers.clone(), job.partial.clone());
        set.spawn(async move {
            loop {
                // A buffer first, then a chunk: see `ordered` for why this order cannot deadlock.
                let mut lease = pool.take().await;
                let slot = next.fetch_add(1, Ordering::Relaxed);
                let Some(&chunk) = pending.get(slot) else {
                    pool.give_back(lease);
                    return Ok(());
                };
                let origin = table.chunk_start(chunk) + begins[chunk];
                let end = table.chunk_start(chunk) + table.chunk_len(chunk);
                let mut sink = ChunkSink {
                    ctx: &ctx,
                    index,
                    target: &target,
                    path: &path,
                    table: &table,
                    chunk,
                    origin,
                    buf: &mut lease.buf[..],
                    filled: 0,
                    written: 0,
                };
                match fetch(&ctx, &url, &headers, Span::Between(origin, end), &mut sink).await {
                    Ok(Fetched::Complete) => sink.write_out(true).map_err(Fallback::Failed)?,
                    Ok(Fetched::RangeIgnored) => return Err(Fallback::RangesUnsupported),
                    Err(error) => return Err(Fallback::Failed(error)),
                }
                match &to_hasher {
                    // The hasher is gone only if it failed; its error is reported below.
                    Some(sender) => {
                        let _ = sender.send(Filled { chunk, lease });
                    }
                    None => pool.give_back(lease),
                }
            }
        });
    }
    drop(to_hasher);
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
        drop(target);
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
        match digest {
            Some(actual) if actual == expected => {}
            Some(actual) => {
                return Err(DownloadError::Checksum {
                    url: job.url.clone(),
                    expected: hex::encode(expected),
                    actual: hex::encode(actual),
                }
                .into())
            }
            None => {
                return Err(DownloadError::Invalid(
                    "the hashing thread stopped before the end of the file".into(),
                )
                .into())
            }
        }
    }
    Ok(fetched)
}

/// One chunk being fetched into `buf`, whose byte 0 belongs at file offset `origin`.
struct ChunkSink<'a> {
    ctx: &'a Ctx,
    index: usize,
    target: &'a Target,
    path: &'a std::path::Path,
    table: &'a ChunkState,
    chunk: usize,
    origin: u64,
    buf: &'a mut [u8],
    /// Bytes received into `buf`.
    filled: usize,
    /// Bytes of `buf` on disk.
    written: usize,
}

impl ChunkSink<'_> {
    /// Write out what has arrived: whole blocks only, unless `all` (the chunk is complete, and
    /// only the file's last chunk can end off a block boundary).
    fn write_out(&mut self, all: bool) -> Result<(), DownloadError> {
        let upto = if all {
            self.filled
        } else {
            self.filled / ALIGN * ALIGN
        };
        if upto <= self.written {
            return Ok(());
        }
        let offset = self.origin + self.written as u64;
        self.target
            .write(&self.buf[self.written..upto], offset)
            .map_err(|e| DownloadError::io(self.path, e))?;
        let newly = (upto - self.written) as u64;
        self.written = upto;
        // The count goes to the chunk table only after the bytes are written.
        let end = self.origin + upto as u64;
        self.table
            .record(self.chunk, end - self.table.chunk_start(self.chunk))?;
        self.ctx.progress.done[self.index].fetch_add(newly, Ordering::Relaxed);
        Ok(())
    }
}

impl Sink for ChunkSink<'_> {
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), DownloadError> {
        debug_assert_eq!(offset, self.origin + self.filled as u64);
        let room = self.buf.len() - self.filled;
        if data.len() > room {
            return Err(DownloadError::Invalid(
                "the server sent more than the requested range".into(),
            ));
        }
        self.buf[self.filled..self.filled + data.len()].copy_from_slice(data);
        self.filled += data.len();
        if self.filled - self.written >= WRITE_STEP {
            self.write_out(false)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DownloadError> {
        // After a failed attempt: persist whole blocks; the rest stays in `buf` for the retry.
        self.write_out(false)
    }

    fn restart(&mut self) -> Result<(), DownloadError> {
        Err(DownloadError::Invalid(
            "a ranged request cannot restart".into(),
        ))
    }
}
