//! `GET /api/whoami-v2`.

use super::{json, Ctx, Resp};
use crate::auth::INVALID_CREDENTIALS;
use crate::errors::{HubError, HubResult};
use crate::util::iso8601;
use axum::http::StatusCode;
use serde_json::json;

pub async fn whoami(ctx: &Ctx) -> HubResult<Resp> {
    let user = ctx
        .caller
        .user()
        .ok_or_else(|| HubError::unauthorized(INVALID_CREDENTIALS))?;
    let acc = &user.account;
    let orgs: Vec<_> = user
        .orgs
        .iter()
        .map(|(o, role)| {
            json!({
                "type": "org",
                "id": o.hub_id,
                "name": o.name,
                "fullname": o.fullname,
                "email": null,
                "canPay": false,
                "periodEnd": null,
                "avatarUrl": format!("{}/avatars/{}.svg", ctx.endpoint, o.name),
                "roleInOrg": role,
                "isEnterprise": false,
            })
        })
        .collect();
    let body = json!({
        "type": "user",
        "id": acc.hub_id,
        "name": acc.name,
        "fullname": acc.fullname,
        "email": format!("{}@users.noreply.huggingface.co", acc.name),
        "emailVerified": true,
        "canPay": false,
        "isPro": false,
        "periodEnd": null,
        "avatarUrl": format!("{}/avatars/{}.svg", ctx.endpoint, acc.name),
        "orgs": orgs,
        "auth": {
            "type": "access_token",
            "accessToken": {
                "displayName": user.token_name,
                "role": user.role.as_str(),
                "createdAt": iso8601(user.token_created_at),
            }
        }
    });
    Ok(json(StatusCode::OK, &body))
}
