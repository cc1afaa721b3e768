//! `GET /api/settings/repositories` (the token user's repositories) and
//! `GET /api/organizations/{o}/settings/repositories` (members only): every repository of the
//! namespace with the storage it uses (see `store::storage` for what is counted) and its share
//! of the namespace's total, largest first, paginated with `Link`.

use super::community::{cursor, page};
use super::{Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::{accounts, storage};
use crate::util::iso8601;
use serde_json::json;

const PAGE_SIZE: usize = 100;

/// `org`: the organisation, or `None` for the caller's own namespace.
pub async fn repositories(ctx: &Ctx, org: Option<&str>) -> HubResult<Resp> {
    let user = ctx.caller.user().ok_or_else(|| {
        HubError::unauthorized("You must be authenticated to access this resource.")
    })?;
    let ns = match org {
        None => user.account.name.clone(),
        Some(o) => o.to_string(),
    };
    let check_org = org.is_some();
    let member = ctx.caller.is_member_of(&ns);
    let offset = cursor(ctx)?;
    let ns2 = ns.clone();
    let mut rows = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                if check_org {
                    accounts::account_by_name(c, &ns2)?
                        .filter(|a| a.kind == "org")
                        .ok_or_else(|| {
                            HubError::not_found(format!("Organization {ns2} not found"))
                        })?;
                    if !member {
                        return Err(HubError::forbidden(format!(
                            "You must be a member of {ns2} to see its repositories"
                        )));
                    }
                }
                let mut rows = Vec::new();
                for repo in storage::repos_of(c, &ns2)? {
                    let used = storage::used_bytes(c, repo.id)?;
                    rows.push((repo, used));
                }
                Ok(rows)
            })
        })
        .await?;
    rows.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.full_id().cmp(&b.full_id())));
    let total: u64 = rows.iter().map(|(_, n)| n).sum();
    let more = rows.len() > offset + PAGE_SIZE;
    let items = rows
        .iter()
        .skip(offset)
        .take(PAGE_SIZE)
        .map(|(repo, used)| {
            let percent = if total == 0 {
                0.0
            } else {
                *used as f64 * 100.0 / total as f64
            };
            json!({
                "id": repo.full_id(),
                "type": repo.kind.singular(),
                "updatedAt": iso8601(repo.last_modified),
                "visibility": if repo.private { "private" } else { "public" },
                "storage": used,
                "storagePercent": percent,
            })
        })
        .collect();
    Ok(page(ctx, items, offset + PAGE_SIZE, more))
}
