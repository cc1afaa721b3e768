//! The shard (MDB) model: which files are made of which xorb chunk ranges, and which chunks the
//! new xorbs hold.
//!
//! All records on disk are 48 bytes, little-endian. A shard is
//! `header ‖ file-info section ‖ bookend ‖ xorb-info section ‖ bookend ‖ lookup tables ‖ footer`
//! ([`crate::shard_write`] writes it, [`crate::shard_parse`] reads it). Per file: a header
//! (file hash, flags, number of segments), the segments (xorb hash, byte count, chunk range),
//! then, when flagged, one verification hash per segment and one SHA-256 record. Per xorb: a
//! header (xorb hash, number of chunks, uncompressed and on-disk sizes), then one record per
//! chunk (chunk hash, uncompressed offset and length, flags). Files and xorbs are kept in
//! ascending hash order.

use crate::hash::MerkleHash;

/// 32-byte tag at the start of every shard: "HFRepoMetaData", a zero byte, 17 magic bytes.
pub const SHARD_HEADER_TAG: [u8; 32] = [
    0x48, 0x46, 0x52, 0x65, 0x70, 0x6f, 0x4d, 0x65, 0x74, 0x61, 0x44, 0x61, 0x74, 0x61, 0x00, 0x55,
    0x69, 0x67, 0x45, 0x6a, 0x7b, 0x81, 0x57, 0x83, 0xa5, 0xbd, 0xd9, 0x5c, 0xcd, 0xd1, 0x4a, 0xa9,
];
pub const SHARD_HEADER_VERSION: u64 = 2;
pub const SHARD_FOOTER_VERSION: u64 = 1;
pub const SHARD_HEADER_SIZE: usize = 48;
pub const SHARD_FOOTER_SIZE: usize = 200;
/// Size of every file-info and xorb-info record.
pub const RECORD_SIZE: usize = 48;
/// Entry sizes of the file, xorb and chunk lookup tables.
pub const FILE_LOOKUP_ENTRY_SIZE: usize = 12;
pub const XORB_LOOKUP_ENTRY_SIZE: usize = 12;
pub const CHUNK_LOOKUP_ENTRY_SIZE: usize = 16;

/// File flag: one verification record per segment follows the segments.
pub const FILE_FLAG_WITH_VERIFICATION: u32 = 0x8000_0000;
/// File flag: a SHA-256 record follows.
pub const FILE_FLAG_WITH_METADATA_EXT: u32 = 0x4000_0000;
/// Chunk flag: the chunk is indexed for global deduplication (set by the server).
pub const CHUNK_FLAG_GLOBAL_DEDUP: u32 = 0x8000_0000;

/// The hash of bookend records, which close the file and xorb sections.
pub const BOOKEND_HASH: MerkleHash = MerkleHash::from_raw([0xFF; 32]);

/// A contiguous range of chunks of one xorb that a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSegment {
    pub xorb_hash: MerkleHash,
    pub xorb_flags: u32,
    /// Uncompressed bytes of the range.
    pub unpacked_bytes: u32,
    pub chunk_start: u32,
    /// Exclusive.
    pub chunk_end: u32,
}

/// How one file is reconstructed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub hash: MerkleHash,
    pub segments: Vec<FileSegment>,
    /// One verification hash per segment, when present.
    pub verification: Option<Vec<MerkleHash>>,
    /// SHA-256 of the content in shard byte order (see [`MerkleHash::from_be_bytes`]).
    pub sha256: Option<MerkleHash>,
}

impl FileInfo {
    pub fn flags(&self) -> u32 {
        let mut flags = 0;
        if self.verification.is_some() {
            flags |= FILE_FLAG_WITH_VERIFICATION;
        }
        if self.sha256.is_some() {
            flags |= FILE_FLAG_WITH_METADATA_EXT;
        }
        flags
    }

    /// File size: the sum of the segments.
    pub fn size(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| u64::from(s.unpacked_bytes))
            .sum()
    }

    /// Number of 48-byte records this file takes.
    pub fn num_records(&self) -> usize {
        1 + self.segments.len()
            + self.verification.as_ref().map_or(0, Vec::len)
            + usize::from(self.sha256.is_some())
    }

    /// The SHA-256 as an ordinary digest.
    pub fn sha256_digest(&self) -> Option<[u8; 32]> {
        self.sha256.map(MerkleHash::to_be_bytes)
    }
}

/// One chunk of a xorb as a shard describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XorbChunk {
    pub hash: MerkleHash,
    /// Offset of the chunk in the xorb's uncompressed data.
    pub byte_range_start: u32,
    pub unpacked_bytes: u32,
    pub flags: u32,
}

/// The chunks of one xorb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XorbInfo {
    pub hash: MerkleHash,
    pub flags: u32,
    /// Sum of the chunks' uncompressed lengths.
    pub num_bytes_in_xorb: u32,
    /// Serialized size, when known (0 from clients).
    pub num_bytes_on_disk: u32,
    pub chunks: Vec<XorbChunk>,
}

impl XorbInfo {
    /// The description of a xorb made of chunks `(hash, uncompressed length)`, in order.
    pub fn from_chunks(hash: MerkleHash, chunks: &[(MerkleHash, u32)]) -> Self {
        let mut offset = 0u32;
        let chunks: Vec<XorbChunk> = chunks
            .iter()
            .map(|&(hash, len)| {
                let chunk = XorbChunk {
                    hash,
                    byte_range_start: offset,
                    unpacked_bytes: len,
                    flags: 0,
                };
                offset = offset.wrapping_add(len);
                chunk
            })
            .collect();
        Self {
            hash,
            flags: 0,
            num_bytes_in_xorb: offset,
            num_bytes_on_disk: 0,
            chunks,
        }
    }
}

/// A shard's content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shard {
    pub files: Vec<FileInfo>,
    pub xorbs: Vec<XorbInfo>,
    /// Key chunk hashes are keyed with (all-zero: not keyed).
    pub chunk_hash_key: MerkleHash,
    /// Unix seconds (0 unless stamped).
    pub creation_timestamp: u64,
    /// Unix seconds after which a keyed shard must not be used (0: none).
    pub key_expiry: u64,
}

impl Shard {
    /// Put files and xorbs in ascending hash order, as every shard must be.
    pub fn sort(&mut self) {
        self.files.sort_by_key(|f| f.hash);
        self.xorbs.sort_by_key(|x| x.hash);
    }

    /// Bytes of all the files (sum of all segments).
    pub fn materialized_bytes(&self) -> u64 {
        self.files.iter().map(FileInfo::size).sum()
    }

    /// Uncompressed bytes of all the xorbs.
    pub fn stored_bytes(&self) -> u64 {
        self.xorbs
            .iter()
            .map(|x| u64::from(x.num_bytes_in_xorb))
            .sum()
    }

    /// Serialized bytes of all the xorbs, as far as known.
    pub fn stored_bytes_on_disk(&self) -> u64 {
        self.xorbs
            .iter()
            .map(|x| u64::from(x.num_bytes_on_disk))
            .sum()
    }

    pub fn file(&self, hash: &MerkleHash) -> Option<&FileInfo> {
        self.files.iter().find(|f| f.hash == *hash)
    }

    pub fn xorb(&self, hash: &MerkleHash) -> Option<&XorbInfo> {
        self.xorbs.iter().find(|x| x.hash == *hash)
    }

    /// Set the global-dedup flag where a server does when it stores a shard: on the chunks
    /// that start a file of this shard (when their xorb is listed here).
    pub fn mark_file_start_chunks(&mut self) {
        let starts: Vec<(MerkleHash, u32)> = self
            .files
            .iter()
            .filter_map(|f| f.segments.first())
            .map(|s| (s.xorb_hash, s.chunk_start))
            .collect();
        for (xorb_hash, index) in starts {
            if let Some(xorb) = self.xorbs.iter_mut().find(|x| x.hash == xorb_hash) {
                if let Some(chunk) = xorb.chunks.get_mut(index as usize) {
                    chunk.flags |= CHUNK_FLAG_GLOBAL_DEDUP;
                }
            }
        }
    }
}

impl Shard {
    /// Whether chunk hashes in this shard are keyed (global-dedup answers from a server).
    pub fn is_keyed(&self) -> bool {
        self.chunk_hash_key != MerkleHash::ZERO
    }

    /// The hash under which `chunk_hash` appears in this shard's xorb section: itself, or its
    /// keyed hash when the shard is keyed.
    pub fn lookup_hash(&self, chunk_hash: &MerkleHash) -> MerkleHash {
        if self.is_keyed() {
            chunk_hash.hmac(self.chunk_hash_key.as_bytes())
        } else {
            *chunk_hash
        }
    }

    /// The xorb section alone with every chunk hash replaced by its keyed hash under `key`
    /// (all-zero `key`: unkeyed), valid until `expiry` (unix seconds): what a server answers to
    /// a global-deduplication query without disclosing chunk hashes.
    pub fn export_keyed(&self, key: MerkleHash, expiry: u64) -> Shard {
        let mut xorbs = self.xorbs.clone();
        if key != MerkleHash::ZERO {
            for chunk in xorbs.iter_mut().flat_map(|x| x.chunks.iter_mut()) {
                chunk.hash = chunk.hash.hmac(key.as_bytes());
            }
        }
        Shard {
            files: Vec::new(),
            xorbs,
            chunk_hash_key: key,
            creation_timestamp: self.creation_timestamp,
            key_expiry: expiry,
        }
    }
}

/// The first 8 raw bytes of a hash as a little-endian integer: the key of lookup tables.
pub fn truncated_hash(hash: &MerkleHash) -> u64 {
    hash.words()[0]
}

#[cfg(test)]
#[path = "shard_tests.rs"]
mod tests;
