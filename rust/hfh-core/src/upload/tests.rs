//! The upload engine against a real HTTP server on loopback (`test_server`).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::test_server::{Action, TestServer};
use super::*;

fn quick() -> Options {
    Options {
        max_workers: 4,
        max_retries: 3,
        base_wait: Duration::from_millis(10),
        max_wait: Duration::from_millis(50),
        connect_timeout: Duration::from_secs(10),
        stall_timeout: Duration::from_secs(30),
    }
}

fn file_with(dir: &Path, content: &[u8]) -> std::path::PathBuf {
    let path = dir.join("data.bin");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(content)
        .unwrap();
    path
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// Parts of `chunk` bytes covering `len` bytes, to `/part/{n}`.
fn parts(server: &TestServer, len: u64, chunk: u64) -> Vec<Part> {
    (0..len.div_ceil(chunk))
        .map(|i| Part {
            url: server.url(&format!("/part/{}", i + 1)),
            offset: i * chunk,
            length: chunk.min(len - i * chunk),
        })
        .collect()
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[test]
fn parts_go_up_in_parallel_with_the_callers_headers_only() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(1_000_000);
    let path = file_with(dir.path(), &content);
    // The first two requests wait for each other: a sequential engine would never get past them
    // (its attempt stalls, and no retry is allowed).
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let server = TestServer::start(move |path, _| match path {
        "/part/1" | "/part/2" => Action::WaitForPeers(barrier.clone()),
        _ => Action::Accept,
    });
    let progress = Arc::new(Progress::default());
    let opts = Options {
        max_retries: 0,
        stall_timeout: Duration::from_secs(20),
        ..quick()
    };
    let headers = vec![
        ("x-custom".to_string(), "yes".to_string()),
        ("Content-Length".to_string(), "1".to_string()),
    ];
    let parts = parts(&server, content.len() as u64, 300_000);
    let results = upload_parts(
        &path,
        parts.clone(),
        &headers,
        opts,
        progress.clone(),
        &Cancel::new(),
    );
    assert_eq!(results.len(), 4);
    for (i, (result, part)) in results.iter().zip(&parts).enumerate() {
        let uploaded = result.as_ref().unwrap_or_else(|e| panic!("part {i}: {e}"));
        let start = part.offset as usize;
        let expected = sha(&content[start..start + part.length as usize]);
        assert_eq!(uploaded.status, 200);
        assert_eq!(
            uploaded.etag.as_deref(),
            Some(format!("\"{expected}\"").as_str())
        );
        assert!(uploaded.headers.iter().any(|(n, _)| n == "etag"));
        let received = server.received_for(&format!("/part/{}", i + 1));
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].method, "PUT");
        assert_eq!(received[0].sha256, expected);
        let header = |name: &str| {
            received[0]
                .headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(header("content-length"), [part.length.to_string()]);
        assert_eq!(header("x-custom"), ["yes"]);
        assert!(header("authorization").is_empty());
        assert!(header("transfer-encoding").is_empty());
    }
    assert!(server.state.max_in_flight.load(Ordering::SeqCst) >= 2);
    assert_eq!(progress.sent.load(Ordering::SeqCst), content.len() as u64);
    assert_eq!(progress.buffered.load(Ordering::SeqCst), 0);
}

#[test]
fn a_5xx_is_retried_and_its_bytes_are_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(700_000);
    let path = file_with(dir.path(), &content);
    let server = TestServer::start(|path, attempt| match (path, attempt) {
        ("/part/2", 0) => Action::Fail(503),
        ("/part/2", 1) => Action::Fail(500),
        _ => Action::Accept,
    });
    let progress = Arc::new(Progress::default());
    let parts = parts(&server, content.len() as u64, 400_000);
    let results = upload_parts(&path, parts, &[], quick(), progress.clone(), &Cancel::new());
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let second = server.received_for("/part/2");
    assert_eq!(second.len(), 3);
    assert!(second.iter().all(|r| r.sha256 == sha(&content[400_000..])));
    assert_eq!(progress.sent.load(Ordering::SeqCst), content.len() as u64);
}

#[test]
fn a_connection_cut_midway_is_retried_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(3 * READ_BLOCK + 1234);
    let path = file_with(dir.path(), &content);
    let server = TestServer::start(|_, attempt| match attempt {
        0 => Action::CutAfter(READ_BLOCK as u64 + 10),
        _ => Action::Accept,
    });
    let progress = Arc::new(Progress::default());
    let url = server.url("/whole");
    let uploaded =
        upload_file(&path, &url, &[], quick(), progress.clone(), &Cancel::new()).unwrap();
    assert_eq!(uploaded.etag, Some(format!("\"{}\"", sha(&content))));
    let received = server.received_for("/whole");
    assert_eq!(received.len(), 2);
    assert!(received[0].len < content.len() as u64);
    assert_eq!(received[1].body.as_deref(), Some(content.as_slice()));
    assert_eq!(progress.sent.load(Ordering::SeqCst), content.len() as u64);
}

#[test]
fn a_stalled_request_is_abandoned_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(10_000);
    let path = file_with(dir.path(), &content);
    let server = TestServer::start(|_, attempt| match attempt {
        0 => Action::Hang,
        _ => Action::Accept,
    });
    let opts = Options {
        stall_timeout: Duration::from_millis(300),
        ..quick()
    };
    let url = server.url("/slow");
    let uploaded = upload_file(
        &path,
        &url,
        &[],
        opts,
        Arc::new(Progress::default()),
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(uploaded.status, 200);
    assert_eq!(server.received_for("/slow").len(), 2);
}

#[test]
fn permanent_failures_are_reported_unclassified_and_later_parts_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(30_000);
    let path = file_with(dir.path(), &content);
    let server = TestServer::start(|path, _| match path {
        "/part/1" => Action::Fail(403),
        "/part/3" => Action::Fail(502),
        _ => Action::Accept,
    });
    let opts = Options {
        max_workers: 1,
        max_retries: 2,
        ..quick()
    };
    let results = upload_parts(
        &path,
        parts(&server, 30_000, 10_000),
        &[],
        opts,
        Arc::new(Progress::default()),
        &Cancel::new(),
    );
    match &results[0] {
        Err(UploadError::Http {
            status,
            url,
            headers,
            body,
        }) => {
            assert_eq!(*status, 403);
            assert!(url.ends_with("/part/1"));
            assert!(headers.contains(&("x-test".to_string(), "failed".to_string())));
            assert_eq!(body, b"nope");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        results[1],
        Err(UploadError::Skipped { failed: 0 })
    ));
    assert!(matches!(
        results[2],
        Err(UploadError::Skipped { failed: 0 })
    ));
    assert_eq!(
        server.received_for("/part/1").len(),
        1,
        "a 403 is not retried"
    );
    assert!(server.received_for("/part/2").is_empty());

    // A 5xx that persists gives up after max_retries further attempts.
    let results = upload_parts(
        &path,
        parts(&server, 30_000, 10_000)[2..].to_vec(),
        &[],
        Options {
            max_retries: 2,
            ..quick()
        },
        Arc::new(Progress::default()),
        &Cancel::new(),
    );
    assert!(matches!(
        results[0],
        Err(UploadError::Http { status: 502, .. })
    ));
    assert_eq!(server.received_for("/part/3").len(), 3);

    // Nothing listens: a network error, retried, then reported.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x", closed.local_addr().unwrap());
    drop(closed);
    let result = upload_file(
        &path,
        &url,
        &[],
        Options {
            max_retries: 1,
            ..quick()
        },
        Arc::new(Progress::default()),
        &Cancel::new(),
    );
    assert!(
        matches!(&result, Err(UploadError::Network { timeout: false, .. })),
        "{result:?}"
    );
}

#[test]
fn a_file_too_short_or_changing_size_fails_its_part_with_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(20_000);
    let path = file_with(dir.path(), &content);
    let grow_path = path.clone();
    let server = TestServer::start(move |path, _| {
        if path == "/grow" {
            // The file changes while its part is being received.
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&grow_path)
                .unwrap();
            file.write_all(b"more").unwrap();
        }
        Action::Accept
    });
    let part = |url: &str, offset, length| Part {
        url: server.url(url),
        offset,
        length,
    };
    let results = upload_parts(
        &path,
        vec![part("/a", 0, 10_000), part("/b", 15_000, 5_001)],
        &[],
        quick(),
        Arc::new(Progress::default()),
        &Cancel::new(),
    );
    assert!(results[0].is_ok());
    match &results[1] {
        Err(UploadError::Io { path: p, source }) => {
            assert_eq!(p, &path);
            assert!(source.to_string().contains("too few"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    assert!(server.received_for("/b").is_empty());

    let result = upload_file(
        &path,
        &server.url("/grow"),
        &[],
        quick(),
        Arc::new(Progress::default()),
        &Cancel::new(),
    );
    match result {
        Err(UploadError::Io { source, .. }) => {
            assert!(source.to_string().contains("changed size"), "{source}")
        }
        other => panic!("{other:?}"),
    }

    // A missing file fails every part.
    let results = upload_parts(
        &dir.path().join("missing"),
        vec![part("/a", 0, 1), part("/b", 1, 1)],
        &[],
        quick(),
        Arc::new(Progress::default()),
        &Cancel::new(),
    );
    for result in results {
        match result {
            Err(UploadError::Io { source, .. }) => {
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound)
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_large_sparse_file_streams_through_a_few_blocks_per_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.bin");
    let size: u64 = 256 * 1024 * 1024;
    std::fs::File::create(&path).unwrap().set_len(size).unwrap();
    let server = TestServer::start(|_, _| Action::Accept);
    let progress = Arc::new(Progress::default());
    let workers = 4;
    let results = upload_parts(
        &path,
        parts(&server, size, size / 8),
        &[],
        Options {
            max_workers: workers,
            ..quick()
        },
        progress.clone(),
        &Cancel::new(),
    );
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let received = server.received();
    assert_eq!(received.len(), 8);
    assert!(received.iter().all(|r| r.len == size / 8 && r.all_zero));
    assert_eq!(progress.sent.load(Ordering::SeqCst), size);
    // What was read from disk and not yet released never exceeded a few blocks per connection:
    // the engine reads as the socket drains, never a whole part.
    let peak = progress.peak_buffered.load(Ordering::SeqCst);
    assert!(peak > 0);
    assert!(
        peak <= (workers * 8 * READ_BLOCK) as u64,
        "peak {peak} bytes buffered"
    );
    assert_eq!(progress.buffered.load(Ordering::SeqCst), 0);
}

#[test]
fn cancelling_stops_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let content = pattern(50_000);
    let path = file_with(dir.path(), &content);
    let server = TestServer::start(|_, _| Action::Hang);
    let cancel = Cancel::new();
    let results = std::thread::scope(|scope| {
        let cancel_in_worker = cancel.clone();
        let (path, parts) = (&path, parts(&server, 50_000, 10_000));
        let worker = scope.spawn(move || {
            upload_parts(
                path,
                parts,
                &[],
                Options {
                    max_workers: 2,
                    stall_timeout: Duration::from_secs(3600),
                    ..quick()
                },
                Arc::new(Progress::default()),
                &cancel_in_worker,
            )
        });
        server.wait_for_requests(2);
        cancel.cancel();
        worker.join().unwrap()
    });
    assert_eq!(results.len(), 5);
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(UploadError::Cancelled))),
        "{results:?}"
    );
    assert_eq!(
        server.received().len(),
        2,
        "no part started after the cancel"
    );
}
