//! A small HTTP load generator for the server benchmark (`tests/benchmarks/bench_server.py`):
//! `CONNECTIONS` keep-alive connections each send GET requests back to back, cycling over the
//! given URLs, for `SECONDS`; every answer must be 200 with exactly `EXPECT_LEN` body bytes (when
//! given), otherwise it counts as an error.
//!
//! ```text
//! cargo run --release -p hfh-server --example resolve_load -- CONNECTIONS SECONDS EXPECT_LEN|- URL...
//! ```
//!
//! Prints one JSON line: `{"requests": N, "errors": E, "seconds": S, "per_second": R}`.
//! Runs on one thread, so that the server under test keeps the other cores.

use std::time::{Duration, Instant};

fn usage() -> ! {
    eprintln!("usage: resolve_load CONNECTIONS SECONDS EXPECT_LEN|- URL...");
    std::process::exit(2)
}

struct Tally {
    requests: u64,
    errors: u64,
}

async fn worker(
    urls: Vec<String>,
    offset: usize,
    deadline: Instant,
    expect: Option<usize>,
) -> Tally {
    // One client per worker with a single idle connection: each worker is one keep-alive
    // connection, as a real client session would be.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .build()
        .expect("client");
    let mut tally = Tally {
        requests: 0,
        errors: 0,
    };
    let mut i = offset;
    while Instant::now() < deadline {
        let url = &urls[i % urls.len()];
        i += 1;
        tally.requests += 1;
        let ok = match client.get(url).send().await {
            Ok(resp) if resp.status().as_u16() == 200 => match resp.bytes().await {
                Ok(body) => expect.map_or(true, |n| body.len() == n),
                Err(_) => false,
            },
            _ => false,
        };
        if !ok {
            tally.errors += 1;
        }
    }
    tally
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        usage();
    }
    let connections: usize = args[0].parse().unwrap_or_else(|_| usage());
    let seconds: f64 = args[1].parse().unwrap_or_else(|_| usage());
    let expect: Option<usize> = match args[2].as_str() {
        "-" => None,
        n => Some(n.parse().unwrap_or_else(|_| usage())),
    };
    let urls: Vec<String> = args[3..].to_vec();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (requests, errors, elapsed) = runtime.block_on(async move {
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(seconds);
        let tasks: Vec<_> = (0..connections)
            .map(|c| tokio::spawn(worker(urls.clone(), c * 7, deadline, expect)))
            .collect();
        let (mut requests, mut errors) = (0, 0);
        for t in tasks {
            let tally = t.await.expect("worker");
            requests += tally.requests;
            errors += tally.errors;
        }
        (requests, errors, start.elapsed().as_secs_f64())
    });
    println!(
        "{{\"requests\": {requests}, \"errors\": {errors}, \"seconds\": {elapsed:.3}, \"per_second\": {:.1}}}",
        requests as f64 / elapsed
    );
}
