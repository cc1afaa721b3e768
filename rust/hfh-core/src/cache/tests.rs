use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use super::*;
use crate::Cancel;

const REV_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const REV_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn root() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    (dir, root)
}

/// A blob file in `repo/blobs/` and a relative symlink to it at `repo/snapshots/<rev>/<file>`.
fn link(repo: &Path, rev: &str, file: &str, blob: &str, content: &[u8]) {
    let blob_path = repo.join("blobs").join(blob);
    fs::create_dir_all(blob_path.parent().unwrap()).unwrap();
    fs::write(&blob_path, content).unwrap();
    let pointer = repo.join("snapshots").join(rev).join(file);
    fs::create_dir_all(pointer.parent().unwrap()).unwrap();
    let depth = file.matches('/').count();
    let target = format!("{}../../blobs/{blob}", "../".repeat(depth));
    symlink(target, pointer).unwrap();
}

fn write_ref(repo: &Path, name: &str, target: &str) {
    let path = repo.join("refs").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, target).unwrap();
}

fn scan(root: &Path) -> CacheScan {
    scan_cache(root, 3, &Cancel::new()).unwrap()
}

fn only_repo(scan: &CacheScan) -> &Repo {
    assert_eq!(scan.entries.len(), 1, "{scan:?}");
    scan.entries[0].outcome.as_ref().unwrap()
}

fn only_problem(scan: &CacheScan) -> &Problem {
    assert_eq!(scan.entries.len(), 1, "{scan:?}");
    scan.entries[0].outcome.as_ref().unwrap_err()
}

fn float_time(secs: i64, nanos: i64) -> f64 {
    timestamp(secs, nanos)
}

#[test]
fn sizes_are_deduplicated_by_blob_and_times_come_from_blobs() {
    let (_guard, root) = root();
    let repo = root.join("models--org--name");
    link(&repo, REV_A, "config.json", "b1", b"12345");
    link(&repo, REV_A, "sub/dir/weights.bin", "b2", b"1234567890");
    link(&repo, REV_A, "copy.json", "b1", b"12345");
    link(&repo, REV_B, "config.json", "b1", b"12345");
    link(&repo, REV_B, "other.txt", "b3", b"123");
    write_ref(&repo, "main", REV_B);
    write_ref(&repo, "refs/pr/1", REV_A);

    let scan = scan(&root);
    let repo_scan = only_repo(&scan);
    assert_eq!(repo_scan.path, repo);
    assert_eq!(repo_scan.blobs.len(), 3);
    assert_eq!(repo_scan.size, 18);
    let mut refs: Vec<_> = repo_scan
        .refs
        .iter()
        .map(|r| {
            (
                r.name.to_string_lossy().into_owned(),
                String::from_utf8(r.target.clone()).unwrap(),
            )
        })
        .collect();
    refs.sort();
    assert_eq!(
        refs,
        [
            ("main".to_string(), REV_B.to_string()),
            ("refs/pr/1".to_string(), REV_A.to_string())
        ]
    );

    let mut revisions = repo_scan.revisions.clone();
    revisions.sort_by(|a, b| a.name.cmp(&b.name));
    let (a, b) = (&revisions[0], &revisions[1]);
    assert_eq!(a.name, OsStr::new(REV_A));
    assert_eq!(a.len(), 3);
    assert_eq!(a.size, 15, "b1 counted once");
    assert_eq!(b.size, 8);

    use std::os::unix::fs::MetadataExt;
    for (name, path, blob) in a.files() {
        assert_eq!(path.file_name().unwrap(), name);
        assert!(path.starts_with(repo.join("snapshots").join(REV_A)));
        assert_eq!(repo_scan.blobs.path(blob), fs::canonicalize(&path).unwrap());
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(repo_scan.blobs.size(blob), meta.len());
        assert_eq!(
            repo_scan.blobs.modified(blob),
            float_time(meta.mtime(), meta.mtime_nsec())
        );
        assert_eq!(
            repo_scan.blobs.accessed(blob),
            float_time(meta.atime(), meta.atime_nsec())
        );
    }
    let latest = (0..3)
        .map(|i| repo_scan.blobs.modified(i))
        .fold(f64::MIN, f64::max);
    assert_eq!(repo_scan.last_modified, latest);
    let expected = (0..3)
        .map(|i| repo_scan.blobs.modified(i))
        .filter(|_| true)
        .fold(f64::MIN, f64::max);
    assert_eq!(a.last_modified.max(b.last_modified), expected);
}

#[test]
fn glob_order_lists_a_folder_before_its_subfolders() {
    let (_guard, root) = root();
    let repo = root.join("models--a");
    link(&repo, REV_A, "z/deep.txt", "b1", b"1");
    link(&repo, REV_A, "top.txt", "b2", b"2");
    let scan = scan(&root);
    let files: Vec<_> = only_repo(&scan).revisions[0]
        .files()
        .map(|(name, _, _)| name.to_owned())
        .collect();
    assert_eq!(files, ["top.txt", "deep.txt"]);
}

#[test]
fn files_without_symlinks_are_their_own_blobs() {
    let (_guard, root) = root();
    let snapshot = root.join("datasets--org--data/snapshots").join(REV_A);
    fs::create_dir_all(snapshot.join("sub")).unwrap();
    fs::write(snapshot.join("sub/file.csv"), b"a,b\n").unwrap();
    let scan = scan(&root);
    let repo = only_repo(&scan);
    assert_eq!(repo.blobs.path(0), snapshot.join("sub/file.csv"));
    assert_eq!(repo.size, 4);
}

#[test]
fn empty_repo_and_revision_take_their_folder_times() {
    let (_guard, root) = root();
    let repo = root.join("spaces--a--b");
    fs::create_dir_all(repo.join("snapshots").join(REV_A)).unwrap();
    let scan = scan(&root);
    let found = only_repo(&scan);
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(&repo).unwrap();
    assert_eq!(found.size, 0);
    assert_eq!(
        found.last_modified,
        float_time(meta.mtime(), meta.mtime_nsec())
    );
    let rev_meta = fs::metadata(repo.join("snapshots").join(REV_A)).unwrap();
    assert_eq!(
        found.revisions[0].last_modified,
        float_time(rev_meta.mtime(), rev_meta.mtime_nsec())
    );
}

/// A folder name, how to make it broken, and whether the problem is the expected one.
type Case = (&'static str, Box<dyn Fn(&Path)>, fn(&Problem) -> bool);

#[test]
fn structural_problems_are_reported_in_upstream_order() {
    let cases: Vec<Case> = vec![
        (
            "version.txt",
            Box::new(|p: &Path| fs::write(p, b"1").unwrap()),
            |p| matches!(p, Problem::NotADirectory(_)),
        ),
        (
            "no_separator",
            Box::new(|p: &Path| fs::create_dir(p).unwrap()),
            |p| matches!(p, Problem::NotACacheDirectory(_)),
        ),
        (
            "kernels--a--b",
            Box::new(|p: &Path| fs::create_dir_all(p.join("snapshots")).unwrap()),
            |p| matches!(p, Problem::BadRepoType(_)),
        ),
        (
            "models--a--b",
            Box::new(|p: &Path| fs::create_dir_all(p.join("refs")).unwrap()),
            |p| matches!(p, Problem::NoSnapshots(path) if path.ends_with("snapshots")),
        ),
        (
            "models--c",
            Box::new(|p: &Path| {
                fs::create_dir_all(p.join("snapshots")).unwrap();
                fs::write(p.join("refs"), b"x").unwrap();
            }),
            |p| matches!(p, Problem::RefsIsFile(_)),
        ),
        (
            "models--d",
            Box::new(|p: &Path| {
                fs::create_dir_all(p.join("snapshots")).unwrap();
                fs::write(p.join("snapshots/oops"), b"x").unwrap();
            }),
            |p| matches!(p, Problem::SnapshotIsFile(path) if path.ends_with("oops")),
        ),
        (
            "models--e",
            Box::new(|p: &Path| {
                let snapshot = p.join("snapshots").join(REV_A);
                fs::create_dir_all(&snapshot).unwrap();
                symlink("../../blobs/gone", snapshot.join("f")).unwrap();
            }),
            |p| matches!(p, Problem::BlobMissing(path) if path.ends_with("models--e/blobs/gone")),
        ),
    ];
    for (name, make, check) in cases {
        let (_guard, root) = root();
        make(&root.join(name));
        let scan = scan(&root);
        assert!(check(only_problem(&scan)), "{name}: {scan:?}");
    }
}

#[test]
fn repo_type_drops_one_character_like_python() {
    let (_guard, root) = root();
    for name in ["modelX--a", "modelé--b", "modelsX--c", "model--d"] {
        fs::create_dir_all(root.join(name).join("snapshots")).unwrap();
    }
    let scan = scan(&root);
    for entry in &scan.entries {
        let valid = entry.outcome.is_ok();
        let expected = entry.name == "modelX--a" || entry.name == "modelé--b";
        assert_eq!(valid, expected, "{:?}", entry.name);
    }
}

#[test]
fn ignored_names_and_incomplete_files() {
    let (_guard, root) = root();
    for name in [".locks", "CACHEDIR.TAG", ".DS_Store"] {
        fs::create_dir_all(root.join(name)).unwrap();
    }
    let repo = root.join("models--a");
    link(&repo, REV_A, "f", "b1", b"x");
    fs::write(repo.join("blobs/abc.incomplete"), b"12345").unwrap();
    fs::create_dir_all(root.join("not-a-repo/blobs")).unwrap();
    fs::write(root.join("not-a-repo/blobs/x.incomplete"), b"1").unwrap();
    let scan = scan(&root);
    let names: Vec<_> = scan.entries.iter().map(|e| e.name.clone()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let mut incomplete: Vec<_> = scan.incomplete.iter().map(|f| f.size).collect();
    incomplete.sort();
    assert_eq!(incomplete, [1, 5]);
    assert_eq!(only_repo_named(&scan, "models--a").size, 1);
}

fn only_repo_named<'a>(scan: &'a CacheScan, name: &str) -> &'a Repo {
    scan.entries
        .iter()
        .find(|e| e.name == name)
        .unwrap()
        .outcome
        .as_ref()
        .unwrap()
}

#[test]
fn symlinks_to_folders_are_skipped_and_loops_are_missing_blobs() {
    let (_guard, root) = root();
    let repo = root.join("models--a");
    link(&repo, REV_A, "f", "b1", b"x");
    let snapshot = repo.join("snapshots").join(REV_A);
    fs::create_dir_all(root.join("elsewhere")).unwrap();
    symlink(root.join("elsewhere"), snapshot.join("dirlink")).unwrap();
    let scan_ok = scan(&root);
    assert_eq!(
        only_repo_named(&scan_ok, "models--a").revisions[0]
            .files
            .len(),
        1
    );

    symlink("loop", snapshot.join("loop")).unwrap();
    let scan = scan(&root);
    let entry = scan.entries.iter().find(|e| e.name == "models--a").unwrap();
    match &entry.outcome {
        Err(Problem::BlobMissing(path)) => assert!(path.ends_with("loop"), "{path:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn symlinked_repo_keeps_unresolved_file_paths() {
    let (_guard, root) = root();
    let storage = root.join("storage");
    link(&storage, REV_A, "f", "b1", b"xy");
    let cache = root.join("cache");
    fs::create_dir(&cache).unwrap();
    symlink(&storage, cache.join("models--a")).unwrap();
    let scan = scan(&cache);
    let repo = only_repo(&scan);
    let (_, path, blob) = repo.revisions[0].files().next().unwrap();
    assert_eq!(
        path,
        cache.join("models--a/snapshots").join(REV_A).join("f")
    );
    assert_eq!(repo.blobs.path(blob), storage.join("blobs/b1"));
}

#[test]
fn non_utf8_names_survive() {
    let (_guard, root) = root();
    let repo = root.join("models--a");
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    let blob = repo.join("blobs/b1");
    fs::create_dir_all(blob.parent().unwrap()).unwrap();
    fs::write(&blob, b"x").unwrap();
    let snapshot = repo.join("snapshots").join(REV_A);
    fs::create_dir_all(&snapshot).unwrap();
    symlink("../../blobs/b1", snapshot.join(name)).unwrap();
    fs::create_dir_all(
        root.join(OsStr::from_bytes(b"models--\xff"))
            .join("snapshots"),
    )
    .unwrap();
    let scan = scan(&root);
    assert_eq!(scan.entries.len(), 2);
    let found = only_repo_named(&scan, "models--a");
    let (found_name, path, _) = found.revisions[0].files().next().unwrap();
    assert_eq!(found_name, name);
    assert_eq!(path.file_name().unwrap(), name);
}

#[test]
fn a_ref_that_is_not_a_regular_file_is_unreadable_not_a_hang() {
    let (_guard, root) = root();
    let repo = root.join("models--a");
    link(&repo, REV_A, "f", "b1", b"x");
    fs::create_dir_all(repo.join("refs")).unwrap();
    symlink("/dev/zero", repo.join("refs/main")).unwrap();
    let scan = scan(&root);
    assert!(matches!(
        only_problem(&scan),
        Problem::Unreadable { what: "ref", .. }
    ));
}

#[test]
fn a_broken_symlink_as_revision_is_unreadable() {
    let (_guard, root) = root();
    let snapshots = root.join("models--a/snapshots");
    fs::create_dir_all(&snapshots).unwrap();
    symlink("nowhere", snapshots.join(REV_A)).unwrap();
    let scan = scan(&root);
    assert!(matches!(
        only_problem(&scan),
        Problem::Unreadable {
            what: "snapshot",
            ..
        }
    ));
}

#[test]
fn missing_root_is_an_error_and_cancel_stops() {
    let (_guard, root) = root();
    assert!(matches!(
        scan_cache(&root.join("missing"), 1, &Cancel::new()),
        Err(ScanError::Io(_))
    ));
    fs::create_dir_all(root.join("models--a/snapshots")).unwrap();
    let cancel = Cancel::new();
    cancel.cancel();
    assert!(matches!(
        scan_cache(&root, 1, &cancel),
        Err(ScanError::Cancelled)
    ));
}

#[test]
fn resolver_matches_canonicalize_and_handles_parents() {
    let (_guard, root) = root();
    fs::create_dir_all(root.join("a/b")).unwrap();
    fs::write(root.join("a/b/file"), b"x").unwrap();
    symlink(root.join("a"), root.join("alias")).unwrap();
    symlink("b/../b/file", root.join("a/rel")).unwrap();
    let mut resolver = Resolver::new();
    for path in ["alias/b/file", "alias/rel", "a/./b/../b/file"] {
        let resolved = resolver.resolve(&root.join(path));
        assert!(resolved.ok);
        assert_eq!(resolved.path, root.join("a/b/file"), "{path}");
        assert!(resolved.metadata.is_some());
    }
    let missing = resolver.resolve(&root.join("alias/nothing/here"));
    assert!(missing.ok);
    assert_eq!(missing.path, root.join("a/nothing/here"));
    assert!(missing.metadata.is_none());
    assert_eq!(resolver.resolve(Path::new("/../..")).path, Path::new("/"));
}

#[test]
fn unusual_links_resolve_like_realpath() {
    let (_guard, root) = root();
    let repo = root.join("models--a");
    link(&repo, REV_A, "plain", "b1", b"1");
    let snapshot = repo.join("snapshots").join(REV_A);
    // absolute target, a chain of two links, a target with `..` after names, and a link
    // through a symlinked folder
    symlink(repo.join("blobs/b1"), snapshot.join("absolute")).unwrap();
    symlink("plain", snapshot.join("chained")).unwrap();
    symlink("../../blobs/x/../b1", snapshot.join("dotdot")).unwrap();
    fs::create_dir_all(repo.join("blobs/x")).unwrap();
    symlink(repo.join("blobs"), repo.join("alias")).unwrap();
    symlink("../../alias/b1", snapshot.join("through")).unwrap();
    let scan = scan(&root);
    let found = only_repo(&scan);
    assert_eq!(found.revisions[0].len(), 5);
    assert_eq!(found.blobs.len(), 1, "every link resolves to the same blob");
    for (_, path, blob) in found.revisions[0].files() {
        assert_eq!(found.blobs.path(blob), fs::canonicalize(&path).unwrap());
    }
}

#[test]
fn many_repos_in_parallel_keep_directory_order() {
    let (_guard, root) = root();
    for i in 0..40 {
        let repo = root.join(format!("models--org--r{i}"));
        link(&repo, REV_A, "f", "b", format!("{i}").as_bytes());
        if i % 7 == 0 {
            fs::write(repo.join("refs"), b"oops").unwrap();
        }
    }
    let listed: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let scan = scan_cache(&root, 4, &Cancel::new()).unwrap();
    let scanned: Vec<_> = scan.entries.iter().map(|e| e.name.clone()).collect();
    assert_eq!(listed, scanned);
    let problems = scan.entries.iter().filter(|e| e.outcome.is_err()).count();
    assert_eq!(problems, 6);
}
