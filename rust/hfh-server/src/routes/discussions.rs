//! Discussions and pull requests under `/api/{T}/{ns}/{name}/discussions`:
//!
//! - `GET` (list: `p` page of 50, `type`, `status`, `author`, `search`; newest first;
//!   `{discussions, count, start, numClosedDiscussions}`), `POST` `{title, description,
//!   pullRequest}` (pull requests start as `draft` with `refs/pr/N` at the head of `main`);
//! - `GET /{num}` (`diff=1` adds the pull request's diff), `POST /{num}/comment`,
//!   `/{num}/comment/{id}/edit`, `/{num}/comment/{id}/hide`, `/{num}/title`, `/{num}/status`,
//!   `/{num}/merge` (squash merge into the target branch).
//!
//! Reading follows the repository's visibility. Writing needs a write token (and access to a
//! gated repository); changing a discussion needs to be its author or a repository writer;
//! merging needs to be a writer.

use super::access::{is_writer, require_contributor};
use super::discussion_json::{discussion_url, summary_json, Renderer};
use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::discussions::{self, Discussion, EventKind, ListFilter, NewDiscussion, Status};
use crate::store::merge::{self, MergeError};
use crate::store::repos::{self, Repo, RepoType};
use crate::util::now_millis;
use axum::http::StatusCode;
use rusqlite::{Connection, TransactionBehavior};
use serde_json::{json, Map, Value};

const PAGE_SIZE: i64 = 50;
const MAX_TITLE: usize = 200;

fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> HubResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(HubError::bad_request(format!("\"{key}\" must be a string"))),
    }
}

fn valid_title(raw: Option<&str>) -> HubResult<String> {
    let title = raw.unwrap_or_default().trim();
    if title.is_empty() {
        return Err(HubError::bad_request("The title must not be empty"));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(HubError::bad_request(format!(
            "The title must be at most {MAX_TITLE} characters long"
        )));
    }
    Ok(title.to_string())
}

/// Parses `{num}` (a positive integer).
pub fn parse_num(raw: &str) -> HubResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| HubError::bad_request(format!("Invalid discussion number: {raw}")))
}

/// Runs `f` in an IMMEDIATE transaction on a blocking thread.
async fn in_tx<T, F>(ctx: &Ctx, f: F) -> HubResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Connection, &crate::server::AppState) -> HubResult<T> + Send + 'static,
{
    ctx.blocking(move |s| {
        s.store.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx, s)?;
            tx.commit()?;
            Ok(out)
        })
    })
    .await
}

/// `GET /api/{T}/{ns}/{name}/discussions`
pub async fn list(ctx: &Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let page: i64 = match ctx.query.get("p") {
        None | Some("") => 0,
        Some(p) => p
            .parse()
            .ok()
            .filter(|p| *p >= 0)
            .ok_or_else(|| HubError::bad_request("Invalid page number"))?,
    };
    let pull_requests = match ctx.query.get("type") {
        None | Some("all") => None,
        Some("discussion") => Some(false),
        Some("pull_request") => Some(true),
        Some(t) => return Err(HubError::bad_request(format!("Invalid type: {t}"))),
    };
    let open = match ctx.query.get("status") {
        None | Some("all") => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(s) => return Err(HubError::bad_request(format!("Invalid status: {s}"))),
    };
    let filter = ListFilter {
        pull_requests,
        open,
        author: ctx
            .query
            .get("author")
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        search: ctx
            .query
            .get("search")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    };
    let endpoint = ctx.endpoint.clone();
    let body = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let start = page * PAGE_SIZE;
                let result = discussions::list(c, repo.id, &filter, start, PAGE_SIZE)?;
                let mut items = Vec::with_capacity(result.items.len());
                for d in &result.items {
                    let mut item = summary_json(&endpoint, &repo, d);
                    item["numComments"] = json!(discussions::comment_count(c, d.id)?);
                    item["topReactions"] = json!([]);
                    item["numReactionUsers"] = json!(0);
                    items.push(item);
                }
                Ok(json!({
                    "discussions": items,
                    "count": result.total,
                    "start": start,
                    "numClosedDiscussions": result.closed,
                }))
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &body))
}

/// `POST /api/{T}/{ns}/{name}/discussions`
pub async fn create(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let author = require_contributor(ctx, &repo).await?.account.clone();
    let body = ctx.json_body().await?;
    let title = valid_title(str_field(&body, "title")?)?;
    let description = str_field(&body, "description")?
        .unwrap_or_default()
        .to_string();
    let pull_request = match body.get("pullRequest") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(HubError::bad_request("\"pullRequest\" must be a boolean")),
    };
    let r = repo.clone();
    let d = in_tx(ctx, move |tx, _| {
        let target = "refs/heads/main".to_string();
        let pr = if pull_request {
            let head = repos::get_ref(tx, r.id, &target)?
                .ok_or_else(|| HubError::revision_not_found("main"))?;
            Some((target, head))
        } else {
            None
        };
        discussions::create(
            tx,
            &r,
            &NewDiscussion {
                author: &author,
                title: &title,
                description: &description,
                // Pull requests opened through the API start as drafts, as on the Hub.
                status: if pull_request {
                    Status::Draft
                } else {
                    Status::Open
                },
                pull_request: pr,
                now: now_millis(),
            },
        )
    })
    .await?;
    Ok(json(
        StatusCode::OK,
        &json!({
            "num": d.num,
            "pullRequest": d.is_pull_request,
            "url": discussion_url(&ctx.endpoint, &repo, d.num),
        }),
    ))
}

/// `GET /api/{T}/{ns}/{name}/discussions/{num}`
pub async fn details(ctx: &Ctx, kind: RepoType, ns: &str, name: &str, num: i64) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let with_diff = ctx.query.flag("diff");
    let endpoint = ctx.endpoint.clone();
    let body = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let d = discussions::require(c, repo.id, num)?;
                let mut out = summary_json(&endpoint, &repo, &d);
                let mut renderer = Renderer::new(&endpoint);
                let events = discussions::events(c, d.id)?
                    .iter()
                    .map(|e| renderer.event(c, e))
                    .collect::<HubResult<Vec<_>>>()?;
                out["events"] = json!(events);
                if d.is_pull_request {
                    pull_request_fields(c, s, &repo, &d, with_diff, &mut out)?;
                }
                Ok(out)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &body))
}

/// `changes`, `filesWithConflicts` and (on request) `diff` of a pull request.
fn pull_request_fields(
    c: &Connection,
    s: &crate::server::AppState,
    repo: &Repo,
    d: &Discussion,
    with_diff: bool,
    out: &mut Value,
) -> HubResult<()> {
    let target_ref = d
        .target_ref
        .clone()
        .unwrap_or_else(|| "refs/heads/main".into());
    let mut changes = json!({"base": target_ref});
    if let Some(m) = &d.merge_commit {
        changes["mergeCommitId"] = json!(m);
    }
    out["changes"] = changes;
    let head = repos::get_ref(c, repo.id, &discussions::pr_ref(d.num))?;
    let target = repos::get_ref(c, repo.id, &target_ref)?;
    let (base_files, target_files, head_files) = match &head {
        Some(h) => {
            let base = match &target {
                Some(t) => merge::merge_base(c, repo.id, h, t)?,
                None => None,
            };
            let files = |commit: &Option<String>| match commit {
                Some(x) => merge::files_of(c, repo.id, x),
                None => Ok(merge::Files::new()),
            };
            (files(&base)?, files(&target)?, files(&head)?)
        }
        None => Default::default(),
    };
    let conflicts = if matches!(d.status, Status::Open | Status::Draft) {
        merge::three_way(&base_files, &target_files, &head_files).conflicts
    } else {
        Vec::new()
    };
    out["filesWithConflicts"] = json!(conflicts);
    if with_diff {
        out["diff"] = json!(merge::unified_diff(
            c,
            &s.store.blobs,
            &base_files,
            &head_files
        )?);
    }
    Ok(())
}

/// The discussion and the caller for a change: the caller must be a contributor and, unless
/// `anyone` is set, the discussion's author or a repository writer.
async fn for_change(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    num: i64,
    anyone: bool,
) -> HubResult<(Repo, Discussion, crate::store::accounts::Account, bool)> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let user = require_contributor(ctx, &repo).await?.account.clone();
    let writer = is_writer(&ctx.caller, &repo);
    let repo_id = repo.id;
    let d = ctx
        .blocking(move |s| s.store.with(|c| discussions::require(c, repo_id, num)))
        .await?;
    let is_author = d.author.as_ref().is_some_and(|a| a.id == user.id);
    if !anyone && !writer && !is_author {
        return Err(HubError::forbidden(
            "Only the author of the discussion or the repository's owners can do this",
        ));
    }
    Ok((repo, d, user, writer))
}

/// `{"<key>": event}`, the shape of every change's answer.
fn event_answer(key: &str, event: Value) -> Resp {
    json(StatusCode::OK, &json!({ key: event }))
}

/// `POST .../discussions/{num}/comment` `{comment}`
pub async fn comment(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    num: i64,
) -> HubResult<Resp> {
    let (_, d, user, _) = for_change(ctx, kind, ns, name, num, true).await?;
    let body = ctx.json_body().await?;
    let text = str_field(&body, "comment")?.unwrap_or_default().to_string();
    if text.trim().is_empty() {
        return Err(HubError::bad_request("The comment must not be empty"));
    }
    let endpoint = ctx.endpoint.clone();
    let event = in_tx(ctx, move |tx, _| {
        let now = now_millis();
        let data = discussions::comment_data(&text, user.id, now);
        let e = discussions::add_event(tx, d.id, EventKind::Comment, user.id, now, &data)?;
        Renderer::new(&endpoint).event(tx, &e)
    })
    .await?;
    Ok(event_answer("newMessage", event))
}

/// `POST .../discussions/{num}/comment/{id}/edit` `{content}` (the comment's author only)
/// and `.../hide` (the comment's author or a writer; the first comment cannot be hidden).
pub async fn change_comment(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    num: i64,
    comment_id: &str,
    hide: bool,
) -> HubResult<Resp> {
    let (_, d, user, writer) = for_change(ctx, kind, ns, name, num, true).await?;
    let content = if hide {
        None
    } else {
        let body = ctx.json_body().await?;
        let c = str_field(&body, "content")?.unwrap_or_default().to_string();
        if c.trim().is_empty() {
            return Err(HubError::bad_request("The comment must not be empty"));
        }
        Some(c)
    };
    let comment_id = comment_id.to_ascii_lowercase();
    let endpoint = ctx.endpoint.clone();
    let event = in_tx(ctx, move |tx, _| {
        let e = discussions::event(tx, d.id, &comment_id)?
            .filter(|e| e.kind == EventKind::Comment)
            .ok_or_else(|| HubError::not_found("Comment not found"))?;
        let own = e.author.as_ref().is_some_and(|a| a.id == user.id);
        let mut data = e.data.clone();
        let hidden = data["hidden"].as_bool().unwrap_or(false);
        match content {
            Some(text) => {
                if !own {
                    return Err(HubError::forbidden("You can only edit your own comments"));
                }
                if hidden {
                    return Err(HubError::forbidden("A hidden comment cannot be edited"));
                }
                let version = json!({"raw": text, "by": user.id, "at": now_millis()});
                match data["versions"].as_array_mut() {
                    Some(v) => v.push(version),
                    None => data["versions"] = json!([version]),
                }
            }
            None => {
                if !own && !writer {
                    return Err(HubError::forbidden(
                        "Only the comment's author or the repository's owners can hide it",
                    ));
                }
                if discussions::first_event_id(tx, d.id)? == Some(e.id) {
                    return Err(HubError::forbidden(
                        "The first comment of a discussion cannot be hidden",
                    ));
                }
                data["hidden"] = json!(true);
                // Hiding is irreversible: every version's text is dropped (edit counts stay).
                if let Some(versions) = data["versions"].as_array_mut() {
                    for v in versions {
                        v["raw"] = json!("");
                    }
                }
            }
        }
        discussions::set_event_data(tx, e.id, &data)?;
        let updated = discussions::event(tx, d.id, &e.hub_id)?
            .ok_or_else(|| HubError::internal("comment vanished"))?;
        Renderer::new(&endpoint).event(tx, &updated)
    })
    .await?;
    Ok(event_answer("updatedComment", event))
}

/// `POST .../discussions/{num}/title` `{title}`
pub async fn rename(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    num: i64,
) -> HubResult<Resp> {
    let (_, d, user, _) = for_change(ctx, kind, ns, name, num, false).await?;
    let body = ctx.json_body().await?;
    let title = valid_title(str_field(&body, "title")?)?;
    let endpoint = ctx.endpoint.clone();
    let event = in_tx(ctx, move |tx, _| {
        let current = discussions::require(tx, d.repo_id, d.num)?;
        discussions::set_title(tx, d.id, &title)?;
        let data = json!({"from": current.title, "to": title});
        let e = discussions::add_event(
            tx,
            d.id,
            EventKind::TitleChange,
            user.id,
            now_millis(),
            &data,
        )?;
        Renderer::new(&endpoint).event(tx, &e)
    })
    .await?;
    Ok(event_answer("newTitle", event))
}

fn optional_comment(body: &Map<String, Value>) -> HubResult<Option<String>> {
    Ok(str_field(body, "comment")?
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string))
}

/// `POST .../discussions/{num}/status` `{status: open|closed, comment?}`
pub async fn change_status(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    num: i64,
) -> HubResult<Resp> {
    let (_, d, user, _) = for_change(ctx, kind, ns, name, num, false).await?;
    let body = ctx.json_body().await?;
    let status = match str_field(&body, "status")? {
        Some("open") => Status::Open,
        Some("closed") => Status::Closed,
        _ => {
            return Err(HubError::bad_request(
                "\"status\" must be \"open\" or \"closed\"",
            ))
        }
    };
    let comment = optional_comment(&body)?;
    let endpoint = ctx.endpoint.clone();
    let event = in_tx(ctx, move |tx, _| {
        let current = discussions::require(tx, d.repo_id, d.num)?;
        if current.status == Status::Merged {
            return Err(HubError::bad_request(
                "This pull request is merged: its status cannot change anymore",
            ));
        }
        if current.status == status {
            return Err(HubError::bad_request(format!(
                "The discussion is already {}",
                status.as_str()
            )));
        }
        let now = now_millis();
        if let Some(text) = comment {
            let data = discussions::comment_data(&text, user.id, now);
            discussions::add_event(tx, d.id, EventKind::Comment, user.id, now, &data)?;
        }
        discussions::set_status(tx, d.id, status, None)?;
        let data = json!({"status": status.as_str()});
        let e = discussions::add_event(tx, d.id, EventKind::StatusChange, user.id, now, &data)?;
        Renderer::new(&endpoint).event(tx, &e)
    })
    .await?;
    Ok(event_answer("newStatus", event))
}

/// `POST .../discussions/{num}/merge` `{comment?}` (body optional): squash-merges an open pull
/// request into its target branch; 409 when files conflict.
pub async fn merge_pr(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    num: i64,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let user = ctx
        .caller
        .check_write(&repo.namespace, Some(&repo))?
        .account
        .clone();
    let bytes = ctx.body_bytes().await?;
    let comment = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => optional_comment(&m)?,
            _ => return Err(HubError::bad_request("Invalid JSON body")),
        }
    };
    let endpoint = ctx.endpoint.clone();
    let event = in_tx(ctx, move |tx, _| {
        let d = discussions::require(tx, repo.id, num)?;
        if !d.is_pull_request {
            return Err(HubError::bad_request("Only pull requests can be merged"));
        }
        match d.status {
            Status::Open => {}
            Status::Draft => {
                return Err(HubError::bad_request(
                    "This pull request is a draft: set its status to open before merging it",
                ))
            }
            Status::Closed => return Err(HubError::bad_request("This pull request is closed")),
            Status::Merged => {
                return Err(HubError::bad_request("This pull request is already merged"))
            }
        }
        let target_ref = d
            .target_ref
            .clone()
            .unwrap_or_else(|| "refs/heads/main".into());
        let head = repos::get_ref(tx, repo.id, &discussions::pr_ref(num))?
            .ok_or_else(|| HubError::internal("pull request ref is missing"))?;
        let now = now_millis();
        let commit = merge::SquashCommit {
            summary: format!("{} (#{num})", d.title),
            description: String::new(),
            author: d
                .author
                .as_ref()
                .map_or(user.name.clone(), |a| a.name.clone()),
            now,
        };
        let merged = match merge::squash_merge(tx, &repo, &target_ref, &head, &commit) {
            Ok(m) => m,
            Err(MergeError::Conflicts(files)) => {
                return Err(HubError::new(
                    StatusCode::CONFLICT,
                    format!("This pull request has conflicts: {}", files.join(", ")),
                )
                .with_extra("filesWithConflicts", json!(files)))
            }
            Err(MergeError::Other(e)) => return Err(e),
        };
        let merge_commit = match merged {
            Some(oid) => oid,
            None => repos::get_ref(tx, repo.id, &target_ref)?.unwrap_or(head),
        };
        if let Some(text) = comment {
            let data = discussions::comment_data(&text, user.id, now);
            discussions::add_event(tx, d.id, EventKind::Comment, user.id, now, &data)?;
        }
        discussions::set_status(tx, d.id, Status::Merged, Some(&merge_commit))?;
        let data = json!({"status": Status::Merged.as_str()});
        let e = discussions::add_event(tx, d.id, EventKind::StatusChange, user.id, now, &data)?;
        Renderer::new(&endpoint).event(tx, &e)
    })
    .await?;
    Ok(event_answer("newStatus", event))
}
