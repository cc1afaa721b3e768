//! Little-endian reading and writing helpers shared by the xorb and shard codecs.
//!
//! [`Reader`] never reads past its input and never panics: every read either returns the value
//! or a [`Short`] error saying how many bytes were wanted where. Callers turn that into their
//! own error type.

use crate::hash::MerkleHash;

/// A read ran past the end of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Short {
    /// Offset (from the start of the whole input) of the read.
    pub offset: usize,
    /// Bytes the read needed.
    pub needed: usize,
    /// Bytes that were left.
    pub available: usize,
}

/// A cursor over a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// A cursor positioned at `pos` (clamped to the end of `data`).
    pub fn at(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos: pos.min(data.len()),
        }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// The next `n` bytes, without consuming them.
    pub fn peek(&self, n: usize) -> Result<&'a [u8], Short> {
        if n > self.remaining() {
            return Err(Short {
                offset: self.pos,
                needed: n,
                available: self.remaining(),
            });
        }
        Ok(&self.data[self.pos..self.pos + n])
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Short> {
        let out = self.peek(n)?;
        self.pos += n;
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Short> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, Short> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u24(&mut self) -> Result<u32, Short> {
        let [a, b, c] = self.array::<3>()?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    pub fn u32(&mut self) -> Result<u32, Short> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64, Short> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn hash(&mut self) -> Result<MerkleHash, Short> {
        Ok(MerkleHash::from_raw(self.array()?))
    }
}

/// Append a 3-byte little-endian integer (`value` must be below 2^24).
pub(crate) fn put_u24(out: &mut Vec<u8>, value: u32) {
    debug_assert!(value < 1 << 24);
    out.extend_from_slice(&value.to_le_bytes()[..3]);
}

pub(crate) fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(crate) fn put_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(crate) fn put_hash(out: &mut Vec<u8>, hash: &MerkleHash) {
    out.extend_from_slice(hash.as_bytes());
}
