//! Repository cards (`README.md`): the YAML metadata block at the top of the file, parsed into
//! JSON (`cardData`), and what the Hub derives from it for repository info and listings
//! (tags, `pipeline_tag`, `library_name`, a Space's SDK and linked repositories).

pub mod eval_results;
pub mod validate;

use crate::errors::HubResult;
use crate::store::blobs::BlobStore;
use crate::store::repos::RepoType;
use crate::store::trees;
use rusqlite::Connection;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use yaml_rust2::{Yaml, YamlLoader};

pub const CARD_PATH: &str = "README.md";
/// Only this much of a README is read for its metadata (the block sits at the top).
const MAX_CARD_BYTES: u64 = 1 << 20;
/// Parsed cards kept in memory (keyed by content sha256, so entries never go stale).
const CACHE_CAPACITY: usize = 4096;

/// The metadata block of a card, located the way the client locates it: optional leading
/// whitespace, a `---` line, the YAML, then a line that is `---` (trailing blanks allowed).
#[derive(Debug, PartialEq, Eq)]
pub enum FrontMatter<'a> {
    Missing,
    /// Opened with `---` but never closed.
    Unclosed,
    /// The YAML text between the two delimiter lines.
    Block(&'a str),
}

pub fn front_matter(content: &str) -> FrontMatter<'_> {
    let Some(after) = content.trim_start().strip_prefix("---") else {
        return FrontMatter::Missing;
    };
    let body = match after.strip_prefix("\r\n") {
        Some(b) => b,
        None => match after.strip_prefix(['\n', '\r']) {
            Some(b) => b,
            None => return FrontMatter::Missing,
        },
    };
    // Walk the lines; `block_end` is where the line break before the current line starts, so
    // a closing line right after the opening one gives an empty block.
    let (mut line_start, mut block_end) = (0, 0);
    loop {
        if is_closing_line(&body[line_start..]) {
            return FrontMatter::Block(&body[..block_end]);
        }
        let Some(offset) = body[line_start..].find(['\n', '\r']) else {
            return FrontMatter::Unclosed;
        };
        let brk = line_start + offset;
        block_end = brk;
        line_start = brk
            + if body[brk..].starts_with("\r\n") {
                2
            } else {
                1
            };
    }
}

fn is_closing_line(rest: &str) -> bool {
    rest.strip_prefix("---").is_some_and(|tail| {
        let tail = tail.trim_start_matches([' ', '\t']);
        tail.is_empty() || tail.starts_with(['\n', '\r'])
    })
}

/// Why a metadata block could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataError {
    /// Not YAML; the parser's message with its position.
    Syntax(String),
    /// Valid YAML whose top level is not a mapping.
    NotAMapping,
}

/// Parses the YAML of a metadata block. `Ok(None)` for an empty block (or a lone `null`).
pub fn parse_metadata(yaml: &str) -> Result<Option<Map<String, Value>>, MetadataError> {
    let docs = YamlLoader::load_from_str(yaml).map_err(|e| {
        MetadataError::Syntax(format!(
            "{} (line {}, column {})",
            e.info(),
            e.marker().line(),
            e.marker().col() + 1
        ))
    })?;
    match docs.first().map(yaml_to_json) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(MetadataError::NotAMapping),
    }
}

/// YAML → JSON. Non-string mapping keys are written as text; `.nan`/`.inf` become `null`.
pub fn yaml_to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(s) => y
            .as_f64()
            .or_else(|| s.parse::<f64>().ok())
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| (key_text(k), yaml_to_json(v)))
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

fn key_text(k: &Yaml) -> String {
    match yaml_to_json(k) {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

type CardCache = Mutex<HashMap<String, Option<Arc<Map<String, Value>>>>>;

fn cache() -> &'static CardCache {
    static CACHE: OnceLock<CardCache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The metadata of the card in tree `tree_oid`, if there is a card with usable metadata
/// (a missing, unclosed or invalid block gives `None`, as on the Hub's repository pages).
pub fn load(
    conn: &Connection,
    blobs: &BlobStore,
    tree_oid: &str,
) -> HubResult<Option<Arc<Map<String, Value>>>> {
    let Some(file) = trees::lookup(conn, tree_oid, CARD_PATH)?.and_then(|e| e.file) else {
        return Ok(None);
    };
    if let Some(hit) = cache()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&file.sha256)
    {
        return Ok(hit.clone());
    }
    let bytes = blobs.read_range(conn, &file.sha256, 0, file.size.min(MAX_CARD_BYTES))?;
    let text = String::from_utf8_lossy(&bytes);
    let parsed = match front_matter(&text) {
        FrontMatter::Block(yaml) => parse_metadata(yaml).ok().flatten().map(Arc::new),
        FrontMatter::Missing | FrontMatter::Unclosed => None,
    };
    let mut guard = cache().lock().unwrap_or_else(|p| p.into_inner());
    if guard.len() >= CACHE_CAPACITY {
        guard.clear();
    }
    guard.insert(file.sha256, parsed.clone());
    Ok(parsed)
}

/// What the Hub derives from a card's metadata.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Derived {
    pub tags: Vec<String>,
    pub pipeline_tag: Option<String>,
    pub library_name: Option<String>,
    /// Spaces: the SDK (the card's `sdk`, else the one chosen at creation).
    pub sdk: Option<String>,
    /// Spaces: the models and datasets the card links to.
    pub models: Vec<String>,
    pub datasets: Vec<String>,
}

/// A string, or the strings of a list (other items ignored).
pub fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

/// Card metadata keys that become `<key>:<value>` tags on datasets (the `list_datasets`
/// filters), in the order they are added.
const DATASET_TAG_KEYS: &[&str] = &[
    "task_categories",
    "task_ids",
    "language",
    "multilinguality",
    "size_categories",
    "language_creators",
];

/// Tags and fields derived from `data` for a repository of type `kind`.
pub fn derive(
    kind: RepoType,
    data: Option<&Map<String, Value>>,
    repo_sdk: Option<&str>,
) -> Derived {
    let empty = Map::new();
    let data = data.unwrap_or(&empty);
    let mut d = Derived::default();
    let mut tags: Vec<String> = Vec::new();
    match kind {
        RepoType::Model => {
            d.library_name = string(data.get("library_name"));
            d.pipeline_tag = string(data.get("pipeline_tag"));
            tags.extend(d.library_name.clone());
            tags.extend(d.pipeline_tag.clone());
            tags.extend(strings(data.get("tags")));
            tags.extend(
                strings(data.get("datasets"))
                    .into_iter()
                    .map(|x| format!("dataset:{x}")),
            );
            tags.extend(strings(data.get("language")));
        }
        RepoType::Dataset => {
            tags.extend(strings(data.get("tags")));
            for key in DATASET_TAG_KEYS {
                tags.extend(
                    strings(data.get(*key))
                        .into_iter()
                        .map(|x| format!("{key}:{x}")),
                );
            }
        }
        RepoType::Space => {
            d.sdk = string(data.get("sdk")).or_else(|| repo_sdk.map(str::to_string));
            d.models = strings(data.get("models"));
            d.datasets = strings(data.get("datasets"));
            tags.extend(d.sdk.clone());
            tags.extend(strings(data.get("tags")));
        }
    }
    tags.extend(
        strings(data.get("license"))
            .into_iter()
            .map(|x| format!("license:{x}")),
    );
    let mut seen = std::collections::HashSet::new();
    d.tags = tags
        .into_iter()
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_metadata_block() {
        use FrontMatter::*;
        assert_eq!(front_matter("---\na: 1\n---\nbody"), Block("a: 1"));
        assert_eq!(
            front_matter("\n\n---\r\na: 1\r\nb: 2\r\n---  \r\n"),
            Block("a: 1\r\nb: 2")
        );
        assert_eq!(front_matter("---\n---\n"), Block(""));
        assert_eq!(front_matter("---\na: 1\n---"), Block("a: 1"));
        assert_eq!(front_matter("---\na: 1\n----\n"), Unclosed);
        assert_eq!(front_matter("---\na: 1\n"), Unclosed);
        assert_eq!(front_matter("# Title\n---\na: 1\n---\n"), Missing);
        assert_eq!(front_matter("---a\n---\n"), Missing);
        assert_eq!(front_matter(""), Missing);
    }

    #[test]
    fn parses_yaml_into_json() {
        let m =
            parse_metadata("license: mit\ntags: [a, b]\nn: 3\nx: 1.5\nok: true\nz: ~\n1: one\n")
                .unwrap()
                .unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"license": "mit", "tags": ["a", "b"], "n": 3, "x": 1.5, "ok": true, "z": null, "1": "one"})
        );
        assert_eq!(parse_metadata("").unwrap(), None);
        assert_eq!(parse_metadata("~").unwrap(), None);
        assert_eq!(
            parse_metadata("- a\n").unwrap_err(),
            MetadataError::NotAMapping
        );
        let MetadataError::Syntax(msg) = parse_metadata("a: 1\na: 2\n").unwrap_err() else {
            panic!("duplicate keys must be a syntax error")
        };
        assert!(
            msg.contains("duplicated key") && msg.contains("line 2"),
            "{msg}"
        );
    }

    #[test]
    fn derives_tags_per_repo_type() {
        let data = json!({"license": "mit", "tags": ["x", "mit"], "library_name": "transformers",
            "pipeline_tag": "text-classification", "datasets": ["squad"], "language": ["en", "fr"]});
        let data = data.as_object().unwrap();
        let m = derive(RepoType::Model, Some(data), None);
        assert_eq!(
            m.tags,
            [
                "transformers",
                "text-classification",
                "x",
                "mit",
                "dataset:squad",
                "en",
                "fr",
                "license:mit"
            ]
        );
        assert_eq!(m.pipeline_tag.as_deref(), Some("text-classification"));
        let d = derive(
            RepoType::Dataset,
            Some(
                json!({"language": "en", "task_categories": ["qa"], "license": ["mit", "cc0-1.0"]})
                    .as_object()
                    .unwrap(),
            ),
            None,
        );
        assert_eq!(
            d.tags,
            [
                "task_categories:qa",
                "language:en",
                "license:mit",
                "license:cc0-1.0"
            ]
        );
        let s = derive(RepoType::Space, None, Some("gradio"));
        assert_eq!(
            (s.tags, s.sdk.as_deref()),
            (vec!["gradio".to_string()], Some("gradio"))
        );
        let s = derive(
            RepoType::Space,
            Some(
                json!({"sdk": "docker", "models": ["a/b"], "tags": ["t"]})
                    .as_object()
                    .unwrap(),
            ),
            Some("gradio"),
        );
        assert_eq!(
            (s.tags, s.models),
            (
                vec!["docker".to_string(), "t".into()],
                vec!["a/b".to_string()]
            )
        );
    }
}
