//! Line diffs in git's unified format (Myers' O((N+M)D) algorithm), for pull-request diffs.

/// Above this many lines (old + new) or edit distance, the diff is not searched: the whole old
/// text is shown removed and the whole new text added (still a valid unified diff).
const MAX_LINES: usize = 50_000;
const MAX_EDITS: usize = 5_000;
const CONTEXT: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// Splits text into lines that keep their `\n` (so a missing final newline is a difference).
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Shortest edit script from `a` to `b`, or `None` when too expensive.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = n + m;
    let offset = max + 1;
    let mut v = vec![0isize; (2 * max + 3) as usize];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'outer: for d in 0..=max {
        if d as usize > MAX_EDITS {
            return None;
        }
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let idx = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let d_final = found?;
    // Walk the trace backwards to recover the path.
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=d_final).rev() {
        let v = &trace[d as usize];
        let k = x - y;
        let idx = |k: isize| (k + offset) as usize;
        let prev_k = if k == -d || (k != d && v[idx(k - 1)] < v[idx(k + 1)]) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = v[idx(prev_k)];
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            ops.push(Op::Equal((x - 1) as usize, (y - 1) as usize));
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            if x == prev_x {
                ops.push(Op::Insert((y - 1) as usize));
            } else {
                ops.push(Op::Delete((x - 1) as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    ops.reverse();
    Some(ops)
}

/// Fallback script: delete everything, insert everything.
fn replace_all(a: &[&str], b: &[&str]) -> Vec<Op> {
    (0..a.len())
        .map(Op::Delete)
        .chain((0..b.len()).map(Op::Insert))
        .collect()
}

fn range(start: usize, count: usize) -> String {
    // git: "-l,s" where a zero-length range names the line before it; ",1" is omitted.
    match count {
        0 => format!("{},0", start),
        1 => format!("{}", start + 1),
        n => format!("{},{}", start + 1, n),
    }
}

fn push_line(out: &mut String, tag: char, line: &str) {
    out.push(tag);
    match line.strip_suffix('\n') {
        Some(body) => {
            out.push_str(body);
            out.push('\n');
        }
        None => {
            out.push_str(line);
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// The `@@` hunks turning `old` into `new` (empty when equal).
pub fn hunks(old: &str, new: &str) -> String {
    let (a, b) = (lines(old), lines(new));
    let ops = if a.len() + b.len() > MAX_LINES {
        replace_all(&a, &b)
    } else {
        myers(&a, &b).unwrap_or_else(|| replace_all(&a, &b))
    };
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Equal(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < changed.len() {
        // Grow a hunk while the next change is within 2*CONTEXT equal lines.
        let first = changed[i];
        let mut last = first;
        while i + 1 < changed.len() && changed[i + 1] - last <= 2 * CONTEXT + 1 {
            i += 1;
            last = changed[i];
        }
        i += 1;
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(ops.len());
        // Line positions at the start of the hunk.
        let (mut a_start, mut b_start) = (0, 0);
        for op in &ops[..start] {
            match op {
                Op::Equal(..) => {
                    a_start += 1;
                    b_start += 1;
                }
                Op::Delete(_) => a_start += 1,
                Op::Insert(_) => b_start += 1,
            }
        }
        let mut body = String::new();
        let (mut a_count, mut b_count) = (0, 0);
        for op in &ops[start..end] {
            match *op {
                Op::Equal(x, _) => {
                    push_line(&mut body, ' ', a[x]);
                    a_count += 1;
                    b_count += 1;
                }
                Op::Delete(x) => {
                    push_line(&mut body, '-', a[x]);
                    a_count += 1;
                }
                Op::Insert(y) => {
                    push_line(&mut body, '+', b[y]);
                    b_count += 1;
                }
            }
        }
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a_start, a_count),
            range(b_start, b_count)
        ));
        out.push_str(&body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_file() {
        assert_eq!(hunks("", "a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b\n");
    }

    #[test]
    fn deleted_file() {
        assert_eq!(hunks("a\n", ""), "@@ -1 +0,0 @@\n-a\n");
    }

    #[test]
    fn change_in_the_middle_keeps_three_lines_of_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            hunks(old, new),
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new = old.replace("2\n", "two\n").replace("19\n", "nineteen\n");
        let out = hunks(&old, &new);
        assert_eq!(out.matches("@@ -").count(), 2, "{out}");
        assert!(out.contains("-19\n+nineteen\n"));
    }

    #[test]
    fn missing_final_newline_is_marked() {
        assert_eq!(
            hunks("a\n", "a"),
            "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"
        );
        assert_eq!(hunks("same\n", "same\n"), "");
    }

    #[test]
    fn script_is_minimal_and_applies() {
        let a = ["a\n", "b\n", "c\n", "a\n", "b\n", "b\n", "a\n"];
        let b = ["c\n", "b\n", "a\n", "b\n", "a\n", "c\n"];
        let ops = myers(&a, &b).unwrap();
        let edits = ops.iter().filter(|o| !matches!(o, Op::Equal(..))).count();
        assert_eq!(edits, 5);
        let rebuilt: Vec<&str> = ops
            .iter()
            .filter_map(|o| match *o {
                Op::Equal(x, _) => Some(a[x]),
                Op::Insert(y) => Some(b[y]),
                Op::Delete(_) => None,
            })
            .collect();
        assert_eq!(rebuilt, b);
    }
}
