//! The local Hub server (`hfh-server`) inside the Python process.
//!
//! `start_local_hub` opens the data directory, creates the requested accounts, binds the socket
//! (port 0 picks a free one) and then serves on a dedicated thread that owns its own tokio
//! runtime, so the server never competes with the client's runtime and stops completely (runtime
//! dropped, database closed) when `stop()` returns. `provision_local_hub` adds users and
//! organisations to a data directory, whether or not a server (in this process or another one)
//! is serving it: tokens are looked up in SQLite on every request, so they work at once.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use hfh_server::config::{FollowSpec, OrgSpec, UserSpec};
use hfh_server::store::{accounts, Store};
use hfh_server::Config;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use tokio::sync::oneshot;

/// How long `stop()` lets in-flight requests finish before cutting them off, by default.
const DEFAULT_STOP_TIMEOUT: f64 = 10.0;

fn build_config(
    data_dir: PathBuf,
    host: String,
    port: u16,
    users: Vec<String>,
    orgs: Vec<String>,
    follows: Vec<String>,
    max_body_bytes: Option<usize>,
) -> PyResult<Config> {
    let mut config = Config::new(data_dir);
    config.host = host;
    config.port = port;
    if let Some(limit) = max_body_bytes {
        config.max_body_bytes = limit;
    }
    for spec in users {
        config = config.with_user(&spec).map_err(PyValueError::new_err)?;
    }
    for spec in orgs {
        config = config.with_org(&spec).map_err(PyValueError::new_err)?;
    }
    for spec in follows {
        config = config.with_follow(&spec).map_err(PyValueError::new_err)?;
    }
    Ok(config)
}

/// What the serving thread needs to be told and waited for.
struct Running {
    graceful: oneshot::Sender<()>,
    force: oneshot::Sender<()>,
    done: mpsc::Receiver<Result<(), String>>,
    thread: JoinHandle<()>,
    /// Process that started the thread: after a fork the child has no such thread.
    pid: u32,
}

/// A local Hub server serving on a background thread of this process.
#[pyclass(frozen, module = "huggingface_hub._rust")]
pub struct LocalHubServer {
    endpoint: String,
    data_dir: PathBuf,
    running: Mutex<Option<Running>>,
}

#[pymethods]
impl LocalHubServer {
    /// `http://host:port`, the port being the one actually bound.
    #[getter]
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    #[getter]
    fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }

    #[getter]
    fn running(&self) -> bool {
        let guard = self.running.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .is_some_and(|r| r.pid == std::process::id() && !r.thread.is_finished())
    }

    /// Stops accepting connections, lets in-flight requests finish (at most `timeout` seconds,
    /// then they are cut off) and waits until the database is closed. Idempotent.
    #[pyo3(signature = (timeout = DEFAULT_STOP_TIMEOUT))]
    fn stop(&self, py: Python<'_>, timeout: f64) -> PyResult<()> {
        let Some(running) = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            return Ok(());
        };
        if running.pid != std::process::id() {
            // A forked child: the serving thread belongs to the parent. Forget it.
            std::mem::forget(running);
            return Ok(());
        }
        let timeout = Duration::try_from_secs_f64(timeout.max(0.0)).unwrap_or(Duration::MAX);
        let result = py.detach(move || shutdown(running, timeout));
        result.map_err(|e| PyOSError::new_err(format!("local Hub server failed: {e}")))
    }

    fn __repr__(&self) -> String {
        format!(
            "LocalHubServer(endpoint='{}', data_dir='{}', running={})",
            self.endpoint,
            self.data_dir.display(),
            if self.running() { "True" } else { "False" }
        )
    }
}

impl Drop for LocalHubServer {
    fn drop(&mut self) {
        let running = self
            .running
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(running) = running {
            if running.pid == std::process::id() {
                // Never block a garbage collection: signal and let the thread wind down alone.
                let _ = running.graceful.send(());
            } else {
                std::mem::forget(running);
            }
        }
    }
}

fn shutdown(running: Running, timeout: Duration) -> Result<(), String> {
    let _ = running.graceful.send(());
    let outcome = match running.done.recv_timeout(timeout) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let _ = running.force.send(());
            running.done.recv().unwrap_or(Ok(()))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Ok(()),
    };
    running
        .thread
        .join()
        .map_err(|_| "server thread panicked".to_string())?;
    outcome
}

/// Starts a local Hub server and returns once it accepts connections.
#[pyfunction]
#[pyo3(signature = (data_dir, host = "127.0.0.1".to_string(), port = 0, users = Vec::new(), orgs = Vec::new(), max_body_bytes = None, follows = Vec::new()))]
// One keyword argument per `hf serve` option.
#[allow(clippy::too_many_arguments)]
fn start_local_hub(
    py: Python<'_>,
    data_dir: PathBuf,
    host: String,
    port: u16,
    users: Vec<String>,
    orgs: Vec<String>,
    max_body_bytes: Option<usize>,
    follows: Vec<String>,
) -> PyResult<LocalHubServer> {
    let config = build_config(
        data_dir.clone(),
        host,
        port,
        users,
        orgs,
        follows,
        max_body_bytes,
    )?;
    let (ready_tx, ready_rx) = mpsc::channel::<Result<String, String>>();
    let (done_tx, done_rx) = mpsc::channel::<Result<(), String>>();
    let (graceful_tx, graceful_rx) = oneshot::channel::<()>();
    let (force_tx, force_rx) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("hfh-local-hub".into())
        .spawn(move || serve_thread(config, ready_tx, done_tx, graceful_rx, force_rx))
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the server thread: {e}")))?;
    let ready = py.detach(move || ready_rx.recv());
    let endpoint = match ready {
        Ok(Ok(endpoint)) => endpoint,
        Ok(Err(message)) => {
            let _ = thread.join();
            return Err(PyOSError::new_err(format!(
                "cannot start the local Hub server: {message}"
            )));
        }
        Err(_) => {
            let _ = thread.join();
            return Err(PyRuntimeError::new_err("the server thread exited early"));
        }
    };
    Ok(LocalHubServer {
        endpoint,
        data_dir,
        running: Mutex::new(Some(Running {
            graceful: graceful_tx,
            force: force_tx,
            done: done_rx,
            thread,
            pid: std::process::id(),
        })),
    })
}

fn serve_thread(
    config: Config,
    ready: mpsc::Sender<Result<String, String>>,
    done: mpsc::Sender<Result<(), String>>,
    graceful: oneshot::Receiver<()>,
    force: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("hfh-local-hub-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(format!("cannot build the runtime: {e}")));
            return;
        }
    };
    let result = runtime.block_on(async move {
        let server = match hfh_server::bind(config).await {
            Ok(s) => s,
            Err(e) => {
                let _ = ready.send(Err(e.message));
                return Ok(());
            }
        };
        let _ = ready.send(Ok(server.endpoint()));
        let serve = server.serve(async move {
            let _ = graceful.await;
        });
        tokio::select! {
            r = serve => r.map_err(|e| e.to_string()),
            _ = force => Ok(()),
        }
    });
    // Blocking tasks (SQLite, disk) get a moment to finish; the store closes with the runtime.
    runtime.shutdown_timeout(Duration::from_secs(5));
    let _ = done.send(result);
}

/// Creates (or updates) users, tokens, organisations and follows in a server's data directory.
#[pyfunction]
#[pyo3(signature = (data_dir, users = Vec::new(), orgs = Vec::new(), follows = Vec::new()))]
fn provision_local_hub(
    py: Python<'_>,
    data_dir: PathBuf,
    users: Vec<String>,
    orgs: Vec<String>,
    follows: Vec<String>,
) -> PyResult<()> {
    let mut config = Config::new(data_dir);
    config.users = users
        .iter()
        .map(|s| UserSpec::parse(s))
        .collect::<Result<_, _>>()
        .map_err(PyValueError::new_err)?;
    config.orgs = orgs
        .iter()
        .map(|s| OrgSpec::parse(s))
        .collect::<Result<_, _>>()
        .map_err(PyValueError::new_err)?;
    config.follows = follows
        .iter()
        .map(|s| FollowSpec::parse(s))
        .collect::<Result<_, _>>()
        .map_err(PyValueError::new_err)?;
    py.detach(move || {
        let store = Store::open(&config.data_dir)?;
        store.with(|conn| accounts::provision(conn, &config))
    })
    .map_err(|e| {
        if e.status.is_server_error() {
            PyOSError::new_err(e.message)
        } else {
            PyValueError::new_err(e.message)
        }
    })
}

/// Sets (or with `None` clears) the stage a local Hub reports for a Space: the operator's hook
/// for a server that runs no Space code (see `hfh_server::store::spaces::set_operator_stage`).
#[pyfunction]
#[pyo3(signature = (data_dir, repo_id, stage = None))]
fn set_local_hub_space_stage(
    py: Python<'_>,
    data_dir: PathBuf,
    repo_id: String,
    stage: Option<String>,
) -> PyResult<()> {
    py.detach(move || {
        let store = Store::open(&data_dir)?;
        store.with(|conn| {
            hfh_server::store::spaces::set_operator_stage(conn, &repo_id, stage.as_deref())
        })
    })
    .map_err(|e| {
        if e.status.is_server_error() {
            PyOSError::new_err(e.message)
        } else {
            PyValueError::new_err(e.message)
        }
    })
}

/// `LocalHub.attach_space_app`: declares (with `host`) or withdraws (without) the app running a
/// Space (see `hfh_server::store::space_apps`).
#[pyfunction]
#[pyo3(signature = (data_dir, repo_id, host = None, replicas = Vec::new()))]
fn attach_local_hub_space_app(
    py: Python<'_>,
    data_dir: PathBuf,
    repo_id: String,
    host: Option<String>,
    replicas: Vec<String>,
) -> PyResult<()> {
    py.detach(move || {
        let store = Store::open(&data_dir)?;
        store.with(|conn| {
            let declared = host.as_deref().map(|h| (h, replicas.as_slice()));
            hfh_server::store::space_apps::set_app(conn, &repo_id, declared)
        })
    })
    .map_err(|e| {
        if e.status.is_server_error() {
            PyOSError::new_err(e.message)
        } else {
            PyValueError::new_err(e.message)
        }
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(start_local_hub, m)?)?;
    m.add_function(wrap_pyfunction!(set_local_hub_space_stage, m)?)?;
    m.add_function(wrap_pyfunction!(attach_local_hub_space_app, m)?)?;
    m.add_function(wrap_pyfunction!(provision_local_hub, m)?)?;
    m.add_class::<LocalHubServer>()?;
    Ok(())
}
