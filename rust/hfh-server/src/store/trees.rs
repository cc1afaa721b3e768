//! Git trees stored in SQLite (`trees`, `tree_entries`), content-addressed and shared.
//!
//! A commit edits a flat `path -> FileEntry` map; [`write_tree`] turns it back into nested git
//! trees bottom-up (inserting only trees not seen before) and returns the root tree id.

use crate::errors::HubResult;
use crate::git::{self, TreeItem};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// A file as recorded in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Git blob id (of the LFS pointer for LFS files).
    pub oid: String,
    /// Content size in bytes.
    pub size: u64,
    /// Content sha256 (blob-store key).
    pub sha256: String,
    pub lfs: bool,
}

impl FileEntry {
    /// Size of the LFS pointer file (`pointerSize`).
    pub fn pointer_size(&self) -> usize {
        git::lfs_pointer(&self.sha256, self.size).len()
    }
}

/// A tree row: a file or a sub-directory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Full path from the repository root.
    pub path: String,
    pub is_dir: bool,
    pub oid: String,
    /// `Some` for files.
    pub file: Option<FileEntry>,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Direct children of a tree, sorted by name.
pub fn children(conn: &Connection, tree_oid: &str, dir: &str) -> HubResult<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, kind, oid, size, sha256, lfs FROM tree_entries WHERE tree_oid = ?1",
    )?;
    let mut out: Vec<Entry> = stmt
        .query_map([tree_oid], |r| {
            let name: String = r.get(0)?;
            let is_dir = r.get::<_, String>(1)? == "dir";
            let oid: String = r.get(2)?;
            let file = if is_dir {
                None
            } else {
                Some(FileEntry {
                    oid: oid.clone(),
                    size: r.get::<_, i64>(3)? as u64,
                    sha256: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    lfs: r.get(5)?,
                })
            };
            Ok(Entry {
                path: join(dir, &name),
                is_dir,
                oid,
                file,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Every entry below a tree (files and directories), depth-first, each directory before
/// its contents.
pub fn walk(conn: &Connection, tree_oid: &str, dir: &str, out: &mut Vec<Entry>) -> HubResult<()> {
    for e in children(conn, tree_oid, dir)? {
        let sub = e.is_dir.then(|| (e.oid.clone(), e.path.clone()));
        out.push(e);
        if let Some((oid, path)) = sub {
            walk(conn, &oid, &path, out)?;
        }
    }
    Ok(())
}

/// All files of a tree as a flat map.
pub fn flatten(conn: &Connection, root: &str) -> HubResult<BTreeMap<String, FileEntry>> {
    let mut all = Vec::new();
    walk(conn, root, "", &mut all)?;
    Ok(all
        .into_iter()
        .filter_map(|e| e.file.map(|f| (e.path, f)))
        .collect())
}

/// Finds the entry at `path` (`""` is the root directory itself).
pub fn lookup(conn: &Connection, root: &str, path: &str) -> HubResult<Option<Entry>> {
    let mut current = Entry {
        path: String::new(),
        is_dir: true,
        oid: root.to_string(),
        file: None,
    };
    if path.is_empty() {
        return Ok(Some(current));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT kind, oid, size, sha256, lfs FROM tree_entries WHERE tree_oid = ?1 AND name = ?2",
    )?;
    for seg in path.split('/') {
        if !current.is_dir {
            return Ok(None);
        }
        let path = join(&current.path, seg);
        let found = stmt
            .query_row(params![current.oid, seg], |r| {
                let is_dir = r.get::<_, String>(0)? == "dir";
                let oid: String = r.get(1)?;
                let file = if is_dir {
                    None
                } else {
                    Some(FileEntry {
                        oid: oid.clone(),
                        size: r.get::<_, i64>(2)? as u64,
                        sha256: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        lfs: r.get(4)?,
                    })
                };
                Ok(Entry {
                    path,
                    is_dir,
                    oid,
                    file,
                })
            })
            .optional()?;
        match found {
            Some(e) => current = e,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

#[derive(Default)]
struct Dir {
    files: BTreeMap<String, FileEntry>,
    dirs: BTreeMap<String, Dir>,
}

/// Stores the trees for a flat file map and returns the root tree id.
pub fn write_tree(conn: &Connection, files: &BTreeMap<String, FileEntry>) -> HubResult<String> {
    let mut root = Dir::default();
    for (path, f) in files {
        let mut d = &mut root;
        let mut segs: Vec<&str> = path.split('/').collect();
        let name = segs.pop().unwrap_or_default();
        for s in segs {
            d = d.dirs.entry(s.to_string()).or_default();
        }
        d.files.insert(name.to_string(), f.clone());
    }
    store_dir(conn, &root)
}

fn store_dir(conn: &Connection, dir: &Dir) -> HubResult<String> {
    let mut subs = Vec::with_capacity(dir.dirs.len());
    for (name, d) in &dir.dirs {
        subs.push((name, store_dir(conn, d)?));
    }
    let mut items: Vec<TreeItem<'_>> = dir
        .files
        .iter()
        .map(|(n, f)| TreeItem {
            name: n,
            is_dir: false,
            oid: &f.oid,
        })
        .chain(subs.iter().map(|(n, oid)| TreeItem {
            name: n,
            is_dir: true,
            oid,
        }))
        .collect();
    let oid = git::tree_oid(&mut items);
    let new = conn.execute("INSERT OR IGNORE INTO trees (oid) VALUES (?1)", [&oid])?;
    if new > 0 {
        let mut stmt = conn.prepare_cached(
            "INSERT INTO tree_entries (tree_oid, name, kind, oid, size, sha256, lfs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (n, f) in &dir.files {
            stmt.execute(params![
                oid,
                n,
                "file",
                f.oid,
                f.size as i64,
                f.sha256,
                f.lfs
            ])?;
        }
        for (n, sub) in &subs {
            stmt.execute(params![
                oid,
                n,
                "dir",
                sub,
                0i64,
                Option::<String>::None,
                false
            ])?;
        }
    }
    Ok(oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::schema::migrate(&mut c).unwrap();
        c
    }

    fn file(content: &[u8]) -> FileEntry {
        FileEntry {
            oid: git::blob_oid(content),
            size: content.len() as u64,
            sha256: String::new(),
            lfs: false,
        }
    }

    #[test]
    fn stored_trees_match_git_and_round_trip() {
        let c = db();
        let mut files = BTreeMap::new();
        files.insert("a.txt".to_string(), file(b"y"));
        files.insert("a/f".to_string(), file(b"x"));
        files.insert("hello.txt".to_string(), file(b"hello\n"));
        let root = write_tree(&c, &files).unwrap();
        // `git write-tree` over the same files
        assert_eq!(root, "9c738e3437432132820a85d382fe8ed8e407d25f");
        assert_eq!(write_tree(&c, &files).unwrap(), root);
        assert_eq!(flatten(&c, &root).unwrap(), files);
        let a = lookup(&c, &root, "a").unwrap().unwrap();
        assert!(a.is_dir);
        assert_eq!(a.oid, "2561a62d4223eb7660d3b6b02b707048382f4019");
        let f = lookup(&c, &root, "a/f").unwrap().unwrap();
        assert_eq!(f.file.unwrap().size, 1);
        assert!(lookup(&c, &root, "a/f/g").unwrap().is_none());
        assert!(lookup(&c, &root, "nope").unwrap().is_none());
        let mut all = Vec::new();
        walk(&c, &root, "", &mut all).unwrap();
        let paths: Vec<_> = all.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["a", "a/f", "a.txt", "hello.txt"]);
        let empty = write_tree(&c, &BTreeMap::new()).unwrap();
        assert_eq!(empty, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        assert!(children(&c, &empty, "").unwrap().is_empty());
    }

    #[test]
    fn migrations_are_idempotent() {
        let mut c = db();
        crate::store::schema::migrate(&mut c).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, crate::store::schema::schema_version());
    }
}
