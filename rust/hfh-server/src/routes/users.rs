//! People: `GET /api/users/{u}/overview|followers|following` and
//! `GET /api/organizations/{o}/overview|members|followers` (lists paginated with `Link`).
//!
//! Counts are real: repositories in the namespace (private ones only for its members), follows,
//! discussions opened and likes given. The local Hub has no papers or upvotes: those are 0.

use super::community::{avatar_url, cursor, page};
use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::store::accounts::{self, Account};
use crate::store::profiles;
use crate::util::iso8601;
use axum::http::StatusCode;
use serde_json::{json, Value};

const PAGE_SIZE: usize = 100;

/// Which kind of account a route is about.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Org,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Org => "org",
        }
    }
}

/// The account named `name` of kind `kind`, else a 404 like the Hub's.
fn find(conn: &rusqlite::Connection, name: &str, kind: Kind) -> HubResult<Account> {
    accounts::account_by_name(conn, name)?
        .filter(|a| a.kind == kind.as_str())
        .ok_or_else(|| match kind {
            Kind::User => HubError::not_found(format!("User {name} not found")),
            Kind::Org => HubError::not_found(format!("Organization {name} not found")),
        })
}

/// A user as listed (members, followers, following): `User(**item)` on the client side.
fn user_item(endpoint: &str, a: &Account) -> Value {
    json!({
        "_id": a.hub_id,
        "avatarUrl": avatar_url(endpoint, &a.name),
        "fullname": a.fullname,
        "user": a.name,
        "type": "user",
        "isPro": false,
    })
}

pub async fn overview(ctx: &Ctx, name: &str, kind: Kind) -> HubResult<Resp> {
    let name = name.to_string();
    let caller = ctx.caller.clone();
    let (account, counts, following, orgs) = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let account = find(c, &name, kind)?;
                let counts = profiles::counts(c, &account, caller.is_member_of(&account.name))?;
                let following = match caller.user() {
                    Some(u) => profiles::is_following(c, u.account.id, account.id)?,
                    None => false,
                };
                let orgs = match kind {
                    Kind::User => accounts::orgs_of(c, account.id)?,
                    Kind::Org => Vec::new(),
                };
                Ok((account, counts, following, orgs))
            })
        })
        .await?;
    let e = &ctx.endpoint;
    let body = match kind {
        Kind::User => json!({
            "_id": account.hub_id,
            "avatarUrl": avatar_url(e, &account.name),
            "fullname": account.fullname,
            "user": account.name,
            "type": "user",
            "isPro": false,
            "createdAt": iso8601(account.created_at),
            "isFollowing": following,
            "numModels": counts.models,
            "numDatasets": counts.datasets,
            "numSpaces": counts.spaces,
            "numDiscussions": counts.discussions,
            "numPapers": 0,
            "numUpvotes": 0,
            "numLikes": counts.likes,
            "numFollowing": counts.following,
            "numFollowers": counts.followers,
            "orgs": orgs.iter().map(|(o, _)| json!({
                "_id": o.hub_id,
                "avatarUrl": avatar_url(e, &o.name),
                "fullname": o.fullname,
                "name": o.name,
                "type": "org",
                "isEnterprise": false,
            })).collect::<Vec<_>>(),
        }),
        Kind::Org => json!({
            "_id": account.hub_id,
            "avatarUrl": avatar_url(e, &account.name),
            "fullname": account.fullname,
            "name": account.name,
            "type": "org",
            "isVerified": false,
            "isEnterprise": false,
            "isFollowing": following,
            "numUsers": counts.members,
            "numModels": counts.models,
            "numSpaces": counts.spaces,
            "numDatasets": counts.datasets,
            "numFollowers": counts.followers,
            "numPapers": 0,
        }),
    };
    Ok(json(StatusCode::OK, &body))
}

/// What a people listing is about.
#[derive(Clone, Copy)]
pub enum List {
    Followers,
    Following,
    Members,
}

pub async fn list(ctx: &Ctx, name: &str, kind: Kind, what: List) -> HubResult<Resp> {
    let name = name.to_string();
    let offset = cursor(ctx)?;
    let people = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let account = find(c, &name, kind)?;
                match what {
                    List::Followers => profiles::followers(c, account.id),
                    List::Following => profiles::following(c, account.id),
                    List::Members => Ok(profiles::members(c, account.id)?
                        .into_iter()
                        .map(|(a, _)| a)
                        .collect()),
                }
            })
        })
        .await?;
    let more = people.len() > offset + PAGE_SIZE;
    let items = people
        .iter()
        .skip(offset)
        .take(PAGE_SIZE)
        .map(|a| user_item(&ctx.endpoint, a))
        .collect();
    Ok(page(ctx, items, offset + PAGE_SIZE, more))
}
