//! Folder handles for the scan: list a folder, and `lstat`/`readlink` its entries by name.
//!
//! On Unix these are `*at` system calls on an open folder, so the kernel looks up one path
//! component per call instead of the whole absolute path (most of the scan's kernel time),
//! and entry names are copied into one buffer per folder instead of one allocation each.
//! Elsewhere, the same interface over `std::fs` paths.

use std::ffi::OsStr;
use std::io;
use std::path::Path;

/// What kind of file an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    Symlink,
    /// Regular files, FIFOs, sockets, devices: all "files" for the scan.
    Other,
}

/// The part of `stat` the scan uses.
#[derive(Clone, Copy, Debug)]
pub struct Stat {
    pub kind: Kind,
    pub size: u64,
    /// `st_atime` as Python's float (`sec + nsec * 1e-9`).
    pub accessed: f64,
    /// `st_mtime` as Python's float.
    pub modified: f64,
}

/// Python's `float(st_xtime)`: `sec + nsec * 1e-9`, computed the same way so values are equal.
pub fn timestamp(secs: i64, nanos: i64) -> f64 {
    secs as f64 + nanos as f64 * 1e-9
}

/// The entries of a folder: names packed in one buffer, with their kind when the folder listing
/// tells it (`None`: ask `lstat`).
#[derive(Default)]
pub struct Listing {
    names: Vec<u8>,
    entries: Vec<(usize, usize, Option<Kind>)>,
}

impl Listing {
    pub fn iter(&self) -> impl Iterator<Item = (&OsStr, Option<Kind>)> + '_ {
        self.entries
            .iter()
            .map(|&(start, end, kind)| (os_str(&self.names[start..end]), kind))
    }

    fn push(&mut self, name: &[u8], kind: Option<Kind>) {
        let start = self.names.len();
        self.names.extend_from_slice(name);
        self.entries.push((start, self.names.len(), kind));
    }
}

#[cfg(unix)]
pub(crate) fn os_str(bytes: &[u8]) -> &OsStr {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(bytes)
}

#[cfg(not(unix))]
pub(crate) fn os_str(bytes: &[u8]) -> &OsStr {
    // SAFETY: only bytes taken from `OsStr::as_encoded_bytes` are stored (see `Dir::list`).
    unsafe { OsStr::from_encoded_bytes_unchecked(bytes) }
}

#[cfg(unix)]
pub use unix::Dir;

#[cfg(not(unix))]
pub use portable::Dir;

/// `stat` of a path (following symlinks), as a [`Stat`].
pub fn stat(path: &Path) -> io::Result<Stat> {
    std::fs::metadata(path).map(|meta| from_metadata(&meta))
}

/// `lstat` of a path, as a [`Stat`].
pub fn lstat(path: &Path) -> io::Result<Stat> {
    std::fs::symlink_metadata(path).map(|meta| from_metadata(&meta))
}

pub fn from_metadata(meta: &std::fs::Metadata) -> Stat {
    let file_type = meta.file_type();
    let kind = if file_type.is_dir() {
        Kind::Dir
    } else if file_type.is_symlink() {
        Kind::Symlink
    } else {
        Kind::Other
    };
    let (accessed, modified) = times(meta);
    Stat {
        kind,
        size: meta.len(),
        accessed,
        modified,
    }
}

#[cfg(unix)]
fn times(meta: &std::fs::Metadata) -> (f64, f64) {
    use std::os::unix::fs::MetadataExt;
    (
        timestamp(meta.atime(), meta.atime_nsec()),
        timestamp(meta.mtime(), meta.mtime_nsec()),
    )
}

#[cfg(not(unix))]
fn times(meta: &std::fs::Metadata) -> (f64, f64) {
    fn seconds(time: io::Result<std::time::SystemTime>) -> f64 {
        match time.map(|t| t.duration_since(std::time::UNIX_EPOCH)) {
            Ok(Ok(d)) => d.as_secs_f64(),
            Ok(Err(e)) => -e.duration().as_secs_f64(),
            Err(_) => 0.0,
        }
    }
    (seconds(meta.accessed()), seconds(meta.modified()))
}

#[cfg(unix)]
mod unix {
    use std::ffi::{CStr, CString, OsStr};
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    use super::{timestamp, Kind, Listing, Stat};

    /// An open folder.
    pub struct Dir {
        fd: OwnedFd,
    }

    /// Run `f` with `name` as a C string, without allocating for usual lengths.
    fn with_c_name<T>(name: &OsStr, f: impl FnOnce(&CStr) -> io::Result<T>) -> io::Result<T> {
        let bytes = name.as_bytes();
        let mut buffer = [0u8; 256];
        if bytes.len() < buffer.len() {
            buffer[..bytes.len()].copy_from_slice(bytes);
            let c_name = CStr::from_bytes_with_nul(&buffer[..=bytes.len()])
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
            f(c_name)
        } else {
            let c_name =
                CString::new(bytes).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
            f(&c_name)
        }
    }

    fn check(result: libc::c_int) -> io::Result<libc::c_int> {
        if result < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(result)
        }
    }

    fn kind_of(mode: libc::mode_t) -> Kind {
        match mode & libc::S_IFMT {
            libc::S_IFDIR => Kind::Dir,
            libc::S_IFLNK => Kind::Symlink,
            _ => Kind::Other,
        }
    }

    impl Dir {
        /// Open the folder at `path` (following symlinks, like `os.scandir`).
        pub fn open(path: &Path) -> io::Result<Dir> {
            let c_path = CString::new(path.as_os_str().as_bytes())
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
            let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
            // SAFETY: `c_path` is a valid NUL-terminated string; the result is checked.
            let fd = check(unsafe { libc::open(c_path.as_ptr(), flags) })?;
            // SAFETY: `fd` was just opened and is owned by nobody else.
            Ok(Dir {
                fd: unsafe { OwnedFd::from_raw_fd(fd) },
            })
        }

        /// Open the sub-folder `name`, refusing to follow a symlink.
        pub fn open_child(&self, name: &OsStr) -> io::Result<Dir> {
            let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
            with_c_name(name, |c_name| {
                // SAFETY: valid descriptor and NUL-terminated name; the result is checked.
                let fd =
                    check(unsafe { libc::openat(self.fd.as_raw_fd(), c_name.as_ptr(), flags) })?;
                // SAFETY: `fd` was just opened and is owned by nobody else.
                Ok(Dir {
                    fd: unsafe { OwnedFd::from_raw_fd(fd) },
                })
            })
        }

        /// The entries of the folder (`.` and `..` excluded), in directory order. An error while
        /// reading ends the listing early, as `pathlib`'s `glob` ignores such errors.
        pub fn list(&self) -> io::Result<Listing> {
            // `fdopendir` takes ownership of the descriptor it is given: give it a duplicate.
            // SAFETY: valid descriptor; the result is checked.
            let dup = check(unsafe { libc::fcntl(self.fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0) })?;
            // SAFETY: `dup` is a valid descriptor we own; on success the stream owns it.
            let stream = unsafe { libc::fdopendir(dup) };
            if stream.is_null() {
                let error = io::Error::last_os_error();
                // SAFETY: `fdopendir` failed, so `dup` is still ours to close.
                unsafe { libc::close(dup) };
                return Err(error);
            }
            let mut listing = Listing::default();
            loop {
                // SAFETY: `stream` is a valid open directory stream until `closedir` below.
                let entry = unsafe { libc::readdir(stream) };
                if entry.is_null() {
                    break;
                }
                // SAFETY: `readdir` returned a valid entry whose `d_name` is NUL-terminated.
                let (name, d_type) =
                    unsafe { (CStr::from_ptr((*entry).d_name.as_ptr()), (*entry).d_type) };
                let name = name.to_bytes();
                if name == b"." || name == b".." {
                    continue;
                }
                let kind = match d_type {
                    libc::DT_DIR => Some(Kind::Dir),
                    libc::DT_LNK => Some(Kind::Symlink),
                    libc::DT_UNKNOWN => None,
                    _ => Some(Kind::Other),
                };
                listing.push(name, kind);
            }
            // SAFETY: `stream` is valid and closed exactly once (this also closes `dup`).
            unsafe { libc::closedir(stream) };
            Ok(listing)
        }

        /// `lstat` of the entry `name`.
        pub fn lstat(&self, name: &OsStr) -> io::Result<Stat> {
            self.stat_at(name, libc::AT_SYMLINK_NOFOLLOW)
        }

        /// `stat` of the entry `name`, following a symlink.
        pub fn stat(&self, name: &OsStr) -> io::Result<Stat> {
            self.stat_at(name, 0)
        }

        fn stat_at(&self, name: &OsStr, flags: libc::c_int) -> io::Result<Stat> {
            with_c_name(name, |c_name| {
                // SAFETY: all-zero bytes are a valid `stat` value; `fstatat` overwrites it.
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                // SAFETY: valid descriptor, NUL-terminated name, writable `stat`; checked.
                check(unsafe {
                    libc::fstatat(self.fd.as_raw_fd(), c_name.as_ptr(), &mut st, flags)
                })?;
                Ok(Stat {
                    kind: kind_of(st.st_mode),
                    size: st.st_size as u64,
                    #[allow(clippy::unnecessary_cast)]
                    accessed: timestamp(st.st_atime as i64, st.st_atime_nsec as i64),
                    #[allow(clippy::unnecessary_cast)]
                    modified: timestamp(st.st_mtime as i64, st.st_mtime_nsec as i64),
                })
            })
        }

        /// The target of the symlink `name`, written into `target` (cleared first).
        pub fn readlink(&self, name: &OsStr, target: &mut Vec<u8>) -> io::Result<()> {
            with_c_name(name, |c_name| {
                let mut buffer = [0u8; 4096];
                // SAFETY: valid descriptor and name; `buffer` is writable for its whole length.
                let length = unsafe {
                    libc::readlinkat(
                        self.fd.as_raw_fd(),
                        c_name.as_ptr(),
                        buffer.as_mut_ptr().cast(),
                        buffer.len(),
                    )
                };
                if length < 0 {
                    return Err(io::Error::last_os_error());
                }
                let length = length as usize;
                if length == buffer.len() {
                    // Possibly truncated: let the standard library size it.
                    return Err(io::Error::from(io::ErrorKind::InvalidData));
                }
                target.clear();
                target.extend_from_slice(&buffer[..length]);
                Ok(())
            })
        }
    }
}

#[cfg(not(unix))]
mod portable {
    use std::ffi::OsStr;
    use std::fs;
    use std::io;
    use std::path::{Path, PathBuf};

    use super::{from_metadata, Kind, Listing, Stat};

    /// A folder, by path.
    pub struct Dir {
        path: PathBuf,
    }

    impl Dir {
        pub fn open(path: &Path) -> io::Result<Dir> {
            if fs::metadata(path)?.is_dir() {
                Ok(Dir {
                    path: path.to_path_buf(),
                })
            } else {
                Err(io::Error::from(io::ErrorKind::NotADirectory))
            }
        }

        pub fn open_child(&self, name: &OsStr) -> io::Result<Dir> {
            let path = self.path.join(name);
            if fs::symlink_metadata(&path)?.is_dir() {
                Ok(Dir { path })
            } else {
                Err(io::Error::from(io::ErrorKind::NotADirectory))
            }
        }

        pub fn list(&self) -> io::Result<Listing> {
            let mut listing = Listing::default();
            for entry in fs::read_dir(&self.path)?.flatten() {
                let kind = entry.file_type().ok().map(|t| {
                    if t.is_dir() {
                        Kind::Dir
                    } else if t.is_symlink() {
                        Kind::Symlink
                    } else {
                        Kind::Other
                    }
                });
                listing.push(entry.file_name().as_encoded_bytes(), kind);
            }
            Ok(listing)
        }

        pub fn lstat(&self, name: &OsStr) -> io::Result<Stat> {
            fs::symlink_metadata(self.path.join(name)).map(|m| from_metadata(&m))
        }

        pub fn stat(&self, name: &OsStr) -> io::Result<Stat> {
            fs::metadata(self.path.join(name)).map(|m| from_metadata(&m))
        }

        pub fn readlink(&self, name: &OsStr, target: &mut Vec<u8>) -> io::Result<()> {
            let link = fs::read_link(self.path.join(name))?;
            target.clear();
            target.extend_from_slice(link.as_os_str().as_encoded_bytes());
            Ok(())
        }
    }
}
