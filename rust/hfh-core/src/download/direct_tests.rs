//! The direct-I/O writer and the engine around it: alignment, the unaligned tail, the fallback
//! to ordinary writes, and resumption across direct and buffered attempts.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::direct::{open_direct, AlignedBuf, Target, ALIGN};
use super::test_server::RangeServer;
use super::{download_all, DownloadError, Job, Options, Outcome, Progress};
use crate::Cancel;

const MIB: usize = 1024 * 1024;

fn payload(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// A directory on a filesystem that accepts `O_DIRECT` (the temporary directory, usually).
fn direct_capable_dir() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"").unwrap();
    open_direct(&probe).unwrap().map(|_| dir)
}

/// A directory on tmpfs, which refuses `O_DIRECT`.
fn tmpfs_dir() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir_in("/dev/shm").ok()?;
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"").ok()?;
    match open_direct(&probe).unwrap() {
        None => Some(dir),
        Some(_) => None,
    }
}

fn options(direct_io: bool, parallel_threshold: u64) -> Options {
    Options {
        connections: 3,
        chunk_size: MIB as u64,
        parallel_threshold,
        max_retries: 0,
        base_wait: Duration::from_millis(10),
        max_wait: Duration::from_millis(20),
        stall_timeout: Duration::from_secs(10),
        direct_io,
        direct_threshold: 0,
        ..Options::default()
    }
}

fn job(url: String, dir: &Path, data: &[u8]) -> Job {
    Job {
        url,
        headers: Vec::new(),
        destination: dir.join("blob"),
        partial: dir.join("blob.incomplete"),
        lock: None,
        expected_size: Some(data.len() as u64),
        sha256: Some(Sha256::digest(data).into()),
        replace: false,
    }
}

fn run(job: Job, opts: Options) -> Result<Outcome, DownloadError> {
    let progress = Arc::new(Progress::new(1));
    let mut results = download_all(vec![job], opts, progress, &Cancel::new());
    results.remove(0).expect("the only job runs")
}

fn fetched(outcome: Outcome) -> u64 {
    match outcome {
        Outcome::Downloaded { fetched, .. } => fetched,
        Outcome::AlreadyPresent => panic!("nothing was downloaded"),
    }
}

#[test]
fn aligned_buffers() {
    for len in [1, ALIGN - 1, ALIGN, 3 * MIB + 5] {
        let buf = AlignedBuf::new(len);
        assert_eq!(buf.as_ptr() as usize % ALIGN, 0);
        assert_eq!(buf.len() % ALIGN, 0);
        assert!(buf.len() >= len && buf.len() < len + ALIGN);
        assert!(buf.iter().all(|&b| b == 0));
    }
}

#[test]
fn writer_handles_aligned_unaligned_and_tail_writes() {
    let Some(dir) = direct_capable_dir() else {
        eprintln!("no filesystem with O_DIRECT here: skipped");
        return;
    };
    let path = dir.path().join("out");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    let direct = open_direct(&path).unwrap();
    let target = Target::new(file, direct);
    assert!(target.is_direct());
    let data = payload(3 * ALIGN + 100);
    let mut buf = AlignedBuf::new(data.len());
    buf[..data.len()].copy_from_slice(&data);
    // Aligned start, unaligned tail: blocks go direct, the tail through the page cache.
    target.write(&buf[..2 * ALIGN + 10], 0).unwrap();
    // An unaligned file offset and an unaligned address: everything goes buffered.
    target
        .write(&buf[2 * ALIGN + 10..3 * ALIGN + 1], 2 * ALIGN as u64 + 10)
        .unwrap();
    target
        .write(&buf[3 * ALIGN + 1..data.len()], 3 * ALIGN as u64 + 1)
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), data);
    // Overwriting a range the page cache holds with a direct write is seen by readers.
    let other = payload(2 * ALIGN).into_iter().rev().collect::<Vec<u8>>();
    let mut second = AlignedBuf::new(other.len());
    second.copy_from_slice(&other);
    target.write(&second, ALIGN as u64).unwrap();
    let mut expected = data.clone();
    expected[ALIGN..3 * ALIGN].copy_from_slice(&other);
    assert_eq!(std::fs::read(&path).unwrap(), expected);
}

#[test]
fn tmpfs_refuses_direct_io_and_downloads_still_work() {
    let Some(dir) = tmpfs_dir() else {
        eprintln!("no tmpfs refusing O_DIRECT here: skipped");
        return;
    };
    let data = payload(5 * MIB + 123);
    let server = RangeServer::start(data.clone());
    for threshold in [1, u64::MAX] {
        let job = job(server.url(), dir.path(), &data);
        let destination = job.destination.clone();
        let outcome = run(job, options(true, threshold)).unwrap();
        assert_eq!(fetched(outcome), data.len() as u64);
        assert_eq!(std::fs::read(&destination).unwrap(), data);
        std::fs::remove_file(&destination).unwrap();
    }
}

#[test]
fn ranged_direct_download_with_unaligned_tail() {
    let Some(dir) = direct_capable_dir() else {
        eprintln!("no filesystem with O_DIRECT here: skipped");
        return;
    };
    let data = payload(7 * MIB + 4321);
    let server = RangeServer::start(data.clone());
    let job = job(server.url(), dir.path(), &data);
    let destination = job.destination.clone();
    let outcome = run(job, options(true, 1)).unwrap();
    assert_eq!(fetched(outcome), data.len() as u64);
    assert_eq!(std::fs::read(&destination).unwrap(), data);
    assert!(!dir.path().join("blob.incomplete.state").exists());
    assert_eq!(server.ranges().len(), 8); // one request per 1 MiB chunk
}

#[test]
fn ranged_direct_download_detects_wrong_content() {
    let Some(dir) = direct_capable_dir() else {
        eprintln!("no filesystem with O_DIRECT here: skipped");
        return;
    };
    let data = payload(3 * MIB + 1);
    let server = RangeServer::start(data.clone());
    let mut job = job(server.url(), dir.path(), &data);
    job.sha256 = Some([0u8; 32]);
    let error = run(job, options(true, 1)).unwrap_err();
    assert!(matches!(error, DownloadError::Checksum { .. }), "{error}");
    assert!(!dir.path().join("blob").exists());
    assert!(!dir.path().join("blob.incomplete").exists());
}

/// Cut every response after `cut` bytes, run once with `first_direct`, then serve everything and
/// finish with `second_direct`: the result must be right and only the rest fetched again.
fn resume_across(first_direct: bool, second_direct: bool, ranged: bool, dir: &Path) {
    let data = payload(4 * MIB + 777);
    let server = RangeServer::start(data.clone());
    let threshold = if ranged { 1 } else { u64::MAX };
    let cut = (MIB / 2 + 1001) as u64; // off any block boundary
    server.state.cut_after.store(cut, Ordering::Relaxed);
    let partial: PathBuf = dir.join("blob.incomplete");
    let first = run(
        job(server.url(), dir, &data),
        options(first_direct, threshold),
    );
    assert!(
        matches!(first, Err(DownloadError::Network { .. })),
        "{first:?}"
    );
    assert!(partial.exists());
    let requests_before = server.ranges().len();

    server.state.cut_after.store(u64::MAX, Ordering::Relaxed);
    let served_before = server.state.served.load(Ordering::Relaxed);
    let outcome = run(
        job(server.url(), dir, &data),
        options(second_direct, threshold),
    )
    .unwrap();
    assert_eq!(std::fs::read(dir.join("blob")).unwrap(), data);
    let fetched = fetched(outcome);
    let served = server.state.served.load(Ordering::Relaxed) - served_before;
    assert_eq!(fetched, served);
    // Something was kept, and at most one block per chunk (or per file) was fetched again.
    assert!(fetched < data.len() as u64, "{fetched}");
    let resumed = server.ranges()[requests_before..]
        .iter()
        .filter(|r| r.as_deref().is_some_and(|r| !r.starts_with("bytes=0-")))
        .count();
    assert!(resumed >= 1, "{:?}", server.ranges());
    if second_direct {
        for range in server.ranges()[requests_before..].iter().flatten() {
            let start: u64 = range["bytes=".len()..]
                .split('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(start % ALIGN as u64, 0, "{range}");
        }
    }
    std::fs::remove_file(dir.join("blob")).unwrap();
}

#[test]
fn resume_from_buffered_to_direct_and_back() {
    let Some(dir) = direct_capable_dir() else {
        eprintln!("no filesystem with O_DIRECT here: skipped");
        return;
    };
    for ranged in [true, false] {
        resume_across(false, true, ranged, dir.path());
        resume_across(true, false, ranged, dir.path());
        resume_across(true, true, ranged, dir.path());
    }
}

#[test]
fn stale_state_of_another_chunk_size_starts_over() {
    let Some(dir) = direct_capable_dir() else {
        eprintln!("no filesystem with O_DIRECT here: skipped");
        return;
    };
    let data = payload(4 * MIB + 3);
    let server = RangeServer::start(data.clone());
    server
        .state
        .cut_after
        .store((MIB / 2) as u64, Ordering::Relaxed);
    let mut opts = options(true, 1);
    opts.chunk_size = 2 * MIB as u64;
    assert!(run(job(server.url(), dir.path(), &data), opts).is_err());
    server.state.cut_after.store(u64::MAX, Ordering::Relaxed);
    // Another chunk size: the holes of the first attempt must not be taken for content.
    let outcome = run(job(server.url(), dir.path(), &data), options(true, 1)).unwrap();
    assert_eq!(fetched(outcome), data.len() as u64);
    assert_eq!(std::fs::read(dir.path().join("blob")).unwrap(), data);
}
