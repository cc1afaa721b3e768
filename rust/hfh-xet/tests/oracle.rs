//! Compares our file hashes with `hf_xet.hash_files`, the reference implementation.
//!
//! `hf_xet` is a test-only oracle: these tests do nothing unless `HFH_XET_ORACLE_PYTHON` names
//! a Python interpreter that can `import hf_xet`, e.g.
//!
//! ```sh
//! python3 -m venv /tmp/xetoracle && /tmp/xetoracle/bin/pip install hf_xet
//! HFH_XET_ORACLE_PYTHON=/tmp/xetoracle/bin/python cargo test -p hfh-xet --test oracle -- --nocapture
//! ```
//!
//! `oracle_throughput` only reports figures (build with `--release` for meaningful ones).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use hfh_core::Cancel;

const ORACLE_ENV: &str = "HFH_XET_ORACLE_PYTHON";
const MIB: usize = 1024 * 1024;

/// Prints one line per path: `<hash> <size>`, then `elapsed <seconds>` for the whole call.
const ORACLE_SCRIPT: &str = r#"
import sys, time, hf_xet
paths = [line for line in open(sys.argv[1]).read().split("\n") if line]
start = time.perf_counter()
infos = hf_xet.hash_files(paths)
elapsed = time.perf_counter() - start
for info in infos:
    print(info.hash, info.file_size)
print("elapsed", elapsed)
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

/// `(hash, size)` per path, and the seconds `hash_files` took.
fn oracle_hashes(python: &str, dir: &Path, paths: &[PathBuf]) -> (Vec<(String, u64)>, f64) {
    let list = dir.join("oracle-paths.txt");
    let text: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    std::fs::write(&list, text.join("\n")).unwrap();
    let output = Command::new(python)
        .arg("-c")
        .arg(ORACLE_SCRIPT)
        .arg(&list)
        .env("HF_HOME", dir.join("hf-home"))
        .env("HF_XET_CACHE", dir.join("xet-cache"))
        .output()
        .expect("run the oracle Python");
    assert!(
        output.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut hashes = Vec::new();
    let mut elapsed = f64::NAN;
    for line in stdout.lines() {
        let (first, second) = line.split_once(' ').expect("two fields");
        if first == "elapsed" {
            elapsed = second.parse().unwrap();
        } else {
            hashes.push((first.to_string(), second.parse().unwrap()));
        }
    }
    assert_eq!(hashes.len(), paths.len());
    (hashes, elapsed)
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

fn repeated(motif: &[u8], len: usize) -> Vec<u8> {
    motif.iter().copied().cycle().take(len).collect()
}

/// The files to compare: named contents covering sizes, constant and repetitive data.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, len) in [
        0,
        1,
        64,
        8191,
        8192,
        8193,
        65536,
        131071,
        131072,
        131073,
        MIB,
        10 * MIB,
        100 * MIB + 12345,
    ]
    .into_iter()
    .enumerate()
    {
        files.push((format!("random-{len}"), random_bytes(len, 1000 + i as u64)));
    }
    for len in [1, 8191, 8192, 131072, 131073, 3 * MIB + 17, 20 * MIB] {
        files.push((format!("zeros-{len}"), vec![0; len]));
    }
    files.push(("ones-5MiB".into(), vec![0xff; 5 * MIB]));
    // Short motifs repeated: the rolling hash sees a periodic signal.
    for (i, period) in [2usize, 3, 64, 127, 128, 129, 4096, 8191, 65537]
        .into_iter()
        .enumerate()
    {
        let motif = random_bytes(period, 2000 + i as u64);
        files.push((format!("repeat-{period}"), repeated(&motif, 3 * MIB + 5)));
    }
    // A random block repeated several times: identical content at shifting offsets.
    let block = random_bytes(300_001, 7);
    files.push(("repeat-block".into(), repeated(&block, 6 * 300_001)));
    // Random data with a repeated motif spliced across likely chunk boundaries.
    let mut spliced = random_bytes(2 * MIB, 8);
    let motif = random_bytes(200, 9);
    for start in (8000..spliced.len() - 300).step_by(8192 + 77) {
        spliced[start..start + 200].copy_from_slice(&motif);
    }
    files.push(("spliced".into(), spliced));
    // Mostly zeros with sparse noise (cuts only where noise lands).
    let mut sparse = vec![0u8; 4 * MIB];
    for (k, pos) in (0..sparse.len()).step_by(40_009).enumerate() {
        sparse[pos] = (k % 251) as u8 + 1;
    }
    files.push(("sparse".into(), sparse));
    // Many random sizes around the interesting range.
    let sizes = random_bytes(8 * 24, 10);
    for (i, raw) in sizes.chunks_exact(8).enumerate() {
        let len = (u64::from_le_bytes(raw.try_into().unwrap()) % (3 * MIB as u64)) as usize;
        files.push((format!("sized-{len}"), random_bytes(len, 3000 + i as u64)));
    }
    files
}

#[test]
fn oracle_file_hashes_match_hf_xet() {
    let Some(python) = oracle_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (i, (name, data)) in corpus().into_iter().enumerate() {
        let path = dir.path().join(format!("{i:03}-{name}"));
        std::fs::write(&path, &data).unwrap();
        names.push(name);
        paths.push(path);
    }

    let (expected, _) = oracle_hashes(&python, dir.path(), &paths);
    let ours = hfh_xet::hash_files(&paths, false, 0, &Cancel::new());

    let mut mismatches = Vec::new();
    for ((name, (hash, size)), result) in names.iter().zip(&expected).zip(&ours) {
        let info = result.as_ref().expect("our hashing failed");
        if info.xet_hash.hex() != *hash || info.size != *size {
            mismatches.push(format!(
                "{name}: ours {} ({} bytes), hf_xet {hash} ({size} bytes)",
                info.xet_hash, info.size
            ));
        }
    }
    eprintln!(
        "compared {} files ({} MiB) with hf_xet: {} mismatches",
        names.len(),
        ours.iter()
            .map(|r| r.as_ref().map_or(0, |i| i.size))
            .sum::<u64>()
            / MIB as u64,
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn oracle_throughput() {
    let Some(python) = oracle_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut single = Vec::new();
    let mut many = Vec::new();
    let big = dir.path().join("big");
    std::fs::write(&big, random_bytes(512 * MIB, 1)).unwrap();
    single.push(big);
    for i in 0..8 {
        let path = dir.path().join(format!("part-{i}"));
        std::fs::write(&path, random_bytes(64 * MIB, 100 + i)).unwrap();
        many.push(path);
    }

    for (label, paths) in [("one 512 MiB file", &single), ("8 x 64 MiB files", &many)] {
        let total: u64 = paths
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum();
        let mb = total as f64 / 1e6;
        // Warm the page cache and both implementations, then time the better of two runs.
        let _ = hfh_xet::hash_files(paths, false, 0, &Cancel::new());
        let mut theirs = f64::INFINITY;
        let mut ours = f64::INFINITY;
        for _ in 0..2 {
            theirs = theirs.min(oracle_hashes(&python, dir.path(), paths).1);
            let start = Instant::now();
            let results = hfh_xet::hash_files(paths, false, 0, &Cancel::new());
            ours = ours.min(start.elapsed().as_secs_f64());
            assert!(results.iter().all(Result::is_ok));
        }
        eprintln!(
            "{label}: hfh-xet {:.0} MB/s, hf_xet {:.0} MB/s, ratio {:.2}x",
            mb / ours,
            mb / theirs,
            theirs / ours
        );
    }
}
