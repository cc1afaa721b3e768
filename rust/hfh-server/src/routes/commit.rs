//! `POST /api/{T}/{ns}/{name}/commit/{rev}`: the NDJSON commit protocol.
//!
//! Lines are `{"key": ..., "value": ...}`: a `header` first, then `file` (inline base64 or
//! utf-8 content), `lfsFile` (an object the repository holds, addressed by sha256),
//! `deletedFile` and `deletedFolder`. Small content is stored by the commit's transaction
//! (`store::small_blobs`), bigger content goes to the file store before it; the commit itself
//! is one serialised SQLite transaction.

use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::git;
use crate::store::blobs::is_sha256_hex;
use crate::store::commits::{self, NewCommit, Op};
use crate::store::discussions;
use crate::store::lfs_files;
use crate::store::lfs_objects;
use crate::store::repos::{self, RepoType};
use crate::store::small_blobs;
use crate::store::trees::FileEntry;
use crate::util::{now_millis, validate_repo_path};
use axum::http::StatusCode;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// A parsed commit line; content still to be stored.
enum Line {
    File {
        path: String,
        content: Vec<u8>,
    },
    Lfs {
        path: String,
        sha256: String,
        size: Option<u64>,
    },
    DeleteFile {
        path: String,
    },
    DeleteFolder {
        path: String,
    },
}

struct Header {
    summary: String,
    description: String,
    parent_commit: Option<String>,
}

fn get_str<'a>(v: &'a Map<String, Value>, key: &str, line: usize) -> HubResult<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| HubError::bad_request(format!("Line {line}: missing or invalid \"{key}\"")))
}

fn parse(body: &[u8]) -> HubResult<(Header, Vec<Line>)> {
    let text =
        std::str::from_utf8(body).map_err(|_| HubError::bad_request("Commit body is not UTF-8"))?;
    let mut header = None;
    let mut lines = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let obj: Value = serde_json::from_str(raw)
            .map_err(|e| HubError::bad_request(format!("Line {n}: invalid JSON: {e}")))?;
        let key = obj.get("key").and_then(Value::as_str);
        let Some(value) = obj.get("value").and_then(Value::as_object) else {
            return Err(HubError::bad_request(format!(
                "Line {n}: \"value\" must be an object"
            )));
        };
        match key {
            Some("header") => {
                if header.is_some() || !lines.is_empty() {
                    return Err(HubError::bad_request(format!(
                        "Line {n}: the header must be the first line"
                    )));
                }
                let parent = match value.get("parentCommit") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(p)) => {
                        if p.len() < 5 || p.len() > 40 || !p.bytes().all(|b| b.is_ascii_hexdigit())
                        {
                            return Err(HubError::bad_request(format!(
                                "Invalid parentCommit: {p}"
                            )));
                        }
                        Some(p.clone())
                    }
                    Some(_) => {
                        return Err(HubError::bad_request("\"parentCommit\" must be a string"))
                    }
                };
                header = Some(Header {
                    summary: get_str(value, "summary", n)?.to_string(),
                    description: value
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    parent_commit: parent,
                });
            }
            _ if header.is_none() => {
                return Err(HubError::bad_request(
                    "The first line of a commit must be its header",
                ));
            }
            Some("file") => {
                let path = validate_repo_path(get_str(value, "path", n)?)?;
                let content = get_str(value, "content", n)?;
                let content = match value
                    .get("encoding")
                    .and_then(Value::as_str)
                    .unwrap_or("base64")
                {
                    "base64" => base64::engine::general_purpose::STANDARD
                        .decode(content.trim())
                        .map_err(|e| {
                            HubError::bad_request(format!("Line {n}: invalid base64 content: {e}"))
                        })?,
                    "utf-8" | "utf8" => content.as_bytes().to_vec(),
                    other => {
                        return Err(HubError::bad_request(format!(
                            "Line {n}: unknown encoding {other}"
                        )))
                    }
                };
                lines.push(Line::File { path, content });
            }
            Some("lfsFile") => {
                let path = validate_repo_path(get_str(value, "path", n)?)?;
                let algo = value
                    .get("algo")
                    .and_then(Value::as_str)
                    .unwrap_or("sha256");
                let sha256 = get_str(value, "oid", n)?.to_string();
                if algo != "sha256" || !is_sha256_hex(&sha256) {
                    return Err(HubError::bad_request(format!(
                        "Line {n}: invalid LFS oid {sha256}"
                    )));
                }
                let size =
                    match value.get("size") {
                        None | Some(Value::Null) => None,
                        Some(v) => Some(v.as_u64().ok_or_else(|| {
                            HubError::bad_request(format!("Line {n}: invalid size"))
                        })?),
                    };
                lines.push(Line::Lfs { path, sha256, size });
            }
            Some("deletedFile") => {
                let path = validate_repo_path(get_str(value, "path", n)?)?;
                lines.push(Line::DeleteFile { path });
            }
            Some("deletedFolder") => {
                let raw_path = get_str(value, "path", n)?.trim_end_matches('/');
                let path = validate_repo_path(raw_path)?;
                lines.push(Line::DeleteFolder { path });
            }
            Some(other) => {
                return Err(HubError::bad_request(format!(
                    "Line {n}: unknown key \"{other}\""
                )))
            }
            None => return Err(HubError::bad_request(format!("Line {n}: missing \"key\""))),
        }
    }
    let header =
        header.ok_or_else(|| HubError::bad_request("Empty commit: a header line is required"))?;
    if header.summary.trim().is_empty() {
        return Err(HubError::bad_request("Commit summary must not be empty"));
    }
    Ok((header, lines))
}

pub async fn create(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    // `create_pr=1` opens a pull request against `rev` and commits onto its `refs/pr/N`.
    let create_pr = ctx.query.flag("create_pr");
    let user = super::access::require_commit_access(ctx, &repo, Some(rev), create_pr).await?;
    let account = user.account.clone();
    let author = account.name.clone();
    let writer = super::access::is_writer(&ctx.caller, &repo);
    let body = ctx.body_bytes().await?;
    let (header, lines) = parse(&body)?;
    drop(body);
    // `hot_reload=1` on a Space's main branch: the files written go to the running app too.
    let hot_reload =
        (kind == RepoType::Space && !create_pr && rev == "main" && ctx.query.flag("hot_reload"))
            .then(|| written_paths(&lines));
    let rev = rev.to_string();
    let r = repo.clone();
    let (oid, pr_num) = ctx
        .blocking(move |s| {
            // Small contents are stored by the commit's transaction itself (one WAL sync makes
            // them durable with it); bigger ones go to the file store first, all behind one
            // durability barrier (content-addressed, safe to do outside the transaction).
            let big: Vec<&[u8]> = lines
                .iter()
                .filter_map(|l| match l {
                    Line::File { content, .. }
                        if !small_blobs::is_inline_size(content.len() as u64) =>
                    {
                        Some(content.as_slice())
                    }
                    _ => None,
                })
                .collect();
            let mut big_shas = s.store.blobs.put_files(&big)?.into_iter();
            drop(big);
            let mut ops = Vec::with_capacity(lines.len());
            // (sha256, content) of the small blobs, written in the transaction.
            let mut inline = Vec::new();
            // (path, sha256) of the LFS files added, for `list_lfs_files`.
            let mut lfs_paths = Vec::new();
            for line in lines {
                ops.push(match line {
                    Line::File { path, content } => {
                        let size = content.len() as u64;
                        let oid = git::blob_oid(&content);
                        let sha256 = if small_blobs::is_inline_size(size) {
                            let sha256 = hex::encode(Sha256::digest(&content));
                            inline.push((sha256.clone(), content));
                            sha256
                        } else {
                            big_shas.next().expect("one digest per big file")
                        };
                        let entry = FileEntry {
                            oid,
                            size,
                            sha256,
                            lfs: false,
                        };
                        Op::Put { path, entry }
                    }
                    Line::Lfs { path, sha256, size } => {
                        // Only objects this repository holds (uploaded to it, or in its commits).
                        let held = lfs_objects::visible_size(&s.store, r.id, &sha256)?;
                        let stored = held.ok_or_else(|| {
                            HubError::bad_request(format!(
                                "LFS object {sha256} for {path} was not uploaded"
                            ))
                        })?;
                        if size.is_some_and(|n| n != stored) {
                            return Err(HubError::bad_request(format!(
                                "Size mismatch for LFS object {sha256}"
                            )));
                        }
                        lfs_paths.push((path.clone(), sha256.clone()));
                        let pointer = git::lfs_pointer(&sha256, stored);
                        let entry = FileEntry {
                            oid: git::blob_oid(pointer.as_bytes()),
                            size: stored,
                            sha256,
                            lfs: true,
                        };
                        Op::Put { path, entry }
                    }
                    Line::DeleteFile { path } => Op::DeleteFile { path },
                    Line::DeleteFolder { path } => Op::DeleteFolder { path },
                });
            }
            let new = NewCommit {
                summary: header.summary,
                description: header.description,
                parent_commit: header.parent_commit,
                author,
                ops,
                now: now_millis(),
            };
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let (ref_name, pr_num, new) = if create_pr {
                    let (ref_name, num) = open_pull_request(&tx, &r, &rev, &new, &account)?;
                    // The pull request's ref was just created at the requested parent.
                    let new = NewCommit {
                        parent_commit: None,
                        ..new
                    };
                    (ref_name, Some(num), new)
                } else {
                    let ref_name = repos::branch_ref(&tx, &r, &rev)?;
                    discussions::check_push(&tx, r.id, &ref_name, account.id, writer)?;
                    (ref_name, None, new)
                };
                for (sha256, content) in &inline {
                    small_blobs::insert(&tx, sha256, content)?;
                }
                let oid = commits::commit_in(&tx, &r, &ref_name, &new)?;
                lfs_files::note_commit(&tx, r.id, &ref_name, &lfs_paths)?;
                discussions::record_push(
                    &tx,
                    r.id,
                    &ref_name,
                    &oid,
                    &new.summary,
                    account.id,
                    new.now,
                )?;
                tx.commit()?;
                Ok((oid, pr_num))
            })
        })
        .await?;
    if let Some(paths) = hot_reload {
        // The commit has landed: failing to record its hot-reload must not make it look failed.
        if let Err(e) = super::space_hot_reload::apply(ctx, &repo, &oid, paths).await {
            eprintln!("hfh-server: hot-reload of {oid}: {}", e.message);
        }
    }
    let url = format!("{}/commit/{oid}", repo.url(&ctx.endpoint));
    let mut answer = json!({"success": true, "commitOid": oid, "commitUrl": url, "hookOutput": ""});
    if let Some(num) = pr_num {
        answer["pullRequestUrl"] = json!(format!("{}/discussions/{num}", repo.url(&ctx.endpoint)));
    }
    Ok(json(StatusCode::OK, &answer))
}

/// Paths a commit writes (added or replaced files).
fn written_paths(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| match l {
            Line::File { path, .. } | Line::Lfs { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect()
}

/// Opens the pull request of a `create_pr=1` commit: against the branch `rev`, starting at
/// `parentCommit` if given (else the branch head), titled with the commit summary and
/// described by its description. Returns its ref and number.
fn open_pull_request(
    tx: &rusqlite::Connection,
    repo: &repos::Repo,
    rev: &str,
    new: &NewCommit,
    author: &crate::store::accounts::Account,
) -> HubResult<(String, i64)> {
    let target = repos::branch_ref(tx, repo, rev)?;
    if !target.starts_with("refs/heads/") {
        return Err(HubError::revision_not_found(rev));
    }
    let start = match &new.parent_commit {
        Some(p) => repos::resolve_revision(tx, repo, p).map_err(|_| {
            HubError::new(StatusCode::PRECONDITION_FAILED, commits::PARENT_MISMATCH)
        })?,
        None => repos::get_ref(tx, repo.id, &target)?
            .ok_or_else(|| HubError::revision_not_found(rev))?,
    };
    let title: String = new.summary.trim().chars().take(200).collect();
    let d = discussions::create(
        tx,
        repo,
        &discussions::NewDiscussion {
            author,
            title: &title,
            description: &new.description,
            // Unlike an empty API-created pull request, one that comes with a commit is open.
            status: discussions::Status::Open,
            pull_request: Some((target, start)),
            now: new.now,
        },
    )?;
    Ok((discussions::pr_ref(d.num), d.num))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines() {
        let body = concat!(
            r#"{"key":"header","value":{"summary":"s","description":"","parentCommit":"abcde"}}"#,
            "\n",
            r#"{"key":"file","value":{"content":"aGk=","path":"a.txt","encoding":"base64"}}"#,
            "\n",
            r#"{"key":"lfsFile","value":{"path":"m.bin","algo":"sha256","oid":"0000000000000000000000000000000000000000000000000000000000000000"}}"#,
            "\n",
            r#"{"key":"deletedFile","value":{"path":"old.txt"}}"#,
            "\n",
            r#"{"key":"deletedFolder","value":{"path":"dir/"}}"#,
            "\n",
        );
        let (h, lines) = parse(body.as_bytes()).unwrap();
        assert_eq!(h.parent_commit.as_deref(), Some("abcde"));
        assert_eq!(lines.len(), 4);
        assert!(matches!(&lines[0], Line::File { content, .. } if content == b"hi"));
        assert!(matches!(&lines[3], Line::DeleteFolder { path } if path == "dir"));
    }

    #[test]
    fn rejects_malformed() {
        let header = r#"{"key":"header","value":{"summary":"s"}}"#;
        for bad in [
            "".to_string(),
            "not json\n".to_string(),
            format!("{header}\n{{\"key\":\"file\",\"value\":{{\"path\":\"a\"}}}}\n"),
            format!(
                "{header}\n{{\"key\":\"file\",\"value\":{{\"path\":\"../a\",\"content\":\"\"}}}}\n"
            ),
            format!(
                "{header}\n{{\"key\":\"file\",\"value\":{{\"path\":\"a\",\"content\":\"!!\"}}}}\n"
            ),
            format!("{header}\n{{\"key\":\"bogus\",\"value\":{{}}}}\n"),
            format!("{header}\n{header}\n"),
            r#"{"key":"file","value":{"path":"a","content":""}}"#.to_string(),
            r#"{"key":"header","value":{"summary":""}}"#.to_string(),
            r#"{"key":"header","value":{"summary":"s","parentCommit":"xyz"}}"#.to_string(),
            r#"{"key":"header","value":[]}"#.to_string(),
            "\u{0}\u{1}".to_string(),
        ] {
            let err = parse(bad.as_bytes())
                .err()
                .unwrap_or_else(|| panic!("accepted {bad:?}"));
            assert_eq!(err.status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
        assert!(parse(&[0xff, 0xfe]).is_err());
    }
}
