//! Shared by the community routes: how users and organisations appear inside payloads
//! (discussion authors, likers, collection owners, access requests) and cursor pages.

use super::{json as json_response, next_link, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::accounts::Account;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// The `cursor` query parameter of a paginated listing (0 when absent).
pub fn cursor(ctx: &Ctx) -> HubResult<usize> {
    match ctx.query.get("cursor") {
        None | Some("") => Ok(0),
        Some(c) => c
            .parse()
            .map_err(|_| HubError::bad_request("Invalid cursor")),
    }
}

/// A JSON array page; `more` adds the absolute `Link: <…cursor=next>; rel="next"`.
pub fn page(ctx: &Ctx, items: Vec<Value>, next_offset: usize, more: bool) -> Resp {
    let mut resp = json_response(StatusCode::OK, &Value::Array(items));
    if more {
        if let Some(link) = next_link(ctx, next_offset) {
            resp.headers_mut().insert("link", link);
        }
    }
    resp
}

pub fn avatar_url(endpoint: &str, name: &str) -> String {
    format!("{endpoint}/avatars/{name}.svg")
}

/// The Hub's short account object: `{_id, avatarUrl, fullname, name, type, isPro, ...}`.
pub fn account_json(endpoint: &str, account: &Account) -> Value {
    let mut v = json!({
        "_id": account.hub_id,
        "avatarUrl": avatar_url(endpoint, &account.name),
        "fullname": account.fullname,
        "name": account.name,
        "type": account.kind,
        "isHf": false,
        "isHfAdmin": false,
        "isMod": false,
    });
    if account.kind == "org" {
        v["isEnterprise"] = json!(false);
    } else {
        v["isPro"] = json!(false);
    }
    v
}

/// An author that may be gone: the account object, or `null` ("deleted" for clients).
pub fn author_json(endpoint: &str, account: Option<&Account>) -> Value {
    account.map_or(Value::Null, |a| account_json(endpoint, a))
}
