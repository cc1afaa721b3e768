//! Which paths are LFS: the `filter=lfs` patterns of a `.gitattributes` file, matched with
//! git's wildmatch rules (the subset the Hub's defaults use: `*`, `?`, `**`, and
//! basename-only matching for patterns without a `/`).

/// LFS patterns parsed from a `.gitattributes` text.
#[derive(Debug, Clone, Default)]
pub struct LfsRules {
    /// (pattern, is_lfs): later lines override earlier ones, as in git.
    rules: Vec<(String, bool)>,
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
                rules.push((pattern.to_string(), lfs));
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
                let pattern = pattern.trim_start_matches('/');
                if pattern.contains('/') {
                    wildmatch(pattern.as_bytes(), path.as_bytes())
                } else {
                    wildmatch(pattern.as_bytes(), base.as_bytes())
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
