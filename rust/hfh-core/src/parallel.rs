//! Spreading per-file work (hashing, mostly) over a few threads.
//!
//! Each file is processed by one thread; parallelism comes from working on several files at
//! once. Files are taken largest first, so that one big file started last does not leave the
//! other cores idle at the end.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::oid::HashError;
use crate::Cancel;

/// Default worker count: one per available core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map(NonZeroUsize::get)
        .unwrap_or(1)
}

/// One file of a parallel job, as a worker receives it.
#[derive(Clone, Copy, Debug)]
pub struct FileJob<'a> {
    pub path: &'a Path,
    /// Size when the job was planned (0 if it could not be read then).
    pub size: u64,
    /// Files not started yet, this one included: when it is below the worker count, some
    /// workers are idle and the job may use more than one thread.
    pub remaining: usize,
}

/// Run `work` on every path with `workers` threads (0 means one per core) and return the
/// results in the order of `paths`. Once `cancel` is set, files not yet started report
/// [`HashError::Cancelled`].
pub fn map_files_largest_first<T, F>(
    paths: &[PathBuf],
    workers: usize,
    cancel: &Cancel,
    work: F,
) -> Vec<Result<T, HashError>>
where
    T: Send,
    F: Fn(FileJob<'_>) -> Result<T, HashError> + Sync,
{
    let workers = if workers == 0 {
        default_workers()
    } else {
        workers
    };
    let workers = workers.min(paths.len()).max(1);

    let sizes: Vec<u64> = paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .collect();
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));

    let results: Vec<Mutex<Option<Result<T, HashError>>>> =
        paths.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);

    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let slot = next.fetch_add(1, Ordering::Relaxed);
                let Some(&index) = order.get(slot) else { break };
                let outcome = if cancel.is_cancelled() {
                    Err(HashError::Cancelled)
                } else {
                    work(FileJob {
                        path: &paths[index],
                        size: sizes[index],
                        remaining: paths.len() - slot,
                    })
                };
                *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            });
        }
    });

    results
        .into_iter()
        .map(|cell| {
            cell.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or(Err(HashError::Cancelled))
        })
        .collect()
}

/// Run `work` on every item with `workers` threads (0 means one per core), results in input
/// order. Items are taken in order, for work whose cost does not depend much on the item (small
/// files). Once `cancel` is set, items not yet started come back as `None`.
pub fn map_in_order<I, T, F>(
    items: &[I],
    workers: usize,
    cancel: &Cancel,
    work: F,
) -> Vec<Option<T>>
where
    I: Sync,
    T: Send,
    F: Fn(&I) -> T + Sync,
{
    let workers = if workers == 0 {
        default_workers()
    } else {
        workers
    };
    let workers = workers.min(items.len()).max(1);
    if workers == 1 {
        // No thread to spawn for one worker: many calls are for a few hundred tiny files.
        return items
            .iter()
            .map(|item| (!cancel.is_cancelled()).then(|| work(item)))
            .collect();
    }
    let results: Vec<Mutex<Option<T>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                if cancel.is_cancelled() {
                    break;
                }
                let outcome = work(item);
                *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            });
        }
    });
    results
        .into_iter()
        .map(|cell| cell.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect()
}
