//! Which paths are LFS: the `filter=lfs` patterns of a `.gitattributes` file, matched with
//! git's wildmatch rules (the subset the Hub's defaults use: `*`, `?`, `**`, and
//! basename-only matching for patterns without a `/`).

/// LFS patterns parsed from a `.gitattributes` text.
#[derive(Debug, Clone, Default)]
pub struct LfsRules {
    /// (pattern, is_lfs): later lines override earlier ones, as in git.
    rules: Vec<(Pattern, bool)>,
}

/// A pattern, with the shapes almost every `.gitattributes` line has (`*.bin`, `model.pt`) told
/// apart from general globs: a preupload of thousands of paths tries every rule on each, and a
/// suffix or equality test costs nothing next to a memoised glob match.
#[derive(Debug, Clone)]
enum Pattern {
    /// No wildcard: the whole name must be equal.
    Literal(String),
    /// `*` followed by a literal without `/`: the name must end with it.
    Suffix(String),
    Glob(String),
}

impl Pattern {
    fn new(pattern: &str) -> Pattern {
        let wild = |c: char| c == '*' || c == '?';
        match pattern.strip_prefix('*') {
            _ if !pattern.contains(wild) => Pattern::Literal(pattern.to_string()),
            Some(rest) if !rest.contains(wild) && !rest.contains('/') => {
                Pattern::Suffix(rest.to_string())
            }
            _ => Pattern::Glob(pattern.to_string()),
        }
    }

    fn matches(&self, name: &str) -> bool {
        match self {
            Pattern::Literal(literal) => name == literal,
            Pattern::Suffix(suffix) => name.ends_with(suffix.as_str()),
            Pattern::Glob(glob) => wildmatch(glob.as_bytes(), name.as_bytes()),
        }
    }

    fn text(&self) -> &str {
        match self {
            Pattern::Literal(text) | Pattern::Suffix(text) | Pattern::Glob(text) => text,
        }
    }
}

impl LfsRules {
    pub fn parse(text: &str) -> Self {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let mut lfs = None;
            for attr in parts {
                match attr {
                    "filter=lfs" => lfs = Some(true),
                    "-filter" | "!filter" => lfs = Some(false),
                    a if a.starts_with("filter=") => lfs = Some(false),
                    _ => {}
                }
            }
            if let Some(lfs) = lfs {
                // A leading `/` only anchors the pattern at the root, where it is matched anyway.
                rules.push((Pattern::new(pattern.trim_start_matches('/')), lfs));
            }
        }
        LfsRules { rules }
    }

    /// True if the last matching rule marks `path` as LFS.
    pub fn is_lfs(&self, path: &str) -> bool {
        let base = path.rsplit('/').next().unwrap_or(path);
        self.rules
            .iter()
            .rev()
            .find(|(pattern, _)| {
                if pattern.text().contains('/') {
                    pattern.matches(path)
                } else {
                    pattern.matches(base)
                }
            })
            .is_some_and(|(_, lfs)| *lfs)
    }
}

/// Glob match: `**` crosses `/`, `*` and `?` do not. Memoised, so O(|p| * |s|) whatever
/// the pattern (patterns and paths both come from users).
fn wildmatch(p: &[u8], s: &[u8]) -> bool {
    let mut memo = vec![None; (p.len() + 1) * (s.len() + 1)];
    wm(p, s, 0, 0, &mut memo)
}

fn wm(p: &[u8], s: &[u8], i: usize, j: usize, memo: &mut [Option<bool>]) -> bool {
    let key = i * (s.len() + 1) + j;
    if let Some(v) = memo[key] {
        return v;
    }
    let v = match p.get(i) {
        None => j == s.len(),
        Some(b'*') if p.get(i + 1) == Some(&b'*') => {
            // `**/` also matches zero directories; `**` consumes any byte, `/` included
            (p.get(i + 2) == Some(&b'/') && wm(p, s, i + 3, j, memo))
                || wm(p, s, i + 2, j, memo)
                || (j < s.len() && wm(p, s, i, j + 1, memo))
        }
        Some(b'*') => {
            wm(p, s, i + 1, j, memo) || (j < s.len() && s[j] != b'/' && wm(p, s, i, j + 1, memo))
        }
        Some(b'?') => j < s.len() && s[j] != b'/' && wm(p, s, i + 1, j + 1, memo),
        Some(c) => s.get(j) == Some(c) && wm(p, s, i + 1, j + 1, memo),
    };
    memo[key] = Some(v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_default_patterns() {
        let rules = LfsRules::parse(crate::routes::DEFAULT_GITATTRIBUTES);
        for lfs in [
            "model.bin",
            "a/b/weights.safetensors",
            "x.tar.gz",
            "events.out.tfevents.1",
            "saved_model/v/x.pb",
            "saved_model/a/b/c",
        ] {
            assert!(rules.is_lfs(lfs), "{lfs}");
        }
        for regular in [
            "README.md",
            "config.json",
            "bin",
            "a.binx",
            "saved_model",
            "x.tar",
        ] {
            assert_eq!(rules.is_lfs(regular), regular == "x.tar", "{regular}");
        }
    }

    #[test]
    fn later_rules_win_and_comments_are_skipped() {
        let rules =
            LfsRules::parse("# c\n*.png filter=lfs diff=lfs merge=lfs -text\nkeep.png -filter\n\n");
        assert!(rules.is_lfs("img/a.png"));
        assert!(!rules.is_lfs("keep.png"));
        assert!(!rules.is_lfs("a.jpg"));
    }

    #[test]
    fn literal_and_suffix_shapes_match_like_globs() {
        let rules = [
            "*.bin",
            "*",
            "a.txt",
            "*a",
            "dir/x.bin",
            "*/x.bin",
            "?.md",
            "**/*.pt",
            "*.",
            "**",
        ];
        let paths = [
            "a.txt",
            "b.bin",
            "bin",
            ".bin",
            "dir/x.bin",
            "d/e/x.bin",
            "x.md",
            "xy.md",
            "a",
            "q/a",
            "m.pt",
            "q/r/m.pt",
            "trail.",
            "",
        ];
        for rule in rules {
            let pattern = Pattern::new(rule);
            for path in paths {
                if !rule.contains('/') && path.contains('/') {
                    continue; // such rules only ever see base names
                }
                assert_eq!(
                    pattern.matches(path),
                    wildmatch(rule.as_bytes(), path.as_bytes()),
                    "{rule} against {path} ({pattern:?})"
                );
            }
        }
        assert!(matches!(Pattern::new("*.bin"), Pattern::Suffix(_)));
        assert!(matches!(Pattern::new("model.pt"), Pattern::Literal(_)));
        assert!(matches!(Pattern::new("*/x.bin"), Pattern::Glob(_)));
        assert!(matches!(Pattern::new("**.bin"), Pattern::Glob(_)));
    }

    #[test]
    fn globs() {
        assert!(wildmatch(b"a/**/b", b"a/b"));
        assert!(wildmatch(b"a/**/b", b"a/x/y/b"));
        assert!(!wildmatch(b"a/*/b", b"a/x/y/b"));
        assert!(wildmatch(b"?.txt", b"a.txt"));
        assert!(!wildmatch(b"*.txt", b"d/a.txt"));
        assert!(wildmatch(b"*", b""));
        assert!(!wildmatch(b"a", b""));
        // pathological patterns stay fast
        let path = "a".repeat(2000);
        assert!(!wildmatch(b"*a*a*a*a*a*a*a*a*a*a*a*a*b", path.as_bytes()));
        assert!(!wildmatch(b"**a**a**a**a**a**a**b", path.as_bytes()));
    }
}
