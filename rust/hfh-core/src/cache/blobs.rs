//! The distinct blobs of one repo, keyed by resolved path and stored without one allocation per
//! blob: a path is (parent folder id, name), names live end to end in one buffer, and the
//! de-duplication index maps a 64-bit hash of the key to a chain of candidates.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

use super::sys::{self, Stat};

const NO_NEXT: u32 = u32::MAX;

#[derive(Clone, Debug, PartialEq)]
struct Item {
    parent: u32,
    start: u32,
    end: u32,
    size: u64,
    accessed: f64,
    modified: f64,
    /// Next blob with the same key hash.
    next: u32,
}

/// The keys are already hashes: pass them through.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

fn key_hash(parent: u32, name: &[u8]) -> u64 {
    // FNV-1a: short keys, no adversary (each index lives for the scan of one repo).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(parent);
    for &byte in name {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The blobs of a repo, each `stat`ed once, in the order they were first reached.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Blobs {
    parents: Vec<PathBuf>,
    names: Vec<u8>,
    items: Vec<Item>,
}

/// Builds [`Blobs`], with the indexes needed while scanning.
#[derive(Default)]
pub(super) struct BlobIndex {
    pub blobs: Blobs,
    heads: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    parent_ids: HashMap<PathBuf, u32>,
}

impl BlobIndex {
    /// The id of a (resolved) parent folder.
    pub fn parent(&mut self, path: &Path) -> u32 {
        if let Some(&id) = self.parent_ids.get(path) {
            return id;
        }
        let id = self.blobs.parents.len() as u32;
        self.blobs.parents.push(path.to_path_buf());
        self.parent_ids.insert(path.to_path_buf(), id);
        id
    }

    pub fn parent_path(&self, id: u32) -> &Path {
        &self.blobs.parents[id as usize]
    }

    /// The blob `parent/name`: found, or added with `stat` (upstream `stat`s each blob once).
    pub fn blob(&mut self, parent: u32, name: &OsStr, stat: &Stat) -> u32 {
        let name = name.as_encoded_bytes();
        let hash = key_hash(parent, name);
        let head = self.heads.get(&hash).copied().unwrap_or(NO_NEXT);
        let mut cursor = head;
        while cursor != NO_NEXT {
            let item = &self.blobs.items[cursor as usize];
            if item.parent == parent
                && &self.blobs.names[item.start as usize..item.end as usize] == name
            {
                return cursor;
            }
            cursor = item.next;
        }
        let index = self.blobs.items.len() as u32;
        let start = self.blobs.names.len() as u32;
        self.blobs.names.extend_from_slice(name);
        self.blobs.items.push(Item {
            parent,
            start,
            end: self.blobs.names.len() as u32,
            size: stat.size,
            accessed: stat.accessed,
            modified: stat.modified,
            next: head,
        });
        self.heads.insert(hash, index);
        index
    }
}

impl Blobs {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Resolved path of blob `index`.
    pub fn path(&self, index: u32) -> PathBuf {
        let item = &self.items[index as usize];
        self.parents[item.parent as usize].join(sys::os_str(
            &self.names[item.start as usize..item.end as usize],
        ))
    }

    pub fn size(&self, index: u32) -> u64 {
        self.items[index as usize].size
    }

    /// `st_atime` as Python's float.
    pub fn accessed(&self, index: u32) -> f64 {
        self.items[index as usize].accessed
    }

    /// `st_mtime` as Python's float.
    pub fn modified(&self, index: u32) -> f64 {
        self.items[index as usize].modified
    }

    /// Sum of the sizes.
    pub fn total_size(&self) -> u64 {
        self.items.iter().map(|item| item.size).sum()
    }

    /// Latest access and modification times, `None` without blobs.
    pub fn latest_times(&self) -> Option<(f64, f64)> {
        self.items.iter().fold(None, |latest, item| {
            let (accessed, modified) = latest.unwrap_or((f64::MIN, f64::MIN));
            Some((accessed.max(item.accessed), modified.max(item.modified)))
        })
    }
}
