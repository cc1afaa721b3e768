//! LFS file management of a repository (`list_lfs_files`, `permanently_delete_lfs_files`).
//!
//! The objects a repository holds are the rows of `lfs_objects` (see `lfs_objects`). Listing
//! reports those a commit has given a path to: the first path and ref are noted when a commit
//! adds the object, and objects only found in the trees of stored commits (repositories
//! written before that was noted, duplicated repositories) are recorded during the listing.
//!
//! Permanent deletion works like the Hub's: the repository no longer serves the content (a
//! download of a pointer to it is a 404), and with `rewrite_history` every commit of every ref
//! is rewritten without the files that point to it (new commit ids, refs moved to them). Without
//! it the pointers stay in the history, as dangling pointers. The deletion is remembered as a
//! tombstone so that a later walk of the old commits never re-adds the object; uploading the
//! same bytes again brings it back.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection, TransactionBehavior};

use super::repos::{self, CommitRow, Repo};
use super::trees::{self, FileEntry};
use crate::errors::{HubError, HubResult};
use crate::git;

/// One listed object, as `GET /api/{T}/{R}/lfs-files` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LfsFile {
    /// Content sha256: what deletion takes.
    pub sha256: String,
    /// Git blob id of its pointer file (what `git log --find-object` takes).
    pub pointer_oid: String,
    pub filename: String,
    pub git_ref: Option<String>,
    pub size: u64,
    pub pushed_at: i64,
}

/// Notes the path and ref that a commit on `ref_name` gives to each LFS object it adds, for the
/// objects that have none yet (the first commit wins, as on the Hub).
pub fn note_commit(
    conn: &Connection,
    repo_id: i64,
    ref_name: &str,
    files: &[(String, String)],
) -> HubResult<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE lfs_objects SET filename = ?3, ref = ?4
         WHERE repo_id = ?1 AND oid = ?2 AND filename IS NULL AND deleted_at IS NULL",
    )?;
    for (path, sha256) in files {
        stmt.execute(params![repo_id, sha256, path, ref_name])?;
    }
    Ok(())
}

/// Every LFS file entry (content sha256 → first path met, size) in the trees of the
/// repository's stored commits.
fn committed_objects(
    conn: &Connection,
    repo_id: i64,
) -> HubResult<BTreeMap<String, (String, u64)>> {
    committed_files(conn, repo_id, true)
}

/// Every file entry (content sha256 → first path met, size; LFS ones only if `lfs_only`) in
/// the trees of the repository's stored commits, walking each distinct tree once.
pub fn committed_files(
    conn: &Connection,
    repo_id: i64,
    lfs_only: bool,
) -> HubResult<BTreeMap<String, (String, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tree_oid FROM commits WHERE repo_id = ?1 ORDER BY created_at, oid",
    )?;
    let roots = stmt
        .query_map([repo_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut found = BTreeMap::new();
    let mut seen_trees = HashSet::new();
    // (tree, path prefix) pairs still to visit.
    let mut pending: Vec<(String, String)> =
        roots.into_iter().map(|t| (t, String::new())).collect();
    let mut entries = conn.prepare_cached(
        "SELECT name, kind, oid, size, sha256, lfs FROM tree_entries WHERE tree_oid = ?1",
    )?;
    while let Some((tree, prefix)) = pending.pop() {
        if !seen_trees.insert(tree.clone()) {
            continue;
        }
        let rows = entries.query_map([&tree], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        for row in rows {
            let (name, kind, oid, size, sha256, lfs) = row?;
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            match (kind.as_str(), sha256) {
                ("dir", _) => pending.push((oid, path)),
                (_, Some(sha)) if lfs || !lfs_only => {
                    found.entry(sha).or_insert((path, size as u64));
                }
                _ => {}
            }
        }
    }
    Ok(found)
}

/// The objects of the repository that a commit gave a path to, most recently pushed first.
pub fn list(conn: &mut Connection, repo_id: i64, now: i64) -> HubResult<Vec<LfsFile>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Objects met only in stored commits get a row (and a name) now; deleted ones stay deleted.
    for (sha256, (path, size)) in committed_objects(&tx, repo_id)? {
        tx.execute(
            "INSERT INTO lfs_objects (repo_id, oid, size, created_at, filename)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (repo_id, oid) DO UPDATE SET filename = excluded.filename
             WHERE filename IS NULL AND deleted_at IS NULL",
            params![repo_id, sha256, size as i64, now, path],
        )?;
    }
    let files = {
        let mut stmt = tx.prepare(
            "SELECT oid, filename, ref, size, created_at FROM lfs_objects
             WHERE repo_id = ?1 AND deleted_at IS NULL AND filename IS NOT NULL
             ORDER BY created_at DESC, oid",
        )?;
        let rows = stmt.query_map([repo_id], |r| {
            let sha256: String = r.get(0)?;
            let size = r.get::<_, i64>(3)? as u64;
            let pointer = git::lfs_pointer(&sha256, size);
            Ok(LfsFile {
                pointer_oid: git::blob_oid(pointer.as_bytes()),
                sha256,
                filename: r.get(1)?,
                git_ref: r.get(2)?,
                size,
                pushed_at: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    tx.commit()?;
    Ok(files)
}

/// Permanently deletes `shas` (content sha256s) from `repo`; unknown ones are ignored. With
/// `rewrite_history`, rewrites every ref's history without the files pointing to them.
/// Returns how many refs moved.
pub fn delete(
    conn: &mut Connection,
    repo: &Repo,
    shas: &[String],
    rewrite_history: bool,
    now: i64,
) -> HubResult<usize> {
    for sha in shas {
        if !super::blobs::is_sha256_hex(sha) {
            return Err(HubError::bad_request(format!(
                "Invalid LFS file oid: {sha:?} (expected a sha256 in lower-case hex)"
            )));
        }
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let committed = committed_objects(&tx, repo.id)?;
    let mut deleted = HashSet::new();
    for sha in shas {
        let changed = tx.execute(
            "UPDATE lfs_objects SET deleted_at = ?3 WHERE repo_id = ?1 AND oid = ?2 AND deleted_at IS NULL",
            params![repo.id, sha, now],
        )?;
        if changed == 0 {
            if let Some((path, size)) = committed.get(sha) {
                // In the history but never listed yet: a tombstone keeps it from coming back.
                tx.execute(
                    "INSERT OR IGNORE INTO lfs_objects (repo_id, oid, size, created_at, filename, deleted_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
                    params![repo.id, sha, *size as i64, now, path],
                )?;
            }
        }
        deleted.insert(sha.clone());
    }
    let moved = if rewrite_history {
        rewrite_refs(&tx, repo, &deleted)?
    } else {
        0
    };
    if moved > 0 {
        repos::touch_repo(&tx, repo.id, now)?;
    }
    tx.commit()?;
    Ok(moved)
}

/// Rewrites the history of every ref of `repo` without the LFS files whose content is in
/// `deleted`. Commits that need no change keep their ids; the others (and their descendants)
/// get new ids, computed like any commit's (same author, date and message).
fn rewrite_refs(tx: &Connection, repo: &Repo, deleted: &HashSet<String>) -> HubResult<usize> {
    let mut rewritten: HashMap<String, String> = HashMap::new();
    let mut moved = 0;
    for (name, head) in repos::list_refs(tx, repo.id)? {
        let new_head = rewrite_commit(tx, repo.id, &head, deleted, &mut rewritten)?;
        if new_head != head {
            repos::set_ref(tx, repo.id, &name, &new_head)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// The id `oid` gets in the rewritten history (parents first, iteratively: histories can be
/// longer than the stack allows recursion for).
fn rewrite_commit(
    tx: &Connection,
    repo_id: i64,
    oid: &str,
    deleted: &HashSet<String>,
    rewritten: &mut HashMap<String, String>,
) -> HubResult<String> {
    let mut stack = vec![oid.to_string()];
    while let Some(current) = stack.last().cloned() {
        if rewritten.contains_key(&current) {
            stack.pop();
            continue;
        }
        let commit = repos::get_commit(tx, repo_id, &current)?;
        let missing: Vec<String> = commit
            .parents
            .iter()
            .filter(|p| !rewritten.contains_key(*p))
            .cloned()
            .collect();
        if !missing.is_empty() {
            stack.extend(missing);
            continue;
        }
        stack.pop();
        let new_oid = rewrite_one(tx, repo_id, &commit, deleted, rewritten)?;
        rewritten.insert(current, new_oid);
    }
    Ok(rewritten[oid].clone())
}

fn rewrite_one(
    tx: &Connection,
    repo_id: i64,
    commit: &CommitRow,
    deleted: &HashSet<String>,
    rewritten: &HashMap<String, String>,
) -> HubResult<String> {
    let parents: Vec<String> = commit
        .parents
        .iter()
        .map(|p| rewritten[p].clone())
        .collect();
    let mut files: BTreeMap<String, FileEntry> = trees::flatten(tx, &commit.tree_oid)?;
    let before = files.len();
    files.retain(|_, f| !(f.lfs && deleted.contains(&f.sha256)));
    if files.len() == before && parents == commit.parents {
        return Ok(commit.oid.clone());
    }
    let tree_oid = if files.len() == before {
        commit.tree_oid.clone()
    } else {
        trees::write_tree(tx, &files)?
    };
    let message = if commit.message.is_empty() {
        commit.title.clone()
    } else {
        format!("{}\n\n{}", commit.title, commit.message)
    };
    let email = format!("{}@users.noreply.huggingface.co", commit.author);
    let oid = git::commit_oid(&git::CommitObject {
        tree: &tree_oid,
        parents: &parents,
        author: &commit.author,
        email: &email,
        time_millis: commit.created_at,
        message: &message,
    });
    repos::insert_commit(
        tx,
        repo_id,
        &CommitRow {
            oid: oid.clone(),
            tree_oid,
            parents,
            ..commit.clone()
        },
    )?;
    Ok(oid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::commits::{self, NewCommit, Op};
    use crate::store::repos::{NewRepo, RepoType};
    use crate::store::{lfs_objects, Store};

    fn put(store: &Store, path: &str, content: &[u8], lfs: bool) -> Op {
        let sha256 = store.blobs.put_bytes(content).unwrap();
        let oid = if lfs {
            git::blob_oid(git::lfs_pointer(&sha256, content.len() as u64).as_bytes())
        } else {
            git::blob_oid(content)
        };
        let entry = FileEntry {
            oid,
            size: content.len() as u64,
            sha256,
            lfs,
        };
        Op::Put {
            path: path.into(),
            entry,
        }
    }

    fn commit(store: &Store, repo: &Repo, ops: Vec<Op>, now: i64) -> String {
        let lfs: Vec<(String, String, u64)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Put { path, entry } if entry.lfs => {
                    Some((path.clone(), entry.sha256.clone(), entry.size))
                }
                _ => None,
            })
            .collect();
        store
            .with(|c| {
                for (_, sha, size) in &lfs {
                    lfs_objects::record(c, repo.id, sha, *size)?;
                }
                let lfs: Vec<(String, String)> = lfs.into_iter().map(|(p, s, _)| (p, s)).collect();
                let new = NewCommit {
                    summary: "add".into(),
                    description: String::new(),
                    parent_commit: None,
                    author: "alice".into(),
                    ops,
                    now,
                };
                let oid = commits::commit(c, repo, "refs/heads/main", &new)?;
                note_commit(c, repo.id, "refs/heads/main", &lfs)?;
                Ok(oid)
            })
            .unwrap()
    }

    fn setup() -> (tempfile::TempDir, Store, Repo) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let repo = store
            .with(|c| {
                let new = NewRepo {
                    kind: RepoType::Model,
                    namespace: "alice",
                    name: "m",
                    private: false,
                    sdk: None,
                    hub_id: "0123",
                    now: 1,
                };
                Ok(repos::insert_repo(c, &new)?.expect("new repo"))
            })
            .unwrap();
        (dir, store, repo)
    }

    #[test]
    fn lists_committed_objects_with_their_first_path() {
        let (_dir, store, repo) = setup();
        commit(
            &store,
            &repo,
            vec![put(&store, "a/w.bin", b"weights", true)],
            10,
        );
        commit(
            &store,
            &repo,
            vec![
                put(&store, "copy.bin", b"weights", true),
                put(&store, "t.txt", b"x", false),
            ],
            20,
        );
        let files = store.with(|c| list(c, repo.id, 30)).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename, "a/w.bin");
        assert_eq!(files[0].git_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(files[0].size, 7);
        let pointer = git::lfs_pointer(&files[0].sha256, 7);
        assert_eq!(files[0].pointer_oid, git::blob_oid(pointer.as_bytes()));
    }

    #[test]
    fn deletion_rewrites_history_or_leaves_dangling_pointers() {
        let (_dir, store, repo) = setup();
        let first = commit(
            &store,
            &repo,
            vec![put(&store, "keep.bin", b"keep", true)],
            10,
        );
        commit(
            &store,
            &repo,
            vec![put(&store, "drop.bin", b"drop", true)],
            20,
        );
        let files = store.with(|c| list(c, repo.id, 30)).unwrap();
        let drop_sha = files
            .iter()
            .find(|f| f.filename == "drop.bin")
            .unwrap()
            .sha256
            .clone();
        // Without rewriting: the pointer stays, the object is gone from the listing.
        let moved = store
            .with(|c| delete(c, &repo, std::slice::from_ref(&drop_sha), false, 40))
            .unwrap();
        assert_eq!(moved, 0);
        let left = store.with(|c| list(c, repo.id, 50)).unwrap();
        assert_eq!(
            left.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(),
            ["keep.bin"]
        );
        assert!(store
            .with(|c| Ok(lfs_objects::is_deleted(c, repo.id, &drop_sha)?))
            .unwrap());
        let head = store
            .with(|c| repos::get_ref(c, repo.id, "refs/heads/main"))
            .unwrap()
            .unwrap();
        let tree = store
            .with(|c| Ok(repos::get_commit(c, repo.id, &head)?.tree_oid))
            .unwrap();
        assert!(store
            .with(|c| trees::flatten(c, &tree))
            .unwrap()
            .contains_key("drop.bin"));
        // Rewriting: the head moves to a commit without the file; the untouched parent keeps its id.
        let moved = store
            .with(|c| delete(c, &repo, std::slice::from_ref(&drop_sha), true, 60))
            .unwrap();
        assert_eq!(moved, 1);
        let new_head = store
            .with(|c| repos::get_ref(c, repo.id, "refs/heads/main"))
            .unwrap()
            .unwrap();
        assert_ne!(new_head, head);
        let row = store
            .with(|c| repos::get_commit(c, repo.id, &new_head))
            .unwrap();
        assert_eq!(row.parents, vec![first]);
        let files = store.with(|c| trees::flatten(c, &row.tree_oid)).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["keep.bin"]);
        // Uploading the bytes again brings the object back.
        store
            .with(|c| Ok(lfs_objects::record(c, repo.id, &drop_sha, 4)?))
            .unwrap();
        assert!(store
            .with(|c| Ok(lfs_objects::is_recorded(c, repo.id, &drop_sha)?))
            .unwrap());
        assert!(store
            .with(|c| delete(c, &repo, &["zz".into()], true, 70))
            .is_err());
    }
}
