//! The process-wide tokio runtime and HTTP client of the transfer engine.
//!
//! Both are built lazily on first use and rebuilt in a forked child: the parent's worker threads
//! do not exist there, so its runtime is leaked rather than dropped (dropping would wait for them).
//! The client is rebuilt whenever its settings change; it is keyed by the connect timeout and the
//! proxy variables of the environment, read at each call (nothing derived from the environment is
//! kept across a change).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::runtime::Runtime;

struct Shared {
    pid: u32,
    runtime: Arc<Runtime>,
    client: Option<(ClientKey, reqwest::Client)>,
}

#[derive(Clone, PartialEq, Eq)]
struct ClientKey {
    connect_timeout: Duration,
    proxies: Vec<Option<String>>,
}

static SHARED: Mutex<Option<Shared>> = Mutex::new(None);

const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The runtime and a client configured with `connect_timeout`, building either if needed.
pub fn runtime_and_client(
    connect_timeout: Duration,
) -> std::io::Result<(Arc<Runtime>, reqwest::Client)> {
    let mut guard = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let pid = std::process::id();
    if guard.as_ref().is_some_and(|shared| shared.pid != pid) {
        // A forked child: the parent's threads are gone; never drop (and join) that runtime.
        if let Some(stale) = guard.take() {
            std::mem::forget(stale);
        }
    }
    if guard.is_none() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("hfh-transfer")
            .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8)))
            .enable_all()
            .build()?;
        *guard = Some(Shared {
            pid,
            runtime: Arc::new(runtime),
            client: None,
        });
    }
    let shared = guard.as_mut().expect("initialised above");
    let key = ClientKey {
        connect_timeout,
        proxies: PROXY_VARIABLES
            .iter()
            .map(|name| std::env::var(name).ok())
            .collect(),
    };
    let client = match &shared.client {
        Some((cached, client)) if *cached == key => client.clone(),
        _ => {
            let client = build_client(connect_timeout).map_err(std::io::Error::other)?;
            shared.client = Some((key, client.clone()));
            client
        }
    };
    Ok((shared.runtime.clone(), client))
}

fn build_client(connect_timeout: Duration) -> reqwest::Result<reqwest::Client> {
    // Redirects: reqwest drops Authorization (and cookies) when a redirect changes host, port or
    // scheme, which is what keeps a token from reaching a CDN.
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(64)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::limited(10))
        .build()
}
