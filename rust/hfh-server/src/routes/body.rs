//! A response body that streams a byte range of a blob from disk in fixed-size chunks, so
//! large files are never held in memory.

use axum::body::Bytes;
use http_body::{Frame, SizeHint};
use std::io::{self, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

const CHUNK: usize = 256 * 1024;

pub struct FileRange {
    file: tokio::fs::File,
    remaining: u64,
    buf: Vec<u8>,
}

impl FileRange {
    /// Opens `path` positioned at `offset`, to yield exactly `len` bytes.
    pub fn open(path: &Path, offset: u64, len: u64) -> io::Result<Self> {
        use std::io::Seek;
        let mut f = std::fs::File::open(path)?;
        let size = f.metadata()?.len();
        if !offset.checked_add(len).is_some_and(|end| end <= size) {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "range beyond end of blob",
            ));
        }
        f.seek(SeekFrom::Start(offset))?;
        Ok(FileRange {
            file: tokio::fs::File::from_std(f),
            remaining: len,
            buf: vec![0; CHUNK],
        })
    }
}

impl http_body::Body for FileRange {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = (this.remaining as usize).min(this.buf.len());
        let mut rb = ReadBuf::new(&mut this.buf[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut rb) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Ready(Ok(())) => {
                let n = rb.filled().len();
                if n == 0 {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "blob truncated while streaming",
                    ))));
                }
                this.remaining -= n as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(
                    &this.buf[..n],
                )))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
