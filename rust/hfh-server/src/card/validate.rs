//! What `POST /api/validate-yaml` checks in a card's metadata: the block must be YAML whose
//! top level is a mapping, and the well-known keys must have the Hub's types and values.
//! Messages follow the Hub's wording (`"license" must be one of [...]`). Keys not listed
//! here are free-form and accepted as they are.

use super::{front_matter, parse_metadata, FrontMatter, MetadataError};
use crate::store::repos::RepoType;
use crate::util::valid_name;
use serde_json::{Map, Value};

/// The Hub's license identifiers (`license:` in a card).
pub const LICENSES: &[&str] = &[
    "apache-2.0",
    "mit",
    "openrail",
    "bigscience-openrail-m",
    "creativeml-openrail-m",
    "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m",
    "afl-3.0",
    "artistic-2.0",
    "bsl-1.0",
    "bsd",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "c-uda",
    "cc",
    "cc0-1.0",
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    "cc-by-nc-2.0",
    "cc-by-nc-3.0",
    "cc-by-nc-4.0",
    "cc-by-nd-4.0",
    "cc-by-nc-nd-3.0",
    "cc-by-nc-nd-4.0",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0",
    "cdla-sharing-1.0",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "wtfpl",
    "ecl-2.0",
    "epl-1.0",
    "epl-2.0",
    "etalab-2.0",
    "eupl-1.1",
    "agpl-3.0",
    "gfdl",
    "gpl",
    "gpl-2.0",
    "gpl-3.0",
    "lgpl",
    "lgpl-2.1",
    "lgpl-3.0",
    "isc",
    "lppl-1.3c",
    "ms-pl",
    "mpl-2.0",
    "odc-by",
    "odbl",
    "openrail++",
    "osl-3.0",
    "postgresql",
    "ofl-1.1",
    "ncsa",
    "unlicense",
    "zlib",
    "pddl",
    "lgpl-lr",
    "deepfloyd-if-license",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "gemma",
    "unknown",
    "other",
];

const SPACE_SDKS: &[&str] = &["gradio", "streamlit", "docker", "static"];
const SPACE_COLORS: &[&str] = &[
    "red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray",
];
const SHORT_DESCRIPTION_MAX: usize = 60;

pub const EMPTY_METADATA: &str = "Empty or missing yaml metadata in repo card";

/// Errors and warnings for one card.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

pub fn validate(content: &str, kind: RepoType) -> Report {
    let mut report = Report::default();
    let yaml = match front_matter(content) {
        FrontMatter::Missing => {
            report.warnings.push(EMPTY_METADATA.to_string());
            return report;
        }
        FrontMatter::Unclosed => {
            report
                .errors
                .push("Metadata block is not closed: missing '---'".to_string());
            return report;
        }
        FrontMatter::Block(yaml) => yaml,
    };
    match parse_metadata(yaml) {
        Err(MetadataError::Syntax(msg)) => report
            .errors
            .push(format!("Invalid YAML in metadata: {msg}")),
        Err(MetadataError::NotAMapping) => report
            .errors
            .push("\"metadata\" must be of type object".to_string()),
        Ok(None) => report.warnings.push(EMPTY_METADATA.to_string()),
        Ok(Some(data)) => check_fields(&data, kind, &mut report.errors),
    }
    report
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A string, or a list of strings.
fn strings(data: &Map<String, Value>, key: &str, errors: &mut Vec<String>) {
    match data.get(key) {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_string() {
                    errors.push(format!("\"{key}[{i}]\" must be a string"));
                }
            }
        }
        Some(_) => errors.push(format!("\"{key}\" must be one of [string, array]")),
    }
}

fn typed(data: &Map<String, Value>, key: &str, want: &str, errors: &mut Vec<String>) {
    if let Some(v) = data.get(key).filter(|v| !v.is_null()) {
        if kind_of(v) != want {
            let article = if want == "array" || want == "object" {
                "an"
            } else {
                "a"
            };
            errors.push(format!("\"{key}\" must be {article} {want}"));
        }
    }
}

fn one_of(name: &str, v: &Value, allowed: &[&str], errors: &mut Vec<String>) {
    if !v.as_str().is_some_and(|s| allowed.contains(&s)) {
        errors.push(format!(
            "\"{name}\" must be one of [{}]",
            allowed.join(", ")
        ));
    }
}

/// `key` is one value of `allowed`, or (with `list`) a list of such values.
fn enumerated(
    data: &Map<String, Value>,
    key: &str,
    allowed: &[&str],
    list: bool,
    errors: &mut Vec<String>,
) {
    match data.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if list => {
            for (i, item) in items.iter().enumerate() {
                one_of(&format!("{key}[{i}]"), item, allowed, errors);
            }
        }
        Some(v) => one_of(key, v, allowed, errors),
    }
}

/// Repository ids (`name` or `namespace/name`), as `base_model` must hold.
fn repo_ids(data: &Map<String, Value>, key: &str, errors: &mut Vec<String>) {
    strings(data, key, errors);
    for id in super::strings(data.get(key)) {
        let ok = match id.split_once('/') {
            Some((ns, name)) => valid_name(ns) && valid_name(name) && !name.contains('/'),
            None => valid_name(&id),
        };
        if !ok {
            errors.push(format!(
                "\"{key}\" with value \"{id}\" is not a valid repository id"
            ));
        }
    }
}

fn check_fields(data: &Map<String, Value>, kind: RepoType, errors: &mut Vec<String>) {
    enumerated(data, "license", LICENSES, true, errors);
    for key in ["tags", "language"] {
        strings(data, key, errors);
    }
    for key in ["license_name", "license_link", "pretty_name", "thumbnail"] {
        typed(data, key, "string", errors);
    }
    match kind {
        RepoType::Model => {
            for key in ["library_name", "pipeline_tag"] {
                typed(data, key, "string", errors);
            }
            for key in ["datasets", "metrics"] {
                strings(data, key, errors);
            }
            repo_ids(data, "base_model", errors);
            typed(data, "model-index", "array", errors);
            if let Some(Value::Array(items)) = data.get("model-index") {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(o) => {
                            if !o.get("name").is_some_and(Value::is_string) {
                                errors.push(format!("\"model-index[{i}].name\" must be a string"));
                            }
                            if !o.get("results").is_some_and(Value::is_array) {
                                errors
                                    .push(format!("\"model-index[{i}].results\" must be an array"));
                            }
                        }
                        _ => errors.push(format!("\"model-index[{i}]\" must be of type object")),
                    }
                }
            }
            typed(data, "widget", "array", errors);
        }
        RepoType::Dataset => {
            for key in [
                "task_categories",
                "task_ids",
                "size_categories",
                "multilinguality",
                "language_creators",
                "annotations_creators",
                "source_datasets",
            ] {
                strings(data, key, errors);
            }
            typed(data, "configs", "array", errors);
        }
        RepoType::Space => {
            enumerated(data, "sdk", SPACE_SDKS, false, errors);
            for key in ["colorFrom", "colorTo"] {
                enumerated(data, key, SPACE_COLORS, false, errors);
            }
            for key in ["title", "emoji", "app_file"] {
                typed(data, key, "string", errors);
            }
            typed(data, "pinned", "boolean", errors);
            typed(data, "app_port", "number", errors);
            for key in ["models", "datasets"] {
                strings(data, key, errors);
            }
            typed(data, "short_description", "string", errors);
            if let Some(s) = data.get("short_description").and_then(Value::as_str) {
                if s.chars().count() > SHORT_DESCRIPTION_MAX {
                    errors.push(format!(
                        "\"short_description\" length must be less than or equal to {SHORT_DESCRIPTION_MAX} characters long"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(content: &str, kind: RepoType) -> Vec<String> {
        validate(content, kind).errors
    }

    #[test]
    fn empty_or_missing_metadata_is_a_warning() {
        for content in [
            "# No card data",
            "---\n---\n",
            "---\n\n---\n# x",
            "---\n~\n---\n",
        ] {
            let r = validate(content, RepoType::Model);
            assert_eq!(
                r,
                Report {
                    errors: vec![],
                    warnings: vec![EMPTY_METADATA.into()]
                },
                "{content:?}"
            );
        }
        let r = validate("---\nlicense: mit\n---\n", RepoType::Model);
        assert_eq!(r, Report::default());
    }

    #[test]
    fn syntax_errors_and_non_mappings() {
        let e = errors("---\na: [1, 2\n---\n", RepoType::Model);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("Invalid YAML in metadata: ") && e[0].contains("line"),
            "{e:?}"
        );
        let e = errors("---\nlicense: mit\nlicense: mit\n---\n", RepoType::Model);
        assert!(e[0].contains("duplicated key"), "{e:?}");
        assert_eq!(
            errors("---\n- a\n---\n", RepoType::Model),
            ["\"metadata\" must be of type object"]
        );
        assert_eq!(
            errors("---\nopen: true\n", RepoType::Model),
            ["Metadata block is not closed: missing '---'"]
        );
    }

    #[test]
    fn field_types_and_values() {
        // the Hub's own test card: model-index must be a list
        assert_eq!(
            errors(
                "\n---\nmodel-index: foo\n---\n\nThis is a modelcard\n",
                RepoType::Model
            ),
            ["\"model-index\" must be an array"]
        );
        let e = errors("---\nlicense: not-a-license\n---\n", RepoType::Model);
        assert!(
            e[0].starts_with("\"license\" must be one of [apache-2.0, mit, "),
            "{e:?}"
        );
        assert!(errors("---\nlicense: [mit, cc-by-4.0]\n---\n", RepoType::Dataset).is_empty());
        assert_eq!(
            errors("---\ntags: [a, 3]\n---\n", RepoType::Model),
            ["\"tags[1]\" must be a string"]
        );
        assert_eq!(
            errors("---\ntags: {a: 1}\n---\n", RepoType::Model),
            ["\"tags\" must be one of [string, array]"]
        );
        assert_eq!(
            errors("---\nlibrary_name: [a]\n---\n", RepoType::Model),
            ["\"library_name\" must be a string"]
        );
        assert_eq!(
            errors("---\nbase_model: /workspace/ckpt\n---\n", RepoType::Model),
            ["\"base_model\" with value \"/workspace/ckpt\" is not a valid repository id"]
        );
        assert!(errors(
            "---\nbase_model: [org/a, b]\nlanguage: en\n---\n",
            RepoType::Model
        )
        .is_empty());
        assert_eq!(
            errors("---\nmodel-index:\n- name: x\n---\n", RepoType::Model),
            ["\"model-index[0].results\" must be an array"]
        );
        assert_eq!(
            errors("---\ncolorFrom: orange\nsdk: gradio\n---\n", RepoType::Space),
            ["\"colorFrom\" must be one of [red, yellow, green, blue, indigo, purple, pink, gray]"]
        );
        let long = format!("---\nshort_description: {}\n---\n", "x".repeat(61));
        assert_eq!(
            errors(&long, RepoType::Space),
            ["\"short_description\" length must be less than or equal to 60 characters long"]
        );
        assert_eq!(
            errors("---\nsdk: flask\npinned: yes\n---\n", RepoType::Space).len(),
            2
        );
        // type-specific keys are only checked for their type
        assert!(errors("---\nsdk: flask\n---\n", RepoType::Model).is_empty());
        assert_eq!(
            errors("---\ntask_categories: 3\n---\n", RepoType::Dataset),
            ["\"task_categories\" must be one of [string, array]"]
        );
    }
}
