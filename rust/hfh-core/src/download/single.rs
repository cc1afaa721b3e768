//! A file over one connection: appended to its partial file, whose length is the resume point;
//! hashed inline as the bytes arrive. Large files are written past the page cache (see `direct`).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::sync::atomic::Ordering;

use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};

use super::direct::{self, align_down, AlignedBuf, Target, ALIGN};
use super::fetch::{fetch, Sink, Span};
use super::partial;
use super::{Ctx, DownloadError, Job};

/// Bytes gathered before a write.
const WRITE_BUFFER: usize = 1024 * 1024;

/// Download `job` over one connection; returns the number of bytes fetched.
pub(crate) async fn download(
    ctx: &Ctx,
    job: &Job,
    headers: &HeaderMap,
    index: usize,
) -> Result<u64, DownloadError> {
    let path = &job.partial;
    // A ranged attempt left a full-size sparse file: not a prefix, start over.
    let had_state = partial::state_path(path).exists();
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| DownloadError::io(path, e))?;
    let mut have = file
        .metadata()
        .map_err(|e| DownloadError::io(path, e))?
        .len();
    if had_state || job.expected_size.is_some_and(|size| have > size) {
        file.set_len(0).map_err(|e| DownloadError::io(path, e))?;
        have = 0;
    }
    partial::discard_state(path);
    let direct = match job.expected_size {
        Some(size) if ctx.opts.direct_io && size >= ctx.opts.direct_threshold => {
            direct::open_direct(path).map_err(|e| DownloadError::io(path, e))?
        }
        _ => None,
    };
    if direct.is_some() && job.expected_size != Some(have) && have % ALIGN as u64 != 0 {
        // Continue from a block boundary (a buffered attempt may have stopped anywhere), so that
        // direct writes stay aligned; at most one block is fetched again.
        have = align_down(have);
        file.set_len(have).map_err(|e| DownloadError::io(path, e))?;
    }
    let mut hasher = job.sha256.map(|_| Sha256::new());
    if let (Some(hasher), true) = (hasher.as_mut(), have > 0) {
        hash_prefix(&file, have, hasher).map_err(|e| DownloadError::io(path, e))?;
    }
    ctx.progress.done[index].store(have, Ordering::Relaxed);
    let fetched_before = have;
    let target = Target::new(file, direct);
    // Small files (most of a snapshot) get a buffer of their own size, not a whole write step.
    let capacity = match job.expected_size {
        Some(size) if !target.is_direct() => (size as usize).clamp(1, WRITE_BUFFER),
        Some(_) => WRITE_BUFFER,
        None => 64 * 1024,
    };
    let mut sink = AppendSink {
        ctx,
        index,
        target: &target,
        path,
        origin: have,
        buf: AlignedBuf::new(capacity),
        filled: 0,
        hasher,
    };
    if job.expected_size != Some(have) {
        fetch(ctx, &job.url, headers, Span::From(have), &mut sink).await?;
        sink.write_out(true)?;
    }
    let size = sink.origin;
    let fetched = size.saturating_sub(fetched_before);
    if let Some(expected) = job.expected_size {
        if size != expected {
            return Err(DownloadError::Size {
                url: job.url.clone(),
                expected,
                actual: size,
            });
        }
    }
    if let (Some(expected), Some(hasher)) = (job.sha256, sink.hasher.take()) {
        let actual: [u8; 32] = hasher.finalize().into();
        if actual != expected {
            return Err(DownloadError::Checksum {
                url: job.url.clone(),
                expected: hex::encode(expected),
                actual: hex::encode(actual),
            });
        }
    }
    Ok(fetched)
}

fn hash_prefix(file: &File, len: u64, hasher: &mut Sha256) -> std::io::Result<()> {
    let mut reader = file.try_clone()?.take(len);
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buffer[..n]);
    }
}

struct AppendSink<'a> {
    ctx: &'a Ctx,
    index: usize,
    target: &'a Target,
    path: &'a std::path::Path,
    /// Bytes on disk: the file offset of `buf[0]`.
    origin: u64,
    buf: AlignedBuf,
    /// Bytes received into `buf`, not yet on disk.
    filled: usize,
    hasher: Option<Sha256>,
}

impl AppendSink<'_> {
    /// Append the received bytes to the file: all of them, or with direct I/O and unless `all`,
    /// whole blocks only (the rest moves to the front of the buffer and waits for more).
    fn write_out(&mut self, all: bool) -> Result<(), DownloadError> {
        let upto = if all || !self.target.is_direct() {
            self.filled
        } else {
            self.filled / ALIGN * ALIGN
        };
        if upto == 0 {
            return Ok(());
        }
        self.target
            .write(&self.buf[..upto], self.origin)
            .map_err(|e| DownloadError::io(self.path, e))?;
        self.buf.copy_within(upto..self.filled, 0);
        self.filled -= upto;
        self.origin += upto as u64;
        self.ctx.progress.done[self.index].store(self.origin, Ordering::Relaxed);
        Ok(())
    }
}

impl Sink for AppendSink<'_> {
    fn write(&mut self, offset: u64, mut data: &[u8]) -> Result<(), DownloadError> {
        debug_assert_eq!(offset, self.origin + self.filled as u64);
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(data);
        }
        while !data.is_empty() {
            let room = self.buf.len() - self.filled;
            let take = room.min(data.len());
            self.buf[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == self.buf.len() {
                self.write_out(false)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DownloadError> {
        self.write_out(false)
    }

    fn restart(&mut self) -> Result<(), DownloadError> {
        self.filled = 0;
        self.target
            .file
            .set_len(0)
            .map_err(|e| DownloadError::io(self.path, e))?;
        self.origin = 0;
        if self.hasher.is_some() {
            self.hasher = Some(Sha256::new());
        }
        self.ctx.progress.done[self.index].store(0, Ordering::Relaxed);
        Ok(())
    }
}
