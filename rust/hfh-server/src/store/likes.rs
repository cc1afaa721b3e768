//! Likes: which user likes which repository.

use super::accounts::Account;
use super::repos::RepoType;
use crate::errors::HubResult;
use rusqlite::{params, Connection};

/// Likes a repository (idempotent: liking twice counts once).
pub fn like(conn: &Connection, user_id: i64, repo_id: i64, now: i64) -> HubResult<()> {
    conn.execute(
        "INSERT INTO likes (user_id, repo_id, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, repo_id) DO NOTHING",
        params![user_id, repo_id, now],
    )?;
    Ok(())
}

/// Removes a like (idempotent).
pub fn unlike(conn: &Connection, user_id: i64, repo_id: i64) -> HubResult<()> {
    conn.execute(
        "DELETE FROM likes WHERE user_id = ?1 AND repo_id = ?2",
        params![user_id, repo_id],
    )?;
    Ok(())
}

/// Number of likes of a repository (the `likes` field of repository info).
pub fn count(conn: &Connection, repo_id: i64) -> HubResult<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM likes WHERE repo_id = ?1",
        [repo_id],
        |r| r.get(0),
    )?)
}

/// Like counts of every liked repository, by repository row id (absent: no like), in one query
/// for listings.
pub fn counts(conn: &Connection) -> HubResult<std::collections::HashMap<i64, u64>> {
    let mut stmt = conn.prepare("SELECT repo_id, count(*) FROM likes GROUP BY repo_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A repository a user likes, with what visibility checks need.
#[derive(Debug, Clone)]
pub struct LikedRepo {
    pub kind: RepoType,
    pub namespace: String,
    pub name: String,
    pub private: bool,
    pub liked_at: i64,
}

/// Everything a user likes, most recent first.
pub fn liked_by(conn: &Connection, user_id: i64) -> HubResult<Vec<LikedRepo>> {
    let mut stmt = conn.prepare(
        "SELECT r.type, r.namespace, r.name, r.private, l.created_at
         FROM likes l JOIN repos r ON r.id = l.repo_id
         WHERE l.user_id = ?1 ORDER BY l.rowid DESC",
    )?;
    let rows = stmt
        .query_map([user_id], |r| {
            let kind: String = r.get(0)?;
            Ok(LikedRepo {
                kind: RepoType::from_singular(&kind).unwrap_or(RepoType::Model),
                namespace: r.get(1)?,
                name: r.get(2)?,
                private: r.get(3)?,
                liked_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Users who like a repository, most recent first, `limit` from `offset`.
pub fn likers(
    conn: &Connection,
    repo_id: i64,
    offset: usize,
    limit: usize,
) -> HubResult<Vec<Account>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at
         FROM likes l JOIN accounts a ON a.id = l.user_id
         WHERE l.repo_id = ?1 ORDER BY l.rowid DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt
        .query_map(params![repo_id, limit as i64, offset as i64], |r| {
            Ok(Account {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                hub_id: r.get(3)?,
                fullname: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
