//! Building shards from upload results.
//!
//! [`FileInfoBuilder`] turns "chunk `i` of the file lives at position `p` of xorb `X`", chunk by
//! chunk in file order, into the file's segments (consecutive chunks of one xorb merge into one
//! segment) and the verification hash of each segment (keyed BLAKE3 over the segment's chunk
//! hashes). [`ShardBuilder`] collects files and new xorbs and yields them in hash order.

use std::collections::BTreeMap;

use crate::hash::{verification_range_hash, MerkleHash};
use crate::shard::{FileInfo, FileSegment, Shard, XorbInfo};

/// The reconstruction of one file, built chunk by chunk.
#[derive(Debug, Clone, Default)]
pub struct FileInfoBuilder {
    segments: Vec<FileSegment>,
    verification: Vec<MerkleHash>,
    /// Chunk hashes of the last segment.
    current: Vec<MerkleHash>,
}

impl FileInfoBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next chunk of the file is chunk `chunk_index` of xorb `xorb_hash`.
    pub fn push(
        &mut self,
        xorb_hash: MerkleHash,
        chunk_index: u32,
        chunk_hash: MerkleHash,
        len: u32,
    ) {
        if let Some(last) = self.segments.last_mut() {
            if last.xorb_hash == xorb_hash && last.chunk_end == chunk_index {
                last.chunk_end = last.chunk_end.saturating_add(1);
                last.unpacked_bytes = last.unpacked_bytes.wrapping_add(len);
                self.current.push(chunk_hash);
                return;
            }
        }
        self.close_segment();
        self.segments.push(FileSegment {
            xorb_hash,
            xorb_flags: 0,
            unpacked_bytes: len,
            chunk_start: chunk_index,
            chunk_end: chunk_index.saturating_add(1),
        });
        self.current.push(chunk_hash);
    }

    fn close_segment(&mut self) {
        if !self.current.is_empty() {
            self.verification
                .push(verification_range_hash(&self.current));
            self.current.clear();
        }
    }

    /// The file's entry, with verification hashes and, if given, its SHA-256 (an ordinary
    /// digest, stored in shard byte order).
    pub fn finish(mut self, file_hash: MerkleHash, sha256: Option<[u8; 32]>) -> FileInfo {
        self.close_segment();
        FileInfo {
            hash: file_hash,
            segments: self.segments,
            verification: Some(self.verification),
            sha256: sha256.map(MerkleHash::from_be_bytes),
        }
    }
}

/// Collects the files and new xorbs of an upload.
#[derive(Debug, Clone, Default)]
pub struct ShardBuilder {
    files: BTreeMap<MerkleHash, FileInfo>,
    xorbs: BTreeMap<MerkleHash, XorbInfo>,
}

impl ShardBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file. A file already present keeps its entry, taking over the verification hashes
    /// or SHA-256 it lacks from the new one when both describe the same segments.
    pub fn add_file(&mut self, file: FileInfo) {
        match self.files.get_mut(&file.hash) {
            None => {
                self.files.insert(file.hash, file);
            }
            Some(existing) if existing.segments == file.segments => {
                if existing.verification.is_none() {
                    existing.verification = file.verification;
                }
                if existing.sha256.is_none() {
                    existing.sha256 = file.sha256;
                }
            }
            Some(existing) => {
                if file.flags() & !existing.flags() != 0
                    && file.flags() & existing.flags() == existing.flags()
                {
                    *existing = file;
                }
            }
        }
    }

    /// Add a xorb created by this upload (a xorb already present is kept).
    pub fn add_xorb(&mut self, xorb: XorbInfo) {
        self.xorbs.entry(xorb.hash).or_insert(xorb);
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.xorbs.is_empty()
    }

    /// The shard, files and xorbs in hash order.
    pub fn build(self) -> Shard {
        Shard {
            files: self.files.into_values().collect(),
            xorbs: self.xorbs.into_values().collect(),
            ..Shard::default()
        }
    }
}
