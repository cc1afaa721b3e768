//! Scanning the Hugging Face cache (`HF_HUB_CACHE`), as upstream's `scan_cache_dir` does.
//!
//! The layout (`<type>s--<namespace>--<name>/{blobs,refs,snapshots}`) and every rule of the scan
//! come from upstream's `utils/_cache_manager.py`; this module walks the folders, `stat`s the
//! blobs and resolves the snapshot symlinks, in parallel over repos, and returns compact data.
//! The Python side turns it into upstream's frozen dataclasses and matches refs to revisions
//! (ref contents are text, decoded the way Python's `open()` decodes them).
//!
//! What upstream counts: each distinct blob of a repo once (by resolved path), and the repo's
//! access/modification times are the latest of its blobs'. `.no_exist/`, `trees/`, unreferenced
//! blobs and `.incomplete` files are not counted; `.incomplete` files are listed on their own.

mod blobs;
mod resolve;
mod scan;
mod sys;

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::PathBuf;

pub use blobs::Blobs;
pub use resolve::{Resolved, Resolver};
pub use scan::{default_workers, scan_cache, FILES_TO_IGNORE};
pub use sys::timestamp;

/// One folder of `snapshots/`, its files stored compactly (see [`Revision::files`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revision {
    /// The folder name (the commit hash).
    pub name: OsString,
    pub path: PathBuf,
    /// Sum of the sizes of the distinct blobs of this revision.
    pub size: u64,
    /// Latest blob modification time, or the folder's own when it holds no file.
    pub last_modified: f64,
    /// Folders holding files, relative to `path` (`""` for `path` itself).
    dirs: Vec<PathBuf>,
    /// File names, end to end.
    names: Vec<u8>,
    files: Vec<FileItem>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct FileItem {
    dir: u32,
    start: u32,
    end: u32,
    blob: u32,
}

impl Revision {
    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Each file as (name, unresolved path under `snapshots/<revision>/`, index in [`Repo::blobs`]),
    /// in `glob("**/*")` order.
    pub fn files(&self) -> impl Iterator<Item = (&OsStr, PathBuf, u32)> + '_ {
        self.files.iter().map(|file| {
            let name = sys::os_str(&self.names[file.start as usize..file.end as usize]);
            let mut path = self.path.join(&self.dirs[file.dir as usize]);
            path.push(name);
            (name, path, file.blob)
        })
    }

    fn add_dir(&mut self, relative: PathBuf) -> u32 {
        self.dirs.push(relative);
        (self.dirs.len() - 1) as u32
    }

    fn add_file(&mut self, dir: u32, name: &OsStr, blob: u32) {
        let start = self.names.len() as u32;
        self.names.extend_from_slice(name.as_encoded_bytes());
        let end = self.names.len() as u32;
        self.files.push(FileItem {
            dir,
            start,
            end,
            blob,
        });
    }
}

/// One file under `refs/`.
#[derive(Clone, Debug, PartialEq)]
pub struct Ref {
    /// Path relative to `refs/` (`main`, `refs/pr/1`).
    pub name: OsString,
    /// Raw content (decoded by the caller).
    pub target: Vec<u8>,
}

/// A repo folder that scanned without problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Repo {
    pub path: PathBuf,
    pub refs: Vec<Ref>,
    pub revisions: Vec<Revision>,
    /// Distinct blobs, in the order they were first reached.
    pub blobs: Blobs,
    /// Sum of the blob sizes.
    pub size: u64,
    /// Latest blob access time, or the repo folder's when there is no blob.
    pub last_accessed: f64,
    /// Latest blob modification time, or the repo folder's when there is no blob.
    pub last_modified: f64,
}

/// Why a top-level entry is not a valid cached repo (upstream's `CorruptedCacheException`s).
#[derive(Debug)]
pub enum Problem {
    /// "Repo path is not a directory: {path}"
    NotADirectory(PathBuf),
    /// "Repo path is not a valid HuggingFace cache directory: {path}"
    NotACacheDirectory(PathBuf),
    /// "Repo type must be `dataset`, `model` or `space`, found `{type}` ({path})."
    BadRepoType(PathBuf),
    /// "Snapshots dir doesn't exist in cached repo: {path}" (the `snapshots` path)
    NoSnapshots(PathBuf),
    /// "Refs directory cannot be a file: {path}"
    RefsIsFile(PathBuf),
    /// "Snapshots folder corrupted. Found a file: {path}"
    SnapshotIsFile(PathBuf),
    /// "Blob missing (broken symlink): {path}" (the resolved path)
    BlobMissing(PathBuf),
    /// An I/O error where upstream would raise instead of warning (permission denied, a folder
    /// vanishing mid-scan, a ref that is not a regular file).
    Unreadable {
        what: &'static str,
        path: PathBuf,
        error: io::Error,
    },
}

/// A top-level entry of the cache (the OS helper files, `.locks` and `CACHEDIR.TAG` excluded).
#[derive(Debug)]
pub struct Entry {
    pub name: OsString,
    pub outcome: Result<Repo, Problem>,
}

/// A `<entry>/blobs/*.incomplete` file.
#[derive(Clone, Debug, PartialEq)]
pub struct IncompleteFile {
    pub path: PathBuf,
    pub size: u64,
}

/// Everything a scan found, entries in directory order.
#[derive(Debug, Default)]
pub struct CacheScan {
    pub entries: Vec<Entry>,
    pub incomplete: Vec<IncompleteFile>,
}

/// Why a scan could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The cache folder itself could not be listed.
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("cache scan was cancelled")]
    Cancelled,
}

#[cfg(all(test, unix))]
mod tests;
