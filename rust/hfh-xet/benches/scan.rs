//! Throughput of the boundary scan and of whole-content hashing, in memory and from a file.
//! `cargo bench -p hfh-xet --bench scan [-- <file>]`

use std::time::Instant;

use hfh_core::Cancel;
use hfh_xet::chunking::chunk_boundaries;
use hfh_xet::file_hash::{hash_reader, XetFileHasher};

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

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed().as_secs_f64());
        out = Some(value);
    }
    (best, out.expect("at least one run"))
}

fn main() {
    let data = pseudo_random(256 << 20);
    let gb = data.len() as f64 / 1e9;
    let (t, cuts) = best_of(5, || chunk_boundaries(&data));
    println!("scan       {:.2} GB/s ({} chunks)", gb / t, cuts.len());
    let (t, info) = best_of(5, || {
        let mut hasher = XetFileHasher::new(false);
        hasher.update(&data);
        hasher.finish()
    });
    println!("in memory  {:.2} GB/s {}", gb / t, info.xet_hash);
    if let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        let size = std::fs::metadata(&path).expect("file").len() as f64 / 1e9;
        let (t, info) = best_of(3, || {
            let mut file = std::fs::File::open(&path).expect("file");
            hash_reader(&mut file, false, &Cancel::new()).expect("read")
        });
        println!("file       {:.2} GB/s {}", size / t, info.xet_hash);
    }
}
