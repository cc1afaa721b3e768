//! Compression schemes of xorb chunks and the policy that picks one per chunk.
//!
//! * `None` (0): the payload is the chunk.
//! * `LZ4` (1): the payload is one LZ4 frame of the chunk ([`crate::lz4_frame`]).
//! * `ByteGrouping4LZ4` (2): the chunk is byte-grouped by 4 ([`crate::byte_grouping`]), then
//!   LZ4-framed.
//!
//! Whatever the scheme asked for, a chunk whose compressed form is not strictly shorter than
//! itself is stored with scheme `None`.
//!
//! The default policy, [`CompressionPolicy::Auto`], decides per block of
//! [`DEFAULT_RETEST_INTERVAL`] chunks within each file's run of chunks in the xorb, from the
//! first chunk of the block only: `ByteGrouping4LZ4` if the byte-grouping predictor says so,
//! otherwise `LZ4`. One addition to hf_xet's chooser: when that first chunk does not shrink under
//! the chosen scheme, the whole block is stored with `None` without trying the others. Random or
//! already-compressed data (most of a large upload's bytes) then costs one trial per block instead
//! of one per chunk; the xorb hash does not depend on the schemes, and for data that is uniformly
//! compressible or not the bytes are hf_xet's.

use crate::byte_grouping::{bg4_predicted_useful, bg4_regroup, bg4_split};
use crate::lz4_frame::{compress_frame_if_smaller, decompress_frame, Lz4FrameError};

/// With the `Auto` policy, a scheme is chosen for every this many chunks of a file.
pub const DEFAULT_RETEST_INTERVAL: usize = 32;

/// How a chunk's payload is encoded (the byte after the compressed length in a chunk header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompressionScheme {
    None,
    Lz4,
    ByteGrouping4Lz4,
}

impl CompressionScheme {
    /// The scheme's code in chunk headers.
    pub const fn code(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Lz4 => 1,
            Self::ByteGrouping4Lz4 => 2,
        }
    }

    /// The scheme with this header code, if any. (Code 99, "auto", is a request for a choice
    /// and never appears in a serialized chunk.)
    pub const fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::None),
            1 => Some(Self::Lz4),
            2 => Some(Self::ByteGrouping4Lz4),
            _ => None,
        }
    }

    /// The scheme the reference chooser picks for `data`.
    pub fn choose_for(data: &[u8]) -> Self {
        if bg4_predicted_useful(data) {
            Self::ByteGrouping4Lz4
        } else {
            Self::Lz4
        }
    }
}

/// Which scheme chunks are compressed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompressionPolicy {
    /// Let the predictor choose, once per `retest_interval` chunks of each file (0 = once per
    /// file).
    Auto { retest_interval: usize },
    /// The same scheme for every chunk (still falling back to `None` when it does not help).
    Fixed(CompressionScheme),
}

impl Default for CompressionPolicy {
    fn default() -> Self {
        Self::Auto {
            retest_interval: DEFAULT_RETEST_INTERVAL,
        }
    }
}

impl CompressionPolicy {
    /// Parse the values of `HF_XET_XORB_COMPRESSION_POLICY`: `""`/`auto`, `none`, `lz4`,
    /// `bg4-lz4`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Some(Self::default()),
            "none" => Some(Self::Fixed(CompressionScheme::None)),
            "lz4" => Some(Self::Fixed(CompressionScheme::Lz4)),
            "bg4-lz4" | "bg4_lz4" => Some(Self::Fixed(CompressionScheme::ByteGrouping4Lz4)),
            _ => None,
        }
    }

    /// The scheme requested for each of `chunks`, given the indices where files start in the
    /// xorb (`file_starts`; index 0 is always treated as a start).
    pub fn schemes<T: AsRef<[u8]>>(
        &self,
        chunks: &[T],
        file_starts: &[usize],
    ) -> Vec<CompressionScheme> {
        let retest_interval = match *self {
            Self::Fixed(scheme) => return vec![scheme; chunks.len()],
            Self::Auto { retest_interval } => retest_interval,
        };
        let mut starts: Vec<usize> = file_starts
            .iter()
            .copied()
            .filter(|&s| s < chunks.len())
            .chain([0])
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut schemes = Vec::with_capacity(chunks.len());
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(chunks.len());
            let block = if retest_interval == 0 {
                end - start
            } else {
                retest_interval
            };
            let mut block_start = start;
            while block_start < end {
                let block_end = (block_start + block).min(end);
                let first = chunks[block_start].as_ref();
                let mut scheme = CompressionScheme::choose_for(first);
                if block_end - block_start > 1
                    && compress_chunk(first, scheme).0 == CompressionScheme::None
                {
                    scheme = CompressionScheme::None;
                }
                schemes.extend(std::iter::repeat(scheme).take(block_end - block_start));
                block_start = block_end;
            }
        }
        schemes
    }
}

/// Compress `data` with `scheme`; returns the scheme actually used (`None` when compression
/// would not make the chunk smaller) and the payload.
pub fn compress_chunk(data: &[u8], scheme: CompressionScheme) -> (CompressionScheme, Vec<u8>) {
    let compressed = match scheme {
        CompressionScheme::None => None,
        CompressionScheme::Lz4 => compress_frame_if_smaller(data, data.len()),
        CompressionScheme::ByteGrouping4Lz4 => {
            compress_frame_if_smaller(&bg4_split(data), data.len())
        }
    };
    match compressed {
        Some(payload) => (scheme, payload),
        None => (CompressionScheme::None, data.to_vec()),
    }
}

/// Why a chunk payload does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkDecodeError {
    #[error("uncompressed chunk payload has {actual} bytes, its header says {expected}")]
    RawLength { actual: usize, expected: usize },
    #[error(transparent)]
    Lz4(#[from] Lz4FrameError),
}

/// Decode a chunk payload that must expand to exactly `uncompressed_len` bytes.
pub fn decompress_chunk(
    payload: &[u8],
    scheme: CompressionScheme,
    uncompressed_len: usize,
) -> Result<Vec<u8>, ChunkDecodeError> {
    match scheme {
        CompressionScheme::None if payload.len() == uncompressed_len => Ok(payload.to_vec()),
        CompressionScheme::None => Err(ChunkDecodeError::RawLength {
            actual: payload.len(),
            expected: uncompressed_len,
        }),
        CompressionScheme::Lz4 => Ok(decompress_frame(payload, uncompressed_len)?),
        CompressionScheme::ByteGrouping4Lz4 => {
            Ok(bg4_regroup(&decompress_frame(payload, uncompressed_len)?))
        }
    }
}
