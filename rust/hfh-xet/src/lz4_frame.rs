//! LZ4 frames as stored in xorb chunks.
//!
//! Chunks compressed with LZ4 hold one LZ4 *frame* (not a bare block). Encoding goes through
//! `lz4_flex`'s frame encoder with its default settings, fed the whole chunk in one write, which
//! is what `hf_xet` does; that gives byte-identical payloads (independent blocks, no checksums,
//! 64 KiB block size for inputs up to 64 KiB and 256 KiB above).
//!
//! Decoding is done here rather than with a streaming decoder so that it can be bounded: the
//! caller says how many bytes the frame must decode to (a chunk header carries that number), the
//! output buffer is allocated once at that size, every block length is checked against the
//! input and the frame's block-size limit, and anything that would overflow the output, every
//! checksum that does not match, and any trailing byte are errors. Malformed input never
//! panics.

use std::io::Write;

/// Magic number at the start of every LZ4 frame.
const MAGIC: u32 = 0x184D_2204;
/// A block-size word with this bit set holds raw (uncompressed) data.
const UNCOMPRESSED_BIT: u32 = 0x8000_0000;
/// Window of history that linked blocks may refer back into.
const WINDOW: usize = 64 * 1024;

/// Why a payload is not a valid LZ4 frame of the expected length.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Lz4FrameError {
    #[error("LZ4 frame truncated")]
    Truncated,
    #[error("not an LZ4 frame (magic {0:#010x})")]
    Magic(u32),
    #[error("unsupported LZ4 frame descriptor (FLG {flg:#04x}, BD {bd:#04x})")]
    Descriptor { flg: u8, bd: u8 },
    #[error("LZ4 frames with a preset dictionary are not supported")]
    Dictionary,
    #[error("LZ4 frame header checksum mismatch")]
    HeaderChecksum,
    #[error("LZ4 block of {size} bytes exceeds the frame's {max}-byte block limit")]
    BlockTooLarge { size: usize, max: usize },
    #[error("LZ4 block checksum mismatch")]
    BlockChecksum,
    #[error("LZ4 content checksum mismatch")]
    ContentChecksum,
    #[error("LZ4 frame declares {declared} content bytes, expected {expected}")]
    ContentSize { declared: u64, expected: usize },
    #[error("LZ4 frame decodes to more than the expected {expected} bytes")]
    TooLong { expected: usize },
    #[error("LZ4 frame decodes to {actual} bytes, expected {expected}")]
    TooShort { actual: usize, expected: usize },
    #[error("invalid LZ4 block: {0}")]
    Block(String),
    #[error("{0} bytes after the end of the LZ4 frame")]
    TrailingBytes(usize),
}

/// `data` as one LZ4 frame, exactly as `hf_xet` encodes a chunk.
pub fn compress_frame(data: &[u8]) -> Vec<u8> {
    let mut encoder = lz4_flex::frame::FrameEncoder::new(Vec::with_capacity(data.len() / 2 + 32));
    // Writing to and finishing into a Vec cannot fail.
    encoder
        .write_all(data)
        .expect("LZ4 frame encoding into memory");
    encoder.finish().expect("LZ4 frame encoding into memory")
}

/// The frame [`compress_frame`] makes of `data`, but only if it is shorter than `limit` bytes
/// (`None` otherwise): what choosing a chunk's compression needs, at a fraction of the cost.
///
/// A chunk (at most 128 KiB) is a single block of the frame, so the frame is built here around
/// one block compressed with the same `lz4_flex` routine, table kind and stream offset as its
/// frame encoder uses, with no per-chunk encoder buffers and with the header bytes taken from the
/// encoder once. When the block cannot be small enough the frame is never assembled.
pub fn compress_frame_if_smaller(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    use std::cell::RefCell;
    use std::sync::OnceLock;

    use lz4_flex::block::{compress_into_with_table, get_maximum_output_size, CompressTable};

    // Frame overhead around one block: magic, FLG, BD, header checksum; block size; end mark.
    const OVERHEAD: usize = 7 + 4 + 4;
    const LARGEST_BLOCK: usize = 256 * 1024;
    static HEADERS: OnceLock<[[u8; 7]; 2]> = OnceLock::new();
    thread_local! {
        static SCRATCH: RefCell<(CompressTable, Vec<u8>)> =
            RefCell::new((CompressTable::large(), Vec::new()));
    }
    if data.len() > LARGEST_BLOCK || data.is_empty() {
        let frame = compress_frame(data);
        return (frame.len() < limit).then_some(frame);
    }
    let headers = HEADERS.get_or_init(|| {
        let header = |len: usize| -> [u8; 7] {
            compress_frame(&vec![0u8; len])[..7]
                .try_into()
                .expect("a frame starts with 7 header bytes")
        };
        [header(64 * 1024), header(64 * 1024 + 1)]
    });
    SCRATCH.with(|scratch| {
        let (table, out) = &mut *scratch.borrow_mut();
        out.resize(get_maximum_output_size(data.len()), 0);
        let compressed = compress_into_with_table(data, out, table).ok()?;
        // An incompressible block would be stored raw, making the frame longer than the data.
        if compressed >= data.len() || compressed + OVERHEAD >= limit {
            return None;
        }
        let mut frame = Vec::with_capacity(compressed + OVERHEAD);
        frame.extend_from_slice(&headers[usize::from(data.len() > 64 * 1024)]);
        frame.extend_from_slice(&(compressed as u32).to_le_bytes());
        frame.extend_from_slice(&out[..compressed]);
        frame.extend_from_slice(&0u32.to_le_bytes());
        Some(frame)
    })
}

/// Decode one LZ4 frame that must yield exactly `expected_len` bytes and fill all of `frame`.
pub fn decompress_frame(frame: &[u8], expected_len: usize) -> Result<Vec<u8>, Lz4FrameError> {
    let mut input = Input(frame);
    let magic = u32::from_le_bytes(input.take::<4>()?);
    if magic != MAGIC {
        return Err(Lz4FrameError::Magic(magic));
    }
    let descriptor_start = frame.len() - input.0.len();
    let [flg, bd] = input.take::<2>()?;
    let version = flg >> 6;
    let independent = flg & 0x20 != 0;
    let block_checksums = flg & 0x10 != 0;
    let has_content_size = flg & 0x08 != 0;
    let content_checksum = flg & 0x04 != 0;
    let has_dictionary = flg & 0x01 != 0;
    let block_code = (bd >> 4) & 0x07;
    if version != 1 || flg & 0x02 != 0 || bd & 0x8F != 0 || block_code < 4 {
        return Err(Lz4FrameError::Descriptor { flg, bd });
    }
    let max_block = 1usize << (8 + 2 * usize::from(block_code));
    if has_content_size {
        let declared = u64::from_le_bytes(input.take::<8>()?);
        if declared != expected_len as u64 {
            return Err(Lz4FrameError::ContentSize {
                declared,
                expected: expected_len,
            });
        }
    }
    if has_dictionary {
        return Err(Lz4FrameError::Dictionary);
    }
    let descriptor_end = frame.len() - input.0.len();
    let [header_checksum] = input.take::<1>()?;
    let expected_checksum = (xxh32(&frame[descriptor_start..descriptor_end], 0) >> 8) as u8;
    if header_checksum != expected_checksum {
        return Err(Lz4FrameError::HeaderChecksum);
    }

    let mut out = vec![0u8; expected_len];
    let mut written = 0usize;
    loop {
        let word = u32::from_le_bytes(input.take::<4>()?);
        if word == 0 {
            break;
        }
        let size = (word & !UNCOMPRESSED_BIT) as usize;
        if size > max_block {
            return Err(Lz4FrameError::BlockTooLarge {
                size,
                max: max_block,
            });
        }
        let block = input.slice(size)?;
        if block_checksums {
            let stored = u32::from_le_bytes(input.take::<4>()?);
            if stored != xxh32(block, 0) {
                return Err(Lz4FrameError::BlockChecksum);
            }
        }
        let (history, rest) = out.split_at_mut(written);
        let produced = if word & UNCOMPRESSED_BIT != 0 {
            let target = rest.get_mut(..block.len()).ok_or(Lz4FrameError::TooLong {
                expected: expected_len,
            })?;
            target.copy_from_slice(block);
            block.len()
        } else if independent || history.is_empty() {
            lz4_flex::block::decompress_into(block, rest)
                .map_err(|e| block_error(e, expected_len))?
        } else {
            let dict = &history[history.len().saturating_sub(WINDOW)..];
            lz4_flex::block::decompress_into_with_dict(block, rest, dict)
                .map_err(|e| block_error(e, expected_len))?
        };
        written += produced;
    }
    if content_checksum {
        let stored = u32::from_le_bytes(input.take::<4>()?);
        if stored != xxh32(&out[..written], 0) {
            return Err(Lz4FrameError::ContentChecksum);
        }
    }
    if !input.0.is_empty() {
        return Err(Lz4FrameError::TrailingBytes(input.0.len()));
    }
    if written != expected_len {
        return Err(Lz4FrameError::TooShort {
            actual: written,
            expected: expected_len,
        });
    }
    Ok(out)
}

fn block_error(error: lz4_flex::block::DecompressError, expected: usize) -> Lz4FrameError {
    match error {
        lz4_flex::block::DecompressError::OutputTooSmall { .. } => {
            Lz4FrameError::TooLong { expected }
        }
        other => Lz4FrameError::Block(other.to_string()),
    }
}

/// The unread part of a frame.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn slice(&mut self, n: usize) -> Result<&'a [u8], Lz4FrameError> {
        if n > self.0.len() {
            return Err(Lz4FrameError::Truncated);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], Lz4FrameError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(N)?);
        Ok(out)
    }
}

const PRIME1: u32 = 0x9E37_79B1;
const PRIME2: u32 = 0x85EB_CA77;
const PRIME3: u32 = 0xC2B2_AE3D;
const PRIME4: u32 = 0x27D4_EB2F;
const PRIME5: u32 = 0x1656_67B1;

/// XXH32 of `data` (the checksum LZ4 frames use).
pub(crate) fn xxh32(data: &[u8], seed: u32) -> u32 {
    fn round(acc: u32, lane: u32) -> u32 {
        acc.wrapping_add(lane.wrapping_mul(PRIME2))
            .rotate_left(13)
            .wrapping_mul(PRIME1)
    }
    fn word(bytes: &[u8]) -> u32 {
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    let stripes = data.chunks_exact(16);
    let tail = stripes.remainder();
    let mut acc = if data.len() >= 16 {
        let mut v = [
            seed.wrapping_add(PRIME1).wrapping_add(PRIME2),
            seed.wrapping_add(PRIME2),
            seed,
            seed.wrapping_sub(PRIME1),
        ];
        for stripe in stripes {
            for (lane, bytes) in v.iter_mut().zip(stripe.chunks_exact(4)) {
                *lane = round(*lane, word(bytes));
            }
        }
        v[0].rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18))
    } else {
        seed.wrapping_add(PRIME5)
    };
    acc = acc.wrapping_add(data.len() as u32);
    let words = tail.chunks_exact(4);
    let bytes = words.remainder();
    for bytes in words {
        acc = acc
            .wrapping_add(word(bytes).wrapping_mul(PRIME3))
            .rotate_left(17)
            .wrapping_mul(PRIME4);
    }
    for &byte in bytes {
        acc = acc
            .wrapping_add(u32::from(byte).wrapping_mul(PRIME5))
            .rotate_left(11)
            .wrapping_mul(PRIME1);
    }
    acc ^= acc >> 15;
    acc = acc.wrapping_mul(PRIME2);
    acc ^= acc >> 13;
    acc = acc.wrapping_mul(PRIME3);
    acc ^ (acc >> 16)
}
