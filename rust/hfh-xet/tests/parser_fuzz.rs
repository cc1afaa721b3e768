//! Fuzz-style tests of every parser of untrusted Xet data: random bytes and mutations of valid
//! xorbs, shards and LZ4 frames (truncation, bit flips, inflated length fields) must give an
//! error or a value, never a panic, and never an allocation out of proportion to the input.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use hfh_xet::chunking::Chunk;
use hfh_xet::lz4_frame::{compress_frame, decompress_frame};
use hfh_xet::{
    parse_shard, parse_xorb, CompressionPolicy, CompressionScheme, FileInfoBuilder, MerkleHash,
    ShardBuilder, ShardForm, XorbData, XorbInfo,
};
use proptest::prelude::*;

/// Records the largest single allocation made by the current thread while tracking is on.
struct Tracking;

thread_local! {
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

fn note(size: usize) {
    let _ = TRACKING.try_with(|on| {
        if on.get() {
            let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
        }
    });
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Largest allocation `f` makes.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    TRACKING.with(|t| t.set(true));
    let out = f();
    TRACKING.with(|t| t.set(false));
    (out, LARGEST.with(Cell::get))
}

/// What a parser may allocate for `input_len` bytes of input: a few times the input (records
/// per chunk or per 48-byte record, with vector growth) plus one decoded chunk and its copy.
fn allowance(input_len: usize) -> usize {
    16 * input_len + 4 * 131072 + 4096
}

fn parse_xorb_fully(data: &[u8]) {
    if let Ok(parsed) = parse_xorb(data) {
        let _ = parsed.verify();
        for i in 0..parsed.chunks.len() {
            let _ = parsed.decode_chunk(i);
        }
    }
}

fn parse_shard_fully(data: &[u8]) {
    if let Ok(parsed) = parse_shard(data) {
        let _ = parsed.lookup_tables_consistent();
        for form in [ShardForm::Upload, ShardForm::Minimal, ShardForm::Full] {
            let _ = parsed.shard.to_bytes(form);
        }
    }
}

fn check_xorb(data: &[u8]) {
    let ((), largest) = largest_allocation(|| parse_xorb_fully(data));
    assert!(
        largest <= allowance(data.len()),
        "allocated {largest} for {} bytes",
        data.len()
    );
}

fn check_shard(data: &[u8]) {
    let ((), largest) = largest_allocation(|| parse_shard_fully(data));
    assert!(
        largest <= allowance(data.len()),
        "allocated {largest} for {} bytes",
        data.len()
    );
}

fn check_frame(data: &[u8], expected: usize) {
    let (_, largest) = largest_allocation(|| decompress_frame(data, expected));
    assert!(largest <= expected + 1024, "allocated {largest}");
}

fn text(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| b"abcdefgh  xet\n"[(i / 3 + usize::from(seed)) % 14])
        .collect()
}

fn floats(len: usize) -> Vec<u8> {
    (0..len / 4)
        .flat_map(|i| ((i as f32) * 0.01).cos().to_le_bytes())
        .collect()
}

fn sample_xorb() -> (XorbData, Vec<u8>, Vec<u8>) {
    let xorb = XorbData::from_chunks(vec![
        Chunk::new(text(3000, 1)),
        Chunk::new(floats(4000)),
        Chunk::new(b"raw".to_vec()),
    ])
    .unwrap();
    let upload = xorb.serialize(CompressionPolicy::default()).bytes;
    let stored = xorb
        .serialize(CompressionPolicy::Fixed(
            CompressionScheme::ByteGrouping4Lz4,
        ))
        .with_footer();
    (xorb, upload, stored)
}

fn sample_shards() -> Vec<Vec<u8>> {
    let (xorb, _, _) = sample_xorb();
    let xorb_hash = xorb.hash();
    let mut builder = ShardBuilder::new();
    let mut file = FileInfoBuilder::new();
    for (i, chunk) in xorb.chunks().iter().enumerate() {
        file.push(xorb_hash, i as u32, chunk.hash, chunk.data.len() as u32);
    }
    builder.add_file(file.finish(MerkleHash::from_raw([7; 32]), Some([9; 32])));
    let chunks: Vec<_> = xorb
        .chunks()
        .iter()
        .map(|c| (c.hash, c.data.len() as u32))
        .collect();
    builder.add_xorb(XorbInfo::from_chunks(xorb_hash, &chunks));
    let shard = builder.build();
    [ShardForm::Upload, ShardForm::Minimal, ShardForm::Full]
        .into_iter()
        .map(|form| shard.to_bytes(form))
        .collect()
}

/// How a valid input is damaged.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    FlipBit(usize, u8),
    /// Overwrite 4 bytes with a large little-endian value (inflated length or count).
    Inflate(usize, u32),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit(at, bit)),
        (
            any::<usize>(),
            prop_oneof![
                Just(u32::MAX),
                Just(0x00FF_FFFF),
                Just(0x8000_0000),
                any::<u32>()
            ]
        )
            .prop_map(|(at, value)| Mutation::Inflate(at, value)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
    ]
}

fn apply(data: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = data.to_vec();
    for m in mutations {
        if out.is_empty() {
            break;
        }
        match m {
            Mutation::Truncate(at) => out.truncate(at % out.len()),
            Mutation::FlipBit(at, bit) => {
                let at = at % out.len();
                out[at] ^= 1 << bit;
            }
            Mutation::Inflate(at, value) => {
                let at = at % out.len();
                for (i, byte) in value.to_le_bytes().iter().enumerate() {
                    if let Some(slot) = out.get_mut(at + i) {
                        *slot = *byte;
                    }
                }
            }
            Mutation::Insert(at, bytes) => {
                let at = at % (out.len() + 1);
                out.splice(at..at, bytes.iter().copied());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_xorb(&data);
        check_shard(&data);
        check_frame(&data, 131072);
    }

    #[test]
    fn random_chunk_headers_never_panic(
        headers in prop::collection::vec((0u8..2, any::<[u8; 3]>(), 0u8..4, any::<[u8; 3]>(), prop::collection::vec(any::<u8>(), 0..64)), 1..8)
    ) {
        let mut data = Vec::new();
        for (version, compressed, scheme, uncompressed, payload) in headers {
            data.push(version);
            data.extend_from_slice(&compressed);
            data.push(scheme);
            data.extend_from_slice(&uncompressed);
            data.extend_from_slice(&payload);
        }
        check_xorb(&data);
    }

    #[test]
    fn mutated_xorbs_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        let (_, upload, stored) = sample_xorb();
        check_xorb(&apply(&upload, &mutations));
        check_xorb(&apply(&stored, &mutations));
    }

    #[test]
    fn mutated_shards_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        for shard in sample_shards() {
            check_shard(&apply(&shard, &mutations));
        }
    }

    #[test]
    fn mutated_lz4_frames_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        let data = text(70000, 3);
        let frame = compress_frame(&data);
        let damaged = apply(&frame, &mutations);
        check_frame(&damaged, data.len());
        if let Ok(decoded) = decompress_frame(&damaged, data.len()) {
            prop_assert_eq!(decoded.len(), data.len());
        }
    }
}

#[test]
fn allocation_tracking_sees_large_allocations() {
    let (buffer, largest) = largest_allocation(|| vec![1u8; 1 << 20]);
    assert_eq!(buffer.len(), 1 << 20);
    assert!(largest >= 1 << 20);
    assert!(largest > allowance(1000));
}

#[test]
fn inflated_counts_do_not_allocate() {
    // A shard header followed by a file record claiming u32::MAX segments, and a xorb footer
    // claiming u32::MAX chunks: both rejected without a large allocation.
    let mut shard = sample_shards().remove(0);
    shard[48 + 36..48 + 40].copy_from_slice(&u32::MAX.to_le_bytes());
    check_shard(&shard);
    assert!(parse_shard(&shard).is_err());

    let (_, _, mut stored) = sample_xorb();
    let footer_start = stored.windows(7).position(|w| w == b"XETBLOB").unwrap();
    let at = footer_start + 48;
    stored[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    check_xorb(&stored);
    assert!(parse_xorb(&stored).is_err());
}
