//! `GET /api/models-tags-by-type` and `GET /api/datasets-tags-by-type`: the tags of the public
//! repositories of that type, grouped the way the Hub groups them: `{type: [{id, label, type}]}`.
//!
//! The Hub answers from its curated catalogue; the local Hub answers from the tags its
//! repositories really carry (derived from their cards, see `card::derive`), so the answer
//! grows with the repositories. Models: `pipeline_tag`, `library`, `dataset` (`dataset:x`),
//! `language`, `license` (`license:x`) and `other`. Datasets: `task_categories`, `task_ids`,
//! `language`, `multilinguality`, `size_categories`, `language_creators` (`key:value`),
//! `license` and `other`.

use super::{json, Ctx, Resp};
use crate::card;
use crate::errors::HubResult;
use crate::store::repos::{self, RepoType};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// `key:value` tags of dataset cards whose key names their group.
const DATASET_GROUPS: &[&str] = &[
    "task_categories",
    "task_ids",
    "language",
    "multilinguality",
    "size_categories",
    "language_creators",
    "license",
];

/// `(group, label)` of one tag of a repository of type `kind` whose card gives `data`.
fn classify(
    kind: RepoType,
    tag: &str,
    derived: &card::Derived,
    languages: &[String],
) -> (String, String) {
    if let Some((key, value)) = tag.split_once(':') {
        let group = match (kind, key) {
            (RepoType::Model, "dataset") => Some("dataset"),
            (_, "license") => Some("license"),
            (RepoType::Dataset, k) if DATASET_GROUPS.contains(&k) => Some(k),
            _ => None,
        };
        if let Some(g) = group {
            return (g.to_string(), value.to_string());
        }
    }
    if kind == RepoType::Model {
        if derived.pipeline_tag.as_deref() == Some(tag) {
            return ("pipeline_tag".into(), title_case(tag));
        }
        if derived.library_name.as_deref() == Some(tag) {
            return ("library".into(), tag.to_string());
        }
        if languages.iter().any(|l| l == tag) {
            return ("language".into(), tag.to_string());
        }
    }
    ("other".into(), tag.to_string())
}

/// `text-classification` → `Text Classification`.
fn title_case(s: &str) -> String {
    s.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn by_type(ctx: &Ctx, kind: RepoType) -> HubResult<Resp> {
    let groups = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let mut groups: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
                for repo in repos::list_repos(c, kind)? {
                    if repo.private {
                        continue;
                    }
                    let Some(head) = repos::get_ref(c, repo.id, "refs/heads/main")? else {
                        continue;
                    };
                    let tree = repos::get_commit(c, repo.id, &head)?.tree_oid;
                    let data = card::load(c, &s.store.blobs, &tree)?;
                    let derived = card::derive(kind, data.as_deref(), repo.sdk.as_deref());
                    let languages = card::strings(data.as_deref().and_then(|d| d.get("language")));
                    for tag in &derived.tags {
                        let (group, label) = classify(kind, tag, &derived, &languages);
                        groups
                            .entry(group)
                            .or_default()
                            .insert((tag.clone(), label));
                    }
                }
                Ok(groups)
            })
        })
        .await?;
    let mut body = Map::new();
    for (group, tags) in groups {
        let items: Vec<Value> = tags
            .into_iter()
            .map(|(id, label)| json!({"id": id, "label": label, "type": group}))
            .collect();
        body.insert(group, Value::Array(items));
    }
    Ok(json(StatusCode::OK, &Value::Object(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_tags_like_the_hub() {
        let data = json!({"license": "mit", "tags": ["x"], "library_name": "transformers",
            "pipeline_tag": "text-classification", "datasets": ["squad"], "language": ["en"]});
        let data = data.as_object().unwrap();
        let d = card::derive(RepoType::Model, Some(data), None);
        let langs = vec!["en".to_string()];
        let got: Vec<(String, String)> = d
            .tags
            .iter()
            .map(|t| classify(RepoType::Model, t, &d, &langs))
            .collect();
        let want = [
            ("library", "transformers"),
            ("pipeline_tag", "Text Classification"),
            ("other", "x"),
            ("dataset", "squad"),
            ("language", "en"),
            ("license", "mit"),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        );
        let d = card::derive(
            RepoType::Dataset,
            Some(
                json!({"task_categories": ["qa"], "tags": ["y"]})
                    .as_object()
                    .unwrap(),
            ),
            None,
        );
        assert_eq!(
            classify(RepoType::Dataset, "task_categories:qa", &d, &[]),
            ("task_categories".into(), "qa".into())
        );
        assert_eq!(
            classify(RepoType::Dataset, "y", &d, &[]),
            ("other".into(), "y".into())
        );
    }
}
