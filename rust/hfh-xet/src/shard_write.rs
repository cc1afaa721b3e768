//! Serializing shards in their three forms.
//!
//! * [`ShardForm::Upload`]: what clients send: header (footer size 0), file-info section and its
//!   bookend, xorb-info section and its bookend; no lookup tables, no footer.
//! * [`ShardForm::Minimal`]: what `hf_xet`'s local CAS stores: the same sections, header footer
//!   size 200, empty lookup tables and a footer.
//! * [`ShardForm::Full`]: sections, lookup tables and footer, as written to a client's shard
//!   cache.
//!
//! Files and xorbs are written in the order they are in the [`Shard`]; call [`Shard::sort`] first
//! unless the order is already the hash order (it is for parsed and built shards).

use crate::hash::{MerkleHash, DATA_KEY};
use crate::shard::{
    FileInfo, Shard, XorbInfo, BOOKEND_HASH, SHARD_FOOTER_SIZE, SHARD_HEADER_TAG,
    SHARD_HEADER_VERSION,
};
use crate::shard_index::{LookupTables, ShardFooter};
use crate::wire::{put_hash, put_u32, put_u64};

/// Which parts of a shard to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardForm {
    Upload,
    Minimal,
    Full,
}

impl Shard {
    /// The serialization in `form`.
    pub fn to_bytes(&self, form: ShardForm) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.serialized_sections_len() + SHARD_FOOTER_SIZE);
        out.extend_from_slice(&SHARD_HEADER_TAG);
        put_u64(&mut out, SHARD_HEADER_VERSION);
        let footer_size = match form {
            ShardForm::Upload => 0,
            ShardForm::Minimal | ShardForm::Full => SHARD_FOOTER_SIZE as u64,
        };
        put_u64(&mut out, footer_size);
        for file in &self.files {
            write_file(&mut out, file);
        }
        write_bookend(&mut out);
        let xorb_info_offset = out.len() as u64;
        for xorb in &self.xorbs {
            write_xorb(&mut out, xorb);
        }
        write_bookend(&mut out);
        let sections_end = out.len() as u64;
        let tables = match form {
            ShardForm::Upload => return out,
            ShardForm::Minimal => LookupTables::default(),
            ShardForm::Full => LookupTables::of(self),
        };
        tables.write_to(&mut out);
        ShardFooter::for_shard(self, xorb_info_offset, sections_end, &tables).write_to(&mut out);
        out
    }

    /// The body a client uploads.
    pub fn upload_bytes(&self) -> Vec<u8> {
        self.to_bytes(ShardForm::Upload)
    }

    /// The full local form, with lookup tables.
    pub fn full_bytes(&self) -> Vec<u8> {
        self.to_bytes(ShardForm::Full)
    }

    fn serialized_sections_len(&self) -> usize {
        let records: usize = self.files.iter().map(FileInfo::num_records).sum::<usize>()
            + self.xorbs.iter().map(|x| 1 + x.chunks.len()).sum::<usize>()
            + 3;
        records * 48
    }
}

/// The hash a shard is stored under: keyed BLAKE3 (chunk-hash key) of its bytes.
pub fn shard_hash(bytes: &[u8]) -> MerkleHash {
    MerkleHash::from_raw(*blake3::keyed_hash(&DATA_KEY, bytes).as_bytes())
}

fn write_file(out: &mut Vec<u8>, file: &FileInfo) {
    put_hash(out, &file.hash);
    put_u32(out, file.flags());
    put_u32(out, file.segments.len() as u32);
    put_u64(out, 0);
    for segment in &file.segments {
        put_hash(out, &segment.xorb_hash);
        put_u32(out, segment.xorb_flags);
        put_u32(out, segment.unpacked_bytes);
        put_u32(out, segment.chunk_start);
        put_u32(out, segment.chunk_end);
    }
    for hash in file.verification.iter().flatten() {
        put_hash(out, hash);
        out.extend_from_slice(&[0u8; 16]);
    }
    if let Some(sha256) = &file.sha256 {
        put_hash(out, sha256);
        out.extend_from_slice(&[0u8; 16]);
    }
}

fn write_xorb(out: &mut Vec<u8>, xorb: &XorbInfo) {
    put_hash(out, &xorb.hash);
    put_u32(out, xorb.flags);
    put_u32(out, xorb.chunks.len() as u32);
    put_u32(out, xorb.num_bytes_in_xorb);
    put_u32(out, xorb.num_bytes_on_disk);
    for chunk in &xorb.chunks {
        put_hash(out, &chunk.hash);
        put_u32(out, chunk.byte_range_start);
        put_u32(out, chunk.unpacked_bytes);
        put_u32(out, chunk.flags);
        put_u32(out, 0);
    }
}

fn write_bookend(out: &mut Vec<u8>) {
    put_hash(out, &BOOKEND_HASH);
    out.extend_from_slice(&[0u8; 16]);
}
