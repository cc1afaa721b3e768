//! The staging area of multipart LFS uploads: `DATA_DIR/tmp/multipart/<upload id>/<n>.part`.
//!
//! Each part is received into its own temporary file and renamed over `<n>.part` once complete
//! and fsynced, so a retried part replaces the earlier one whole. Completion reads the parts in
//! order into one temporary file of the blob store, checking each part's hash against the ETag
//! the client reports and the whole object's size and sha256; only a complete, verified object
//! is renamed into the blob store. The upload's directory is removed after completion, whether it
//! succeeded or not, and directories of abandoned uploads are swept once their URLs expired.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// Bytes copied at a time while assembling.
const COPY_BUFFER: usize = 1 << 20;

/// How an object of `size` bytes is cut into parts of `chunk` bytes (the last may be shorter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub size: u64,
    pub chunk: u64,
}

impl Plan {
    pub fn parts(&self) -> u64 {
        self.size.div_ceil(self.chunk.max(1))
    }

    /// Length of part `n` (1-based), `None` outside `1..=parts()`.
    pub fn part_len(&self, n: u64) -> Option<u64> {
        (n >= 1 && n <= self.parts()).then(|| self.chunk.min(self.size - (n - 1) * self.chunk))
    }
}

/// Why parts could not be assembled into the object (the client's fault: a 400).
#[derive(Debug)]
pub enum AssembleError {
    Rejected(String),
    Io(io::Error),
}

impl From<io::Error> for AssembleError {
    fn from(e: io::Error) -> Self {
        AssembleError::Io(e)
    }
}

pub struct Staging {
    root: PathBuf,
}

/// Upload ids are 32 lower-case hex digits (never a path component of our choosing otherwise).
pub fn is_upload_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn new_upload_id() -> String {
    crate::util::random_hex(16)
}

impl Staging {
    pub fn new(data_dir: &Path) -> Self {
        Staging {
            root: data_dir.join("tmp").join("multipart"),
        }
    }

    fn dir(&self, upload_id: &str) -> io::Result<PathBuf> {
        if !is_upload_id(upload_id) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad upload id"));
        }
        Ok(self.root.join(upload_id))
    }

    /// A fresh temporary file name for part `n`, its directory created.
    pub fn part_tmp(&self, upload_id: &str, n: u64) -> io::Result<PathBuf> {
        let dir = self.dir(upload_id)?;
        fs::create_dir_all(&dir)?;
        Ok(dir.join(format!("{n}.{}.tmp", crate::util::random_hex(8))))
    }

    /// Installs a received, fsynced part (replacing an earlier attempt of the same part).
    pub fn commit_part(&self, tmp: &Path, upload_id: &str, n: u64) -> io::Result<()> {
        let dir = self.dir(upload_id)?;
        fs::rename(tmp, dir.join(format!("{n}.part")))
    }

    /// Concatenates the parts into `dest` (a new file), checking that part `n` hashes to
    /// `etags[n - 1]` (quoted sha256, quotes optional) and the whole to `size` bytes of `oid`.
    /// `dest` is fsynced on success; the caller removes it on failure.
    pub fn assemble(
        &self,
        upload_id: &str,
        plan: Plan,
        etags: &[String],
        oid: &str,
        dest: &Path,
    ) -> Result<(), AssembleError> {
        let dir = self.dir(upload_id)?;
        let mut out = OpenOptions::new().write(true).create_new(true).open(dest)?;
        let mut whole = Sha256::new();
        let mut total = 0u64;
        let mut buffer = vec![0u8; COPY_BUFFER];
        for (i, etag) in etags.iter().enumerate() {
            let n = i as u64 + 1;
            let expected_len = plan.part_len(n).unwrap_or(0);
            let mut part = match File::open(dir.join(format!("{n}.part"))) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(AssembleError::Rejected(format!(
                        "Part {n} was not uploaded"
                    )))
                }
                Err(e) => return Err(e.into()),
            };
            let len = part.metadata()?.len();
            if len != expected_len {
                return Err(AssembleError::Rejected(format!(
                    "Part {n} has {len} bytes, expected {expected_len}"
                )));
            }
            let mut hasher = Sha256::new();
            loop {
                let read = part.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                hasher.update(&buffer[..read]);
                whole.update(&buffer[..read]);
                out.write_all(&buffer[..read])?;
                total += read as u64;
            }
            let digest = hex::encode(hasher.finalize());
            if etag.trim().trim_matches('"') != digest {
                return Err(AssembleError::Rejected(format!(
                    "ETag of part {n} does not match the uploaded part"
                )));
            }
        }
        if total != plan.size {
            return Err(AssembleError::Rejected(format!(
                "The parts hold {total} bytes, the object has {}",
                plan.size
            )));
        }
        let digest = hex::encode(whole.finalize());
        if digest != oid {
            return Err(AssembleError::Rejected(format!(
                "Content sha256 {digest} does not match the object id {oid}"
            )));
        }
        out.sync_all()?;
        Ok(())
    }

    /// Removes an upload's staging directory (best effort).
    pub fn discard(&self, upload_id: &str) {
        if let Ok(dir) = self.dir(upload_id) {
            let _ = fs::remove_dir_all(dir);
        }
    }

    /// Removes staging directories untouched for `max_age` (their URLs have expired).
    pub fn sweep(&self, max_age: Duration) {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > max_age);
            if stale {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_cut_objects_into_parts() {
        let plan = Plan { size: 10, chunk: 4 };
        assert_eq!(plan.parts(), 3);
        assert_eq!(
            (1..=4).map(|n| plan.part_len(n)).collect::<Vec<_>>(),
            [Some(4), Some(4), Some(2), None]
        );
        assert_eq!(plan.part_len(0), None);
        assert_eq!(Plan { size: 8, chunk: 4 }.parts(), 2);
        assert_eq!(Plan { size: 0, chunk: 4 }.parts(), 0);
    }

    #[test]
    fn assembles_verified_parts_and_refuses_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(dir.path());
        let id = new_upload_id();
        let content = b"0123456789";
        let oid = hex::encode(Sha256::digest(content));
        let plan = Plan { size: 10, chunk: 4 };
        let mut etags = Vec::new();
        for (i, chunk) in content.chunks(4).enumerate() {
            let tmp = staging.part_tmp(&id, i as u64 + 1).unwrap();
            fs::write(&tmp, chunk).unwrap();
            staging.commit_part(&tmp, &id, i as u64 + 1).unwrap();
            etags.push(format!("\"{}\"", hex::encode(Sha256::digest(chunk))));
        }
        let dest = dir.path().join("out");
        staging.assemble(&id, plan, &etags, &oid, &dest).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), content);

        let reject = |etags: &[String], oid: &str| {
            let dest = dir
                .path()
                .join(format!("out-{}", crate::util::random_hex(4)));
            match staging.assemble(&id, plan, etags, oid, &dest) {
                Err(AssembleError::Rejected(message)) => message,
                other => panic!("{other:?}"),
            }
        };
        let mut wrong = etags.clone();
        wrong[1] = "\"abc\"".into();
        assert!(reject(&wrong, &oid).contains("ETag of part 2"));
        assert!(reject(&etags, &"0".repeat(64)).contains("does not match"));
        assert!(reject(&etags[..2], &oid).contains("hold 8 bytes"));
        fs::remove_file(dir.path().join("tmp/multipart").join(&id).join("3.part")).unwrap();
        assert!(reject(&etags, &oid).contains("Part 3 was not uploaded"));
        staging.discard(&id);
        assert!(!dir.path().join("tmp/multipart").join(&id).exists());
        assert!(staging.part_tmp("../x", 1).is_err());
    }
}
