//! The index at the end of a full shard: three lookup tables and the 200-byte footer.
//!
//! | table | entry | order |
//! |---|---|---|
//! | files | u64 truncated file hash, u32 record index of the file header | file order |
//! | xorbs | u64 truncated xorb hash, u32 record index of the xorb header | xorb order |
//! | chunks | u64 truncated chunk hash, u32 record index of its xorb header, u32 chunk position | by key |
//!
//! Record indices count 48-byte records from the start of their section. The footer (version 1)
//! gives the section and table offsets, the chunk-hash key and its expiry, and byte totals; see
//! [`ShardFooter`].

use crate::hash::MerkleHash;
use crate::shard::{truncated_hash, Shard, SHARD_FOOTER_SIZE, SHARD_FOOTER_VERSION};
use crate::wire::{put_hash, put_u32, put_u64, Reader, Short};

/// The lookup tables of a full shard.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LookupTables {
    pub files: Vec<(u64, u32)>,
    pub xorbs: Vec<(u64, u32)>,
    pub chunks: Vec<(u64, u32, u32)>,
}

impl LookupTables {
    /// The tables of `shard` (whose files and xorbs are written in the order given).
    pub fn of(shard: &Shard) -> Self {
        let mut files = Vec::with_capacity(shard.files.len());
        let mut index = 0u32;
        for file in &shard.files {
            files.push((truncated_hash(&file.hash), index));
            index = index.wrapping_add(file.num_records() as u32);
        }
        let mut xorbs = Vec::with_capacity(shard.xorbs.len());
        let mut chunks = Vec::new();
        let mut index = 0u32;
        for xorb in &shard.xorbs {
            xorbs.push((truncated_hash(&xorb.hash), index));
            for (position, chunk) in xorb.chunks.iter().enumerate() {
                chunks.push((truncated_hash(&chunk.hash), index, position as u32));
            }
            index = index.wrapping_add(1 + xorb.chunks.len() as u32);
        }
        chunks.sort_unstable();
        Self {
            files,
            xorbs,
            chunks,
        }
    }

    pub fn write_to(&self, out: &mut Vec<u8>) {
        for &(key, index) in self.files.iter().chain(&self.xorbs) {
            put_u64(out, key);
            put_u32(out, index);
        }
        for &(key, xorb, position) in &self.chunks {
            put_u64(out, key);
            put_u32(out, xorb);
            put_u32(out, position);
        }
    }
}

/// The 200-byte footer of a shard that has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShardFooter {
    pub version: u64,
    pub file_info_offset: u64,
    pub xorb_info_offset: u64,
    pub file_lookup_offset: u64,
    pub file_lookup_num_entry: u64,
    pub xorb_lookup_offset: u64,
    pub xorb_lookup_num_entry: u64,
    pub chunk_lookup_offset: u64,
    pub chunk_lookup_num_entry: u64,
    pub chunk_hash_key: MerkleHash,
    pub creation_timestamp: u64,
    pub key_expiry: u64,
    pub stored_bytes_on_disk: u64,
    pub materialized_bytes: u64,
    pub stored_bytes: u64,
    /// Offset of the footer itself (= end of the lookup tables).
    pub footer_offset: u64,
}

impl ShardFooter {
    pub fn write_to(&self, out: &mut Vec<u8>) {
        for value in [
            self.version,
            self.file_info_offset,
            self.xorb_info_offset,
            self.file_lookup_offset,
            self.file_lookup_num_entry,
            self.xorb_lookup_offset,
            self.xorb_lookup_num_entry,
            self.chunk_lookup_offset,
            self.chunk_lookup_num_entry,
        ] {
            put_u64(out, value);
        }
        put_hash(out, &self.chunk_hash_key);
        put_u64(out, self.creation_timestamp);
        put_u64(out, self.key_expiry);
        out.extend_from_slice(&[0u8; 48]);
        for value in [
            self.stored_bytes_on_disk,
            self.materialized_bytes,
            self.stored_bytes,
            self.footer_offset,
        ] {
            put_u64(out, value);
        }
    }

    /// Read a footer from exactly [`SHARD_FOOTER_SIZE`] bytes (reserved bytes are ignored).
    pub(crate) fn read(data: &[u8]) -> Result<Self, Short> {
        let mut r = Reader::new(data);
        let mut next = || r.u64();
        let footer = Self {
            version: next()?,
            file_info_offset: next()?,
            xorb_info_offset: next()?,
            file_lookup_offset: next()?,
            file_lookup_num_entry: next()?,
            xorb_lookup_offset: next()?,
            xorb_lookup_num_entry: next()?,
            chunk_lookup_offset: next()?,
            chunk_lookup_num_entry: next()?,
            ..Self::default()
        };
        let chunk_hash_key = r.hash()?;
        let creation_timestamp = r.u64()?;
        let key_expiry = r.u64()?;
        r.bytes(48)?;
        Ok(Self {
            chunk_hash_key,
            creation_timestamp,
            key_expiry,
            stored_bytes_on_disk: r.u64()?,
            materialized_bytes: r.u64()?,
            stored_bytes: r.u64()?,
            footer_offset: r.u64()?,
            ..footer
        })
    }

    /// A footer for `shard` whose sections end at `sections_end` and whose lookup tables
    /// (possibly empty) follow.
    pub(crate) fn for_shard(
        shard: &Shard,
        xorb_info_offset: u64,
        sections_end: u64,
        tables: &LookupTables,
    ) -> Self {
        let files = tables.files.len() as u64;
        let xorbs = tables.xorbs.len() as u64;
        let chunks = tables.chunks.len() as u64;
        let xorb_lookup_offset = sections_end + 12 * files;
        let chunk_lookup_offset = xorb_lookup_offset + 12 * xorbs;
        Self {
            version: SHARD_FOOTER_VERSION,
            file_info_offset: crate::shard::SHARD_HEADER_SIZE as u64,
            xorb_info_offset,
            file_lookup_offset: sections_end,
            file_lookup_num_entry: files,
            xorb_lookup_offset,
            xorb_lookup_num_entry: xorbs,
            chunk_lookup_offset,
            chunk_lookup_num_entry: chunks,
            chunk_hash_key: shard.chunk_hash_key,
            creation_timestamp: shard.creation_timestamp,
            key_expiry: shard.key_expiry,
            stored_bytes_on_disk: shard.stored_bytes_on_disk(),
            materialized_bytes: shard.materialized_bytes(),
            stored_bytes: shard.stored_bytes(),
            footer_offset: chunk_lookup_offset + 16 * chunks,
        }
    }
}

const _: () = assert!(SHARD_FOOTER_SIZE == 9 * 8 + 32 + 2 * 8 + 48 + 4 * 8);
