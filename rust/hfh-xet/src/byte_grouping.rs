//! Byte grouping by 4 (the transform behind the `ByteGrouping4LZ4` scheme) and the predictor
//! that decides when it is worth using.
//!
//! Splitting `n` bytes writes the bytes at positions `≡ 0 (mod 4)` first, in order, then those
//! `≡ 1`, `≡ 2` and `≡ 3`; with `q = n / 4` and `r = n % 4` the groups have `q + (r > 0)`,
//! `q + (r > 1)`, `q + (r > 2)` and `q` bytes. Regrouping interleaves them back. Numeric data
//! (e.g. float32 tensors) compresses much better once its exponent bytes sit together.
//!
//! The predictor counts, for each of the four byte positions, how many bytes have each
//! popcount (0..=8), and measures how far each position's distribution is from the overall one
//! (Kullback-Leibler divergence, natural log, f64). A position with an empty popcount bin gives
//! `0 · ln 0 = NaN`, which the maximum ignores, exactly like the reference implementation.
//! Grouping is predicted to help when the largest divergence exceeds 0.02.

/// Divergence above which grouping is predicted to pay off.
const BG4_THRESHOLD: f64 = 0.02;

/// Lengths of the four groups of an `n`-byte input.
fn group_lengths(n: usize) -> [usize; 4] {
    let (q, r) = (n / 4, n % 4);
    [
        q + usize::from(r > 0),
        q + usize::from(r > 1),
        q + usize::from(r > 2),
        q,
    ]
}

/// Group the bytes of `data` by position modulo 4.
pub fn bg4_split(data: &[u8]) -> Vec<u8> {
    let lengths = group_lengths(data.len());
    let mut out = vec![0u8; data.len()];
    let mut start = 0;
    for (group, &len) in lengths.iter().enumerate() {
        let target = &mut out[start..start + len];
        for (slot, &byte) in target.iter_mut().zip(data.iter().skip(group).step_by(4)) {
            *slot = byte;
        }
        start += len;
    }
    out
}

/// The inverse of [`bg4_split`].
pub fn bg4_regroup(grouped: &[u8]) -> Vec<u8> {
    let lengths = group_lengths(grouped.len());
    let mut out = vec![0u8; grouped.len()];
    let mut start = 0;
    for (group, &len) in lengths.iter().enumerate() {
        let source = &grouped[start..start + len];
        for (slot, &byte) in out.iter_mut().skip(group).step_by(4).zip(source) {
            *slot = byte;
        }
        start += len;
    }
    out
}

/// The largest per-position divergence of popcount distributions (see the module docs).
pub fn bg4_divergence(data: &[u8]) -> f64 {
    let mut hist = [[0u64; 9]; 4];
    for (i, &byte) in data.iter().enumerate() {
        hist[i % 4][byte.count_ones() as usize] += 1;
    }
    let mut base = [1u64; 9];
    for group in &hist {
        for (slot, &count) in base.iter_mut().zip(group) {
            *slot += count;
        }
    }
    let totals: [u64; 4] = std::array::from_fn(|g| hist[g].iter().sum());
    let total = totals.iter().sum::<u64>() as f64;

    let mut max = 0.0f64;
    for (group, &group_total) in hist.iter().zip(&totals) {
        let mut divergence = 0.0f64;
        for (&count, &base_count) in group.iter().zip(&base) {
            let p = count as f64 / group_total as f64;
            let q = base_count as f64 / total;
            divergence += p * (p / q).ln();
        }
        // f64::max returns the other operand when one is NaN.
        max = max.max(divergence);
    }
    max
}

/// Whether byte grouping is predicted to make `data` compress better.
pub fn bg4_predicted_useful(data: &[u8]) -> bool {
    bg4_divergence(data) > BG4_THRESHOLD
}
