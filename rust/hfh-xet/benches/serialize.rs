//! Throughput of cutting content into chunks and serializing xorbs (the upload's CPU work besides
//! hashing), per compression policy. `cargo bench -p hfh-xet --bench serialize`

use std::time::Instant;

use hfh_xet::{Chunker, CompressionPolicy, CompressionScheme, XorbData};

fn pseudo_random(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// CPU time of this thread (Linux `schedstat`), so that a busy machine does not skew the figures;
/// wall time where it is not available.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(
            || {
                static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
                START.get_or_init(Instant::now).elapsed().as_secs_f64()
            },
            |ns| ns / 1e9,
        )
}

fn main() {
    let data = pseudo_random(64 << 20);
    let gb = data.len() as f64 / 1e9;
    let start = cpu_seconds();
    let chunks = Chunker::new().next_block(&data, true);
    println!(
        "chunk+hash  {:.2} GB/s of CPU",
        gb / (cpu_seconds() - start)
    );
    let xorb = XorbData::from_chunks(chunks).expect("64 MiB fits one xorb");
    for (name, policy) in [
        ("auto", CompressionPolicy::default()),
        ("lz4", CompressionPolicy::Fixed(CompressionScheme::Lz4)),
        ("none", CompressionPolicy::Fixed(CompressionScheme::None)),
    ] {
        let start = cpu_seconds();
        let serialized = xorb.serialize(policy);
        println!(
            "serialize {name:5} {:.2} GB/s of CPU ({} bytes)",
            gb / (cpu_seconds() - start),
            serialized.bytes.len()
        );
    }
}
