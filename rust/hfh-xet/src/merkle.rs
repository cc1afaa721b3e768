//! Merkle aggregation of `(hash, size)` lists: xorb hashes and file hashes.
//!
//! A level is cut into groups left to right. From a group's start, the elements at offsets
//! 2..=8 are examined in turn; the first whose hash is a multiple of 4 (word 3 of the hash)
//! closes the group after itself, otherwise the group takes 9 elements, or all that remain when
//! fewer are left (1 or 2 remaining elements always form one group). Each group becomes one
//! parent whose hash is keyed BLAKE3 (internal-node key) over the node string
//! `"<hex> : <size>\n"` of every child, and whose size is the sum of the children's sizes.
//! Levels are built until one element remains; a one-element input is its own root.
//!
//! [`MerkleBuilder`] computes the same root incrementally, holding at most a few elements per
//! level, so hashing a file needs memory logarithmic in its size.

use std::fmt::Write;

use crate::hash::{internal_node_hash, MerkleHash};

/// Mean branching factor of the tree: a group closes after a hash that is a multiple of this.
const BRANCHING: u64 = 4;
/// Largest group size.
const MAX_GROUP: usize = 2 * BRANCHING as usize + 1;

/// The length of the group starting at `items[0]`, knowing `items` holds everything that is
/// left in the level.
fn group_len(items: &[(MerkleHash, u64)]) -> usize {
    if items.len() <= 2 {
        return items.len();
    }
    closed_group_len(items).unwrap_or(items.len().min(MAX_GROUP))
}

/// The length of the group starting at `items[0]` if elements after `items` cannot change it.
fn closed_group_len(items: &[(MerkleHash, u64)]) -> Option<usize> {
    let end = items.len().min(MAX_GROUP);
    (2..end)
        .find(|&i| items[i].0.words()[3] % BRANCHING == 0)
        .map(|i| i + 1)
        .or((items.len() >= MAX_GROUP).then_some(MAX_GROUP))
}

/// The parent of a group of children.
fn parent(children: &[(MerkleHash, u64)], buffer: &mut String) -> (MerkleHash, u64) {
    buffer.clear();
    let mut size = 0u64;
    for (hash, child_size) in children {
        hash.push_hex(buffer);
        // Writing into a String cannot fail.
        let _ = writeln!(buffer, " : {child_size}");
        size = size.wrapping_add(*child_size);
    }
    (internal_node_hash(buffer.as_bytes()), size)
}

/// The merkle root of a list of `(hash, size)` pairs; all-zero for an empty list.
pub fn aggregated_hash(items: &[(MerkleHash, u64)]) -> MerkleHash {
    if items.is_empty() {
        return MerkleHash::ZERO;
    }
    let mut level = items.to_vec();
    let mut buffer = String::with_capacity(1024);
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len() / 2 + 1);
        let mut start = 0;
        while start < level.len() {
            let len = group_len(&level[start..]);
            next.push(parent(&level[start..start + len], &mut buffer));
            start += len;
        }
        level = next;
    }
    level[0].0
}

/// The hash of a xorb made of these chunks, in xorb order.
pub fn xorb_hash(chunks: &[(MerkleHash, u64)]) -> MerkleHash {
    aggregated_hash(chunks)
}

/// The hash of a file made of these chunks, in file order; all-zero for an empty file.
pub fn file_hash(chunks: &[(MerkleHash, u64)]) -> MerkleHash {
    file_hash_with_salt(chunks, &[0; 32])
}

/// [`file_hash`] with a non-zero key for the final keyed hash.
pub fn file_hash_with_salt(chunks: &[(MerkleHash, u64)], salt: &[u8; 32]) -> MerkleHash {
    if chunks.is_empty() {
        return MerkleHash::ZERO;
    }
    aggregated_hash(chunks).hmac(salt)
}

/// One level of the tree under construction.
#[derive(Clone, Debug, Default)]
struct Level {
    /// Elements not yet folded into a parent (fewer than `MAX_GROUP` between calls).
    pending: Vec<(MerkleHash, u64)>,
    /// How many elements this level has received in total.
    received: u64,
}

/// Computes [`aggregated_hash`] over a stream of `(hash, size)` pairs.
#[derive(Clone, Debug, Default)]
pub struct MerkleBuilder {
    levels: Vec<Level>,
    buffer: String,
}

impl MerkleBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append the next leaf.
    pub fn push(&mut self, hash: MerkleHash, size: u64) {
        self.push_at(0, (hash, size));
    }

    /// How many leaves were pushed.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |level| level.received)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn push_at(&mut self, depth: usize, item: (MerkleHash, u64)) {
        if self.levels.len() == depth {
            self.levels.push(Level::default());
        }
        let level = &mut self.levels[depth];
        level.pending.push(item);
        level.received += 1;
        // Fold every group that later elements can no longer change.
        while let Some(len) = closed_group_len(&self.levels[depth].pending) {
            let group: Vec<_> = self.levels[depth].pending.drain(..len).collect();
            let node = parent(&group, &mut self.buffer);
            self.push_at(depth + 1, node);
        }
    }

    /// The root of everything pushed (all-zero if nothing was).
    pub fn finish(mut self) -> MerkleHash {
        let mut depth = 0;
        while depth < self.levels.len() {
            if self.levels[depth].received == 1 && depth + 1 == self.levels.len() {
                return self.levels[depth].pending[0].0;
            }
            let pending = std::mem::take(&mut self.levels[depth].pending);
            let mut start = 0;
            while start < pending.len() {
                let len = group_len(&pending[start..]);
                let node = parent(&pending[start..start + len], &mut self.buffer);
                self.push_at(depth + 1, node);
                start += len;
            }
            depth += 1;
        }
        MerkleHash::ZERO
    }

    /// The file hash of everything pushed: the root, keyed-hashed with `salt` (all-zero for
    /// an empty file).
    pub fn finish_file_hash(self, salt: &[u8; 32]) -> MerkleHash {
        if self.is_empty() {
            return MerkleHash::ZERO;
        }
        self.finish().hmac(salt)
    }
}

#[cfg(test)]
#[path = "merkle_tests.rs"]
mod tests;
