//! Git object ids, computed exactly as git computes them, so that every id the server hands
//! out (blob, tree, commit) is a genuine 40-hex git SHA-1 of deterministic content.
//!
//! - regular file: `sha1("blob <len>\0" + content)` (via `hfh_core::oid`);
//! - LFS file: the blob id of its LFS pointer text (what git and the Hub report as `oid`);
//! - tree: `sha1("tree <len>\0" + entries)`, entries `"<mode> <name>\0<20 raw bytes>"` sorted the
//!   git way (a directory sorts as if its name ended with `/`);
//! - commit: `sha1("commit <len>\0" + "tree ..\nparent ..\nauthor ..\ncommitter ..\n\n<message>")`.

use sha1::{Digest, Sha1};

pub const MODE_FILE: &str = "100644";
pub const MODE_DIR: &str = "40000";

/// Git blob id of `data` as lower-case hex.
pub fn blob_oid(data: &[u8]) -> String {
    hex::encode(hfh_core::oid::git_sha1_bytes(data))
}

/// The text of a Git LFS pointer file for an object.
pub fn lfs_pointer(sha256: &str, size: u64) -> String {
    format!("version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n")
}

/// One entry of a git tree object.
pub struct TreeItem<'a> {
    pub name: &'a str,
    pub is_dir: bool,
    /// 40-hex id of the blob or sub-tree.
    pub oid: &'a str,
}

/// Git tree id for the given entries (any order; sorted here the way git sorts them).
pub fn tree_oid(items: &mut [TreeItem<'_>]) -> String {
    items.sort_by_key(sort_key);
    let mut body = Vec::new();
    for item in items.iter() {
        body.extend_from_slice(if item.is_dir { MODE_DIR } else { MODE_FILE }.as_bytes());
        body.push(b' ');
        body.extend_from_slice(item.name.as_bytes());
        body.push(0);
        body.extend_from_slice(&hex::decode(item.oid).unwrap_or_else(|_| vec![0; 20]));
    }
    object_oid("tree", &body)
}

fn sort_key(item: &TreeItem<'_>) -> Vec<u8> {
    let mut key = item.name.as_bytes().to_vec();
    if item.is_dir {
        key.push(b'/');
    }
    key
}

/// The fields of a commit object.
pub struct CommitObject<'a> {
    pub tree: &'a str,
    pub parents: &'a [String],
    pub author: &'a str,
    pub email: &'a str,
    pub time_millis: i64,
    pub message: &'a str,
}

/// Git commit id of the given commit.
pub fn commit_oid(c: &CommitObject<'_>) -> String {
    let secs = c.time_millis.div_euclid(1000);
    let mut text = format!("tree {}\n", c.tree);
    for p in c.parents {
        text.push_str(&format!("parent {p}\n"));
    }
    let ident = format!("{} <{}> {secs} +0000", c.author, c.email);
    text.push_str(&format!(
        "author {ident}\ncommitter {ident}\n\n{}",
        c.message
    ));
    if !c.message.ends_with('\n') {
        text.push('\n');
    }
    object_oid("commit", text.as_bytes())
}

fn object_oid(kind: &str, body: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("{kind} {}\0", body.len()).as_bytes());
    h.update(body);
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_oid(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_oid(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn empty_tree_matches_git() {
        assert_eq!(
            tree_oid(&mut []),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
    }

    #[test]
    fn tree_matches_git() {
        // git: a file "hello.txt" containing "hello\n" → tree aaa96ced2d9a1c8e72c56b253a0e2fe78393feb7
        let blob = blob_oid(b"hello\n");
        let mut items = [TreeItem {
            name: "hello.txt",
            is_dir: false,
            oid: &blob,
        }];
        assert_eq!(
            tree_oid(&mut items),
            "aaa96ced2d9a1c8e72c56b253a0e2fe78393feb7"
        );
    }

    #[test]
    fn nested_tree_matches_git() {
        // git write-tree over: a.txt="y", a/f="x", hello.txt="hello\n"
        let f = blob_oid(b"x");
        let sub = tree_oid(&mut [TreeItem {
            name: "f",
            is_dir: false,
            oid: &f,
        }]);
        assert_eq!(sub, "2561a62d4223eb7660d3b6b02b707048382f4019");
        let y = blob_oid(b"y");
        let h = blob_oid(b"hello\n");
        let mut root = [
            TreeItem {
                name: "hello.txt",
                is_dir: false,
                oid: &h,
            },
            TreeItem {
                name: "a",
                is_dir: true,
                oid: &sub,
            },
            TreeItem {
                name: "a.txt",
                is_dir: false,
                oid: &y,
            },
        ];
        assert_eq!(
            tree_oid(&mut root),
            "9c738e3437432132820a85d382fe8ed8e407d25f"
        );
    }

    #[test]
    fn tree_sorts_dirs_with_slash() {
        let blob = blob_oid(b"x");
        let mut a = [
            TreeItem {
                name: "a.txt",
                is_dir: false,
                oid: &blob,
            },
            TreeItem {
                name: "a",
                is_dir: true,
                oid: &blob,
            },
        ];
        let mut b = [
            TreeItem {
                name: "a",
                is_dir: true,
                oid: &blob,
            },
            TreeItem {
                name: "a.txt",
                is_dir: false,
                oid: &blob,
            },
        ];
        assert_eq!(tree_oid(&mut a), tree_oid(&mut b));
        // "a.txt" < "a/" because '.' (0x2e) < '/' (0x2f)
        assert_eq!(a[0].name, "a.txt");
    }

    #[test]
    fn commit_is_deterministic() {
        let c = CommitObject {
            tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            parents: &[],
            author: "alice",
            email: "alice@users.noreply.huggingface.co",
            time_millis: 1_700_000_000_000,
            message: "initial commit",
        };
        let id = commit_oid(&c);
        assert_eq!(id.len(), 40);
        assert_eq!(id, commit_oid(&c));
    }

    #[test]
    fn pointer_format() {
        let p = lfs_pointer(&"a".repeat(64), 3);
        assert!(p.starts_with("version https://git-lfs.github.com/spec/v1\noid sha256:aaaa"));
        assert!(p.ends_with("\nsize 3\n"));
    }
}
