//! Pure-Rust core of Xet storage, byte-compatible with `hf_xet`: content-defined chunking,
//! chunk/xorb/file/verification hashes, and hashing of files on disk.

mod gear_table;

pub mod chunking;
pub mod file_hash;
pub mod hash;
pub mod merkle;

pub use chunking::{chunk_boundaries, BoundaryScanner, Chunk, Chunker};
pub use file_hash::{
    hash_file, hash_files, hash_reader, hash_reader_pipelined, FileHashInfo, XetFileHasher,
};
pub use hash::{chunk_hash, verification_range_hash, MerkleHash, ParseHashError};
pub use merkle::{aggregated_hash, file_hash, file_hash_with_salt, xorb_hash, MerkleBuilder};
