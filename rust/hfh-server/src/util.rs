//! Small helpers shared by the routes: percent-decoding, query and form parsing,
//! repo-path validation, time formatting and random identifiers.

use crate::errors::HubError;
use std::time::{SystemTime, UNIX_EPOCH};

/// Percent-decodes one URL path segment or query component. `plus_as_space` is
/// for `application/x-www-form-urlencoded` data (query strings and form bodies).
pub fn percent_decode(input: &str, plus_as_space: bool) -> Result<String, HubError> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => out.push(b),
                    None => return Err(HubError::bad_request("Invalid percent-encoding in URL")),
                }
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| HubError::bad_request("Invalid UTF-8 in URL"))
}

/// Parses `a=1&b=2&a=3` (query string or form body) into ordered pairs; repeated keys are kept.
pub fn parse_form(input: &str) -> Result<Vec<(String, String)>, HubError> {
    let mut out = Vec::new();
    for pair in input.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((percent_decode(k, true)?, percent_decode(v, true)?));
    }
    Ok(out)
}

/// Parsed query parameters with the lookups the Hub routes need.
#[derive(Debug, Default, Clone)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Result<Self, HubError> {
        Ok(Query(parse_form(raw.unwrap_or(""))?))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `true`/`1` are true; anything else (or absent) is false.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1" | "True"))
    }
}

/// Validates and normalises a path inside a repository (as sent in commit lines).
/// Rejects absolute paths, `.`/`..`/empty segments, backslashes, NUL and `.git` segments.
pub fn validate_repo_path(path: &str) -> Result<String, HubError> {
    let invalid = |why: &str| HubError::bad_request(format!("Invalid path '{path}': {why}"));
    if path.is_empty() {
        return Err(invalid("empty path"));
    }
    if path.starts_with('/') {
        return Err(invalid("absolute paths are not allowed"));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(invalid("backslashes and NUL characters are not allowed"));
    }
    if path.len() > 4096 {
        return Err(invalid("path too long"));
    }
    for seg in path.split('/') {
        match seg {
            "" => return Err(invalid("empty path segment")),
            "." | ".." => return Err(invalid("relative path segments are not allowed")),
            ".git" => return Err(invalid("cannot update files under a '.git/' folder")),
            _ => {}
        }
    }
    Ok(path.to_string())
}

/// Validates a repository or namespace name the way the Hub does (`[\w\-.]{1,96}`, no
/// leading/trailing `-` or `.`, no `--` or `..`, not ending in `.git`).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 96
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !name.starts_with(['-', '.'])
        && !name.ends_with(['-', '.'])
        && !name.contains("--")
        && !name.contains("..")
        && !name.ends_with(".git")
}

pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Formats Unix milliseconds as the Hub does: `2024-01-02T03:04:05.678Z`.
pub fn iso8601(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("OS random number generator unavailable");
    hex::encode(buf)
}

/// A Hub-style access token: `hf_` followed by 34 random letters.
pub fn random_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 34];
    getrandom::fill(&mut buf).expect("OS random number generator unavailable");
    let body: String = buf
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("hf_{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encoded_slashes() {
        assert_eq!(percent_decode("refs%2Fpr%2F1", false).unwrap(), "refs/pr/1");
        assert_eq!(percent_decode("a+b", false).unwrap(), "a+b");
        assert_eq!(percent_decode("a+b", true).unwrap(), "a b");
        assert!(percent_decode("%zz", false).is_err());
        assert!(percent_decode("%4", false).is_err());
        assert!(percent_decode("%ff", false).is_err());
    }

    #[test]
    fn form_keeps_repeated_keys() {
        let q = Query(parse_form("paths=a&paths=b%2Fc&expand=false").unwrap());
        assert_eq!(q.all("paths"), vec!["a", "b/c"]);
        assert!(!q.flag("expand"));
    }

    #[test]
    fn path_validation() {
        for ok in [
            "a",
            "a/b.txt",
            ".gitignore",
            "x.git/y",
            ".gitattributes",
            "dir/.git_x",
        ] {
            assert!(validate_repo_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            ".git/config",
            "a/.git/x",
            "a\\b",
            "./a",
            "a/",
        ] {
            assert!(validate_repo_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(valid_name("my-model_1.0"));
        for bad in ["", "-a", "a.", "a--b", "a..b", "x.git", "a/b", "a b"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn tokens_look_like_hub_tokens() {
        let t = random_token();
        assert!(t.starts_with("hf_") && t.len() == 37);
        assert_eq!(random_hex(12).len(), 24);
    }
}
