//! How users and organisations appear inside community payloads (discussion authors,
//! likers, collection owners, access requests).

use crate::store::accounts::Account;
use serde_json::{json, Value};

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
