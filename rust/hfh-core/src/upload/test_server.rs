//! A small HTTP/1.1 server on 127.0.0.1:0 for the engine's tests: it takes `PUT`s, hashes what
//! it receives, and can be told per request to fail, cut the connection midway, hang, or wait
//! for other requests (to prove they are in flight together).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What to do with one request.
#[derive(Clone)]
pub enum Action {
    /// Read the body, answer 200 with `ETag: "<sha256 of the body>"`.
    Accept,
    /// Read the body, answer this status.
    Fail(u16),
    /// Read this many body bytes, then close the connection without answering.
    CutAfter(u64),
    /// Read the body and never answer.
    Hang,
    /// Wait at this barrier (with the other requests sent to it) before reading the body.
    WaitForPeers(Arc<tokio::sync::Barrier>),
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// Body bytes that arrived (all of them unless the request was cut).
    pub len: u64,
    pub sha256: String,
    /// The body itself when it is small (up to 1 MiB).
    pub body: Option<Vec<u8>>,
    pub all_zero: bool,
}

type Behaviour = dyn Fn(&str, usize) -> Action + Send + Sync;

pub struct State {
    behaviour: Box<Behaviour>,
    attempts: Mutex<HashMap<String, usize>>,
    pub received: Mutex<Vec<Received>>,
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    /// Signalled whenever a request's headers arrive.
    pub arrived: tokio::sync::Notify,
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl TestServer {
    /// `behaviour(path, attempt)` decides each request (`attempt` counts from 0 per path).
    pub fn start(behaviour: impl Fn(&str, usize) -> Action + Send + Sync + 'static) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(State {
            behaviour: Box::new(behaviour),
            attempts: Mutex::new(HashMap::new()),
            received: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            arrived: tokio::sync::Notify::new(),
        });
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let accept_state = state.clone();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_connection(stream, accept_state.clone()));
            }
        });
        TestServer {
            addr,
            state,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Requests for `path`, in arrival order.
    pub fn received_for(&self, path: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// Blocks until at least `count` requests have arrived.
    pub fn wait_for_requests(&self, count: usize) {
        let runtime = self.runtime.as_ref().unwrap();
        let state = self.state.clone();
        runtime.block_on(async move {
            loop {
                let notified = state.arrived.notified();
                let seen: usize = state.attempts.lock().unwrap().values().sum();
                if seen >= count {
                    return;
                }
                notified.await;
            }
        });
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut words = line.split_whitespace();
        let method = words.next().unwrap_or_default().to_string();
        let path = words.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        let mut length = 0u64;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_string());
                if name == "content-length" {
                    length = value.parse().unwrap_or(0);
                }
                headers.push((name, value));
            }
        }
        let attempt = {
            let mut attempts = state.attempts.lock().unwrap();
            let count = attempts.entry(path.clone()).or_insert(0);
            *count += 1;
            *count - 1
        };
        state.arrived.notify_waiters();
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let action = (state.behaviour)(&path, attempt);
        if let Action::WaitForPeers(barrier) = &action {
            barrier.wait().await;
        }
        let limit = match action {
            Action::CutAfter(n) => n.min(length),
            _ => length,
        };
        let mut hasher = Sha256::new();
        let mut small = (length <= 1 << 20).then(Vec::new);
        let mut all_zero = true;
        let mut got = 0u64;
        let mut buffer = vec![0u8; 64 * 1024];
        while got < limit {
            let want = (limit - got).min(buffer.len() as u64) as usize;
            let n = match reader.read(&mut buffer[..want]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            hasher.update(&buffer[..n]);
            all_zero &= buffer[..n].iter().all(|&b| b == 0);
            if let Some(small) = small.as_mut() {
                small.extend_from_slice(&buffer[..n]);
            }
            got += n as u64;
        }
        let sha256 = hex::encode(hasher.finalize());
        state.received.lock().unwrap().push(Received {
            method,
            path,
            headers,
            len: got,
            sha256: sha256.clone(),
            body: small,
            all_zero,
        });
        state.in_flight.fetch_sub(1, Ordering::SeqCst);
        let response = match action {
            Action::CutAfter(_) => return,
            Action::Hang => {
                std::future::pending::<()>().await;
                return;
            }
            Action::Fail(status) => format!(
                "HTTP/1.1 {status} Failed\r\ncontent-type: text/plain\r\nx-test: failed\r\n\
                 content-length: 4\r\n\r\nnope"
            ),
            Action::Accept | Action::WaitForPeers(_) => {
                format!("HTTP/1.1 200 OK\r\netag: \"{sha256}\"\r\ncontent-length: 0\r\n\r\n")
            }
        };
        if got < length {
            return; // the client went away
        }
        if reader
            .get_mut()
            .write_all(response.as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}
