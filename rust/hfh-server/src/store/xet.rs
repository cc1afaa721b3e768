//! Xet storage of the local Hub: the xorbs the CAS receives and the files uploaded shards
//! describe.
//!
//! - A xorb is checked before anything is kept: its chunks must parse and decode, and their
//!   BLAKE3 hashes must aggregate to the hash in the URL. It is stored with its footer (the form
//!   presigned fetches point into) as `<data>/blobs/xorbs/ab/cdef…` (temporary file, fsync,
//!   rename, fsync of the directory), then recorded in `xet_xorbs` with its chunk layout and
//!   hashes, so a row always means a complete file.
//! - A shard is validated whole (every xorb it references is stored, segment ranges lie inside
//!   them and add up, verification entries match the stored chunk hashes, every file declares
//!   its sha256) and registered in one transaction: `xet_files` rows, and the repository's
//!   `lfs_objects` rows, which is what makes an `lfsFile` commit line with that sha256 valid.
//!
//! The sha256 a shard declares is trusted, as the Hub does: the content is tied to the file hash
//! by the chunk and xorb hashes, and hashing it again would put a second full pass on the
//! critical path of every upload. A second shard declaring another sha256 for a known file hash,
//! or another file for a sha256 already registered, is refused.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use hfh_xet::hash::{chunk_hash, verification_range_hash, MerkleHash};
use hfh_xet::xorb::{CHUNK_HEADER_SIZE, MAX_XORB_BYTES, MAX_XORB_CHUNKS};
use hfh_xet::{parse_shard, parse_xorb, xorb_hash, CompressionScheme, XorbFooter};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::blobs::{sync_dir, BlobStore};
use super::direct_io::{AlignedBuf, DirectFile};
use super::{lfs_objects, Store};
use crate::errors::{HubError, HubResult};
use crate::util::now_millis;

/// Largest xorb upload accepted: every chunk at its largest uncompressed size (compression that
/// does not shrink a chunk is never sent) plus its header.
pub const MAX_XORB_UPLOAD: usize = MAX_XORB_BYTES + MAX_XORB_CHUNKS * CHUNK_HEADER_SIZE;
/// Largest footer of a xorb (version 1, every chunk present).
const MAX_FOOTER: usize = 96 + 40 * MAX_XORB_CHUNKS;
/// Capacity of the receive buffers of xorb uploads (the upload plus its footer).
pub const XORB_BUFFER: usize = MAX_XORB_UPLOAD + MAX_FOOTER;
/// Receive buffers kept for reuse: touching fresh memory costs more than the data's copy on
/// these machines (see `direct_io`), and a client uploads a few xorbs at a time.
const XORB_BUFFERS_KEPT: usize = 4;

/// A receive buffer for one xorb upload, from the pool when one is free.
pub fn xorb_buffer() -> AlignedBuf {
    let pooled = buffers().pop();
    let mut buf = pooled.unwrap_or_else(|| AlignedBuf::new(XORB_BUFFER));
    buf.clear();
    buf
}

/// Gives a receive buffer back.
pub fn release_xorb_buffer(buf: AlignedBuf) {
    let mut pool = buffers();
    if pool.len() < XORB_BUFFERS_KEPT {
        pool.push(buf);
    }
}

fn buffers() -> std::sync::MutexGuard<'static, Vec<AlignedBuf>> {
    static POOL: std::sync::Mutex<Vec<AlignedBuf>> = std::sync::Mutex::new(Vec::new());
    POOL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A xorb whose chunks decoded and hashed to the expected hash.
#[derive(Debug, Clone)]
pub struct VerifiedXorb {
    pub hash: MerkleHash,
    pub chunk_hashes: Vec<MerkleHash>,
    pub chunk_ends: Vec<u32>,
    pub unpacked_ends: Vec<u32>,
}

impl VerifiedXorb {
    pub fn footer(&self) -> XorbFooter {
        XorbFooter {
            version: 1,
            hash: self.hash,
            chunk_hashes: self.chunk_hashes.clone(),
            chunk_ends: self.chunk_ends.clone(),
            unpacked_ends: Some(self.unpacked_ends.clone()),
            buffer: [0; 16],
        }
    }
}

/// Checks an uploaded xorb (chunks only, no footer) against `expected`; the error is the
/// message of a 400.
pub fn verify_upload(body: &[u8], expected: &MerkleHash) -> Result<VerifiedXorb, String> {
    let parsed = parse_xorb(body).map_err(|e| format!("Invalid xorb: {e}"))?;
    if parsed.footer.is_some() {
        return Err("Invalid xorb: an upload holds chunks only, no footer".into());
    }
    if parsed.chunks.is_empty() {
        return Err("Invalid xorb: no chunks".into());
    }
    let mut chunk_hashes = Vec::with_capacity(parsed.chunks.len());
    let mut pairs = Vec::with_capacity(parsed.chunks.len());
    let mut chunk_ends = Vec::with_capacity(parsed.chunks.len());
    let mut unpacked_ends = Vec::with_capacity(parsed.chunks.len());
    let mut unpacked = 0u32;
    for (index, record) in parsed.chunks.iter().enumerate() {
        // Stored chunks (incompressible data, most of a model's weights) are hashed in place.
        let hash = if record.scheme == CompressionScheme::None {
            let payload = parsed.payload(index);
            if payload.len() != record.uncompressed_len {
                return Err(format!(
                    "Invalid xorb: chunk {index} has {} bytes, its header says {}",
                    payload.len(),
                    record.uncompressed_len
                ));
            }
            chunk_hash(payload)
        } else {
            let data = parsed
                .decode_chunk(index)
                .map_err(|e| format!("Invalid xorb: {e}"))?;
            chunk_hash(&data)
        };
        unpacked += record.uncompressed_len as u32;
        chunk_hashes.push(hash);
        pairs.push((hash, record.uncompressed_len as u64));
        chunk_ends.push(record.end() as u32);
        unpacked_ends.push(unpacked);
    }
    let actual = xorb_hash(&pairs);
    if actual != *expected {
        return Err(format!(
            "Xorb hash mismatch: the chunks hash to {actual}, not {expected}"
        ));
    }
    Ok(VerifiedXorb {
        hash: actual,
        chunk_hashes,
        chunk_ends,
        unpacked_ends,
    })
}

/// Where xorb `hash` is stored.
pub fn xorb_path(blobs: &BlobStore, hash: &MerkleHash) -> PathBuf {
    let hex = hash.hex();
    blobs.xorb_dir().join(&hex[..2]).join(&hex[2..])
}

/// Whether xorb `hex` is stored.
pub fn has_xorb(conn: &Connection, hex: &str) -> HubResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM xet_xorbs WHERE hash = ?1)",
        [hex],
        |r| r.get(0),
    )?)
}

/// Stores a verified xorb whose chunks fill `buf`: appends the footer, writes, fsyncs and
/// installs the file, then records it. Returns `false` if it was stored already.
pub fn store_xorb(store: &Store, buf: &mut AlignedBuf, xorb: &VerifiedXorb) -> HubResult<bool> {
    let hex = xorb.hash.hex();
    if store.read(|c| has_xorb(c, &hex))? {
        return Ok(false);
    }
    let mut footer = Vec::with_capacity(96 + 40 * xorb.chunk_hashes.len());
    xorb.footer().write_to(&mut footer);
    if buf.fill_from(&footer) != footer.len() {
        return Err(HubError::internal("xorb buffer too small for the footer"));
    }
    let dest = xorb_path(&store.blobs, &xorb.hash);
    if !dest.is_file() {
        let tmp = store.blobs.tmp_path();
        let written = (|| {
            let file = DirectFile::create_new(&tmp)?;
            file.write_all_at(buf.as_slice(), 0)?;
            file.sync_all()?;
            let dir = dest.parent().expect("fan-out dir");
            fs::create_dir_all(dir)?;
            fs::rename(&tmp, &dest)?;
            sync_dir(dir)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e.into());
        }
    }
    let inserted = store.with(|c| {
        Ok(c.execute(
            "INSERT OR IGNORE INTO xet_xorbs
             (hash, num_chunks, stored_bytes, chunk_ends, unpacked_ends, chunk_hashes, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                hex,
                xorb.chunk_hashes.len() as i64,
                xorb.chunk_ends.last().copied().unwrap_or(0) as i64,
                u32s_to_blob(&xorb.chunk_ends),
                u32s_to_blob(&xorb.unpacked_ends),
                hashes_to_blob(&xorb.chunk_hashes),
                now_millis(),
            ],
        )?)
    })?;
    Ok(inserted > 0)
}

/// What the database knows of a stored xorb.
#[derive(Debug, Clone)]
pub struct XorbMeta {
    pub hash: MerkleHash,
    pub chunk_ends: Vec<u32>,
    pub unpacked_ends: Vec<u32>,
    pub chunk_hashes: Vec<MerkleHash>,
}

impl XorbMeta {
    pub fn num_chunks(&self) -> u32 {
        self.chunk_ends.len() as u32
    }

    /// Serialized bytes `[start, end)` of chunks `[first, last)` (valid indices).
    pub fn byte_range(&self, first: u32, last: u32) -> (u64, u64) {
        let start = if first == 0 {
            0
        } else {
            self.chunk_ends[first as usize - 1]
        };
        (start as u64, self.chunk_ends[last as usize - 1] as u64)
    }

    /// Uncompressed offset where chunk `index` starts (`index` may be the chunk count).
    pub fn unpacked_start(&self, index: u32) -> u64 {
        if index == 0 {
            0
        } else {
            self.unpacked_ends[index as usize - 1] as u64
        }
    }
}

/// The stored xorb `hex`, if any.
pub fn xorb_meta(conn: &Connection, hex: &str) -> HubResult<Option<XorbMeta>> {
    let row = conn
        .prepare_cached(
            "SELECT chunk_ends, unpacked_ends, chunk_hashes FROM xet_xorbs WHERE hash = ?1",
        )?
        .query_row([hex], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .optional()?;
    let Some((ends, unpacked, hashes)) = row else {
        return Ok(None);
    };
    let hash = MerkleHash::from_hex(hex).map_err(|e| HubError::internal(e.to_string()))?;
    Ok(Some(XorbMeta {
        hash,
        chunk_ends: blob_to_u32s(&ends),
        unpacked_ends: blob_to_u32s(&unpacked),
        chunk_hashes: blob_to_hashes(&hashes),
    }))
}

/// A chunk range of one xorb, in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub xorb: MerkleHash,
    pub chunk_start: u32,
    pub chunk_end: u32,
}

/// A registered Xet file.
#[derive(Debug, Clone)]
pub struct XetFile {
    pub hash: MerkleHash,
    pub sha256: String,
    pub size: u64,
    pub segments: Vec<Segment>,
}

fn file_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, i64, Vec<u8>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_file(row: (String, String, i64, Vec<u8>)) -> HubResult<XetFile> {
    let (hex, sha256, size, segments) = row;
    Ok(XetFile {
        hash: MerkleHash::from_hex(&hex).map_err(|e| HubError::internal(e.to_string()))?,
        sha256,
        size: size as u64,
        segments: blob_to_segments(&segments),
    })
}

/// The Xet file with hash `hex`, if registered.
pub fn file_by_hash(conn: &Connection, hex: &str) -> HubResult<Option<XetFile>> {
    let row = conn
        .prepare_cached("SELECT hash, sha256, size, segments FROM xet_files WHERE hash = ?1")?
        .query_row([hex], file_from_row)
        .optional()?;
    row.map(to_file).transpose()
}

/// The Xet file whose content has this sha256, if one is registered.
pub fn file_by_sha256(conn: &Connection, sha256: &str) -> HubResult<Option<XetFile>> {
    let row = conn
        .prepare_cached(
            "SELECT hash, sha256, size, segments FROM xet_files WHERE sha256 = ?1 LIMIT 1",
        )?
        .query_row([sha256], file_from_row)
        .optional()?;
    row.map(to_file).transpose()
}

/// Size of the Xet file whose content has this sha256 (blob lookups' last resort).
pub fn size_by_sha256(conn: &Connection, sha256: &str) -> HubResult<Option<u64>> {
    let size: Option<i64> = conn
        .prepare_cached("SELECT size FROM xet_files WHERE sha256 = ?1 LIMIT 1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    Ok(size.map(|n| n as u64))
}

/// The Xet hash of the file whose content has this sha256, if any.
pub fn hash_of_sha256(conn: &Connection, sha256: &str) -> HubResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM xet_files WHERE sha256 = ?1 LIMIT 1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?)
}

/// Outcome of a shard registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// Files the server did not know before.
    pub new_files: usize,
    pub files: usize,
}

/// Validates an uploaded shard and registers its files for repository `repo_id` (created with
/// `hub_id`), all in one transaction. Errors are 400s that store nothing.
pub fn register_shard(
    store: &Store,
    repo_id: i64,
    hub_id: &str,
    data: &[u8],
) -> HubResult<Registered> {
    let parsed = parse_shard(data).map_err(|e| bad(format!("Invalid shard: {e}")))?;
    let shard = parsed.shard;
    let bad_shard = |m: String| bad(format!("Invalid shard: {m}"));
    // The xorbs of the shard (stored or referenced): read once, on a reader connection.
    let mut wanted: Vec<String> = shard.xorbs.iter().map(|x| x.hash.hex()).collect();
    for f in &shard.files {
        wanted.extend(f.segments.iter().map(|s| s.xorb_hash.hex()));
    }
    wanted.sort();
    wanted.dedup();
    let metas: HashMap<String, XorbMeta> = store.read(|c| {
        let mut out = HashMap::new();
        for hex in &wanted {
            if let Some(m) = xorb_meta(c, hex)? {
                out.insert(hex.clone(), m);
            }
        }
        Ok(out)
    })?;
    for x in &shard.xorbs {
        let hex = x.hash.hex();
        let meta = metas
            .get(&hex)
            .ok_or_else(|| bad_shard(format!("xorb {hex} was not uploaded")))?;
        let same = x.chunks.len() == meta.chunk_hashes.len()
            && x.chunks.iter().enumerate().all(|(i, c)| {
                c.hash == meta.chunk_hashes[i]
                    && u64::from(c.byte_range_start) == meta.unpacked_start(i as u32)
                    && u64::from(c.unpacked_bytes)
                        == meta.unpacked_start(i as u32 + 1) - meta.unpacked_start(i as u32)
            });
        if !same {
            return Err(bad_shard(format!(
                "xorb {hex} does not match the uploaded xorb"
            )));
        }
    }
    let mut files = Vec::with_capacity(shard.files.len());
    for f in &shard.files {
        let fhex = f.hash.hex();
        let sha = f
            .sha256_digest()
            .ok_or_else(|| bad_shard(format!("file {fhex} has no sha256 metadata")))?;
        let verification = f
            .verification
            .as_ref()
            .ok_or_else(|| bad_shard(format!("file {fhex} has no verification entries")))?;
        let mut size = 0u64;
        let mut segments = Vec::with_capacity(f.segments.len());
        for (i, s) in f.segments.iter().enumerate() {
            let xhex = s.xorb_hash.hex();
            let meta = metas.get(&xhex).ok_or_else(|| {
                bad_shard(format!("file {fhex} references xorb {xhex}, not stored"))
            })?;
            if s.chunk_start >= s.chunk_end || s.chunk_end > meta.num_chunks() {
                return Err(bad_shard(format!(
                    "file {fhex}: chunk range {}..{} outside xorb {xhex} ({} chunks)",
                    s.chunk_start,
                    s.chunk_end,
                    meta.num_chunks()
                )));
            }
            let len = meta.unpacked_start(s.chunk_end) - meta.unpacked_start(s.chunk_start);
            if len != u64::from(s.unpacked_bytes) {
                return Err(bad_shard(format!(
                    "file {fhex}: segment {i} declares {} bytes, its chunks hold {len}",
                    s.unpacked_bytes
                )));
            }
            let range = &meta.chunk_hashes[s.chunk_start as usize..s.chunk_end as usize];
            if verification[i] != verification_range_hash(range) {
                return Err(bad_shard(format!(
                    "file {fhex}: verification entry {i} does not match xorb {xhex}"
                )));
            }
            size += len;
            segments.push(Segment {
                xorb: s.xorb_hash,
                chunk_start: s.chunk_start,
                chunk_end: s.chunk_end,
            });
        }
        files.push((fhex, hex::encode(sha), size, segments_to_blob(&segments)));
    }
    store.with(|c| {
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !lfs_objects::repo_exists(&tx, repo_id, hub_id)? {
            return Err(HubError::not_found("Repository not found").with_code("RepoNotFound"));
        }
        let now = now_millis();
        let mut new_files = 0;
        for (fhex, sha, size, segments) in &files {
            let known: Option<String> = tx
                .query_row(
                    "SELECT sha256 FROM xet_files WHERE hash = ?1",
                    [fhex],
                    |r| r.get(0),
                )
                .optional()?;
            match known {
                Some(s) if s != *sha => {
                    return Err(bad_shard(format!(
                        "file {fhex} is registered with another sha256"
                    )))
                }
                Some(_) => {}
                None => {
                    let other: Option<String> = tx
                        .query_row("SELECT hash FROM xet_files WHERE sha256 = ?1", [sha], |r| {
                            r.get(0)
                        })
                        .optional()?;
                    if other.is_some() {
                        return Err(bad_shard(format!(
                            "sha256 {sha} is registered for another file"
                        )));
                    }
                    tx.execute(
                        "INSERT INTO xet_files (hash, sha256, size, segments, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![fhex, sha, *size as i64, segments, now],
                    )?;
                    new_files += 1;
                }
            }
            lfs_objects::record(&tx, repo_id, sha, *size)?;
        }
        tx.commit()?;
        Ok(Registered {
            new_files,
            files: files.len(),
        })
    })
}

fn bad(message: String) -> HubError {
    HubError::bad_request(message)
}

fn u32s_to_blob(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn blob_to_u32s(blob: &[u8]) -> Vec<u32> {
    blob.chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn hashes_to_blob(hashes: &[MerkleHash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.to_raw()).collect()
}

fn blob_to_hashes(blob: &[u8]) -> Vec<MerkleHash> {
    blob.chunks_exact(32)
        .map(|b| MerkleHash::from_raw(b.try_into().expect("32 bytes")))
        .collect()
}

const SEGMENT_RECORD: usize = 40;

fn segments_to_blob(segments: &[Segment]) -> Vec<u8> {
    let mut out = Vec::with_capacity(segments.len() * SEGMENT_RECORD);
    for s in segments {
        out.extend_from_slice(s.xorb.as_bytes());
        out.extend_from_slice(&s.chunk_start.to_le_bytes());
        out.extend_from_slice(&s.chunk_end.to_le_bytes());
    }
    out
}

fn blob_to_segments(blob: &[u8]) -> Vec<Segment> {
    blob.chunks_exact(SEGMENT_RECORD)
        .map(|r| Segment {
            xorb: MerkleHash::from_raw(r[..32].try_into().expect("32 bytes")),
            chunk_start: u32::from_le_bytes(r[32..36].try_into().expect("4 bytes")),
            chunk_end: u32::from_le_bytes(r[36..40].try_into().expect("4 bytes")),
        })
        .collect()
}
