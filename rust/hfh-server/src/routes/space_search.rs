//! `GET /api/spaces/semantic-search?q=...[&filter=tag]...[&sdk=...]...[&includeNonRunning=true]`:
//! a single JSON array (not paginated) of Spaces matching the query.
//!
//! The Hub ranks with embeddings; the local Hub ranks by a plain text match: the share of the
//! query's words found in the Space's id, card title, short description and README text,
//! reported as `semanticRelevancyScore` (0..1, Spaces without any word left out). The local
//! Hub runs no Space, so `includeNonRunning` changes nothing: every Space is eligible.

use super::{json, Ctx, Resp};
use crate::card;
use crate::errors::{HubError, HubResult};
use crate::store::likes;
use crate::store::repos::{self, RepoType};
use crate::store::trees;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// At most this many results, like the Hub's single page.
const MAX_RESULTS: usize = 100;
/// How much of a README is searched.
const MAX_README_BYTES: u64 = 64 * 1024;

fn card_str(data: Option<&Map<String, Value>>, key: &str) -> Option<String> {
    data.and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub async fn search(ctx: &Ctx) -> HubResult<Resp> {
    let q = ctx
        .query
        .get("q")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| HubError::bad_request("Missing query parameter \"q\""))?
        .to_lowercase();
    let words: Vec<String> = q.split_whitespace().map(str::to_string).collect();
    let filters: Vec<String> = ctx
        .query
        .all("filter")
        .into_iter()
        .map(str::to_string)
        .collect();
    let sdks: Vec<String> = ctx
        .query
        .all("sdk")
        .into_iter()
        .map(str::to_lowercase)
        .collect();
    let caller = ctx.caller.clone();
    let mut hits = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let mut hits = Vec::new();
                for repo in repos::list_repos(c, RepoType::Space)? {
                    if repo.private && !caller.is_member_of(&repo.namespace) {
                        continue;
                    }
                    let head = repos::get_ref(c, repo.id, "refs/heads/main")?;
                    let tree = match &head {
                        Some(h) => Some(repos::get_commit(c, repo.id, h)?.tree_oid),
                        None => None,
                    };
                    let data = match &tree {
                        Some(t) => card::load(c, &s.store.blobs, t)?,
                        None => None,
                    };
                    let derived =
                        card::derive(RepoType::Space, data.as_deref(), repo.sdk.as_deref());
                    if !filters.iter().all(|f| derived.tags.contains(f)) {
                        continue;
                    }
                    let sdk = derived.sdk.clone().unwrap_or_default().to_lowercase();
                    if !sdks.is_empty() && !sdks.contains(&sdk) {
                        continue;
                    }
                    let readme = match &tree {
                        Some(t) => match trees::lookup(c, t, "README.md")?.and_then(|e| e.file) {
                            Some(f) => String::from_utf8_lossy(&s.store.blobs.read_range(
                                c,
                                &f.sha256,
                                0,
                                f.size.min(MAX_README_BYTES),
                            )?)
                            .into_owned(),
                            None => String::new(),
                        },
                        None => String::new(),
                    };
                    let title = card_str(data.as_deref(), "title");
                    let short = card_str(data.as_deref(), "short_description");
                    let haystack = format!(
                        "{} {} {} {}",
                        repo.full_id(),
                        title.as_deref().unwrap_or(""),
                        short.as_deref().unwrap_or(""),
                        readme
                    )
                    .to_lowercase();
                    let found = words
                        .iter()
                        .filter(|w| haystack.contains(w.as_str()))
                        .count();
                    if found == 0 {
                        continue;
                    }
                    let score = found as f64 / words.len() as f64;
                    let files = match &tree {
                        Some(t) => trees::flatten(c, t)?,
                        None => Default::default(),
                    };
                    let runtime =
                        super::spaces::runtime_for_info(c, &repo, data.as_deref(), &files)?;
                    let mut item = json!({
                        "id": repo.full_id(),
                        "author": repo.namespace,
                        "title": title.unwrap_or_else(|| repo.name.clone()),
                        "emoji": card_str(data.as_deref(), "emoji"),
                        "sdk": derived.sdk,
                        "likes": likes::count(c, repo.id)?,
                        "private": repo.private,
                        "tags": derived.tags,
                        "ai_short_description": short,
                        "runtime": runtime,
                        "semanticRelevancyScore": score,
                        "trendingScore": 0,
                    });
                    if let Value::Object(m) = &mut item {
                        m.retain(|_, v| !v.is_null());
                    }
                    hits.push((score, repo.full_id(), item));
                }
                Ok(hits)
            })
        })
        .await?;
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let items: Vec<Value> = hits
        .into_iter()
        .take(MAX_RESULTS)
        .map(|(_, _, v)| v)
        .collect();
    Ok(json(StatusCode::OK, &Value::Array(items)))
}
