//! A file over one connection: appended to its partial file, whose length is the resume point;
//! hashed inline as the bytes arrive.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::sync::atomic::Ordering;

use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};

use super::fetch::{fetch, Sink, Span};
use super::partial::{self, write_at};
use super::{Ctx, DownloadError, Job};

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
    let mut hasher = job.sha256.map(|_| Sha256::new());
    if let (Some(hasher), true) = (hasher.as_mut(), have > 0) {
        hash_prefix(&file, have, hasher).map_err(|e| DownloadError::io(path, e))?;
    }
    ctx.progress.done[index].store(have, Ordering::Relaxed);
    let fetched_before = have;
    let mut sink = AppendSink {
        ctx,
        index,
        file: &file,
        path,
        flushed: have,
        buffer: Vec::with_capacity(
            WRITE_BUFFER.min(job.expected_size.unwrap_or(0).max(64 * 1024) as usize),
        ),
        hasher,
    };
    if job.expected_size != Some(have) {
        fetch(ctx, &job.url, headers, Span::From(have), &mut sink).await?;
    }
    let size = sink.flushed;
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
    file: &'a File,
    path: &'a std::path::Path,
    /// Bytes on disk.
    flushed: u64,
    buffer: Vec<u8>,
    hasher: Option<Sha256>,
}

impl Sink for AppendSink<'_> {
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), DownloadError> {
        debug_assert_eq!(offset, self.flushed + self.buffer.len() as u64);
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(data);
        }
        if self.buffer.is_empty() && data.len() >= WRITE_BUFFER {
            write_at(self.file, data, self.flushed).map_err(|e| DownloadError::io(self.path, e))?;
            self.flushed += data.len() as u64;
            self.ctx.progress.done[self.index].store(self.flushed, Ordering::Relaxed);
            return Ok(());
        }
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
        self.flushed += self.buffer.len() as u64;
        self.buffer.clear();
        self.ctx.progress.done[self.index].store(self.flushed, Ordering::Relaxed);
        Ok(())
    }

    fn restart(&mut self) -> Result<(), DownloadError> {
        self.buffer.clear();
        self.file
            .set_len(0)
            .map_err(|e| DownloadError::io(self.path, e))?;
        self.flushed = 0;
        if self.hasher.is_some() {
            self.hasher = Some(Sha256::new());
        }
        self.ctx.progress.done[self.index].store(0, Ordering::Relaxed);
        Ok(())
    }
}
