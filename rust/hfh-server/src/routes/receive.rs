//! Receiving an upload body into a file at an offset: the bytes are gathered into large aligned
//! buffers, and each full buffer is written (and, for a basic upload, hashed) on a blocking
//! thread while the next one fills, so the executor only moves bytes from the socket into memory
//! and the disk, the hash and the network all work at once. The buffers are reused for the whole
//! body (fresh memory is slow to touch on these machines, see `store::direct_io`).

use std::io;
use std::sync::Arc;

use axum::body::Body;
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;

use crate::errors::{HubError, HubResult};
use crate::store::direct_io::{AlignedBuf, DirectFile, POOLED_CAPACITY};
use crate::store::multipart::PartAttempt;

/// Bytes gathered before each write (two such buffers per request at most, reused).
const RECEIVE_BUFFER: usize = POOLED_CAPACITY;

/// Where a body goes.
#[derive(Clone)]
pub enum Sink {
    /// A new file (a basic upload): written, and hashed on the way.
    File(Arc<DirectFile>),
    /// A part of a multipart upload: written, then offered to the upload's running digest.
    Part(Arc<PartAttempt>),
}

type Flushed = io::Result<(Option<AlignedBuf>, Option<Sha256>)>;

struct Pipeline {
    sink: Sink,
    /// Where the next buffer goes.
    position: u64,
    current: AlignedBuf,
    /// The previous buffer's write (and hash), which hands the buffer and the digest back.
    in_flight: Option<JoinHandle<Flushed>>,
    digest: Option<Sha256>,
}

impl Pipeline {
    /// Waits for the write in flight; returns its buffer (to be filled again).
    async fn settle(&mut self) -> HubResult<Option<AlignedBuf>> {
        let Some(handle) = self.in_flight.take() else {
            return Ok(None);
        };
        let (buffer, digest) = handle
            .await
            .map_err(|e| HubError::internal(format!("writer failed: {e}")))??;
        self.digest = digest;
        Ok(buffer)
    }

    /// Hands the current buffer to a blocking writer and carries on with an empty one.
    async fn flush(&mut self) -> HubResult<()> {
        if self.current.is_empty() {
            return Ok(());
        }
        let next = match self.settle().await? {
            Some(mut buffer) => {
                buffer.clear();
                buffer
            }
            None => AlignedBuf::new(RECEIVE_BUFFER),
        };
        let full = std::mem::replace(&mut self.current, next);
        let (sink, position, digest) = (self.sink.clone(), self.position, self.digest.take());
        self.position += full.len() as u64;
        self.in_flight = Some(tokio::task::spawn_blocking(move || {
            write_and_hash(&sink, full, position, digest)
        }));
        Ok(())
    }
}

/// Writes `buffer` at `position` while another thread hashes it (the write mostly waits on the
/// device, the hash on the CPU); gives the buffer back unless the sink kept it.
fn write_and_hash(
    sink: &Sink,
    buffer: AlignedBuf,
    position: u64,
    mut digest: Option<Sha256>,
) -> Flushed {
    match sink {
        Sink::Part(part) => Ok((part.write(buffer, position)?, digest)),
        Sink::File(file) => {
            std::thread::scope(|scope| {
                let hashing = digest
                    .as_mut()
                    .map(|d| scope.spawn(|| d.update(buffer.as_slice())));
                let written = file.write_all_at(buffer.as_slice(), position);
                if let Some(handle) = hashing {
                    handle
                        .join()
                        .map_err(|_| io::Error::other("hashing failed"))?;
                }
                written
            })?;
            Ok((Some(buffer), digest))
        }
    }
}

/// Streams `body` (exactly `size` bytes, anything else is a 400) into the destination starting
/// at `offset`; returns the sha256 (hex) of the body for a [`Sink::File`]. Nothing is fsynced.
pub async fn receive(
    mut body: Body,
    sink: Sink,
    offset: u64,
    size: u64,
) -> HubResult<Option<String>> {
    use http_body::Body as _;
    let hash = matches!(sink, Sink::File(_));
    let mut pipeline = Pipeline {
        sink,
        position: offset,
        // Small bodies get a small buffer; large ones a pooled one.
        current: AlignedBuf::new(if size < RECEIVE_BUFFER as u64 {
            size as usize
        } else {
            RECEIVE_BUFFER
        }),
        in_flight: None,
        digest: hash.then(Sha256::new),
    };
    let mut received: u64 = 0;
    let outcome = async {
        loop {
            let frame =
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
            let Some(frame) = frame else { break };
            let frame =
                frame.map_err(|e| HubError::bad_request(format!("Upload interrupted: {e}")))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            received += data.len() as u64;
            if received > size {
                return Err(HubError::bad_request(format!(
                    "Body is larger than the signed object size ({size} bytes)"
                )));
            }
            let mut rest = &data[..];
            while !rest.is_empty() {
                let taken = pipeline.current.fill_from(rest);
                rest = &rest[taken..];
                if pipeline.current.is_full() {
                    pipeline.flush().await?;
                }
            }
        }
        if received != size {
            return Err(HubError::bad_request(format!(
                "Body has {received} bytes, the signed object size is {size}"
            )));
        }
        pipeline.flush().await
    }
    .await;
    // Never leave a write running behind the caller's back (it removes the file on failure).
    let settled = pipeline.settle().await;
    outcome?;
    settled?;
    Ok(pipeline.digest.map(|d| hex::encode(d.finalize())))
}

/// Reads a small body (exactly `size` bytes, anything else is a 400, with the same messages as
/// [`receive`]) into memory: small objects are stored in the database, not in a file.
pub async fn receive_small(mut body: Body, size: u64) -> HubResult<Vec<u8>> {
    use http_body::Body as _;
    let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|e| HubError::bad_request(format!("Upload interrupted: {e}")))?;
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        if (data.len() + chunk.len()) as u64 > size {
            return Err(HubError::bad_request(format!(
                "Body is larger than the signed object size ({size} bytes)"
            )));
        }
        data.extend_from_slice(&chunk);
    }
    if data.len() as u64 != size {
        return Err(HubError::bad_request(format!(
            "Body has {} bytes, the signed object size is {size}",
            data.len()
        )));
    }
    Ok(data)
}
