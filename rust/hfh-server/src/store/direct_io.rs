//! Large writes and reads of upload files that bypass the page cache (`O_DIRECT`) where the
//! filesystem allows it.
//!
//! Why: on the VMs this server runs on, memory freed is handed back to the host, so a buffered
//! write of fresh data pays a page fault for every page of page cache it allocates (about 2 s per
//! GiB, several times the cost of the disk write itself). Writing from a small reused, aligned
//! buffer straight to the device skips the page cache entirely. Where `O_DIRECT` cannot be used
//! (a filesystem that refuses it, such as tmpfs; an offset, length or buffer that is not aligned;
//! other systems than Linux) the same call goes through the page cache instead, so callers never
//! see the difference except in speed.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use hfh_core::direct_io::ALIGN;
use hfh_core::direct_io::{is_direct_refusal, open_direct};

/// Capacity of the buffers kept for reuse (the size receivers and hashers use).
pub const POOLED_CAPACITY: usize = 4 << 20;

/// Most buffers kept for reuse (what receivers and the digests of uploads in flight hold).
const POOL_LIMIT: usize = 64;

/// Buffers of [`POOLED_CAPACITY`] given back: touching fresh memory costs more than the copy
/// into it on these machines, so receivers reuse warm buffers instead of allocating.
fn pool() -> std::sync::MutexGuard<'static, Vec<Vec<u8>>> {
    static POOL: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
    POOL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A heap buffer whose start is aligned to [`ALIGN`], filled from the front. Buffers of
/// [`POOLED_CAPACITY`] come from and go back to a process-wide pool.
pub struct AlignedBuf {
    storage: Vec<u8>,
    start: usize,
    len: usize,
    capacity: usize,
}

impl AlignedBuf {
    /// A buffer of `capacity` bytes (rounded up to a multiple of [`ALIGN`]).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1).div_ceil(ALIGN) * ALIGN;
        let pooled = (capacity == POOLED_CAPACITY)
            .then(|| pool().pop())
            .flatten();
        // Over-allocate by one alignment unit and start at the first aligned address: no unsafe
        // allocation code, and the vector is never resized, so the address stays put.
        let storage = pooled.unwrap_or_else(|| vec![0u8; capacity + ALIGN]);
        let start = storage.as_ptr().align_offset(ALIGN);
        AlignedBuf {
            storage,
            start,
            len: 0,
            capacity,
        }
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.storage[self.start..self.start + self.len]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_full(&self) -> bool {
        self.len == self.capacity
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends as much of `data` as fits; returns how many bytes were taken.
    pub fn fill_from(&mut self, data: &[u8]) -> usize {
        let take = data.len().min(self.capacity - self.len);
        let at = self.start + self.len;
        self.storage[at..at + take].copy_from_slice(&data[..take]);
        self.len += take;
        take
    }

    /// The whole capacity as a writable slice (for reads), with the length set to it.
    fn whole_mut(&mut self) -> &mut [u8] {
        self.len = self.capacity;
        &mut self.storage[self.start..self.start + self.capacity]
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        if self.capacity == POOLED_CAPACITY {
            let mut pool = pool();
            if pool.len() < POOL_LIMIT {
                pool.push(std::mem::take(&mut self.storage));
            }
        }
    }
}

/// A file written and read at explicit offsets, directly when possible.
pub struct DirectFile {
    path: PathBuf,
    buffered: File,
    direct: Option<File>,
    /// Set once the filesystem refused a direct transfer: everything after goes buffered.
    refused: AtomicBool,
}

impl DirectFile {
    /// Creates `path` (which must not exist).
    pub fn create_new(path: &Path) -> io::Result<Self> {
        let buffered = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        Ok(Self::with(path, buffered))
    }

    /// Opens `path`, creating it empty if it does not exist (never truncating it).
    pub fn open_or_create(path: &Path) -> io::Result<Self> {
        let buffered = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        Ok(Self::with(path, buffered))
    }

    fn with(path: &Path, buffered: File) -> Self {
        // Any failure to open the second descriptor just means no direct transfers.
        let direct = open_direct(path, true).ok().flatten();
        DirectFile {
            path: path.to_path_buf(),
            buffered,
            direct,
            refused: AtomicBool::new(false),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether transfers may still go direct.
    pub fn is_direct(&self) -> bool {
        self.direct.is_some() && !self.refused.load(Ordering::Relaxed)
    }

    fn direct_handle(&self) -> Option<&File> {
        self.direct
            .as_ref()
            .filter(|_| !self.refused.load(Ordering::Relaxed))
    }

    /// Writes all of `data` at `offset`. The aligned front of an aligned buffer at an aligned
    /// offset goes direct, the rest (a tail shorter than [`ALIGN`], or everything that is not
    /// aligned) through the page cache.
    pub fn write_all_at(&self, data: &[u8], offset: u64) -> io::Result<()> {
        let mut done = 0;
        if let Some(direct) = self.direct_handle() {
            let aligned = data.len() / ALIGN * ALIGN;
            if aligned > 0 && is_aligned(data.as_ptr(), offset) {
                match write_all_at(direct, &data[..aligned], offset) {
                    Ok(()) => done = aligned,
                    // The filesystem does not do direct I/O after all: fall back for good.
                    Err(e) if is_direct_refusal(&e) => self.refused.store(true, Ordering::Relaxed),
                    Err(e) => return Err(e),
                }
            }
        }
        write_all_at(&self.buffered, &data[done..], offset + done as u64)
    }

    /// Calls `sink` with the bytes `[offset, offset + len)` in order, read through `buffer`
    /// (direct when possible, so data written direct is not pulled into the page cache).
    pub fn read_range(
        &self,
        offset: u64,
        len: u64,
        buffer: &mut AlignedBuf,
        mut sink: impl FnMut(&[u8]),
    ) -> io::Result<()> {
        let (mut position, end) = (offset, offset + len);
        while position < end {
            let want = ((end - position) as usize).min(buffer.capacity);
            let direct = self
                .direct_handle()
                .filter(|_| position % ALIGN as u64 == 0);
            let got = match direct {
                Some(file) => {
                    // Whole aligned blocks: a short read at the end of the file is fine.
                    let span = want.div_ceil(ALIGN) * ALIGN;
                    match read_at(file, &mut buffer.whole_mut()[..span], position) {
                        Ok(n) => n.min(want),
                        Err(e) if is_direct_refusal(&e) => {
                            self.refused.store(true, Ordering::Relaxed);
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
                None => read_at(&self.buffered, &mut buffer.whole_mut()[..want], position)?,
            };
            if got == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{} ends at byte {position}", self.path.display()),
                ));
            }
            sink(&buffer.storage[buffer.start..buffer.start + got]);
            position += got as u64;
        }
        buffer.clear();
        Ok(())
    }

    /// Size of the file now.
    pub fn size(&self) -> io::Result<u64> {
        Ok(self.buffered.metadata()?.len())
    }

    /// Flushes data and metadata to the device (direct writes need it too: the size, and
    /// volatile device caches).
    pub fn sync_all(&self) -> io::Result<()> {
        self.buffered.sync_all()
    }
}

fn is_aligned(ptr: *const u8, offset: u64) -> bool {
    ptr.align_offset(ALIGN) == 0 && offset % ALIGN as u64 == 0
}

#[cfg(unix)]
fn write_all_at(file: &File, data: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, data, offset)
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        match std::os::unix::fs::FileExt::read_at(file, buffer, offset) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(windows)]
fn write_all_at(file: &File, mut data: &[u8], mut offset: u64) -> io::Result<()> {
    while !data.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, data, offset)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        data = &data[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 4099) as u8).collect()
    }

    #[test]
    fn aligned_buffers_fill_up_to_their_capacity() {
        let mut buf = AlignedBuf::new(5000);
        assert_eq!(buf.as_slice().as_ptr().align_offset(ALIGN), 0);
        assert_eq!(buf.fill_from(&[1u8; 3000]), 3000);
        assert_eq!(buf.fill_from(&[2u8; 9000]), 2 * ALIGN - 3000);
        assert!(buf.is_full());
        assert_eq!(buf.as_slice()[2999..3001], [1, 2]);
        buf.clear();
        assert!(buf.is_empty());
    }

    /// Unaligned offsets and tails, writes out of order, reads across the end of what was
    /// written: the file reads back exactly as written, direct or not.
    #[test]
    fn writes_and_reads_back_at_any_offset() {
        for direct in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f");
            let file = if direct {
                DirectFile::create_new(&path).unwrap()
            } else {
                let file = DirectFile::create_new(&path).unwrap();
                file.refused.store(true, Ordering::Relaxed);
                file
            };
            let content = pattern(3 * ALIGN * 4 + 1234);
            let chunk = ALIGN * 4;
            let mut buf = AlignedBuf::new(chunk);
            // Second chunk, then the tail, then the first, then an unaligned rewrite.
            for index in [1usize, 3, 0, 2] {
                let start = index * chunk;
                let end = (start + chunk).min(content.len());
                buf.clear();
                buf.fill_from(&content[start..end]);
                file.write_all_at(buf.as_slice(), start as u64).unwrap();
            }
            file.write_all_at(&content[100..5000], 100).unwrap();
            assert_eq!(file.size().unwrap(), content.len() as u64);
            file.sync_all().unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), content);

            let mut read = Vec::new();
            let mut small = AlignedBuf::new(ALIGN);
            file.read_range(
                chunk as u64,
                content.len() as u64 - chunk as u64,
                &mut small,
                |b| read.extend_from_slice(b),
            )
            .unwrap();
            assert_eq!(read, content[chunk..]);
            let err = file
                .read_range(0, content.len() as u64 + 1, &mut small, |_| {})
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        }
    }
}
