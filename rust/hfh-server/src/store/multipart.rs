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

use std::collections::{BTreeMap, HashMap};
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

    /// Removes staging directories untouched for `max_age` (their URLs have expired), and
    /// releases the memory of uploads idle for [`IDLE_RELEASE`] (a client that gave up would
    /// otherwise pin the buffers kept ahead of its digest; completion reads them back instead).
    pub fn sweep(&self, max_age: Duration) {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let age = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok());
            if age.is_some_and(|age| age > max_age) {
                registry().remove(&entry.path());
                let _ = fs::remove_dir_all(entry.path());
            } else if age.is_some_and(|age| age > IDLE_RELEASE) {
                let upload = registry().get(&entry.path()).cloned();
                if let Some(upload) = upload {
                    let mut state = upload.lock();
                    state.ahead.clear();
                    state.retained = 0;
                }
            }
        }
    }
}

/// How long an upload may go without a part finishing before its kept buffers are released.
const IDLE_RELEASE: Duration = Duration::from_secs(600);

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
    /// Bytes of the object (a prefix) fed to `digest`.
    hashed: u64,
    /// The running sha256 of bytes `..hashed`; `None` while the hashing worker holds it.
    digest: Option<Sha256>,
    /// Buffers received ahead of `hashed`, by object offset, kept (up to `RETAIN_LIMIT` bytes)
    /// so they are hashed from memory once the bytes before them are in.
    ahead: BTreeMap<u64, AlignedBuf>,
    retained: usize,
    /// `RETAIN_LIMIT` (tests lower it).
    retain_limit: usize,
    /// A hashing worker runs.
    worker: bool,
    /// False once a part was re-sent after (or while) it was hashed: start again at completion.
    digest_valid: bool,
    /// Completion holds the upload: parts are refused.
    completing: bool,
}

/// Most bytes of one upload kept in memory ahead of its digest; beyond that, buffers are
/// dropped and their bytes read back from the file once their part is complete.
const RETAIN_LIMIT: usize = 192 << 20;

/// A part being received: write its bytes with [`PartAttempt::write`], then
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
    /// Writes `buffer` at `offset` of the object, then hands it to the running digest (which
    /// may keep it); returns the buffer unless it was kept. Blocking.
    pub fn write(&self, buffer: AlignedBuf, offset: u64) -> io::Result<Option<AlignedBuf>> {
        self.upload.file.write_all_at(buffer.as_slice(), offset)?;
        Ok(self.upload.offer(self.n, buffer, offset))
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
                ahead: BTreeMap::new(),
                retained: 0,
                retain_limit: RETAIN_LIMIT,
                worker: false,
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
        // Another attempt of this part still writing could land its bytes over this one's
        // after they were hashed from memory: only a read of the file can be trusted then.
        if state.writing[i] > 0 {
            state.digest_valid = false;
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
        let (start, end) = (self.plan.offset(n), self.plan.offset(n) + len);
        // Hashed already, or being read back by the worker right now.
        let reading = state.worker && (start..end).contains(&state.hashed);
        if start < state.hashed || reading {
            state.digest_valid = false;
        }
        self.drop_retained(&mut state, start, end);
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
        let start_worker = self.claim_worker(&mut state);
        drop(state);
        self.changed.notify_all();
        if start_worker {
            let upload = self.clone();
            std::thread::spawn(move || upload.hash_ready());
        }
        Ok(etag)
    }

    /// Gives up an attempt that failed (the part stays missing until sent again).
    fn abort_part(&self, n: u64) {
        let mut state = self.lock();
        state.writing[(n - 1) as usize] -= 1;
        // What it received will be sent again (if at all).
        let start = self.plan.offset(n);
        let end = start + self.plan.part_len(n).unwrap_or(0);
        self.drop_retained(&mut state, start, end);
        drop(state);
        self.changed.notify_all();
    }

    /// Forgets buffers kept for bytes `[start, end)` (their part is being sent again).
    fn drop_retained(&self, state: &mut State, start: u64, end: u64) {
        let keys: Vec<u64> = state.ahead.range(start..end).map(|(k, _)| *k).collect();
        for key in keys {
            if let Some(buffer) = state.ahead.remove(&key) {
                state.retained -= buffer.len();
            }
        }
    }

    /// A buffer of part `n` just written at `offset`: kept for the digest if it is next or
    /// within the memory budget (a worker hashes it), else given back.
    fn offer(self: &Arc<Self>, n: u64, buffer: AlignedBuf, offset: u64) -> Option<AlignedBuf> {
        let mut state = self.lock();
        let useful = state.digest_valid && !state.completing && offset >= state.hashed;
        // Only the attempt that owns the part alone may feed the digest from memory.
        let sole = state.writing[(n - 1) as usize] == 1;
        let fits = offset == state.hashed || state.retained + buffer.len() <= state.retain_limit;
        if !(useful && sole && fits) || state.ahead.contains_key(&offset) {
            return Some(buffer);
        }
        state.retained += buffer.len();
        state.ahead.insert(offset, buffer);
        let start_worker = self.claim_worker(&mut state);
        drop(state);
        if start_worker {
            let upload = self.clone();
            std::thread::spawn(move || upload.hash_ready());
        }
        None
    }

    /// Marks the worker as running if there is work for it and none runs yet.
    fn claim_worker(&self, state: &mut State) -> bool {
        let idle = !state.worker && state.digest.is_some() && !state.completing;
        if idle && self.next_step(state).is_some() {
            state.worker = true;
            return true;
        }
        false
    }

    /// What the digest can take next: a kept buffer starting at `hashed`, or the rest of the
    /// part `hashed` falls in, read back from the file, once that part is complete.
    fn next_step(&self, state: &State) -> Option<Step> {
        if !state.digest_valid || state.hashed >= self.plan.size {
            return None;
        }
        if state.ahead.contains_key(&state.hashed) {
            return Some(Step::Memory);
        }
        let n = state.hashed / self.plan.chunk + 1;
        let i = (n - 1) as usize;
        let complete = state.etags[i].is_some() && state.writing[i] == 0;
        let end = self.plan.offset(n) + self.plan.part_len(n)?;
        complete.then_some(Step::ReadBack { end })
    }

    /// The hashing worker: feeds the digest in order for as long as the next bytes are there.
    fn hash_ready(&self) {
        let mut buffer: Option<AlignedBuf> = None;
        let mut state = self.lock();
        while let Some(step) = self.next_step(&state).filter(|_| !state.completing) {
            let Some(mut digest) = state.digest.take() else {
                break;
            };
            let from = state.hashed;
            let to = match step {
                Step::Memory => {
                    let kept = state.ahead.remove(&from).expect("kept buffer");
                    state.retained -= kept.len();
                    drop(state);
                    digest.update(kept.as_slice());
                    from + kept.len() as u64
                }
                Step::ReadBack { end } => {
                    drop(state);
                    let buffer = buffer.get_or_insert_with(|| AlignedBuf::new(HASH_BUFFER));
                    match self
                        .file
                        .read_range(from, end - from, buffer, |bytes| digest.update(bytes))
                    {
                        Ok(()) => end,
                        // Completion reads the file again and reports the error if it persists.
                        Err(_) => 0,
                    }
                }
            };
            state = self.lock();
            state.digest = Some(digest);
            if to == 0 {
                state.digest_valid = false;
            }
            // A part re-sent meanwhile left `digest_valid` false: the digest is not used then.
            if state.digest_valid {
                state.hashed = to;
                // Kept buffers now behind the digest (read back instead) are of no use.
                let stale: Vec<u64> = state.ahead.range(..to).map(|(k, _)| *k).collect();
                for key in stale {
                    if let Some(b) = state.ahead.remove(&key) {
                        state.retained -= b.len();
                    }
                }
            }
        }
        state.worker = false;
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
        // From here parts are refused; the worker stops after its current step.
        state.completing = true;
        state.ahead.clear();
        state.retained = 0;
        while state.worker {
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

    /// Hashes bytes `hashed..` into `digest`, compares the result with `oid`, and fsyncs.
    fn finish_digest(
        &self,
        mut digest: Sha256,
        hashed: u64,
        oid: &str,
    ) -> Result<PathBuf, AssembleError> {
        let len = self.file.size()?;
        if len != self.plan.size {
            return Err(AssembleError::Rejected(format!(
                "The parts hold {len} bytes, the object has {}",
                self.plan.size
            )));
        }
        let offset = hashed.min(self.plan.size);
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

enum Step {
    Memory,
    ReadBack { end: u64 },
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;
