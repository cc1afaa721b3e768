//! The request body of one attempt at one part: the byte range read from disk block by block as
//! the connection asks for it, so a part never sits in memory whole.
//!
//! Every block handed to the HTTP stack is accounted in [`Progress`] while it is alive (that is
//! what bounds memory, and what tests check), and each part remembers how far its best attempt
//! got, so bytes re-sent by a retry are not counted twice. The time of the last block is kept for
//! stall detection; a read failure is kept aside so the caller can tell it from a network error.

use std::fs::File;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use super::Progress;
use crate::transfer::read_at;

/// Bytes read from disk per body frame.
pub const READ_BLOCK: usize = 256 * 1024;

/// What one part's attempts share with whoever drives them.
pub(crate) struct PartState {
    /// Bytes of the part sent by its furthest attempt (progress counts only beyond this).
    reached: AtomicU64,
    /// Last time a block was handed over, in nanoseconds since `epoch`.
    last_activity: AtomicU64,
    epoch: Instant,
    /// A read failure of the current attempt.
    read_error: Mutex<Option<io::Error>>,
}

impl PartState {
    pub(crate) fn new() -> Self {
        Self {
            reached: AtomicU64::new(0),
            last_activity: AtomicU64::new(0),
            epoch: Instant::now(),
            read_error: Mutex::new(None),
        }
    }

    /// Marks the start of an attempt (the stall clock starts now).
    pub(crate) fn start_attempt(&self) {
        self.touch();
        *self.read_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn touch(&self) {
        let nanos = self.epoch.elapsed().as_nanos().min(u64::MAX as u128) as u64;
        self.last_activity.store(nanos, Ordering::Relaxed);
    }

    /// When the body last moved (or the attempt started).
    pub(crate) fn last_activity(&self) -> Instant {
        self.epoch + Duration::from_nanos(self.last_activity.load(Ordering::Relaxed))
    }

    pub(crate) fn take_read_error(&self) -> Option<io::Error> {
        self.read_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn advance(&self, sent_in_attempt: u64, progress: &Progress) {
        self.touch();
        let before = self.reached.fetch_max(sent_in_attempt, Ordering::Relaxed);
        if sent_in_attempt > before {
            progress
                .sent
                .fetch_add(sent_in_attempt - before, Ordering::Relaxed);
        }
    }
}

/// Bytes `[start, end)` of a file, as an `http_body::Body`.
pub(crate) struct RangeBody {
    file: Arc<File>,
    start: u64,
    position: u64,
    end: u64,
    part: Arc<PartState>,
    progress: Arc<Progress>,
}

impl RangeBody {
    pub(crate) fn new(
        file: Arc<File>,
        start: u64,
        len: u64,
        part: Arc<PartState>,
        progress: Arc<Progress>,
    ) -> Self {
        Self {
            file,
            start,
            position: start,
            end: start + len,
            part,
            progress,
        }
    }

    /// Reads the next block; a short file is an error (it changed since the parts were planned).
    fn read_block(&self) -> io::Result<Vec<u8>> {
        let want = (self.end - self.position).min(READ_BLOCK as u64) as usize;
        let mut buffer = vec![0u8; want];
        let mut filled = 0;
        while filled < want {
            match read_at(
                &self.file,
                &mut buffer[filled..],
                self.position + filled as u64,
            ) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "the file ends at byte {} but the upload needs bytes up to {}: it \
                             changed during the upload",
                            self.position + filled as u64,
                            self.end
                        ),
                    ))
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(buffer)
    }
}

impl http_body::Body for RangeBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if self.position >= self.end {
            return Poll::Ready(None);
        }
        // A positional read of one block: short enough to do in place (the download engine
        // writes the same way), and it keeps exactly one block per connection in our hands.
        let block = match self.read_block() {
            Ok(block) => block,
            Err(error) => {
                let message = error.to_string();
                *self
                    .part
                    .read_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(error);
                return Poll::Ready(Some(Err(io::Error::other(message))));
            }
        };
        self.position += block.len() as u64;
        self.part
            .advance(self.position - self.start, &self.progress);
        let tracked = TrackedBlock::new(block, self.progress.clone());
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_owner(tracked)))))
    }

    fn is_end_stream(&self) -> bool {
        self.position >= self.end
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.end - self.position)
    }
}

/// A block read from disk, counted in `Progress::buffered` until the HTTP stack drops it.
struct TrackedBlock {
    data: Vec<u8>,
    progress: Arc<Progress>,
}

impl TrackedBlock {
    fn new(data: Vec<u8>, progress: Arc<Progress>) -> Self {
        let len = data.len() as u64;
        let now = progress.buffered.fetch_add(len, Ordering::Relaxed) + len;
        progress.peak_buffered.fetch_max(now, Ordering::Relaxed);
        Self { data, progress }
    }
}

impl AsRef<[u8]> for TrackedBlock {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl Drop for TrackedBlock {
    fn drop(&mut self) {
        self.progress
            .buffered
            .fetch_sub(self.data.len() as u64, Ordering::Relaxed);
    }
}

/// Size of the file now (to notice a file that changed while it was uploaded).
pub(crate) fn current_size(file: &File, path: &Path) -> io::Result<u64> {
    match file.metadata() {
        Ok(meta) => Ok(meta.len()),
        // The handle is what we read from; fall back to the path if it cannot be stat'ed.
        Err(_) => std::fs::metadata(path).map(|m| m.len()),
    }
}
