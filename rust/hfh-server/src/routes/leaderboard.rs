//! `GET /api/datasets/{ns}/{name}/leaderboard`: the models ranked by the scores they publish
//! about a benchmark dataset.
//!
//! What the local Hub computes (the Hub's own ranking service is not public):
//! - a dataset is a benchmark when its `main` branch has `eval.yaml` at the root (the Hub also
//!   requires its own allow-listing); any other dataset has no leaderboard (404);
//! - scores come from `.eval_results/*.yaml` on the `main` branch of the model repositories the
//!   caller can see, plus the result files an open pull request adds or changes
//!   (`pullRequest` = its number: "community" results);
//! - by default only models whose card declares no `base_model` are listed; `base_model=false`
//!   lists them all;
//! - higher values rank first; equal values share a rank (1, 2, 2, 4) and are ordered by model
//!   id, then file name. Every task of the benchmark is ranked together;
//! - `verified` is always false: the local Hub cannot check the Hub's verification tokens.

use super::community::account_json;
use super::{json as json_response, Ctx, Resp};
use crate::card::{self, eval_results};
use crate::errors::{HubError, HubResult};
use crate::server::AppState;
use crate::store::discussions::{self, ListFilter, Status};
use crate::store::repos::{self, Repo, RepoType};
use crate::store::{accounts, trees};
use axum::http::StatusCode;
use rusqlite::Connection;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One score of one model, before ranking.
struct Row {
    model: Repo,
    filename: String,
    score: eval_results::Score,
    pull_request: Option<i64>,
}

pub async fn leaderboard(ctx: &Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let dataset = ctx.readable_repo(RepoType::Dataset, ns, name).await?;
    let roots_only = match ctx.query.get("base_model") {
        None => true,
        Some("true" | "1" | "True") => true,
        Some("false" | "0" | "False") => false,
        Some(other) => {
            return Err(HubError::bad_request(format!(
                "Invalid value for base_model: {other} (expected true or false)"
            )))
        }
    };
    let caller = ctx.caller.clone();
    let endpoint = ctx.endpoint.clone();
    let entries = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                if !is_benchmark(c, &dataset)? {
                    return Err(HubError::not_found(format!(
                        "Dataset {} does not have a leaderboard",
                        dataset.full_id()
                    )));
                }
                let mut rows = Vec::new();
                for model in repos::list_repos(c, RepoType::Model)? {
                    if model.private && !caller.is_member_of(&model.namespace) {
                        continue;
                    }
                    collect_model(s, c, model, &dataset.full_id(), roots_only, &mut rows)?;
                }
                ranked(c, &endpoint, rows)
            })
        })
        .await?;
    Ok(json_response(StatusCode::OK, &Value::Array(entries)))
}

fn main_tree(c: &Connection, repo: &Repo) -> HubResult<Option<String>> {
    tree_of_ref(c, repo, "refs/heads/main")
}

fn tree_of_ref(c: &Connection, repo: &Repo, name: &str) -> HubResult<Option<String>> {
    match repos::get_ref(c, repo.id, name)? {
        Some(oid) => Ok(Some(repos::get_commit(c, repo.id, &oid)?.tree_oid)),
        None => Ok(None),
    }
}

fn is_benchmark(c: &Connection, dataset: &Repo) -> HubResult<bool> {
    let Some(tree) = main_tree(c, dataset)? else {
        return Ok(false);
    };
    Ok(trees::lookup(c, &tree, eval_results::BENCHMARK_FILE)?.is_some_and(|e| !e.is_dir))
}

/// The result files of a tree: path -> content sha256.
fn result_files(c: &Connection, tree: &str) -> HubResult<BTreeMap<String, trees::FileEntry>> {
    let Some(dir) = trees::lookup(c, tree, eval_results::EVAL_RESULTS_DIR)?.filter(|e| e.is_dir)
    else {
        return Ok(BTreeMap::new());
    };
    Ok(
        trees::children(c, &dir.oid, eval_results::EVAL_RESULTS_DIR)?
            .into_iter()
            .filter(|e| eval_results::is_result_file(&e.path))
            .filter_map(|e| e.file.map(|f| (e.path, f)))
            .filter(|(_, f)| f.size <= eval_results::MAX_RESULT_FILE_BYTES)
            .collect(),
    )
}

/// Adds the model's scores on `dataset_id` (from `main` and from its open pull requests).
fn collect_model(
    s: &AppState,
    c: &Connection,
    model: Repo,
    dataset_id: &str,
    roots_only: bool,
    rows: &mut Vec<Row>,
) -> HubResult<()> {
    let main = main_tree(c, &model)?;
    if roots_only {
        let card = match &main {
            Some(tree) => card::load(c, &s.store.blobs, tree)?,
            None => None,
        };
        let declares_base = card
            .as_deref()
            .is_some_and(|data| !card::strings(data.get("base_model")).is_empty());
        if declares_base {
            return Ok(());
        }
    }
    let on_main = match &main {
        Some(tree) => result_files(c, tree)?,
        None => BTreeMap::new(),
    };
    let mut sources: Vec<(String, trees::FileEntry, Option<i64>)> = on_main
        .iter()
        .map(|(path, file)| (path.clone(), file.clone(), None))
        .collect();
    let open_prs = ListFilter {
        pull_requests: Some(true),
        open: Some(true),
        ..Default::default()
    };
    for pr in discussions::list(c, model.id, &open_prs, 0, i64::MAX)?.items {
        if pr.status != Status::Open {
            continue; // drafts are not submitted yet
        }
        let Some(tree) = tree_of_ref(c, &model, &discussions::pr_ref(pr.num))? else {
            continue;
        };
        // A pull request branch carries main's files too: only what it adds or changes counts.
        for (path, file) in result_files(c, &tree)? {
            if on_main.get(&path).map(|f| &f.sha256) != Some(&file.sha256) {
                sources.push((path, file, Some(pr.num)));
            }
        }
    }
    for (filename, file, pull_request) in sources {
        let bytes = s.store.blobs.read_all(c, &file.sha256, file.size)?;
        for score in eval_results::parse_scores(&String::from_utf8_lossy(&bytes)) {
            if score.dataset_id.eq_ignore_ascii_case(dataset_id) {
                rows.push(Row {
                    model: model.clone(),
                    filename: filename.clone(),
                    score,
                    pull_request,
                });
            }
        }
    }
    Ok(())
}

/// Sorts the rows best first and renders them with their rank.
fn ranked(c: &Connection, endpoint: &str, mut rows: Vec<Row>) -> HubResult<Vec<Value>> {
    rows.sort_by(|a, b| {
        b.score
            .rank_value()
            .partial_cmp(&a.score.rank_value())
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.model.full_id().cmp(&b.model.full_id()))
            .then_with(|| a.filename.cmp(&b.filename))
            .then_with(|| a.pull_request.cmp(&b.pull_request))
    });
    let mut authors: BTreeMap<String, Value> = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut rank = 0;
    let mut previous: Option<f64> = None;
    for (position, row) in rows.into_iter().enumerate() {
        let value = row.score.rank_value();
        if previous != Some(value) {
            rank = position + 1;
            previous = Some(value);
        }
        let ns = row.model.namespace.clone();
        if !authors.contains_key(&ns) {
            let author = match accounts::account_by_name(c, &ns)? {
                Some(account) => account_json(endpoint, &account),
                None => json!({"name": ns, "type": "user", "fullname": ns}),
            };
            authors.insert(ns.clone(), author);
        }
        let mut entry = Map::new();
        entry.insert("rank".into(), json!(rank));
        entry.insert("modelId".into(), json!(row.model.full_id()));
        entry.insert("value".into(), Value::Number(row.score.value));
        entry.insert("filename".into(), json!(row.filename));
        entry.insert("verified".into(), json!(false));
        if let Some(source) = row.score.source {
            entry.insert("source".into(), source_json(endpoint, source));
        }
        entry.insert("author".into(), authors[&ns].clone());
        if let Some(num) = row.pull_request {
            entry.insert("pullRequest".into(), json!(num));
        }
        if let Some(notes) = row.score.notes {
            entry.insert("notes".into(), json!(notes));
        }
        if let Some(task) = row.score.task_id {
            entry.insert("taskId".into(), json!(task));
        }
        out.push(Value::Object(entry));
    }
    Ok(out)
}

/// The result's `source` as the Hub shows it: its fields plus `isExternal` (the link leaves
/// the Hub).
fn source_json(endpoint: &str, mut source: Map<String, Value>) -> Value {
    let external = source
        .get("url")
        .and_then(Value::as_str)
        .is_some_and(|url| !url.starts_with(endpoint));
    source.insert("isExternal".into(), json!(external));
    Value::Object(source)
}
