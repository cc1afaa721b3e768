//! Size and first bytes of many files at once: what the Hub's preupload call needs of each file
//! of a commit (it decides from them whether a file is stored as a regular git blob or in LFS).
//!
//! A folder of thousands of small files costs one open, one stat and one read per file; done
//! here, several files at a time and without the GIL, instead of one Python call chain each.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

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
}

/// Size and first `max_len` bytes of one file.
pub fn read_head(path: &Path, max_len: usize) -> io::Result<FileHead> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let wanted = (size as usize).min(max_len);
    let mut sample = Vec::with_capacity(wanted);
    // `take` + `read_to_end` loops over short reads, as the Python version does.
    file.take(max_len as u64).read_to_end(&mut sample)?;
    Ok(FileHead { size, sample })
}

/// [`read_head`] of every path, `workers` files at a time (0: one per core), in input order.
/// A file that cannot be read gives its error; once `cancel` is set, files not started yet give
/// [`HashError::Cancelled`].
pub fn read_heads(
    paths: &[PathBuf],
    max_len: usize,
    workers: usize,
    cancel: &Cancel,
) -> Vec<Result<FileHead, HashError>> {
    map_in_order(paths, workers, cancel, |path| {
        read_head(path, max_len).map_err(|source| HashError::Io {
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
        let heads = read_heads(&paths, 512, 3, &Cancel::new());
        let expected = [0usize, 10, 512, 513, 5000];
        for (head, len) in heads.iter().zip(expected) {
            let head = head.as_ref().unwrap();
            assert_eq!(head.size, len as u64);
            let want: Vec<u8> = (0..len.min(512)).map(|b| (b % 251) as u8).collect();
            assert_eq!(head.sample, want);
        }
    }

    #[test]
    fn missing_file_reports_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let heads = read_heads(std::slice::from_ref(&missing), 512, 0, &Cancel::new());
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
        let heads = read_heads(&paths, 512, 2, &cancel);
        assert!(heads.iter().all(|h| matches!(h, Err(HashError::Cancelled))));
    }
}
