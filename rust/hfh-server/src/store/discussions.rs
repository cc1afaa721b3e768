//! Discussions and pull requests: rows, their event timeline and `refs/pr/N`.
//!
//! Discussions and pull requests share one counter per repository. The description is the
//! first `comment` event. A pull request owns the ref `refs/pr/<num>`, created at the head of
//! its target branch (or at a given commit); every commit pushed to that ref adds a `commit`
//! event. Event payloads are stored as JSON (`data`) in an internal shape that the routes
//! render into the Hub's; comments keep every version so edits have a history.

use super::repos::{self, Repo};
use crate::errors::{HubError, HubResult};
use crate::store::accounts::Account;
use crate::util::random_hex;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Open,
    Closed,
    Merged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "open" => Some(Status::Open),
            "closed" => Some(Status::Closed),
            "merged" => Some(Status::Merged),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Discussion {
    pub id: i64,
    pub repo_id: i64,
    pub num: i64,
    pub hub_id: String,
    /// `None` once the author's account is gone (rendered as "deleted").
    pub author: Option<Account>,
    pub title: String,
    pub status: Status,
    pub is_pull_request: bool,
    /// Pull requests: full name of the branch they merge into (`refs/heads/main`).
    pub target_ref: Option<String>,
    pub merge_commit: Option<String>,
    pub created_at: i64,
}

impl Discussion {
    /// `refs/pr/<num>` for pull requests.
    pub fn git_ref(&self) -> Option<String> {
        self.is_pull_request.then(|| pr_ref(self.num))
    }
}

pub fn pr_ref(num: i64) -> String {
    format!("refs/pr/{num}")
}

/// The discussion number of a `refs/pr/<num>` ref name.
pub fn pr_num_of_ref(name: &str) -> Option<i64> {
    name.strip_prefix("refs/pr/")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Comment,
    StatusChange,
    TitleChange,
    Commit,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Comment => "comment",
            EventKind::StatusChange => "status-change",
            EventKind::TitleChange => "title-change",
            EventKind::Commit => "commit",
        }
    }

    fn parse(s: &str) -> EventKind {
        match s {
            "status-change" => EventKind::StatusChange,
            "title-change" => EventKind::TitleChange,
            "commit" => EventKind::Commit,
            _ => EventKind::Comment,
        }
    }
}

/// One timeline event. `data` shapes:
/// - comment: `{"hidden": bool, "versions": [{"raw", "by": account id, "at": ms}, ...]}`
///   (oldest first; the last one is the current text);
/// - status-change: `{"status"}`; title-change: `{"from", "to"}`; commit: `{"subject", "oid"}`.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub hub_id: String,
    pub kind: EventKind,
    pub author: Option<Account>,
    pub created_at: i64,
    pub data: Value,
}

const ACCOUNT_COLS: &str = "a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at";

/// Reads the six account columns starting at `at`, `None` when the LEFT JOIN found nothing.
fn account_at(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<Account>> {
    let id: Option<i64> = r.get(at)?;
    let Some(id) = id else { return Ok(None) };
    Ok(Some(Account {
        id,
        name: r.get(at + 1)?,
        kind: r.get(at + 2)?,
        hub_id: r.get(at + 3)?,
        fullname: r.get(at + 4)?,
        created_at: r.get(at + 5)?,
    }))
}

const DISCUSSION_COLS: &str = "d.id, d.repo_id, d.num, d.hub_id, d.title, d.status, \
     d.is_pull_request, d.target_ref, d.merge_commit, d.created_at";

fn discussion_from_row(r: &Row<'_>) -> rusqlite::Result<Discussion> {
    let status: String = r.get(5)?;
    Ok(Discussion {
        id: r.get(0)?,
        repo_id: r.get(1)?,
        num: r.get(2)?,
        hub_id: r.get(3)?,
        title: r.get(4)?,
        status: Status::parse(&status).unwrap_or(Status::Open),
        is_pull_request: r.get(6)?,
        target_ref: r.get(7)?,
        merge_commit: r.get(8)?,
        created_at: r.get(9)?,
        author: account_at(r, 10)?,
    })
}

fn select_discussions(filter: &str) -> String {
    format!(
        "SELECT {DISCUSSION_COLS}, {ACCOUNT_COLS} FROM discussions d \
         LEFT JOIN accounts a ON a.id = d.author_id WHERE {filter}"
    )
}

pub fn get(conn: &Connection, repo_id: i64, num: i64) -> HubResult<Option<Discussion>> {
    Ok(conn
        .query_row(
            &select_discussions("d.repo_id = ?1 AND d.num = ?2"),
            params![repo_id, num],
            discussion_from_row,
        )
        .optional()?)
}

/// The discussion, or the Hub's 404.
pub fn require(conn: &Connection, repo_id: i64, num: i64) -> HubResult<Discussion> {
    get(conn, repo_id, num)?.ok_or_else(|| HubError::not_found("Discussion not found"))
}

/// The pull request owning `ref_name` (`refs/pr/<num>`), if any.
pub fn pull_request_of_ref(
    conn: &Connection,
    repo_id: i64,
    ref_name: &str,
) -> HubResult<Option<Discussion>> {
    let Some(num) = pr_num_of_ref(ref_name) else {
        return Ok(None);
    };
    Ok(get(conn, repo_id, num)?.filter(|d| d.is_pull_request))
}

/// Filters of the listing route.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// `Some(true)`: pull requests only; `Some(false)`: discussions only.
    pub pull_requests: Option<bool>,
    /// `Some(true)`: open (and draft); `Some(false)`: closed (and merged).
    pub open: Option<bool>,
    pub author: Option<String>,
    /// Case-insensitive substring of the title.
    pub search: Option<String>,
}

pub struct Page {
    pub items: Vec<Discussion>,
    /// Number of discussions matching the filter.
    pub total: i64,
    /// Closed or merged discussions of the repository (whatever the filter).
    pub closed: i64,
}

/// Newest first, `limit` items from `offset`.
pub fn list(
    conn: &Connection,
    repo_id: i64,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> HubResult<Page> {
    let mut clauses = vec!["d.repo_id = ?1".to_string()];
    match filter.pull_requests {
        Some(true) => clauses.push("d.is_pull_request = 1".into()),
        Some(false) => clauses.push("d.is_pull_request = 0".into()),
        None => {}
    }
    match filter.open {
        Some(true) => clauses.push("d.status IN ('open', 'draft')".into()),
        Some(false) => clauses.push("d.status IN ('closed', 'merged')".into()),
        None => {}
    }
    // Optional parameters are bound as ?2 / ?3 and neutralised when absent.
    clauses.push("(?2 IS NULL OR a.name = ?2 COLLATE NOCASE)".into());
    clauses.push("(?3 IS NULL OR instr(lower(d.title), lower(?3)) > 0)".into());
    let filter_sql = clauses.join(" AND ");
    let author = filter.author.as_deref();
    let search = filter.search.as_deref();
    let total: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM discussions d LEFT JOIN accounts a ON a.id = d.author_id \
             WHERE {filter_sql}"
        ),
        params![repo_id, author, search],
        |r| r.get(0),
    )?;
    let closed: i64 = conn.query_row(
        "SELECT count(*) FROM discussions WHERE repo_id = ?1 AND status IN ('closed', 'merged')",
        [repo_id],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "{} ORDER BY d.num DESC LIMIT ?4 OFFSET ?5",
        select_discussions(&filter_sql)
    ))?;
    let items = stmt
        .query_map(
            params![repo_id, author, search, limit, offset],
            discussion_from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Page {
        items,
        total,
        closed,
    })
}

/// Number of comments (hidden ones included) of a discussion.
pub fn comment_count(conn: &Connection, discussion_id: i64) -> HubResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM discussion_events WHERE discussion_id = ?1 AND kind = 'comment'",
        [discussion_id],
        |r| r.get(0),
    )?)
}

pub struct NewDiscussion<'a> {
    pub author: &'a Account,
    pub title: &'a str,
    pub description: &'a str,
    pub status: Status,
    /// For pull requests: the target branch (full ref) and the commit `refs/pr/N` starts at.
    pub pull_request: Option<(String, String)>,
    pub now: i64,
}

/// Creates a discussion (and, for a pull request, its `refs/pr/N`) with the description as its
/// first comment. Call inside a transaction.
pub fn create(conn: &Connection, repo: &Repo, new: &NewDiscussion<'_>) -> HubResult<Discussion> {
    let num: i64 = conn.query_row(
        "SELECT coalesce(max(num), 0) + 1 FROM discussions WHERE repo_id = ?1",
        [repo.id],
        |r| r.get(0),
    )?;
    let target = new.pull_request.as_ref().map(|(t, _)| t.as_str());
    conn.execute(
        "INSERT INTO discussions (repo_id, num, hub_id, author_id, title, status, is_pull_request,
                                  target_ref, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            repo.id,
            num,
            random_hex(12),
            new.author.id,
            new.title,
            new.status.as_str(),
            new.pull_request.is_some(),
            target,
            new.now
        ],
    )?;
    let discussion = require(conn, repo.id, num)?;
    add_event(
        conn,
        discussion.id,
        EventKind::Comment,
        new.author.id,
        new.now,
        &comment_data(new.description, new.author.id, new.now),
    )?;
    if let Some((_, start)) = &new.pull_request {
        repos::set_ref(conn, repo.id, &pr_ref(num), start)?;
    }
    Ok(discussion)
}

/// The internal payload of a new comment.
pub fn comment_data(raw: &str, by: i64, at: i64) -> Value {
    json!({"hidden": false, "versions": [{"raw": raw, "by": by, "at": at}]})
}

pub fn add_event(
    conn: &Connection,
    discussion_id: i64,
    kind: EventKind,
    author_id: i64,
    now: i64,
    data: &Value,
) -> HubResult<Event> {
    let hub_id = random_hex(12);
    conn.execute(
        "INSERT INTO discussion_events (discussion_id, hub_id, kind, author_id, created_at, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            discussion_id,
            hub_id,
            kind.as_str(),
            author_id,
            now,
            data.to_string()
        ],
    )?;
    event(conn, discussion_id, &hub_id)?.ok_or_else(|| HubError::internal("event vanished"))
}

const EVENT_SELECT: &str = "SELECT e.id, e.hub_id, e.kind, e.created_at, e.data, \
     a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at \
     FROM discussion_events e LEFT JOIN accounts a ON a.id = e.author_id";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<Event> {
    let kind: String = r.get(2)?;
    let data: String = r.get(4)?;
    Ok(Event {
        id: r.get(0)?,
        hub_id: r.get(1)?,
        kind: EventKind::parse(&kind),
        created_at: r.get(3)?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
        author: account_at(r, 5)?,
    })
}

/// The timeline, oldest first.
pub fn events(conn: &Connection, discussion_id: i64) -> HubResult<Vec<Event>> {
    let mut stmt = conn.prepare(&format!(
        "{EVENT_SELECT} WHERE e.discussion_id = ?1 ORDER BY e.id"
    ))?;
    let rows = stmt
        .query_map([discussion_id], event_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// An event by its (lower-case hex) id.
pub fn event(conn: &Connection, discussion_id: i64, hub_id: &str) -> HubResult<Option<Event>> {
    Ok(conn
        .query_row(
            &format!("{EVENT_SELECT} WHERE e.discussion_id = ?1 AND e.hub_id = ?2"),
            params![discussion_id, hub_id],
            event_from_row,
        )
        .optional()?)
}

/// Id of the first event (the description comment), which cannot be hidden.
pub fn first_event_id(conn: &Connection, discussion_id: i64) -> HubResult<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT min(id) FROM discussion_events WHERE discussion_id = ?1",
            [discussion_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub fn set_event_data(conn: &Connection, event_id: i64, data: &Value) -> HubResult<()> {
    conn.execute(
        "UPDATE discussion_events SET data = ?2 WHERE id = ?1",
        params![event_id, data.to_string()],
    )?;
    Ok(())
}

pub fn set_title(conn: &Connection, discussion_id: i64, title: &str) -> HubResult<()> {
    conn.execute(
        "UPDATE discussions SET title = ?2 WHERE id = ?1",
        params![discussion_id, title],
    )?;
    Ok(())
}

pub fn set_status(
    conn: &Connection,
    discussion_id: i64,
    status: Status,
    merge_commit: Option<&str>,
) -> HubResult<()> {
    conn.execute(
        "UPDATE discussions SET status = ?2, merge_commit = coalesce(?3, merge_commit) WHERE id = ?1",
        params![discussion_id, status.as_str(), merge_commit],
    )?;
    Ok(())
}

/// Records a commit pushed to `ref_name` as a `commit` event when the ref belongs to a pull
/// request (a no-op for branches).
pub fn record_push(
    conn: &Connection,
    repo_id: i64,
    ref_name: &str,
    oid: &str,
    subject: &str,
    author_id: i64,
    now: i64,
) -> HubResult<()> {
    if let Some(pr) = pull_request_of_ref(conn, repo_id, ref_name)? {
        add_event(
            conn,
            pr.id,
            EventKind::Commit,
            author_id,
            now,
            &json!({"subject": subject, "oid": oid}),
        )?;
    }
    Ok(())
}

/// Refuses a push to `ref_name` when it is a pull request's ref the pusher may not update:
/// merged pull requests are frozen; others accept their author and repository writers.
pub fn check_push(
    conn: &Connection,
    repo_id: i64,
    ref_name: &str,
    user_id: i64,
    writer: bool,
) -> HubResult<()> {
    let Some(num) = pr_num_of_ref(ref_name) else {
        return Ok(());
    };
    let Some(pr) = get(conn, repo_id, num)?.filter(|d| d.is_pull_request) else {
        return if writer {
            Ok(())
        } else {
            Err(HubError::forbidden(format!(
                "You cannot push to {ref_name}"
            )))
        };
    };
    if pr.status == Status::Merged {
        return Err(HubError::bad_request(format!(
            "Pull request #{num} is already merged: it cannot receive new commits"
        )));
    }
    if !writer && pr.author.as_ref().map(|a| a.id) != Some(user_id) {
        return Err(HubError::forbidden(
            "Only the author of the pull request or the repository's owners can push to it",
        ));
    }
    Ok(())
}

/// An account by row id (comment versions record their editor by id).
pub fn account_by_id(conn: &Connection, id: i64) -> HubResult<Option<Account>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLS} FROM accounts a WHERE a.id = ?1"),
            [id],
            |r| account_at(r, 0),
        )
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pr_refs() {
        assert_eq!(pr_num_of_ref("refs/pr/12"), Some(12));
        for bad in [
            "refs/pr/",
            "refs/pr/x",
            "refs/heads/1",
            "refs/pr/1/2",
            "refs/pr/-1",
        ] {
            assert_eq!(pr_num_of_ref(bad), None, "{bad}");
        }
        assert_eq!(pr_ref(3), "refs/pr/3");
        for s in ["draft", "open", "closed", "merged"] {
            assert_eq!(Status::parse(s).map(Status::as_str), Some(s));
        }
        assert_eq!(Status::parse("published"), None);
    }
}
