//! Size and first bytes of many files at once: what the Hub's preupload call needs of each file
//! of a commit (it decides from them whether a file is stored as a regular git blob or in LFS).
//!
//! A folder of thousands of small files costs one open, one stat and one read per file; done
//! here, several files at a time and without the GIL, instead of one Python call chain each.
//! Small files can be kept whole while at it (up to a byte budget shared by all files): their
//! commit then needs no second open and read of each one.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::oid::HashError;
use crate::parallel::map_in_order;
use crate::Cancel;

/// What was read of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHead {
    /// Size in bytes, from the open file's metadata.
    pub size: u64,
    /// The first `min(size, max_len)` bytes (fewer if the file shrank meanwhile).
    pub sample: Vec<u8>,
    /// The whole content (its first `size` bytes), when it was kept.
    pub content: Option<Vec<u8>>,
}

/// Size and first `max_len` bytes of one file; the whole file too if its size can be taken from
/// `whole_budget` (bytes left for whole files, decreased by what is kept).
pub fn read_head(path: &Path, max_len: usize, whole_budget: &AtomicU64) -> io::Result<FileHead> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let keep_whole = whole_budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            // A spent (or zero) budget keeps nothing, not even empty files.
            (left > 0).then(|| left.checked_sub(size)).flatten()
        })
        .is_ok();
    if keep_whole {
        // Exactly the size the metadata gave (the size announced to the Hub): `take` stops there
        // without a read to find the end.
        let mut content = Vec::with_capacity(size as usize);
        file.take(size).read_to_end(&mut content)?;
        let sample = content[..content.len().min(max_len)].to_vec();
        return Ok(FileHead {
            size,
            sample,
            content: Some(content),
        });
    }
    let mut sample = Vec::with_capacity((size as usize).min(max_len));
    // `take` + `read_to_end` loops over short reads, as the Python version does.
    file.take(max_len as u64).read_to_end(&mut sample)?;
    Ok(FileHead {
        size,
        sample,
        content: None,
    })
}

/// [`read_head`] of every path, `workers` files at a time (0: one per core), in input order, with
/// at most `whole_budget` bytes of whole files kept. A file that cannot be read gives its error;
/// once `cancel` is set, files not started yet give [`HashError::Cancelled`].
pub fn read_heads(
    paths: &[PathBuf],
    max_len: usize,
    whole_budget: u64,
    workers: usize,
    cancel: &Cancel,
) -> Vec<Result<FileHead, HashError>> {
    let budget = AtomicU64::new(whole_budget);
    map_in_order(paths, workers, cancel, |path| {
        read_head(path, max_len, &budget).map_err(|source| HashError::Io {
            path: path.clone(),
            source,
        })
    })
    .into_iter()
    .map(|outcome| outcome.unwrap_or(Err(HashError::Cancelled)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_in_order_with_short_and_empty_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (i, len) in [0usize, 10, 512, 513, 5000].iter().enumerate() {
            let path = dir.path().join(format!("f{i}"));
            let content: Vec<u8> = (0..*len).map(|b| (b % 251) as u8).collect();
            std::fs::write(&path, &content).unwrap();
            paths.push(path);
        }
        let heads = read_heads(&paths, 512, 0, 3, &Cancel::new());
        let expected = [0usize, 10, 512, 513, 5000];
        for (head, len) in heads.iter().zip(expected) {
            let head = head.as_ref().unwrap();
            assert_eq!(head.size, len as u64);
            let want: Vec<u8> = (0..len.min(512)).map(|b| (b % 251) as u8).collect();
            assert_eq!(head.sample, want);
            assert_eq!(head.content, None);
        }
    }

    #[test]
    fn whole_files_kept_within_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (i, len) in [0usize, 700, 300, 5000, 100].iter().enumerate() {
            let path = dir.path().join(format!("f{i}"));
            let content: Vec<u8> = (0..*len).map(|b| (b % 253) as u8).collect();
            std::fs::write(&path, &content).unwrap();
            paths.push(path);
        }
        // One worker: files take from the budget in order. 0 + 700 + 300 = 1000 fit, 5000 does
        // not, 100 still does.
        let heads = read_heads(&paths, 512, 1100, 1, &Cancel::new());
        let kept: Vec<Option<usize>> = heads
            .iter()
            .map(|h| h.as_ref().unwrap().content.as_ref().map(Vec::len))
            .collect();
        assert_eq!(kept, [Some(0), Some(700), Some(300), None, Some(100)]);
        let second = heads[1].as_ref().unwrap();
        let want: Vec<u8> = (0..700).map(|b| (b % 253) as u8).collect();
        assert_eq!(second.content.as_deref(), Some(&want[..]));
        assert_eq!(second.sample, want[..512]);
        assert_eq!(heads[3].as_ref().unwrap().sample.len(), 512);
    }

    #[test]
    fn missing_file_reports_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let heads = read_heads(
            std::slice::from_ref(&missing),
            512,
            1 << 20,
            0,
            &Cancel::new(),
        );
        match &heads[0] {
            Err(HashError::Io { path, source }) => {
                assert_eq!(path, &missing);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn cancelled_before_start() {
        let cancel = Cancel::new();
        cancel.cancel();
        let paths = vec![PathBuf::from("a"), PathBuf::from("b")];
        let heads = read_heads(&paths, 512, 0, 2, &cancel);
        assert!(heads.iter().all(|h| matches!(h, Err(HashError::Cancelled))));
    }
}
