use std::sync::atomic::Ordering;

use super::fetch::parse_content_range_start;
use super::partial::{self, open_ranged, state_path};

#[test]
fn content_range_start() {
    assert_eq!(parse_content_range_start("bytes 10-19/100"), Some(10));
    assert_eq!(parse_content_range_start("bytes  0-0/1"), Some(0));
    assert_eq!(parse_content_range_start("bytes */100"), None);
    assert_eq!(parse_content_range_start("items 1-2/3"), None);
    assert_eq!(parse_content_range_start("garbage"), None);
}

#[test]
fn chunk_state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob.incomplete");
    let (_file, table) = open_ranged(&path, 10_000, 4096).unwrap();
    assert_eq!(table.chunks(), 3);
    assert_eq!(table.chunk_len(2), 10_000 - 8192);
    table.record(1, 100).unwrap();
    drop(table);
    let (_file, table) = open_ranged(&path, 10_000, 4096).unwrap();
    assert_eq!(table.done[1].load(Ordering::Relaxed), 100);
    assert_eq!(table.total_done(), 100);
    // Another size or chunk size starts over: the full-size file has holes, it is no prefix.
    drop(table);
    let (_file, table) = open_ranged(&path, 10_000, 8192).unwrap();
    assert_eq!(table.total_done(), 0);
    drop(table);
    partial::discard(&path);
    assert!(!path.exists() && !state_path(&path).exists());
}

#[test]
fn corrupted_state_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob.incomplete");
    std::fs::write(&path, vec![7u8; 50]).unwrap(); // a single-stream prefix, no state
    let (_file, table) = open_ranged(&path, 10_000, 4096).unwrap();
    assert_eq!(table.done[0].load(Ordering::Relaxed), 50);
    assert_eq!(table.total_done(), 50);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 10_000);
    drop(table);
    // A damaged state says nothing about which bytes are on disk: start over.
    std::fs::write(state_path(&path), b"not a state").unwrap();
    let (_file, table) = open_ranged(&path, 10_000, 4096).unwrap();
    assert_eq!(table.total_done(), 0);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 10_000);
}
