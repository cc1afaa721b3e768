//! Evaluation results that model repositories publish in `.eval_results/*.yaml`: each file is a
//! YAML list of scores, `{dataset: {id, task_id, revision?}, value, verifyToken?, date?,
//! source?: {url, name?, user?, org?}, notes?}`. Benchmark datasets (those with an `eval.yaml`
//! at their root) rank the models by these scores.

use super::yaml_to_json;
use serde_json::{Map, Number, Value};
use yaml_rust2::YamlLoader;

/// Folder of a model repository holding its result files.
pub const EVAL_RESULTS_DIR: &str = ".eval_results";
/// File at the root of a dataset that makes it a benchmark.
pub const BENCHMARK_FILE: &str = "eval.yaml";
/// Result files larger than this are not read (they hold a handful of short entries).
pub const MAX_RESULT_FILE_BYTES: u64 = 1 << 20;

/// One score from a result file.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub dataset_id: String,
    pub task_id: Option<String>,
    pub value: Number,
    pub source: Option<Map<String, Value>>,
    pub notes: Option<String>,
}

impl Score {
    /// The value as a float, for ranking.
    pub fn rank_value(&self) -> f64 {
        self.value.as_f64().unwrap_or(f64::NAN)
    }
}

/// Whether a repository path is a result file (`.eval_results/<name>.yaml` or `.yml`).
pub fn is_result_file(path: &str) -> bool {
    path.strip_prefix(EVAL_RESULTS_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| {
            !name.contains('/') && (name.ends_with(".yaml") || name.ends_with(".yml"))
        })
}

/// The scores of a result file. Entries that are not well formed (no dataset id, a value that
/// is not a finite number) are skipped, as is a file that is not a YAML list: one bad file
/// must not hide the other models' results.
pub fn parse_scores(text: &str) -> Vec<Score> {
    let Ok(docs) = YamlLoader::load_from_str(text) else {
        return Vec::new();
    };
    let Some(Value::Array(items)) = docs.first().map(yaml_to_json) else {
        return Vec::new();
    };
    items.iter().filter_map(score).collect()
}

fn score(item: &Value) -> Option<Score> {
    let dataset = item.get("dataset")?.as_object()?;
    let dataset_id = dataset.get("id")?.as_str()?.to_string();
    // `yaml_to_json` already turned `.nan` and `.inf` into null; integers and floats remain.
    let value = item.get("value")?.as_number()?.clone();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    Some(Score {
        dataset_id,
        task_id: text(dataset.get("task_id")),
        value,
        source: item.get("source").and_then(Value::as_object).cloned(),
        notes: text(item.get("notes")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_skips_malformed_ones() {
        let text = "\
- dataset: {id: cais/hle, task_id: hle}
  value: 22.1
  source: {url: 'https://example.org', name: Paper}
  notes: With tools
- dataset: {id: other/bench}
  value: 3
- dataset: {task_id: missing-id}
  value: 1
- dataset: {id: cais/hle}
  value: not-a-number
- dataset: {id: cais/hle}
  value: .nan
- just a string
";
        let scores = parse_scores(text);
        assert_eq!(scores.len(), 2);
        assert_eq!(scores[0].dataset_id, "cais/hle");
        assert_eq!(scores[0].task_id.as_deref(), Some("hle"));
        assert_eq!(scores[0].rank_value(), 22.1);
        assert_eq!(scores[0].notes.as_deref(), Some("With tools"));
        assert_eq!(
            scores[0].source.as_ref().and_then(|s| s.get("name")),
            Some(&Value::from("Paper"))
        );
        assert_eq!(scores[1].value, Number::from(3));
        assert_eq!(scores[1].task_id, None);
    }

    #[test]
    fn non_list_or_invalid_yaml_gives_nothing() {
        assert!(parse_scores("dataset: {id: a/b}\nvalue: 1\n").is_empty());
        assert!(parse_scores("- [unclosed").is_empty());
        assert!(parse_scores("").is_empty());
    }

    #[test]
    fn result_files_are_yaml_files_directly_in_the_folder() {
        assert!(is_result_file(".eval_results/hle.yaml"));
        assert!(is_result_file(".eval_results/hle.yml"));
        assert!(!is_result_file(".eval_results/sub/hle.yaml"));
        assert!(!is_result_file(".eval_results/hle.json"));
        assert!(!is_result_file("eval_results/hle.yaml"));
        assert!(!is_result_file(".eval_resultsx/hle.yaml"));
    }
}
