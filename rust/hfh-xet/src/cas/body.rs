//! A request body over bytes already in memory, handed to the connection in 512 KiB frames so
//! that progress moves while a 64 MiB xorb is sent. Bytes re-sent by a retry are not counted
//! twice: each body knows how far the best attempt of its object got.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

const FRAME: usize = 512 * 1024;

pub(crate) struct CountingBody {
    data: Bytes,
    position: usize,
    /// Bytes of this object sent by its furthest attempt.
    reached: Arc<AtomicU64>,
    /// Where progress is added.
    sent: Arc<AtomicU64>,
}

impl CountingBody {
    pub fn new(data: Bytes, reached: Arc<AtomicU64>, sent: Arc<AtomicU64>) -> Self {
        Self {
            data,
            position: 0,
            reached,
            sent,
        }
    }
}

impl http_body::Body for CountingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let start = self.position;
        if start >= self.data.len() {
            return Poll::Ready(None);
        }
        let end = (start + FRAME).min(self.data.len());
        let frame = self.data.slice(start..end);
        self.position = end;
        let previous = self.reached.fetch_max(end as u64, Ordering::Relaxed);
        if (end as u64) > previous {
            self.sent
                .fetch_add(end as u64 - previous, Ordering::Relaxed);
        }
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.position >= self.data.len()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact((self.data.len() - self.position) as u64)
    }
}
