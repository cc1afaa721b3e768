use super::*;

fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 9) as u8)
        .collect()
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Sends part `n` of `data` through a fresh attempt; returns its ETag.
fn send(upload: &Arc<Upload>, n: u64, data: &[u8]) -> String {
    let part = upload.begin_part(n).unwrap();
    let (start, end) = (part.offset as usize, (part.offset + part.len) as usize);
    // In two buffers, as a receiver would write them.
    let middle = start + (end - start) / 2;
    for (from, to) in [(start, middle), (middle, end)] {
        let mut buffer = AlignedBuf::new(to - from);
        buffer.fill_from(&data[from..to]);
        part.write(buffer, from as u64).unwrap();
    }
    part.finish().unwrap()
}

fn wait_for_worker(upload: &Upload) {
    let mut state = upload.lock();
    while state.worker {
        state = upload.changed.wait(state).unwrap();
    }
}

#[test]
fn plans_cut_objects_into_parts() {
    let plan = Plan { size: 10, chunk: 4 };
    assert_eq!(plan.parts(), 3);
    assert_eq!(
        (1..=4).map(|n| plan.part_len(n)).collect::<Vec<_>>(),
        [Some(4), Some(4), Some(2), None]
    );
    assert_eq!(plan.part_len(0), None);
    assert_eq!(plan.offset(3), 8);
    assert_eq!(Plan { size: 8, chunk: 4 }.parts(), 2);
    assert_eq!(Plan { size: 0, chunk: 4 }.parts(), 0);
}

/// Parts arriving out of order are written in place and hashed in order as the gaps close;
/// completion then has nothing left to hash and hands over the assembled file.
#[test]
fn out_of_order_parts_are_hashed_in_order_while_they_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let staging = Staging::new(dir.path());
    let id = new_upload_id();
    let data = content(5 * 8192 + 100, 1);
    let plan = Plan {
        size: data.len() as u64,
        chunk: 8192,
    };
    let upload = staging.open(&id, plan).unwrap();
    let mut etags = vec![String::new(); 6];
    for n in [3u64, 6, 2] {
        etags[n as usize - 1] = send(&upload, n, &data);
    }
    wait_for_worker(&upload);
    let state = upload.lock();
    assert_eq!(state.hashed, 0, "part 1 is missing: nothing hashed yet");
    assert_eq!(
        state.retained,
        8192 * 2 + 100,
        "parts 2, 3 and 6 wait in memory"
    );
    drop(state);
    for n in [1u64, 5, 4] {
        etags[n as usize - 1] = send(&upload, n, &data);
        wait_for_worker(&upload);
    }
    assert_eq!(
        upload.lock().hashed,
        plan.size,
        "every part hashed before completion"
    );
    let path = upload.complete(&etags, &sha(&data)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), data);
    staging.discard(&id);

    // With no memory to keep parts ahead of the digest, they are read back from the file.
    let id = new_upload_id();
    let upload = staging.open(&id, plan).unwrap();
    upload.lock().retain_limit = 0;
    for n in [2u64, 4, 6, 3] {
        etags[n as usize - 1] = send(&upload, n, &data);
    }
    assert_eq!(upload.lock().retained, 0);
    for n in [1u64, 5] {
        etags[n as usize - 1] = send(&upload, n, &data);
        wait_for_worker(&upload);
    }
    assert_eq!(upload.lock().hashed, plan.size);
    let path = upload.complete(&etags, &sha(&data)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), data);
    staging.discard(&id);
    assert!(!dir.path().join("tmp/multipart").join(&id).exists());
}

/// A part sent again after it was hashed (with other bytes, then the right ones): the running
/// digest is dropped and completion hashes the file as it is, so the check is always against
/// the bytes that get stored.
#[test]
fn a_part_resent_after_hashing_is_verified_as_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let staging = Staging::new(dir.path());
    let data = content(3 * 4096, 2);
    let plan = Plan {
        size: data.len() as u64,
        chunk: 4096,
    };
    let oid = sha(&data);
    let id = new_upload_id();
    let upload = staging.open(&id, plan).unwrap();
    let mut etags: Vec<String> = (1..=3).map(|n| send(&upload, n, &data)).collect();
    wait_for_worker(&upload);
    assert_eq!(upload.lock().hashed, plan.size);

    // Re-sent with other bytes: the object no longer matches, whatever was hashed before.
    let mut other = data.clone();
    other[4096] ^= 0xff;
    let stale = etags[1].clone();
    etags[1] = send(&upload, 2, &other);
    assert_ne!(etags[1], stale);
    wait_for_worker(&upload);
    match upload.complete(&etags, &oid) {
        Err(AssembleError::Rejected(message)) => assert!(
            message.contains("does not match the object id"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    // Re-sent again with the right bytes: completes; the stale ETag is refused.
    etags[1] = send(&upload, 2, &data);
    let mut listed = etags.clone();
    listed[1] = stale;
    match upload.complete(&listed, &oid) {
        Err(AssembleError::Rejected(message)) => {
            assert!(message.contains("ETag of part 2"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let path = upload.complete(&etags, &oid).unwrap();
    assert_eq!(fs::read(path).unwrap(), data);
}

#[test]
fn completion_refuses_missing_parts_and_parts_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let staging = Staging::new(dir.path());
    let data = content(10, 3);
    let plan = Plan { size: 10, chunk: 4 };
    let upload = staging.open(&new_upload_id(), plan).unwrap();
    let mut etags = vec![send(&upload, 1, &data), send(&upload, 2, &data)];
    etags.push("\"0\"".into());
    match upload.complete(&etags, &sha(&data)) {
        Err(AssembleError::Rejected(message)) => assert_eq!(message, "Part 3 was not uploaded"),
        other => panic!("{other:?}"),
    }
    // Part 3 being received: completion waits for it (409), and parts are refused while a
    // completion runs (checked through the flag it sets).
    let part = upload.begin_part(3).unwrap();
    assert!(matches!(
        upload.complete(&etags, &sha(&data)),
        Err(AssembleError::Busy(_))
    ));
    let mut buffer = AlignedBuf::new(2);
    buffer.fill_from(&data[8..]);
    part.write(buffer, 8).unwrap();
    etags[2] = part.finish().unwrap();
    upload.lock().completing = true;
    assert!(matches!(upload.begin_part(1), Err(AssembleError::Busy(_))));
    upload.lock().completing = false;
    // An attempt dropped unfinished (a failed request) leaves its part missing, not in flight.
    drop(upload.begin_part(1).unwrap());
    match upload.complete(&etags, &sha(&data)) {
        Err(AssembleError::Rejected(message)) => assert_eq!(message, "Part 1 was not uploaded"),
        other => panic!("{other:?}"),
    }
    etags[0] = send(&upload, 1, &data);
    assert!(upload.complete(&etags, &sha(&data)).is_ok());
    assert!(matches!(
        upload.begin_part(4),
        Err(AssembleError::Rejected(_))
    ));
}

/// After a restart (the in-memory state gone) the parts on disk are still there: the upload
/// completes, its digest computed from the file.
#[test]
fn an_upload_survives_a_restart_between_its_parts_and_its_completion() {
    let dir = tempfile::tempdir().unwrap();
    let staging = Staging::new(dir.path());
    let data = content(9000, 4);
    let plan = Plan {
        size: 9000,
        chunk: 4096,
    };
    let id = new_upload_id();
    let upload = staging.open(&id, plan).unwrap();
    let etags: Vec<String> = (1..=3).map(|n| send(&upload, n, &data)).collect();
    wait_for_worker(&upload);
    drop(upload);
    // What a new process sees.
    registry().remove(&staging.dir(&id).unwrap());
    let upload = staging.open(&id, plan).unwrap();
    assert_eq!(upload.lock().hashed, 0);
    let path = upload.complete(&etags, &sha(&data)).unwrap();
    assert_eq!(fs::read(path).unwrap(), data);
    assert!(staging.open("../x", plan).is_err());
}

/// The sweep releases the memory of an upload idle for long (its parts stay; the digest then
/// reads them back), and removes uploads whose URLs expired.
#[test]
fn the_sweep_releases_idle_uploads_and_removes_expired_ones() {
    let dir = tempfile::tempdir().unwrap();
    let staging = Staging::new(dir.path());
    let data = content(3 * 4096, 5);
    let plan = Plan {
        size: data.len() as u64,
        chunk: 4096,
    };
    let id = new_upload_id();
    let upload = staging.open(&id, plan).unwrap();
    let mut etags = vec![String::new(); 3];
    for n in [3u64, 2] {
        etags[n as usize - 1] = send(&upload, n, &data);
    }
    assert_eq!(upload.lock().retained, 2 * 4096);
    let age = |seconds: u64| {
        let when = SystemTime::now() - Duration::from_secs(seconds);
        fs::File::open(staging.dir(&id).unwrap())
            .unwrap()
            .set_modified(when)
            .unwrap();
    };
    age(IDLE_RELEASE.as_secs() + 60);
    staging.sweep(Duration::from_secs(86_400));
    assert_eq!(upload.lock().retained, 0);
    etags[0] = send(&upload, 1, &data);
    wait_for_worker(&upload);
    assert!(upload.complete(&etags, &sha(&data)).is_ok());

    age(86_400 + 60);
    staging.sweep(Duration::from_secs(86_400));
    assert!(!staging.dir(&id).unwrap().exists());
}
