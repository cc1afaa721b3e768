//! Content-defined chunking with the Gear rolling hash.
//!
//! Every chunk restarts the rolling hash at zero. Its first `MIN_CHUNK_SIZE - 65` bytes are not
//! hashed at all (a 64-byte window is all the hash remembers, so they could not matter for a
//! cut at or after `MIN_CHUNK_SIZE`). After hashing the byte that makes the chunk `L` bytes
//! long, the chunk ends there if `L >= MIN_CHUNK_SIZE` and the top 16 bits of the hash are zero;
//! it ends at `MAX_CHUNK_SIZE` regardless; the end of input ends the last chunk. Empty input has
//! no chunks.
//!
//! [`BoundaryScanner`] finds the cuts without touching the data twice or keeping any of it, so
//! input can arrive in blocks of any size; [`Chunker`] builds on it and hands out whole chunks.

use crate::gear_table::GEAR_TABLE;
use crate::hash::{chunk_hash, MerkleHash};

/// Average chunk size the boundary rule aims for.
pub const TARGET_CHUNK_SIZE: usize = 64 * 1024;
/// No chunk except the last of a file is shorter.
pub const MIN_CHUNK_SIZE: usize = TARGET_CHUNK_SIZE / 8;
/// No chunk is longer.
pub const MAX_CHUNK_SIZE: usize = TARGET_CHUNK_SIZE * 2;
/// A boundary is where the hash has these bits clear: `(TARGET - 1)` moved to the top bits.
const MASK: u64 =
    ((TARGET_CHUNK_SIZE as u64) - 1) << (TARGET_CHUNK_SIZE as u64 - 1).leading_zeros();
/// Bytes at the start of every chunk that are never hashed.
const UNHASHED_PREFIX: usize = MIN_CHUNK_SIZE - 65;

#[inline(always)]
fn roll(hash: u64, byte: u8) -> u64 {
    (hash << 1).wrapping_add(GEAR_TABLE[usize::from(byte)])
}

/// Roll `hash` over `data`, testing after every byte; returns the length of the prefix of
/// `data` after which the hash first has the `MASK` bits clear (and leaves `hash` unspecified),
/// or `None` with `hash` rolled over all of `data`.
///
/// A plain byte loop is latency-bound: every step waits for the shift and add of the one
/// before. Here four bytes advance the hash with a single shift and add
/// (`h4 = (h << 4) + ((g0 << 3) + (g1 << 2) + (g2 << 1) + g3)`, where the bracket does not
/// depend on `h`); the three intermediate hashes that must also be tested come off the same
/// `h` in parallel.
#[inline(always)]
fn find_cut(hash: &mut u64, data: &[u8]) -> Option<usize> {
    let mut h = *hash;
    let mut quads = data.chunks_exact(4);
    let mut offset = 0;
    for quad in &mut quads {
        let g0 = GEAR_TABLE[usize::from(quad[0])];
        let g1 = GEAR_TABLE[usize::from(quad[1])];
        let g2 = GEAR_TABLE[usize::from(quad[2])];
        let g3 = GEAR_TABLE[usize::from(quad[3])];
        let g01 = (g0 << 1).wrapping_add(g1);
        let g23 = (g2 << 1).wrapping_add(g3);
        let h1 = (h << 1).wrapping_add(g0);
        let h2 = (h << 2).wrapping_add(g01);
        let h3 = (h2 << 1).wrapping_add(g2);
        let h4 = (h << 4).wrapping_add((g01 << 2).wrapping_add(g23));
        if (h1 & MASK == 0) | (h2 & MASK == 0) | (h3 & MASK == 0) | (h4 & MASK == 0) {
            let n = if h1 & MASK == 0 {
                1
            } else if h2 & MASK == 0 {
                2
            } else if h3 & MASK == 0 {
                3
            } else {
                4
            };
            return Some(offset + n);
        }
        h = h4;
        offset += 4;
    }
    for (i, &byte) in quads.remainder().iter().enumerate() {
        h = roll(h, byte);
        if h & MASK == 0 {
            return Some(offset + i + 1);
        }
    }
    *hash = h;
    None
}

/// Finds chunk boundaries in a stream of bytes without holding on to them.
#[derive(Clone, Debug, Default)]
pub struct BoundaryScanner {
    hash: u64,
    /// Length of the chunk in progress.
    len: usize,
}

impl BoundaryScanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes seen since the last boundary (the size the current chunk would have if the input
    /// ended now).
    pub fn pending_len(&self) -> usize {
        self.len
    }

    /// Continue the chunk in progress with `data`. Returns `Some(n)` if that chunk ends after
    /// `data[..n]` (then the next chunk starts at `data[n]`, and the caller scans `data[n..]`
    /// next), or `None` if all of `data` belongs to the chunk in progress.
    pub fn scan(&mut self, data: &[u8]) -> Option<usize> {
        let mut pos = 0;
        if self.len < UNHASHED_PREFIX {
            let skip = (UNHASHED_PREFIX - self.len).min(data.len());
            self.len += skip;
            pos = skip;
        }
        // The chunk cannot grow past MAX_CHUNK_SIZE.
        let end = data.len().min(pos + (MAX_CHUNK_SIZE - self.len));
        let mut hash = self.hash;

        // Bytes that leave the chunk shorter than the minimum: hashed, never a boundary.
        let unchecked = (MIN_CHUNK_SIZE - 1).saturating_sub(self.len);
        let unchecked_end = end.min(pos + unchecked);
        for &byte in &data[pos..unchecked_end] {
            hash = roll(hash, byte);
        }
        self.len += unchecked_end - pos;
        pos = unchecked_end;

        if let Some(n) = find_cut(&mut hash, &data[pos..end]) {
            self.reset();
            return Some(pos + n);
        }
        self.len += end - pos;
        if self.len == MAX_CHUNK_SIZE {
            self.reset();
            return Some(end);
        }
        self.hash = hash;
        None
    }

    fn reset(&mut self) {
        self.hash = 0;
        self.len = 0;
    }
}

/// Cumulative end offsets of the chunks of `data` taken as a whole file (the last one is
/// `data.len()`; empty for empty data).
pub fn chunk_boundaries(data: &[u8]) -> Vec<usize> {
    let mut scanner = BoundaryScanner::new();
    let mut boundaries = Vec::with_capacity(data.len() / TARGET_CHUNK_SIZE + 1);
    let mut start = 0;
    while let Some(n) = scanner.scan(&data[start..]) {
        start += n;
        boundaries.push(start);
    }
    if start < data.len() {
        boundaries.push(data.len());
    }
    boundaries
}

/// A chunk of content and its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Chunk {
    pub hash: MerkleHash,
    pub data: Vec<u8>,
}

impl Chunk {
    pub fn new(data: Vec<u8>) -> Self {
        Self {
            hash: chunk_hash(&data),
            data,
        }
    }
}

impl std::fmt::Debug for Chunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunk")
            .field("hash", &self.hash)
            .field("len", &self.data.len())
            .finish()
    }
}

/// Splits a stream into chunks, whatever the sizes of the blocks it arrives in.
///
/// Bytes of the chunk in progress are kept until its end is found (at most
/// [`MAX_CHUNK_SIZE`]).
#[derive(Clone, Debug, Default)]
pub struct Chunker {
    scanner: BoundaryScanner,
    partial: Vec<u8>,
}

impl Chunker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed the next block of input; returns the chunks it completes. With `is_final`, the
    /// remaining bytes become the last chunk.
    pub fn next_block(&mut self, data: &[u8], is_final: bool) -> Vec<Chunk> {
        let mut chunks = Vec::new();
        let mut rest = data;
        while let Some(n) = self.scanner.scan(rest) {
            let (head, tail) = rest.split_at(n);
            let mut bytes = std::mem::take(&mut self.partial);
            bytes.extend_from_slice(head);
            chunks.push(Chunk::new(bytes));
            rest = tail;
        }
        self.partial.extend_from_slice(rest);
        if is_final {
            if let Some(last) = self.finish() {
                chunks.push(last);
            }
        }
        chunks
    }

    /// End the input: the bytes not yet returned, as the last chunk (`None` if there are none).
    pub fn finish(&mut self) -> Option<Chunk> {
        self.scanner = BoundaryScanner::new();
        if self.partial.is_empty() {
            return None;
        }
        Some(Chunk::new(std::mem::take(&mut self.partial)))
    }
}

#[cfg(test)]
#[path = "chunking_tests.rs"]
mod tests;
