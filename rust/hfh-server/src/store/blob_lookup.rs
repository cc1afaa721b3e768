//! Reading a blob wherever it lives: small blobs in the database (`small_blobs`), others (and
//! every blob of data directories written before small blobs moved to the database) in the
//! file store. Every reader of blob content goes through here, so no caller needs to know
//! where a blob is.
//!
//! Content uploaded through Xet has no blob of its own: it is found by its sha256 among the
//! registered Xet files and rebuilt from the stored xorbs.
//!
//! The database is looked at first: it is where new small blobs go, and a lookup there is one
//! indexed read on a connection the caller already holds.

use super::blobs::{is_sha256_hex, BlobStore};
use super::small_blobs;
use super::xet::{self, XetFile};
use super::xet_read;
use crate::errors::{HubError, HubResult};
use rusqlite::Connection;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;

/// A stored blob: its whole content when it is in the database (it is small), else its file.
#[derive(Debug)]
pub enum Located {
    Inline(Vec<u8>),
    File {
        path: PathBuf,
        size: u64,
    },
    /// Uploaded through Xet: rebuilt from xorbs.
    Xet(XetFile),
}

impl Located {
    pub fn size(&self) -> u64 {
        match self {
            Located::Inline(data) => data.len() as u64,
            Located::File { size, .. } => *size,
            Located::Xet(file) => file.size,
        }
    }
}

fn missing(sha256: &str) -> HubError {
    HubError::internal(format!("blob {sha256} is missing from the store"))
}

impl BlobStore {
    /// Size of blob `sha256`, `None` if it is stored nowhere (or the id is not a sha256).
    pub fn size(&self, conn: &Connection, sha256: &str) -> HubResult<Option<u64>> {
        if !is_sha256_hex(sha256) {
            return Ok(None);
        }
        if let Some(n) = small_blobs::size(conn, sha256)? {
            return Ok(Some(n));
        }
        if let Some(n) = self.file_size(sha256)? {
            return Ok(Some(n));
        }
        xet::size_by_sha256(conn, sha256)
    }

    /// Whether blob `sha256` is stored (in the database or as a file).
    pub fn contains(&self, conn: &Connection, sha256: &str) -> HubResult<bool> {
        Ok(self.size(conn, sha256)?.is_some())
    }

    /// Where blob `sha256` is, with the content itself for a small blob; `None` if absent.
    pub fn locate(&self, conn: &Connection, sha256: &str) -> HubResult<Option<Located>> {
        if !is_sha256_hex(sha256) {
            return Ok(None);
        }
        if let Some(data) = small_blobs::read(conn, sha256)? {
            return Ok(Some(Located::Inline(data)));
        }
        let Some(path) = self.path(sha256) else {
            return Ok(None);
        };
        match fs::metadata(&path) {
            Ok(m) if m.is_file() => Ok(Some(Located::File {
                path,
                size: m.len(),
            })),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Ok(xet::file_by_sha256(conn, sha256)?.map(Located::Xet))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The whole content of blob `sha256`, which must be `size` bytes long (the size its tree
    /// entry records): anything else is a corrupt store, reported as an internal error.
    pub fn read_all(&self, conn: &Connection, sha256: &str, size: u64) -> HubResult<Vec<u8>> {
        let data = match self.locate(conn, sha256)?.ok_or_else(|| missing(sha256))? {
            Located::Inline(data) => data,
            Located::File { path, .. } => fs::read(path)?,
            Located::Xet(file) => xet_read::read_bytes(conn, self, &file, 0, file.size)?,
        };
        if data.len() as u64 != size {
            return Err(HubError::internal(
                "blob size does not match its tree entry",
            ));
        }
        Ok(data)
    }

    /// Exactly `len` bytes of blob `sha256` from `offset`; an error if the blob is absent or
    /// shorter than that.
    pub fn read_range(
        &self,
        conn: &Connection,
        sha256: &str,
        offset: u64,
        len: u64,
    ) -> HubResult<Vec<u8>> {
        if !is_sha256_hex(sha256) {
            return Err(missing(sha256));
        }
        let buf = match small_blobs::read_range(conn, sha256, offset, len)? {
            Some(buf) => buf,
            None if !self.path(sha256).is_some_and(|p| p.is_file()) => {
                let file = xet::file_by_sha256(conn, sha256)?.ok_or_else(|| missing(sha256))?;
                if offset.saturating_add(len) > file.size {
                    return Err(HubError::internal("blob shorter than expected"));
                }
                xet_read::read_bytes(conn, self, &file, offset, len)?
            }
            None => {
                let path = self.path(sha256).ok_or_else(|| missing(sha256))?;
                let mut f = match File::open(path) {
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(missing(sha256)),
                    other => other?,
                };
                f.seek(SeekFrom::Start(offset))?;
                let mut buf = Vec::with_capacity(len.min(1 << 24) as usize);
                f.take(len).read_to_end(&mut buf)?;
                buf
            }
        };
        if buf.len() as u64 != len {
            return Err(HubError::internal("blob shorter than expected"));
        }
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema;
    use sha2::{Digest, Sha256};

    fn setup() -> (tempfile::TempDir, BlobStore, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let mut conn = Connection::open(dir.path().join("db.sqlite")).unwrap();
        schema::migrate(&mut conn).unwrap();
        (dir, store, conn)
    }

    #[test]
    fn finds_blobs_in_the_database_and_on_disk() {
        let (_dir, store, conn) = setup();
        let small = b"inline content";
        let small_sha = hex::encode(Sha256::digest(small));
        small_blobs::insert(&conn, &small_sha, small).unwrap();
        let big_sha = store.put_bytes(b"a file blob").unwrap();

        assert_eq!(store.size(&conn, &small_sha).unwrap(), Some(14));
        assert_eq!(store.size(&conn, &big_sha).unwrap(), Some(11));
        assert!(store.contains(&conn, &small_sha).unwrap());
        assert!(matches!(
            store.locate(&conn, &small_sha).unwrap(),
            Some(Located::Inline(d)) if d == small
        ));
        assert!(matches!(
            store.locate(&conn, &big_sha).unwrap(),
            Some(Located::File { size: 11, .. })
        ));
        assert_eq!(store.read_all(&conn, &small_sha, 14).unwrap(), small);
        assert_eq!(store.read_all(&conn, &big_sha, 11).unwrap(), b"a file blob");
        assert_eq!(
            store.read_range(&conn, &small_sha, 7, 7).unwrap(),
            b"content"
        );
        assert_eq!(store.read_range(&conn, &big_sha, 2, 4).unwrap(), b"file");
    }

    #[test]
    fn absent_short_and_invalid_blobs() {
        let (_dir, store, conn) = setup();
        let small_sha = "ab".repeat(32);
        small_blobs::insert(&conn, &small_sha, b"12345").unwrap();
        let file_sha = store.put_bytes(b"12345").unwrap();
        let absent = "0".repeat(64);
        for sha in [&small_sha, &file_sha] {
            assert!(store.read_range(&conn, sha, 3, 5).is_err(), "short read");
            assert!(store.read_all(&conn, sha, 6).is_err(), "wrong size");
        }
        assert_eq!(store.size(&conn, &absent).unwrap(), None);
        assert!(store.locate(&conn, &absent).unwrap().is_none());
        assert!(store.read_all(&conn, &absent, 0).is_err());
        assert!(store.read_range(&conn, &absent, 0, 0).is_err());
        assert_eq!(store.size(&conn, "../../etc/passwd").unwrap(), None);
        assert!(store.locate(&conn, &"A".repeat(64)).unwrap().is_none());
    }
}
