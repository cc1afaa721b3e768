//! What an upload session decides, chunk by chunk, with no I/O: which chunks are new, which
//! repeat a chunk seen earlier in the session, where xorbs are cut, and finally the shard.
//!
//! Cutting follows `hf_xet` (xet-protocol 3.1) so that a file uploaded alone gives the same
//! xorbs: each file's new chunks fill a xorb that is cut when the next chunk would break a limit;
//! at the end of the file its remaining chunks join a xorb shared with the tails of other files
//! (when they do not fit together, the larger of the two is cut). A xorb's hash is only known
//! when it is cut, so chunks are placed in numbered slots; a tail that joins the shared xorb is
//! re-pointed to its slot with an offset, and everything is resolved when the shard is built.

use std::collections::HashMap;

use crate::chunking::Chunk;
use crate::hash::MerkleHash;
use crate::merkle::MerkleBuilder;
use crate::shard::{Shard, XorbInfo};
use crate::shard_builder::{FileInfoBuilder, ShardBuilder};
use crate::xorb::XorbData;

type Slot = u32;

/// Where a chunk is: chunk `index` of the xorb in `slot`.
#[derive(Clone, Copy, Debug)]
struct Loc {
    slot: Slot,
    index: u32,
}

#[derive(Clone, Copy, Debug)]
struct ChunkRef {
    loc: Loc,
    hash: MerkleHash,
    len: u32,
}

/// A file being chunked.
pub(crate) struct FileInProgress {
    refs: Vec<ChunkRef>,
    merkle: MerkleBuilder,
    pending: XorbData,
    pending_slot: Slot,
    size: u64,
}

/// A xorb ready to be uploaded.
pub(crate) struct CutXorb {
    pub hash: MerkleHash,
    pub data: XorbData,
}

/// What the upload of one file gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadedFile {
    pub xet_hash: MerkleHash,
    pub size: u64,
    /// Plain SHA-256 digest of the content.
    pub sha256: [u8; 32],
}

struct FinishedFile {
    hash: MerkleHash,
    sha256: [u8; 32],
    refs: Vec<ChunkRef>,
}

#[derive(Default)]
pub(crate) struct Session {
    next_slot: Slot,
    /// Every chunk placed so far, by hash (in-session deduplication).
    placed: HashMap<MerkleHash, Loc>,
    /// Slots whose chunks were appended to another slot: `(target, offset)`.
    moved: HashMap<Slot, (Slot, u32)>,
    /// Cut xorbs: their hash and chunks.
    cut: HashMap<Slot, XorbInfo>,
    shared: XorbData,
    shared_slot: Slot,
    files: Vec<FinishedFile>,
    pub new_bytes: u64,
    pub deduped_bytes: u64,
}

impl Session {
    pub fn new() -> Self {
        let mut session = Self::default();
        session.shared_slot = session.new_slot();
        session
    }

    fn new_slot(&mut self) -> Slot {
        self.next_slot += 1;
        self.next_slot
    }

    pub fn start_file(&mut self) -> FileInProgress {
        FileInProgress {
            refs: Vec::new(),
            merkle: MerkleBuilder::new(),
            pending: XorbData::new(),
            pending_slot: self.new_slot(),
            size: 0,
        }
    }

    /// The next chunk of `file`; returns a xorb when this chunk made one full.
    pub fn add_chunk(&mut self, file: &mut FileInProgress, chunk: Chunk) -> Option<CutXorb> {
        let len = chunk.data.len() as u32;
        let hash = chunk.hash;
        file.merkle.push(hash, u64::from(len));
        file.size += u64::from(len);
        if let Some(&loc) = self.placed.get(&hash) {
            self.deduped_bytes += u64::from(len);
            file.refs.push(ChunkRef { loc, hash, len });
            return None;
        }
        self.new_bytes += u64::from(len);
        let mut full = None;
        if !file.pending.fits(1, chunk.data.len()) {
            let data = std::mem::take(&mut file.pending);
            let slot = std::mem::replace(&mut file.pending_slot, self.new_slot());
            full = Some(self.cut(slot, data));
        }
        let loc = Loc {
            slot: file.pending_slot,
            index: file.pending.len() as u32,
        };
        file.pending
            .push(chunk)
            .expect("a chunk fits into a xorb that was just checked");
        self.placed.insert(hash, loc);
        file.refs.push(ChunkRef { loc, hash, len });
        full
    }

    /// Ends `file`, whose content has this SHA-256; its new chunks join the shared xorb (which
    /// may cut a xorb).
    pub fn finish_file(
        &mut self,
        file: FileInProgress,
        sha256: [u8; 32],
    ) -> (UploadedFile, Option<CutXorb>) {
        let hash = file.merkle.finish_file_hash(&[0; 32]);
        let uploaded = UploadedFile {
            xet_hash: hash,
            size: file.size,
            sha256,
        };
        self.files.push(FinishedFile {
            hash,
            sha256,
            refs: file.refs,
        });
        let tail = file.pending;
        let tail_slot = file.pending_slot;
        if tail.is_empty() {
            return (uploaded, None);
        }
        if self.shared.fits(tail.len(), tail.num_bytes()) {
            self.moved
                .insert(tail_slot, (self.shared_slot, self.shared.len() as u32));
            self.shared.append(tail);
            return (uploaded, None);
        }
        let cut = if tail.num_bytes() > self.shared.num_bytes() {
            self.cut(tail_slot, tail)
        } else {
            let shared = std::mem::replace(&mut self.shared, tail);
            let slot = std::mem::replace(&mut self.shared_slot, tail_slot);
            self.cut(slot, shared)
        };
        (uploaded, Some(cut))
    }

    /// The shared xorb, when anything is left in it.
    pub fn finish(&mut self) -> Option<CutXorb> {
        if self.shared.is_empty() {
            return None;
        }
        let data = std::mem::take(&mut self.shared);
        let slot = self.shared_slot;
        Some(self.cut(slot, data))
    }

    fn cut(&mut self, slot: Slot, data: XorbData) -> CutXorb {
        let hash = data.hash();
        let chunks: Vec<(MerkleHash, u32)> = data
            .chunks()
            .iter()
            .map(|c| (c.hash, c.data.len() as u32))
            .collect();
        self.cut.insert(slot, XorbInfo::from_chunks(hash, &chunks));
        CutXorb { hash, data }
    }

    /// The xorb hash and chunk index of `loc` once every xorb is cut.
    fn resolve(&self, mut loc: Loc) -> Option<(MerkleHash, u32)> {
        while let Some(&(target, offset)) = self.moved.get(&loc.slot) {
            loc = Loc {
                slot: target,
                index: loc.index + offset,
            };
        }
        self.cut.get(&loc.slot).map(|xorb| (xorb.hash, loc.index))
    }

    /// The shard describing every file and every xorb of the session (call after [`finish`]).
    pub fn shard(&self) -> Shard {
        let mut builder = ShardBuilder::new();
        for file in &self.files {
            let mut info = FileInfoBuilder::new();
            for chunk in &file.refs {
                let (xorb, index) = self
                    .resolve(chunk.loc)
                    .expect("every chunk of a finished session is in a cut xorb");
                info.push(xorb, index, chunk.hash, chunk.len);
            }
            builder.add_file(info.finish(file.hash, Some(file.sha256)));
        }
        for xorb in self.cut.values() {
            builder.add_xorb(xorb.clone());
        }
        builder.build()
    }
}
