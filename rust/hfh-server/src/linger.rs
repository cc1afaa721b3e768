//! Reading the rest of a request body that a handler answered without reading.
//!
//! Many routes refuse a request (401, 403, 404, 400 on the query string) before looking at its
//! body. hyper then drains the body only if it is already buffered; otherwise it stops reading
//! and closes the connection once the response is written. A client that sends the headers
//! and the body in two writes (urllib3, hence `requests`, always does) loses the race when the
//! server runs between the two: the body lands on a socket that is being closed, the kernel
//! answers with a reset, and the reset discards the response the client had not read yet.
//! The client sees "Connection reset by peer" / "Remote end closed connection" instead of the
//! 403, and a pooled keep-alive connection dies under the next request. On a loaded machine the
//! window is wide enough to make end-to-end tests flaky.
//!
//! So every request body goes through a shared slot: the handler reads it as usual, and what it
//! left unread is read and discarded before the response is handed to hyper, which then keeps
//! the connection alive. Large or stalled bodies are not worth waiting for: past a size or time
//! budget the rest is dropped and hyper closes the connection as before.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::EXPECT;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// Unread bytes worth reading to keep a connection: error answers to JSON and form requests.
/// Beyond this (an upload refused up front) closing the connection is cheaper.
pub const DRAIN_MAX_BYTES: usize = 4 << 20;

/// How long the client may take to send the rest of its body.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

type Slot = Arc<Mutex<Option<Body>>>;

/// The handler's view of the request body: reads go to the body in the slot, and dropping it
/// leaves the body (and whatever the client has not sent yet) in the slot.
struct SharedBody(Slot);

impl HttpBody for SharedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        let slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().map_or(true, |b| b.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        let slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().map(|b| b.size_hint()).unwrap_or_default()
    }
}

/// Runs `handler` on the request, then reads what is left of its body before answering (the
/// server's per-request layer, `server::guard_connection`, calls it).
pub async fn around<F, Fut>(req: Request, handler: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    // A client that sent `Expect: 100-continue` waits for our answer before sending the body:
    // reading it would make hyper invite the body we do not want. hyper closes cleanly there.
    if req.headers().contains_key(EXPECT) {
        return handler(req).await;
    }
    let (parts, body) = req.into_parts();
    // Nothing to wait for, or more than we would ever read: straight through (uploads too).
    if body.is_end_stream() || body.size_hint().lower() > DRAIN_MAX_BYTES as u64 {
        return handler(Request::from_parts(parts, body)).await;
    }
    let slot: Slot = Arc::new(Mutex::new(Some(body)));
    let shared = Body::new(SharedBody(slot.clone()));
    let response = handler(Request::from_parts(parts, shared)).await;
    let rest = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(body) = rest {
        let _ = tokio::time::timeout(DRAIN_TIMEOUT, discard(body, DRAIN_MAX_BYTES)).await;
    }
    response
}

/// Reads and drops `body` up to its end, giving up (and dropping it unread) past `limit` bytes
/// or on a transport error. Returns whether the end was reached.
async fn discard(mut body: Body, limit: usize) -> bool {
    let mut seen = 0usize;
    while !body.is_end_stream() {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return true,
            Some(Err(_)) => return false,
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    seen += data.len();
                    if seen > limit {
                        return false;
                    }
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn discard_reads_to_the_end_within_the_limit() {
        assert!(discard(Body::from(vec![0u8; 100]), 100).await);
        assert!(!discard(Body::from(vec![0u8; 101]), 100).await);
        assert!(discard(Body::empty(), 0).await);
    }

    #[tokio::test]
    async fn a_dropped_handler_body_leaves_the_rest_in_the_slot() {
        let slot: Slot = Arc::new(Mutex::new(Some(Body::from("abc"))));
        let shared = SharedBody(slot.clone());
        assert!(!shared.is_end_stream());
        assert_eq!(shared.size_hint().exact(), Some(3));
        drop(shared);
        let rest = slot.lock().unwrap().take().unwrap();
        let bytes = axum::body::to_bytes(rest, 10).await.unwrap();
        assert_eq!(&bytes[..], b"abc");
    }
}
