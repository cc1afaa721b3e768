//! `POST /api/{T}/{ns}/{name}/super-squash/{branch}` (one parentless commit with the branch's
//! tree) and `POST /api/{T}/{ns}/{name}/duplicate` (a new repository with the same branches,
//! tags and history).

use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::repos::{self, NewRepo, RepoType};
use crate::store::{accounts, history};
use crate::util::{now_millis, random_hex, valid_name};
use axum::http::StatusCode;
use serde_json::{json, Value};

pub async fn super_squash(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    branch: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let author = ctx
        .caller
        .check_write(&repo.namespace, Some(&repo))?
        .account
        .name
        .clone();
    let body = ctx.body_bytes().await?;
    let message = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => match m.get("message") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(HubError::bad_request("\"message\" must be a string")),
            },
            Ok(_) => return Err(HubError::bad_request("Expected a JSON object body")),
            Err(e) => return Err(HubError::bad_request(format!("Invalid JSON body: {e}"))),
        }
    };
    let message = message
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| format!("Super-squash branch '{branch}'"));
    // The first line is the title; what follows the blank line, the description.
    let (summary, description) = match message.split_once('\n') {
        Some((s, d)) => (
            s.trim_end().to_string(),
            d.trim_start_matches(['\r', '\n']).to_string(),
        ),
        None => (message.clone(), String::new()),
    };
    let branch = branch.to_string();
    let commit_id = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let ref_name = repos::branch_ref(c, &repo, &branch)?;
                history::squash(
                    c,
                    &repo,
                    &ref_name,
                    &author,
                    &summary,
                    &description,
                    now_millis(),
                )
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &json!({"commitId": commit_id})))
}

pub async fn duplicate(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let source = ctx.readable_repo(kind, ns, name).await?;
    let body = ctx.json_body().await?;
    let target = match body.get("repository") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(HubError::bad_request(
                "\"repository\" (namespace/name) is required",
            ))
        }
    };
    let (to_ns, to_name) = match target.split_once('/') {
        Some((n, r)) if !r.contains('/') && valid_name(n) && valid_name(r) => {
            (n.to_string(), r.to_string())
        }
        _ => {
            return Err(HubError::bad_request(format!(
                "Invalid repository: {target}. It must be of the form namespace/name"
            )))
        }
    };
    let private = match (body.get("visibility"), body.get("private")) {
        (Some(Value::String(v)), _) if v == "public" || v == "private" => v == "private",
        (Some(Value::String(v)), _) if v == "protected" => {
            return Err(HubError::bad_request(
                "Protected visibility is not supported by this server",
            ))
        }
        (None | Some(Value::Null), None | Some(Value::Null)) => source.private,
        (None | Some(Value::Null), Some(Value::Bool(b))) => *b,
        _ => return Err(HubError::bad_request("Invalid visibility")),
    };
    ctx.caller.check_write(&to_ns, None)?;
    let space_settings = match kind {
        RepoType::Space => Some(super::spaces::Initial::parse(&body)?),
        _ => None,
    };
    let endpoint = ctx.endpoint.clone();
    let result = ctx
        .blocking(move |s| {
            let owner = s
                .store
                .with(|c| accounts::account_by_name(c, &to_ns))?
                .ok_or_else(|| HubError::not_found(format!("Namespace {to_ns} not found")))?;
            let new = NewRepo {
                kind,
                namespace: &owner.name,
                name: &to_name,
                private,
                sdk: source.sdk.as_deref(),
                hub_id: &random_hex(12),
                now: now_millis(),
            };
            s.store
                .with(|c| match history::duplicate(c, &source, &new)? {
                    Some(copy) => {
                        // The copy is committed; its Space settings follow in a second
                        // transaction (they were checked before anything was written).
                        if let Some(settings) = &space_settings {
                            settings.apply(c, copy.id)?;
                        }
                        Ok(Ok(copy.url(&endpoint)))
                    }
                    None => Ok(Err(repos::find_repo(c, kind, &owner.name, &to_name)?
                        .map(|r| r.url(&endpoint))
                        .unwrap_or_default())),
                })
        })
        .await?;
    match result {
        Ok(url) => Ok(json(StatusCode::OK, &json!({"url": url}))),
        Err(url) => Err(HubError::new(
            StatusCode::CONFLICT,
            format!("You already created this {} repo", kind.singular()),
        )
        .with_extra("url", url)),
    }
}
