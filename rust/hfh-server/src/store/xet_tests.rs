//! Tests of the Xet store: xorb verification and storage, shard validation (nothing stored on
//! a refusal), and reading files back from xorbs.

use super::direct_io::AlignedBuf;
use super::lfs_objects;
use super::repos::{self, Repo, RepoType};
use super::xet::{self, XORB_BUFFER};
use super::xet_read;
use super::Store;
use crate::util::now_millis;
use hfh_xet::hash::MerkleHash;
use hfh_xet::{
    file_hash, parse_stored_xorb, Chunker, CompressionPolicy, FileInfoBuilder, ShardBuilder,
    XorbData, XorbInfo,
};
use sha2::{Digest, Sha256};

fn setup() -> (tempfile::TempDir, Store, Repo) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let repo = store
        .with(|c| {
            let new = repos::NewRepo {
                kind: RepoType::Model,
                namespace: "alice",
                name: "x",
                private: false,
                sdk: None,
                hub_id: "0a1b",
                now: now_millis(),
            };
            Ok(repos::insert_repo(c, &new)?.expect("new repo"))
        })
        .unwrap();
    (dir, store, repo)
}

/// Deterministic content that compresses in places (LZ4 chunks) and not in others.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if (i / 50_000) % 2 == 0 {
                (state >> 56) as u8
            } else {
                (i % 7) as u8
            }
        })
        .collect()
}

/// One file in one xorb: (upload bytes, xorb hash, shard upload bytes, file hash, sha256 hex).
struct Upload {
    xorb_bytes: Vec<u8>,
    xorb_hash: MerkleHash,
    xorb_info: XorbInfo,
    file: hfh_xet::FileInfo,
    sha256: String,
}

fn prepare(data: &[u8]) -> Upload {
    let chunks = Chunker::new().next_block(data, true);
    let pairs: Vec<(MerkleHash, u64)> = chunks
        .iter()
        .map(|c| (c.hash, c.data.len() as u64))
        .collect();
    let xorb = XorbData::from_chunks(chunks.clone()).unwrap();
    let serialized = xorb.serialize(CompressionPolicy::default());
    let mut builder = FileInfoBuilder::new();
    for (i, c) in chunks.iter().enumerate() {
        builder.push(serialized.hash, i as u32, c.hash, c.data.len() as u32);
    }
    let digest: [u8; 32] = Sha256::digest(data).into();
    let info_pairs: Vec<(MerkleHash, u32)> = chunks
        .iter()
        .map(|c| (c.hash, c.data.len() as u32))
        .collect();
    Upload {
        xorb_bytes: serialized.bytes.clone(),
        xorb_hash: serialized.hash,
        xorb_info: XorbInfo::from_chunks(serialized.hash, &info_pairs),
        file: builder.finish(file_hash(&pairs), Some(digest)),
        sha256: hex::encode(digest),
    }
}

fn shard_bytes(files: &[hfh_xet::FileInfo], xorbs: &[XorbInfo]) -> Vec<u8> {
    let mut b = ShardBuilder::new();
    for f in files {
        b.add_file(f.clone());
    }
    for x in xorbs {
        b.add_xorb(x.clone());
    }
    b.build().upload_bytes()
}

fn store_xorb(store: &Store, up: &Upload) -> bool {
    let verified = xet::verify_upload(&up.xorb_bytes, &up.xorb_hash).unwrap();
    let mut buf = AlignedBuf::new(XORB_BUFFER);
    buf.fill_from(&up.xorb_bytes);
    xet::store_xorb(store, &mut buf, &verified).unwrap()
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn xorbs_are_verified_and_stored_with_their_footer() {
    let (_dir, store, _repo) = setup();
    let up = prepare(&content(300_000, 1));
    assert!(store_xorb(&store, &up));
    assert!(
        !store_xorb(&store, &up),
        "second upload is not an insertion"
    );
    let stored = std::fs::read(xet::xorb_path(&store.blobs, &up.xorb_hash)).unwrap();
    let parsed = parse_stored_xorb(&stored).unwrap();
    assert_eq!(parsed.verify().unwrap().0, up.xorb_hash);
    assert_eq!(parsed.chunk_bytes(), &up.xorb_bytes[..]);
    assert_eq!(count(&store, "xet_xorbs"), 1);
    assert_eq!(
        std::fs::read_dir(_dir.path().join("tmp")).unwrap().count(),
        0
    );
}

#[test]
fn malformed_xorbs_are_rejected() {
    let up = prepare(&content(200_000, 2));
    let bytes = &up.xorb_bytes;
    let other = prepare(&content(200_000, 3)).xorb_hash;
    let mismatch = xet::verify_upload(bytes, &other).unwrap_err();
    assert!(mismatch.contains("hash mismatch"), "{mismatch}");
    assert!(xet::verify_upload(&bytes[..bytes.len() - 1], &up.xorb_hash).is_err());
    assert!(xet::verify_upload(&[], &up.xorb_hash).is_err());
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert!(xet::verify_upload(&flipped, &up.xorb_hash).is_err());
    let mut with_footer = bytes.clone();
    let verified = xet::verify_upload(bytes, &up.xorb_hash).unwrap();
    verified.footer().write_to(&mut with_footer);
    let err = xet::verify_upload(&with_footer, &up.xorb_hash).unwrap_err();
    assert!(err.contains("footer"), "{err}");
    let mut bad_version = bytes.clone();
    bad_version[0] = 1;
    assert!(xet::verify_upload(&bad_version, &up.xorb_hash).is_err());
}

#[test]
fn shards_are_validated_and_registered_atomically() {
    let (_dir, store, repo) = setup();
    let data = content(400_000, 4);
    let up = prepare(&data);
    let shard = shard_bytes(&[up.file.clone()], &[up.xorb_info.clone()]);
    // The xorb was not uploaded: refused, nothing recorded.
    let err = xet::register_shard(&store, repo.id, &repo.hub_id, &shard).unwrap_err();
    assert_eq!(err.status.as_u16(), 400);
    assert!(err.message.contains("was not uploaded"), "{}", err.message);
    assert_eq!(count(&store, "xet_files"), 0);
    assert_eq!(count(&store, "lfs_objects"), 0);

    store_xorb(&store, &up);
    // Wrong verification entry, missing sha256, a range past the xorb, garbage: refused.
    let mut bad_verification = up.file.clone();
    bad_verification.verification = Some(vec![MerkleHash::ZERO]);
    let mut no_sha = up.file.clone();
    no_sha.sha256 = None;
    let mut past_end = up.file.clone();
    past_end.segments[0].chunk_end += 1;
    for (file, what) in [
        (bad_verification, "verification"),
        (no_sha, "sha256"),
        (past_end, "outside xorb"),
    ] {
        let shard = shard_bytes(&[file], &[]);
        let err = xet::register_shard(&store, repo.id, &repo.hub_id, &shard).unwrap_err();
        assert_eq!(err.status.as_u16(), 400);
        assert!(err.message.contains(what), "{}", err.message);
    }
    let err = xet::register_shard(&store, repo.id, &repo.hub_id, b"not a shard").unwrap_err();
    assert_eq!(err.status.as_u16(), 400);
    assert_eq!(count(&store, "xet_files"), 0);

    let got = xet::register_shard(&store, repo.id, &repo.hub_id, &shard).unwrap();
    assert_eq!((got.new_files, got.files), (1, 1));
    let again = xet::register_shard(&store, repo.id, &repo.hub_id, &shard).unwrap();
    assert_eq!(again.new_files, 0);
    // The repository now holds the sha256 (what an `lfsFile` commit line needs).
    assert_eq!(
        lfs_objects::visible_size(&store, repo.id, &up.sha256).unwrap(),
        Some(data.len() as u64)
    );
    let read = store
        .read(|c| store.blobs.read_all(c, &up.sha256, data.len() as u64))
        .unwrap();
    assert_eq!(read, data);
    let part = store
        .read(|c| store.blobs.read_range(c, &up.sha256, 123_456, 200_000))
        .unwrap();
    assert_eq!(part, &data[123_456..323_456]);

    // Another sha256 for the same file hash is refused.
    let mut liar = up.file.clone();
    liar.sha256 = Some(MerkleHash::from_be_bytes([7; 32]));
    let err =
        xet::register_shard(&store, repo.id, &repo.hub_id, &shard_bytes(&[liar], &[])).unwrap_err();
    assert_eq!(err.status.as_u16(), 400);
}

#[test]
fn plans_cover_exactly_the_requested_range() {
    let (_dir, store, repo) = setup();
    let data = content(700_000, 5);
    let up = prepare(&data);
    store_xorb(&store, &up);
    let shard = shard_bytes(&[up.file.clone()], &[up.xorb_info.clone()]);
    xet::register_shard(&store, repo.id, &repo.hub_id, &shard).unwrap();
    let file = store
        .read(|c| xet::file_by_hash(c, &up.file.hash.hex()))
        .unwrap()
        .unwrap();
    assert_eq!(file.size, data.len() as u64);
    for (start, end) in [(0, 700_000), (1, 2), (99_999, 400_001), (699_999, 700_000)] {
        let plan = store
            .read(|c| xet_read::plan(c, &file, start, end))
            .unwrap();
        let covered: u64 = plan.terms.iter().map(|t| t.unpacked_len).sum();
        assert!(covered >= plan.offset_into_first_range + (end - start));
        let mut out = Vec::new();
        xet_read::read_plan(&store.blobs, &plan, |d| {
            out.extend_from_slice(d);
            Ok(())
        })
        .unwrap();
        assert_eq!(out, &data[start as usize..end as usize]);
    }
}
