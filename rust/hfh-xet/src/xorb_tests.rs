use super::*;
use crate::byte_grouping::{bg4_regroup, bg4_split};
use crate::compression::{compress_chunk, CompressionPolicy, CompressionScheme};
use crate::lz4_frame::{
    compress_frame, compress_frame_if_smaller, decompress_frame, xxh32, Lz4FrameError,
};
use crate::xorb_parse::{parse_stored_xorb, parse_xorb, XorbError};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.split_whitespace().collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Deterministic pseudo-random bytes (SplitMix64).
pub(crate) fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn text_bytes(len: usize) -> Vec<u8> {
    let words = ["xorb ", "chunk ", "shard ", "the ", "hub ", "of ", "data\n"];
    let mut out = Vec::with_capacity(len + 8);
    let mut i = 0usize;
    while out.len() < len {
        out.extend_from_slice(words[(i * 7 + i / 3) % words.len()].as_bytes());
        i += 1;
    }
    out.truncate(len);
    out
}

fn float_bytes(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 4);
    let mut i = 0u32;
    while out.len() < len {
        let value = (i as f32 * 0.001).sin() * 3.0;
        out.extend_from_slice(&value.to_le_bytes());
        i += 1;
    }
    out.truncate(len);
    out
}

fn xorb_of(parts: &[Vec<u8>]) -> XorbData {
    XorbData::from_chunks(parts.iter().cloned().map(Chunk::new).collect()).unwrap()
}

#[test]
fn hello_world_upload_body_vector() {
    // §9.4: the 21-byte xorb hf_xet uploads for b"Hello, World!" (scheme None, LZ4 does not help).
    let xorb = xorb_of(&[b"Hello, World!".to_vec()]);
    let serialized = xorb.serialize(CompressionPolicy::default());
    assert_eq!(
        hex(&serialized.bytes),
        "000d0000000d000048656c6c6f2c20576f726c6421"
    );
    assert_eq!(
        serialized.hash.hex(),
        "45143e5337d3e15599eb0f1370a9ee88e5114a633b3dd960ee673dbc191bf089"
    );
    assert_eq!(serialized.schemes, vec![CompressionScheme::None]);
}

#[test]
fn chunk_header_layout() {
    let header = ChunkHeader {
        compressed_len: 0x01_02_03,
        scheme: CompressionScheme::ByteGrouping4Lz4,
        uncompressed_len: 0x02_00_00,
    };
    assert_eq!(header.to_bytes(), [0, 3, 2, 1, 2, 0, 0, 2]);
}

#[test]
fn bg4_split_groups_by_position_mod_4() {
    let data: Vec<u8> = (0..10).collect();
    assert_eq!(bg4_split(&data), vec![0, 4, 8, 1, 5, 9, 2, 6, 3, 7]);
    for len in 0..40 {
        let data = random_bytes(len, len as u64);
        assert_eq!(bg4_regroup(&bg4_split(&data)), data, "len {len}");
    }
}

#[test]
fn xxh32_vectors() {
    assert_eq!(xxh32(b"", 0), 0x02CC_5D05);
    assert_eq!(xxh32(b"a", 0), 0x550D_7456);
    assert_eq!(xxh32(b"abc", 0), 0x32D1_53FF);
    assert_eq!(
        xxh32(b"Nobody inspects the spammish repetition", 0),
        0xE229_3B2F
    );
}

#[test]
fn the_fast_frame_path_makes_the_encoders_frames() {
    let mut half_random = random_bytes(70_000, 9);
    half_random[..35_000].fill(7);
    let mut barely = random_bytes(65_536, 10);
    barely[..40].fill(0); // a few bytes of gain: less than the frame overhead
    for data in [
        text_bytes(1),
        text_bytes(100),
        text_bytes(65_535),
        text_bytes(65_536),
        text_bytes(65_537),
        text_bytes(131_072),
        random_bytes(8_192, 4),
        random_bytes(131_072, 5),
        vec![0u8; 131_072],
        half_random,
        barely,
    ] {
        let reference = Some(compress_frame(&data)).filter(|frame| frame.len() < data.len());
        assert_eq!(
            compress_frame_if_smaller(&data, data.len()),
            reference,
            "{} bytes",
            data.len()
        );
    }
}

#[test]
fn lz4_frames_use_the_reference_descriptor() {
    let small = compress_frame(&text_bytes(65536));
    assert_eq!(&small[..6], &[0x04, 0x22, 0x4D, 0x18, 0x60, 0x40]);
    assert_eq!(&small[small.len() - 4..], &[0, 0, 0, 0]);
    let large = compress_frame(&text_bytes(65537));
    assert_eq!(&large[..6], &[0x04, 0x22, 0x4D, 0x18, 0x60, 0x50]);
    for data in [
        text_bytes(65536),
        text_bytes(131072),
        random_bytes(1000, 3),
        vec![],
    ] {
        let frame = compress_frame(&data);
        assert_eq!(decompress_frame(&frame, data.len()).unwrap(), data);
    }
}

#[test]
fn lz4_frame_decoder_is_strict() {
    let data = text_bytes(5000);
    let frame = compress_frame(&data);
    assert!(matches!(
        decompress_frame(&frame, data.len() - 1),
        Err(Lz4FrameError::TooLong { .. })
    ));
    assert!(matches!(
        decompress_frame(&frame, data.len() + 1),
        Err(Lz4FrameError::TooShort { .. })
    ));
    let mut trailing = frame.clone();
    trailing.push(0);
    assert_eq!(
        decompress_frame(&trailing, data.len()),
        Err(Lz4FrameError::TrailingBytes(1))
    );
    let mut bad_checksum = frame.clone();
    bad_checksum[6] ^= 1;
    assert_eq!(
        decompress_frame(&bad_checksum, data.len()),
        Err(Lz4FrameError::HeaderChecksum)
    );
    assert_eq!(
        decompress_frame(&frame[..frame.len() - 2], data.len()),
        Err(Lz4FrameError::Truncated)
    );
}

#[test]
fn scheme_choice_and_fallback() {
    assert_eq!(
        CompressionScheme::choose_for(&float_bytes(65536)),
        CompressionScheme::ByteGrouping4Lz4
    );
    assert_eq!(
        CompressionScheme::choose_for(&text_bytes(65536)),
        CompressionScheme::Lz4
    );
    // Incompressible data is stored raw whatever was asked for.
    let random = random_bytes(65536, 9);
    for scheme in [CompressionScheme::Lz4, CompressionScheme::ByteGrouping4Lz4] {
        let (used, payload) = compress_chunk(&random, scheme);
        assert_eq!(used, CompressionScheme::None);
        assert_eq!(payload, random);
    }
    let (used, payload) = compress_chunk(&text_bytes(65536), CompressionScheme::Lz4);
    assert_eq!(used, CompressionScheme::Lz4);
    assert!(payload.len() < 65536);
}

#[test]
fn auto_policy_decides_per_block_of_each_file() {
    let text = text_bytes(9000);
    let floats = float_bytes(9000);
    // File 0: text then floats (one block of 3); file 1 starts at index 3 with floats.
    let chunks = vec![
        text.clone(),
        floats.clone(),
        floats.clone(),
        floats.clone(),
        text.clone(),
    ];
    let (lz4, bg4) = (CompressionScheme::Lz4, CompressionScheme::ByteGrouping4Lz4);
    let auto = CompressionPolicy::default();
    assert_eq!(
        auto.schemes(&chunks, &[0, 3]),
        vec![lz4, lz4, lz4, bg4, bg4]
    );
    let every_two = CompressionPolicy::Auto { retest_interval: 2 };
    assert_eq!(
        every_two.schemes(&chunks, &[0, 3]),
        vec![lz4, lz4, bg4, bg4, bg4]
    );
    let once = CompressionPolicy::Auto { retest_interval: 0 };
    assert_eq!(once.schemes(&chunks, &[]), vec![lz4; 5]);
    // A block whose first chunk does not shrink is stored as is, without trying the others.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let random: Vec<u8> = (0..65536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let none = CompressionScheme::None;
    let mixed = vec![random.clone(), text.clone(), random.clone(), text];
    assert_eq!(auto.schemes(&mixed, &[]), vec![none; 4]);
    assert_eq!(auto.schemes(&mixed, &[1]), vec![lz4; 4]); // a one-chunk block is simply tried
    assert_eq!(auto.schemes(std::slice::from_ref(&random), &[]), vec![lz4]);
    assert_eq!(
        CompressionPolicy::parse("bg4-lz4"),
        Some(CompressionPolicy::Fixed(bg4))
    );
    assert_eq!(CompressionPolicy::parse("AUTO"), Some(auto));
    assert_eq!(CompressionPolicy::parse("zstd"), None);
}

#[test]
fn round_trip_every_policy_with_and_without_footer() {
    let xorb = xorb_of(&[
        text_bytes(70000),
        float_bytes(131072),
        random_bytes(9000, 1),
        b"tail".to_vec(),
    ]);
    let policies = [
        CompressionPolicy::default(),
        CompressionPolicy::Fixed(CompressionScheme::None),
        CompressionPolicy::Fixed(CompressionScheme::Lz4),
        CompressionPolicy::Fixed(CompressionScheme::ByteGrouping4Lz4),
    ];
    for policy in policies {
        let serialized = xorb.serialize(policy);
        let parsed = parse_xorb(&serialized.bytes).unwrap();
        assert!(parsed.footer.is_none());
        assert_eq!(parsed.chunks.len(), 4);
        for (i, chunk) in xorb.chunks().iter().enumerate() {
            assert_eq!(parsed.decode_chunk(i).unwrap(), chunk.data);
            assert_eq!(parsed.chunks[i].scheme, serialized.schemes[i]);
        }
        assert_eq!(
            parsed.verify_hash(xorb.hash()).unwrap(),
            serialized.chunk_hashes
        );

        let stored = serialized.with_footer();
        let parsed = parse_stored_xorb(&stored).unwrap();
        assert_eq!(parsed.footer.as_ref().unwrap(), &serialized.footer());
        assert_eq!(parsed.chunk_bytes(), serialized.bytes.as_slice());
        assert_eq!(parsed.verify().unwrap().0, xorb.hash());
    }
}

#[test]
fn footer_layout_matches_the_reference_table() {
    let xorb = xorb_of(&[b"a".to_vec(), b"b".to_vec()]);
    let serialized = xorb.serialize(CompressionPolicy::default());
    let footer = serialized.footer().to_bytes();
    let n = 2usize;
    assert_eq!(footer.len(), 92 + 40 * n + 4);
    assert_eq!(&footer[..8], b"XETBLOB\x01");
    assert_eq!(&footer[8..40], serialized.hash.as_bytes());
    assert_eq!(&footer[40..48], b"XBLBHSH\x00");
    assert_eq!(&footer[52 + 32 * n..60 + 32 * n], b"XBLBBND\x01");
    let word = |at: usize| u32::from_le_bytes(footer[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(word(48), n);
    assert_eq!(word(60 + 32 * n), n);
    assert_eq!((word(64 + 32 * n), word(68 + 32 * n)), (9, 18));
    assert_eq!((word(64 + 36 * n), word(68 + 36 * n)), (1, 2));
    assert_eq!(word(64 + 40 * n), n);
    assert_eq!(word(68 + 40 * n), 52 + 40 * n);
    assert_eq!(word(72 + 40 * n), 40 + 8 * n);
    assert_eq!(word(92 + 40 * n), 92 + 40 * n);
}

#[test]
fn legacy_v0_footer_is_read() {
    let xorb = xorb_of(&[b"a".to_vec(), b"bb".to_vec()]);
    let serialized = xorb.serialize(CompressionPolicy::default());
    let mut stored = serialized.bytes.clone();
    let start = stored.len();
    stored.extend_from_slice(b"XETBLOB\x00");
    stored.extend_from_slice(serialized.hash.as_bytes());
    stored.extend_from_slice(&2u32.to_le_bytes());
    for end in &serialized.chunk_ends {
        stored.extend_from_slice(&end.to_le_bytes());
    }
    for hash in &serialized.chunk_hashes {
        stored.extend_from_slice(hash.as_bytes());
    }
    stored.extend_from_slice(&[0; 16]);
    let len = (stored.len() - start) as u32;
    stored.extend_from_slice(&len.to_le_bytes());
    let parsed = parse_stored_xorb(&stored).unwrap();
    let footer = parsed.footer.as_ref().unwrap();
    assert_eq!((footer.version, footer.unpacked_ends.is_none()), (0, true));
    assert_eq!(parsed.verify().unwrap().0, xorb.hash());
}

#[test]
fn parser_rejects_malformed_chunks() {
    let good = unhex("000d0000000d000048656c6c6f2c20576f726c6421");
    let with = |at: usize, value: u8| {
        let mut bytes = good.clone();
        bytes[at] = value;
        bytes
    };
    assert!(matches!(
        parse_xorb(&with(0, 1)),
        Err(XorbError::ChunkVersion { version: 1, .. })
    ));
    assert!(matches!(
        parse_xorb(&with(4, 3)),
        Err(XorbError::UnknownScheme { code: 3, .. })
    ));
    assert!(matches!(
        parse_xorb(&with(4, 99)),
        Err(XorbError::UnknownScheme { code: 99, .. })
    ));
    assert!(matches!(
        parse_xorb(&with(7, 0x02)),
        Err(XorbError::ChunkTooLarge { .. })
    ));
    assert!(matches!(
        parse_xorb(&with(3, 0x04)),
        Err(XorbError::PayloadTooLarge { .. })
    ));
    assert!(matches!(
        parse_xorb(&good[..good.len() - 1]),
        Err(XorbError::Truncated {
            offset: 8,
            needed: 13,
            available: 12
        })
    ));
    // Header says 12 uncompressed bytes while 13 are stored raw: parses, does not decode.
    let parsed_bad = with(5, 12);
    let parsed = parse_xorb(&parsed_bad).unwrap();
    assert!(matches!(
        parsed.decode_chunk(0),
        Err(XorbError::Decode { .. })
    ));
    assert!(parse_stored_xorb(&good).is_err());
    assert_eq!(parse_xorb(&[]).unwrap().chunks.len(), 0);
}

#[test]
fn parser_checks_footer_against_chunks() {
    let xorb = xorb_of(&[text_bytes(20000), text_bytes(100)]);
    let serialized = xorb.serialize(CompressionPolicy::default());
    let mut footer = serialized.footer();
    footer.chunk_ends[0] += 1;
    let mut stored = serialized.bytes.clone();
    footer.write_to(&mut stored);
    assert_eq!(
        parse_xorb(&stored).unwrap_err(),
        XorbError::FooterMismatch("chunk end offsets")
    );
    let mut footer = serialized.footer();
    footer.chunk_hashes[1] = MerkleHash::ZERO;
    let mut stored = serialized.bytes.clone();
    footer.write_to(&mut stored);
    assert!(matches!(
        parse_xorb(&stored).unwrap().verify(),
        Err(XorbError::ChunkHashMismatch { index: 1, .. })
    ));
    let mut stored = serialized.with_footer();
    stored.push(0);
    assert!(matches!(parse_xorb(&stored), Err(XorbError::Footer { .. })));
}

#[test]
fn per_file_cut_at_chunk_count_limit() {
    let mut xorb = XorbData::new();
    for i in 0..MAX_XORB_CHUNKS {
        let chunk = Chunk {
            hash: MerkleHash::ZERO,
            data: vec![i as u8],
        };
        assert!(xorb.push_or_cut(chunk).is_none());
    }
    let extra = Chunk {
        hash: MerkleHash::ZERO,
        data: vec![1],
    };
    let full = xorb.push_or_cut(extra).unwrap();
    assert_eq!(full.len(), MAX_XORB_CHUNKS);
    assert_eq!(xorb.len(), 1);
}

#[test]
fn per_file_cut_at_byte_limit() {
    let mut xorb = XorbData::new();
    let big = || Chunk {
        hash: MerkleHash::ZERO,
        data: vec![0; MAX_CHUNK_SIZE],
    };
    for _ in 0..MAX_XORB_BYTES / MAX_CHUNK_SIZE {
        assert!(xorb.push_or_cut(big()).is_none());
    }
    assert_eq!(xorb.num_bytes(), MAX_XORB_BYTES);
    let small = Chunk {
        hash: MerkleHash::ZERO,
        data: vec![0; 1],
    };
    let full = xorb.push_or_cut(small).unwrap();
    assert_eq!(full.num_bytes(), MAX_XORB_BYTES);
    assert_eq!(xorb.num_bytes(), 1);
}

#[test]
fn aggregator_merges_tails_and_cuts_the_larger() {
    let tail = |n: usize, len: usize| {
        XorbData::from_chunks(
            (0..n)
                .map(|_| Chunk {
                    hash: MerkleHash::ZERO,
                    data: vec![0; len],
                })
                .collect(),
        )
        .unwrap()
    };
    let mut aggregator = XorbAggregator::new();
    assert!(aggregator.add_file_tail(tail(3, 10)).is_none());
    assert!(aggregator.add_file_tail(tail(2, 10)).is_none());
    assert!(aggregator.add_file_tail(XorbData::new()).is_none());
    // 5 chunks gathered; 8190 more do not fit: the larger (the new tail) is cut.
    let cut = aggregator
        .add_file_tail(tail(MAX_XORB_CHUNKS - 2, 1))
        .unwrap();
    assert_eq!(cut.len(), MAX_XORB_CHUNKS - 2);
    // Now the gathered 5 are larger in bytes than a 1-chunk... they fit, so they merge.
    assert!(aggregator.add_file_tail(tail(1, 5)).is_none());
    let rest = aggregator.finish().unwrap();
    assert_eq!(rest.len(), 6);
    assert_eq!(rest.file_starts(), &[0, 3, 5]);
    assert!(aggregator.finish().is_none());

    let mut aggregator = XorbAggregator::new();
    assert!(aggregator
        .add_file_tail(tail(MAX_XORB_CHUNKS - 1, 100))
        .is_none());
    let cut = aggregator.add_file_tail(tail(2, 10)).unwrap();
    assert_eq!(
        cut.len(),
        MAX_XORB_CHUNKS - 1,
        "the gathered xorb is the larger one"
    );
    assert_eq!(aggregator.finish().unwrap().len(), 2);
}
