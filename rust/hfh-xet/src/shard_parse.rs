//! Reading shards in any form ([`crate::shard_write::ShardForm`]) from untrusted bytes.
//!
//! Every count is checked against the bytes actually present before anything is allocated for
//! it, so memory stays proportional to the input. The footer, when the header announces one,
//! must sit at the very end and its offsets must describe exactly the layout found; the lookup
//! tables are read (and can be compared with the sections by
//! [`ParsedShard::lookup_tables_consistent`]) but nothing relies on them. Unknown file flag
//! bits and reserved bytes are ignored.

use crate::hash::MerkleHash;
use crate::shard::{
    FileInfo, FileSegment, Shard, XorbChunk, XorbInfo, BOOKEND_HASH, FILE_FLAG_WITH_METADATA_EXT,
    FILE_FLAG_WITH_VERIFICATION, RECORD_SIZE, SHARD_FOOTER_SIZE, SHARD_FOOTER_VERSION,
    SHARD_HEADER_SIZE, SHARD_HEADER_TAG, SHARD_HEADER_VERSION,
};
use crate::shard_index::{LookupTables, ShardFooter};
use crate::wire::{Reader, Short};

/// Why bytes are not a valid shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("shard truncated at offset {offset}: {needed} bytes needed, {available} left")]
    Truncated {
        offset: usize,
        needed: usize,
        available: usize,
    },
    #[error("not a shard: wrong header tag")]
    Tag,
    #[error("unsupported shard header version {0}")]
    HeaderVersion(u64),
    #[error("unsupported shard footer size {0}")]
    FooterSize(u64),
    #[error("unsupported shard footer version {0}")]
    FooterVersion(u64),
    #[error("shard footer disagrees with the layout: {0}")]
    Layout(&'static str),
    #[error("{0} unexpected bytes after the shard's sections")]
    TrailingBytes(usize),
}

impl From<Short> for ShardError {
    fn from(s: Short) -> Self {
        Self::Truncated {
            offset: s.offset,
            needed: s.needed,
            available: s.available,
        }
    }
}

/// A parsed shard and the index it carried, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedShard {
    pub shard: Shard,
    pub footer: Option<ShardFooter>,
    /// The lookup tables (empty for minimal shards, `None` without a footer).
    pub lookup: Option<LookupTables>,
}

impl ParsedShard {
    /// Whether the lookup tables (if any, and not empty) index the sections correctly.
    pub fn lookup_tables_consistent(&self) -> bool {
        match &self.lookup {
            None => true,
            Some(t) if t.files.is_empty() && t.xorbs.is_empty() && t.chunks.is_empty() => true,
            Some(tables) => *tables == LookupTables::of(&self.shard),
        }
    }
}

/// Parse a shard.
pub fn parse_shard(data: &[u8]) -> Result<ParsedShard, ShardError> {
    let mut r = Reader::new(data);
    if r.bytes(32)? != SHARD_HEADER_TAG {
        return Err(ShardError::Tag);
    }
    let version = r.u64()?;
    if version != SHARD_HEADER_VERSION {
        return Err(ShardError::HeaderVersion(version));
    }
    let footer_size = r.u64()?;
    let (footer, sections_end) = match footer_size {
        0 => (None, data.len()),
        200 => {
            let footer = read_footer(data)?;
            (Some(footer), footer.file_lookup_offset as usize)
        }
        other => return Err(ShardError::FooterSize(other)),
    };

    let sections = &data[..sections_end];
    let mut r = Reader::at(sections, SHARD_HEADER_SIZE);
    let mut files = Vec::new();
    while let Some(file) = read_file(&mut r)? {
        files.push(file);
    }
    if let Some(footer) = &footer {
        if footer.xorb_info_offset != r.position() as u64 {
            return Err(ShardError::Layout("xorb_info_offset"));
        }
    }
    let mut xorbs = Vec::new();
    while let Some(xorb) = read_xorb(&mut r)? {
        xorbs.push(xorb);
    }
    if r.remaining() != 0 {
        return Err(match footer {
            Some(_) => ShardError::Layout("file_lookup_offset"),
            None => ShardError::TrailingBytes(r.remaining()),
        });
    }

    let mut shard = Shard {
        files,
        xorbs,
        ..Shard::default()
    };
    let lookup = match &footer {
        Some(footer) => {
            shard.chunk_hash_key = footer.chunk_hash_key;
            shard.creation_timestamp = footer.creation_timestamp;
            shard.key_expiry = footer.key_expiry;
            Some(read_lookup_tables(data, footer)?)
        }
        None => None,
    };
    Ok(ParsedShard {
        shard,
        footer,
        lookup,
    })
}

/// The footer at the end of `data`, with its offsets checked to be in order and in bounds.
fn read_footer(data: &[u8]) -> Result<ShardFooter, ShardError> {
    let Some(start) = data.len().checked_sub(SHARD_FOOTER_SIZE) else {
        return Err(ShardError::Truncated {
            offset: data.len(),
            needed: SHARD_FOOTER_SIZE,
            available: data.len(),
        });
    };
    let footer = ShardFooter::read(&data[start..]).map_err(|s| Short {
        offset: start + s.offset,
        ..s
    })?;
    if footer.version != SHARD_FOOTER_VERSION {
        return Err(ShardError::FooterVersion(footer.version));
    }
    if footer.footer_offset != start as u64 {
        return Err(ShardError::Layout("footer_offset"));
    }
    if footer.file_info_offset != SHARD_HEADER_SIZE as u64 {
        return Err(ShardError::Layout("file_info_offset"));
    }
    if footer.file_lookup_offset < SHARD_HEADER_SIZE as u64
        || footer.file_lookup_offset > footer.footer_offset
    {
        return Err(ShardError::Layout("file_lookup_offset"));
    }
    let table_end = |offset: u64, count: u64, size: u64| {
        count
            .checked_mul(size)
            .and_then(|len| offset.checked_add(len))
    };
    let in_order = table_end(footer.file_lookup_offset, footer.file_lookup_num_entry, 12)
        == Some(footer.xorb_lookup_offset)
        && table_end(footer.xorb_lookup_offset, footer.xorb_lookup_num_entry, 12)
            == Some(footer.chunk_lookup_offset)
        && table_end(
            footer.chunk_lookup_offset,
            footer.chunk_lookup_num_entry,
            16,
        ) == Some(footer.footer_offset);
    if !in_order {
        return Err(ShardError::Layout("lookup table offsets"));
    }
    Ok(footer)
}

fn read_lookup_tables(data: &[u8], footer: &ShardFooter) -> Result<LookupTables, ShardError> {
    // read_footer checked that the tables lie between file_lookup_offset and the footer.
    let mut r = Reader::at(data, footer.file_lookup_offset as usize);
    let mut pairs = |count: u64| -> Result<Vec<(u64, u32)>, ShardError> {
        let raw = r.bytes(count as usize * 12)?;
        Ok(raw
            .chunks_exact(12)
            .map(|e| {
                let mut e = Reader::new(e);
                (e.u64().unwrap_or(0), e.u32().unwrap_or(0))
            })
            .collect())
    };
    let files = pairs(footer.file_lookup_num_entry)?;
    let xorbs = pairs(footer.xorb_lookup_num_entry)?;
    let raw = r.bytes(footer.chunk_lookup_num_entry as usize * 16)?;
    let chunks = raw
        .chunks_exact(16)
        .map(|e| {
            let mut e = Reader::new(e);
            (
                e.u64().unwrap_or(0),
                e.u32().unwrap_or(0),
                e.u32().unwrap_or(0),
            )
        })
        .collect();
    Ok(LookupTables {
        files,
        xorbs,
        chunks,
    })
}

/// `count` records of 48 bytes, checked to be present before anything is allocated.
fn records<'a>(r: &mut Reader<'a>, count: usize) -> Result<Vec<Reader<'a>>, ShardError> {
    let raw = r.bytes(count.saturating_mul(RECORD_SIZE))?;
    Ok(raw.chunks_exact(RECORD_SIZE).map(Reader::new).collect())
}

/// The next file, or `None` at the bookend.
fn read_file(r: &mut Reader<'_>) -> Result<Option<FileInfo>, ShardError> {
    let hash = r.hash()?;
    let flags = r.u32()?;
    let count = r.u32()? as usize;
    r.u64()?;
    if hash == BOOKEND_HASH {
        return Ok(None);
    }
    let segments = records(r, count)?
        .into_iter()
        .map(|mut e| -> Result<FileSegment, Short> {
            Ok(FileSegment {
                xorb_hash: e.hash()?,
                xorb_flags: e.u32()?,
                unpacked_bytes: e.u32()?,
                chunk_start: e.u32()?,
                chunk_end: e.u32()?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let verification = if flags & FILE_FLAG_WITH_VERIFICATION != 0 {
        let hashes = records(r, count)?
            .into_iter()
            .map(|mut e| e.hash())
            .collect::<Result<Vec<MerkleHash>, _>>()?;
        Some(hashes)
    } else {
        None
    };
    let sha256 = if flags & FILE_FLAG_WITH_METADATA_EXT != 0 {
        let mut e = records(r, 1)?.remove(0);
        Some(e.hash()?)
    } else {
        None
    };
    Ok(Some(FileInfo {
        hash,
        segments,
        verification,
        sha256,
    }))
}

/// The next xorb, or `None` at the bookend.
fn read_xorb(r: &mut Reader<'_>) -> Result<Option<XorbInfo>, ShardError> {
    let hash = r.hash()?;
    let flags = r.u32()?;
    let count = r.u32()? as usize;
    let num_bytes_in_xorb = r.u32()?;
    let num_bytes_on_disk = r.u32()?;
    if hash == BOOKEND_HASH {
        return Ok(None);
    }
    let chunks = records(r, count)?
        .into_iter()
        .map(|mut e| -> Result<XorbChunk, Short> {
            Ok(XorbChunk {
                hash: e.hash()?,
                byte_range_start: e.u32()?,
                unpacked_bytes: e.u32()?,
                flags: e.u32()?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(XorbInfo {
        hash,
        flags,
        num_bytes_in_xorb,
        num_bytes_on_disk,
        chunks,
    }))
}
