//! `GET /api/models`, `/api/datasets`, `/api/spaces`: search, author and tag filters, sort,
//! field selection (`full`, `cardData`, `expand`) and `Link` pagination (`cursor` = offset of
//! the next page). Private repositories are listed only for members of their namespace.

use super::repos::repo_record;
use super::{json, Ctx, Resp};
use crate::card;
use crate::errors::{HubError, HubResult};
use crate::store::likes;
use crate::store::repos::{self, CommitRow, Repo, RepoType};
use crate::store::trees;
use axum::http::StatusCode;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// Most items per page (also the default page size).
const PAGE: usize = 1000;

/// Fields of a listing item without `full`/`expand`, per repository type.
fn default_fields(kind: RepoType) -> &'static [&'static str] {
    match kind {
        RepoType::Model => &[
            "_id",
            "id",
            "likes",
            "trendingScore",
            "private",
            "downloads",
            "tags",
            "pipeline_tag",
            "library_name",
            "createdAt",
            "modelId",
        ],
        RepoType::Dataset => &[
            "_id",
            "id",
            "author",
            "sha",
            "lastModified",
            "private",
            "gated",
            "disabled",
            "likes",
            "trendingScore",
            "tags",
            "description",
            "downloads",
            "createdAt",
        ],
        RepoType::Space => &[
            "_id",
            "id",
            "likes",
            "trendingScore",
            "private",
            "sdk",
            "tags",
            "createdAt",
        ],
    }
}

/// Fields `full=true` adds to the defaults.
const FULL_FIELDS: &[&str] = &[
    "author",
    "sha",
    "lastModified",
    "gated",
    "disabled",
    "siblings",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    LastModified,
    CreatedAt,
    Likes,
    /// Downloads and trending score: not counted here (always zero), so the tie-break decides.
    Popularity,
    Id,
    Author,
}

impl SortKey {
    fn parse(s: &str) -> HubResult<SortKey> {
        Ok(match s {
            "lastModified" | "last_modified" => SortKey::LastModified,
            "createdAt" | "created_at" => SortKey::CreatedAt,
            "likes" => SortKey::Likes,
            "downloads" | "downloadsAllTime" | "trendingScore" | "trending_score" => {
                SortKey::Popularity
            }
            "id" | "modelId" => SortKey::Id,
            "author" => SortKey::Author,
            other => {
                return Err(HubError::bad_request(format!(
                    "Invalid sort parameter: {other}. Expected one of lastModified, createdAt, \
                     likes, downloads, trendingScore, id, author"
                )))
            }
        })
    }
}

/// The query, parsed once.
struct Params {
    search: Vec<String>,
    author: Option<String>,
    filters: Vec<String>,
    gated: Option<bool>,
    pipeline_tag: Option<String>,
    /// Spaces: linked to these models / datasets, or to anything (`linked`).
    models: Vec<String>,
    datasets: Vec<String>,
    linked: bool,
    /// A filter on something no local repository has (inference providers, apps).
    matches_nothing: bool,
    sort: SortKey,
    ascending: bool,
    offset: usize,
    limit: usize,
    full: bool,
    card_data: bool,
    expand: Vec<String>,
}

fn parse_bool(key: &str, v: &str) -> HubResult<bool> {
    match v {
        "true" | "1" | "True" => Ok(true),
        "false" | "0" | "False" => Ok(false),
        _ => Err(HubError::bad_request(format!(
            "Invalid value for {key}: {v} (expected true or false)"
        ))),
    }
}

fn parse_params(ctx: &Ctx, kind: RepoType) -> HubResult<Params> {
    let q = &ctx.query;
    let owned = |k: &str| -> Vec<String> { q.all(k).into_iter().map(str::to_string).collect() };
    if q.get("num_parameters").is_some() {
        return Err(HubError::bad_request(
            "The num_parameters filter is not supported by this server",
        ));
    }
    let offset = match q.get("cursor") {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| HubError::bad_request("Invalid cursor"))?,
    };
    let limit = match q.get("limit") {
        None => PAGE,
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| HubError::bad_request(format!("Invalid limit: {l}")))?
            .clamp(1, PAGE),
    };
    let gated = q.get("gated").map(|v| parse_bool("gated", v)).transpose()?;
    let spaces = kind == RepoType::Space;
    Ok(Params {
        search: owned("search")
            .into_iter()
            .map(|s| s.to_lowercase())
            .collect(),
        author: q.get("author").map(str::to_string),
        filters: owned("filter"),
        gated,
        pipeline_tag: q.get("pipeline_tag").map(str::to_string),
        models: if spaces { owned("models") } else { vec![] },
        datasets: if spaces { owned("datasets") } else { vec![] },
        linked: spaces && q.flag("linked"),
        matches_nothing: ["inference", "inference_provider", "apps"]
            .iter()
            .any(|k| q.get(k).is_some()),
        sort: q
            .get("sort")
            .map(SortKey::parse)
            .transpose()?
            .unwrap_or(SortKey::Popularity),
        // Descending unless another direction than `-1` is asked for.
        ascending: q.get("direction").is_some_and(|d| d != "-1"),
        offset,
        limit,
        full: q.flag("full"),
        card_data: q.flag("cardData"),
        expand: owned("expand"),
    })
}

/// A repository that passed the filters.
struct Candidate {
    repo: Repo,
    head: Option<CommitRow>,
    card: Option<Arc<Map<String, Value>>>,
    likes: u64,
}

impl Params {
    /// Filters that need only the repository row.
    fn keeps_row(&self, repo: &Repo) -> bool {
        let id = repo.full_id().to_lowercase();
        self.author
            .as_deref()
            .map_or(true, |a| repo.namespace.eq_ignore_ascii_case(a))
            && self.search.iter().all(|s| id.contains(s.as_str()))
            && self.gated.map_or(true, |g| g == repo.gated.is_some())
    }

    /// Filters on what the card says.
    fn keeps_card(&self, repo: &Repo, data: Option<&Map<String, Value>>) -> bool {
        let derived = card::derive(repo.kind, data, repo.sdk.as_deref());
        self.filters.iter().all(|f| derived.tags.contains(f))
            && self
                .pipeline_tag
                .as_ref()
                .map_or(true, |p| derived.pipeline_tag.as_ref() == Some(p))
            && self.models.iter().all(|m| derived.models.contains(m))
            && self.datasets.iter().all(|d| derived.datasets.contains(d))
            && (!self.linked || !derived.models.is_empty() || !derived.datasets.is_empty())
    }

    fn compare(&self, a: &Candidate, b: &Candidate) -> Ordering {
        let modified = |c: &Candidate| {
            c.head
                .as_ref()
                .map_or(c.repo.last_modified, |h| h.created_at)
        };
        let primary = match self.sort {
            SortKey::LastModified => modified(a).cmp(&modified(b)),
            SortKey::CreatedAt => a.repo.created_at.cmp(&b.repo.created_at),
            SortKey::Likes => a.likes.cmp(&b.likes),
            SortKey::Popularity => Ordering::Equal,
            SortKey::Id => a
                .repo
                .full_id()
                .to_lowercase()
                .cmp(&b.repo.full_id().to_lowercase()),
            SortKey::Author => a
                .repo
                .namespace
                .to_lowercase()
                .cmp(&b.repo.namespace.to_lowercase()),
        };
        let primary = if self.ascending {
            primary
        } else {
            primary.reverse()
        };
        // Ties: newest first, then by id, so pages are stable.
        primary
            .then_with(|| b.repo.created_at.cmp(&a.repo.created_at))
            .then_with(|| a.repo.id.cmp(&b.repo.id))
    }

    /// The keys kept in each listing item.
    fn selected(&self, kind: RepoType) -> Vec<&str> {
        if !self.expand.is_empty() {
            let mut keys: Vec<&str> = vec!["_id", "id"];
            keys.extend(self.expand.iter().map(String::as_str));
            return keys;
        }
        let mut keys = default_fields(kind).to_vec();
        if self.full {
            keys.extend_from_slice(FULL_FIELDS);
        }
        if self.card_data {
            keys.push("cardData");
        }
        keys
    }
}

pub async fn list(ctx: &Ctx, kind: RepoType) -> HubResult<Resp> {
    let params = parse_params(ctx, kind)?;
    let caller = ctx.caller.clone();
    let (items, total, next) = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let mut found = Vec::new();
                if !params.matches_nothing {
                    let like_counts = likes::counts(c)?;
                    for repo in repos::list_repos(c, kind)? {
                        if (repo.private && !caller.is_member_of(&repo.namespace))
                            || !params.keeps_row(&repo)
                        {
                            continue;
                        }
                        let head = match repos::get_ref(c, repo.id, "refs/heads/main")? {
                            Some(oid) => Some(repos::get_commit(c, repo.id, &oid)?),
                            None => None,
                        };
                        let card = match &head {
                            Some(h) => card::load(c, &s.store.blobs, &h.tree_oid)?,
                            None => None,
                        };
                        if params.keeps_card(&repo, card.as_deref()) {
                            let likes = like_counts.get(&repo.id).copied().unwrap_or(0);
                            found.push(Candidate {
                                repo,
                                head,
                                card,
                                likes,
                            });
                        }
                    }
                }
                found.sort_by(|a, b| params.compare(a, b));
                let keys = params.selected(kind);
                let wants_runtime = kind == RepoType::Space && keys.contains(&"runtime");
                let needs_files =
                    wants_runtime || keys.iter().any(|k| *k == "siblings" || *k == "usedStorage");
                let mut items = Vec::new();
                for cand in found.iter().skip(params.offset).take(params.limit) {
                    let files = match (&cand.head, needs_files) {
                        (Some(h), true) => Some(trees::flatten(c, &h.tree_oid)?),
                        _ => None,
                    };
                    let mut record = repo_record(
                        &cand.repo,
                        cand.head.as_ref(),
                        files.as_ref(),
                        false,
                        cand.card.as_deref(),
                    );
                    record.insert("likes".into(), cand.likes.into());
                    if let (true, Some(files)) = (wants_runtime, &files) {
                        let runtime = super::spaces::runtime_for_info(
                            c,
                            &cand.repo,
                            cand.card.as_deref(),
                            files,
                        )?;
                        record.insert("runtime".into(), runtime);
                    }
                    record.retain(|k, _| keys.contains(&k.as_str()));
                    items.push(Value::Object(record));
                }
                Ok((items, found.len(), params.offset + params.limit))
            })
        })
        .await?;
    let mut resp = json(StatusCode::OK, &Value::Array(items));
    if next < total {
        if let Some(link) = super::next_link(ctx, next) {
            resp.headers_mut().insert("link", link);
        }
    }
    Ok(resp)
}
