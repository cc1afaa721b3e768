//! A response body rebuilt from xorbs on a blocking thread: the reader decodes chunks into
//! batches of about a megabyte and hands them over a small channel, so a plain download of a
//! Xet file streams (memory stays bounded) and stops as soon as the client goes away.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::sync::mpsc;

use crate::server::AppState;
use crate::store::xet::XetFile;
use crate::store::xet_read::{plan, read_plan};

/// Bytes sent per frame.
const BATCH: usize = 1 << 20;

struct XetBody {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    remaining: u64,
}

impl http_body::Body for XetBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        match this.rx.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(bytes))) => {
                this.remaining = this.remaining.saturating_sub(bytes.len() as u64);
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            // The reader stopped early without an error: never end a body short silently.
            Poll::Ready(None) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "Xet content ended early",
            )))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// Bytes `[start, start + len)` of `file` as a streaming body (`len > 0`).
pub fn stream(state: Arc<AppState>, file: XetFile, start: u64, len: u64) -> Body {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        let result = (|| -> io::Result<()> {
            let plan = state
                .store
                .read(|c| plan(c, &file, start, start + len))
                .map_err(|e| io::Error::other(e.message))?;
            let mut batch = Vec::with_capacity(BATCH);
            read_plan(&state.store.blobs, &plan, |data| {
                batch.extend_from_slice(data);
                if batch.len() >= BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    tx.blocking_send(Ok(Bytes::from(full)))
                        .map_err(|_| io::Error::other("client gone"))?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                tx.blocking_send(Ok(Bytes::from(batch)))
                    .map_err(|_| io::Error::other("client gone"))?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            let _ = tx.blocking_send(Err(e));
        }
    });
    Body::new(XetBody { rx, remaining: len })
}
