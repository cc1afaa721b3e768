//! The scan itself: one task per top-level entry of the cache, run on a pool of scoped threads.
//!
//! Each task follows upstream's `_scan_cached_repo` step by step, in the same order, so the
//! first problem found in a repo is the one upstream reports. Where upstream would crash on an
//! I/O error (permission denied, a folder vanishing mid-scan), the task reports
//! [`Problem::Unreadable`] instead, and folder walks skip what they cannot read, as `pathlib`'s
//! `glob` does.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::blobs::BlobIndex;
use super::resolve::Resolver;
use super::sys::{self, Dir, Kind, Stat};
use super::{CacheScan, Entry, IncompleteFile, Problem, Ref, Repo, Revision, ScanError};
use crate::Cancel;

/// Operating-system helper files that are never part of a cache (`FILES_TO_IGNORE` upstream).
pub const FILES_TO_IGNORE: [&str; 3] = [".DS_Store", "Thumbs.db", "desktop.ini"];

/// Repo types upstream accepts (the folder prefix minus its last character).
const REPO_TYPES: [&str; 3] = ["dataset", "model", "space"];

/// At most this many link-target folders are kept open per repo (usually one: `blobs/`).
const MAX_OPEN_PARENTS: usize = 64;

/// Default number of scanning threads: the work is system calls, which also wait on storage, so
/// a few more threads than cores pays off on cold caches and costs nothing on warm ones.
pub fn default_workers() -> usize {
    (crate::oid::default_workers() * 2).clamp(2, 32)
}

fn ignored(name: &OsStr) -> bool {
    FILES_TO_IGNORE
        .iter()
        .any(|ignored| name == OsStr::new(ignored))
}

/// Whether the top-level entry `name` is skipped by upstream (it still counts for `.incomplete`).
fn skipped_at_top_level(name: &OsStr) -> bool {
    ignored(name) || name == OsStr::new(".locks") || name == OsStr::new("CACHEDIR.TAG")
}

fn is_dir_following(path: &Path) -> bool {
    fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false)
}

/// Whether the folder name parses as `<type>s--<id>` with an accepted type; else the problem.
/// Python drops the last *character* of the prefix, so `modelX--a` is a model too; a character
/// is one byte, one undecodable byte (surrogate-escaped), or one UTF-8 sequence.
fn check_folder_name(name: &OsStr, path: &Path) -> Result<(), Problem> {
    let bytes = name.as_encoded_bytes();
    let Some(at) = bytes.windows(2).position(|pair| pair == b"--") else {
        return Err(Problem::NotACacheDirectory(path.to_path_buf()));
    };
    let prefix = &bytes[..at];
    let accepted = REPO_TYPES
        .iter()
        .any(|kind| prefix.starts_with(kind.as_bytes()) && is_one_character(&prefix[kind.len()..]));
    if accepted {
        Ok(())
    } else {
        Err(Problem::BadRepoType(path.to_path_buf()))
    }
}

fn is_one_character(bytes: &[u8]) -> bool {
    bytes.len() == 1 || std::str::from_utf8(bytes).is_ok_and(|s| s.chars().count() == 1)
}

/// Scan the cache at `root` with `workers` threads (0: [`default_workers`]).
///
/// `root` should be absolute and resolved (as upstream's `Path(cache_dir).expanduser().resolve()`):
/// the unresolved paths reported are built from it.
pub fn scan_cache(root: &Path, workers: usize, cancel: &Cancel) -> Result<CacheScan, ScanError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(root)? {
        names.push(entry?.file_name());
    }
    let root_resolved = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let workers = if workers == 0 {
        default_workers()
    } else {
        workers
    };
    let workers = workers.min(names.len()).max(1);

    type Slot = Mutex<Option<(Option<Entry>, Vec<IncompleteFile>)>>;
    let slots: Vec<Slot> = names.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(name) = names.get(index) else { break };
                if cancel.is_cancelled() {
                    break;
                }
                let incomplete = scan_incomplete(&root.join(name));
                let entry = (!skipped_at_top_level(name)).then(|| Entry {
                    name: name.clone(),
                    outcome: RepoScanner::new(root, &root_resolved, cancel).scan(name),
                });
                *slots[index].lock().unwrap_or_else(|p| p.into_inner()) = Some((entry, incomplete));
            });
        }
    });
    if cancel.is_cancelled() {
        return Err(ScanError::Cancelled);
    }

    let mut scan = CacheScan::default();
    for slot in slots {
        let (entry, incomplete) = slot
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .ok_or(ScanError::Cancelled)?;
        scan.entries.extend(entry);
        scan.incomplete.extend(incomplete);
    }
    Ok(scan)
}

/// Upstream's `cache_dir.glob("*/blobs/*.incomplete")`, for one top-level entry.
fn scan_incomplete(entry: &Path) -> Vec<IncompleteFile> {
    let blobs = entry.join("blobs");
    if !is_dir_following(entry) || !is_dir_following(&blobs) {
        return Vec::new();
    }
    let Ok(listing) = Dir::open(&blobs).and_then(|dir| dir.list()) else {
        return Vec::new();
    };
    listing
        .iter()
        .filter(|(name, _)| name.as_encoded_bytes().ends_with(b".incomplete"))
        .filter_map(|(name, _)| {
            let path = blobs.join(name);
            let size = fs::metadata(&path).ok()?.len();
            Some(IncompleteFile { path, size })
        })
        .collect()
}

/// What a snapshot symlink turned out to be.
enum LinkOutcome {
    Blob(u32),
    /// A link to a folder: neither a file nor walked into.
    Folder,
    /// The resolved path, which does not exist.
    Missing(PathBuf),
}

/// A folder symlinks point into (usually `blobs/`), opened on first use.
enum ParentDir {
    Unopened,
    Open(Dir),
    Unavailable,
}

/// The state of one repo scan: its resolver and its blobs, each `stat`ed once.
struct RepoScanner<'a> {
    root: &'a Path,
    root_resolved: &'a Path,
    cancel: &'a Cancel,
    resolver: Resolver,
    index: BlobIndex,
    parent_dirs: Vec<ParentDir>,
    open_parents: usize,
    target: Vec<u8>,
    /// Per blob, the number of the last revision that counted it (revision sizes count each
    /// blob once).
    counted: Vec<usize>,
}

impl<'a> RepoScanner<'a> {
    fn new(root: &'a Path, root_resolved: &'a Path, cancel: &'a Cancel) -> Self {
        Self {
            root,
            root_resolved,
            cancel,
            resolver: Resolver::new(),
            index: BlobIndex::default(),
            parent_dirs: Vec::new(),
            open_parents: 0,
            target: Vec::new(),
            counted: Vec::new(),
        }
    }

    fn scan(mut self, name: &OsStr) -> Result<Repo, Problem> {
        let repo_path = self.root.join(name);
        if !is_dir_following(&repo_path) {
            return Err(Problem::NotADirectory(repo_path));
        }
        check_folder_name(name, &repo_path)?;

        let snapshots_path = repo_path.join("snapshots");
        if !is_dir_following(&snapshots_path) {
            return Err(Problem::NoSnapshots(snapshots_path));
        }

        let mut refs = Vec::new();
        let refs_path = repo_path.join("refs");
        match fs::metadata(&refs_path) {
            Ok(meta) if meta.is_file() => return Err(Problem::RefsIsFile(refs_path)),
            Ok(meta) if meta.is_dir() => walk_refs(&refs_path, Path::new(""), &mut refs)?,
            _ => {}
        }

        let names = read_names(&snapshots_path).map_err(|error| Problem::Unreadable {
            what: "snapshots folder",
            path: snapshots_path.clone(),
            error,
        })?;
        let mut revisions = Vec::new();
        for name in names {
            if ignored(&name) {
                continue;
            }
            let revision_path = snapshots_path.join(&name);
            if fs::metadata(&revision_path).is_ok_and(|m| m.is_file()) {
                return Err(Problem::SnapshotIsFile(revision_path));
            }
            if self.cancel.is_cancelled() {
                break; // the whole scan is discarded
            }
            let number = revisions.len() + 1;
            revisions.push(self.scan_revision(number, name, revision_path)?);
        }

        let blobs = self.index.blobs;
        let (last_accessed, last_modified) = match blobs.latest_times() {
            Some(times) => times,
            None => {
                let stat = sys::stat(&repo_path).map_err(|error| Problem::Unreadable {
                    what: "repo folder",
                    path: repo_path.clone(),
                    error,
                })?;
                (stat.accessed, stat.modified)
            }
        };
        Ok(Repo {
            path: repo_path,
            refs,
            revisions,
            size: blobs.total_size(),
            blobs,
            last_accessed,
            last_modified,
        })
    }

    /// One folder of `snapshots/`; `number` (from 1) tells revisions apart in `counted`.
    fn scan_revision(
        &mut self,
        number: usize,
        name: OsString,
        path: PathBuf,
    ) -> Result<Revision, Problem> {
        let relative = path.strip_prefix(self.root).unwrap_or(&path).to_path_buf();
        let resolved = self
            .resolver
            .resolve_from(self.root_resolved, &relative)
            .path;
        let mut revision = Revision {
            name,
            path,
            ..Revision::default()
        };
        // Python only globs what `is_dir()`; opening follows symlinks the same way.
        if let Ok(dir) = Dir::open(&revision.path) {
            let top = revision.add_dir(PathBuf::new());
            self.walk(&dir, top, &resolved, &mut revision)?;
        }

        let mut size = 0;
        let mut last_modified = f64::MIN;
        for file in &revision.files {
            let blob = file.blob as usize;
            if self.counted.len() <= blob {
                self.counted.resize(blob + 1, 0);
            }
            if self.counted[blob] != number {
                self.counted[blob] = number;
                size += self.index.blobs.size(file.blob);
                last_modified = last_modified.max(self.index.blobs.modified(file.blob));
            }
        }
        if revision.is_empty() {
            let stat = sys::stat(&revision.path).map_err(|error| Problem::Unreadable {
                what: "snapshot",
                path: revision.path.clone(),
                error,
            })?;
            last_modified = stat.modified;
        }
        revision.size = size;
        revision.last_modified = last_modified;
        Ok(revision)
    }

    /// `glob("**/*")` of a snapshot: every entry of `dir`, then each real sub-folder in turn.
    /// Symlinks to folders are neither files nor walked into; unreadable folders are skipped.
    fn walk(
        &mut self,
        dir: &Dir,
        dir_id: u32,
        resolved: &Path,
        revision: &mut Revision,
    ) -> Result<(), Problem> {
        let Ok(listing) = dir.list() else {
            return Ok(());
        };
        // Link targets share their folder part ("../../blobs"): remember its folder id.
        let mut prefixes: Vec<(Vec<u8>, Option<u32>)> = Vec::new();
        let mut own_parent = None;
        let mut subdirs = Vec::new();
        for (name, kind) in listing.iter() {
            let kind = match kind {
                Some(kind) => kind,
                None => dir.lstat(name).map(|s| s.kind).unwrap_or(Kind::Other),
            };
            let outcome = match kind {
                Kind::Dir => {
                    subdirs.push(name);
                    continue;
                }
                Kind::Symlink => self.link(dir, name, resolved, &mut prefixes),
                Kind::Other => match dir.lstat(name) {
                    Ok(stat) if stat.kind == Kind::Dir => continue,
                    Ok(stat) if stat.kind == Kind::Symlink => {
                        self.link(dir, name, resolved, &mut prefixes)
                    }
                    Ok(stat) => {
                        let parent = *own_parent.get_or_insert_with(|| self.index.parent(resolved));
                        LinkOutcome::Blob(self.index.blob(parent, name, &stat))
                    }
                    Err(_) => LinkOutcome::Missing(resolved.join(name)),
                },
            };
            match outcome {
                LinkOutcome::Blob(blob) => revision.add_file(dir_id, name, blob),
                LinkOutcome::Folder => {}
                LinkOutcome::Missing(path) => return Err(Problem::BlobMissing(path)),
            }
        }
        for name in subdirs {
            if self.cancel.is_cancelled() {
                return Ok(());
            }
            let Ok(child) = dir.open_child(name) else {
                continue;
            };
            let relative = revision.dirs[dir_id as usize].join(name);
            let child_id = revision.add_dir(relative);
            self.walk(&child, child_id, &resolved.join(name), revision)?;
        }
        Ok(())
    }

    /// Resolve the snapshot symlink `dir/name` (`resolved` is `dir` resolved) to its blob.
    fn link(
        &mut self,
        dir: &Dir,
        name: &OsStr,
        resolved: &Path,
        prefixes: &mut Vec<(Vec<u8>, Option<u32>)>,
    ) -> LinkOutcome {
        let mut target = std::mem::take(&mut self.target);
        let outcome = if dir.readlink(name, &mut target).is_err() {
            // Python keeps an unreadable link as a plain component, then `stat`s it.
            match dir.stat(name) {
                Ok(stat) if stat.kind == Kind::Dir => LinkOutcome::Folder,
                Ok(stat) => {
                    let parent = self.index.parent(resolved);
                    LinkOutcome::Blob(self.index.blob(parent, name, &stat))
                }
                Err(_) => LinkOutcome::Missing(resolved.join(name)),
            }
        } else {
            self.fast_link(&target, resolved, prefixes)
                .unwrap_or_else(|| self.slow_link(name, &target, resolved))
        };
        self.target = target;
        outcome
    }

    /// The usual link, `../../blobs/<etag>` (a few `..`, then plain names), resolved with one
    /// `lstat` of the blob in its (open, already resolved) folder. `None` for anything else.
    fn fast_link(
        &mut self,
        target: &[u8],
        resolved: &Path,
        prefixes: &mut Vec<(Vec<u8>, Option<u32>)>,
    ) -> Option<LinkOutcome> {
        if !cfg!(unix) || target.first() == Some(&b'/') {
            return None;
        }
        let (prefix, last) = match target.iter().rposition(|&b| b == b'/') {
            Some(at) => (&target[..at], &target[at + 1..]),
            None => (&target[..0], target),
        };
        if matches!(last, b"" | b"." | b"..") {
            return None;
        }
        let parent = match prefixes
            .iter()
            .find(|(known, _)| known.as_slice() == prefix)
        {
            Some((_, parent)) => (*parent)?,
            None => {
                let parent = self.link_parent(prefix, resolved);
                prefixes.push((prefix.to_vec(), parent));
                parent?
            }
        };
        let last = sys::os_str(last);
        let stat = match self.parent_dir(parent) {
            Some(dir) => dir.lstat(last),
            None => sys::lstat(&self.index.parent_path(parent).join(last)),
        };
        Some(match stat {
            Ok(stat) if stat.kind == Kind::Symlink => return None,
            Ok(stat) if stat.kind == Kind::Dir => LinkOutcome::Folder,
            Ok(stat) => LinkOutcome::Blob(self.index.blob(parent, last, &stat)),
            Err(_) => LinkOutcome::Missing(self.index.parent_path(parent).join(last)),
        })
    }

    /// The folder id of `resolved` + `prefix` (leading `..`s, then plain names), or `None` when
    /// the prefix has other shapes or resolving it meets a loop.
    fn link_parent(&mut self, prefix: &[u8], resolved: &Path) -> Option<u32> {
        let mut base = resolved.to_path_buf();
        let mut rest = PathBuf::new();
        let mut leading = true;
        for part in prefix
            .split(|&b| b == b'/')
            .filter(|p| !prefix.is_empty() || !p.is_empty())
        {
            match part {
                b".." if leading => {
                    if !base.pop() {
                        return None; // above the root: leave it to the general resolver
                    }
                }
                b"" | b"." | b".." => return None,
                name => {
                    leading = false;
                    rest.push(sys::os_str(name));
                }
            }
        }
        let folder = if rest.as_os_str().is_empty() {
            base
        } else {
            let found = self.resolver.resolve_from(&base, &rest);
            if !found.ok {
                return None;
            }
            found.path
        };
        let id = self.index.parent(&folder);
        Some(id)
    }

    /// The open folder of parent `id`, opened on first use (a bounded number per repo).
    fn parent_dir(&mut self, id: u32) -> Option<&Dir> {
        let index = id as usize;
        if self.parent_dirs.len() <= index {
            self.parent_dirs
                .resize_with(index + 1, || ParentDir::Unopened);
        }
        if matches!(self.parent_dirs[index], ParentDir::Unopened) {
            self.parent_dirs[index] = if self.open_parents < MAX_OPEN_PARENTS {
                match Dir::open(self.index.parent_path(id)) {
                    Ok(dir) => {
                        self.open_parents += 1;
                        ParentDir::Open(dir)
                    }
                    Err(_) => ParentDir::Unavailable,
                }
            } else {
                ParentDir::Unavailable
            };
        }
        match &self.parent_dirs[index] {
            ParentDir::Open(dir) => Some(dir),
            _ => None,
        }
    }

    /// Any other link: Python's `realpath` step by step, then `stat` of the result.
    fn slow_link(&mut self, name: &OsStr, target: &[u8], resolved: &Path) -> LinkOutcome {
        let target = PathBuf::from(sys::os_str(target));
        self.resolver.remember_link(resolved.join(name), target);
        let found = self.resolver.resolve_from(resolved, Path::new(name));
        match found.metadata {
            Some(meta) if meta.is_dir() => LinkOutcome::Folder,
            Some(meta) if found.ok => {
                let (parent, file) = match (found.path.parent(), found.path.file_name()) {
                    (Some(parent), Some(file)) => (parent, file),
                    _ => return LinkOutcome::Missing(found.path),
                };
                let parent = self.index.parent(parent);
                let stat: Stat = sys::from_metadata(&meta);
                LinkOutcome::Blob(self.index.blob(parent, file, &stat))
            }
            _ => LinkOutcome::Missing(found.path),
        }
    }
}

/// Names in a folder, as `os.listdir` gives them (all or an error).
fn read_names(dir: &Path) -> io::Result<Vec<OsString>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name());
    }
    Ok(names)
}

/// `refs.glob("**/*")`: every non-folder entry, named by its path relative to `refs/`.
fn walk_refs(dir: &Path, relative: &Path, refs: &mut Vec<Ref>) -> Result<(), Problem> {
    let Ok(listing) = Dir::open(dir).and_then(|dir| dir.list()) else {
        return Ok(());
    };
    let mut subdirs = Vec::new();
    for (name, kind) in listing.iter() {
        let path = dir.join(name);
        let kind = kind.unwrap_or_else(|| sys::lstat(&path).map(|s| s.kind).unwrap_or(Kind::Other));
        let is_dir = match kind {
            Kind::Dir => {
                subdirs.push(name);
                continue;
            }
            Kind::Symlink => is_dir_following(&path),
            Kind::Other => false,
        };
        if is_dir || ignored(name) {
            continue;
        }
        match read_ref(&path) {
            Ok(target) => refs.push(Ref {
                name: relative.join(name).into_os_string(),
                target,
            }),
            Err(error) => {
                return Err(Problem::Unreadable {
                    what: "ref",
                    path,
                    error,
                })
            }
        }
    }
    for name in subdirs {
        walk_refs(&dir.join(name), &relative.join(name), refs)?;
    }
    Ok(())
}

/// The content of a ref file. Only regular files are read: a FIFO or a device would block or
/// never end (upstream hangs on them).
fn read_ref(path: &Path) -> io::Result<Vec<u8>> {
    if !fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    fs::read(path)
}
