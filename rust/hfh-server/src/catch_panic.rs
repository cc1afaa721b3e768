//! A panic in a request handler becomes a 500 instead of a dropped connection.
//!
//! hyper runs each connection on its own task: a handler that panics unwinds that task and
//! the client sees its connection cut with no answer, which `requests` reports as a network
//! failure (and retries, for idempotent calls) rather than as the server error it is. Work
//! run through `spawn_blocking` is already covered (its panic is a `JoinError`, turned into a
//! 500 by `Ctx::blocking`); this covers the async part of the handlers. The default panic hook
//! still prints the panic to stderr, where it can be diagnosed.

use crate::errors::HubError;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs the rest of the stack, answering 500 if its handler panics (the server's per-request
/// layer, `server::guard_connection`, calls it).
pub async fn guarded(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    match (CatchUnwind(Box::pin(next.run(req)))).await {
        Ok(response) => response,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            HubError::internal(format!(
                "Internal error while handling {method} {path}: {detail}"
            ))
            .into_response()
        }
    }
}

/// Polls the inner future, turning a panic during a poll into `Err(payload)`. The future is
/// dropped after a panic and never polled again, so no broken state is observed.
struct CatchUnwind<F>(Pin<Box<F>>);

type Payload = Box<dyn std::any::Any + Send>;

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Payload>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_future_is_an_error_and_a_normal_one_its_value() {
        let ok = CatchUnwind(Box::pin(async { 7 })).await;
        assert_eq!(ok.ok(), Some(7));
        let panicked = CatchUnwind(Box::pin(async {
            tokio::task::yield_now().await;
            panic!("boom")
        }))
        .await;
        let payload = panicked.expect_err("the panic is caught");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    }
}
