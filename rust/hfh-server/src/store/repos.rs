//! Repositories, refs and revision resolution.

use crate::errors::{HubError, HubResult};
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoType {
    Model,
    Dataset,
    Space,
}

impl RepoType {
    /// `model` / `dataset` / `space` (the `type` field of request bodies).
    pub fn from_singular(s: &str) -> Option<Self> {
        match s {
            "model" => Some(RepoType::Model),
            "dataset" => Some(RepoType::Dataset),
            "space" => Some(RepoType::Space),
            _ => None,
        }
    }

    /// `models` / `datasets` / `spaces` (the `/api/{T}/` path segment).
    pub fn from_plural(s: &str) -> Option<Self> {
        match s {
            "models" => Some(RepoType::Model),
            "datasets" => Some(RepoType::Dataset),
            "spaces" => Some(RepoType::Space),
            _ => None,
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            RepoType::Model => "model",
            RepoType::Dataset => "dataset",
            RepoType::Space => "space",
        }
    }

    /// Web URL prefix: `""`, `datasets/`, `spaces/`.
    pub fn url_prefix(self) -> &'static str {
        match self {
            RepoType::Model => "",
            RepoType::Dataset => "datasets/",
            RepoType::Space => "spaces/",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: i64,
    pub hub_id: String,
    pub kind: RepoType,
    pub namespace: String,
    pub name: String,
    pub private: bool,
    pub gated: Option<String>,
    pub disabled: bool,
    pub sdk: Option<String>,
    pub created_at: i64,
    pub last_modified: i64,
}

impl Repo {
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// `{endpoint}/{prefix}{ns}/{name}`
    pub fn url(&self, endpoint: &str) -> String {
        format!("{endpoint}/{}{}", self.kind.url_prefix(), self.full_id())
    }
}

const REPO_COLS: &str =
    "id, hub_id, type, namespace, name, private, gated, disabled, sdk, created_at, last_modified";

fn repo_from_row(r: &Row<'_>) -> rusqlite::Result<Repo> {
    let kind: String = r.get(2)?;
    Ok(Repo {
        id: r.get(0)?,
        hub_id: r.get(1)?,
        kind: RepoType::from_singular(&kind).unwrap_or(RepoType::Model),
        namespace: r.get(3)?,
        name: r.get(4)?,
        private: r.get(5)?,
        gated: r.get(6)?,
        disabled: r.get(7)?,
        sdk: r.get(8)?,
        created_at: r.get(9)?,
        last_modified: r.get(10)?,
    })
}

pub fn find_repo(
    conn: &Connection,
    kind: RepoType,
    ns: &str,
    name: &str,
) -> HubResult<Option<Repo>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {REPO_COLS} FROM repos WHERE type = ?1 AND namespace = ?2 AND name = ?3"
            ),
            params![kind.singular(), ns, name],
            repo_from_row,
        )
        .optional()?)
}

pub struct NewRepo<'a> {
    pub kind: RepoType,
    pub namespace: &'a str,
    pub name: &'a str,
    pub private: bool,
    pub sdk: Option<&'a str>,
    pub hub_id: &'a str,
    pub now: i64,
}

/// Inserts the repository row (no commit yet). Returns `None` if it already exists.
pub fn insert_repo(conn: &Connection, r: &NewRepo<'_>) -> HubResult<Option<Repo>> {
    let inserted = conn.execute(
        "INSERT INTO repos (hub_id, type, namespace, name, private, sdk, created_at, last_modified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT DO NOTHING",
        params![
            r.hub_id,
            r.kind.singular(),
            r.namespace,
            r.name,
            r.private,
            r.sdk,
            r.now
        ],
    )?;
    if inserted == 0 {
        return Ok(None);
    }
    find_repo(conn, r.kind, r.namespace, r.name)
}

pub fn delete_repo(conn: &Connection, repo_id: i64) -> HubResult<()> {
    conn.execute("DELETE FROM repos WHERE id = ?1", [repo_id])?;
    Ok(())
}

pub fn touch_repo(conn: &Connection, repo_id: i64, now: i64) -> HubResult<()> {
    conn.execute(
        "UPDATE repos SET last_modified = ?2 WHERE id = ?1",
        params![repo_id, now],
    )?;
    Ok(())
}

pub fn get_ref(conn: &Connection, repo_id: i64, name: &str) -> HubResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT commit_oid FROM refs WHERE repo_id = ?1 AND name = ?2",
            params![repo_id, name],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set_ref(conn: &Connection, repo_id: i64, name: &str, commit: &str) -> HubResult<()> {
    conn.execute(
        "INSERT INTO refs (repo_id, name, commit_oid) VALUES (?1, ?2, ?3)
         ON CONFLICT (repo_id, name) DO UPDATE SET commit_oid = excluded.commit_oid",
        params![repo_id, name, commit],
    )?;
    Ok(())
}

/// All refs of a repository, sorted by name.
pub fn list_refs(conn: &Connection, repo_id: i64) -> HubResult<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare("SELECT name, commit_oid FROM refs WHERE repo_id = ?1 ORDER BY name")?;
    let rows = stmt
        .query_map([repo_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn delete_ref(conn: &Connection, repo_id: i64, name: &str) -> HubResult<bool> {
    Ok(conn.execute(
        "DELETE FROM refs WHERE repo_id = ?1 AND name = ?2",
        params![repo_id, name],
    )? > 0)
}

/// Validates a branch or tag name (git's check-ref-format rules, plus no `refs/` prefix).
pub fn valid_ref_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with("refs/")
        && !name.starts_with(['/', '.', '-'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && name
            .chars()
            .all(|c| !c.is_control() && !" ~^:?*[\\".contains(c))
}

/// The ref a commit to `rev` updates: a branch name, `refs/heads/<b>` or `refs/pr/<n>`.
/// Tags and commit ids are not committable (`RevisionNotFound`).
pub fn branch_ref(conn: &Connection, repo: &Repo, rev: &str) -> HubResult<String> {
    let candidates = if rev.starts_with("refs/heads/") || rev.starts_with("refs/pr/") {
        vec![rev.to_string()]
    } else {
        vec![format!("refs/heads/{rev}")]
    };
    for name in candidates {
        if get_ref(conn, repo.id, &name)?.is_some() {
            return Ok(name);
        }
    }
    Err(HubError::revision_not_found(rev))
}

/// Resolves a revision (branch, tag, full ref name, full or abbreviated commit id) to a
/// commit id, or `RevisionNotFound`.
pub fn resolve_revision(conn: &Connection, repo: &Repo, rev: &str) -> HubResult<String> {
    let names = if rev.starts_with("refs/") {
        vec![rev.to_string()]
    } else {
        vec![format!("refs/heads/{rev}"), format!("refs/tags/{rev}")]
    };
    for name in &names {
        if let Some(c) = get_ref(conn, repo.id, name)? {
            return Ok(c);
        }
    }
    let is_hex = rev.len() >= 5 && rev.len() <= 40 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        let lower = rev.to_ascii_lowercase();
        let mut stmt = conn.prepare(
            "SELECT oid FROM commits WHERE repo_id = ?1 AND oid >= ?2 AND oid < ?3 LIMIT 2",
        )?;
        let upper = format!("{lower}g");
        let found: Vec<String> = stmt
            .query_map(params![repo.id, lower, upper], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if found.len() == 1 {
            return Ok(found.into_iter().next().unwrap_or_default());
        }
    }
    Err(HubError::revision_not_found(rev))
}

#[derive(Debug, Clone)]
pub struct CommitRow {
    pub oid: String,
    pub tree_oid: String,
    pub parents: Vec<String>,
    pub author: String,
    pub title: String,
    pub message: String,
    pub created_at: i64,
}

pub fn get_commit(conn: &Connection, repo_id: i64, oid: &str) -> HubResult<CommitRow> {
    conn.query_row(
        "SELECT oid, tree_oid, parents, author, title, message, created_at
         FROM commits WHERE repo_id = ?1 AND oid = ?2",
        params![repo_id, oid],
        |r| {
            let parents: String = r.get(2)?;
            Ok(CommitRow {
                oid: r.get(0)?,
                tree_oid: r.get(1)?,
                parents: parents.split_whitespace().map(str::to_string).collect(),
                author: r.get(3)?,
                title: r.get(4)?,
                message: r.get(5)?,
                created_at: r.get(6)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| HubError::internal(format!("missing commit {oid}")))
}

pub fn insert_commit(conn: &Connection, repo_id: i64, c: &CommitRow) -> HubResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO commits (repo_id, oid, tree_oid, parents, author, title, message, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            repo_id,
            c.oid,
            c.tree_oid,
            c.parents.join(" "),
            c.author,
            c.title,
            c.message,
            c.created_at
        ],
    )?;
    Ok(())
}

/// Every repository of one type, oldest first (listing filters and sorts them).
pub fn list_repos(conn: &Connection, kind: RepoType) -> HubResult<Vec<Repo>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {REPO_COLS} FROM repos WHERE type = ?1 ORDER BY created_at, id"
    ))?;
    let rows = stmt
        .query_map([kind.singular()], repo_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
