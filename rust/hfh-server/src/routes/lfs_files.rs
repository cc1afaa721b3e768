//! `GET /api/{T}/{ns}/{name}/lfs-files` (paginated listing of the repository's LFS objects) and
//! `POST /api/{T}/{ns}/{name}/lfs-files/batch` (permanent deletion), both for writers only, as
//! on the Hub (they live in the repository's settings). See `store::lfs_files` for what
//! deletion does to the history.

use super::community::{cursor, page};
use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::lfs_files;
use crate::store::repos::RepoType;
use crate::util::{iso8601, now_millis};
use axum::http::StatusCode;
use serde_json::{json, Value};

const PAGE_SIZE: usize = 100;
/// The client sends deletions by batches of 1000; more in one request is refused.
const MAX_DELETIONS: usize = 1000;

pub async fn list(ctx: &Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let offset = cursor(ctx)?;
    let files = ctx
        .blocking(move |s| s.store.with(|c| lfs_files::list(c, repo.id, now_millis())))
        .await?;
    let more = files.len() > offset + PAGE_SIZE;
    let items = files
        .iter()
        .skip(offset)
        .take(PAGE_SIZE)
        .map(|f| {
            let mut item = json!({
                "fileOid": f.sha256,
                "filename": f.filename,
                "oid": f.pointer_oid,
                "pushedAt": iso8601(f.pushed_at),
                "size": f.size,
            });
            if let Some(r) = &f.git_ref {
                item["ref"] = json!(r);
            }
            item
        })
        .collect();
    Ok(page(ctx, items, offset + PAGE_SIZE, more))
}

/// Body: `{"deletions": {"sha": [sha256, ...], "rewriteHistory": bool}}`.
pub async fn delete(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let body = ctx.json_body().await?;
    let deletions = body
        .get("deletions")
        .and_then(Value::as_object)
        .ok_or_else(|| HubError::bad_request("Missing \"deletions\" object"))?;
    let shas = deletions
        .get("sha")
        .and_then(Value::as_array)
        .ok_or_else(|| HubError::bad_request("\"deletions.sha\" must be a list of sha256"))?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| HubError::bad_request("\"deletions.sha\" must be a list of sha256"))
        })
        .collect::<HubResult<Vec<_>>>()?;
    if shas.len() > MAX_DELETIONS {
        return Err(HubError::bad_request(format!(
            "At most {MAX_DELETIONS} LFS files can be deleted per request"
        )));
    }
    let rewrite = match deletions.get("rewriteHistory") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(HubError::bad_request(
                "\"rewriteHistory\" must be a boolean",
            ))
        }
    };
    ctx.blocking(move |s| {
        s.store
            .with(|c| lfs_files::delete(c, &repo, &shas, rewrite, now_millis()))
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({})))
}
