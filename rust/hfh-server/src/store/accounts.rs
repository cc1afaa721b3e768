//! Users, organisations and access tokens.

use crate::config::{Config, Role};
use crate::errors::{HubError, HubResult};
use crate::util::{now_millis, random_hex};
use rusqlite::{params, Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub name: String,
    /// `user` or `org`.
    pub kind: String,
    pub hub_id: String,
    pub fullname: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub user: Account,
    pub role: Role,
    pub display_name: String,
    pub created_at: i64,
}

const ACCOUNT_COLS: &str = "id, name, kind, hub_id, fullname, created_at";

fn account_from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        hub_id: r.get(3)?,
        fullname: r.get(4)?,
        created_at: r.get(5)?,
    })
}

/// The stored form of a token: its SHA-256 (the value itself is never written anywhere).
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn account_by_name(conn: &Connection, name: &str) -> HubResult<Option<Account>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE name = ?1"),
            [name],
            account_from_row,
        )
        .optional()?)
}

/// Creates the account if missing; fails if the name is taken by the other kind.
pub fn ensure_account(conn: &Connection, name: &str, kind: &str) -> HubResult<Account> {
    if let Some(acc) = account_by_name(conn, name)? {
        if acc.kind != kind {
            return Err(HubError::bad_request(format!(
                "{name} already exists as a {}",
                acc.kind
            )));
        }
        return Ok(acc);
    }
    conn.execute(
        "INSERT INTO accounts (name, kind, hub_id, fullname, created_at) VALUES (?1, ?2, ?3, ?1, ?4)",
        params![name, kind, random_hex(12), now_millis()],
    )?;
    account_by_name(conn, name)?.ok_or_else(|| HubError::internal("account vanished"))
}

/// Adds (or re-roles) a token for a user.
pub fn upsert_token(conn: &Connection, user: &Account, token: &str, role: Role) -> HubResult<()> {
    conn.execute(
        "INSERT INTO tokens (token_sha256, user_id, role, display_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (token_sha256) DO UPDATE SET user_id = excluded.user_id, role = excluded.role",
        params![
            token_digest(token),
            user.id,
            role.as_str(),
            format!("{}-{}", user.name, role.as_str()),
            now_millis()
        ],
    )?;
    Ok(())
}

pub fn add_member(conn: &Connection, org: &Account, user: &Account, role: &str) -> HubResult<()> {
    conn.execute(
        "INSERT INTO org_members (org_id, user_id, role) VALUES (?1, ?2, ?3)
         ON CONFLICT (org_id, user_id) DO NOTHING",
        params![org.id, user.id, role],
    )?;
    Ok(())
}

pub fn lookup_token(conn: &Connection, token: &str) -> HubResult<Option<TokenInfo>> {
    Ok(conn
        .query_row(
            "SELECT a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at,
                    t.role, t.display_name, t.created_at
             FROM tokens t JOIN accounts a ON a.id = t.user_id WHERE t.token_sha256 = ?1",
            [token_digest(token)],
            |r| {
                let role: String = r.get(6)?;
                Ok(TokenInfo {
                    user: account_from_row(r)?,
                    role: Role::parse(&role).unwrap_or(Role::Read),
                    display_name: r.get(7)?,
                    created_at: r.get(8)?,
                })
            },
        )
        .optional()?)
}

/// Organisations a user belongs to, with the user's role in each.
pub fn orgs_of(conn: &Connection, user_id: i64) -> HubResult<Vec<(Account, String)>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at, m.role
         FROM org_members m JOIN accounts a ON a.id = m.org_id
         WHERE m.user_id = ?1 ORDER BY a.name",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok((account_from_row(r)?, r.get::<_, String>(6)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Applies the `--user` / `--org` / `--follow` options in one transaction; idempotent across restarts.
pub fn provision(conn: &mut Connection, config: &Config) -> HubResult<()> {
    let tx = conn.transaction()?;
    for u in &config.users {
        let acc = ensure_account(&tx, &u.name, "user")?;
        if let Some(token) = &u.token {
            upsert_token(&tx, &acc, token, u.role)?;
        }
    }
    for o in &config.orgs {
        let org = ensure_account(&tx, &o.name, "org")?;
        for m in &o.members {
            let user = ensure_account(&tx, m, "user")?;
            add_member(&tx, &org, &user, "admin")?;
        }
    }
    for f in &config.follows {
        super::profiles::follow(&tx, &f.follower, &f.target, now_millis())?;
    }
    tx.commit()?;
    Ok(())
}
