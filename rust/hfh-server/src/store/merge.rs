//! What a pull request changes: merge base, file-level three-way merge (conflicts) and the
//! unified diff shown in the discussion details.

use super::blobs::BlobStore;
use super::commits::{self, NewCommit, Op};
use super::repos;
use super::textdiff;
use super::trees::{self, FileEntry};
use crate::errors::HubResult;
use crate::git;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

pub type Files = BTreeMap<String, FileEntry>;

/// Regular files above this size are reported as binary in diffs instead of being read.
const MAX_DIFF_BLOB: u64 = 1024 * 1024;

/// The nearest common ancestor of two commits (breadth-first over all parents).
pub fn merge_base(conn: &Connection, repo_id: i64, a: &str, b: &str) -> HubResult<Option<String>> {
    let mut ancestors_of_a = HashSet::new();
    let mut queue = VecDeque::from([a.to_string()]);
    while let Some(c) = queue.pop_front() {
        if ancestors_of_a.insert(c.clone()) {
            queue.extend(repos::get_commit(conn, repo_id, &c)?.parents);
        }
    }
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([b.to_string()]);
    while let Some(c) = queue.pop_front() {
        if ancestors_of_a.contains(&c) {
            return Ok(Some(c));
        }
        if seen.insert(c.clone()) {
            queue.extend(repos::get_commit(conn, repo_id, &c)?.parents);
        }
    }
    Ok(None)
}

/// The files of a commit.
pub fn files_of(conn: &Connection, repo_id: i64, commit: &str) -> HubResult<Files> {
    let c = repos::get_commit(conn, repo_id, commit)?;
    trees::flatten(conn, &c.tree_oid)
}

/// Result of merging a pull request's files into its target's.
#[derive(Debug, Default)]
pub struct Merged {
    pub files: Files,
    /// Paths changed differently on both sides (sorted).
    pub conflicts: Vec<String>,
}

/// File-level three-way merge: a path changed on one side only takes that side; a path
/// changed identically on both sides is fine; anything else conflicts. A file on one side
/// where the other side has a folder of the same name conflicts too.
pub fn three_way(base: &Files, target: &Files, head: &Files) -> Merged {
    let paths: BTreeSet<&String> = base
        .keys()
        .chain(target.keys())
        .chain(head.keys())
        .collect();
    let mut merged = Merged::default();
    for path in paths {
        let (b, t, h) = (base.get(path), target.get(path), head.get(path));
        let pick = if h == b {
            t
        } else if t == b || t == h {
            h
        } else {
            merged.conflicts.push(path.clone());
            continue;
        };
        if let Some(f) = pick {
            merged.files.insert(path.clone(), f.clone());
        }
    }
    // A path cannot be both a file and a folder.
    let clashes: Vec<String> = merged
        .files
        .keys()
        .filter(|p| {
            let prefix = format!("{p}/");
            merged
                .files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(q, _)| q.starts_with(&prefix))
        })
        .cloned()
        .collect();
    for p in clashes {
        merged.files.remove(&p);
        merged.conflicts.push(p);
    }
    merged.conflicts.sort();
    merged.conflicts.dedup();
    merged
}

/// Why a pull request cannot be merged.
#[derive(Debug)]
pub enum MergeError {
    Conflicts(Vec<String>),
    Other(crate::errors::HubError),
}

impl From<crate::errors::HubError> for MergeError {
    fn from(e: crate::errors::HubError) -> Self {
        MergeError::Other(e)
    }
}

impl From<rusqlite::Error> for MergeError {
    fn from(e: rusqlite::Error) -> Self {
        MergeError::Other(e.into())
    }
}

/// The commit a squash merge creates.
pub struct SquashCommit {
    pub summary: String,
    pub description: String,
    pub author: String,
    pub now: i64,
}

/// Squash-merges `head` into the branch `target_ref` (as the Hub does): one new commit on top
/// of the branch with the merged tree. Returns the new commit id, or `None` when the branch
/// already contains every change of the pull request (nothing is committed then).
/// Call inside a transaction.
pub fn squash_merge(
    conn: &Connection,
    repo: &super::repos::Repo,
    target_ref: &str,
    head: &str,
    commit: &SquashCommit,
) -> Result<Option<String>, MergeError> {
    let target = repos::get_ref(conn, repo.id, target_ref)?.ok_or_else(|| {
        crate::errors::HubError::revision_not_found(
            target_ref.strip_prefix("refs/heads/").unwrap_or(target_ref),
        )
    })?;
    let base = merge_base(conn, repo.id, head, &target)?;
    let base_files = match &base {
        Some(b) => files_of(conn, repo.id, b)?,
        None => Files::new(),
    };
    let target_files = files_of(conn, repo.id, &target)?;
    let head_files = files_of(conn, repo.id, head)?;
    let merged = three_way(&base_files, &target_files, &head_files);
    if !merged.conflicts.is_empty() {
        return Err(MergeError::Conflicts(merged.conflicts));
    }
    if merged.files == target_files {
        return Ok(None);
    }
    // Express the merged tree as operations on the branch head.
    let mut ops: Vec<Op> = target_files
        .keys()
        .filter(|p| !merged.files.contains_key(*p))
        .map(|p| Op::DeleteFile { path: p.clone() })
        .collect();
    ops.extend(
        merged
            .files
            .iter()
            .filter(|(p, f)| target_files.get(*p) != Some(f))
            .map(|(p, f)| Op::Put {
                path: p.clone(),
                entry: f.clone(),
            }),
    );
    let new = NewCommit {
        summary: commit.summary.clone(),
        description: commit.description.clone(),
        parent_commit: Some(target),
        author: commit.author.clone(),
        ops,
        now: commit.now,
    };
    Ok(Some(commits::commit_in(conn, repo, target_ref, &new)?))
}

/// Text of a file for diffing: the pointer for LFS files, `None` when binary or too large.
fn diff_text(conn: &Connection, blobs: &BlobStore, f: &FileEntry) -> HubResult<Option<String>> {
    if f.lfs {
        return Ok(Some(git::lfs_pointer(&f.sha256, f.size)));
    }
    if f.size > MAX_DIFF_BLOB {
        return Ok(None);
    }
    let bytes = blobs.read_all(conn, &f.sha256, f.size)?;
    if bytes[..bytes.len().min(8000)].contains(&0) {
        return Ok(None);
    }
    Ok(String::from_utf8(bytes).ok())
}

fn short(oid: &str) -> &str {
    &oid[..oid.len().min(7)]
}

/// `git diff old new` over two file maps, in git's format (paths in order).
pub fn unified_diff(
    conn: &Connection,
    blobs: &BlobStore,
    old: &Files,
    new: &Files,
) -> HubResult<String> {
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = String::new();
    for path in paths {
        let (o, n) = (old.get(path), new.get(path));
        if o == n {
            continue;
        }
        out.push_str(&format!("diff --git a/{path} b/{path}\n"));
        let (a_name, b_name) = match (o, n) {
            (None, Some(n)) => {
                out.push_str(&format!(
                    "new file mode {}\nindex 0000000..{}\n",
                    git::MODE_FILE,
                    short(&n.oid)
                ));
                ("/dev/null".to_string(), format!("b/{path}"))
            }
            (Some(o), None) => {
                out.push_str(&format!(
                    "deleted file mode {}\nindex {}..0000000\n",
                    git::MODE_FILE,
                    short(&o.oid)
                ));
                (format!("a/{path}"), "/dev/null".to_string())
            }
            (Some(o), Some(n)) => {
                out.push_str(&format!(
                    "index {}..{} {}\n",
                    short(&o.oid),
                    short(&n.oid),
                    git::MODE_FILE
                ));
                (format!("a/{path}"), format!("b/{path}"))
            }
            (None, None) => continue,
        };
        let old_text = o.map(|f| diff_text(conn, blobs, f)).transpose()?;
        let new_text = n.map(|f| diff_text(conn, blobs, f)).transpose()?;
        match (old_text, new_text) {
            (Some(None), _) | (_, Some(None)) => {
                out.push_str(&format!("Binary files {a_name} and {b_name} differ\n"));
            }
            (a, b) => {
                let a = a.flatten().unwrap_or_default();
                let b = b.flatten().unwrap_or_default();
                let body = textdiff::hunks(&a, &b);
                if !body.is_empty() {
                    out.push_str(&format!("--- {a_name}\n+++ {b_name}\n{body}"));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(tag: &str) -> FileEntry {
        FileEntry {
            oid: git::blob_oid(tag.as_bytes()),
            size: tag.len() as u64,
            sha256: String::new(),
            lfs: false,
        }
    }

    fn files(entries: &[(&str, &str)]) -> Files {
        entries.iter().map(|(p, t)| (p.to_string(), f(t))).collect()
    }

    #[test]
    fn one_sided_changes_merge() {
        let base = files(&[("a", "1"), ("b", "1"), ("c", "1")]);
        let target = files(&[("a", "2"), ("b", "1"), ("c", "1"), ("t", "1")]);
        let head = files(&[("a", "1"), ("b", "3"), ("h", "1")]);
        let m = three_way(&base, &target, &head);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            m.files,
            files(&[("a", "2"), ("b", "3"), ("h", "1"), ("t", "1")])
        );
    }

    #[test]
    fn two_sided_changes_conflict() {
        let base = files(&[("a", "1"), ("d", "1")]);
        let target = files(&[("a", "2"), ("x", "1")]);
        let head = files(&[("a", "3"), ("d", "2"), ("x", "2")]);
        let m = three_way(&base, &target, &head);
        // a: both changed; d: deleted vs modified; x: added twice differently
        assert_eq!(m.conflicts, vec!["a", "d", "x"]);
        // identical changes on both sides are fine
        let m = three_way(&base, &target, &target);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn file_folder_clash_conflicts() {
        let base = files(&[]);
        let target = files(&[("x", "1")]);
        let head = files(&[("x/y", "1")]);
        assert_eq!(three_way(&base, &target, &head).conflicts, vec!["x"]);
    }
}
