//! Repository settings (visibility, gating) and who may read the files of a gated repository.

use super::repos::Repo;
use crate::auth::Caller;
use crate::errors::{HubError, HubResult};
use axum::http::StatusCode;
use rusqlite::{params, Connection};

/// The `gated` setting: `None` (not gated), `auto` or `manual` approval of access requests.
pub fn parse_gated(value: &serde_json::Value) -> Option<Option<String>> {
    match value {
        serde_json::Value::Bool(false) => Some(None),
        serde_json::Value::String(s) if s == "auto" || s == "manual" => Some(Some(s.clone())),
        _ => None,
    }
}

/// Writes the settings that are `Some`.
pub fn update_settings(
    conn: &Connection,
    repo_id: i64,
    private: Option<bool>,
    gated: Option<Option<String>>,
) -> HubResult<()> {
    if let Some(p) = private {
        conn.execute(
            "UPDATE repos SET private = ?2 WHERE id = ?1",
            params![repo_id, p],
        )?;
    }
    if let Some(g) = gated {
        conn.execute(
            "UPDATE repos SET gated = ?2 WHERE id = ?1",
            params![repo_id, g],
        )?;
    }
    Ok(())
}

/// Whether `caller` may read the files of `repo`. Repositories that are not gated are open
/// to whoever can see them; a gated one to the members of its namespace.
///
/// This is the single place where accepted access requests plug in: return `true` as well
/// for a user whose request for `repo` was accepted (or who was granted access).
pub fn has_gated_access(_conn: &Connection, repo: &Repo, caller: &Caller) -> HubResult<bool> {
    Ok(repo.gated.is_none() || caller.is_member_of(&repo.namespace))
}

/// `GatedRepo` refusal, worded as on the Hub: 401 for anonymous callers, 403 otherwise.
pub fn gated_error(repo: &Repo, endpoint: &str, anonymous: bool) -> HubError {
    let what = format!("{} {}", repo.kind.singular(), repo.full_id());
    let err = if anonymous {
        HubError::new(
            StatusCode::UNAUTHORIZED,
            format!(
                "Access to {what} is restricted. You must have access to it and be authenticated to access it. Please log in."
            ),
        )
    } else {
        HubError::forbidden(format!(
            "Access to {what} is restricted and you are not in the authorized list. Visit {} to ask for access.",
            repo.url(endpoint)
        ))
    };
    err.with_code("GatedRepo")
}

/// `Ok` if `caller` may read the files of `repo`, else the `GatedRepo` error.
pub fn check_gated_access(
    conn: &Connection,
    repo: &Repo,
    caller: &Caller,
    endpoint: &str,
) -> HubResult<()> {
    if has_gated_access(conn, repo, caller)? {
        Ok(())
    } else {
        Err(gated_error(repo, endpoint, caller.is_anonymous()))
    }
}
