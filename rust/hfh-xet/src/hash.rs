//! The 32-byte Xet hash value and the keyed BLAKE3 primitives built on it.
//!
//! A [`MerkleHash`] is stored as its 32 raw bytes, which is also how it appears inside xorbs and
//! shards. Its text form (URLs, JSON, file names, and the node strings of the merkle tree) is
//! not the plain hex of those bytes: the bytes are read as four little-endian `u64` words and
//! each word is printed as 16 hex digits. Equivalently, every 8-byte group is reversed, then
//! hex-encoded.

use std::cmp::Ordering;
use std::fmt;

/// Key of chunk hashes (and of the hash of a whole shard file).
pub const DATA_KEY: [u8; 32] = [
    102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28, 157, 228, 33, 16,
    155, 235, 43, 88, 180, 208, 176, 75, 147, 173, 242, 41,
];

/// Key of the internal nodes of the merkle tree (xorb and file hashes).
pub const INTERNAL_NODE_KEY: [u8; 32] = [
    1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230, 93, 221, 83, 111, 55,
    199, 109, 210, 248, 99, 82, 230, 74, 83, 113, 63,
];

/// Key of the verification range hashes stored in shards.
pub const VERIFICATION_KEY: [u8; 32] = [
    127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165, 195, 243, 164, 205, 38, 213,
    181, 219, 73, 230, 65, 36, 152, 127, 40, 251, 148, 195,
];

/// Chunks whose hash is a multiple of this are the ones a client asks the server about
/// (global deduplication).
pub const GLOBAL_DEDUP_MODULUS: u64 = 1024;

/// A chunk, xorb, file or shard hash: 32 raw bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MerkleHash([u8; 32]);

/// Why a string is not a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseHashError {
    #[error("a Xet hash has 64 hex digits, got {0} characters")]
    Length(usize),
    #[error("invalid hex digit {0:?} in Xet hash")]
    Digit(char),
}

impl MerkleHash {
    /// The all-zero hash (empty xorb, empty file).
    pub const ZERO: Self = Self([0; 32]);

    /// The hash whose raw (wire) bytes are `bytes`.
    pub const fn from_raw(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw (wire) bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The raw (wire) bytes, by value.
    pub const fn to_raw(self) -> [u8; 32] {
        self.0
    }

    /// Wrap a conventional big-endian digest (such as SHA-256) so that the Xet hex form of the
    /// result equals the digest's ordinary hex. The raw bytes are the digest with every 8-byte
    /// group reversed, which is how shards store SHA-256 values.
    pub fn from_be_bytes(digest: [u8; 32]) -> Self {
        Self(swap_words(digest))
    }

    /// The inverse of [`MerkleHash::from_be_bytes`].
    pub fn to_be_bytes(self) -> [u8; 32] {
        swap_words(self.0)
    }

    /// The four little-endian words the hash is made of.
    pub fn words(&self) -> [u64; 4] {
        let mut words = [0u64; 4];
        for (word, group) in words.iter_mut().zip(self.0.chunks_exact(8)) {
            *word = u64::from_le_bytes(group.try_into().expect("8-byte group"));
        }
        words
    }

    /// The text form: 64 lowercase hex digits, each 8-byte group printed as a little-endian u64.
    pub fn hex(&self) -> String {
        let mut out = String::with_capacity(64);
        self.push_hex(&mut out);
        out
    }

    /// Append the text form to `out` without allocating.
    pub fn push_hex(&self, out: &mut String) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for group in self.0.chunks_exact(8) {
            for &byte in group.iter().rev() {
                out.push(DIGITS[usize::from(byte >> 4)] as char);
                out.push(DIGITS[usize::from(byte & 15)] as char);
            }
        }
    }

    /// Parse the text form (64 hex digits, either case).
    pub fn from_hex(text: &str) -> Result<Self, ParseHashError> {
        let digits = text.as_bytes();
        if digits.len() != 64 {
            return Err(ParseHashError::Length(text.chars().count()));
        }
        let mut plain = [0u8; 32];
        for (byte, pair) in plain.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
        }
        Ok(Self(swap_words(plain)))
    }

    /// Whether clients query the server for this chunk hash during global deduplication.
    pub fn is_global_dedup_eligible(&self) -> bool {
        self.words()[3] % GLOBAL_DEDUP_MODULUS == 0
    }

    /// Keyed BLAKE3 of this hash's raw bytes (how a file hash is derived from the merkle root).
    pub fn hmac(&self, key: &[u8; 32]) -> Self {
        Self(*blake3::keyed_hash(key, &self.0).as_bytes())
    }
}

/// Reverse the bytes of every 8-byte group (its own inverse).
fn swap_words(mut bytes: [u8; 32]) -> [u8; 32] {
    for group in bytes.chunks_exact_mut(8) {
        group.reverse();
    }
    bytes
}

fn hex_value(digit: u8) -> Result<u8, ParseHashError> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        other => Err(ParseHashError::Digit(char::from(other))),
    }
}

impl Ord for MerkleHash {
    /// Word by word, which is the order of the hex strings.
    fn cmp(&self, other: &Self) -> Ordering {
        self.words().cmp(&other.words())
    }
}

impl PartialOrd for MerkleHash {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for MerkleHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl fmt::Debug for MerkleHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MerkleHash({})", self.hex())
    }
}

impl std::str::FromStr for MerkleHash {
    type Err = ParseHashError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_hex(text)
    }
}

/// The hash of one chunk's bytes.
pub fn chunk_hash(data: &[u8]) -> MerkleHash {
    MerkleHash(*blake3::keyed_hash(&DATA_KEY, data).as_bytes())
}

/// A chunk hash computed over data that arrives in pieces.
#[derive(Clone)]
pub struct ChunkHasher(blake3::Hasher);

impl ChunkHasher {
    pub fn new() -> Self {
        Self(blake3::Hasher::new_keyed(&DATA_KEY))
    }

    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The hash of everything given since creation or the last `finish`, and start over.
    pub fn finish(&mut self) -> MerkleHash {
        let hash = MerkleHash(*self.0.finalize().as_bytes());
        self.0.reset();
        hash
    }
}

impl Default for ChunkHasher {
    fn default() -> Self {
        Self::new()
    }
}

/// The hash of a merkle internal node, given its node string.
pub fn internal_node_hash(node_string: &[u8]) -> MerkleHash {
    MerkleHash(*blake3::keyed_hash(&INTERNAL_NODE_KEY, node_string).as_bytes())
}

/// The verification hash of a range of chunks, as stored in a shard's verification entries:
/// keyed BLAKE3 over the concatenated raw chunk hashes.
pub fn verification_range_hash(chunk_hashes: &[MerkleHash]) -> MerkleHash {
    let mut hasher = blake3::Hasher::new_keyed(&VERIFICATION_KEY);
    for hash in chunk_hashes {
        hasher.update(hash.as_bytes());
    }
    MerkleHash(*hasher.finalize().as_bytes())
}

#[cfg(test)]
#[path = "hash_tests.rs"]
mod tests;
