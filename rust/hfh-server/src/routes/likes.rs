//! Likes: `POST`/`DELETE /api/{T}/{ns}/{name}/like`, `GET /api/{T}/{ns}/{name}/likers` and
//! `GET /api/users/{user}/likes` (both paginated JSON arrays with `Link`), plus the count shown
//! as `likes` in repository info.

use super::access::require_write_token;
use super::community::{avatar_url, cursor, page};
use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::accounts;
use crate::store::likes;
use crate::store::repos::RepoType;
use crate::util::{iso8601, now_millis};
use axum::http::StatusCode;
use serde_json::{json, Value};

const PAGE_SIZE: usize = 100;

/// The `likes` count of a repository (for repository info).
pub async fn count_for(ctx: &Ctx, repo_id: i64) -> HubResult<u64> {
    ctx.blocking(move |s| s.store.with(|c| likes::count(c, repo_id)))
        .await
}

/// `POST` (like) / `DELETE` (unlike) `/api/{T}/{ns}/{name}/like`; both idempotent.
pub async fn set_like(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    liked: bool,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let user_id = require_write_token(&ctx.caller)?.account.id;
    let total = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                if liked {
                    likes::like(c, user_id, repo.id, now_millis())?;
                } else {
                    likes::unlike(c, user_id, repo.id)?;
                }
                likes::count(c, repo.id)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &json!({"likes": total})))
}

/// `GET /api/{T}/{ns}/{name}/likers`: `[{user, fullname, avatarUrl, type, ...}]`.
pub async fn likers(ctx: &Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let offset = cursor(ctx)?;
    let rows = ctx
        .blocking(move |s| {
            s.store
                .with(|c| likes::likers(c, repo.id, offset, PAGE_SIZE + 1))
        })
        .await?;
    let more = rows.len() > PAGE_SIZE;
    let items = rows
        .iter()
        .take(PAGE_SIZE)
        .map(|a| {
            json!({
                "_id": a.hub_id,
                "user": a.name,
                "fullname": a.fullname,
                "avatarUrl": avatar_url(&ctx.endpoint, &a.name),
                "type": "user",
                "isPro": false,
            })
        })
        .collect();
    Ok(page(ctx, items, offset + PAGE_SIZE, more))
}

/// `GET /api/users/{user}/likes`: `[{createdAt, repo: {name, type}}]`, most recent first,
/// leaving out private repositories the caller cannot see.
pub async fn liked_by(ctx: &Ctx, user: &str) -> HubResult<Resp> {
    let offset = cursor(ctx)?;
    let name = user.to_string();
    let liked = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let account = accounts::account_by_name(c, &name)?
                    .filter(|a| a.kind == "user")
                    .ok_or_else(|| HubError::not_found(format!("User {name} not found")))?;
                likes::liked_by(c, account.id)
            })
        })
        .await?;
    let visible: Vec<Value> = liked
        .iter()
        .filter(|r| !r.private || ctx.caller.is_member_of(&r.namespace))
        .map(|r| {
            json!({
                "createdAt": iso8601(r.liked_at),
                "repo": {"name": format!("{}/{}", r.namespace, r.name), "type": r.kind.singular()},
            })
        })
        .collect();
    let more = visible.len() > offset + PAGE_SIZE;
    let items = visible.into_iter().skip(offset).take(PAGE_SIZE).collect();
    Ok(page(ctx, items, offset + PAGE_SIZE, more))
}
