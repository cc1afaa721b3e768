//! Refs and history: `GET refs`, `GET commits/{rev}`, `POST|DELETE branch/{b}`,
//! `POST tag/{rev}`, `DELETE tag/{t}`.

use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::repos::{self, valid_ref_name, RepoType};
use crate::util::iso8601;
use axum::http::StatusCode;
use serde_json::{json, Value};

const COMMITS_PAGE: usize = 100;

fn ref_item(full: &str, short: &str, commit: &str) -> Value {
    json!({"name": short, "ref": full, "targetCommit": commit})
}

pub async fn list_refs(ctx: &Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let refs = ctx
        .blocking(move |s| s.store.with(|c| repos::list_refs(c, repo.id)))
        .await?;
    let (mut branches, mut tags, mut converts, mut prs) = (vec![], vec![], vec![], vec![]);
    for (full, commit) in &refs {
        if let Some(b) = full.strip_prefix("refs/heads/") {
            branches.push(ref_item(full, b, commit));
        } else if let Some(t) = full.strip_prefix("refs/tags/") {
            tags.push(ref_item(full, t, commit));
        } else if let Some(c) = full.strip_prefix("refs/convert/") {
            converts.push(ref_item(full, c, commit));
        } else if full.starts_with("refs/pr/") {
            prs.push(ref_item(full, full, commit));
        }
    }
    let mut body = json!({"branches": branches, "converts": converts, "tags": tags});
    if ctx.query.flag("include_prs") {
        body["pullRequests"] = json!(prs);
    }
    Ok(json(StatusCode::OK, &body))
}

pub async fn list_commits(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let offset: usize = match ctx.query.get("cursor") {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| HubError::bad_request("Invalid cursor"))?,
    };
    let limit = match ctx.query.get("limit") {
        None => COMMITS_PAGE,
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| HubError::bad_request("Invalid limit"))?
            .clamp(1, COMMITS_PAGE),
    };
    let formatted = ctx.query.all("expand[]").contains(&"formatted")
        || ctx.query.all("expand").contains(&"formatted");
    let rev = rev.to_string();
    let endpoint = ctx.endpoint.clone();
    let (items, more) = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let mut next = Some(repos::resolve_revision(c, &repo, &rev)?);
                let mut items = Vec::new();
                let mut index = 0;
                while let Some(oid) = next {
                    let commit = repos::get_commit(c, repo.id, &oid)?;
                    next = commit.parents.first().cloned();
                    if index >= offset {
                        if items.len() == limit {
                            return Ok((items, true));
                        }
                        let mut item = json!({
                            "id": commit.oid,
                            "authors": [{"user": commit.author, "avatar": format!("{endpoint}/avatars/{}.svg", commit.author)}],
                            "date": iso8601(commit.created_at),
                            "title": commit.title,
                            "message": commit.message,
                        });
                        if formatted {
                            item["formatted"] = json!({"title": html_escape(&commit.title), "message": html_escape(&commit.message)});
                        }
                        items.push(item);
                    }
                    index += 1;
                }
                Ok((items, false))
            })
        })
        .await?;
    let count = items.len();
    let mut resp = json(StatusCode::OK, &Value::Array(items));
    if more {
        if let Some(link) = super::next_link(ctx, offset + count) {
            resp.headers_mut().insert("link", link);
        }
    }
    Ok(resp)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub async fn create_branch(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    branch: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let body = ctx.body_bytes().await?;
    let starting = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| HubError::bad_request(format!("Invalid JSON body: {e}")))?;
        match v.get("startingPoint") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(HubError::bad_request("\"startingPoint\" must be a string")),
        }
    };
    if !valid_ref_name(branch) {
        return Err(HubError::bad_request("Invalid reference for a branch"));
    }
    let full = format!("refs/heads/{branch}");
    ctx.blocking(move |s| {
        s.store.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if repos::get_ref(&tx, repo.id, &full)?.is_some() {
                return Err(HubError::new(
                    StatusCode::CONFLICT,
                    format!("Reference {full} already exists"),
                ));
            }
            let commit =
                repos::resolve_revision(&tx, &repo, starting.as_deref().unwrap_or("main"))?;
            repos::set_ref(&tx, repo.id, &full, &commit)?;
            tx.commit()?;
            Ok(())
        })
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({})))
}

pub async fn delete_branch(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    branch: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    if branch == "main" {
        return Err(HubError::forbidden("Cannot delete refs/heads/main"));
    }
    let full = format!("refs/heads/{branch}");
    let deleted = ctx
        .blocking(move |s| s.store.with(|c| repos::delete_ref(c, repo.id, &full)))
        .await?;
    if !deleted {
        return Err(HubError::revision_not_found(branch));
    }
    Ok(json(StatusCode::OK, &json!({})))
}

pub async fn create_tag(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let body = ctx.json_body().await?;
    let tag = body
        .get("tag")
        .and_then(Value::as_str)
        .ok_or_else(|| HubError::bad_request("\"tag\" is required"))?
        .to_string();
    if !valid_ref_name(&tag) {
        return Err(HubError::bad_request(format!("Invalid tag name: {tag}")));
    }
    let full = format!("refs/tags/{tag}");
    let rev = rev.to_string();
    ctx.blocking(move |s| {
        s.store.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let commit = repos::resolve_revision(&tx, &repo, &rev)?;
            if repos::get_ref(&tx, repo.id, &full)?.is_some() {
                return Err(HubError::new(
                    StatusCode::CONFLICT,
                    format!("Tag {tag} already exists"),
                ));
            }
            repos::set_ref(&tx, repo.id, &full, &commit)?;
            tx.commit()?;
            Ok(())
        })
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({})))
}

pub async fn delete_tag(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    tag: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let full = format!("refs/tags/{tag}");
    let deleted = ctx
        .blocking(move |s| s.store.with(|c| repos::delete_ref(c, repo.id, &full)))
        .await?;
    if !deleted {
        return Err(HubError::revision_not_found(tag));
    }
    Ok(json(StatusCode::OK, &json!({})))
}
