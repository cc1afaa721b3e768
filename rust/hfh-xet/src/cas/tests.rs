//! The CAS client against the CAS-shaped test server (`test_cas`), over real HTTP on loopback.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use hfh_core::Cancel;

use super::session::Session;
use super::test_cas::TestCas;
use super::*;
use crate::chunking::Chunk;
use crate::xorb::MAX_XORB_CHUNKS;
use crate::MerkleHash;

fn quick() -> CasOptions {
    CasOptions {
        max_retries: 3,
        base_wait: Duration::from_millis(10),
        max_wait: Duration::from_millis(50),
        request_timeout: Duration::from_secs(20),
        custom_headers: vec![("user-agent".into(), "test-agent".into())],
        ..CasOptions::default()
    }
}

fn tokens(cas: &TestCas) -> TokenSource {
    TokenSource::new(
        None,
        Some(cas.url("/token")),
        &[("authorization".into(), "Bearer hf_hub".into())],
    )
    .unwrap()
}

fn bytes_item(data: &[u8]) -> UploadItem {
    UploadItem {
        source: UploadSource::Bytes(bytes::Bytes::copy_from_slice(data)),
        sha256: None,
        expected_stat: None,
    }
}

fn run(cas: &TestCas, items: Vec<UploadItem>) -> Result<UploadReport, CasError> {
    upload(
        items,
        tokens(cas),
        quick(),
        Arc::new(UploadProgress::default()),
        &Cancel::new(),
    )
}

/// SplitMix64 bytes (incompressible, no repeated chunks).
fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(hfh_core::oid::sha256_bytes(data))
}

#[test]
fn one_small_upload_sends_the_bytes_hf_xet_sends() {
    let cas = TestCas::start();
    cas.store
        .behaviour
        .no_v2_shards
        .store(true, Ordering::SeqCst);
    let report = run(&cas, vec![bytes_item(b"Hello, World!")]).unwrap();
    let file = report.files[0];
    assert_eq!(
        file.xet_hash.hex(),
        "2028081f8fc86d0698acffb85c902a410549c3ffcc45a0b6ed666e1032d17157"
    );
    assert_eq!(file.size, 13);
    assert_eq!(hex::encode(file.sha256), sha256_hex(b"Hello, World!"));

    let xorbs = cas.received_for("/v1/xorbs/");
    assert_eq!(xorbs.len(), 1);
    assert_eq!(
        xorbs[0].path,
        "/v1/xorbs/default/45143e5337d3e15599eb0f1370a9ee88e5114a633b3dd960ee673dbc191bf089"
    );
    assert_eq!(
        hex::encode(&xorbs[0].body),
        "000d0000000d000048656c6c6f2c20576f726c6421"
    );
    // Every CAS call: the CAS token, the session id, the caller's headers, never the Hub token.
    for request in cas.received_for("/v") {
        assert_eq!(request.header("authorization"), Some("Bearer token-1"));
        assert_eq!(request.header("user-agent"), Some("test-agent"));
        assert_eq!(request.header("x-xet-session-id").map(str::len), Some(36));
    }
    // The token route got the Hub headers.
    assert_eq!(
        cas.received_for("/token")[0].header("authorization"),
        Some("Bearer hf_hub")
    );
    // v2 answered 404: the shard went to v1, in the exact upload form of xet-protocol 9.4.
    assert_eq!(report.shard_api, 1);
    let shard = &cas.received_for("/v1/shards")[0].body;
    assert_eq!(shard.len(), 432);
    assert_eq!(
        sha256_hex(shard),
        "e5659419d87b433d36449950bdfc5279584a58bdc9da91aa3b6ad078fafd5b8a"
    );
    assert_eq!(cas.received_for("/v2/shards").len(), 1);
    assert_eq!(
        cas.reconstruct(&file.xet_hash).unwrap(),
        b"Hello, World!".to_vec()
    );
}

#[test]
fn files_on_disk_and_bytes_share_one_session_with_dedup() {
    let cas = TestCas::start();
    let dir = tempfile::tempdir().unwrap();
    let big = random(40 * 1024 * 1024 + 12345, 7);
    let path = dir.path().join("big.bin");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&big)
        .unwrap();
    let small = random(300_000, 1);
    let mut combined = small.clone();
    combined.extend_from_slice(&random(200_000, 2));
    let items = vec![
        UploadItem {
            source: UploadSource::Path(path.clone()),
            sha256: None,
            expected_stat: None,
        },
        bytes_item(&small),
        bytes_item(&combined),
        bytes_item(b""),
        bytes_item(&small),
    ];
    let progress = Arc::new(UploadProgress::default());
    let report = upload(
        items,
        tokens(&cas),
        quick(),
        progress.clone(),
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(report.shard_api, 2);
    let expected = [&big[..], &small, &combined, b"", &small];
    for (file, content) in report.files.iter().zip(expected) {
        assert_eq!(hex::encode(file.sha256), sha256_hex(content));
        assert_eq!(file.size, content.len() as u64);
        let hashed = crate::hash_reader(&mut &content[..], false, &Cancel::new()).unwrap();
        assert_eq!(file.xet_hash, hashed.xet_hash);
        if !content.is_empty() {
            assert_eq!(cas.reconstruct(&file.xet_hash).unwrap(), content);
        }
    }
    assert_eq!(report.files[3].xet_hash, MerkleHash::ZERO);
    // The second copy of `small` and the start of `combined` were found in the session.
    assert!(report.deduped_bytes >= 2 * 250_000, "{report:?}");
    assert_eq!(
        report.new_bytes + report.deduped_bytes,
        expected.iter().map(|c| c.len() as u64).sum::<u64>()
    );
    assert_eq!(report.xorbs as usize, cas.store.xorbs.lock().unwrap().len());
    assert_eq!(
        progress.processed_bytes.load(Ordering::SeqCst),
        progress.total_bytes.load(Ordering::SeqCst)
    );
    assert_eq!(
        progress.transferred_bytes.load(Ordering::SeqCst),
        report.xorb_bytes + report.shard_bytes
    );
    // One shard lists the four distinct files.
    let shards = cas.store.shards.lock().unwrap();
    assert_eq!(shards.len(), 1);
    assert_eq!(shards[0].files.len(), 4);
}

#[test]
fn xorbs_are_cut_at_the_chunk_limit_and_tails_share_a_xorb() {
    let mut session = Session::new();
    let mut file = session.start_file();
    let mut cuts = Vec::new();
    for i in 0..(MAX_XORB_CHUNKS as u32 + 10) {
        if let Some(cut) = session.add_chunk(&mut file, Chunk::new(i.to_le_bytes().to_vec())) {
            cuts.push(cut);
        }
    }
    assert_eq!(cuts.len(), 1);
    assert_eq!(cuts[0].data.len(), MAX_XORB_CHUNKS);
    let (_, cut) = session.finish_file(file, [0; 32]);
    assert!(cut.is_none(), "the 10-chunk tail waits for other files");
    let mut second = session.start_file();
    assert!(session
        .add_chunk(&mut second, Chunk::new(b"other".to_vec()))
        .is_none());
    // A repeated chunk is not placed again.
    assert!(session
        .add_chunk(&mut second, Chunk::new(0u32.to_le_bytes().to_vec()))
        .is_none());
    let (_, cut) = session.finish_file(second, [0; 32]);
    assert!(cut.is_none());
    let shared = session.finish().unwrap();
    assert_eq!(shared.data.len(), 11);
    assert_eq!(shared.data.file_starts(), &[0, 10]);
    let shard = session.shard();
    assert_eq!(shard.xorbs.len(), 2);
    let second_file = shard
        .files
        .iter()
        .find(|f| f.segments.len() == 2)
        .expect("the second file spans the shared xorb and the first xorb");
    assert_eq!(second_file.segments[0].xorb_hash, shared.hash);
    assert_eq!(second_file.segments[0].chunk_start, 10);
    assert_eq!(second_file.segments[1].xorb_hash, cuts[0].hash);
    assert_eq!(
        (
            second_file.segments[1].chunk_start,
            second_file.segments[1].chunk_end
        ),
        (0, 1)
    );
}

#[test]
fn a_failing_xorb_upload_is_retried() {
    let cas = TestCas::start();
    cas.store.behaviour.xorb_failures.store(2, Ordering::SeqCst);
    let content = random(1_000_000, 3);
    let report = run(&cas, vec![bytes_item(&content)]).unwrap();
    assert_eq!(cas.received_for("/v1/xorbs/").len(), 3);
    assert_eq!(cas.reconstruct(&report.files[0].xet_hash).unwrap(), content);

    // Failures beyond the retry budget come back as the server's answer, and no shard is sent.
    let cas = TestCas::start();
    cas.store
        .behaviour
        .xorb_failures
        .store(10, Ordering::SeqCst);
    match run(&cas, vec![bytes_item(&content)]) {
        Err(CasError::Http {
            status: 503, body, ..
        }) => assert_eq!(body, b"try later"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(cas.received_for("/v1/xorbs/").len(), 4);
    assert!(cas.received_for("/v2/shards").is_empty());
}

#[test]
fn expired_and_refused_tokens_are_refreshed() {
    let cas = TestCas::start();
    // Tokens that expire within the refresh margin are fetched again before each use.
    cas.store
        .behaviour
        .token_lifetime
        .store(5, Ordering::SeqCst);
    let initial = CasToken {
        cas_url: cas.url(""),
        access_token: "token-0".into(),
        exp: 1,
    };
    let source = TokenSource::new(Some(initial), Some(cas.url("/token")), &[]).unwrap();
    let report = upload(
        vec![bytes_item(b"abc")],
        source,
        quick(),
        Arc::default(),
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(report.files[0].size, 3);
    assert!(cas.store.tokens_issued.load(Ordering::SeqCst) >= 2);
    assert!(cas
        .received_for("/v")
        .iter()
        .all(|r| r.header("authorization") != Some("Bearer token-0")));

    // A token the CAS refuses (401) is replaced once.
    let cas = TestCas::start();
    cas.store
        .behaviour
        .strict_tokens
        .store(true, Ordering::SeqCst);
    let stale = CasToken {
        cas_url: cas.url(""),
        access_token: "stale".into(),
        exp: u64::MAX,
    };
    let source = TokenSource::new(Some(stale), Some(cas.url("/token")), &[]).unwrap();
    upload(
        vec![bytes_item(b"abc")],
        source,
        quick(),
        Arc::default(),
        &Cancel::new(),
    )
    .unwrap();
    let xorbs = cas.received_for("/v1/xorbs/");
    assert_eq!(xorbs.len(), 2);
    assert_eq!(xorbs[0].header("authorization"), Some("Bearer stale"));
    assert_eq!(xorbs[1].header("authorization"), Some("Bearer token-1"));
}

#[test]
fn upload_grants_are_used_when_offered() {
    let cas = TestCas::start();
    cas.store.behaviour.grants.store(true, Ordering::SeqCst);
    let content = random(500_000, 9);
    let report = run(&cas, vec![bytes_item(&content)]).unwrap();
    assert_eq!(cas.reconstruct(&report.files[0].xet_hash).unwrap(), content);
    assert!(cas.received_for("/v1/xorbs/").is_empty());
    let put = &cas.received_for("/grant-upload/")[0];
    assert_eq!(put.method, "PUT");
    // Exactly the grant's headers, and no CAS token on the object-store URL.
    assert_eq!(put.header("if-none-match"), Some("*"));
    assert_eq!(put.header("x-grant"), Some("yes"));
    assert_eq!(put.header("authorization"), None);
    let commit = &cas.received_for("/v1/xorb-commits/")[0];
    assert!(commit.path.ends_with("/grant/g%200"), "{}", commit.path);
}

#[test]
fn malformed_answers_are_errors_not_successes() {
    let cas = TestCas::start();
    cas.store
        .behaviour
        .garbage_xorb_answer
        .store(true, Ordering::SeqCst);
    assert!(matches!(
        run(&cas, vec![bytes_item(b"abc")]),
        Err(CasError::Protocol(_))
    ));

    let cas = TestCas::start();
    cas.store
        .behaviour
        .garbage_token
        .store(true, Ordering::SeqCst);
    assert!(matches!(
        run(&cas, vec![bytes_item(b"abc")]),
        Err(CasError::Protocol(message)) if message.contains("token route")
    ));

    let cas = TestCas::start();
    *cas.store.behaviour.v2_answer.lock().unwrap() =
        Some("{\"type\":\"error\",\"message\":\"verification failed\"}\n".into());
    assert!(matches!(
        run(&cas, vec![bytes_item(b"abc")]),
        Err(CasError::Protocol(message)) if message.contains("verification failed")
    ));

    // A stream that breaks off without a verdict is retried, then reported.
    let cas = TestCas::start();
    *cas.store.behaviour.v2_answer.lock().unwrap() =
        Some("{\"type\":\"validating\",\"verified\":0,\"total\":1}\n".into());
    assert!(run(&cas, vec![bytes_item(b"abc")]).is_err());
    assert_eq!(cas.received_for("/v2/shards").len(), 4);
}

#[test]
fn a_file_changed_since_it_was_hashed_is_refused() {
    let cas = TestCas::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    std::fs::write(&path, b"content").unwrap();
    let item = UploadItem {
        source: UploadSource::Path(path.clone()),
        sha256: Some([1; 32]),
        expected_stat: Some((3, 0)),
    };
    assert!(matches!(
        run(&cas, vec![item]),
        Err(CasError::FileChanged { .. })
    ));
    assert!(cas.received_for("/v1/xorbs/").is_empty());
    let missing = UploadItem {
        source: UploadSource::Path(dir.path().join("missing")),
        sha256: None,
        expected_stat: None,
    };
    assert!(matches!(run(&cas, vec![missing]), Err(CasError::Io { .. })));
}

#[test]
fn cancel_stops_the_upload() {
    let cas = TestCas::start();
    let cancel = Cancel::new();
    cancel.cancel();
    let result = upload(
        vec![bytes_item(&random(100_000, 4))],
        tokens(&cas),
        quick(),
        Arc::default(),
        &cancel,
    );
    assert!(matches!(result, Err(CasError::Cancelled)));
}
