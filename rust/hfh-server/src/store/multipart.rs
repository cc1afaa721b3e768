//! The staging area of multipart LFS uploads: `DATA_DIR/tmp/multipart/<upload id>/` holds `data`,
//! the object being assembled (every part written at its own offset, so completion copies
//! nothing), and one `<n>.part` file per received part holding the ETag it was answered with.
//!
//! The object's sha256 is computed while the upload runs: whenever the next part in order is on
//! disk, a blocking worker reads it back and feeds it to the running digest, so completion only
//! has to check the part list, hash what is left (usually nothing), fsync once and rename `data`
//! into the blob store. A part sent again after it was hashed invalidates the running digest, and
//! completion then hashes the whole file: whatever happens, the digest checked against the object
//! id is the digest of the bytes renamed into place.
//!
//! Crash safety: nothing is visible before the rename of a verified, fsynced file. After a
//! restart the in-memory state is rebuilt from the `<n>.part` files (the digest from scratch), so
//! an upload interrupted between its parts and its completion can still be completed. ETags are
//! random per attempt (what a client lists must be the answer to its latest attempt of each part;
//! content is verified through the object's sha256, which spares a second hash of every byte).
//! Directories of abandoned uploads are swept once their URLs expired.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::direct_io::{AlignedBuf, DirectFile, POOLED_CAPACITY};

/// Bytes read at a time when parts are read back for hashing.
const HASH_BUFFER: usize = POOLED_CAPACITY;

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

    /// Offset of part `n` (1-based) in the object.
    pub fn offset(&self, n: u64) -> u64 {
        (n - 1) * self.chunk
    }
}

/// Why an upload could not be completed or a part not accepted.
#[derive(Debug)]
pub enum AssembleError {
    /// The client's fault (a 400): a missing or stale part, content that is not the object.
    Rejected(String),
    /// The upload is busy (a 409): a part is still being received.
    Busy(String),
    Io(io::Error),
}

impl From<io::Error> for AssembleError {
    fn from(e: io::Error) -> Self {
        AssembleError::Io(e)
    }
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

pub struct Staging {
    root: PathBuf,
}

/// Uploads in progress in this process, by staging directory.
fn registry() -> MutexGuard<'static, HashMap<PathBuf, Arc<Upload>>> {
    static UPLOADS: OnceLock<Mutex<HashMap<PathBuf, Arc<Upload>>>> = OnceLock::new();
    UPLOADS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
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

    /// The upload `upload_id` (cut as `plan`, which its signed URLs fix), opened from disk or
    /// created on its first part.
    pub fn open(&self, upload_id: &str, plan: Plan) -> io::Result<Arc<Upload>> {
        let dir = self.dir(upload_id)?;
        let mut uploads = registry();
        if let Some(upload) = uploads.get(&dir) {
            if upload.plan == plan && dir.is_dir() {
                return Ok(upload.clone());
            }
        }
        let upload = Arc::new(Upload::load(dir.clone(), plan)?);
        uploads.insert(dir, upload.clone());
        Ok(upload)
    }

    /// Written once the upload's object is verified, just before it is renamed into the blob
    /// store: a completion retried after a crash between that rename and the recording of the
    /// object finds it (the parts are gone by then, renamed with the object).
    pub fn verified_marker(&self, upload_id: &str) -> io::Result<PathBuf> {
        Ok(self.dir(upload_id)?.join("verified"))
    }

    /// Removes an upload's staging directory (best effort) and forgets its state.
    pub fn discard(&self, upload_id: &str) {
        if let Ok(dir) = self.dir(upload_id) {
            registry().remove(&dir);
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
                registry().remove(&entry.path());
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// One multipart upload: its staging file and what is known about its parts.
pub struct Upload {
    dir: PathBuf,
    plan: Plan,
    file: DirectFile,
    state: Mutex<State>,
    /// Signalled when a part finishes or the hashing worker stops.
    changed: Condvar,
}

struct State {
    /// ETag of each part's latest complete attempt (`None`: not received, or being re-sent).
    etags: Vec<Option<String>>,
    /// Attempts of each part being received right now.
    writing: Vec<u32>,
    /// Parts (a prefix) fed to `digest`.
    hashed: u64,
    /// The running sha256 of parts `1..=hashed`; `None` while the worker holds it.
    digest: Option<Sha256>,
    /// The part the hashing worker is reading (0-based), if it runs.
    worker: Option<u64>,
    /// False once a part was re-sent after (or while) it was hashed: start again at completion.
    digest_valid: bool,
    /// Completion holds the upload: parts are refused.
    completing: bool,
}

/// A part being received: write its bytes with [`PartAttempt::write_at`], then
/// [`PartAttempt::finish`]. Dropped unfinished (a failed or abandoned request), it leaves the
/// part missing. Writers hold it until their last write returns, so the upload never counts a
/// part as settled while bytes of it may still land.
pub struct PartAttempt {
    upload: Arc<Upload>,
    pub n: u64,
    pub offset: u64,
    pub len: u64,
    finished: std::sync::atomic::AtomicBool,
}

impl PartAttempt {
    /// Writes bytes of the part at `offset` of the object (blocking).
    pub fn write_at(&self, data: &[u8], offset: u64) -> io::Result<()> {
        self.upload.file.write_all_at(data, offset)
    }

    /// Records the fully received part; returns its ETag (quoted). Starts hashing it if it is
    /// next in order, on a thread of its own. Blocking.
    pub fn finish(&self) -> io::Result<String> {
        use std::sync::atomic::Ordering;
        if self.finished.swap(true, Ordering::SeqCst) {
            return Err(io::Error::other("part already finished"));
        }
        self.upload.finish_part(self.n)
    }
}

impl Drop for PartAttempt {
    fn drop(&mut self) {
        if !self.finished.load(std::sync::atomic::Ordering::SeqCst) {
            self.upload.abort_part(self.n);
        }
    }
}

impl Upload {
    fn load(dir: PathBuf, plan: Plan) -> io::Result<Self> {
        fs::create_dir_all(&dir)?;
        let file = DirectFile::open_or_create(&dir.join("data"))?;
        let count = plan.parts() as usize;
        let mut etags = vec![None; count];
        // Parts received before a restart (their ETags are all that is needed: the digest is
        // recomputed from the file).
        for (i, slot) in etags.iter_mut().enumerate() {
            match fs::read_to_string(dir.join(format!("{}.part", i + 1))) {
                Ok(etag) => *slot = Some(etag),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Upload {
            dir,
            plan,
            file,
            state: Mutex::new(State {
                etags,
                writing: vec![0; count],
                hashed: 0,
                digest: Some(Sha256::new()),
                worker: None,
                digest_valid: true,
                completing: false,
            }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn marker(&self, n: u64) -> PathBuf {
        self.dir.join(format!("{n}.part"))
    }

    /// Starts receiving part `n` (which the plan has); a part received before is forgotten.
    pub fn begin_part(self: &Arc<Self>, n: u64) -> Result<PartAttempt, AssembleError> {
        let len = self
            .plan
            .part_len(n)
            .ok_or_else(|| AssembleError::Rejected(format!("Unknown part {n}")))?;
        let i = (n - 1) as usize;
        let mut state = self.lock();
        if state.completing {
            return Err(AssembleError::Busy(
                "The upload is being completed".to_string(),
            ));
        }
        state.writing[i] += 1;
        if state.etags[i].take().is_some() {
            // Its marker goes first: a crash while the new bytes land must not leave an ETag
            // naming a half-rewritten part.
            if let Err(e) = fs::remove_file(self.marker(n)) {
                if e.kind() != io::ErrorKind::NotFound {
                    state.writing[i] -= 1;
                    return Err(e.into());
                }
            }
        }
        if (n - 1) < state.hashed || state.worker == Some(n - 1) {
            state.digest_valid = false;
        }
        Ok(PartAttempt {
            upload: self.clone(),
            n,
            offset: self.plan.offset(n),
            len,
            finished: false.into(),
        })
    }

    fn finish_part(self: &Arc<Self>, n: u64) -> io::Result<String> {
        let etag = format!("\"{}\"", crate::util::random_hex(16));
        let (marker, tmp) = (
            self.marker(n),
            self.dir
                .join(format!("{n}.{}.tmp", crate::util::random_hex(6))),
        );
        let written = fs::write(&tmp, &etag).and_then(|()| fs::rename(&tmp, &marker));
        let mut state = self.lock();
        let i = (n - 1) as usize;
        state.writing[i] -= 1;
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        state.etags[i] = Some(etag.clone());
        let start_worker = state.worker.is_none() && self.next_hashable(&state).is_some();
        if start_worker {
            state.worker = Some(state.hashed);
        }
        drop(state);
        self.changed.notify_all();
        if start_worker {
            let upload = self.clone();
            std::thread::spawn(move || upload.hash_ready_parts());
        }
        Ok(etag)
    }

    /// Gives up an attempt that failed (the part stays missing until sent again).
    fn abort_part(&self, n: u64) {
        let mut state = self.lock();
        state.writing[(n - 1) as usize] -= 1;
        drop(state);
        self.changed.notify_all();
    }

    /// The next part (0-based) the running digest can take, if it is on disk and not being
    /// rewritten.
    fn next_hashable(&self, state: &State) -> Option<u64> {
        let i = state.hashed;
        let ready = state.digest_valid
            && i < self.plan.parts()
            && state.etags[i as usize].is_some()
            && state.writing[i as usize] == 0;
        ready.then_some(i)
    }

    /// The hashing worker: feeds parts to the digest in order while the next one is on disk.
    fn hash_ready_parts(&self) {
        let mut buffer = AlignedBuf::new(HASH_BUFFER);
        let mut state = self.lock();
        while let Some(i) = self.next_hashable(&state).filter(|_| !state.completing) {
            let Some(mut digest) = state.digest.take() else {
                break;
            };
            state.worker = Some(i);
            drop(state);
            let n = i + 1;
            let read = self.file.read_range(
                self.plan.offset(n),
                self.plan.part_len(n).unwrap_or(0),
                &mut buffer,
                |bytes| digest.update(bytes),
            );
            state = self.lock();
            state.digest = Some(digest);
            if read.is_err() {
                // Completion reads the file again and reports the error if it persists.
                state.digest_valid = false;
            }
            if state.digest_valid {
                state.hashed = n;
            }
        }
        state.worker = None;
        drop(state);
        self.changed.notify_all();
    }

    /// Completes the upload: checks `etags` (the client's, in part order) against the parts
    /// received, finishes the object's sha256 and compares it with `oid`, and fsyncs the
    /// staging file. Returns its path, ready to be renamed into the blob store. Blocking.
    pub fn complete(&self, etags: &[String], oid: &str) -> Result<PathBuf, AssembleError> {
        let mut state = self.lock();
        if let Some(i) = state.writing.iter().position(|&w| w > 0) {
            return Err(AssembleError::Busy(format!(
                "Part {} is still being uploaded",
                i + 1
            )));
        }
        // From here parts are refused; the worker stops at its next part boundary.
        state.completing = true;
        while state.worker.is_some() {
            state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        let checked = self.check_etags(&state, etags);
        // Where the running digest got (from scratch if it cannot be trusted); it is consumed
        // either way, so a later attempt after a rejection starts again.
        let (digest, hashed) = match (state.digest.take(), state.digest_valid) {
            (Some(digest), true) => (digest, state.hashed),
            _ => (Sha256::new(), 0),
        };
        state.digest = Some(Sha256::new());
        (state.hashed, state.digest_valid) = (0, true);
        drop(state);
        let result = checked.and_then(|()| self.finish_digest(digest, hashed, oid));
        self.lock().completing = false;
        result
    }

    fn check_etags(&self, state: &State, etags: &[String]) -> Result<(), AssembleError> {
        if etags.len() as u64 != self.plan.parts() {
            return Err(AssembleError::Rejected(format!(
                "The object has {} parts, the completion lists {}",
                self.plan.parts(),
                etags.len()
            )));
        }
        for (i, (listed, received)) in etags.iter().zip(&state.etags).enumerate() {
            let Some(received) = received else {
                return Err(AssembleError::Rejected(format!(
                    "Part {} was not uploaded",
                    i + 1
                )));
            };
            if listed.trim().trim_matches('"') != received.trim_matches('"') {
                return Err(AssembleError::Rejected(format!(
                    "ETag of part {} does not match the uploaded part",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    /// Hashes parts `hashed + 1..` into `digest`, compares the result with `oid`, and fsyncs.
    fn finish_digest(
        &self,
        mut digest: Sha256,
        hashed: u64,
        oid: &str,
    ) -> Result<PathBuf, AssembleError> {
        let len = self.file.len()?;
        if len != self.plan.size {
            return Err(AssembleError::Rejected(format!(
                "The parts hold {len} bytes, the object has {}",
                self.plan.size
            )));
        }
        let offset = (hashed * self.plan.chunk).min(self.plan.size);
        let mut buffer = AlignedBuf::new(HASH_BUFFER);
        self.file
            .read_range(offset, self.plan.size - offset, &mut buffer, |bytes| {
                digest.update(bytes)
            })?;
        let digest = hex::encode(digest.finalize());
        if digest != oid {
            return Err(AssembleError::Rejected(format!(
                "Content sha256 {digest} does not match the object id {oid}"
            )));
        }
        self.file.sync_all()?;
        Ok(self.file.path().to_path_buf())
    }
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;
