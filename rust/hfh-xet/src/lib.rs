//! Pure-Rust core of Xet storage, byte-compatible with `hf_xet`: content-defined chunking,
//! chunk/xorb/file/verification hashes, hashing of files on disk, and the xorb and shard formats
//! (serialisation and parsers that are safe on untrusted input).

mod gear_table;
mod wire;

pub mod byte_grouping;
pub mod cas;
pub mod chunking;
pub mod compression;
pub mod file_hash;
pub mod hash;
pub mod lz4_frame;
pub mod merkle;
pub mod shard;
pub mod shard_builder;
pub mod shard_index;
pub mod shard_parse;
pub mod shard_write;
pub mod xorb;
pub mod xorb_footer;
pub mod xorb_parse;

pub use chunking::{chunk_boundaries, BoundaryScanner, Chunk, Chunker};
pub use compression::{CompressionPolicy, CompressionScheme};
pub use file_hash::{
    hash_file, hash_files, hash_reader, hash_reader_pipelined, FileHashInfo, XetFileHasher,
};
pub use hash::{chunk_hash, verification_range_hash, MerkleHash, ParseHashError};
pub use merkle::{aggregated_hash, file_hash, file_hash_with_salt, xorb_hash, MerkleBuilder};
pub use shard::{FileInfo, FileSegment, Shard, XorbChunk, XorbInfo};
pub use shard_builder::{FileInfoBuilder, ShardBuilder};
pub use shard_parse::{parse_shard, ParsedShard, ShardError};
pub use shard_write::{shard_hash, ShardForm};
pub use xorb::{SerializedXorb, XorbAggregator, XorbData};
pub use xorb_footer::XorbFooter;
pub use xorb_parse::{parse_stored_xorb, parse_xorb, ParsedXorb, XorbError};
