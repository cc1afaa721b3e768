//! Content-addressed blob store: `<data>/blobs/sha256/ab/cdef…` (first two hex digits as a
//! fan-out directory, the remaining 62 as the file name). Writes go to `<data>/tmp/`, are
//! fsynced, then renamed into place (and the directory fsynced), so a blob is either complete
//! or absent.

use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    tmp: PathBuf,
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl BlobStore {
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        let root = data_dir.join("blobs").join("sha256");
        let tmp = data_dir.join("tmp");
        fs::create_dir_all(&root)?;
        fs::create_dir_all(&tmp)?;
        Ok(BlobStore { root, tmp })
    }

    /// Path of a blob; `None` if `sha256` is not 64 lower-case hex (never a path outside the store).
    pub fn path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| self.root.join(&sha256[..2]).join(&sha256[2..]))
    }

    /// Directory of the Xet xorbs (`<data>/blobs/xorbs`, beside the sha256 blobs, so that
    /// installing one is a rename from the same temporary directory).
    pub fn xorb_dir(&self) -> PathBuf {
        self.root
            .parent()
            .map(|p| p.join("xorbs"))
            .unwrap_or_else(|| self.root.join("xorbs"))
    }

    /// Whether the file store holds blob `sha256` (readers use [`BlobStore::contains`], which
    /// also looks in the database).
    fn has_file(&self, sha256: &str) -> bool {
        self.path(sha256).is_some_and(|p| p.is_file())
    }

    /// Size of a blob of the file store, `None` if it has no such file.
    pub(super) fn file_size(&self, sha256: &str) -> io::Result<Option<u64>> {
        match self.path(sha256).map(fs::metadata) {
            Some(Ok(m)) if m.is_file() => Ok(Some(m.len())),
            Some(Ok(_)) => Ok(None),
            Some(Err(e)) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Some(Err(e)) => Err(e),
            None => Ok(None),
        }
    }

    /// Stores `data` and returns its sha256 (hex). Idempotent.
    pub fn put_bytes(&self, data: &[u8]) -> io::Result<String> {
        let sha = hex::encode(Sha256::digest(data));
        if self.has_file(&sha) {
            return Ok(sha);
        }
        let tmp_path = self.tmp_path();
        let result = (|| {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp_path)?;
            f.write_all(data)?;
            f.sync_all()?;
            drop(f);
            self.install(&tmp_path, &sha)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp_path);
        }
        result.map(|_| sha)
    }

    /// Stores several contents as file blobs and returns their sha256s, in order. Same
    /// guarantee as [`BlobStore::put_bytes`] (a blob is complete or absent, and durable once
    /// this returns), with one durability barrier for the batch instead of two fsyncs per
    /// blob: every new blob is written to a temporary file, then all of them are fsynced (from
    /// a few threads, so the device sees them together), then renamed into place, then each
    /// fan-out directory touched is fsynced once.
    pub fn put_files(&self, contents: &[&[u8]]) -> io::Result<Vec<String>> {
        let shas: Vec<String> = contents
            .iter()
            .map(|c| hex::encode(Sha256::digest(c)))
            .collect();
        let mut pending: Vec<(PathBuf, &str)> = Vec::new();
        let result = (|| {
            let mut seen = std::collections::HashSet::new();
            for (data, sha) in contents.iter().zip(&shas) {
                if !seen.insert(sha.as_str()) || self.has_file(sha) {
                    continue;
                }
                let tmp_path = self.tmp_path();
                pending.push((tmp_path.clone(), sha));
                let mut f = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&tmp_path)?;
                f.write_all(data)?;
            }
            sync_files(pending.iter().map(|(p, _)| p.as_path()))?;
            let mut dirs = std::collections::BTreeSet::new();
            for (tmp_path, sha) in &pending {
                let dest = self.path(sha).expect("a computed digest");
                let dir = dest.parent().expect("fan-out dir").to_path_buf();
                fs::create_dir_all(&dir)?;
                fs::rename(tmp_path, &dest)?;
                dirs.insert(dir);
            }
            pending.clear();
            dirs.iter().try_for_each(|d| sync_dir(d))
        })();
        for (tmp_path, _) in &pending {
            let _ = fs::remove_file(tmp_path);
        }
        result.map(|()| shas)
    }

    /// A fresh path in the store's temporary directory (same filesystem as the blobs, so
    /// [`BlobStore::install`] is a rename).
    pub fn tmp_path(&self) -> PathBuf {
        self.tmp
            .join(format!("{}.tmp", crate::util::random_hex(12)))
    }

    /// Moves a complete, fsynced temporary file into place as blob `sha256` (the caller has
    /// checked the digest) and fsyncs the directory. If the blob already exists the temporary
    /// file is removed instead.
    pub fn install(&self, tmp_path: &Path, sha256: &str) -> io::Result<()> {
        let dest = self
            .path(sha256)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "bad blob id"))?;
        if dest.is_file() {
            return fs::remove_file(tmp_path);
        }
        let dir = dest.parent().expect("fan-out dir");
        fs::create_dir_all(dir)?;
        fs::rename(tmp_path, &dest)?;
        sync_dir(dir)
    }

    /// Removes files of the temporary directory not modified for `min_age`: uploads cut off by
    /// a crash (the blob store itself never holds a partial blob). Files younger than that may
    /// belong to a live upload of another server on the same data directory, so they are kept.
    /// Returns how many files were removed.
    pub fn sweep_tmp(&self, min_age: std::time::Duration) -> io::Result<usize> {
        let now = std::time::SystemTime::now();
        let mut removed = 0;
        for entry in fs::read_dir(&self.tmp)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok());
            if meta.is_file() && age.is_some_and(|a| a >= min_age) {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Fsyncs `paths` (their data and metadata), from up to four threads: fsyncs issued together
/// share the device's cache flushes, where one after the other each waits for its own.
fn sync_files<'a>(paths: impl Iterator<Item = &'a Path>) -> io::Result<()> {
    let paths: Vec<&Path> = paths.collect();
    if paths.len() <= 1 {
        return paths.iter().try_for_each(|p| File::open(p)?.sync_all());
    }
    let threads = paths.len().min(4);
    let per_thread = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || chunk.iter().try_for_each(|p| File::open(p)?.sync_all()))
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(io::Error::other("fsync thread panicked")))
        })
    })
}

#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_read_and_layout() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let sha = store.put_bytes(b"hello").unwrap();
        assert_eq!(
            sha,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let p = dir.path().join("blobs/sha256/2c").join(&sha[2..]);
        assert!(p.is_file());
        assert_eq!(store.put_bytes(b"hello").unwrap(), sha);
        assert_eq!(store.file_size(&sha).unwrap(), Some(5));
        assert_eq!(fs::read(&p).unwrap(), b"hello");
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn put_files_stores_a_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let existing = store.put_bytes(b"already there").unwrap();
        let contents: Vec<Vec<u8>> = (0..20u8).map(|i| vec![i; 1000 + i as usize]).collect();
        let mut batch: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
        batch.push(b"already there");
        batch.push(&contents[3]); // twice in one batch
        let shas = store.put_files(&batch).unwrap();
        assert_eq!(shas.len(), 22);
        assert_eq!(shas[20], existing);
        assert_eq!(shas[21], shas[3]);
        for (data, sha) in batch.iter().zip(&shas) {
            assert_eq!(sha, &hex::encode(Sha256::digest(data)));
            assert_eq!(fs::read(store.path(sha).unwrap()).unwrap(), *data);
        }
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
        assert!(store.put_files(&[]).unwrap().is_empty());
    }

    #[test]
    fn sweep_removes_only_old_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let old = store.tmp_path();
        fs::write(&old, b"partial").unwrap();
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        let fresh = store.tmp_path();
        fs::write(&fresh, b"in progress").unwrap();
        let ten_minutes = std::time::Duration::from_secs(600);
        assert_eq!(store.sweep_tmp(ten_minutes).unwrap(), 1);
        assert!(!old.exists() && fresh.exists());
    }

    #[test]
    fn rejects_non_hex_ids() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        assert!(store.path("../../etc/passwd").is_none());
        assert!(store.path(&"A".repeat(64)).is_none());
        assert!(!store.has_file(&"0".repeat(64)));
        assert_eq!(store.file_size(&"0".repeat(64)).unwrap(), None);
    }
}
