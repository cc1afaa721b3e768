//! `POST /api/repos/move` (rename or transfer) and the redirects that keep old names working:
//! any repository route under an old name answers `307` with a *relative* `Location` to the
//! same route under the current name (clients follow relative redirects on the same host).

use super::{encode_component, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::redirects;
use crate::store::repos::{self, RepoType};
use crate::util::{now_millis, valid_name};
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use serde_json::Value;

/// Splits `ns/name`, the form both ids of a move must have.
fn split_id(id: &str, field: &str) -> HubResult<(String, String)> {
    match id.split_once('/') {
        Some((ns, name)) if !name.contains('/') && valid_name(ns) && valid_name(name) => {
            Ok((ns.to_string(), name.to_string()))
        }
        _ => Err(HubError::bad_request(format!(
            "Invalid {field}: {id}. It must be a repository id of the form namespace/name"
        ))),
    }
}

pub async fn move_repo(ctx: &mut Ctx) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let field = |key: &str| -> HubResult<String> {
        match body.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) => {
                Err(HubError::bad_request(format!("\"{key}\" is required")))
            }
            Some(_) => Err(HubError::bad_request(format!("\"{key}\" must be a string"))),
        }
    };
    let (from_ns, from_name) = split_id(&field("fromRepo")?, "fromRepo")?;
    let (to_ns, to_name) = split_id(&field("toRepo")?, "toRepo")?;
    let kind = match body.get("type") {
        None | Some(Value::Null) => RepoType::Model,
        Some(Value::String(t)) => RepoType::from_singular(t)
            .ok_or_else(|| HubError::bad_request(format!("Invalid repo type: {t}")))?,
        Some(_) => return Err(HubError::bad_request("\"type\" must be a string")),
    };
    if ctx.caller.is_anonymous() {
        return Err(HubError::unauthorized(
            "You must be authenticated to perform this action.",
        ));
    }
    let repo = ctx
        .blocking(move |s| {
            s.store
                .with(|c| repos::find_repo(c, kind, &from_ns, &from_name))
        })
        .await?
        .ok_or_else(|| HubError::repo_not_found(false))?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    ctx.caller.check_write(&to_ns, None)?;
    let (target_ns, target_name) = (to_ns.clone(), to_name.clone());
    let moved = ctx
        .blocking(move |s| {
            // The namespace keeps the spelling of the account it belongs to.
            let owner = s
                .store
                .with(|c| crate::store::accounts::account_by_name(c, &target_ns))?
                .ok_or_else(|| HubError::not_found(format!("Namespace {target_ns} not found")))?;
            s.store
                .with(|c| redirects::move_repo(c, &repo, &owner.name, &target_name, now_millis()))
        })
        .await?;
    if moved.is_none() {
        return Err(HubError::new(
            StatusCode::CONFLICT,
            format!(
                "A {} repository called {to_ns}/{to_name} already exists",
                kind.singular()
            ),
        ));
    }
    let mut resp = Response::new(Body::from("OK"));
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(resp)
}

/// Turns a `RepoNotFound` answer for `ns/name` into a redirect when that name was moved away
/// and the caller can see where it went. `ns_segment` is the index of `ns` in the raw path.
pub async fn or_redirect(
    ctx: &Ctx,
    result: HubResult<Resp>,
    kind: RepoType,
    ns: &str,
    name: &str,
    ns_segment: usize,
) -> HubResult<Resp> {
    or_redirect_named(ctx, result, kind, ns, name, "", ns_segment).await
}

/// [`or_redirect`] for paths whose name segment carries `suffix` after the repository name
/// (`{name}.git/info/lfs/...`).
pub async fn or_redirect_named(
    ctx: &Ctx,
    result: HubResult<Resp>,
    kind: RepoType,
    ns: &str,
    name: &str,
    suffix: &str,
    ns_segment: usize,
) -> HubResult<Resp> {
    let Err(err) = result else {
        return result;
    };
    if err.code != Some("RepoNotFound") {
        return Err(err);
    }
    let (ns, name) = (ns.to_string(), name.to_string());
    let target = ctx
        .blocking(move |s| s.store.with(|c| redirects::target(c, kind, &ns, &name)))
        .await?;
    let Some(target) = target.filter(|t| ctx.caller.check_read(t).is_ok()) else {
        return Err(err);
    };
    let mut segs: Vec<String> = ctx
        .raw_path
        .trim_start_matches('/')
        .split('/')
        .map(str::to_string)
        .collect();
    if segs.len() < ns_segment + 2 {
        return Err(err);
    }
    segs[ns_segment] = encode_component(&target.namespace);
    segs[ns_segment + 1] = format!("{}{suffix}", encode_component(&target.name));
    let mut location = format!("/{}", segs.join("/"));
    if !ctx.query.0.is_empty() {
        let query: Vec<String> = ctx
            .query
            .0
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect();
        location = format!("{location}?{}", query.join("&"));
    }
    Response::builder()
        .status(StatusCode::TEMPORARY_REDIRECT)
        .header("location", &location)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::from(format!(
            "Temporary Redirect. Redirecting to {location}"
        )))
        .map_err(|e| HubError::internal(e.to_string()))
}
