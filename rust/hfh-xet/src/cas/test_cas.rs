//! A CAS-shaped server on 127.0.0.1:0 for the client's tests: a token route, upload grants,
//! direct xorb uploads (checked: chunks decode to the announced xorb hash), v1/v2 shards, all
//! recorded, with switches to make it fail, answer garbage, or play an older CAS.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;

use crate::cas::crc64::crc64_nvme;
use crate::{parse_shard, parse_xorb, MerkleHash, Shard};

#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
pub struct Behaviour {
    /// Direct xorb uploads answered 503 before one is accepted.
    pub xorb_failures: AtomicUsize,
    pub grants: AtomicBool,
    /// `/v2/shards` answers 404 (an older CAS).
    pub no_v2_shards: AtomicBool,
    /// `/v2/shards` answers with this NDJSON instead of a result.
    pub v2_answer: Mutex<Option<String>>,
    /// The xorb upload answer is not JSON.
    pub garbage_xorb_answer: AtomicBool,
    /// The token route answers something that is not a token.
    pub garbage_token: AtomicBool,
    /// Seconds from now the issued tokens expire.
    pub token_lifetime: AtomicI64,
    /// CAS calls with a token other than the latest one issued get 401.
    pub strict_tokens: AtomicBool,
}

/// A grant: the xorb, its announced length and CRC, and the bytes once sent.
type Grant = (MerkleHash, u64, u64, Option<Vec<u8>>);

#[derive(Default)]
pub struct Store {
    pub received: Mutex<Vec<Received>>,
    pub xorbs: Mutex<HashMap<MerkleHash, Vec<u8>>>,
    pub shards: Mutex<Vec<Shard>>,
    pub tokens_issued: AtomicUsize,
    pub behaviour: Behaviour,
    grants: Mutex<HashMap<String, Grant>>,
    addr: Mutex<Option<SocketAddr>>,
}

pub struct TestCas {
    pub addr: SocketAddr,
    pub store: Arc<Store>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for TestCas {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl TestCas {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let store = Arc::new(Store::default());
        store.behaviour.token_lifetime.store(3600, Ordering::SeqCst);
        let app = Router::new()
            .route("/token", get(token))
            .route("/v1/xorbs/{prefix}/{hash}", post(xorb))
            .route("/v1/xorb-grants/{prefix}/{hash}", post(grant))
            .route("/grant-upload/{id}", any(grant_upload))
            .route(
                "/v1/xorb-commits/{prefix}/{hash}/grant/{id}",
                post(grant_commit),
            )
            .route("/v2/shards", post(shard_v2))
            .route("/v1/shards", post(shard_v1))
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(store.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        *store.addr.lock().unwrap() = Some(addr);
        runtime.spawn(async move { axum::serve(listener, app).await });
        TestCas {
            addr,
            store,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.store.received.lock().unwrap().clone()
    }

    pub fn received_for(&self, prefix: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path.starts_with(prefix))
            .collect()
    }

    /// The content of the file with `hash`, rebuilt from the stored shards and xorbs.
    pub fn reconstruct(&self, hash: &MerkleHash) -> Option<Vec<u8>> {
        let shards = self.store.shards.lock().unwrap();
        let xorbs = self.store.xorbs.lock().unwrap();
        let file = shards.iter().find_map(|s| s.file(hash))?;
        let mut out = Vec::new();
        for segment in &file.segments {
            let parsed = parse_xorb(xorbs.get(&segment.xorb_hash)?).ok()?;
            for index in segment.chunk_start..segment.chunk_end {
                out.extend(parsed.decode_chunk(index as usize).ok()?);
            }
        }
        Some(out)
    }
}

fn record(store: &Store, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) {
    store.received.lock().unwrap().push(Received {
        method: method.to_string(),
        path: uri.path().to_string(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
}

fn current_token(store: &Store) -> String {
    format!("token-{}", store.tokens_issued.load(Ordering::SeqCst))
}

/// `None` when the call may go on; the 401 otherwise.
fn check_auth(store: &Store, headers: &HeaderMap) -> Option<Response> {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let wanted = format!("Bearer {}", current_token(store));
    let strict = store.behaviour.strict_tokens.load(Ordering::SeqCst);
    (!given.starts_with("Bearer ") || (strict && given != wanted))
        .then(|| (StatusCode::UNAUTHORIZED, "bad token").into_response())
}

async fn token(
    State(store): State<Arc<Store>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&store, &method, &uri, &headers, b"");
    if store.behaviour.garbage_token.load(Ordering::SeqCst) {
        return (StatusCode::OK, "{\"casUrl\": 3}").into_response();
    }
    let n = store.tokens_issued.fetch_add(1, Ordering::SeqCst) + 1;
    let addr = store.addr.lock().unwrap().unwrap();
    let exp = now() + store.behaviour.token_lifetime.load(Ordering::SeqCst);
    let body = serde_json::json!({
        "casUrl": format!("http://{addr}"),
        "accessToken": format!("token-{n}"),
        "exp": exp,
    });
    (StatusCode::OK, body.to_string()).into_response()
}

async fn xorb(
    State(store): State<Arc<Store>>,
    Path((_prefix, hash)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&store, &method, &uri, &headers, &body);
    if let Some(refused) = check_auth(&store, &headers) {
        return refused;
    }
    let failures = &store.behaviour.xorb_failures;
    if failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "try later").into_response();
    }
    if store.behaviour.garbage_xorb_answer.load(Ordering::SeqCst) {
        return (StatusCode::OK, "<html>").into_response();
    }
    store_xorb(&store, &hash, &body)
}

fn store_xorb(store: &Store, hash: &str, body: &[u8]) -> Response {
    let Ok(hash) = MerkleHash::from_hex(hash) else {
        return (StatusCode::BAD_REQUEST, "bad hash").into_response();
    };
    let valid = parse_xorb(body)
        .ok()
        .filter(|p| p.footer.is_none())
        .and_then(|p| p.verify_hash(hash).ok());
    if valid.is_none() {
        return (StatusCode::BAD_REQUEST, "xorb does not match its hash").into_response();
    }
    let inserted = store
        .xorbs
        .lock()
        .unwrap()
        .insert(hash, body.to_vec())
        .is_none();
    (
        StatusCode::OK,
        serde_json::json!({ "was_inserted": inserted }).to_string(),
    )
        .into_response()
}

async fn grant(
    State(store): State<Arc<Store>>,
    Path((_prefix, hash)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&store, &method, &uri, &headers, &body);
    if !store.behaviour.grants.load(Ordering::SeqCst) {
        return (StatusCode::NOT_FOUND, "no grants").into_response();
    }
    if let Some(refused) = check_auth(&store, &headers) {
        return refused;
    }
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let length = request["length"].as_u64().unwrap();
    let crc: u64 = request["checksum"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(request["checksum"]["algo"], "crc64nvme");
    let hash = MerkleHash::from_hex(&hash).unwrap();
    let mut grants = store.grants.lock().unwrap();
    let id = format!("g {}", grants.len());
    grants.insert(id.clone(), (hash, length, crc, None));
    let addr = store.addr.lock().unwrap().unwrap();
    let grant = serde_json::json!({
        "id": id,
        "method": "PUT",
        "url": format!("http://{addr}/grant-upload/{}", grants.len() - 1),
        "headers": {"If-None-Match": "*", "X-Grant": "yes"},
    });
    (StatusCode::CREATED, grant.to_string()).into_response()
}

async fn grant_upload(
    State(store): State<Arc<Store>>,
    Path(index): Path<usize>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&store, &method, &uri, &headers, &body);
    let id = format!("g {index}");
    let mut grants = store.grants.lock().unwrap();
    let Some(entry) = grants.get_mut(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if body.len() as u64 != entry.1 || crc64_nvme(&body) != entry.2 {
        return (StatusCode::BAD_REQUEST, "length or checksum mismatch").into_response();
    }
    entry.3 = Some(body.to_vec());
    StatusCode::OK.into_response()
}

async fn grant_commit(
    State(store): State<Arc<Store>>,
    Path((_prefix, hash, id)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&store, &method, &uri, &headers, b"");
    if let Some(refused) = check_auth(&store, &headers) {
        return refused;
    }
    let entry = store.grants.lock().unwrap().get(&id).cloned();
    match entry {
        Some((granted, _, _, Some(bytes))) if granted.hex() == hash => {
            store_xorb(&store, &hash, &bytes)
        }
        _ => (StatusCode::NOT_FOUND, "no upload for this grant").into_response(),
    }
}

/// Registers a shard; the refusal to send back when it is not acceptable.
fn take_shard(store: &Store, body: &[u8]) -> Option<Response> {
    let parsed = match parse_shard(body) {
        Ok(parsed) => parsed,
        Err(e) => return Some((StatusCode::BAD_REQUEST, e.to_string()).into_response()),
    };
    let xorbs = store.xorbs.lock().unwrap();
    for xorb in &parsed.shard.xorbs {
        if !xorbs.contains_key(&xorb.hash) {
            return Some((StatusCode::BAD_REQUEST, "xorb not uploaded").into_response());
        }
    }
    drop(xorbs);
    store.shards.lock().unwrap().push(parsed.shard);
    None
}

async fn shard_v2(
    State(store): State<Arc<Store>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&store, &method, &uri, &headers, &body);
    if store.behaviour.no_v2_shards.load(Ordering::SeqCst) {
        return (StatusCode::NOT_FOUND, "not here").into_response();
    }
    if let Some(refused) = check_auth(&store, &headers) {
        return refused;
    }
    if let Some(answer) = store.behaviour.v2_answer.lock().unwrap().clone() {
        return (StatusCode::OK, answer).into_response();
    }
    if let Some(refused) = take_shard(&store, &body) {
        return refused;
    }
    (
        StatusCode::OK,
        "{\"type\":\"validating\",\"verified\":1,\"total\":1}\n{\"type\":\"result\"}\n",
    )
        .into_response()
}

async fn shard_v1(
    State(store): State<Arc<Store>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&store, &method, &uri, &headers, &body);
    if let Some(refused) = check_auth(&store, &headers) {
        return refused;
    }
    if let Some(refused) = take_shard(&store, &body) {
        return refused;
    }
    (StatusCode::OK, "{\"result\":1}").into_response()
}
