//! Binding, serving and graceful shutdown.

use crate::config::Config;
use crate::errors::HubResult;
use crate::signing::Signer;
use crate::store::{accounts, Store};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::ListenerExt;
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Temporary files older than this are leftovers of a crash and removed at start (younger ones
/// may be live uploads of another server on the same data directory).
const STALE_TMP_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// Shared state of a running server.
pub struct AppState {
    pub store: Store,
    pub config: Config,
    /// Signs and checks the pre-signed LFS object URLs.
    pub signer: Signer,
    /// The address actually bound (port 0 resolved).
    pub addr: SocketAddr,
}

impl AppState {
    /// `http://host:port`, used when a request has no `Host` header.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A server whose socket is bound and whose storage is open, ready to serve.
pub struct BoundServer {
    listener: TcpListener,
    state: Arc<AppState>,
}

/// Opens the data directory (migrating it), provisions `--user`/`--org` accounts and binds
/// `host:port` (port 0 picks a free port).
pub async fn bind(config: Config) -> HubResult<BoundServer> {
    let data_dir = config.data_dir.clone();
    let cfg = config.clone();
    let (store, signer) = tokio::task::spawn_blocking(move || -> HubResult<(Store, Signer)> {
        let store = Store::open(&data_dir)?;
        store.blobs.sweep_tmp(STALE_TMP_AGE)?;
        store.with(|conn| accounts::provision(conn, &cfg))?;
        let signer = Signer::open(&data_dir)?;
        Ok((store, signer))
    })
    .await
    .map_err(|e| crate::errors::HubError::internal(e.to_string()))??;
    let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
    let addr = listener.local_addr()?;
    Ok(BoundServer {
        listener,
        state: Arc::new(AppState {
            store,
            config,
            signer,
            addr,
        }),
    })
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .fallback(crate::routes::handle)
        // One layer (each costs a boxed future per request) for two guards of the connection.
        .layer(axum::middleware::from_fn(guard_connection))
        .with_state(state)
}

/// Keeps the connection alive whatever the handler does: a panic answers 500 (`catch_panic`),
/// and a body the handler answered without reading is read before the answer goes out
/// (`linger`), so hyper does not close the connection under a client still sending it.
pub async fn guard_connection(req: Request, next: Next) -> Response {
    crate::linger::around(req, |req| crate::catch_panic::guarded(req, next)).await
}

impl BoundServer {
    pub fn addr(&self) -> SocketAddr {
        self.state.addr
    }

    pub fn endpoint(&self) -> String {
        self.state.endpoint()
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight requests
    /// finish and returns.
    pub async fn serve<F>(self, shutdown: F) -> std::io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        // Without TCP_NODELAY, small responses wait for the client's delayed ACK (Nagle), which
        // costs tens of milliseconds per request on keep-alive connections.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// Serves on a background task; stop it with [`RunningServer::stop`].
    pub fn spawn(self) -> RunningServer {
        let (tx, rx) = oneshot::channel::<()>();
        let addr = self.addr();
        let join = tokio::spawn(self.serve(async move {
            let _ = rx.await;
        }));
        RunningServer {
            addr,
            shutdown: Some(tx),
            join,
        }
    }
}

/// A server running on a background task (tests, embedding).
pub struct RunningServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    join: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Signals shutdown and waits until the server has stopped and released its storage.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.join)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
