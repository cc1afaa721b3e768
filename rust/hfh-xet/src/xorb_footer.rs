//! The footer stored after a xorb's chunks on the server (clients never upload it).
//!
//! Version 1, offsets from the start of the footer, `n` chunks:
//!
//! | offset | width | meaning |
//! |---|---|---|
//! | 0 | 8 | `XETBLOB`, version 1 |
//! | 8 | 32 | xorb hash |
//! | 40 | 8 | `XBLBHSH`, hashes section version 0 |
//! | 48 | 4 | n |
//! | 52 | 32·n | chunk hashes |
//! | 52+32n | 8 | `XBLBBND`, boundaries section version 1 (0: no uncompressed offsets) |
//! | 60+32n | 4 | n |
//! | 64+32n | 4·n | end offset of each serialized chunk |
//! | 64+36n | 4·n | end offset of each chunk's uncompressed data (boundaries version 1 only) |
//! | 64+40n | 4 | n |
//! | 68+40n | 4 | bytes from `XBLBHSH` to the end of the footer |
//! | 72+40n | 4 | bytes from `XBLBBND` to the end of the footer |
//! | 76+40n | 16 | reserved (bytes 0..4 may hold a per-upload nonce) |
//! | 92+40n | 4 | footer length, not counting these 4 bytes |
//!
//! The legacy version 0 footer is `XETBLOB`, version 0, hash, n, n end offsets, n hashes, 16
//! reserved bytes, footer length; it is read but never written.

use crate::hash::MerkleHash;
use crate::wire::{put_hash, put_u32, Reader, Short};
use crate::xorb_parse::XorbError;

pub const FOOTER_MAGIC: &[u8; 7] = b"XETBLOB";
const HASHES_MAGIC: &[u8; 7] = b"XBLBHSH";
const BOUNDARIES_MAGIC: &[u8; 7] = b"XBLBBND";

/// A parsed or to-be-written xorb footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XorbFooter {
    /// 1, or 0 for the legacy layout.
    pub version: u8,
    pub hash: MerkleHash,
    pub chunk_hashes: Vec<MerkleHash>,
    /// End offset of each serialized chunk from the start of the xorb.
    pub chunk_ends: Vec<u32>,
    /// End offset of each chunk's uncompressed data (absent in legacy footers).
    pub unpacked_ends: Option<Vec<u32>>,
    /// Reserved bytes (the first four may carry an upload nonce).
    pub buffer: [u8; 16],
}

impl XorbFooter {
    /// Append the version 1 serialization (with its trailing length) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let n = self.chunk_hashes.len() as u32;
        let start = out.len();
        out.extend_from_slice(FOOTER_MAGIC);
        out.push(1);
        put_hash(out, &self.hash);
        let hashes_at = out.len();
        out.extend_from_slice(HASHES_MAGIC);
        out.push(0);
        put_u32(out, n);
        for hash in &self.chunk_hashes {
            put_hash(out, hash);
        }
        let boundaries_at = out.len();
        out.extend_from_slice(BOUNDARIES_MAGIC);
        out.push(u8::from(self.unpacked_ends.is_some()));
        put_u32(out, n);
        for &end in &self.chunk_ends {
            put_u32(out, end);
        }
        for &end in self.unpacked_ends.iter().flatten() {
            put_u32(out, end);
        }
        put_u32(out, n);
        // Both distances count to the end of the reserved buffer: 12 more bytes below + 16.
        let end = out.len() + 8 + 16;
        put_u32(out, (end - hashes_at) as u32);
        put_u32(out, (end - boundaries_at) as u32);
        out.extend_from_slice(&self.buffer);
        let info_length = (out.len() - start) as u32;
        put_u32(out, info_length);
    }

    /// The version 1 serialization.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out);
        out
    }

    /// Parse a footer: `data` runs from its `XETBLOB` to the end of the object, and `at` is the
    /// offset of `data` in the object (for error messages).
    pub fn parse(data: &[u8], at: usize) -> Result<Self, XorbError> {
        let short = |s: Short| XorbError::Truncated {
            offset: at + s.offset,
            needed: s.needed,
            available: s.available,
        };
        let bad = |what: &'static str| XorbError::Footer { offset: at, what };
        let mut r = Reader::new(data);
        if r.bytes(7).map_err(short)? != FOOTER_MAGIC {
            return Err(bad("missing XETBLOB tag"));
        }
        let version = r.u8().map_err(short)?;
        let footer = match version {
            1 => Self::parse_v1(&mut r, &bad, &short)?,
            0 => Self::parse_v0(&mut r, &short)?,
            _ => return Err(XorbError::FooterVersion(version)),
        };
        let info_length = r.u32().map_err(short)? as usize;
        if r.remaining() != 0 {
            return Err(bad("bytes after the footer length"));
        }
        if info_length + 4 != data.len() {
            return Err(bad("footer length does not match its position"));
        }
        Ok(footer)
    }

    fn parse_v1(
        r: &mut Reader<'_>,
        bad: &impl Fn(&'static str) -> XorbError,
        short: &impl Fn(Short) -> XorbError,
    ) -> Result<Self, XorbError> {
        let hash = r.hash().map_err(short)?;
        let hashes_at = r.position();
        if r.bytes(7).map_err(short)? != HASHES_MAGIC {
            return Err(bad("missing XBLBHSH tag"));
        }
        if r.u8().map_err(short)? != 0 {
            return Err(bad("unknown hashes section version"));
        }
        let n = r.u32().map_err(short)? as usize;
        let chunk_hashes = read_hashes(r, n, short)?;
        let boundaries_at = r.position();
        if r.bytes(7).map_err(short)? != BOUNDARIES_MAGIC {
            return Err(bad("missing XBLBBND tag"));
        }
        let with_unpacked = match r.u8().map_err(short)? {
            0 => false,
            1 => true,
            _ => return Err(bad("unknown boundaries section version")),
        };
        if r.u32().map_err(short)? as usize != n {
            return Err(bad("chunk counts of the hash and boundary sections differ"));
        }
        let chunk_ends = read_u32s(r, n, short)?;
        let unpacked_ends = if with_unpacked {
            Some(read_u32s(r, n, short)?)
        } else {
            None
        };
        if r.u32().map_err(short)? as usize != n {
            return Err(bad("chunk count at the end of the footer differs"));
        }
        let hashes_distance = r.u32().map_err(short)? as usize;
        let boundaries_distance = r.u32().map_err(short)? as usize;
        let end = r.position() + 16;
        if hashes_distance != end - hashes_at || boundaries_distance != end - boundaries_at {
            return Err(bad("section offsets do not match the layout"));
        }
        let buffer = r.array().map_err(short)?;
        Ok(Self {
            version: 1,
            hash,
            chunk_hashes,
            chunk_ends,
            unpacked_ends,
            buffer,
        })
    }

    fn parse_v0(
        r: &mut Reader<'_>,
        short: &impl Fn(Short) -> XorbError,
    ) -> Result<Self, XorbError> {
        let hash = r.hash().map_err(short)?;
        let n = r.u32().map_err(short)? as usize;
        let chunk_ends = read_u32s(r, n, short)?;
        let chunk_hashes = read_hashes(r, n, short)?;
        let buffer = r.array().map_err(short)?;
        Ok(Self {
            version: 0,
            hash,
            chunk_hashes,
            chunk_ends,
            unpacked_ends: None,
            buffer,
        })
    }
}

/// `n` hashes, checking first that the input holds them (so `n` cannot inflate allocations).
fn read_hashes(
    r: &mut Reader<'_>,
    n: usize,
    short: &impl Fn(Short) -> XorbError,
) -> Result<Vec<MerkleHash>, XorbError> {
    let raw = r.bytes(n.saturating_mul(32)).map_err(short)?;
    Ok(raw
        .chunks_exact(32)
        .map(|h| MerkleHash::from_raw(h.try_into().expect("32 bytes")))
        .collect())
}

fn read_u32s(
    r: &mut Reader<'_>,
    n: usize,
    short: &impl Fn(Short) -> XorbError,
) -> Result<Vec<u32>, XorbError> {
    let raw = r.bytes(n.saturating_mul(4)).map_err(short)?;
    Ok(raw
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes(w.try_into().expect("4 bytes")))
        .collect())
}
