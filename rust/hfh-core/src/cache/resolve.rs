//! Symlink resolution with Python's `os.path.realpath(path, strict=False)` semantics, memoised.
//!
//! Upstream computes `blob_path = file_path.resolve()` for every file of a snapshot. Doing the
//! same with `realpath(3)` would `lstat` every component of every path; here each component is
//! looked up once per [`Resolver`] (one per scanned repo), so a snapshot file costs one
//! `readlink` plus one `lstat` of its blob.
//!
//! Semantics kept from Python (3.13 and later, which never raises in non-strict mode):
//! - components are applied left to right; `..` drops the last resolved component (never above `/`);
//! - a component whose `lstat` fails is kept as is (non-strict mode) and resolution goes on;
//! - a symlink loop stops resolution: the result is the looping link followed by the unresolved
//!   rest of the path, and `ok` is false.

use std::collections::HashMap;
use std::fs::{self, Metadata};
use std::path::{Component, Path, PathBuf};

/// What one `lstat` (and, for a link, one `readlink`) told us about a path.
#[derive(Clone, Debug)]
enum Node {
    /// A symbolic link and its raw target.
    Link(PathBuf),
    /// A symbolic link whose target could not be read: treated as a plain component.
    UnreadableLink,
    /// Anything else; `None` when `lstat` failed (missing, no permission...).
    Plain(Option<Metadata>),
}

/// The outcome of resolving one path.
#[derive(Debug)]
pub struct Resolved {
    /// The resolved path (absolute if the input was).
    pub path: PathBuf,
    /// False when a symlink loop stopped resolution.
    pub ok: bool,
    /// `stat` of the resolved path when it exists (it contains no symlink, so this is its `lstat`).
    pub metadata: Option<Metadata>,
}

/// Memoised `realpath`. Cheap to create; meant to live for the scan of one repo.
#[derive(Default)]
pub struct Resolver {
    nodes: HashMap<PathBuf, Node>,
}

impl Resolver {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record what the caller already knows about `path` (a link and its target), saving a
    /// `lstat` + `readlink` when resolution reaches it.
    pub fn remember_link(&mut self, path: PathBuf, target: PathBuf) {
        self.nodes.insert(path, Node::Link(target));
    }

    fn node(&mut self, path: &Path) -> Node {
        if let Some(node) = self.nodes.get(path) {
            return node.clone();
        }
        let node = match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(path) {
                Ok(target) => Node::Link(target),
                Err(_) => Node::UnreadableLink,
            },
            Ok(meta) => Node::Plain(Some(meta)),
            Err(_) => Node::Plain(None),
        };
        self.nodes.insert(path.to_path_buf(), node.clone());
        node
    }

    /// `realpath(base / rest)` where `base` is already resolved (or `/`).
    pub fn resolve_from(&mut self, base: &Path, rest: &Path) -> Resolved {
        let mut seen: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
        let mut path = base.to_path_buf();
        let ok = self.join(&mut path, rest, &mut seen, 0);
        let metadata = if ok { self.metadata_of(&path) } else { None };
        Resolved { path, ok, metadata }
    }

    /// `realpath(path)` of an absolute path.
    pub fn resolve(&mut self, path: &Path) -> Resolved {
        self.resolve_from(Path::new("/"), path)
    }

    /// `stat` of a resolved path (which holds no symlink, so `lstat` is the same thing).
    fn metadata_of(&mut self, path: &Path) -> Option<Metadata> {
        match self.node(path) {
            Node::Plain(meta) => meta,
            // Only reachable for the root or odd cases (a link whose target can't be read).
            Node::Link(_) | Node::UnreadableLink => fs::metadata(path).ok(),
        }
    }

    /// Python's `_joinrealpath`: apply `rest` to the resolved `path`; false on a symlink loop
    /// (then `path` holds the looping link joined with what was left of `rest`).
    fn join(
        &mut self,
        path: &mut PathBuf,
        rest: &Path,
        seen: &mut HashMap<PathBuf, Option<PathBuf>>,
        depth: usize,
    ) -> bool {
        let components: Vec<Component<'_>> = rest.components().collect();
        for (index, component) in components.iter().enumerate() {
            let name = match component {
                Component::RootDir => {
                    *path = PathBuf::from("/");
                    continue;
                }
                Component::Prefix(prefix) => {
                    *path = PathBuf::from(prefix.as_os_str());
                    continue;
                }
                Component::CurDir => continue,
                Component::ParentDir => {
                    path.pop();
                    continue;
                }
                Component::Normal(name) => *name,
            };
            let new_path = path.join(name);
            let target = match self.node(&new_path) {
                Node::Link(target) => target,
                Node::Plain(_) | Node::UnreadableLink => {
                    *path = new_path;
                    continue;
                }
            };
            match seen.get(&new_path) {
                Some(Some(resolved)) => {
                    *path = resolved.clone();
                    continue;
                }
                Some(None) => {
                    *path = join_rest(new_path, &components[index + 1..]);
                    return false;
                }
                None => {}
            }
            if depth > MAX_DEPTH {
                // Not a loop Python would see, but a chain this long cannot be a real cache.
                *path = join_rest(new_path, &components[index + 1..]);
                return false;
            }
            seen.insert(new_path.clone(), None);
            if !self.join(path, &target, seen, depth + 1) {
                let joined = join_rest(std::mem::take(path), &components[index + 1..]);
                *path = joined;
                return false;
            }
            seen.insert(new_path, Some(path.clone()));
        }
        true
    }
}

/// Guard against pathological (but loop-free) link chains blowing the stack.
const MAX_DEPTH: usize = 512;

fn join_rest(mut path: PathBuf, rest: &[Component<'_>]) -> PathBuf {
    for component in rest {
        match component {
            Component::Normal(name) => path.push(name),
            Component::ParentDir => path.push(".."),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    path
}
