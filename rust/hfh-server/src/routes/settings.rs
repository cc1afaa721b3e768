//! `PUT /api/{T}/{ns}/{name}/settings`: visibility and gating (auth-check lives in `access`).

use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::gating;
use crate::store::repos::RepoType;
use axum::http::StatusCode;
use serde_json::{json, Value};

pub async fn update(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let body = ctx.json_body().await?;
    let mut private = match body.get("private") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(HubError::bad_request("\"private\" must be a boolean")),
    };
    match body.get("visibility") {
        None | Some(Value::Null) => {}
        Some(Value::String(v)) if v == "public" || v == "private" => private = Some(v == "private"),
        Some(Value::String(v)) if v == "protected" => {
            return Err(HubError::bad_request(
                "Protected visibility is not supported by this server",
            ))
        }
        Some(v) => {
            return Err(HubError::bad_request(format!(
                "\"visibility\" must be one of [public, private, protected], got {v}"
            )))
        }
    }
    let gated = match body.get("gated") {
        None => None,
        Some(v) => Some(gating::parse_gated(v).ok_or_else(|| {
            HubError::bad_request(format!(
                "\"gated\" must be one of [auto, manual, false], got {v}"
            ))
        })?),
    };
    if private.is_none() && gated.is_none() {
        return Err(HubError::bad_request(
            "At least one setting must be updated (private, visibility or gated)",
        ));
    }
    let new_private = private.unwrap_or(repo.private);
    let new_gated = gated.clone().unwrap_or(repo.gated.clone());
    ctx.blocking(move |s| {
        s.store
            .with(|c| gating::update_settings(c, repo.id, private, gated))
    })
    .await?;
    let gated_json = new_gated.map(Value::from).unwrap_or(Value::Bool(false));
    Ok(json(
        StatusCode::OK,
        &json!({"private": new_private, "gated": gated_json}),
    ))
}
