//! Xorbs: building them from chunks and serializing them.
//!
//! A xorb is a run of chunks (at most [`MAX_XORB_CHUNKS`] and [`MAX_XORB_BYTES`] of
//! uncompressed data) serialized one after the other, each as an 8-byte header followed by its
//! payload:
//!
//! | offset | width | meaning |
//! |---|---|---|
//! | 0 | 1 | version, 0 |
//! | 1 | 3 | payload length (u24 LE) |
//! | 4 | 1 | compression scheme ([`CompressionScheme::code`]) |
//! | 5 | 3 | uncompressed length (u24 LE, at most [`MAX_CHUNK_SIZE`]) |
//!
//! Clients upload only these chunks; the stored object adds a footer ([`crate::xorb_footer`]).
//! The xorb hash is the merkle hash of `(chunk hash, uncompressed length)` and does not depend on
//! compression.
//!
//! Cutting follows `hf_xet`: [`XorbData::push`] refuses a chunk that would break a limit (the
//! caller then starts a new xorb), and [`XorbAggregator`] gathers the tails of several files
//! into shared xorbs, cutting the larger of the two when they do not fit together.

use crate::chunking::{Chunk, MAX_CHUNK_SIZE};
use crate::compression::{compress_chunk, CompressionPolicy, CompressionScheme};
use crate::hash::MerkleHash;
use crate::merkle::xorb_hash;
use crate::wire::put_u24;
use crate::xorb_footer::XorbFooter;

/// Largest total of uncompressed chunk bytes in one xorb (64 MiB).
pub const MAX_XORB_BYTES: usize = 64 * 1024 * 1024;
/// Largest number of chunks in one xorb.
pub const MAX_XORB_CHUNKS: usize = 8 * 1024;
/// Size of a serialized chunk header.
pub const CHUNK_HEADER_SIZE: usize = 8;
/// The only chunk header version.
pub const CHUNK_HEADER_VERSION: u8 = 0;
/// Largest payload a reader accepts (twice the largest chunk).
pub const MAX_CHUNK_PAYLOAD: usize = 2 * MAX_CHUNK_SIZE;

/// The 8-byte header in front of every serialized chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkHeader {
    pub compressed_len: u32,
    pub scheme: CompressionScheme,
    pub uncompressed_len: u32,
}

impl ChunkHeader {
    pub fn to_bytes(&self) -> [u8; CHUNK_HEADER_SIZE] {
        let mut out = Vec::with_capacity(CHUNK_HEADER_SIZE);
        out.push(CHUNK_HEADER_VERSION);
        put_u24(&mut out, self.compressed_len);
        out.push(self.scheme.code());
        put_u24(&mut out, self.uncompressed_len);
        out.try_into().expect("8-byte chunk header")
    }
}

/// Chunks gathered into one xorb, with the indices where each file's chunks start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XorbData {
    chunks: Vec<Chunk>,
    file_starts: Vec<usize>,
    bytes: usize,
}

impl XorbData {
    pub fn new() -> Self {
        Self::default()
    }

    /// A xorb of these chunks, all from one file; `None` if they break a limit.
    pub fn from_chunks(chunks: Vec<Chunk>) -> Option<Self> {
        let mut xorb = Self::new();
        for chunk in chunks {
            xorb.push(chunk).ok()?;
        }
        Some(xorb)
    }

    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    /// Indices of the first chunk of each file's run (always starting with 0 once non-empty).
    pub fn file_starts(&self) -> &[usize] {
        &self.file_starts
    }

    pub fn len(&self) -> usize {
        self.chunks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Total uncompressed bytes.
    pub fn num_bytes(&self) -> usize {
        self.bytes
    }

    /// Whether `chunks` more chunks totalling `bytes` bytes still fit.
    pub fn fits(&self, chunks: usize, bytes: usize) -> bool {
        self.chunks.len() + chunks <= MAX_XORB_CHUNKS && self.bytes + bytes <= MAX_XORB_BYTES
    }

    /// Append a chunk of the current file; gives it back if it does not fit.
    ///
    /// Panics if the chunk is longer than [`MAX_CHUNK_SIZE`] (chunkers never make such chunks).
    pub fn push(&mut self, chunk: Chunk) -> Result<(), Chunk> {
        assert!(
            chunk.data.len() <= MAX_CHUNK_SIZE,
            "a chunk of {} bytes is longer than {MAX_CHUNK_SIZE}",
            chunk.data.len()
        );
        if !self.fits(1, chunk.data.len()) {
            return Err(chunk);
        }
        if self.chunks.is_empty() {
            self.file_starts = vec![0];
        }
        self.bytes += chunk.data.len();
        self.chunks.push(chunk);
        Ok(())
    }

    /// Append a chunk; if it does not fit, the chunks so far are returned as a finished xorb
    /// and this one starts a new xorb. This is the per-file cutting rule.
    pub fn push_or_cut(&mut self, chunk: Chunk) -> Option<XorbData> {
        match self.push(chunk) {
            Ok(()) => None,
            Err(chunk) => {
                let full = std::mem::take(self);
                // A single chunk always fits into an empty xorb.
                let _ = self.push(chunk);
                Some(full)
            }
        }
    }

    /// Append all of `other` as the chunks of further files (the caller checked it fits).
    pub(crate) fn append(&mut self, other: XorbData) {
        let offset = self.chunks.len();
        self.file_starts
            .extend(other.file_starts.iter().map(|start| start + offset));
        self.bytes += other.bytes;
        self.chunks.extend(other.chunks);
    }

    /// `(chunk hash, length)` of every chunk, in order.
    pub fn chunk_hashes(&self) -> Vec<(MerkleHash, u64)> {
        self.chunks
            .iter()
            .map(|c| (c.hash, c.data.len() as u64))
            .collect()
    }

    /// The xorb hash.
    pub fn hash(&self) -> MerkleHash {
        xorb_hash(&self.chunk_hashes())
    }

    /// Serialize with `policy` (the upload form, no footer).
    pub fn serialize(&self, policy: CompressionPolicy) -> SerializedXorb {
        let data: Vec<&[u8]> = self.chunks.iter().map(|c| c.data.as_slice()).collect();
        let requested = policy.schemes(&data, &self.file_starts);
        let mut bytes = Vec::with_capacity(self.bytes / 2 + CHUNK_HEADER_SIZE * self.len());
        let mut schemes = Vec::with_capacity(self.len());
        let mut chunk_ends = Vec::with_capacity(self.len());
        let mut unpacked_ends = Vec::with_capacity(self.len());
        let mut unpacked = 0u32;
        for (chunk, scheme) in self.chunks.iter().zip(requested) {
            // A chunk stored as is goes straight into the body (no intermediate copy).
            let compressed = (scheme != CompressionScheme::None)
                .then(|| compress_chunk(&chunk.data, scheme))
                .filter(|(used, _)| *used != CompressionScheme::None);
            let (used, payload) = match &compressed {
                Some((used, payload)) => (*used, payload.as_slice()),
                None => (CompressionScheme::None, chunk.data.as_slice()),
            };
            let header = ChunkHeader {
                compressed_len: payload.len() as u32,
                scheme: used,
                uncompressed_len: chunk.data.len() as u32,
            };
            bytes.extend_from_slice(&header.to_bytes());
            bytes.extend_from_slice(payload);
            schemes.push(used);
            chunk_ends.push(bytes.len() as u32);
            unpacked += chunk.data.len() as u32;
            unpacked_ends.push(unpacked);
        }
        SerializedXorb {
            hash: self.hash(),
            bytes,
            chunk_hashes: self.chunks.iter().map(|c| c.hash).collect(),
            schemes,
            chunk_ends,
            unpacked_ends,
        }
    }
}

/// A serialized xorb and what its footer would say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializedXorb {
    pub hash: MerkleHash,
    /// The chunks as uploaded (no footer).
    pub bytes: Vec<u8>,
    pub chunk_hashes: Vec<MerkleHash>,
    /// The scheme each chunk was stored with.
    pub schemes: Vec<CompressionScheme>,
    /// End offset of each serialized chunk (header included) from the start of the xorb.
    pub chunk_ends: Vec<u32>,
    /// End offset of each chunk in the uncompressed data.
    pub unpacked_ends: Vec<u32>,
}

impl SerializedXorb {
    /// The footer the server stores after the chunks.
    pub fn footer(&self) -> XorbFooter {
        XorbFooter {
            version: 1,
            hash: self.hash,
            chunk_hashes: self.chunk_hashes.clone(),
            chunk_ends: self.chunk_ends.clone(),
            unpacked_ends: Some(self.unpacked_ends.clone()),
            buffer: [0; 16],
        }
    }

    /// The stored object: chunks, then the footer (version 1).
    pub fn with_footer(&self) -> Vec<u8> {
        let mut out = self.bytes.clone();
        self.footer().write_to(&mut out);
        out
    }
}

/// Gathers the new chunks left at the end of each file into xorbs shared by several files.
#[derive(Debug, Clone, Default)]
pub struct XorbAggregator {
    current: XorbData,
}

impl XorbAggregator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the last, not yet cut, chunks of a file. If they do not fit with what is already
    /// gathered, the larger of the two (by bytes; the gathered one on a tie) is returned as a
    /// finished xorb and the smaller is kept.
    pub fn add_file_tail(&mut self, tail: XorbData) -> Option<XorbData> {
        if tail.is_empty() {
            return None;
        }
        if self.current.fits(tail.len(), tail.num_bytes()) {
            self.current.append(tail);
            return None;
        }
        if tail.num_bytes() > self.current.num_bytes() {
            Some(tail)
        } else {
            Some(std::mem::replace(&mut self.current, tail))
        }
    }

    /// What is left, as a last xorb (`None` if nothing is).
    pub fn finish(&mut self) -> Option<XorbData> {
        let rest = std::mem::take(&mut self.current);
        (!rest.is_empty()).then_some(rest)
    }
}

#[cfg(test)]
#[path = "xorb_tests.rs"]
mod tests;
