//! Collections under `/api/collections`:
//!
//! - `GET` (list: repeated `owner`, repeated `item` (`models/ns/name`, `datasets/…`,
//!   `spaces/…`, `papers/<id>`, `collections/<slug>`), `q`, `sort`
//!   (`lastModified`|`trending`|`upvotes`), `limit`; JSON array + `Link`; at most 4 items per
//!   collection and no collection `position`), `POST` `{title, namespace, private,
//!   description?}` (409 `{error, slug}` for a title the owner already uses);
//! - `GET`/`PATCH`/`DELETE /{slug}` (`PATCH` answers `{success, data}`);
//! - `POST /{slug}/items` `{item: {id, type}, note?}` (409 if present, 404 if the target does not
//!   exist), `PATCH`/`DELETE /{slug}/items/{item id}` (`{note?, position?}`).
//!
//! Private collections (and private repositories inside collections) are only visible to
//! members of their namespace; changes need write access to the owner's namespace.

use super::community::{account_json, cursor, page};
use super::discussion_json::render_html;
use super::{json, Ctx, Resp};
use crate::auth::Caller;
use crate::errors::{HubError, HubResult};
use crate::store::accounts;
use crate::store::collections::{self as store, Collection, Item, MetadataChange, Target, THEMES};
use crate::store::likes;
use crate::store::repos::{self, RepoType};
use crate::util::{iso8601, now_millis};
use axum::http::StatusCode;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Map, Value};

const MAX_TITLE: usize = 100;
const MAX_DESCRIPTION: usize = 150;
const MAX_NOTE: usize = 500;
const PAGE_SIZE: usize = 100;
/// Items shown per collection in listings.
const LISTED_ITEMS: usize = 4;

fn visible(caller: &Caller, c: &Collection) -> bool {
    !c.private || caller.is_member_of(&c.owner.name)
}

fn not_found() -> HubError {
    HubError::not_found("Collection not found")
}

fn share_url(endpoint: &str, c: &Collection) -> String {
    format!("{endpoint}/collections/{}", c.slug())
}

/// The repository an item points at, if it still exists.
fn repo_of(conn: &Connection, repo_id: i64) -> HubResult<Option<repos::Repo>> {
    let names: Option<(String, String, String)> = conn
        .query_row(
            "SELECT type, namespace, name FROM repos WHERE id = ?1",
            [repo_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((kind, ns, name)) = names else {
        return Ok(None);
    };
    let kind = RepoType::from_singular(&kind).unwrap_or(RepoType::Model);
    repos::find_repo(conn, kind, &ns, &name)
}

/// An item as the Hub shows it, or `None` when the caller may not see its target.
fn item_json(
    conn: &Connection,
    endpoint: &str,
    caller: &Caller,
    item: &Item,
) -> HubResult<Option<Value>> {
    let mut v = json!({"_id": item.hub_id, "position": item.position, "type": item.target.kind()});
    if let Some(note) = &item.note {
        v["note"] = json!({"text": note, "html": render_html(note)});
    }
    match &item.target {
        Target::Repo(_, repo_id) => {
            let Some(repo) = repo_of(conn, *repo_id)? else {
                return Ok(None);
            };
            if caller.check_read(&repo).is_err() {
                return Ok(None);
            }
            v["id"] = json!(repo.full_id());
            v["author"] = json!(repo.namespace);
            v["repoType"] = json!(repo.kind.singular());
            v["private"] = json!(repo.private);
            v["gated"] = repo.gated.as_deref().map_or(json!(false), |g| json!(g));
            v["lastModified"] = json!(iso8601(repo.last_modified));
            v["likes"] = json!(likes::count(conn, repo.id)?);
            v["isLikedByUser"] = json!(false);
            match repo.kind {
                RepoType::Space => {
                    v["title"] = json!(repo.name);
                    v["sdk"] = json!(repo.sdk);
                }
                _ => v["downloads"] = json!(0),
            }
        }
        Target::Collection(id) => {
            let Some(c) = store::by_row_id(conn, *id)?.filter(|c| visible(caller, c)) else {
                return Ok(None);
            };
            v["id"] = json!(c.hub_id);
            v["slug"] = json!(c.slug());
            v["title"] = json!(c.title);
            v["owner"] = account_json(endpoint, &c.owner);
            v["lastUpdated"] = json!(iso8601(c.updated_at));
            v["theme"] = json!(c.theme);
            v["upvotes"] = json!(0);
            v["isUpvotedByUser"] = json!(false);
            v["numberItems"] = json!(store::items(conn, c.id, None)?.len());
            v["shareUrl"] = json!(share_url(endpoint, &c));
            if let Some(d) = &c.description {
                v["description"] = json!(d);
            }
        }
        Target::Paper(id) => {
            v["id"] = json!(id);
            v["title"] = json!(id);
            v["upvotes"] = json!(0);
            v["isUpvotedByUser"] = json!(false);
        }
    }
    Ok(Some(v))
}

/// A collection; listings show at most [`LISTED_ITEMS`] items and no `position`.
fn collection_json(
    conn: &Connection,
    endpoint: &str,
    caller: &Caller,
    c: &Collection,
    listed: bool,
) -> HubResult<Value> {
    let limit = listed.then_some(LISTED_ITEMS);
    let mut items = Vec::new();
    for item in store::items(conn, c.id, None)? {
        if limit.is_some_and(|l| items.len() >= l) {
            break;
        }
        if let Some(v) = item_json(conn, endpoint, caller, &item)? {
            items.push(v);
        }
    }
    let mut v = json!({
        "slug": c.slug(),
        "title": c.title,
        "owner": account_json(endpoint, &c.owner),
        "items": items,
        "lastUpdated": iso8601(c.updated_at),
        "private": c.private,
        "theme": c.theme,
        "upvotes": 0,
        "isUpvotedByUser": false,
        "gating": false,
        "shareUrl": share_url(endpoint, c),
    });
    if let Some(d) = &c.description {
        v["description"] = json!(d);
    }
    if !listed {
        v["position"] = json!(c.position);
    }
    Ok(v)
}

fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> HubResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(HubError::bad_request(format!("\"{key}\" must be a string"))),
    }
}

fn checked_len(value: Option<&str>, key: &str, max: usize) -> HubResult<Option<String>> {
    match value {
        Some(v) if v.chars().count() > max => Err(HubError::bad_request(format!(
            "\"{key}\" must be at most {max} characters long"
        ))),
        other => Ok(other.map(str::to_string)),
    }
}

fn valid_title(raw: Option<&str>) -> HubResult<String> {
    let title = raw.unwrap_or_default().trim();
    if title.is_empty() {
        return Err(HubError::bad_request("The title must not be empty"));
    }
    Ok(checked_len(Some(title), "title", MAX_TITLE)?.unwrap_or_default())
}

/// Runs `f` with the visible collection named by `slug`, in an IMMEDIATE transaction.
async fn with_collection<T, F>(ctx: &Ctx, slug: &str, f: F) -> HubResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Connection, Collection) -> HubResult<T> + Send + 'static,
{
    let (ns, id) = store::parse_slug(slug).ok_or_else(not_found)?;
    let (ns, id) = (ns.to_string(), id.to_string());
    let caller = ctx.caller.clone();
    ctx.blocking(move |s| {
        s.store.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let coll = store::by_hub_id(&tx, &id)?
                .filter(|c| c.owner.name.eq_ignore_ascii_case(&ns) && visible(&caller, c))
                .ok_or_else(not_found)?;
            let out = f(&tx, coll)?;
            tx.commit()?;
            Ok(out)
        })
    })
    .await
}

/// `GET /api/collections/{slug}`
pub async fn get(ctx: &Ctx, slug: &str) -> HubResult<Resp> {
    let (endpoint, caller) = (ctx.endpoint.clone(), ctx.caller.clone());
    let v = with_collection(ctx, slug, move |c, coll| {
        collection_json(c, &endpoint, &caller, &coll, false)
    })
    .await?;
    Ok(json(StatusCode::OK, &v))
}

/// `POST /api/collections`
pub async fn create(ctx: &mut Ctx) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let title = valid_title(str_field(&body, "title")?)?;
    let description = checked_len(
        str_field(&body, "description")?,
        "description",
        MAX_DESCRIPTION,
    )?;
    let private = match body.get("private") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(HubError::bad_request("\"private\" must be a boolean")),
    };
    if body.get("resourceGroupId").is_some_and(|v| !v.is_null()) {
        return Err(HubError::bad_request(
            "Resource groups are not supported by this server",
        ));
    }
    let user = ctx.caller.user().ok_or_else(|| {
        HubError::unauthorized("You must be authenticated to perform this action.")
    })?;
    let namespace = str_field(&body, "namespace")?
        .unwrap_or(&user.account.name)
        .to_string();
    ctx.caller.check_write(&namespace, None)?;
    let (endpoint, caller) = (ctx.endpoint.clone(), ctx.caller.clone());
    let created = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let owner = accounts::account_by_name(&tx, &namespace)?.ok_or_else(|| {
                    HubError::not_found(format!("Namespace {namespace} not found"))
                })?;
                if let Some(existing) = store::by_title(&tx, owner.id, &title)? {
                    return Err(HubError::new(
                        StatusCode::CONFLICT,
                        "A collection with this title already exists",
                    )
                    .with_extra("slug", existing.slug()));
                }
                let new = store::NewCollection {
                    owner: &owner,
                    title: &title,
                    description: description.as_deref(),
                    private,
                    now: now_millis(),
                };
                let coll = store::create(&tx, &new)?;
                let v = collection_json(&tx, &endpoint, &caller, &coll, false)?;
                tx.commit()?;
                Ok(v)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &created))
}

/// `PATCH /api/collections/{slug}` `{title?, description?, private?, theme?, position?}`
pub async fn update(ctx: &mut Ctx, slug: &str) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let mut change = MetadataChange {
        title: str_field(&body, "title")?
            .map(|t| valid_title(Some(t)))
            .transpose()?,
        description: checked_len(
            str_field(&body, "description")?,
            "description",
            MAX_DESCRIPTION,
        )?,
        ..Default::default()
    };
    change.private = match body.get("private") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(HubError::bad_request("\"private\" must be a boolean")),
    };
    change.theme = match str_field(&body, "theme")? {
        Some(t) if THEMES.contains(&t) => Some(t.to_string()),
        Some(t) => {
            return Err(HubError::bad_request(format!(
                "Invalid theme {t:?}: expected one of {}",
                THEMES.join(", ")
            )))
        }
        None => None,
    };
    change.position =
        match body.get("position") {
            None | Some(Value::Null) => None,
            Some(p) => Some(p.as_i64().filter(|p| *p >= 0).ok_or_else(|| {
                HubError::bad_request("\"position\" must be a non-negative integer")
            })?),
        };
    let (endpoint, caller) = (ctx.endpoint.clone(), ctx.caller.clone());
    let v = with_collection(ctx, slug, move |c, coll| {
        caller.check_write(&coll.owner.name, None)?;
        if let Some(title) = &change.title {
            if store::by_title(c, coll.owner.id, title)?.is_some_and(|o| o.id != coll.id) {
                return Err(HubError::new(
                    StatusCode::CONFLICT,
                    "A collection with this title already exists",
                ));
            }
        }
        store::update(c, &coll, &change, now_millis())?;
        let updated = store::by_row_id(c, coll.id)?.ok_or_else(not_found)?;
        collection_json(c, &endpoint, &caller, &updated, false)
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({"success": true, "data": v})))
}

/// `DELETE /api/collections/{slug}`
pub async fn delete(ctx: &Ctx, slug: &str) -> HubResult<Resp> {
    let caller = ctx.caller.clone();
    with_collection(ctx, slug, move |c, coll| {
        caller.check_write(&coll.owner.name, None)?;
        store::delete(c, &coll)
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({"success": true})))
}

/// Resolves `{id, type}` to an item target the caller can see (404 otherwise).
fn target_of(conn: &Connection, caller: &Caller, id: &str, kind: &str) -> HubResult<Target> {
    let missing = || HubError::not_found(format!("{kind} {id} not found"));
    match kind {
        "model" | "dataset" | "space" => {
            let repo_kind = RepoType::from_singular(kind).unwrap_or(RepoType::Model);
            let (ns, name) = id.split_once('/').ok_or_else(missing)?;
            let repo = repos::find_repo(conn, repo_kind, ns, name)?
                .filter(|r| caller.check_read(r).is_ok())
                .ok_or_else(missing)?;
            Ok(Target::Repo(kind.to_string(), repo.id))
        }
        "collection" => {
            let hub_id = store::parse_slug(id).map(|(_, h)| h).unwrap_or(id);
            let c = store::by_hub_id(conn, hub_id)?
                .filter(|c| visible(caller, c))
                .ok_or_else(missing)?;
            Ok(Target::Collection(c.id))
        }
        "paper" => {
            let ok = id.split_once('.').is_some_and(|(a, b)| {
                a.len() == 4
                    && (4..=5).contains(&b.len())
                    && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
            });
            if !ok {
                return Err(HubError::bad_request(format!("Invalid paper id: {id}")));
            }
            Ok(Target::Paper(id.to_string()))
        }
        other => Err(HubError::bad_request(format!(
            "Invalid item type {other:?}: expected model, dataset, space, paper or collection"
        ))),
    }
}

/// `POST /api/collections/{slug}/items`
pub async fn add_item(ctx: &mut Ctx, slug: &str) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let item = body
        .get("item")
        .and_then(Value::as_object)
        .ok_or_else(|| HubError::bad_request("\"item\" must be an object {id, type}"))?;
    let id = str_field(item, "id")?
        .ok_or_else(|| HubError::bad_request("item.id is required"))?
        .to_string();
    let kind = str_field(item, "type")?
        .ok_or_else(|| HubError::bad_request("item.type is required"))?
        .to_string();
    let note = checked_len(str_field(&body, "note")?, "note", MAX_NOTE)?;
    let (endpoint, caller) = (ctx.endpoint.clone(), ctx.caller.clone());
    let v = with_collection(ctx, slug, move |c, coll| {
        caller.check_write(&coll.owner.name, None)?;
        let target = target_of(c, &caller, &id, &kind)?;
        if target == Target::Collection(coll.id) {
            return Err(HubError::bad_request("A collection cannot contain itself"));
        }
        if store::contains(c, coll.id, &target)? {
            return Err(HubError::new(
                StatusCode::CONFLICT,
                "This item is already in the collection",
            ));
        }
        let now = now_millis();
        store::add_item(c, coll.id, &target, note.as_deref(), now)?;
        store::touch(c, coll.id, now)?;
        let updated = store::by_row_id(c, coll.id)?.ok_or_else(not_found)?;
        collection_json(c, &endpoint, &caller, &updated, false)
    })
    .await?;
    Ok(json(StatusCode::OK, &v))
}

/// `PATCH` (`{note?, position?}`) / `DELETE /api/collections/{slug}/items/{item id}`
pub async fn change_item(
    ctx: &mut Ctx,
    slug: &str,
    item_id: &str,
    delete: bool,
) -> HubResult<Resp> {
    let (note, position) = if delete {
        (None, None)
    } else {
        let body = ctx.json_body().await?;
        let note = checked_len(str_field(&body, "note")?, "note", MAX_NOTE)?;
        let position = match body.get("position") {
            None | Some(Value::Null) => None,
            Some(p) => Some(p.as_i64().filter(|p| *p >= 0).ok_or_else(|| {
                HubError::bad_request("\"position\" must be a non-negative integer")
            })?),
        };
        (note, position)
    };
    let item_id = item_id.to_string();
    let (endpoint, caller) = (ctx.endpoint.clone(), ctx.caller.clone());
    let v = with_collection(ctx, slug, move |c, coll| {
        caller.check_write(&coll.owner.name, None)?;
        let item = store::item(c, coll.id, &item_id)?
            .ok_or_else(|| HubError::not_found("Item not found in this collection"))?;
        if delete {
            store::delete_item(c, coll.id, &item)?;
        } else {
            store::update_item(c, coll.id, &item, note.as_deref(), position)?;
        }
        store::touch(c, coll.id, now_millis())?;
        let updated = store::by_row_id(c, coll.id)?.ok_or_else(not_found)?;
        collection_json(c, &endpoint, &caller, &updated, false)
    })
    .await?;
    Ok(json(StatusCode::OK, &v))
}

/// Parses an `item` filter (`models/ns/name`, `papers/<id>`, `collections/<slug>`, ...).
fn filter_target(conn: &Connection, caller: &Caller, raw: &str) -> HubResult<Option<Target>> {
    let Some((plural, id)) = raw.split_once('/') else {
        return Ok(None);
    };
    let kind = match plural {
        "models" => "model",
        "datasets" => "dataset",
        "spaces" => "space",
        "papers" => "paper",
        "collections" => "collection",
        _ => return Ok(None),
    };
    Ok(target_of(conn, caller, id, kind).ok())
}

/// `GET /api/collections`
pub async fn list(ctx: &Ctx) -> HubResult<Resp> {
    match ctx.query.get("sort") {
        None | Some("lastModified" | "trending" | "upvotes") => {}
        Some(s) => return Err(HubError::bad_request(format!("Invalid sort: {s}"))),
    }
    let page_size = match ctx.query.get("limit") {
        None | Some("") => PAGE_SIZE,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| *l > 0)
            .ok_or_else(|| HubError::bad_request("Invalid limit"))?
            .min(PAGE_SIZE),
    };
    let offset = cursor(ctx)?;
    let owners: Vec<String> = ctx
        .query
        .all("owner")
        .iter()
        .map(|o| o.to_lowercase())
        .collect();
    let items: Vec<String> = ctx
        .query
        .all("item")
        .iter()
        .map(|i| i.to_string())
        .collect();
    let search = ctx.query.get("q").map(str::to_lowercase);
    let (endpoint, caller) = (ctx.endpoint.clone(), ctx.caller.clone());
    let (page_items, more) = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let wanted: Vec<Target> = items
                    .iter()
                    .map(|i| filter_target(c, &caller, i))
                    .collect::<HubResult<Vec<_>>>()?
                    .into_iter()
                    .flatten()
                    .collect();
                let mut matching = Vec::new();
                for coll in store::all(c)? {
                    if !visible(&caller, &coll)
                        || (!owners.is_empty() && !owners.contains(&coll.owner.name.to_lowercase()))
                        || search
                            .as_ref()
                            .is_some_and(|q| !coll.title.to_lowercase().contains(q))
                    {
                        continue;
                    }
                    if !items.is_empty() {
                        let targets: Vec<Target> = store::items(c, coll.id, None)?
                            .into_iter()
                            .map(|i| i.target)
                            .collect();
                        if !wanted.iter().any(|w| targets.contains(w)) {
                            continue;
                        }
                    }
                    matching.push(coll);
                }
                let more = matching.len() > offset + page_size;
                let out = matching
                    .iter()
                    .skip(offset)
                    .take(page_size)
                    .map(|coll| collection_json(c, &endpoint, &caller, coll, true))
                    .collect::<HubResult<Vec<_>>>()?;
                Ok((out, more))
            })
        })
        .await?;
    Ok(page(ctx, page_items, offset + page_size, more))
}
