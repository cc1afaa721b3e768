//! Writing large files past the page cache (`O_DIRECT`).
//!
//! On virtual machines that hand freed memory back to their host, every fresh page-cache page
//! costs a fault into the hypervisor: buffered writes of a multi-GiB download crawl at a few hundred
//! MB/s, while the same bytes written with `O_DIRECT` from a few reused buffers go at disk speed and
//! keep the page cache (and the memory the download needs) flat.
//!
//! `O_DIRECT` wants the memory address, the file offset and the length all multiples of the block
//! size. The engine keeps its buffers [`ALIGN`]-aligned and starts every buffer at an aligned file
//! offset, so only the end of the file is ever unaligned: that tail goes through a second, ordinary
//! descriptor of the same file (Linux keeps the two views coherent). Filesystems that refuse
//! `O_DIRECT` (tmpfs, some FUSE mounts) get ordinary writes, as do files below the engine's
//! threshold, where the page cache is no burden.

use std::alloc::{self, Layout};
use std::fs::File;
use std::io;
use std::path::Path;

use super::partial::write_at;
use crate::direct_io::is_direct_refusal;

pub use crate::direct_io::{align_down, ALIGN};

/// A zeroed heap buffer whose first byte is [`ALIGN`]-aligned; its length is fixed.
pub struct AlignedBuf {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
}

// SAFETY: the buffer owns its allocation exclusively, like a `Box<[u8]>`.
unsafe impl Send for AlignedBuf {}
// SAFETY: shared access only hands out `&[u8]`.
unsafe impl Sync for AlignedBuf {}

impl AlignedBuf {
    /// A buffer of `len` bytes (rounded up to a whole number of blocks, at least one).
    pub fn new(len: usize) -> Self {
        let len = len.max(1).div_ceil(ALIGN) * ALIGN;
        let layout = Layout::from_size_align(len, ALIGN).expect("valid buffer layout");
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { alloc::alloc_zeroed(layout) };
        let ptr = std::ptr::NonNull::new(raw).unwrap_or_else(|| alloc::handle_alloc_error(layout));
        Self { ptr, len }
    }
}

impl std::ops::Deref for AlignedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr` points to `len` initialised (zeroed at allocation) bytes we own.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl std::ops::DerefMut for AlignedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`, and `&mut self` guarantees exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.len, ALIGN).expect("valid buffer layout");
        // SAFETY: allocated in `new` with this very layout.
        unsafe { alloc::dealloc(self.ptr.as_ptr(), layout) }
    }
}

/// A second, write-only descriptor of `path` that bypasses the page cache, or `None` when the
/// filesystem does not support it (the caller then writes through its ordinary descriptor).
pub fn open_direct(path: &Path) -> io::Result<Option<File>> {
    crate::direct_io::open_direct(path, false)
}

/// Where a download's bytes go: the ordinary descriptor, and the direct one when in use.
pub struct Target {
    pub file: File,
    direct: Option<File>,
}

impl Target {
    pub fn new(file: File, direct: Option<File>) -> Self {
        Self { file, direct }
    }

    pub fn is_direct(&self) -> bool {
        self.direct.is_some()
    }

    /// Write `data` at `offset`. Whole blocks go through the direct descriptor when `data` starts
    /// at an aligned address and `offset` is aligned; the rest (an unaligned tail, or everything
    /// when alignment does not hold) through the ordinary one.
    pub fn write(&self, data: &[u8], offset: u64) -> io::Result<()> {
        let aligned = offset % ALIGN as u64 == 0 && (data.as_ptr() as usize) % ALIGN == 0;
        let body = match &self.direct {
            Some(direct) if aligned => {
                let body = data.len() / ALIGN * ALIGN;
                if body > 0 {
                    match write_at(direct, &data[..body], offset) {
                        Ok(()) => body,
                        // Some filesystems accept the flag but refuse a given write.
                        Err(e) if is_direct_refusal(&e) => 0,
                        Err(e) => return Err(e),
                    }
                } else {
                    0
                }
            }
            _ => 0,
        };
        if body < data.len() {
            write_at(&self.file, &data[body..], offset + body as u64)?;
        }
        Ok(())
    }
}
