//! What every `O_DIRECT` user in the workspace shares: the alignment rule and opening a file past
//! the page cache where the filesystem allows it (the download engine's writer and the local
//! server's upload staging build on these).
//!
//! Why direct I/O at all: on virtual machines that hand freed memory back to their host, every
//! fresh page-cache page costs a fault into the hypervisor, so buffered writes of multi-GiB files
//! crawl at a few hundred MB/s while the same bytes written from a few reused aligned buffers go at
//! disk speed.

use std::fs::File;
use std::io;
use std::path::Path;

/// Alignment of buffers, offsets and lengths for direct transfers: the largest logical block size
/// in common use (4 KiB sectors), which also satisfies 512-byte devices.
pub const ALIGN: usize = 4096;

/// `value` rounded down to a multiple of [`ALIGN`].
pub fn align_down(value: u64) -> u64 {
    value / ALIGN as u64 * ALIGN as u64
}

/// Whether an error is the filesystem refusing a direct transfer (EINVAL), after which callers
/// fall back to their ordinary descriptor.
pub fn is_direct_refusal(error: &io::Error) -> bool {
    error.raw_os_error() == Some(EINVAL)
}

#[cfg(target_os = "linux")]
const EINVAL: i32 = libc::EINVAL;
#[cfg(not(target_os = "linux"))]
const EINVAL: i32 = 22;

/// A second descriptor of the existing file `path` that bypasses the page cache (opened for
/// writing, and for reading too when `read`), or `None` when the filesystem does not support it
/// (tmpfs and some FUSE filesystems refuse the flag at open time) or the system has no `O_DIRECT`.
#[cfg(target_os = "linux")]
pub fn open_direct(path: &Path, read: bool) -> io::Result<Option<File>> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .read(read)
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)
    {
        Ok(file) => Ok(Some(file)),
        Err(e) if is_direct_refusal(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn open_direct(_path: &Path, _read: bool) -> io::Result<Option<File>> {
    Ok(None)
}
