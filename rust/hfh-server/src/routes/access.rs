//! Who may do what beyond plain read/write: gated downloads, contributions from non-members
//! (discussions, pull requests), and the gated-access request routes:
//!
//! - `POST /api/{T}/{ns}/{name}/ask-access` (JSON or form fields): a user asks for access;
//!   `auto` gating accepts at once, `manual` leaves the request pending;
//! - `GET .../user-access-request/{pending|accepted|rejected}` (paginated, owners only);
//! - `POST .../user-access-request/handle` `{user, status, rejectionReason?}` and
//!   `POST .../user-access-request/grant` `{user}` (owners only);
//! - `GET .../auth-check[/write]`: does the caller have (read and download / write) access.

use super::community::avatar_url;
use super::{json, Ctx, Resp};
use crate::auth::{Caller, User};
use crate::config::Role;
use crate::errors::{HubError, HubResult};
use crate::store::access::{self, gating, Gating, RequestStatus};
use crate::store::accounts;
use crate::store::repos::{Repo, RepoType};
use crate::util::{iso8601, now_millis, parse_form};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

pub const READ_TOKEN: &str =
    "You have read access but not the required permissions for this operation.";
const REQUESTS_PAGE: usize = 100;

/// An authenticated caller holding a write token: what any contribution needs.
pub fn require_write_token(caller: &Caller) -> HubResult<&User> {
    let user = caller.user().ok_or_else(|| {
        HubError::unauthorized("You must be authenticated to perform this action.")
    })?;
    if user.role != Role::Write {
        return Err(HubError::forbidden(READ_TOKEN));
    }
    Ok(user)
}

/// True if the caller may write to the repository (member with a write role and token).
pub fn is_writer(caller: &Caller, repo: &Repo) -> bool {
    caller.check_write(&repo.namespace, Some(repo)).is_ok()
}

fn gated_error(
    endpoint: &str,
    repo: &Repo,
    status: Option<RequestStatus>,
    anonymous: bool,
) -> HubError {
    let what = format!("{} {}", repo.kind.singular(), repo.full_id());
    if anonymous {
        return HubError::unauthorized(format!(
            "Access to {what} is restricted. You must have access to it and be authenticated to access it. Please log in."
        ))
        .with_code("GatedRepo");
    }
    let message = match status {
        Some(RequestStatus::Pending) => {
            format!("Your request to access {what} is awaiting a review from the repo authors.")
        }
        Some(RequestStatus::Rejected) => {
            format!("Your request to access {what} has been rejected by the repo's authors.")
        }
        _ => format!(
            "Access to {what} is restricted and you are not in the authorized list. Visit {} to ask for access.",
            repo.url(endpoint)
        ),
    };
    HubError::forbidden(message).with_code("GatedRepo")
}

/// Refuses file content of a gated repository to callers without an accepted request
/// (members of the repository's namespace always pass).
pub async fn require_download(ctx: &Ctx, repo: &Repo) -> HubResult<()> {
    if gating(repo).is_none() || ctx.caller.is_member_of(&repo.namespace) {
        return Ok(());
    }
    let Some(user) = ctx.caller.user() else {
        return Err(gated_error(&ctx.endpoint, repo, None, true));
    };
    let (repo_id, user_id) = (repo.id, user.account.id);
    let request = ctx
        .blocking(move |s| s.store.with(|c| access::request_of(c, repo_id, user_id)))
        .await?;
    match request.map(|r| r.status) {
        Some(RequestStatus::Accepted) => Ok(()),
        status => Err(gated_error(&ctx.endpoint, repo, status, false)),
    }
}

/// A caller that may contribute to a repository it does not own (open discussions and pull
/// requests, push to its own pull requests): write token, and access if the repo is gated.
pub async fn require_contributor<'a>(ctx: &'a Ctx, repo: &Repo) -> HubResult<&'a User> {
    let user = require_write_token(&ctx.caller)?;
    require_download(ctx, repo).await?;
    Ok(user)
}

/// Who may commit to `rev`: repository writers anywhere; other contributors only when opening
/// a pull request or pushing to a `refs/pr/N` (the pull request's author is checked when the
/// commit is applied).
pub async fn require_commit_access<'a>(
    ctx: &'a Ctx,
    repo: &Repo,
    rev: Option<&str>,
    create_pr: bool,
) -> HubResult<&'a User> {
    if is_writer(&ctx.caller, repo) {
        return ctx.caller.check_write(&repo.namespace, Some(repo));
    }
    let to_pr = rev.is_some_and(|r| r.starts_with("refs/pr/"));
    if create_pr || to_pr {
        return require_contributor(ctx, repo).await;
    }
    ctx.caller.check_write(&repo.namespace, Some(repo))
}

/// Owners' routes: the repository must be gated and the caller a writer.
async fn owned_gated_repo(ctx: &Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Repo> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    if gating(&repo).is_none() {
        return Err(HubError::bad_request("This repository is not gated"));
    }
    Ok(repo)
}

fn request_json(endpoint: &str, r: &access::AccessRequest) -> Value {
    let mut v = json!({
        "user": {
            "_id": r.user.hub_id,
            "user": r.user.name,
            "fullname": r.user.fullname,
            "avatarUrl": avatar_url(endpoint, &r.user.name),
            "type": "user",
            "isPro": false,
            "email": format!("{}@users.noreply.huggingface.co", r.user.name),
        },
        "status": r.status.as_str(),
        "timestamp": iso8601(r.updated_at),
    });
    if let Some(f) = &r.fields {
        v["fields"] = f.clone();
    }
    if let Some(reason) = &r.rejection_reason {
        v["rejectionReason"] = json!(reason);
    }
    v
}

/// Form answers from a JSON object or an `application/x-www-form-urlencoded` body.
async fn form_fields(ctx: &mut Ctx) -> HubResult<Option<Value>> {
    let bytes = ctx.body_bytes().await?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| HubError::bad_request("The request body is not UTF-8"))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let fields: Map<String, Value> = if text.trim_start().starts_with('{') {
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => m,
            _ => return Err(HubError::bad_request("Invalid JSON body")),
        }
    } else {
        parse_form(&text)?
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    };
    Ok((!fields.is_empty()).then_some(Value::Object(fields)))
}

/// `POST /api/{T}/{ns}/{name}/ask-access`
pub async fn ask_access(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let user_id = ctx
        .caller
        .user()
        .ok_or_else(|| HubError::unauthorized("You must be authenticated to ask for access."))?
        .account
        .id;
    let Some(mode) = gating(&repo) else {
        return Err(HubError::bad_request("This repository is not gated"));
    };
    if ctx.caller.is_member_of(&repo.namespace) {
        return Err(HubError::bad_request(
            "You already have access to this repository as a member of its namespace",
        ));
    }
    let fields = form_fields(ctx).await?;
    let status = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let status = match access::request_of(&tx, repo.id, user_id)?.map(|r| r.status) {
                    // An answered or waiting request stays as it is.
                    Some(existing @ (RequestStatus::Accepted | RequestStatus::Pending)) => existing,
                    Some(RequestStatus::Rejected) => RequestStatus::Rejected,
                    None => {
                        let status = match mode {
                            Gating::Auto => RequestStatus::Accepted,
                            Gating::Manual => RequestStatus::Pending,
                        };
                        access::upsert_request(
                            &tx,
                            repo.id,
                            user_id,
                            status,
                            fields.as_ref(),
                            None,
                            now_millis(),
                        )?;
                        status
                    }
                };
                tx.commit()?;
                Ok(status)
            })
        })
        .await?;
    if status == RequestStatus::Rejected {
        return Err(HubError::forbidden(
            "Your request to access this repository has been rejected by the repo's authors.",
        ));
    }
    Ok(json(StatusCode::OK, &json!({"status": status.as_str()})))
}

/// `GET /api/{T}/{ns}/{name}/user-access-request/{status}`
pub async fn list_requests(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    status: &str,
) -> HubResult<Resp> {
    let status = RequestStatus::parse(status).ok_or_else(|| {
        HubError::bad_request(format!(
            "Invalid status {status:?}: expected pending, accepted or rejected"
        ))
    })?;
    let repo = owned_gated_repo(ctx, kind, ns, name).await?;
    let offset = super::community::cursor(ctx)?;
    let rows = ctx
        .blocking(move |s| {
            s.store
                .with(|c| access::list_requests(c, repo.id, status, offset, REQUESTS_PAGE + 1))
        })
        .await?;
    let more = rows.len() > REQUESTS_PAGE;
    let items: Vec<Value> = rows
        .iter()
        .take(REQUESTS_PAGE)
        .map(|r| request_json(&ctx.endpoint, r))
        .collect();
    Ok(super::community::page(
        ctx,
        items,
        offset + REQUESTS_PAGE,
        more,
    ))
}

fn user_field(body: &Map<String, Value>) -> HubResult<String> {
    body.get("user")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .ok_or_else(|| HubError::bad_request("\"user\" is required"))
}

/// `POST .../user-access-request/handle` `{user, status, rejectionReason?}`
pub async fn handle_request(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
) -> HubResult<Resp> {
    let repo = owned_gated_repo(ctx, kind, ns, name).await?;
    let body = ctx.json_body().await?;
    let user = user_field(&body)?;
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .and_then(RequestStatus::parse)
        .ok_or_else(|| {
            HubError::bad_request("\"status\" must be one of accepted, rejected or pending")
        })?;
    let reason = match body.get("rejectionReason") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if status == RequestStatus::Rejected => Some(r.clone()),
        Some(Value::String(_)) => {
            return Err(HubError::bad_request(
                "rejectionReason can only be given when rejecting a request",
            ))
        }
        Some(_) => {
            return Err(HubError::bad_request(
                "\"rejectionReason\" must be a string",
            ))
        }
    };
    ctx.blocking(move |s| {
        s.store.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let account = accounts::account_by_name(&tx, &user)?
                .filter(|a| a.kind == "user")
                .ok_or_else(|| HubError::not_found(format!("User {user} not found")))?;
            let existing = access::request_of(&tx, repo.id, account.id)?.ok_or_else(|| {
                HubError::not_found(format!("No access request found for user {user}"))
            })?;
            if existing.status == status {
                return Err(HubError::not_found(format!(
                    "The access request of {user} is already in the {} list",
                    status.as_str()
                )));
            }
            access::upsert_request(
                &tx,
                repo.id,
                account.id,
                status,
                None,
                reason.as_deref(),
                now_millis(),
            )?;
            tx.commit()?;
            Ok(())
        })
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({"status": status.as_str()})))
}

/// `POST .../user-access-request/grant` `{user}`: accepts a user without a request of theirs.
pub async fn grant(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = owned_gated_repo(ctx, kind, ns, name).await?;
    let body = ctx.json_body().await?;
    let user = user_field(&body)?;
    let namespace = repo.namespace.clone();
    let granted = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let account = accounts::account_by_name(&tx, &user)?
                    .filter(|a| a.kind == "user")
                    .ok_or_else(|| HubError::not_found(format!("User {user} not found")))?;
                let member = account.name.eq_ignore_ascii_case(&namespace)
                    || accounts::orgs_of(&tx, account.id)?
                        .iter()
                        .any(|(o, _)| o.name.eq_ignore_ascii_case(&namespace));
                let accepted = access::request_of(&tx, repo.id, account.id)?
                    .is_some_and(|r| r.status == RequestStatus::Accepted);
                if member || accepted {
                    return Err(HubError::bad_request(format!(
                        "User {user} already has access to this repository"
                    )));
                }
                access::upsert_request(
                    &tx,
                    repo.id,
                    account.id,
                    RequestStatus::Accepted,
                    None,
                    None,
                    now_millis(),
                )?;
                tx.commit()?;
                Ok(account.name)
            })
        })
        .await?;
    Ok(json(
        StatusCode::OK,
        &json!({"user": granted, "status": RequestStatus::Accepted.as_str()}),
    ))
}

/// `GET /api/{T}/{ns}/{name}/auth-check[/write]`
pub async fn auth_check(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    write: bool,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    if write {
        ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    } else {
        require_download(ctx, &repo).await?;
    }
    Ok(json(StatusCode::OK, &json!({})))
}
