use proptest::prelude::*;

use super::*;

/// SplitMix64 byte stream of xet-core's chunking tests.
fn splitmix_data(len: usize, seed: u64) -> Vec<u8> {
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

/// Boundaries found when the input arrives in blocks of `block` bytes.
fn boundaries_in_blocks(data: &[u8], block: usize) -> Vec<usize> {
    let mut chunker = Chunker::new();
    let mut ends = Vec::new();
    let mut total = 0;
    let mut blocks = data.chunks(block).peekable();
    if data.is_empty() {
        assert!(chunker.next_block(&[], true).is_empty());
    }
    while let Some(piece) = blocks.next() {
        for chunk in chunker.next_block(piece, blocks.peek().is_none()) {
            assert_eq!(chunk.hash, crate::hash::chunk_hash(&chunk.data));
            total += chunk.data.len();
            ends.push(total);
        }
    }
    ends
}

#[test]
fn gear_table_is_gearhash_default_table() {
    let bytes: Vec<u8> = GEAR_TABLE.iter().flat_map(|v| v.to_le_bytes()).collect();
    let digest = hfh_core::oid::sha256_bytes(&bytes);
    let text: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        text,
        "e1d3936666d7ae7a977c958e9afcc75f90aaca758ce5fbe4ece61dffefe1912c"
    );
    assert_eq!(MASK, 0xFFFF_0000_0000_0000);
    assert_eq!((MIN_CHUNK_SIZE, MAX_CHUNK_SIZE), (8192, 131072));
}

#[test]
fn correctness_1mb_random_data() {
    let data = splitmix_data(1_000_000, 0);
    assert_eq!((data[0], data[127], data[111_111]), (175, 132, 118));
    let expected = vec![
        84493, 134421, 144853, 243318, 271793, 336457, 467529, 494581, 582000, 596735, 616815,
        653164, 678202, 724510, 815591, 827760, 958832, 991092, 1000000,
    ];
    assert_eq!(chunk_boundaries(&data), expected);
    assert_eq!(boundaries_in_blocks(&data, 8 << 20), expected);
    assert_eq!(boundaries_in_blocks(&data, 4093), expected);
}

#[test]
fn correctness_1mb_const_data() {
    let data = vec![59u8; 1_000_000];
    let expected = vec![
        131072, 262144, 393216, 524288, 655360, 786432, 917504, 1000000,
    ];
    assert_eq!(chunk_boundaries(&data), expected);
    assert_eq!(boundaries_in_blocks(&data, 65536), expected);
}

#[test]
fn blocks_of_1_37_255_bytes_match_one_shot() {
    let data = splitmix_data(256_000, 1);
    let reference = chunk_boundaries(&data);
    assert!(reference.len() > 1);
    for block in [1, 37, 255] {
        assert_eq!(
            boundaries_in_blocks(&data, block),
            reference,
            "block {block}"
        );
    }
}

/// The 128-byte pattern of xet-core's "hitting data" test, followed by `pad` zeros and
/// repeated up to `len` bytes.
fn hitting_data(len: usize, pad: usize) -> Vec<u8> {
    let mut pattern: Vec<u8> = vec![
        154, 52, 42, 34, 159, 75, 126, 224, 70, 236, 12, 196, 79, 236, 178, 124, 127, 50, 99, 178,
        44, 176, 174, 126, 250, 235, 205, 174, 252, 122, 35, 10, 20, 101, 214, 69, 193, 8, 115,
        105, 158, 228, 120, 111, 136, 162, 198, 251, 211, 183, 253, 252, 164, 147, 63, 16, 186,
        162, 117, 23, 170, 36, 205, 187, 174, 76, 210, 174, 211, 175, 12, 173, 145, 59, 2, 70, 222,
        181, 159, 227, 182, 156, 189, 51, 226, 106, 24, 50, 183, 157, 140, 10, 8, 23, 212, 70, 10,
        234, 23, 33, 219, 254, 39, 236, 70, 49, 191, 116, 9, 115, 15, 101, 26, 159, 165, 220, 15,
        170, 56, 125, 92, 163, 94, 235, 38, 40, 49, 81,
    ];
    assert_eq!(pattern.len(), 128);
    pattern.resize(128 + pad, 0);
    pattern.iter().copied().cycle().take(len).collect()
}

#[test]
fn correctness_hitting_data() {
    // (pad, data[11111], first boundary, spacing); the last boundary is always 65536.
    let cases: [(usize, u8, usize, usize); 29] = [
        (0, 236, 8256, 8192),
        (1, 50, 8320, 8256),
        (2, 36, 8254, 8320),
        (3, 116, 8317, 8253),
        (4, 126, 8248, 8316),
        (5, 145, 8310, 8246),
        (6, 235, 8238, 8308),
        (7, 228, 8299, 8235),
        (8, 70, 8224, 8296),
        (9, 178, 8284, 8220),
        (10, 173, 8206, 8280),
        (11, 0, 8265, 8201),
        (12, 252, 8324, 8260),
        (13, 159, 8242, 8319),
        (14, 69, 8300, 8236),
        (15, 219, 8215, 8294),
        (16, 126, 8272, 8208),
        (17, 10, 8329, 8265),
        (18, 124, 8240, 8322),
        (19, 24, 8296, 8232),
        (20, 196, 8204, 8288),
        (21, 106, 8259, 8195),
        (22, 196, 8314, 8250),
        (23, 183, 8218, 8305),
        (24, 124, 8272, 8208),
        (25, 70, 8326, 8262),
        (26, 126, 8226, 8316),
        (27, 191, 8279, 8215),
        (28, 69, 8332, 8268),
    ];
    for (pad, sample, first, spacing) in cases {
        let data = hitting_data(65536, pad);
        assert_eq!(data[11111], sample, "pad {pad}");
        let mut expected: Vec<usize> = (0..7).map(|i| first + i * spacing).collect();
        expected.push(65536);
        assert_eq!(chunk_boundaries(&data), expected, "pad {pad}");
        assert_eq!(boundaries_in_blocks(&data, 1000), expected, "pad {pad}");
    }
}

#[test]
fn empty_input_has_no_chunks() {
    assert!(chunk_boundaries(&[]).is_empty());
    let mut chunker = Chunker::new();
    assert!(chunker.next_block(&[], false).is_empty());
    assert!(chunker.next_block(&[], true).is_empty());
    assert!(chunker.finish().is_none());
}

#[test]
fn short_input_is_one_chunk() {
    for len in [1, 64, 65, 8126, 8127, 8128, 8191, 8192] {
        let data = splitmix_data(len, 3);
        assert_eq!(chunk_boundaries(&data), vec![len]);
    }
}

#[test]
fn all_zeros_and_long_repeats_cut_at_maximum() {
    // A constant byte gives a constant hash after 64 bytes; for these the top bits are not
    // zero, so every chunk is cut at the maximum size.
    for byte in [0u8, 0xff, 59] {
        let data = vec![byte; 3 * MAX_CHUNK_SIZE + 5];
        let expected = vec![
            MAX_CHUNK_SIZE,
            2 * MAX_CHUNK_SIZE,
            3 * MAX_CHUNK_SIZE,
            3 * MAX_CHUNK_SIZE + 5,
        ];
        assert_eq!(chunk_boundaries(&data), expected, "byte {byte}");
    }
    // A repeated random block: content-defined cuts recur with the block's period, so chunks
    // after the first repeat, and identical content gives identical chunk hashes.
    let block = splitmix_data(300_000, 9);
    let data: Vec<u8> = block
        .iter()
        .copied()
        .cycle()
        .take(4 * block.len())
        .collect();
    let chunks = Chunker::new().next_block(&data, true);
    let hashes: std::collections::HashSet<_> = chunks.iter().map(|c| c.hash).collect();
    assert!(
        hashes.len() < chunks.len(),
        "repeated content must repeat chunks"
    );
    assert_eq!(
        chunks.iter().map(|c| c.data.len()).sum::<usize>(),
        data.len()
    );
}

#[test]
fn scanner_reports_pending_length() {
    let mut scanner = BoundaryScanner::new();
    assert_eq!(scanner.scan(&[7u8; 100]), None);
    assert_eq!(scanner.pending_len(), 100);
    assert_eq!(scanner.scan(&[]), None);
    assert_eq!(scanner.pending_len(), 100);
}

fn arb_content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Random bytes.
        (0usize..600_000, any::<u64>()).prop_map(|(len, seed)| splitmix_data(len, seed)),
        // A short motif repeated, optionally with a random tail; long repeats straddle cuts.
        (
            prop::collection::vec(any::<u8>(), 1..300),
            0usize..600_000,
            0usize..20_000,
            any::<u64>()
        )
            .prop_map(|(motif, len, tail, seed)| {
                let mut data: Vec<u8> = motif.iter().copied().cycle().take(len).collect();
                data.extend(splitmix_data(tail, seed));
                data
            }),
    ]
}

/// The boundary rule taken literally: one byte at a time, every byte of a chunk hashed, no
/// skipping or unrolling.
fn naive_boundaries(data: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let (mut hash, mut len) = (0u64, 0usize);
    for (i, &byte) in data.iter().enumerate() {
        hash = roll(hash, byte);
        len += 1;
        if (len >= MIN_CHUNK_SIZE && hash & MASK == 0) || len == MAX_CHUNK_SIZE {
            ends.push(i + 1);
            (hash, len) = (0, 0);
        }
    }
    if len > 0 {
        ends.push(data.len());
    }
    ends
}

#[test]
fn hitting_data_matches_naive_rule_at_every_alignment() {
    // Cuts of the hitting data fall at every position modulo the unrolling; shifting the data
    // by a few bytes moves them relative to the input start too.
    for pad in 0..8 {
        for shift in 0..8 {
            let data = hitting_data(200_000 + shift, pad);
            assert_eq!(
                chunk_boundaries(&data[shift..]),
                naive_boundaries(&data[shift..]),
                "pad {pad} shift {shift}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn boundaries_match_naive_rule(data in arb_content()) {
        prop_assert_eq!(chunk_boundaries(&data), naive_boundaries(&data));
    }

    #[test]
    fn boundaries_do_not_depend_on_block_sizes(
        data in arb_content(),
        cuts in prop::collection::vec(0usize..700_000, 0..40),
    ) {
        let reference = chunk_boundaries(&data);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.push(data.len());
        cuts.sort_unstable();
        let mut chunker = Chunker::new();
        let mut ends = Vec::new();
        let (mut start, mut total) = (0, 0);
        for (i, &cut) in cuts.iter().enumerate() {
            let is_final = i + 1 == cuts.len();
            for chunk in chunker.next_block(&data[start..cut], is_final) {
                total += chunk.data.len();
                ends.push(total);
            }
            start = cut;
        }
        prop_assert_eq!(&ends, &reference);
    }

    #[test]
    fn chunk_sizes_stay_within_limits(data in arb_content()) {
        let ends = chunk_boundaries(&data);
        prop_assert_eq!(ends.last().copied().unwrap_or(0), data.len());
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            let len = end - start;
            prop_assert!((1..=MAX_CHUNK_SIZE).contains(&len));
            if i + 1 < ends.len() {
                prop_assert!(len >= MIN_CHUNK_SIZE, "chunk {} is {} bytes", i, len);
                // A cut below the maximum is a hash match on the window ending there.
                if len < MAX_CHUNK_SIZE {
                    let window = &data[end - 64..end];
                    let hash = window.iter().fold(0u64, |h, &b| roll(h, b));
                    prop_assert_eq!(hash & MASK, 0);
                }
            }
            start = end;
        }
    }
}
