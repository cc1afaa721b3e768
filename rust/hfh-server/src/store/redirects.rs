//! Renamed and transferred repositories. A move rewrites the repository row and records the
//! old name in `repo_redirects`; requests for an old name are then redirected to the current
//! one, until a repository is created under the old name (which takes precedence).

use super::repos::{self, Repo, RepoType};
use crate::errors::HubResult;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Moves `repo` to `to_ns/to_name` in one transaction. Returns `None` (nothing changed) when
/// another repository of the same type already has that name.
pub fn move_repo(
    conn: &mut Connection,
    repo: &Repo,
    to_ns: &str,
    to_name: &str,
    now: i64,
) -> HubResult<Option<Repo>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(existing) = repos::find_repo(&tx, repo.kind, to_ns, to_name)? {
        if existing.id != repo.id {
            return Ok(None);
        }
    }
    tx.execute(
        "UPDATE repos SET namespace = ?2, name = ?3 WHERE id = ?1",
        params![repo.id, to_ns, to_name],
    )?;
    // The new name is now a real repository: a redirect recorded under it is obsolete.
    forget(&tx, repo.kind, to_ns, to_name)?;
    let case_only =
        repo.namespace.eq_ignore_ascii_case(to_ns) && repo.name.eq_ignore_ascii_case(to_name);
    if !case_only {
        tx.execute(
            "INSERT INTO repo_redirects (type, namespace, name, repo_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (type, namespace, name) DO UPDATE
             SET repo_id = excluded.repo_id, created_at = excluded.created_at",
            params![
                repo.kind.singular(),
                repo.namespace,
                repo.name,
                repo.id,
                now
            ],
        )?;
    }
    let moved = repos::find_repo(&tx, repo.kind, to_ns, to_name)?;
    tx.commit()?;
    Ok(moved)
}

/// Drops the redirect recorded under a name (a repository now exists there).
pub fn forget(conn: &Connection, kind: RepoType, ns: &str, name: &str) -> HubResult<()> {
    conn.execute(
        "DELETE FROM repo_redirects WHERE type = ?1 AND namespace = ?2 AND name = ?3",
        params![kind.singular(), ns, name],
    )?;
    Ok(())
}

/// The repository an old name now leads to, if no repository has that name.
pub fn target(conn: &Connection, kind: RepoType, ns: &str, name: &str) -> HubResult<Option<Repo>> {
    if repos::find_repo(conn, kind, ns, name)?.is_some() {
        return Ok(None);
    }
    let current: Option<(String, String)> = conn
        .query_row(
            "SELECT r.namespace, r.name FROM repo_redirects d JOIN repos r ON r.id = d.repo_id
             WHERE d.type = ?1 AND d.namespace = ?2 AND d.name = ?3",
            params![kind.singular(), ns, name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match current {
        Some((ns, name)) => repos::find_repo(conn, kind, &ns, &name),
        None => Ok(None),
    }
}
