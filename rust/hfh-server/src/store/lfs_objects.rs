//! Which repository holds which LFS object.
//!
//! Content lives once in the blob store, but a repository only sees an object once it was
//! uploaded to that repository (a signed upload URL bound to it, whose bytes were received and
//! hashed) or is referenced by one of its commits (data written before this table existed, or
//! by operations that copy trees). The second case is found on demand and then recorded, so
//! each object costs one tree walk at most.

use std::collections::HashMap;

use rusqlite::{params, Connection};

use super::Store;
use crate::errors::HubResult;
use crate::util::now_millis;

/// Records that `repo_id` holds object `oid` (idempotent). An object permanently deleted from
/// the repository comes back (with a new push time) when its bytes are uploaded again.
pub fn record(conn: &Connection, repo_id: i64, oid: &str, size: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO lfs_objects (repo_id, oid, size, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (repo_id, oid) DO UPDATE
         SET deleted_at = NULL, created_at = excluded.created_at, filename = NULL, ref = NULL
         WHERE deleted_at IS NOT NULL",
        params![repo_id, oid, size as i64, now_millis()],
    )?;
    Ok(())
}

/// Records an object received through a URL signed for repository `repo_id` created with
/// `hub_id`; `false` if that repository has been deleted since (its row id may have been
/// given to a new repository, which must not get the object).
pub fn record_upload(
    conn: &Connection,
    repo_id: i64,
    hub_id: &str,
    oid: &str,
    size: u64,
) -> rusqlite::Result<bool> {
    let exists = repo_exists(conn, repo_id, hub_id)?;
    if exists {
        record(conn, repo_id, oid, size)?;
    }
    Ok(exists)
}

/// Whether repository row `repo_id` is still the repository created with `hub_id`.
pub fn repo_exists(conn: &Connection, repo_id: i64, hub_id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM repos WHERE id = ?1 AND hub_id = ?2)",
        params![repo_id, hub_id],
        |r| r.get(0),
    )
}

/// Whether `repo_id` has recorded `oid` (and not permanently deleted it).
pub fn is_recorded(conn: &Connection, repo_id: i64, oid: &str) -> rusqlite::Result<bool> {
    Ok(row_state(conn, repo_id, oid)? == Some(true))
}

/// Whether `oid` was permanently deleted from `repo_id` (its pointers may remain in commits,
/// but the content is no longer served there).
pub fn is_deleted(conn: &Connection, repo_id: i64, oid: &str) -> rusqlite::Result<bool> {
    Ok(row_state(conn, repo_id, oid)? == Some(false))
}

/// `None`: no row; `Some(true)`: held; `Some(false)`: permanently deleted.
fn row_state(conn: &Connection, repo_id: i64, oid: &str) -> rusqlite::Result<Option<bool>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT deleted_at IS NULL FROM lfs_objects WHERE repo_id = ?1 AND oid = ?2",
        params![repo_id, oid],
        |r| r.get(0),
    )
    .optional()
}

/// Those of `oids` that LFS files of any commit of `repo_id` point to.
pub(crate) fn referenced_by_commits(
    conn: &Connection,
    repo_id: i64,
    oids: &[&str],
) -> rusqlite::Result<Vec<String>> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = serde_json::to_string(oids).unwrap_or_else(|_| "[]".into());
    // Every tree reachable from the repository's commits (UNION de-duplicates, so shared
    // sub-trees are walked once), then their LFS file entries among the wanted objects.
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE reach(tree) AS (
             SELECT tree_oid FROM commits WHERE repo_id = ?1
             UNION
             SELECT e.oid FROM tree_entries e JOIN reach r ON e.tree_oid = r.tree
             WHERE e.kind = 'dir'
         )
         SELECT DISTINCT e.sha256 FROM tree_entries e JOIN reach r ON e.tree_oid = r.tree
         WHERE e.kind = 'file' AND e.lfs = 1
           AND e.sha256 IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt.query_map(params![repo_id, wanted], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// For each of `oids` (sha256 hex, already validated), its size if `repo_id` holds it and the
/// blob store has it; `None` otherwise (even when another repository uploaded that content).
pub fn visible_sizes(store: &Store, repo_id: i64, oids: &[&str]) -> HubResult<Vec<Option<u64>>> {
    // Looked up on a read-only connection, so the writer's lock is not held for it.
    let on_disk = store.read(|c| {
        oids.iter()
            .map(|oid| store.blobs.size(c, oid))
            .collect::<HubResult<Vec<_>>>()
    })?;
    store.with(|conn| {
        let mut recorded = HashMap::new();
        let mut unknown = Vec::new();
        for (oid, size) in oids.iter().zip(&on_disk) {
            if size.is_none() {
                continue; // not stored anywhere: nothing to look up
            }
            match row_state(conn, repo_id, oid)? {
                Some(true) => {
                    recorded.insert(*oid, true);
                }
                // Deleted: invisible, and the commit walk below must not bring it back.
                Some(false) => {}
                None => unknown.push(*oid),
            }
        }
        if !unknown.is_empty() {
            for oid in referenced_by_commits(conn, repo_id, &unknown)? {
                if let Some(i) = oids.iter().position(|o| *o == oid) {
                    if let Some(size) = on_disk[i] {
                        record(conn, repo_id, &oid, size)?;
                        recorded.insert(oids[i], true);
                    }
                }
            }
        }
        Ok(oids
            .iter()
            .zip(&on_disk)
            .map(|(oid, size)| size.filter(|_| recorded.contains_key(oid)))
            .collect())
    })
}

/// [`visible_sizes`] for one object.
pub fn visible_size(store: &Store, repo_id: i64, oid: &str) -> HubResult<Option<u64>> {
    Ok(visible_sizes(store, repo_id, &[oid])?.pop().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::commits::{self, NewCommit, Op};
    use crate::store::repos::{self, RepoType};
    use crate::store::trees::FileEntry;

    fn commit_lfs(store: &Store, repo: &repos::Repo, path: &str, content: &[u8]) -> String {
        let sha256 = store.blobs.put_bytes(content).unwrap();
        let pointer = crate::git::lfs_pointer(&sha256, content.len() as u64);
        let entry = FileEntry {
            oid: crate::git::blob_oid(pointer.as_bytes()),
            size: content.len() as u64,
            sha256: sha256.clone(),
            lfs: true,
        };
        let new = NewCommit {
            summary: "add".into(),
            description: String::new(),
            parent_commit: None,
            author: "alice".into(),
            ops: vec![Op::Put {
                path: path.into(),
                entry,
            }],
            now: now_millis(),
        };
        store
            .with(|c| commits::commit(c, repo, "refs/heads/main", &new))
            .unwrap();
        sha256
    }

    #[test]
    fn objects_are_per_repository_and_commits_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let make = |name: &str| {
            store
                .with(|c| {
                    let new = repos::NewRepo {
                        kind: RepoType::Model,
                        namespace: "alice",
                        name,
                        private: false,
                        sdk: None,
                        hub_id: "0123",
                        now: now_millis(),
                    };
                    Ok(repos::insert_repo(c, &new)?.expect("new repo"))
                })
                .unwrap()
        };
        let (a, b) = (make("a"), make("b"));
        // Committed in a sub-folder of `a` (found through the tree walk, then recorded).
        let in_a = commit_lfs(&store, &a, "dir/sub/w.bin", b"weights of a");
        let loose = store.blobs.put_bytes(b"uploaded elsewhere").unwrap();
        let missing = "0".repeat(64);
        let oids = [in_a.as_str(), loose.as_str(), missing.as_str()];
        assert_eq!(
            visible_sizes(&store, a.id, &oids).unwrap(),
            vec![Some(12), None, None]
        );
        assert!(store.with(|c| Ok(is_recorded(c, a.id, &in_a)?)).unwrap());
        assert_eq!(visible_sizes(&store, b.id, &oids).unwrap(), vec![None; 3]);
        store.with(|c| Ok(record(c, b.id, &loose, 18)?)).unwrap();
        store.with(|c| Ok(record(c, b.id, &loose, 18)?)).unwrap();
        assert_eq!(visible_size(&store, b.id, &loose).unwrap(), Some(18));
        assert_eq!(visible_size(&store, a.id, &loose).unwrap(), None);
    }
}
