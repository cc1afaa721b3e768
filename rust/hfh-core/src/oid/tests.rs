use super::*;
use proptest::prelude::*;
use std::io::Write;

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// `git hash-object` of an empty file and of "hello\n".
const EMPTY_GIT_SHA1: &str = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
const HELLO_GIT_SHA1: &str = "ce013625030ba8dba906f756967f9e9ca394464a";

fn write_temp(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file.flush().unwrap();
    file
}

/// Reader that hands out at most `step` bytes per call, to exercise short reads.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn known_vectors() {
    assert_eq!(hex::encode(sha256_bytes(b"")), EMPTY_SHA256);
    assert_eq!(hex::encode(git_sha1_bytes(b"")), EMPTY_GIT_SHA1);
    assert_eq!(hex::encode(git_sha1_bytes(b"hello\n")), HELLO_GIT_SHA1);
    assert_eq!(
        hex::encode(sha256_bytes(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn file_hashes_match_byte_hashes_around_buffer_boundaries() {
    let cancel = Cancel::new();
    for size in [
        0,
        1,
        READ_BUFFER_SIZE - 1,
        READ_BUFFER_SIZE,
        READ_BUFFER_SIZE + 1,
        3 * READ_BUFFER_SIZE + 7,
    ] {
        let content: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let file = write_temp(&content);
        let sha = hash_file(file.path(), Algorithm::Sha256, &cancel).unwrap();
        assert_eq!(sha, sha256_bytes(&content), "sha256, size {size}");
        let git = hash_file(file.path(), Algorithm::GitSha1, &cancel).unwrap();
        assert_eq!(git, git_sha1_bytes(&content), "git sha1, size {size}");
    }
}

#[test]
fn many_files_keep_their_order_and_report_missing_ones() {
    let contents: Vec<Vec<u8>> = (0..9).map(|i| vec![i as u8; i * 1000 + 1]).collect();
    let files: Vec<_> = contents.iter().map(|c| write_temp(c)).collect();
    let mut paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
    paths.insert(4, PathBuf::from("/nonexistent/definitely/missing"));

    let results = hash_files(&paths, Algorithm::Sha256, 3, &Cancel::new());
    assert_eq!(results.len(), 10);
    assert!(matches!(results[4], Err(HashError::Io { .. })));
    let hashed: Vec<_> = results
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, r)| r.unwrap())
        .collect();
    for (digest, content) in hashed.iter().zip(&contents) {
        assert_eq!(digest[..], sha256_bytes(content));
    }
}

#[test]
fn cancelled_jobs_stop() {
    let file = write_temp(&[7u8; 10]);
    let cancel = Cancel::new();
    cancel.cancel();
    let results = hash_files(&[file.path().to_path_buf()], Algorithm::Sha256, 1, &cancel);
    assert!(matches!(results[0], Err(HashError::Cancelled)));
}

#[cfg(unix)]
#[test]
fn positioned_hash_starts_at_offset_and_keeps_cursor() {
    use std::io::{Seek, SeekFrom};
    let content: Vec<u8> = (0..3 * READ_BUFFER_SIZE as u32).map(|i| i as u8).collect();
    let temp = write_temp(&content);
    let mut file = File::open(temp.path()).unwrap();
    file.seek(SeekFrom::Start(5)).unwrap();
    let digest = sha256_file_from(&file, 1234, &Cancel::new()).unwrap();
    assert_eq!(digest, sha256_bytes(&content[1234..]));
    assert_eq!(file.stream_position().unwrap(), 5);
    let past_end = sha256_file_from(&file, 10 * READ_BUFFER_SIZE as u64, &Cancel::new()).unwrap();
    assert_eq!(hex::encode(past_end), EMPTY_SHA256);
}

#[test]
fn empty_file_list() {
    assert!(hash_files(&[], Algorithm::GitSha1, 0, &Cancel::new()).is_empty());
}

proptest! {
    #[test]
    fn streams_equal_one_shot(data in proptest::collection::vec(any::<u8>(), 0..20_000), step in 1usize..5000) {
        let mut reader = Trickle { data: &data, step };
        prop_assert_eq!(sha256_reader(&mut reader, &Cancel::new()).unwrap(), sha256_bytes(&data));
        let mut stream = Sha256Stream::new();
        for piece in data.chunks(step) {
            stream.update(piece);
        }
        prop_assert_eq!(stream.digest(), sha256_bytes(&data));
    }
}

/// A file just over the read-ahead threshold: mostly a hole (cheap to create), with data written
/// at both ends and across a buffer boundary so that misplaced buffers would change the digest.
fn large_sparse_file() -> tempfile::NamedTempFile {
    use std::os::unix::fs::FileExt;
    let file = tempfile::NamedTempFile::new().unwrap();
    let size = READ_AHEAD_MIN_SIZE + 12_345;
    file.as_file().set_len(size).unwrap();
    for offset in [0, READ_BUFFER_SIZE as u64 - 3, size / 2, size - 100] {
        file.as_file().write_at(b"marker bytes", offset).unwrap();
    }
    file
}

#[cfg(unix)]
#[test]
fn reading_ahead_gives_the_same_digests() {
    let file = large_sparse_file();
    let content = std::fs::read(file.path()).unwrap();
    let cancel = Cancel::new();
    for algorithm in [Algorithm::Sha256, Algorithm::GitSha1] {
        let ahead = hash_file_reading_ahead(file.path(), algorithm, &cancel, true).unwrap();
        let plain = hash_file_reading_ahead(file.path(), algorithm, &cancel, false).unwrap();
        assert_eq!(ahead, plain);
        let expected = match algorithm {
            Algorithm::Sha256 => sha256_bytes(&content).to_vec(),
            Algorithm::GitSha1 => git_sha1_bytes(&content).to_vec(),
        };
        assert_eq!(ahead, expected);
    }
}

#[cfg(unix)]
#[test]
fn cancelling_while_reading_ahead_returns_promptly() {
    // 64 GiB of hole: reading all of it would take far longer than the test; a cancel must stop
    // both threads (the scoped reader is joined before the call returns).
    let file = tempfile::NamedTempFile::new().unwrap();
    file.as_file().set_len(64 << 30).unwrap();
    let cancel = Cancel::new();
    let result = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| hash_file(file.path(), Algorithm::Sha256, &cancel));
        std::thread::sleep(std::time::Duration::from_millis(50));
        cancel.cancel();
        hashing.join().unwrap()
    });
    assert!(matches!(result, Err(HashError::Cancelled)));
}
