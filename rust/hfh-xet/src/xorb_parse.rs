//! Reading xorbs, as uploaded (chunks only) or as stored (chunks and footer), from untrusted
//! bytes.
//!
//! Parsing walks the chunk headers and checks every length against the input before using it;
//! nothing is allocated beyond a small record per chunk actually present, and decoding a chunk
//! allocates at most its declared uncompressed length, itself at most
//! [`MAX_CHUNK_SIZE`](crate::chunking::MAX_CHUNK_SIZE). A chunk header whose first seven bytes are
//! `XETBLOB` starts the footer, which must then extend exactly to the end of the input and agree
//! with the chunks. Hashes are only checked by [`ParsedXorb::verify`], which decodes every chunk.

use crate::chunking::MAX_CHUNK_SIZE;
use crate::compression::{decompress_chunk, ChunkDecodeError, CompressionScheme};
use crate::hash::{chunk_hash, MerkleHash};
use crate::merkle::xorb_hash;
use crate::wire::Reader;
use crate::xorb::{
    CHUNK_HEADER_SIZE, CHUNK_HEADER_VERSION, MAX_CHUNK_PAYLOAD, MAX_XORB_BYTES, MAX_XORB_CHUNKS,
};
use crate::xorb_footer::{XorbFooter, FOOTER_MAGIC};

/// Why bytes are not a valid xorb.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XorbError {
    #[error("xorb truncated at offset {offset}: {needed} bytes needed, {available} left")]
    Truncated {
        offset: usize,
        needed: usize,
        available: usize,
    },
    #[error("chunk {index} at offset {offset}: unsupported header version {version}")]
    ChunkVersion {
        index: usize,
        offset: usize,
        version: u8,
    },
    #[error("chunk {index} at offset {offset}: unknown compression scheme {code}")]
    UnknownScheme {
        index: usize,
        offset: usize,
        code: u8,
    },
    #[error("chunk {index}: uncompressed length {len} exceeds {MAX_CHUNK_SIZE}")]
    ChunkTooLarge { index: usize, len: usize },
    #[error("chunk {index}: payload length {len} exceeds {MAX_CHUNK_PAYLOAD}")]
    PayloadTooLarge { index: usize, len: usize },
    #[error("xorb has more than {MAX_XORB_CHUNKS} chunks")]
    TooManyChunks,
    #[error("xorb holds more than {MAX_XORB_BYTES} uncompressed bytes")]
    TooManyBytes,
    #[error("chunk {index} does not decode: {source}")]
    Decode {
        index: usize,
        source: ChunkDecodeError,
    },
    #[error("unsupported xorb footer version {0}")]
    FooterVersion(u8),
    #[error("invalid xorb footer at offset {offset}: {what}")]
    Footer { offset: usize, what: &'static str },
    #[error("xorb footer disagrees with the chunks: {0}")]
    FooterMismatch(&'static str),
    #[error("chunk {index} hash mismatch: footer says {expected}, data hashes to {actual}")]
    ChunkHashMismatch {
        index: usize,
        expected: MerkleHash,
        actual: MerkleHash,
    },
    #[error("xorb hash mismatch: expected {expected}, chunks hash to {actual}")]
    HashMismatch {
        expected: MerkleHash,
        actual: MerkleHash,
    },
    #[error("a stored xorb must end with a footer")]
    MissingFooter,
}

/// Where one chunk sits in a parsed xorb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRecord {
    /// Offset of the chunk header.
    pub offset: usize,
    pub scheme: CompressionScheme,
    pub compressed_len: usize,
    pub uncompressed_len: usize,
}

impl ChunkRecord {
    /// Offset just past the payload.
    pub fn end(&self) -> usize {
        self.offset + CHUNK_HEADER_SIZE + self.compressed_len
    }
}

/// A xorb whose structure has been checked.
#[derive(Debug, Clone)]
pub struct ParsedXorb<'a> {
    data: &'a [u8],
    pub chunks: Vec<ChunkRecord>,
    /// The footer, for stored xorbs.
    pub footer: Option<XorbFooter>,
}

/// Parse a xorb with or without a footer.
pub fn parse_xorb(data: &[u8]) -> Result<ParsedXorb<'_>, XorbError> {
    let mut r = Reader::new(data);
    let mut chunks = Vec::new();
    let mut total = 0usize;
    let mut footer = None;
    while r.remaining() > 0 {
        let offset = r.position();
        let short = |s: crate::wire::Short| XorbError::Truncated {
            offset: s.offset,
            needed: s.needed,
            available: s.available,
        };
        if r.remaining() >= FOOTER_MAGIC.len() && r.peek(7).map_err(short)? == FOOTER_MAGIC {
            footer = Some(XorbFooter::parse(&data[offset..], offset)?);
            break;
        }
        let index = chunks.len();
        if index == MAX_XORB_CHUNKS {
            return Err(XorbError::TooManyChunks);
        }
        let version = r.u8().map_err(short)?;
        if version != CHUNK_HEADER_VERSION {
            return Err(XorbError::ChunkVersion {
                index,
                offset,
                version,
            });
        }
        let compressed_len = r.u24().map_err(short)? as usize;
        let code = r.u8().map_err(short)?;
        let scheme = CompressionScheme::from_code(code).ok_or(XorbError::UnknownScheme {
            index,
            offset,
            code,
        })?;
        let uncompressed_len = r.u24().map_err(short)? as usize;
        if uncompressed_len > MAX_CHUNK_SIZE {
            return Err(XorbError::ChunkTooLarge {
                index,
                len: uncompressed_len,
            });
        }
        if compressed_len > MAX_CHUNK_PAYLOAD {
            return Err(XorbError::PayloadTooLarge {
                index,
                len: compressed_len,
            });
        }
        total += uncompressed_len;
        if total > MAX_XORB_BYTES {
            return Err(XorbError::TooManyBytes);
        }
        r.bytes(compressed_len).map_err(short)?;
        chunks.push(ChunkRecord {
            offset,
            scheme,
            compressed_len,
            uncompressed_len,
        });
    }
    let parsed = ParsedXorb {
        data,
        chunks,
        footer,
    };
    if let Some(footer) = &parsed.footer {
        parsed.check_footer(footer)?;
    }
    Ok(parsed)
}

/// Parse a stored xorb, which must carry a footer.
pub fn parse_stored_xorb(data: &[u8]) -> Result<ParsedXorb<'_>, XorbError> {
    let parsed = parse_xorb(data)?;
    if parsed.footer.is_none() {
        return Err(XorbError::MissingFooter);
    }
    Ok(parsed)
}

impl<'a> ParsedXorb<'a> {
    /// The serialized chunks (everything before the footer).
    pub fn chunk_bytes(&self) -> &'a [u8] {
        let end = self.chunks.last().map_or(0, ChunkRecord::end);
        &self.data[..end]
    }

    /// The payload of chunk `index` (panics if out of range, like slice indexing).
    pub fn payload(&self, index: usize) -> &'a [u8] {
        let record = &self.chunks[index];
        &self.data[record.offset + CHUNK_HEADER_SIZE..record.end()]
    }

    /// The uncompressed bytes of chunk `index`.
    pub fn decode_chunk(&self, index: usize) -> Result<Vec<u8>, XorbError> {
        let record = &self.chunks[index];
        decompress_chunk(self.payload(index), record.scheme, record.uncompressed_len)
            .map_err(|source| XorbError::Decode { index, source })
    }

    /// Total uncompressed bytes.
    pub fn num_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.uncompressed_len).sum()
    }

    /// Decode every chunk, check the footer's chunk hashes and xorb hash if there is a footer,
    /// and return the xorb hash and the chunk hashes.
    pub fn verify(&self) -> Result<(MerkleHash, Vec<MerkleHash>), XorbError> {
        let mut hashes = Vec::with_capacity(self.chunks.len());
        let mut pairs = Vec::with_capacity(self.chunks.len());
        for index in 0..self.chunks.len() {
            let data = self.decode_chunk(index)?;
            let hash = chunk_hash(&data);
            if let Some(footer) = &self.footer {
                let expected = footer.chunk_hashes[index];
                if expected != hash {
                    return Err(XorbError::ChunkHashMismatch {
                        index,
                        expected,
                        actual: hash,
                    });
                }
            }
            hashes.push(hash);
            pairs.push((hash, data.len() as u64));
        }
        let actual = xorb_hash(&pairs);
        if let Some(footer) = &self.footer {
            if footer.hash != actual {
                return Err(XorbError::HashMismatch {
                    expected: footer.hash,
                    actual,
                });
            }
        }
        Ok((actual, hashes))
    }

    /// Like [`ParsedXorb::verify`], also requiring the xorb hash to be `expected`.
    pub fn verify_hash(&self, expected: MerkleHash) -> Result<Vec<MerkleHash>, XorbError> {
        let (actual, hashes) = self.verify()?;
        if actual != expected {
            return Err(XorbError::HashMismatch { expected, actual });
        }
        Ok(hashes)
    }

    fn check_footer(&self, footer: &XorbFooter) -> Result<(), XorbError> {
        let mismatch = XorbError::FooterMismatch;
        if footer.chunk_hashes.len() != self.chunks.len() {
            return Err(mismatch("number of chunks"));
        }
        let ends_match = footer
            .chunk_ends
            .iter()
            .zip(&self.chunks)
            .all(|(&end, chunk)| end as usize == chunk.end());
        if !ends_match {
            return Err(mismatch("chunk end offsets"));
        }
        if let Some(unpacked) = &footer.unpacked_ends {
            let mut total = 0usize;
            for (&end, chunk) in unpacked.iter().zip(&self.chunks) {
                total += chunk.uncompressed_len;
                if end as usize != total {
                    return Err(mismatch("uncompressed end offsets"));
                }
            }
        }
        Ok(())
    }
}
