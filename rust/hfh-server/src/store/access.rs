//! Gated repositories: the gating mode (`repos.gated`) and users' access requests.

use super::accounts::Account;
use super::repos::{Repo, RepoType};
use crate::errors::{HubError, HubResult};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::path::Path;

/// How a gated repository admits users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gating {
    /// Requests are accepted as soon as they are made.
    Auto,
    /// Requests wait for the repository's owners.
    Manual,
}

/// The gating mode of a repository (`None`: not gated). Values other than `auto`/`manual`
/// (e.g. `false`) mean "not gated".
pub fn gating(repo: &Repo) -> Option<Gating> {
    match repo.gated.as_deref() {
        Some("auto") => Some(Gating::Auto),
        Some("manual") => Some(Gating::Manual),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    Pending,
    Accepted,
    Rejected,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(RequestStatus::Pending),
            "accepted" => Some(RequestStatus::Accepted),
            "rejected" => Some(RequestStatus::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccessRequest {
    pub user: Account,
    pub status: RequestStatus,
    pub fields: Option<Value>,
    pub rejection_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const REQUEST_SELECT: &str = "SELECT a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at, \
     r.status, r.fields, r.rejection_reason, r.created_at, r.updated_at \
     FROM access_requests r JOIN accounts a ON a.id = r.user_id";

fn request_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessRequest> {
    let status: String = r.get(6)?;
    let fields: Option<String> = r.get(7)?;
    Ok(AccessRequest {
        user: Account {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            hub_id: r.get(3)?,
            fullname: r.get(4)?,
            created_at: r.get(5)?,
        },
        status: RequestStatus::parse(&status).unwrap_or(RequestStatus::Pending),
        fields: fields.and_then(|f| serde_json::from_str(&f).ok()),
        rejection_reason: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn request_of(
    conn: &Connection,
    repo_id: i64,
    user_id: i64,
) -> HubResult<Option<AccessRequest>> {
    Ok(conn
        .query_row(
            &format!("{REQUEST_SELECT} WHERE r.repo_id = ?1 AND r.user_id = ?2"),
            params![repo_id, user_id],
            request_from_row,
        )
        .optional()?)
}

/// Requests with a given status, oldest first.
pub fn list_requests(
    conn: &Connection,
    repo_id: i64,
    status: RequestStatus,
    offset: usize,
    limit: usize,
) -> HubResult<Vec<AccessRequest>> {
    let mut stmt = conn.prepare(&format!(
        "{REQUEST_SELECT} WHERE r.repo_id = ?1 AND r.status = ?2 \
         ORDER BY r.updated_at, a.name LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt
        .query_map(
            params![repo_id, status.as_str(), limit as i64, offset as i64],
            request_from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Creates or replaces the request of `user_id`.
pub fn upsert_request(
    conn: &Connection,
    repo_id: i64,
    user_id: i64,
    status: RequestStatus,
    fields: Option<&Value>,
    rejection_reason: Option<&str>,
    now: i64,
) -> HubResult<()> {
    conn.execute(
        "INSERT INTO access_requests (repo_id, user_id, status, fields, rejection_reason,
                                      created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (repo_id, user_id) DO UPDATE SET
             status = excluded.status,
             fields = coalesce(excluded.fields, access_requests.fields),
             rejection_reason = excluded.rejection_reason,
             updated_at = excluded.updated_at",
        params![
            repo_id,
            user_id,
            status.as_str(),
            fields.map(Value::to_string),
            rejection_reason,
            now
        ],
    )?;
    Ok(())
}

/// Sets `repos.gated` (`None`, `"auto"` or `"manual"`) directly in a data directory's
/// database. For tests and tooling only: the HTTP route for it is `PUT .../settings`.
pub fn set_gated_in_data_dir(
    data_dir: &Path,
    kind: RepoType,
    namespace: &str,
    name: &str,
    gated: Option<&str>,
) -> HubResult<()> {
    let conn = Connection::open(data_dir.join("hub.sqlite"))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let n = conn.execute(
        "UPDATE repos SET gated = ?4 WHERE type = ?1 AND namespace = ?2 AND name = ?3",
        params![kind.singular(), namespace, name, gated],
    )?;
    if n == 0 {
        return Err(HubError::not_found("Repository not found"));
    }
    Ok(())
}
