//! A small HTTP/1.1 server on 127.0.0.1:0 for the download engine's tests: it serves one payload
//! with `Range` support and can be told to cut every response after a number of body bytes.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub struct State {
    payload: Vec<u8>,
    /// Close each response after this many body bytes (`u64::MAX`: never).
    pub cut_after: AtomicU64,
    /// `Range` headers received, in arrival order (`None` for a request without one).
    pub ranges: Mutex<Vec<Option<String>>>,
    pub served: AtomicU64,
    stop: AtomicBool,
}

pub struct RangeServer {
    pub addr: SocketAddr,
    pub state: Arc<State>,
}

impl Drop for RangeServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr); // wake the accept loop
    }
}

impl RangeServer {
    pub fn start(payload: Vec<u8>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            payload,
            cut_after: AtomicU64::new(u64::MAX),
            ranges: Mutex::new(Vec::new()),
            served: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stop.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Self { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}/file.bin", self.addr)
    }

    pub fn ranges(&self) -> Vec<Option<String>> {
        self.state.ranges.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, state: &State) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    state.ranges.lock().unwrap().push(range.clone());
    let total = state.payload.len() as u64;
    let (status, start, end) = match range.as_deref().and_then(|r| r.strip_prefix("bytes=")) {
        Some(spec) => {
            let (a, b) = spec.split_once('-').unwrap();
            let start: u64 = a.parse().unwrap();
            let end = if b.is_empty() {
                total
            } else {
                b.parse::<u64>().unwrap() + 1
            };
            ("206 Partial Content", start, end.min(total))
        }
        None => ("200 OK", 0, total),
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        end - start
    );
    if status.starts_with("206") {
        head.push_str(&format!(
            "Content-Range: bytes {start}-{}/{total}\r\n",
            end - 1
        ));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let cut = state.cut_after.load(Ordering::Relaxed);
    let stop = end.min(start.saturating_add(cut));
    let body = &state.payload[start as usize..stop as usize];
    if stream.write_all(body).is_ok() {
        state.served.fetch_add(body.len() as u64, Ordering::Relaxed);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}
