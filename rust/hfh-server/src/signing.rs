//! Signed, expiring URLs for LFS objects (the Hub's pre-signed CDN/S3 URL pattern).
//!
//! A URL carries its own authorisation: `expires` (Unix seconds) and `signature`, the hex
//! HMAC-SHA256 of `purpose \n field \n ... \n expires` under a per-data-directory key
//! (`DATA_DIR/lfs-signing.key`, 32 random bytes, created once, mode 0600), so URLs stay valid
//! across restarts of the same data directory and are useless against another one.

use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

pub const KEY_FILE: &str = "lfs-signing.key";

/// What a signed URL allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `PUT` exactly `size` bytes whose sha256 is `oid`.
    Upload,
    /// `GET`/`HEAD` the object `oid` (of `size` bytes).
    Download,
    /// `PUT` one part of a multipart upload.
    UploadPart,
    /// `POST` the completion of a multipart upload.
    CompleteUpload,
    /// A Xet CAS access token (scope and repository).
    CasToken,
    /// `GET` byte ranges of one stored xorb (the CAS's presigned fetch URLs).
    XorbFetch,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Upload => "upload",
            Purpose::Download => "download",
            Purpose::UploadPart => "upload-part",
            Purpose::CompleteUpload => "complete-upload",
            Purpose::CasToken => "cas-token",
            Purpose::XorbFetch => "xorb-fetch",
        }
    }
}

/// Why a signed URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    Invalid,
    Expired,
}

#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)") // never print the key
    }
}

impl Signer {
    pub fn from_key(key: [u8; 32]) -> Self {
        Signer { key }
    }

    /// Loads the data directory's key, creating it on first use (no-clobber, so two processes
    /// opening a new directory at once agree on one key).
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        let path = data_dir.join(KEY_FILE);
        if let Some(key) = read_key(&path)? {
            return Ok(Signer { key });
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| io::Error::other(e.to_string()))?;
        let tmp = data_dir.join(format!(".{KEY_FILE}.{}", crate::util::random_hex(8)));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = (|| {
            let mut f = options.open(&tmp)?;
            f.write_all(&key)?;
            f.sync_all()?;
            fs::hard_link(&tmp, &path)
        })();
        let _ = fs::remove_file(&tmp);
        match written {
            Ok(()) => Ok(Signer { key }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read_key(&path)?
                .map(|key| Signer { key })
                .ok_or_else(|| io::Error::other("unreadable LFS signing key")),
            Err(e) => Err(e),
        }
    }

    pub fn sign(&self, purpose: Purpose, oid: &str, size: u64, expires: u64) -> String {
        self.sign_fields(purpose, &[oid, &size.to_string()], expires)
    }

    /// Signs `purpose`, `fields` and `expires`, one per line. Callers pass fields they have
    /// validated (ids, hex, numbers: no newline), always the same number for one purpose.
    pub fn sign_fields(&self, purpose: Purpose, fields: &[&str], expires: u64) -> String {
        let mut message = purpose.as_str().to_string();
        for field in fields {
            message.push('\n');
            message.push_str(field);
        }
        message.push_str(&format!("\n{expires}"));
        hex::encode(hmac_sha256(&self.key, message.as_bytes()))
    }

    /// Checks `signature` and that `expires` (Unix seconds) is not past `now`.
    pub fn verify(
        &self,
        purpose: Purpose,
        oid: &str,
        size: u64,
        expires: u64,
        signature: &str,
        now: u64,
    ) -> Result<(), SignatureError> {
        self.verify_fields(purpose, &[oid, &size.to_string()], expires, signature, now)
    }

    /// Checks a [`Signer::sign_fields`] signature and that `expires` is not past `now`.
    pub fn verify_fields(
        &self,
        purpose: Purpose,
        fields: &[&str],
        expires: u64,
        signature: &str,
        now: u64,
    ) -> Result<(), SignatureError> {
        let expected = self.sign_fields(purpose, fields, expires);
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Err(SignatureError::Invalid);
        }
        if now > expires {
            return Err(SignatureError::Expired);
        }
        Ok(())
    }
}

fn read_key(path: &Path) -> io::Result<Option<[u8; 32]>> {
    let mut buf = Vec::new();
    match fs::File::open(path) {
        Ok(mut f) => f.read_to_end(&mut buf)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let key: [u8; 32] = buf.try_into().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} must hold exactly 32 bytes", path.display()),
        )
    })?;
    Ok(Some(key))
}

/// HMAC-SHA256 (RFC 2104) for keys of at most one block (64 bytes).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    assert!(key.len() <= 64, "HMAC key longer than one block");
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, b) in key.iter().enumerate() {
        ipad[i] ^= b;
        opad[i] ^= b;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Current Unix time in seconds.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231() {
        // RFC 4231, test case 2.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 1: key = 20 x 0x0b.
        assert_eq!(
            hex::encode(hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn signatures_bind_every_field_and_expire() {
        let s = Signer::from_key([7; 32]);
        let oid = "a".repeat(64);
        let sig = s.sign(Purpose::Upload, &oid, 10, 1000);
        assert_eq!(s.verify(Purpose::Upload, &oid, 10, 1000, &sig, 999), Ok(()));
        assert_eq!(
            s.verify(Purpose::Upload, &oid, 10, 1000, &sig, 1001),
            Err(SignatureError::Expired)
        );
        for (purpose, o, size, exp) in [
            (Purpose::Download, oid.clone(), 10, 1000),
            (Purpose::Upload, "b".repeat(64), 10, 1000),
            (Purpose::Upload, oid.clone(), 11, 1000),
            (Purpose::Upload, oid.clone(), 10, 5000),
        ] {
            assert_eq!(
                s.verify(purpose, &o, size, exp, &sig, 0),
                Err(SignatureError::Invalid)
            );
        }
        let other = Signer::from_key([8; 32]);
        assert_eq!(
            other.verify(Purpose::Upload, &oid, 10, 1000, &sig, 0),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn key_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Signer::open(dir.path()).unwrap();
        let b = Signer::open(dir.path()).unwrap();
        assert_eq!(a.key, b.key);
        assert_eq!(fs::read(dir.path().join(KEY_FILE)).unwrap().len(), 32);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        assert!(Signer::open(dir.path()).is_err());
    }
}
