//! Repository settings (visibility, gating). Who may read a gated repository is decided in
//! `routes::access` (accepted access requests).

use crate::errors::HubResult;
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
