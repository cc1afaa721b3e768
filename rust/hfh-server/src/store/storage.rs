//! Storage used by repositories (`/api/settings/repositories`).
//!
//! A repository uses the bytes of every distinct content (regular files and LFS objects, by
//! sha256) in the trees of its stored commits, plus the LFS objects uploaded to it that no
//! commit uses yet, minus the LFS objects permanently deleted from it. Content shared with
//! another repository counts for both, as on the Hub (each repository is billed its own).

use std::collections::HashMap;

use rusqlite::Connection;

use super::lfs_files;
use super::repos::{Repo, RepoType};
use crate::errors::HubResult;

/// Bytes used by repository `repo_id`.
pub fn used_bytes(conn: &Connection, repo_id: i64) -> HubResult<u64> {
    let mut sizes: HashMap<String, u64> = lfs_files::committed_files(conn, repo_id, false)?
        .into_iter()
        .map(|(sha, (_, size))| (sha, size))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT oid, size, deleted_at IS NOT NULL FROM lfs_objects WHERE repo_id = ?1",
    )?;
    let rows = stmt.query_map([repo_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, bool>(2)?,
        ))
    })?;
    for row in rows {
        let (oid, size, deleted) = row?;
        if deleted {
            sizes.remove(&oid);
        } else {
            sizes.insert(oid, size as u64);
        }
    }
    Ok(sizes.values().sum())
}

/// Every repository of namespace `ns`, all types, by type then name.
pub fn repos_of(conn: &Connection, ns: &str) -> HubResult<Vec<Repo>> {
    let mut out = Vec::new();
    for kind in [RepoType::Model, RepoType::Dataset, RepoType::Space] {
        out.extend(
            super::repos::list_repos(conn, kind)?
                .into_iter()
                .filter(|r| r.namespace.eq_ignore_ascii_case(ns)),
        );
    }
    Ok(out)
}
