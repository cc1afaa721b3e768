//! A Space's running app and its hot-reload requests.
//!
//! The local Hub runs no Space code. Its operator can declare that an app runs a Space somewhere
//! (`LocalHub.attach_space_app`): its base URL and the ids of its replicas. The Space then reports
//! the `RUNNING` stage and that host, and a commit with `hot_reload=1` is handed to the app's
//! reload server (see `routes::space_hot_reload`). The outcome of the last such commit is kept
//! per Space, and reported as the runtime's `hotReloading` while that commit is the Space's head.

use super::repos::{find_repo, RepoType};
use super::spaces::{record_event, save_settings, settings, Log};
use crate::errors::{HubError, HubResult};
use crate::util::now_millis;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// The app an operator declared for a Space.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    /// Base URL, e.g. `https://user-space.hf.space` (no trailing slash).
    pub host: String,
    pub replicas: Vec<String>,
}

/// The outcome of a hot-reload commit.
#[derive(Debug, Clone, PartialEq)]
pub struct HotReload {
    pub commit: String,
    /// `created` when at least one replica took the reload, else `canceled`.
    pub status: String,
    /// `[[replica id, the replica's answer or null], ...]`, as the Hub reports it.
    pub replica_statuses: Value,
}

pub fn app(conn: &Connection, repo_id: i64) -> HubResult<Option<App>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT host, replicas FROM space_apps WHERE repo_id = ?1",
            [repo_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.map(|(host, replicas)| App {
        host,
        replicas: serde_json::from_str(&replicas).unwrap_or_default(),
    }))
}

fn check_app(host: &str, replicas: &[String]) -> HubResult<()> {
    if !(host.starts_with("http://") || host.starts_with("https://")) || host.ends_with('/') {
        return Err(HubError::bad_request(format!(
            "Invalid app host '{host}': expected an http(s) base URL without a trailing slash"
        )));
    }
    if replicas.is_empty() {
        return Err(HubError::bad_request(
            "A running app has at least one replica",
        ));
    }
    if let Some(bad) = replicas
        .iter()
        .find(|r| r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(HubError::bad_request(format!(
            "Invalid replica id '{bad}': letters, digits and '-' only"
        )));
    }
    Ok(())
}

/// Declares (`Some((host, replicas))`) or withdraws (`None`) the app running Space `repo_id`
/// (`ns/name`), as the local Hub's operator. Declaring one sets the Space's stage to `RUNNING`;
/// withdrawing it gives the Space back its derived stage. Recorded in the Space's run log.
pub fn set_app(
    c: &mut Connection,
    repo_id: &str,
    declared: Option<(&str, &[String])>,
) -> HubResult<()> {
    if let Some((host, replicas)) = declared {
        check_app(host, replicas)?;
    }
    let (ns, name) = repo_id
        .split_once('/')
        .ok_or_else(|| HubError::bad_request(format!("Invalid Space id '{repo_id}'")))?;
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let repo = find_repo(&tx, RepoType::Space, ns, name)?
        .ok_or_else(|| HubError::not_found(format!("Space '{repo_id}' not found")))?;
    let mut s = settings(&tx, repo.id)?;
    let line = match declared {
        Some((host, replicas)) => {
            tx.execute(
                "INSERT INTO space_apps (repo_id, host, replicas) VALUES (?1, ?2, ?3)
                 ON CONFLICT (repo_id) DO UPDATE SET host = ?2, replicas = ?3",
                params![repo.id, host, Value::from(replicas.to_vec()).to_string()],
            )?;
            s.stage = Some("RUNNING".into());
            s.paused = false;
            format!(
                "App at {host} ({} replicas) attached by the local Hub operator",
                replicas.len()
            )
        }
        None => {
            tx.execute("DELETE FROM space_apps WHERE repo_id = ?1", [repo.id])?;
            s.stage = None;
            "App detached by the local Hub operator".to_string()
        }
    };
    save_settings(&tx, repo.id, &s)?;
    record_event(&tx, repo.id, Log::Run, &line, now_millis())?;
    tx.commit()?;
    Ok(())
}

pub fn hot_reload(conn: &Connection, repo_id: i64) -> HubResult<Option<HotReload>> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT commit_oid, status, replica_statuses FROM space_hot_reloads WHERE repo_id = ?1",
            [repo_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.map(|(commit, status, statuses)| HotReload {
        commit,
        status,
        replica_statuses: serde_json::from_str(&statuses).unwrap_or(Value::Array(vec![])),
    }))
}

/// Keeps `hr` as the Space's last hot-reload request and logs it.
pub fn record_hot_reload(
    conn: &mut Connection,
    repo_id: i64,
    hr: &HotReload,
    line: &str,
) -> HubResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO space_hot_reloads (repo_id, commit_oid, status, replica_statuses)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (repo_id) DO UPDATE SET commit_oid = ?2, status = ?3, replica_statuses = ?4",
        params![
            repo_id,
            hr.commit,
            hr.status,
            hr.replica_statuses.to_string()
        ],
    )?;
    record_event(&tx, repo_id, Log::Run, line, now_millis())?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema;
    use serde_json::json;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", "ON").unwrap();
        schema::migrate(&mut c).unwrap();
        c.execute(
            "INSERT INTO repos (id, hub_id, type, namespace, name, sdk, created_at, last_modified)
             VALUES (1, 'h', 'space', 'u', 's', 'gradio', 0, 0)",
            [],
        )
        .unwrap();
        c
    }

    #[test]
    fn attaching_an_app_runs_the_space_and_detaching_gives_the_derived_stage_back() {
        let mut c = db();
        let replicas = vec!["r1".to_string(), "r-2".to_string()];
        set_app(&mut c, "u/s", Some(("http://127.0.0.1:9/u-s", &replicas))).unwrap();
        let app = app(&c, 1).unwrap().unwrap();
        assert_eq!(app.host, "http://127.0.0.1:9/u-s");
        assert_eq!(app.replicas, replicas);
        assert_eq!(settings(&c, 1).unwrap().stage.as_deref(), Some("RUNNING"));
        set_app(&mut c, "u/s", None).unwrap();
        assert_eq!(super::app(&c, 1).unwrap(), None);
        assert_eq!(settings(&c, 1).unwrap().stage, None);
    }

    #[test]
    fn bad_declarations_are_refused() {
        let mut c = db();
        let one = vec!["r1".to_string()];
        for (host, replicas) in [
            ("ftp://x", one.clone()),
            ("http://x/", one.clone()),
            ("http://x", vec![]),
            ("http://x", vec!["a/b".to_string()]),
        ] {
            let err = set_app(&mut c, "u/s", Some((host, &replicas))).unwrap_err();
            assert_eq!(err.status.as_u16(), 400, "{host} {replicas:?}");
        }
        let err = set_app(&mut c, "u/nope", Some(("http://x", &one))).unwrap_err();
        assert_eq!(err.status.as_u16(), 404);
        assert_eq!(app(&c, 1).unwrap(), None);
    }

    #[test]
    fn the_last_hot_reload_is_kept() {
        let mut c = db();
        assert_eq!(hot_reload(&c, 1).unwrap(), None);
        for (commit, status) in [("a", "canceled"), ("b", "created")] {
            let hr = HotReload {
                commit: commit.into(),
                status: status.into(),
                replica_statuses: json!([["r1", status]]),
            };
            record_hot_reload(&mut c, 1, &hr, "line").unwrap();
            assert_eq!(hot_reload(&c, 1).unwrap(), Some(hr));
        }
    }
}
