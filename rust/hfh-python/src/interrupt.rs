//! Run Rust work with the GIL released while still honouring Ctrl-C.
//!
//! The work runs on a scoped thread; the calling thread waits for it in slices of
//! `POLL_INTERVAL`, briefly re-acquiring the GIL between slices to run Python's signal
//! handlers. If one raises (KeyboardInterrupt), the work is told to stop through its
//! [`Cancel`] flag, joined, and the Python exception is returned.

use std::sync::mpsc;
use std::time::Duration;

use hfh_core::Cancel;
use pyo3::prelude::*;

const POLL_INTERVAL: Duration = Duration::from_millis(100);

pub fn run_interruptible<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Cancel) -> T + Send,
{
    let cancel = Cancel::new();
    py.detach(|| {
        std::thread::scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let cancel_for_work = cancel.clone();
            let handle = scope.spawn(move || {
                let result = work(&cancel_for_work);
                // The receiver may be gone if we were interrupted; that is fine.
                let _ = done_tx.send(());
                result
            });
            loop {
                match done_rx.recv_timeout(POLL_INTERVAL) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if let Err(signal) = Python::attach(|py| py.check_signals()) {
                            cancel.cancel();
                            let _ = handle.join();
                            return Err(signal);
                        }
                    }
                }
            }
            handle
                .join()
                .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("worker thread panicked"))
        })
    })
}
