use super::*;

fn splitmix_data(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut data = Vec::with_capacity(len + 8);
    while data.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        data.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    data.truncate(len);
    data
}

fn hash_in_blocks(data: &[u8], block: usize) -> FileHashInfo {
    let mut hasher = XetFileHasher::new(true);
    for piece in data.chunks(block.max(1)) {
        hasher.update(piece);
    }
    hasher.finish()
}

/// Reference §9.2: file hashes produced by `hf_xet.hash_files` 1.8.0.
fn reference_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "empty",
            vec![],
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
        (
            "one zero byte",
            vec![0],
            "41f5539a8d8bdd7509fd9a319268aca47ea6d40b33394170182e09fa86345c7e",
        ),
        (
            "hello",
            b"Hello, World!".to_vec(),
            "2028081f8fc86d0698acffb85c902a410549c3ffcc45a0b6ed666e1032d17157",
        ),
        (
            "1e6 x 59",
            vec![59; 1_000_000],
            "53f845640fcd1c7440befff65bd93434c83a30c6559a705597d61f2ef64e2f88",
        ),
        (
            "splitmix 0",
            splitmix_data(1_000_000, 0),
            "3d17b2d7d64a0e011b6717a52d9a16bd2c3f05b743fa8adf52a7d75dafab6d89",
        ),
        (
            "splitmix 1",
            splitmix_data(256_000, 1),
            "116cd39641ee392863a30c2a5bd6ab04676177a75604729bb98cfc4052fc3131",
        ),
        (
            "splitmix 7",
            splitmix_data(3_145_745, 7),
            "5e38bc587ac3931e6404b7628db456ff02af186a04c97ee73147bcd86e03a0fc",
        ),
        (
            "8191 zeros",
            vec![0; 8191],
            "80c25c0cf8afd7a10eabd09184c813addb4328bd727089be2b62a77028848772",
        ),
        (
            "8192 zeros",
            vec![0; 8192],
            "711574865581cce65f5d06a1818a37a1dd4cfe3f65e3f4aaae2b1bacbfc253db",
        ),
        (
            "131072 zeros",
            vec![0; 131_072],
            "7a7c18448d7ae35cc61c072281981c565fedb8a079b42c6ef4a0c846bb78c50d",
        ),
        (
            "131073 zeros",
            vec![0; 131_073],
            "83f8f48adc7310b5748295b256ca24cdce2aac457679c98526e3a19e0388f58a",
        ),
    ]
}

#[test]
fn hf_xet_file_hash_vectors() {
    for (name, data, expected) in reference_files() {
        for block in [1 << 23, 65536, 8191, 4097] {
            let info = hash_in_blocks(&data, block);
            assert_eq!(info.xet_hash.hex(), expected, "{name}, blocks of {block}");
            assert_eq!(info.size, data.len() as u64);
            assert_eq!(info.sha256, Some(hfh_core::oid::sha256_bytes(&data)));
        }
    }
}

#[test]
fn matches_chunker_and_merkle_composition() {
    let data = splitmix_data(2_000_000, 11);
    let chunks = crate::Chunker::new().next_block(&data, true);
    let leaves: Vec<_> = chunks
        .iter()
        .map(|c| (c.hash, c.data.len() as u64))
        .collect();
    let info = hash_in_blocks(&data, 1 << 20);
    assert_eq!(info.xet_hash, crate::merkle::file_hash(&leaves));
    assert_eq!(info.chunks, chunks.len() as u64);
}

#[test]
fn sha256_vector_and_opt_out() {
    let mut hasher = XetFileHasher::new(true);
    hasher.update(b"some data");
    let digest = hasher.finish().sha256.unwrap();
    let text: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        text,
        "1307990e6ba5ca145eb35e99182a9bec46531bc54ddf656a602c780fa0240dee"
    );
    let mut hasher = XetFileHasher::new(false);
    hasher.update(b"some data");
    assert_eq!(hasher.finish().sha256, None);
}

#[test]
fn files_in_parallel_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let cases = reference_files();
    let mut paths = Vec::new();
    for (i, (_, data, _)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("f{i}"));
        std::fs::write(&path, data).unwrap();
        paths.push(path);
    }
    let missing = dir.path().join("missing");
    paths.push(missing.clone());

    for workers in [0, 1, 3] {
        let results = hash_files(&paths, workers == 1, workers, &Cancel::new());
        assert_eq!(results.len(), paths.len());
        for ((name, data, expected), result) in cases.iter().zip(&results) {
            let info = result.as_ref().unwrap();
            assert_eq!(info.xet_hash.hex(), *expected, "{name}");
            assert_eq!(info.size, data.len() as u64);
            assert_eq!(info.sha256.is_some(), workers == 1);
        }
        match results.last().unwrap() {
            Err(HashError::Io { path, source }) => {
                assert_eq!(path, &missing);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("expected a not-found error, got {other:?}"),
        }
    }
}

#[test]
fn cancelled_before_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    std::fs::write(&path, vec![1u8; 100_000]).unwrap();
    let cancel = Cancel::new();
    cancel.cancel();
    let results = hash_files(&[path.clone(), path], false, 2, &cancel);
    assert!(results
        .iter()
        .all(|r| matches!(r, Err(HashError::Cancelled))));
}

#[test]
fn empty_path_list() {
    assert!(hash_files(&[], true, 0, &Cancel::new()).is_empty());
}

/// A reader that returns at most `step` bytes per call, to exercise short reads.
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
fn pipelined_equals_sequential() {
    for (name, data, expected) in reference_files() {
        for step in [usize::MAX, 1_000_003] {
            for with_sha in [false, true] {
                let mut reader = Trickle { data: &data, step };
                let info = hash_reader_pipelined(&mut reader, with_sha, &Cancel::new()).unwrap();
                assert_eq!(info.xet_hash.hex(), expected, "{name}");
                assert_eq!(info.size, data.len() as u64);
                let sha = with_sha.then(|| hfh_core::oid::sha256_bytes(&data));
                assert_eq!(info.sha256, sha);
            }
        }
    }
    // Larger than several read blocks, so buffers are recycled.
    let data = splitmix_data(3 * READ_BLOCK_SIZE + 12345, 5);
    let sequential = hash_in_blocks(&data, READ_BLOCK_SIZE);
    let mut reader = Trickle {
        data: &data,
        step: usize::MAX,
    };
    let pipelined = hash_reader_pipelined(&mut reader, true, &Cancel::new()).unwrap();
    assert_eq!(pipelined, sequential);
}

#[test]
fn pipelined_reports_read_errors_and_cancellation() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("disk on fire"));
            }
            let n = self.0.min(buf.len());
            buf[..n].fill(7);
            self.0 -= n;
            Ok(n)
        }
    }
    let err = hash_reader_pipelined(&mut Failing(20 << 20), false, &Cancel::new()).unwrap_err();
    assert_eq!(err.to_string(), "disk on fire");
    let err = hash_reader(&mut Failing(100), false, &Cancel::new()).unwrap_err();
    assert_eq!(err.to_string(), "disk on fire");

    let cancel = Cancel::new();
    cancel.cancel();
    let err = hash_reader_pipelined(&mut Failing(1 << 20), false, &cancel).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Interrupted);
}

#[test]
fn one_large_file_uses_the_pipeline_and_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let data = splitmix_data(PIPELINE_MIN_SIZE as usize + 999, 12);
    let path = dir.path().join("large");
    std::fs::write(&path, &data).unwrap();
    let expected = hash_in_blocks(&data, 1 << 20);
    let results = hash_files(std::slice::from_ref(&path), true, 2, &Cancel::new());
    assert_eq!(results[0].as_ref().unwrap(), &expected);
    assert_eq!(hash_file(&path, true, &Cancel::new()).unwrap(), expected);
}
