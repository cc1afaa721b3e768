//! `GET /api/{T}/{ns}/{name}/tree/{rev}[/{path}]`: tree listing with `recursive`, `expand`
//! and `Link` pagination (`cursor` = offset of the next page).

use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::repos::{self, CommitRow, Repo, RepoType};
use crate::store::trees::{self, Entry};
use crate::util::iso8601;
use axum::http::StatusCode;
use rusqlite::Connection;
use serde_json::{json, Value};

const PAGE: usize = 1000;
const PAGE_EXPANDED: usize = 50;
/// How far back `expand=true` looks for the last commit touching an entry.
const HISTORY_LIMIT: usize = 1000;

/// The JSON of one tree entry (shared with paths-info later).
pub fn entry_json(e: &Entry) -> Value {
    match &e.file {
        Some(f) => {
            let mut o = json!({"type": "file", "oid": e.oid, "size": f.size, "path": e.path});
            if f.lfs {
                o["lfs"] =
                    json!({"oid": f.sha256, "size": f.size, "pointerSize": f.pointer_size()});
            }
            o
        }
        None => json!({"type": "directory", "oid": e.oid, "size": 0, "path": e.path}),
    }
}

/// [`entry_json`] plus `xetHash` for a file uploaded through Xet.
pub fn entry_json_in(conn: &Connection, e: &Entry) -> HubResult<Value> {
    let mut item = entry_json(e);
    if let Some(f) = e.file.as_ref().filter(|f| f.lfs) {
        if let Some(hash) = crate::store::xet::hash_of_sha256(conn, &f.sha256)? {
            item["xetHash"] = Value::String(hash);
        }
    }
    Ok(item)
}

/// The most recent commit (from `head`, following first parents) that changed `path`.
pub fn last_commit(
    conn: &Connection,
    repo: &Repo,
    head: &CommitRow,
    path: &str,
) -> HubResult<CommitRow> {
    let mut current = head.clone();
    let mut current_oid = trees::lookup(conn, &current.tree_oid, path)?.map(|e| e.oid);
    for _ in 0..HISTORY_LIMIT {
        let Some(parent_id) = current.parents.first().cloned() else {
            break;
        };
        let parent = repos::get_commit(conn, repo.id, &parent_id)?;
        let parent_oid = trees::lookup(conn, &parent.tree_oid, path)?.map(|e| e.oid);
        if parent_oid != current_oid {
            break;
        }
        current = parent;
        current_oid = parent_oid;
    }
    Ok(current)
}

pub async fn list(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
    path: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let recursive = ctx.query.flag("recursive");
    let expand = ctx.query.flag("expand");
    let page = if expand { PAGE_EXPANDED } else { PAGE };
    let offset: usize = match ctx.query.get("cursor") {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| HubError::bad_request("Invalid cursor"))?,
    };
    let limit = match ctx.query.get("limit") {
        None => page,
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| HubError::bad_request("Invalid limit"))?
            .clamp(1, page),
    };
    let (rev, path) = (rev.to_string(), path.to_string());
    let (items, total) = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let oid = repos::resolve_revision(c, &repo, &rev)?;
                let head = repos::get_commit(c, repo.id, &oid)?;
                let dir = match trees::lookup(c, &head.tree_oid, &path)? {
                    Some(e) if e.is_dir => e,
                    _ => {
                        return Err(HubError::entry_not_found(format!(
                            "Entry not found: {path} does not exist on \"{rev}\""
                        ))
                        .with_commit(oid))
                    }
                };
                let mut entries = Vec::new();
                if recursive {
                    trees::walk(c, &dir.oid, &dir.path, &mut entries)?;
                } else {
                    entries = trees::children(c, &dir.oid, &dir.path)?;
                }
                let total = entries.len();
                let mut items = Vec::new();
                for e in entries.iter().skip(offset).take(limit) {
                    let mut item = entry_json_in(c, e)?;
                    if expand {
                        let lc = last_commit(c, &repo, &head, &e.path)?;
                        item["lastCommit"] = json!({"id": lc.oid, "title": lc.title, "date": iso8601(lc.created_at)});
                    }
                    items.push(item);
                }
                Ok((items, total))
            })
        })
        .await?;
    let mut resp = json(StatusCode::OK, &Value::Array(items));
    let next = offset + limit;
    if next < total {
        if let Some(link) = super::next_link(ctx, next) {
            resp.headers_mut().insert("link", link);
        }
    }
    Ok(resp)
}
