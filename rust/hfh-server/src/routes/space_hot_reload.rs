//! Hot-reloading: a commit to a Space's `main` with `hot_reload=1` is handed to the running app
//! instead of rebuilding it, and the runtime reports the outcome as `hotReloading`.
//!
//! The Hub asks the reload server of each replica of the app (port 7887, reached by appending
//! `--7887` to the Space's subdomain in its host, under `/--replicas/+{replica}`) to create a
//! reload of each file of the commit, the commit's sha being the reload id that clients then
//! follow (`get-reload`). The local Hub runs no app: only when its operator declared one
//! (`store::space_apps`) and the Space is `RUNNING` is the request really sent; otherwise it is
//! recorded as `canceled` with no replica, and the run log says why.

use super::space_runtime as rt;
use super::Ctx;
use crate::card;
use crate::errors::{HubError, HubResult};
use crate::store::repos::{self, Repo};
use crate::store::space_apps::{self, App, HotReload};
use crate::store::{spaces, trees};
use rusqlite::Connection;
use serde_json::{json, Value};
use std::time::Duration;

/// Port of the reload server in a Space's container.
const RELOAD_PORT: u16 = 7887;
/// How long one replica may take to accept a reload.
const REPLICA_TIMEOUT: Duration = Duration::from_secs(10);

/// The Space's subdomain, as its info reports it.
fn subdomain(repo: &Repo) -> String {
    format!("{}-{}", repo.namespace, repo.name).to_lowercase()
}

/// Base URL of one replica's reload server.
fn replica_url(app: &App, subdomain: &str, replica: &str) -> String {
    let host = app
        .host
        .replace(subdomain, &format!("{subdomain}--{RELOAD_PORT}"));
    format!("{host}/--replicas/+{replica}")
}

/// The `host` of a Space's info: only an app declared by the operator serves one here.
pub fn host(c: &Connection, repo: &Repo) -> HubResult<Option<String>> {
    Ok(space_apps::app(c, repo.id)?.map(|a| a.host))
}

/// Adds what the app and the last hot-reload say to a Space's `runtime` object: the replicas
/// that run, and `hotReloading` while the hot-reloaded commit is the Space's head.
pub fn decorate_runtime(c: &Connection, repo: &Repo, runtime: &mut Value) -> HubResult<()> {
    if runtime["stage"] == "RUNNING" {
        if let Some(app) = space_apps::app(c, repo.id)? {
            runtime["replicas"]["current"] = json!(app.replicas.len());
        }
    }
    if let Some(hr) = space_apps::hot_reload(c, repo.id)? {
        if repos::resolve_revision(c, repo, "main")? == hr.commit {
            runtime["hotReloading"] =
                json!({"status": hr.status, "replicaStatuses": hr.replica_statuses});
        }
    }
    Ok(())
}

/// What a replica's reload server answered to `create-reload`: its `res.status`, or `None` when
/// it could not be reached or answered something else.
async fn create_reload(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    contents: &str,
    reload_id: &str,
) -> Option<String> {
    let body = json!({"filepath": path, "contents": contents, "reloadId": reload_id});
    let response = client
        .post(format!("{base}/create-reload"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let answer: Value = serde_json::from_slice(&response.bytes().await.ok()?).ok()?;
    answer["res"]["status"].as_str().map(str::to_string)
}

/// Hands commit `commit` of Space `repo` (which wrote `paths`) to the app's replicas, if an app
/// runs it, and records the outcome.
pub async fn apply(ctx: &Ctx, repo: &Repo, commit: &str, paths: Vec<String>) -> HubResult<()> {
    let (r, oid) = (repo.clone(), commit.to_string());
    let (app, files) = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let tree = repos::get_commit(c, r.id, &oid)?.tree_oid;
                let all = trees::flatten(c, &tree)?;
                let card = card::load(c, &s.store.blobs, &tree)?;
                let settings = spaces::settings(c, r.id)?;
                let sdk = rt::sdk_of(r.sdk.as_deref(), card.as_deref());
                let stage = rt::stage(&settings, sdk.as_deref(), card.as_deref(), &all);
                let app = match stage.as_str() {
                    "RUNNING" => space_apps::app(c, r.id)?,
                    _ => None,
                };
                let mut files = Vec::new();
                if app.is_some() {
                    for path in paths {
                        let entry = all.get(&path).ok_or_else(|| {
                            HubError::internal(format!("{path} missing from its own commit"))
                        })?;
                        let bytes = s.store.blobs.read_all(c, &entry.sha256, entry.size)?;
                        files.push((path, String::from_utf8_lossy(&bytes).into_owned()));
                    }
                }
                Ok((app, files))
            })
        })
        .await?;

    let (status, statuses, line) = match app {
        None => (
            "canceled",
            Vec::new(),
            format!("Hot-reload of {commit} not applied: no app runs this Space on the local Hub"),
        ),
        Some(app) => {
            let client = reqwest::Client::builder()
                .no_proxy()
                .timeout(REPLICA_TIMEOUT)
                .build()
                .map_err(|e| HubError::internal(format!("HTTP client: {e}")))?;
            let sub = subdomain(repo);
            let mut statuses = Vec::new();
            for replica in &app.replicas {
                let base = replica_url(&app, &sub, replica);
                let mut outcome = None;
                for (path, contents) in &files {
                    outcome = create_reload(&client, &base, path, contents, commit).await;
                    if outcome.as_deref() != Some("created") {
                        break;
                    }
                }
                statuses.push((replica.clone(), outcome));
            }
            let created = statuses
                .iter()
                .filter(|(_, s)| s.as_deref() == Some("created"))
                .count();
            let status = if created > 0 { "created" } else { "canceled" };
            let line = format!(
                "Hot-reload of {commit}: {created} of {} replicas reloading",
                statuses.len()
            );
            (status, statuses, line)
        }
    };
    let hr = HotReload {
        commit: commit.to_string(),
        status: status.to_string(),
        replica_statuses: Value::Array(statuses.into_iter().map(|(r, s)| json!([r, s])).collect()),
    };
    let repo_id = repo.id;
    ctx.blocking(move |s| {
        s.store
            .with(|c| space_apps::record_hot_reload(c, repo_id, &hr, &line))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_reached_on_the_reload_port_of_the_subdomain() {
        let app = App {
            host: "https://alice-demo.hf.space".into(),
            replicas: vec!["abc".into()],
        };
        assert_eq!(
            replica_url(&app, "alice-demo", "abc"),
            "https://alice-demo--7887.hf.space/--replicas/+abc"
        );
        let local = App {
            host: "http://127.0.0.1:8000".into(),
            replicas: vec![],
        };
        assert_eq!(
            replica_url(&local, "alice-demo", "r1"),
            "http://127.0.0.1:8000/--replicas/+r1"
        );
    }
}
