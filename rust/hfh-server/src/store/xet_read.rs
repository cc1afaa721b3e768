//! Reading Xet files back: the reconstruction plan of a byte range (the terms the CAS answers
//! to `reconstructions`) and the bytes themselves, rebuilt from the stored xorbs (plain
//! downloads by clients without Xet, cards and other server-side readers).

use std::collections::HashMap;
use std::fs::File;
use std::io;

use hfh_xet::hash::MerkleHash;
use hfh_xet::{parse_xorb, CompressionScheme};
use rusqlite::Connection;

use super::blobs::BlobStore;
use super::xet::{xorb_meta, xorb_path, XetFile, XorbMeta};
use crate::errors::{HubError, HubResult};

/// One run of chunks of one xorb in a reconstruction, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub xorb: MerkleHash,
    pub chunk_start: u32,
    /// Exclusive.
    pub chunk_end: u32,
    /// Uncompressed bytes of the chunks.
    pub unpacked_len: u64,
    /// Serialized bytes `[start, end)` of the chunks in the stored xorb.
    pub bytes: (u64, u64),
    /// End offset of each chunk's serialized form in the xorb (for reads in whole chunks).
    pub chunk_ends: Vec<u32>,
}

/// How to rebuild bytes `[start, end)` of a file.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Bytes of the first term's chunks before `start`.
    pub offset_into_first_range: u64,
    pub terms: Vec<Term>,
    /// `end - start`.
    pub len: u64,
}

/// Plans bytes `[start, end)` of `file` (`start < end <= file.size`).
pub fn plan(conn: &Connection, file: &XetFile, start: u64, end: u64) -> HubResult<Plan> {
    let mut metas: HashMap<MerkleHash, XorbMeta> = HashMap::new();
    let mut terms = Vec::new();
    let mut offset_into_first_range = 0;
    let mut pos = 0u64;
    for s in &file.segments {
        if pos >= end {
            break;
        }
        if !metas.contains_key(&s.xorb) {
            let meta = xorb_meta(conn, &s.xorb.hex())?
                .ok_or_else(|| HubError::internal(format!("xorb {} is missing", s.xorb)))?;
            metas.insert(s.xorb, meta);
        }
        let meta = &metas[&s.xorb];
        if s.chunk_end > meta.num_chunks() || s.chunk_start >= s.chunk_end {
            return Err(HubError::internal("segment outside its xorb"));
        }
        let base = meta.unpacked_start(s.chunk_start);
        let seg_len = meta.unpacked_start(s.chunk_end) - base;
        if pos + seg_len <= start {
            pos += seg_len;
            continue;
        }
        // File offset where chunk `c` of this segment starts.
        let at = |c: u32| pos + meta.unpacked_start(c) - base;
        let mut first = s.chunk_start;
        while at(first + 1) <= start {
            first += 1;
        }
        let mut last = first + 1;
        while last < s.chunk_end && at(last) < end {
            last += 1;
        }
        if terms.is_empty() {
            offset_into_first_range = start.saturating_sub(at(first));
        }
        terms.push(Term {
            xorb: s.xorb,
            chunk_start: first,
            chunk_end: last,
            unpacked_len: meta.unpacked_start(last) - meta.unpacked_start(first),
            bytes: meta.byte_range(first, last),
            chunk_ends: meta.chunk_ends[first as usize..last as usize].to_vec(),
        });
        pos += seg_len;
    }
    Ok(Plan {
        offset_into_first_range,
        terms,
        len: end.saturating_sub(start),
    })
}

/// Serialized bytes read from a xorb file at once (whole chunks, at least one).
const READ_BATCH: u64 = 8 << 20;

/// Calls `sink` with the bytes of `plan` in order, decoded from the stored xorbs.
pub fn read_plan(
    blobs: &BlobStore,
    plan: &Plan,
    mut sink: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = Trim {
        skip: plan.offset_into_first_range,
        remaining: plan.len,
    };
    let mut buffer = Vec::new();
    for term in &plan.terms {
        let file = File::open(xorb_path(blobs, &term.xorb))?;
        let mut at = term.bytes.0;
        let mut ends = term.chunk_ends.as_slice();
        while !ends.is_empty() {
            // Whole chunks, about READ_BATCH bytes of them (at least one).
            let take = ends
                .iter()
                .take_while(|&&e| u64::from(e) - at <= READ_BATCH)
                .count()
                .max(1);
            let end = u64::from(ends[take - 1]);
            ends = &ends[take..];
            buffer.resize((end - at) as usize, 0);
            read_exact_at(&file, &mut buffer, at)?;
            let parsed = parse_xorb(&buffer).map_err(invalid)?;
            if parsed.chunks.len() != take || parsed.footer.is_some() {
                return Err(invalid("stored xorb disagrees with its record"));
            }
            for (i, record) in parsed.chunks.iter().enumerate() {
                if record.scheme == CompressionScheme::None {
                    out.emit(parsed.payload(i), &mut sink)?;
                } else {
                    out.emit(&parsed.decode_chunk(i).map_err(invalid)?, &mut sink)?;
                }
                if out.remaining == 0 {
                    return Ok(());
                }
            }
            at = end;
        }
    }
    if out.remaining > 0 {
        return Err(invalid("xorbs hold fewer bytes than the file"));
    }
    Ok(())
}

/// Drops the bytes before the range and after its end.
struct Trim {
    skip: u64,
    remaining: u64,
}

impl Trim {
    fn emit(
        &mut self,
        data: &[u8],
        sink: &mut impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut data = data;
        if self.skip > 0 {
            let n = self.skip.min(data.len() as u64) as usize;
            data = &data[n..];
            self.skip -= n as u64;
        }
        let n = self.remaining.min(data.len() as u64) as usize;
        self.remaining -= n as u64;
        if n > 0 {
            sink(&data[..n])?;
        }
        Ok(())
    }
}

/// Bytes `[start, start + len)` of `file` in memory (small reads: cards, previews).
pub fn read_bytes(
    conn: &Connection,
    blobs: &BlobStore,
    file: &XetFile,
    start: u64,
    len: u64,
) -> HubResult<Vec<u8>> {
    let end = start.saturating_add(len);
    if end > file.size {
        return Err(HubError::internal("range beyond the end of a Xet file"));
    }
    if len == 0 {
        return Ok(Vec::new());
    }
    let plan = plan(conn, file, start, end)?;
    let mut out = Vec::with_capacity(len.min(1 << 24) as usize);
    read_plan(blobs, &plan, |d| {
        out.extend_from_slice(d);
        Ok(())
    })?;
    Ok(out)
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, offset)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}
