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
    run_interruptible_with_ticks(py, work, |_| Ok(()))
}

/// [`run_interruptible`] that also calls `on_tick` with the GIL held between slices (after the
/// signal check), e.g. to report progress to Python; an error from it stops the work like a
/// signal does.
pub fn run_interruptible_with_ticks<T, F>(
    py: Python<'_>,
    work: F,
    mut on_tick: impl FnMut(Python<'_>) -> PyResult<()> + Send,
) -> PyResult<T>
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
                        let tick = Python::attach(|py| {
                            py.check_signals()?;
                            on_tick(py)
                        });
                        if let Err(error) = tick {
                            cancel.cancel();
                            let _ = handle.join();
                            return Err(error);
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
