//! An upload session from start to shard.
//!
//! The calling thread reads each input once, in 8 MiB blocks: it chunks and hashes the blocks
//! while a helper thread computes the SHA-256 of the same blocks (large files only; small ones are
//! hashed inline). Xorbs cut by the session go through a channel of one to the uploader on the
//! shared runtime, which serializes (compresses) each on a blocking thread and sends up to
//! `max_concurrent_xorbs` at once; the channel blocks the reader when they are all busy, so memory
//! stays at a few xorbs whatever the input size. Once every xorb is stored the shard goes up.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc as std_mpsc, Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hfh_core::oid::Sha256Stream;
use hfh_core::transfer::{cancelled, runtime_and_client};
use hfh_core::Cancel;
use tokio::sync::{mpsc, Semaphore};

use super::crc64::crc64_nvme;
use super::http::Http;
use super::session::{CutXorb, Session, UploadedFile};
use super::shard_upload::upload_shard;
use super::token::TokenSource;
use super::xorb_upload::{upload_xorb, GrantSupport, XorbUpload};
use super::{CasError, CasOptions};
use crate::chunking::Chunker;
use crate::compression::CompressionPolicy;

/// Size of the blocks inputs are read in.
const READ_BLOCK: usize = 8 * 1024 * 1024;
/// Files at least this large get their SHA-256 computed on a helper thread.
const PARALLEL_SHA_MIN: u64 = 2 * READ_BLOCK as u64;

/// Where the content of one upload comes from.
#[derive(Clone, Debug)]
pub enum UploadSource {
    Path(PathBuf),
    Bytes(Bytes),
}

#[derive(Clone, Debug)]
pub struct UploadItem {
    pub source: UploadSource,
    /// The SHA-256 when the caller already knows it (it is then not computed again).
    pub sha256: Option<[u8; 32]>,
    /// `(size, mtime in ns)` the file had when `sha256` was computed: a file that no longer
    /// matches is refused instead of being uploaded under a wrong SHA-256.
    pub expected_stat: Option<(u64, i128)>,
}

/// Live counters, readable from another thread during the upload.
#[derive(Debug, Default)]
pub struct UploadProgress {
    /// Bytes of all inputs.
    pub total_bytes: AtomicU64,
    /// Bytes read, chunked and hashed.
    pub processed_bytes: AtomicU64,
    /// Bytes of the xorbs and shard made so far (what has to be sent).
    pub transfer_bytes: AtomicU64,
    /// Bytes sent.
    pub transferred_bytes: Arc<AtomicU64>,
}

#[derive(Clone, Debug, Default)]
pub struct UploadReport {
    /// One per input, in input order.
    pub files: Vec<UploadedFile>,
    pub xorbs: u64,
    /// Bytes of the serialized xorbs (what was sent, retries aside).
    pub xorb_bytes: u64,
    pub shard_bytes: u64,
    /// Content bytes that went into new xorbs, and those found again in the session.
    pub new_bytes: u64,
    pub deduped_bytes: u64,
    /// The shard API version the CAS took (1 or 2).
    pub shard_api: u8,
}

/// Uploads `items` as one session and registers them with one shard.
pub fn upload(
    items: Vec<UploadItem>,
    tokens: TokenSource,
    opts: CasOptions,
    progress: Arc<UploadProgress>,
    cancel: &Cancel,
) -> Result<UploadReport, CasError> {
    let (runtime, client) = runtime_and_client(opts.connect_timeout)
        .map_err(|e| CasError::Invalid(format!("cannot start the transfer engine: {e}")))?;
    for item in &items {
        let size = match &item.source {
            UploadSource::Path(path) => std::fs::metadata(path)
                .map_err(|source| CasError::Io {
                    path: path.clone(),
                    source,
                })?
                .len(),
            UploadSource::Bytes(bytes) => bytes.len() as u64,
        };
        progress.total_bytes.fetch_add(size, Ordering::Relaxed);
    }
    let max_concurrent = opts.max_concurrent_xorbs.max(1);
    let compression = opts.compression;
    let http = Arc::new(Http::new(client, opts, cancel.clone(), &session_id())?);
    let tokens = Arc::new(tokens);
    let grants = Arc::new(GrantSupport::default());
    let stats = Arc::new(XorbStats::default());

    let (tx, rx) = mpsc::channel::<CutXorb>(1);
    let uploader = runtime.spawn(run_uploader(
        rx,
        Uploader {
            http: http.clone(),
            tokens: tokens.clone(),
            grants,
            progress: progress.clone(),
            stats: stats.clone(),
            compression,
        },
        max_concurrent,
    ));
    let produced = produce(items, &tx, &progress, cancel);
    drop(tx);
    let uploaded = runtime.block_on(uploader);
    let (session, files) = match (produced, uploaded) {
        (_, Err(join)) => return Err(CasError::Invalid(format!("xorb uploader failed: {join}"))),
        // The uploader's failure is the cause when the reader stopped because it went away.
        (Err(CasError::Cancelled), Ok(Err(error))) => return Err(error),
        (Err(error), _) => return Err(error),
        (Ok(_), Ok(Err(error))) => return Err(error),
        (Ok(done), Ok(Ok(()))) => done,
    };
    let shard = session.shard().upload_bytes();
    progress
        .transfer_bytes
        .fetch_add(shard.len() as u64, Ordering::Relaxed);
    let shard_bytes = shard.len() as u64;
    let shard_api = runtime.block_on(upload_shard(&http, &tokens, Bytes::from(shard)))?;
    progress
        .transferred_bytes
        .fetch_add(shard_bytes, Ordering::Relaxed);
    Ok(UploadReport {
        files,
        xorbs: stats.xorbs.load(Ordering::Relaxed),
        xorb_bytes: stats.bytes.load(Ordering::Relaxed),
        shard_bytes,
        new_bytes: session.new_bytes,
        deduped_bytes: session.deduped_bytes,
        shard_api,
    })
}

/// A UUIDv7 (time-ordered), as `hf_xet` uses for `X-Xet-Session-Id`.
fn session_id() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    bytes[6] = 0x70 | (bytes[6] & 0x0F);
    bytes[8] = 0x80 | (bytes[8] & 0x3F);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[derive(Default)]
struct XorbStats {
    xorbs: AtomicU64,
    bytes: AtomicU64,
}

#[derive(Clone)]
struct Uploader {
    http: Arc<Http>,
    tokens: Arc<TokenSource>,
    grants: Arc<GrantSupport>,
    progress: Arc<UploadProgress>,
    stats: Arc<XorbStats>,
    compression: CompressionPolicy,
}

impl Uploader {
    async fn upload(&self, xorb: CutXorb) -> Result<(), CasError> {
        let with_crc = self.grants.may_use_grants();
        let compression = self.compression;
        let (bytes, crc64) = tokio::task::spawn_blocking(move || {
            let serialized = xorb.data.serialize(compression);
            let crc = with_crc.then(|| crc64_nvme(&serialized.bytes));
            (serialized.bytes, crc)
        })
        .await
        .map_err(|e| CasError::Invalid(format!("xorb serialization failed: {e}")))?;
        let len = bytes.len() as u64;
        self.progress
            .transfer_bytes
            .fetch_add(len, Ordering::Relaxed);
        let upload = XorbUpload {
            hash: xorb.hash,
            bytes: Bytes::from(bytes),
            crc64,
        };
        upload_xorb(
            &self.http,
            &self.tokens,
            &self.grants,
            &upload,
            &self.progress.transferred_bytes,
        )
        .await?;
        self.stats.xorbs.fetch_add(1, Ordering::Relaxed);
        self.stats.bytes.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }
}

/// Takes xorbs from the reader and uploads up to `max_concurrent` at once; stops at the first
/// failure (dropping the channel, which stops the reader).
async fn run_uploader(
    mut rx: mpsc::Receiver<CutXorb>,
    uploader: Uploader,
    max_concurrent: usize,
) -> Result<(), CasError> {
    let permits = Arc::new(Semaphore::new(max_concurrent));
    let failed = Cancel::new();
    let failure: Arc<Mutex<Option<CasError>>> = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("semaphore is never closed"),
            _ = cancelled(&failed) => break,
        };
        let xorb = tokio::select! {
            xorb = rx.recv() => xorb,
            _ = cancelled(&failed) => break,
        };
        let Some(xorb) = xorb else { break };
        let (uploader, failed, failure) = (uploader.clone(), failed.clone(), failure.clone());
        tasks.spawn(async move {
            if let Err(error) = uploader.upload(xorb).await {
                failure.lock().unwrap().get_or_insert(error);
                failed.cancel();
            }
            drop(permit);
        });
        // Reap what finished, so the set does not grow with the session.
        while tasks.try_join_next().is_some() {}
    }
    drop(rx);
    if failed.is_cancelled() {
        tasks.abort_all();
    }
    while tasks.join_next().await.is_some() {}
    let error = failure.lock().unwrap().take();
    match error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

fn send(tx: &mpsc::Sender<CutXorb>, xorb: Option<CutXorb>) -> Result<(), CasError> {
    match xorb {
        Some(xorb) => tx.blocking_send(xorb).map_err(|_| CasError::Cancelled),
        None => Ok(()),
    }
}

fn produce(
    items: Vec<UploadItem>,
    tx: &mpsc::Sender<CutXorb>,
    progress: &UploadProgress,
    cancel: &Cancel,
) -> Result<(Session, Vec<UploadedFile>), CasError> {
    let mut session = Session::new();
    let mut files = Vec::with_capacity(items.len());
    for item in items {
        let uploaded = match &item.source {
            UploadSource::Path(path) => {
                chunk_file(&mut session, path, &item, tx, progress, cancel)?
            }
            UploadSource::Bytes(bytes) => {
                let mut reader: &[u8] = bytes;
                let sink = Sink {
                    session: &mut session,
                    tx,
                    progress,
                    cancel,
                };
                let (uploaded, _) = sink
                    .read_all(&mut reader, bytes.len() as u64, item.sha256)
                    .map_err(|e| match e {
                        ReadFailure::Io(source) => CasError::Io {
                            path: PathBuf::from("<bytes>"),
                            source,
                        },
                        ReadFailure::Cas(error) => error,
                    })?;
                uploaded
            }
        };
        files.push(uploaded);
    }
    send(tx, session.finish())?;
    Ok((session, files))
}

fn stat(file: &File) -> io::Result<(u64, i128)> {
    let meta = file.metadata()?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    Ok((meta.len(), mtime))
}

fn chunk_file(
    session: &mut Session,
    path: &Path,
    item: &UploadItem,
    tx: &mpsc::Sender<CutXorb>,
    progress: &UploadProgress,
    cancel: &Cancel,
) -> Result<UploadedFile, CasError> {
    let io_error = |source| CasError::Io {
        path: path.to_path_buf(),
        source,
    };
    let changed = |message: String| CasError::FileChanged {
        path: path.to_path_buf(),
        message,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let before = stat(&file).map_err(io_error)?;
    if let (Some(expected), Some(_)) = (item.expected_stat, item.sha256) {
        if expected != before {
            return Err(changed(
                "the file changed after its SHA-256 was computed".into(),
            ));
        }
    }
    let sink = Sink {
        session,
        tx,
        progress,
        cancel,
    };
    let (uploaded, read) =
        sink.read_all(&mut file, before.0, item.sha256)
            .map_err(|e| match e {
                ReadFailure::Io(source) => io_error(source),
                ReadFailure::Cas(error) => error,
            })?;
    let after = stat(&file).map_err(io_error)?;
    if after != before || read != before.0 {
        return Err(changed(format!(
            "the file changed while it was uploaded ({} bytes and mtime {} ns when it was \
             opened; {} bytes read, {} bytes and mtime {} ns at the end)",
            before.0, before.1, read, after.0, after.1
        )));
    }
    Ok(uploaded)
}

enum ReadFailure {
    Io(io::Error),
    Cas(CasError),
}

struct Sink<'a> {
    session: &'a mut Session,
    tx: &'a mpsc::Sender<CutXorb>,
    progress: &'a UploadProgress,
    cancel: &'a Cancel,
}

fn read_block<R: Read>(reader: &mut R, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl Sink<'_> {
    /// Chunks everything `reader` yields (about `size` bytes) into the session; returns the
    /// file's result and the number of bytes read.
    fn read_all<R: Read>(
        self,
        reader: &mut R,
        size: u64,
        known_sha256: Option<[u8; 32]>,
    ) -> Result<(UploadedFile, u64), ReadFailure> {
        if known_sha256.is_none() && size >= PARALLEL_SHA_MIN {
            return self.read_all_with_sha_thread(reader);
        }
        let mut sha = known_sha256.is_none().then(Sha256Stream::new);
        let mut buffer = vec![0u8; READ_BLOCK.min(size as usize + 1).max(64 * 1024)];
        let mut chunker = Chunker::new();
        let mut file = self.session.start_file();
        let mut read = 0u64;
        loop {
            if self.cancel.is_cancelled() {
                return Err(ReadFailure::Cas(CasError::Cancelled));
            }
            let n = read_block(reader, &mut buffer).map_err(ReadFailure::Io)?;
            if n == 0 {
                break;
            }
            if let Some(sha) = &mut sha {
                sha.update(&buffer[..n]);
            }
            for chunk in chunker.next_block(&buffer[..n], false) {
                send(self.tx, self.session.add_chunk(&mut file, chunk))
                    .map_err(ReadFailure::Cas)?;
            }
            read += n as u64;
            self.progress
                .processed_bytes
                .fetch_add(n as u64, Ordering::Relaxed);
        }
        if let Some(chunk) = chunker.finish() {
            send(self.tx, self.session.add_chunk(&mut file, chunk)).map_err(ReadFailure::Cas)?;
        }
        let digest = match (known_sha256, sha) {
            (Some(known), _) => known,
            (None, Some(sha)) => sha.digest(),
            (None, None) => unreachable!("a SHA-256 is computed when none is given"),
        };
        let (uploaded, cut) = self.session.finish_file(file, digest);
        send(self.tx, cut).map_err(ReadFailure::Cas)?;
        Ok((uploaded, read))
    }

    /// [`Self::read_all`] with the SHA-256 computed on a helper thread from the same blocks.
    fn read_all_with_sha_thread<R: Read>(
        self,
        reader: &mut R,
    ) -> Result<(UploadedFile, u64), ReadFailure> {
        // Blocks in flight: one being read and chunked, one being hashed, one queued.
        const BUFFERS: usize = 3;
        let (full_tx, full_rx) = std_mpsc::sync_channel::<(Arc<Vec<u8>>, usize)>(BUFFERS);
        let (spare_tx, spare_rx) = std_mpsc::channel::<Arc<Vec<u8>>>();
        std::thread::scope(|scope| {
            let helper = scope.spawn(move || {
                let mut sha = Sha256Stream::new();
                for (block, len) in full_rx {
                    sha.update(&block[..len]);
                    let _ = spare_tx.send(block);
                }
                sha.digest()
            });
            let mut chunker = Chunker::new();
            let mut file = self.session.start_file();
            let mut read = 0u64;
            let mut allocated = 0;
            let outcome = loop {
                if self.cancel.is_cancelled() {
                    break Err(ReadFailure::Cas(CasError::Cancelled));
                }
                let spare = match spare_rx.try_recv() {
                    Ok(spare) => Some(spare),
                    Err(_) if allocated < BUFFERS => None,
                    Err(_) => match spare_rx.recv() {
                        Ok(spare) => Some(spare),
                        Err(_) => {
                            break Err(ReadFailure::Io(io::Error::other("hashing thread stopped")))
                        }
                    },
                };
                // The helper gave the block back, and this thread let go of it after chunking,
                // so it is ours alone again.
                let mut buffer = match spare.map(Arc::try_unwrap) {
                    Some(Ok(buffer)) => buffer,
                    _ => {
                        allocated += 1;
                        vec![0u8; READ_BLOCK]
                    }
                };
                let n = match read_block(reader, &mut buffer) {
                    Ok(n) => n,
                    Err(e) => break Err(ReadFailure::Io(e)),
                };
                if n == 0 {
                    break Ok(());
                }
                let block = Arc::new(buffer);
                if full_tx.send((block.clone(), n)).is_err() {
                    break Err(ReadFailure::Io(io::Error::other("hashing thread stopped")));
                }
                let mut failed = None;
                for chunk in chunker.next_block(&block[..n], false) {
                    if let Err(error) = send(self.tx, self.session.add_chunk(&mut file, chunk)) {
                        failed = Some(error);
                        break;
                    }
                }
                drop(block);
                if let Some(error) = failed {
                    break Err(ReadFailure::Cas(error));
                }
                read += n as u64;
                self.progress
                    .processed_bytes
                    .fetch_add(n as u64, Ordering::Relaxed);
                if n < READ_BLOCK {
                    break Ok(());
                }
            };
            drop(full_tx);
            let digest = helper
                .join()
                .map_err(|_| ReadFailure::Io(io::Error::other("hashing thread panicked")))?;
            outcome?;
            if let Some(chunk) = chunker.finish() {
                send(self.tx, self.session.add_chunk(&mut file, chunk))
                    .map_err(ReadFailure::Cas)?;
            }
            let (uploaded, cut) = self.session.finish_file(file, digest);
            send(self.tx, cut).map_err(ReadFailure::Cas)?;
            Ok((uploaded, read))
        })
    }
}
