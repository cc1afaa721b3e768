use super::*;
use crate::chunking::Chunk;
use crate::compression::CompressionPolicy;
use crate::hash::chunk_hash;
use crate::merkle::file_hash;
use crate::shard_builder::{FileInfoBuilder, ShardBuilder};
use crate::shard_index::LookupTables;
use crate::shard_parse::{parse_shard, ShardError};
use crate::shard_write::ShardForm;
use crate::xorb::XorbData;
use hfh_core::oid::sha256_bytes;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// §9.4: the shard hf_xet 1.8.0 uploads for b"Hello, World!" alone.
const HELLO_SHARD: &str = "
48465265706f4d6574614461746100556967456a7b815783a5bdd95ccdd14aa9 0200000000000000 0000000000000000
066dc88f1f082820412a905cb8ffac98b6a045ccffc349055771d132106e66ed 000000c0 01000000 0000000000000000
55e1d337533e144588eea970130feb9960d93d3b634a11e589f01b19bc3d67ee 00000000 0d000000 00000000 01000000
a245384b710cd2cf3dd4479200bbddc9b3977ebc77631f211228148456f825a7 00000000000000000000000000000000
b0d52bbb2160fddfa5c39e80906267af4b0af7c781dd91316f988221368a6828 00000000000000000000000000000000
ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff 00000000000000000000000000000000
55e1d337533e144588eea970130feb9960d93d3b634a11e589f01b19bc3d67ee 00000000 01000000 0d000000 00000000
55e1d337533e144588eea970130feb9960d93d3b634a11e589f01b19bc3d67ee 00000000 0d000000 00000000 00000000
ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff 00000000000000000000000000000000";

fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.split_whitespace().collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The shard of an upload of these files, each cut into the given chunks, all new chunks going
/// into one xorb (repeated chunks are deduplicated within the xorb).
fn upload_shard(files: &[Vec<Vec<u8>>]) -> (Shard, XorbData) {
    let mut xorb = XorbData::new();
    let mut index_of = std::collections::HashMap::new();
    let mut builder = ShardBuilder::new();
    let mut file_infos = Vec::new();
    for chunks in files {
        let mut file = Vec::new();
        for data in chunks {
            let chunk = Chunk::new(data.clone());
            let index = *index_of.entry(chunk.hash).or_insert_with(|| {
                xorb.push(chunk.clone()).unwrap();
                xorb.len() as u32 - 1
            });
            file.push((chunk.hash, data.len() as u32, index));
        }
        file_infos.push((file, chunks.concat()));
    }
    let xorb_hash = xorb.hash();
    for (file, content) in file_infos {
        let mut info = FileInfoBuilder::new();
        for &(hash, len, index) in &file {
            info.push(xorb_hash, index, hash, len);
        }
        let pairs: Vec<_> = file.iter().map(|&(h, l, _)| (h, u64::from(l))).collect();
        builder.add_file(info.finish(file_hash(&pairs), Some(sha256_bytes(&content))));
    }
    if !xorb.is_empty() {
        let chunks: Vec<_> = xorb
            .chunks()
            .iter()
            .map(|c| (c.hash, c.data.len() as u32))
            .collect();
        builder.add_xorb(XorbInfo::from_chunks(xorb_hash, &chunks));
    }
    (builder.build(), xorb)
}

#[test]
fn hello_world_upload_shard_vector() {
    let (shard, xorb) = upload_shard(&[vec![b"Hello, World!".to_vec()]]);
    let bytes = shard.upload_bytes();
    assert_eq!(bytes.len(), 432);
    assert_eq!(hex(&bytes), hex(&unhex(HELLO_SHARD)));
    assert_eq!(
        hex(&sha256_bytes(&bytes)),
        "e5659419d87b433d36449950bdfc5279584a58bdc9da91aa3b6ad078fafd5b8a"
    );
    assert_eq!(
        shard.files[0].hash.hex(),
        "2028081f8fc86d0698acffb85c902a410549c3ffcc45a0b6ed666e1032d17157"
    );
    assert_eq!(
        shard.files[0].verification.as_ref().unwrap()[0].hex(),
        "cfd20c714b3845a2c9ddbb009247d43d211f6377bc7e97b3a725f85684142812"
    );
    assert_eq!(
        hex(&shard.files[0].sha256_digest().unwrap()),
        "dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f"
    );
    assert_eq!(xorb.serialize(CompressionPolicy::default()).bytes.len(), 21);

    let parsed = parse_shard(&bytes).unwrap();
    assert_eq!(parsed.shard, shard);
    assert_eq!((parsed.footer, parsed.lookup), (None, None));
}

#[test]
fn empty_file_is_registered_without_segments() {
    let (shard, xorb) = upload_shard(&[vec![]]);
    assert!(xorb.is_empty() && shard.xorbs.is_empty());
    let file = &shard.files[0];
    assert_eq!(
        (file.hash, file.flags(), file.segments.len()),
        (MerkleHash::ZERO, 0xC000_0000, 0)
    );
    assert_eq!(
        hex(&file.sha256_digest().unwrap()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let bytes = shard.upload_bytes();
    assert_eq!(bytes.len(), 48 * 5);
    assert_eq!(parse_shard(&bytes).unwrap().shard, shard);
}

fn sample_shard() -> Shard {
    let a: Vec<u8> = (0..20000u32).map(|i| (i % 251) as u8).collect();
    let b: Vec<u8> = (0..9000u32).map(|i| (i * 7 % 253) as u8).collect();
    let c = b"third chunk".to_vec();
    // Two files sharing chunk `b`; the second repeats a chunk (two segments).
    let (mut shard, _) = upload_shard(&[
        vec![a.clone(), b.clone()],
        vec![b.clone(), c.clone(), a.clone(), b.clone()],
        vec![],
    ]);
    shard.creation_timestamp = 1_700_000_000;
    shard.key_expiry = 1_800_000_000;
    shard
}

#[test]
fn file_segments_merge_consecutive_chunks_and_verify_each_range() {
    let shard = sample_shard();
    let second = shard
        .files
        .iter()
        .find(|f| f.segments.len() == 2)
        .expect("the file that reuses chunks");
    assert_eq!(
        second
            .segments
            .iter()
            .map(|s| (s.chunk_start, s.chunk_end))
            .collect::<Vec<_>>(),
        vec![(1, 3), (0, 2)]
    );
    let xorb = &shard.xorbs[0];
    let hashes = |range: std::ops::Range<usize>| -> Vec<MerkleHash> {
        xorb.chunks[range].iter().map(|c| c.hash).collect()
    };
    let verification = second.verification.as_ref().unwrap();
    assert_eq!(
        verification[0],
        crate::hash::verification_range_hash(&hashes(1..3))
    );
    assert_eq!(
        verification[1],
        crate::hash::verification_range_hash(&hashes(0..2))
    );
    assert_eq!(second.size(), 9000 + 11 + 20000 + 9000);
    assert!(shard.files.windows(2).all(|w| w[0].hash < w[1].hash));
}

#[test]
fn every_form_round_trips() {
    let shard = sample_shard();
    for form in [ShardForm::Upload, ShardForm::Minimal, ShardForm::Full] {
        let bytes = shard.to_bytes(form);
        let parsed = parse_shard(&bytes).unwrap();
        assert!(parsed.lookup_tables_consistent());
        let mut expected = shard.clone();
        if form == ShardForm::Upload {
            expected.creation_timestamp = 0;
            expected.key_expiry = 0;
        }
        assert_eq!(parsed.shard, expected, "{form:?}");
        assert_eq!(parsed.shard.to_bytes(form), bytes, "{form:?}");
    }
    // Upload form = full form cut before the lookup tables, footer size zeroed.
    let full = shard.full_bytes();
    let footer = parse_shard(&full).unwrap().footer.unwrap();
    let mut cut = full[..footer.file_lookup_offset as usize].to_vec();
    cut[40..48].fill(0);
    assert_eq!(cut, shard.upload_bytes());
    assert_eq!(footer.materialized_bytes, shard.materialized_bytes());
    assert_eq!(footer.stored_bytes, 29011);
    assert_eq!(footer.footer_offset as usize, full.len() - 200);
}

#[test]
fn lookup_tables_index_records() {
    let shard = sample_shard();
    let tables = LookupTables::of(&shard);
    let mut index = 0;
    for (file, &(key, at)) in shard.files.iter().zip(&tables.files) {
        assert_eq!((key, at), (truncated_hash(&file.hash), index));
        index += file.num_records() as u32;
    }
    assert_eq!(tables.chunks.len(), 3);
    assert!(tables.chunks.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(tables.chunks.iter().all(|&(_, xorb, _)| xorb == 0));
}

#[test]
fn server_marks_file_start_chunks() {
    let mut shard = sample_shard();
    shard.mark_file_start_chunks();
    let flags: Vec<u32> = shard.xorbs[0].chunks.iter().map(|c| c.flags).collect();
    assert_eq!(
        flags,
        vec![CHUNK_FLAG_GLOBAL_DEDUP, CHUNK_FLAG_GLOBAL_DEDUP, 0]
    );
}

#[test]
fn builder_keeps_the_richer_file_entry() {
    let info = FileInfo {
        hash: chunk_hash(b"f"),
        segments: vec![],
        verification: None,
        sha256: None,
    };
    let mut builder = ShardBuilder::new();
    builder.add_file(info.clone());
    builder.add_file(FileInfo {
        verification: Some(vec![]),
        sha256: Some(MerkleHash::ZERO),
        ..info.clone()
    });
    builder.add_file(info);
    let shard = builder.build();
    assert_eq!(shard.files.len(), 1);
    assert_eq!(shard.files[0].flags(), 0xC000_0000);
}

#[test]
fn parser_errors_are_specific() {
    let good = sample_shard().full_bytes();
    let upload = sample_shard().upload_bytes();
    let mut bad_tag = upload.clone();
    bad_tag[3] ^= 1;
    assert_eq!(parse_shard(&bad_tag), Err(ShardError::Tag));
    let mut bad_version = upload.clone();
    bad_version[32] = 3;
    assert_eq!(parse_shard(&bad_version), Err(ShardError::HeaderVersion(3)));
    let mut bad_footer_size = upload.clone();
    bad_footer_size[40] = 100;
    assert_eq!(
        parse_shard(&bad_footer_size),
        Err(ShardError::FooterSize(100))
    );
    let mut trailing = upload.clone();
    trailing.extend_from_slice(&[0; 48]);
    // The extra record is read as a xorb-section overrun: trailing bytes.
    assert_eq!(parse_shard(&trailing), Err(ShardError::TrailingBytes(48)));
    assert!(matches!(
        parse_shard(&upload[..upload.len() - 1]),
        Err(ShardError::Truncated { .. })
    ));
    // A file claiming u32::MAX segments: refused before any allocation for them.
    let mut inflated = upload.clone();
    inflated[48 + 36..48 + 40].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        parse_shard(&inflated),
        Err(ShardError::Truncated { .. })
    ));
    let mut bad_offset = good.clone();
    let at = good.len() - 200 + 16;
    bad_offset[at] ^= 0x10;
    assert_eq!(
        parse_shard(&bad_offset),
        Err(ShardError::Layout("xorb_info_offset"))
    );
    let mut bad_count = good.clone();
    let at = good.len() - 200 + 64;
    bad_count[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(
        parse_shard(&bad_count),
        Err(ShardError::Layout("lookup table offsets"))
    );
    let mut bad_footer_version = good.clone();
    let at = good.len() - 200;
    bad_footer_version[at] = 2;
    assert_eq!(
        parse_shard(&bad_footer_version),
        Err(ShardError::FooterVersion(2))
    );
    assert!(matches!(
        parse_shard(&good[..100]),
        Err(ShardError::Truncated { .. })
    ));
}

#[test]
fn keyed_export_hides_chunk_hashes() {
    let shard = sample_shard();
    let key = chunk_hash(b"key");
    let keyed = shard.export_keyed(key, 42);
    assert!(keyed.files.is_empty() && keyed.is_keyed());
    let original = &shard.xorbs[0].chunks[1];
    let exported = &keyed.xorbs[0].chunks[1];
    assert_ne!(original.hash, exported.hash);
    assert_eq!(keyed.lookup_hash(&original.hash), exported.hash);
    assert_eq!(shard.lookup_hash(&original.hash), original.hash);
    let parsed = parse_shard(&keyed.full_bytes()).unwrap();
    assert_eq!(parsed.shard, keyed);
    assert_eq!(parsed.footer.unwrap().chunk_hash_key, key);
    assert_eq!(parsed.footer.unwrap().key_expiry, 42);
}
