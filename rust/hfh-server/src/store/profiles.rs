//! People: who follows whom, organisation members, and the counts shown in user and
//! organisation overviews. Follows are created by the server's operator (`--follow`,
//! `LocalHub.add_follow`), since the Hub's own follow button is not part of its public API.

use rusqlite::{params, Connection};

use super::accounts::{self, Account};
use crate::errors::{HubError, HubResult};

const ACCOUNT_COLS: &str = "a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at";

fn accounts_of(conn: &Connection, sql: &str, id: i64) -> HubResult<Vec<Account>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([id], |r| {
        Ok(Account {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            hub_id: r.get(3)?,
            fullname: r.get(4)?,
            created_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Makes user `follower` follow user or organisation `target` (idempotent).
pub fn follow(conn: &Connection, follower: &str, target: &str, now: i64) -> HubResult<()> {
    let f = accounts::account_by_name(conn, follower)?
        .ok_or_else(|| HubError::not_found(format!("User {follower} not found")))?;
    let t = accounts::account_by_name(conn, target)?
        .ok_or_else(|| HubError::not_found(format!("User or organization {target} not found")))?;
    if f.kind != "user" {
        return Err(HubError::bad_request(format!(
            "{follower} is an organization: only users follow"
        )));
    }
    if f.id == t.id {
        return Err(HubError::bad_request(format!(
            "{follower} cannot follow themselves"
        )));
    }
    conn.execute(
        "INSERT OR IGNORE INTO follows (follower_id, target_id, created_at) VALUES (?1, ?2, ?3)",
        params![f.id, t.id, now],
    )?;
    Ok(())
}

/// Users following `target_id`, most recent first.
pub fn followers(conn: &Connection, target_id: i64) -> HubResult<Vec<Account>> {
    accounts_of(
        conn,
        &format!(
            "SELECT {ACCOUNT_COLS} FROM follows f JOIN accounts a ON a.id = f.follower_id
             WHERE f.target_id = ?1 ORDER BY f.created_at DESC, f.rowid DESC"
        ),
        target_id,
    )
}

/// Users (not organisations) that `user_id` follows, most recent first.
pub fn following(conn: &Connection, user_id: i64) -> HubResult<Vec<Account>> {
    accounts_of(
        conn,
        &format!(
            "SELECT {ACCOUNT_COLS} FROM follows f JOIN accounts a ON a.id = f.target_id
             WHERE f.follower_id = ?1 AND a.kind = 'user' ORDER BY f.created_at DESC, f.rowid DESC"
        ),
        user_id,
    )
}

/// Members of organisation `org_id` with their role, by name.
pub fn members(conn: &Connection, org_id: i64) -> HubResult<Vec<(Account, String)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ACCOUNT_COLS}, m.role FROM org_members m JOIN accounts a ON a.id = m.user_id
         WHERE m.org_id = ?1 ORDER BY a.name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([org_id], |r| {
        Ok((
            Account {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                hub_id: r.get(3)?,
                fullname: r.get(4)?,
                created_at: r.get(5)?,
            },
            r.get::<_, String>(6)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether `follower_id` follows `target_id`.
pub fn is_following(conn: &Connection, follower_id: i64, target_id: i64) -> HubResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = ?1 AND target_id = ?2)",
        params![follower_id, target_id],
        |r| r.get(0),
    )?)
}

/// The numbers of an overview.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub models: i64,
    pub datasets: i64,
    pub spaces: i64,
    pub followers: i64,
    /// Users followed (users only).
    pub following: i64,
    /// Discussions and pull requests opened.
    pub discussions: i64,
    /// Likes given.
    pub likes: i64,
    /// Organisation members.
    pub members: i64,
}

/// Counts for account `account`; repositories count only if public or `include_private`.
pub fn counts(conn: &Connection, account: &Account, include_private: bool) -> HubResult<Counts> {
    let one =
        |sql: &str| -> HubResult<i64> { Ok(conn.query_row(sql, [account.id], |r| r.get(0))?) };
    let repos = |kind: &str| -> HubResult<i64> {
        Ok(conn.query_row(
            "SELECT count(*) FROM repos WHERE namespace = ?1 AND type = ?2 AND (private = 0 OR ?3)",
            params![account.name, kind, include_private],
            |r| r.get(0),
        )?)
    };
    Ok(Counts {
        models: repos("model")?,
        datasets: repos("dataset")?,
        spaces: repos("space")?,
        followers: one("SELECT count(*) FROM follows WHERE target_id = ?1")?,
        following: one(
            "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.target_id
             WHERE f.follower_id = ?1 AND a.kind = 'user'",
        )?,
        discussions: one("SELECT count(*) FROM discussions WHERE author_id = ?1")?,
        likes: one("SELECT count(*) FROM likes WHERE user_id = ?1")?,
        members: one("SELECT count(*) FROM org_members WHERE org_id = ?1")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn follows_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .with(|c| {
                let alice = accounts::ensure_account(c, "alice", "user")?;
                let bob = accounts::ensure_account(c, "bob", "user")?;
                let acme = accounts::ensure_account(c, "acme", "org")?;
                accounts::add_member(c, &acme, &alice, "admin")?;
                follow(c, "bob", "alice", 1)?;
                follow(c, "bob", "alice", 2)?; // idempotent
                follow(c, "bob", "acme", 3)?;
                assert!(follow(c, "acme", "bob", 4).is_err());
                assert!(follow(c, "bob", "bob", 4).is_err());
                assert!(follow(c, "bob", "nobody", 4).is_err());
                let names = |v: Vec<Account>| v.into_iter().map(|a| a.name).collect::<Vec<_>>();
                assert_eq!(names(followers(c, alice.id)?), ["bob"]);
                assert_eq!(names(following(c, bob.id)?), ["alice"]);
                assert!(is_following(c, bob.id, acme.id)? && !is_following(c, alice.id, bob.id)?);
                assert_eq!(counts(c, &bob, true)?.following, 1);
                assert_eq!(counts(c, &acme, false)?.followers, 1);
                assert_eq!(counts(c, &acme, false)?.members, 1);
                assert_eq!(members(c, acme.id)?[0].1, "admin");
                Ok(())
            })
            .unwrap();
    }
}
