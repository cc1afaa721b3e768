//! Interoperability of our xorbs and shards with `hf_xet`'s `local://` storage.
//!
//! Like `tests/oracle.rs`, these tests do nothing unless `HFH_XET_ORACLE_PYTHON` names a Python
//! that can `import hf_xet` (1.8.0 was used). Each upload goes to a fresh `local://` directory,
//! where `hf_xet` stores xorbs with their footer (`xet/xorbs/xorbs/default.<hash>`), the shard it
//! re-serialized server side (`xet/xorbs/shards/<hash>.mdb`, minimal form) and the client's own
//! full shard (`xet/shard-cache/<hash>.mdb`).
//!
//! * hf_xet writes, we read: every stored object parses, verifies and re-serializes to the same
//!   bytes; the xorbs and shards we build from our own chunking are byte-identical to hf_xet's;
//!   files reconstruct from the stored shard and xorbs.
//! * we write, hf_xet reads: hf_xet downloads files through xorbs we re-encoded with other
//!   compression schemes, and deduplicates a new upload entirely against a xorb and a full
//!   shard we wrote (then downloads it through our xorb).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use hfh_core::oid::sha256_bytes;
use hfh_xet::chunking::Chunk;
use hfh_xet::{
    file_hash, parse_shard, parse_stored_xorb, shard_hash, Chunker, CompressionPolicy,
    CompressionScheme, FileInfoBuilder, MerkleHash, ParsedShard, Shard, ShardBuilder, ShardForm,
    XorbData, XorbInfo,
};

const ORACLE_ENV: &str = "HFH_XET_ORACLE_PYTHON";
const KIB: usize = 1024;

/// `upload <store> <path>...` prints `<hash> <size> <sha256>` per path;
/// `download <store> <out> <hash> <size>` writes the file.
const SCRIPT: &str = r#"
import sys, warnings, hf_xet
warnings.simplefilter("ignore")
mode, store = sys.argv[1], "local://" + sys.argv[2]
if mode == "upload":
    for info in hf_xet.upload_files(sys.argv[3:], store, None, None, None, "model"):
        print(info.hash, info.file_size, info.sha256)
else:
    out, file_hash, size = sys.argv[3], sys.argv[4], int(sys.argv[5])
    hf_xet.download_files([hf_xet.PyXetDownloadInfo(out, file_hash, size)], store, None, None, None)
"#;

fn oracle_python() -> Option<String> {
    match std::env::var(ORACLE_ENV) {
        Ok(python) if !python.is_empty() => Some(python),
        _ => {
            eprintln!("skipped: set {ORACLE_ENV} to a Python with hf_xet installed");
            None
        }
    }
}

fn run(python: &str, home: &Path, args: &[&str]) -> String {
    let output = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .args(args)
        .env("HF_HOME", home.join("hf-home"))
        .env("HF_XET_CACHE", home.join("xet-cache"))
        .output()
        .expect("run the oracle Python");
    assert!(
        output.status.success(),
        "oracle {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Upload one file with hf_xet into `store`; returns its Xet hash.
fn hf_xet_upload(python: &str, scratch: &Path, store: &Path, path: &Path) -> MerkleHash {
    let home = tempfile::tempdir_in(scratch).unwrap();
    let out = run(
        python,
        home.path(),
        &["upload", store.to_str().unwrap(), path.to_str().unwrap()],
    );
    MerkleHash::from_hex(out.split_whitespace().next().unwrap()).unwrap()
}

/// Download a file with hf_xet (fresh caches) from `store`.
fn hf_xet_download(
    python: &str,
    scratch: &Path,
    store: &Path,
    hash: MerkleHash,
    size: usize,
) -> Vec<u8> {
    let home = tempfile::tempdir_in(scratch).unwrap();
    let out = home.path().join("out.bin");
    run(
        python,
        home.path(),
        &[
            "download",
            store.to_str().unwrap(),
            out.to_str().unwrap(),
            &hash.hex(),
            &size.to_string(),
        ],
    );
    std::fs::read(out).unwrap()
}

fn files_in(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().ends_with(suffix))
        .collect();
    paths.sort();
    paths
}

fn xorb_dir(store: &Path) -> PathBuf {
    store.join("xet/xorbs/xorbs")
}

fn stored_xorb_path(store: &Path, hash: MerkleHash) -> PathBuf {
    xorb_dir(store).join(format!("default.{}", hash.hex()))
}

/// Deterministic pseudo-random bytes (SplitMix64).
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut data = Vec::with_capacity(len + 8);
    while data.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        data.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    data.truncate(len);
    data
}

/// Text-like bytes: words picked pseudo-randomly (compresses with LZ4, not byte grouping).
fn text(len: usize, seed: u64) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "xorb ", "chunk ", "shard ", "the ", "hub ", "of ", "data\n", "model ", "a ", "file ",
        "upload, ", "tensor. ",
    ];
    let picks = random_bytes(len, seed);
    let mut out = Vec::with_capacity(len + 16);
    for &pick in &picks {
        if out.len() >= len {
            break;
        }
        out.extend_from_slice(WORDS[usize::from(pick) % WORDS.len()].as_bytes());
    }
    out.truncate(len);
    out
}

/// float32 values of a noisy signal (byte grouping pays off).
fn floats(len: usize, seed: u64) -> Vec<u8> {
    let noise = random_bytes(len / 4 + 1, seed);
    let mut out = Vec::with_capacity(len + 4);
    for (i, &n) in noise.iter().enumerate() {
        let value = (i as f32 * 0.0007).sin() * 2.0 + f32::from(n) * 1e-4;
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let mut mixed = text(1500 * KIB, 11);
    mixed.extend(floats(1500 * KIB, 12));
    mixed.extend(random_bytes(500 * KIB, 13));
    mixed.extend(text(700 * KIB, 14));
    vec![
        ("hello", b"Hello, World!".to_vec()),
        ("text", text(3 * 1024 * KIB, 1)),
        ("floats", floats(2 * 1024 * KIB, 2)),
        ("random", random_bytes(700 * KIB, 3)),
        ("mixed", mixed),
    ]
}

fn chunks_of(data: &[u8]) -> Vec<Chunk> {
    Chunker::new().next_block(data, true)
}

/// Our upload of one file whose chunks are all distinct: its xorb and its shard.
fn our_upload(data: &[u8]) -> (MerkleHash, XorbData, Shard) {
    let chunks = chunks_of(data);
    let pairs: Vec<_> = chunks
        .iter()
        .map(|c| (c.hash, c.data.len() as u64))
        .collect();
    let distinct: std::collections::HashSet<_> = chunks.iter().map(|c| c.hash).collect();
    assert_eq!(
        distinct.len(),
        chunks.len(),
        "test data must not repeat chunks"
    );
    let xorb = XorbData::from_chunks(chunks).expect("one xorb");
    let xorb_hash = xorb.hash();
    let mut file = FileInfoBuilder::new();
    for (i, chunk) in xorb.chunks().iter().enumerate() {
        file.push(xorb_hash, i as u32, chunk.hash, chunk.data.len() as u32);
    }
    let hash = file_hash(&pairs);
    let mut builder = ShardBuilder::new();
    builder.add_file(file.finish(hash, Some(sha256_bytes(data))));
    let lens: Vec<_> = xorb
        .chunks()
        .iter()
        .map(|c| (c.hash, c.data.len() as u32))
        .collect();
    builder.add_xorb(XorbInfo::from_chunks(xorb_hash, &lens));
    (hash, xorb, builder.build())
}

/// The only file in `dir` with this suffix, parsed, checking its name is its shard hash.
fn only_shard(dir: &Path) -> (Vec<u8>, ParsedShard) {
    let paths = files_in(dir, ".mdb");
    assert_eq!(paths.len(), 1, "{paths:?}");
    let bytes = std::fs::read(&paths[0]).unwrap();
    let name = paths[0].file_stem().unwrap().to_str().unwrap();
    assert_eq!(shard_hash(&bytes).hex(), name, "shard file name");
    let parsed = parse_shard(&bytes).unwrap_or_else(|e| panic!("{}: {e}", paths[0].display()));
    (bytes, parsed)
}

/// Rebuild a file from a shard and the stored xorbs of `store`.
fn reconstruct(store: &Path, shard: &Shard, hash: MerkleHash) -> Vec<u8> {
    let file = shard.file(&hash).expect("file in shard");
    let mut xorbs = HashMap::new();
    let mut out = Vec::new();
    for segment in &file.segments {
        let bytes = xorbs
            .entry(segment.xorb_hash)
            .or_insert_with(|| std::fs::read(stored_xorb_path(store, segment.xorb_hash)).unwrap());
        let parsed = parse_stored_xorb(bytes).unwrap();
        for index in segment.chunk_start..segment.chunk_end {
            out.extend(parsed.decode_chunk(index as usize).unwrap());
        }
    }
    out
}

#[test]
fn oracle_storage_we_read_and_reproduce_what_hf_xet_writes() {
    let Some(python) = oracle_python() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let mut seen = std::collections::HashSet::new();
    for (name, data) in corpus() {
        let store = scratch.path().join(format!("store-{name}"));
        let path = scratch.path().join(name);
        std::fs::write(&path, &data).unwrap();
        let hash = hf_xet_upload(&python, scratch.path(), &store, &path);
        let (our_hash, xorb, mut ours) = our_upload(&data);
        assert_eq!(hash, our_hash, "{name}: file hash");

        // The stored xorb: parses, verifies, and equals ours with the default policy.
        let xorb_paths = files_in(&xorb_dir(&store), &xorb.hash().hex());
        assert_eq!(
            xorb_paths.len(),
            1,
            "{name}: one xorb named by our xorb hash"
        );
        let stored = std::fs::read(&xorb_paths[0]).unwrap();
        let parsed = parse_stored_xorb(&stored).unwrap();
        assert_eq!(parsed.verify().unwrap().0, xorb.hash(), "{name}");
        let serialized = xorb.serialize(CompressionPolicy::default());
        let schemes: Vec<_> = parsed.chunks.iter().map(|c| c.scheme).collect();
        assert_eq!(schemes, serialized.schemes, "{name}: compression choices");
        eprintln!("{name}: {} chunks, schemes {schemes:?}", schemes.len());
        seen.extend(schemes);
        assert!(
            stored == serialized.with_footer(),
            "{name}: stored xorb bytes differ"
        );

        // The client's full shard: same bytes as ours (with its timestamps).
        let (cache_bytes, cached) = only_shard(&store.join("xet/shard-cache"));
        assert!(cached.lookup_tables_consistent(), "{name}");
        assert_eq!(
            cached.shard.to_bytes(ShardForm::Full),
            cache_bytes,
            "{name}"
        );
        ours.creation_timestamp = cached.shard.creation_timestamp;
        ours.key_expiry = cached.shard.key_expiry;
        assert_eq!(cached.shard, ours, "{name}: client shard");
        assert!(
            ours.full_bytes() == cache_bytes,
            "{name}: client shard bytes"
        );

        // The server's re-serialized shard: minimal form, file-start chunks flagged.
        let (server_bytes, server) = only_shard(&store.join("xet/xorbs/shards"));
        assert_eq!(
            server.shard.to_bytes(ShardForm::Minimal),
            server_bytes,
            "{name}"
        );
        ours.creation_timestamp = 0;
        ours.key_expiry = 0;
        ours.mark_file_start_chunks();
        assert_eq!(server.shard, ours, "{name}: stored shard");
        assert!(
            ours.to_bytes(ShardForm::Minimal) == server_bytes,
            "{name}: stored shard bytes"
        );

        assert!(
            reconstruct(&store, &server.shard, hash) == data,
            "{name}: reconstruction"
        );
    }
    assert_eq!(seen.len(), 3, "the corpus exercises all three schemes");
}

#[test]
fn oracle_storage_reads_hf_xet_objects_with_internal_dedup() {
    let Some(python) = oracle_python() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    // A random block repeated: hf_xet stores the repeated chunks once and points to them twice.
    let block = random_bytes(600 * KIB, 21);
    let mut data = block.clone();
    data.extend_from_slice(&text(200 * KIB, 22));
    data.extend_from_slice(&block);
    let store = scratch.path().join("store");
    let path = scratch.path().join("repeat");
    std::fs::write(&path, &data).unwrap();
    let hash = hf_xet_upload(&python, scratch.path(), &store, &path);
    let (_, server) = only_shard(&store.join("xet/xorbs/shards"));
    let file = server.shard.file(&hash).unwrap();
    assert!(
        file.segments.len() > 1,
        "expected the repeat to be deduplicated"
    );
    for path in files_in(&xorb_dir(&store), "") {
        if path.extension().is_none() || !path.to_str().unwrap().ends_with(".tagset") {
            let bytes = std::fs::read(&path).unwrap();
            parse_stored_xorb(&bytes).unwrap().verify().unwrap();
        }
    }
    assert!(reconstruct(&store, &server.shard, hash) == data);
}

#[test]
fn oracle_storage_hf_xet_reads_what_we_write() {
    let Some(python) = oracle_python() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();

    // 1. Xorbs: replace what hf_xet stored by our encodings with other schemes.
    let mut data = text(900 * KIB, 31);
    data.extend(floats(900 * KIB, 32));
    let store = scratch.path().join("store-reencoded");
    let path = scratch.path().join("reencoded");
    std::fs::write(&path, &data).unwrap();
    let hash = hf_xet_upload(&python, scratch.path(), &store, &path);
    let (_, xorb, _) = our_upload(&data);
    let target = stored_xorb_path(&store, xorb.hash());
    let original = std::fs::read(&target).unwrap();
    for scheme in [
        CompressionScheme::ByteGrouping4Lz4,
        CompressionScheme::None,
        CompressionScheme::Lz4,
    ] {
        let ours = xorb
            .serialize(CompressionPolicy::Fixed(scheme))
            .with_footer();
        // hf_xet chose LZ4 for every chunk here (the first chunk of the block is text).
        assert_eq!(
            ours == original,
            scheme == CompressionScheme::Lz4,
            "{scheme:?}"
        );
        std::fs::remove_file(&target).unwrap();
        std::fs::write(&target, &ours).unwrap();
        let downloaded = hf_xet_download(&python, scratch.path(), &store, hash, data.len());
        assert!(downloaded == data, "download through our {scheme:?} xorb");
    }

    // 2. Shards: a new file, with our xorb and our full shard placed where hf_xet looks for
    //    deduplication; hf_xet must find every chunk in our shard and upload no xorb.
    let mut data = floats(700 * KIB, 41);
    data.extend(text(800 * KIB, 42));
    let (hash, xorb, mut shard) = our_upload(&data);
    let store = scratch.path().join("store-ours");
    std::fs::create_dir_all(xorb_dir(&store)).unwrap();
    let xorb_path = stored_xorb_path(&store, xorb.hash());
    std::fs::write(
        &xorb_path,
        xorb.serialize(CompressionPolicy::default()).with_footer(),
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    shard.creation_timestamp = now;
    shard.key_expiry = now + 30 * 24 * 3600;
    let shard_bytes = shard.full_bytes();
    let cache = store.join("xet/shard-cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join(format!("{}.mdb", shard_hash(&shard_bytes).hex())),
        &shard_bytes,
    )
    .unwrap();

    let path = scratch.path().join("deduplicated");
    std::fs::write(&path, &data).unwrap();
    assert_eq!(hf_xet_upload(&python, scratch.path(), &store, &path), hash);
    let xorbs: Vec<_> = files_in(&xorb_dir(&store), "")
        .into_iter()
        .filter(|p| !p.to_str().unwrap().ends_with(".tagset") && p.is_file())
        .collect();
    assert_eq!(
        xorbs,
        vec![xorb_path],
        "hf_xet uploaded a xorb instead of using ours"
    );
    let (_, server) = only_shard(&store.join("xet/xorbs/shards"));
    assert!(server.shard.xorbs.is_empty());
    assert_eq!(
        server.shard.files, shard.files,
        "hf_xet's file entry = ours"
    );
    let downloaded = hf_xet_download(&python, scratch.path(), &store, hash, data.len());
    assert!(downloaded == data, "download through our xorb");
}
