//! Creating commits: apply operations to the parent tree, write the new trees, the commit
//! and the ref, all in one IMMEDIATE transaction.

use super::repos::{self, CommitRow, Repo};
use super::trees::{self, FileEntry};
use crate::errors::{HubError, HubResult};
use crate::git;
use axum::http::StatusCode;
use rusqlite::{Connection, TransactionBehavior};

/// One operation of a commit, already validated and with its content in the blob store.
#[derive(Debug, Clone)]
pub enum Op {
    Put { path: String, entry: FileEntry },
    DeleteFile { path: String },
    DeleteFolder { path: String },
}

#[derive(Debug, Clone)]
pub struct NewCommit {
    pub summary: String,
    pub description: String,
    /// Expected head of the branch (full or abbreviated, ≥ 5 hex); 412 on mismatch.
    pub parent_commit: Option<String>,
    pub author: String,
    pub ops: Vec<Op>,
    pub now: i64,
}

pub const PARENT_MISMATCH: &str =
    "The branch was updated since you opened this page. Please refresh and try again.";

fn apply_ops(
    files: &mut std::collections::BTreeMap<String, FileEntry>,
    ops: &[Op],
) -> HubResult<()> {
    for op in ops {
        match op {
            Op::Put { path, entry } => {
                // A file replaces a folder of the same name and vice versa, as in git.
                remove_below(files, path);
                let mut parent = path.as_str();
                while let Some((p, _)) = parent.rsplit_once('/') {
                    files.remove(p);
                    parent = p;
                }
                files.insert(path.clone(), entry.clone());
            }
            Op::DeleteFile { path } => {
                if files.remove(path).is_none() && !remove_folder(files, path) {
                    return Err(HubError::entry_not_found(format!(
                        "A file with this name doesn't exist: {path}"
                    )));
                }
            }
            Op::DeleteFolder { path } => {
                if !remove_folder(files, path.trim_end_matches('/')) {
                    return Err(HubError::entry_not_found(format!(
                        "A folder with this name doesn't exist: {path}"
                    )));
                }
            }
        }
    }
    Ok(())
}

fn remove_folder(files: &mut std::collections::BTreeMap<String, FileEntry>, path: &str) -> bool {
    let before = files.len();
    if path.is_empty() {
        files.clear();
    } else {
        remove_below(files, path);
    }
    files.len() != before
}

/// Removes the files below folder `path` (not `path` itself). The paths starting with `path/`
/// are contiguous in the sorted map, so this visits only them: a commit adding thousands of
/// files to a big tree must not scan the whole tree once per file.
fn remove_below(files: &mut std::collections::BTreeMap<String, FileEntry>, path: &str) {
    let prefix = format!("{path}/");
    let below: Vec<String> = files
        .range::<str, _>((
            std::ops::Bound::Included(prefix.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .map(|(p, _)| p)
        .take_while(|p| p.starts_with(&prefix))
        .cloned()
        .collect();
    for p in below {
        files.remove(&p);
    }
}

/// Commits `c` on `ref_name` (a full ref such as `refs/heads/main`, or a new ref when the
/// repository is empty) and returns the new commit id.
pub fn commit(
    conn: &mut Connection,
    repo: &Repo,
    ref_name: &str,
    c: &NewCommit,
) -> HubResult<String> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let oid = commit_in(&tx, repo, ref_name, c)?;
    tx.commit()?;
    Ok(oid)
}

/// The body of [`commit`], for callers that already hold a transaction.
pub fn commit_in(tx: &Connection, repo: &Repo, ref_name: &str, c: &NewCommit) -> HubResult<String> {
    let head = repos::get_ref(tx, repo.id, ref_name)?;
    if let Some(expected) = &c.parent_commit {
        let expected = expected.to_ascii_lowercase();
        let ok = head.as_deref().is_some_and(|h| h.starts_with(&expected)) && expected.len() >= 5;
        if !ok {
            return Err(HubError::new(
                StatusCode::PRECONDITION_FAILED,
                PARENT_MISMATCH,
            ));
        }
    }
    let (mut files, parents) = match &head {
        Some(h) => {
            let parent = repos::get_commit(tx, repo.id, h)?;
            (trees::flatten(tx, &parent.tree_oid)?, vec![h.clone()])
        }
        None => (Default::default(), vec![]),
    };
    apply_ops(&mut files, &c.ops)?;
    let tree_oid = trees::write_tree(tx, &files)?;
    let message = if c.description.is_empty() {
        c.summary.clone()
    } else {
        format!("{}\n\n{}", c.summary, c.description)
    };
    let email = format!("{}@users.noreply.huggingface.co", c.author);
    let oid = git::commit_oid(&git::CommitObject {
        tree: &tree_oid,
        parents: &parents,
        author: &c.author,
        email: &email,
        time_millis: c.now,
        message: &message,
    });
    repos::insert_commit(
        tx,
        repo.id,
        &CommitRow {
            oid: oid.clone(),
            tree_oid,
            parents,
            author: c.author.clone(),
            title: c.summary.clone(),
            message: c.description.clone(),
            created_at: c.now,
        },
    )?;
    repos::set_ref(tx, repo.id, ref_name, &oid)?;
    repos::touch_repo(tx, repo.id, c.now)?;
    Ok(oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: &str) -> FileEntry {
        FileEntry {
            oid: git::blob_oid(n.as_bytes()),
            size: n.len() as u64,
            sha256: String::new(),
            lfs: false,
        }
    }

    fn put(p: &str) -> Op {
        Op::Put {
            path: p.into(),
            entry: f(p),
        }
    }

    #[test]
    fn ops_edit_the_file_map() {
        let mut files = Default::default();
        apply_ops(
            &mut files,
            &[put("a/b.txt"), put("a/c/d.txt"), put("e.txt")],
        )
        .unwrap();
        assert_eq!(files.len(), 3);
        apply_ops(
            &mut files,
            &[Op::DeleteFolder {
                path: "a/c/".into(),
            }],
        )
        .unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), vec!["a/b.txt", "e.txt"]);
        // deletedFile naming a folder is accepted (as on the Hub)
        apply_ops(&mut files, &[Op::DeleteFile { path: "a".into() }]).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), vec!["e.txt"]);
        let err = apply_ops(
            &mut files,
            &[Op::DeleteFile {
                path: "nope".into(),
            }],
        )
        .unwrap_err();
        assert_eq!(err.code, Some("EntryNotFound"));
        assert!(err.message.contains("A file with this name doesn't exist"));
        // a file replaces a folder and a folder replaces a file
        apply_ops(&mut files, &[put("x/y"), put("x")]).unwrap();
        assert!(files.contains_key("x") && !files.contains_key("x/y"));
        apply_ops(&mut files, &[put("x/z")]).unwrap();
        assert!(files.contains_key("x/z") && !files.contains_key("x"));
    }

    #[test]
    fn a_file_replacing_a_folder_removes_only_that_folder() {
        // Sorted, "a.txt" < "a/..." < "a0" < "a~": the folder's files sit between other names.
        let mut files = Default::default();
        let names = ["a.txt", "a/b", "a/c/d", "a0", "a~", "b/a/x"];
        apply_ops(&mut files, &names.map(put)).unwrap();
        apply_ops(&mut files, &[put("a")]).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            vec!["a", "a.txt", "a0", "a~", "b/a/x"]
        );
        apply_ops(&mut files, &[Op::DeleteFolder { path: "b".into() }]).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            vec!["a", "a.txt", "a0", "a~"]
        );
    }
}
