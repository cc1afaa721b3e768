//! `HEAD`/`GET /{prefix}{ns}/{name}/resolve/{rev}/{path}`: file metadata and content.
//!
//! Regular files are served here with `X-Repo-Commit`, `ETag` (git blob id) and single-range
//! `Range` support (206 / 416). LFS files answer `302 Found` to a signed, expiring blob URL
//! (see `objects`), with `X-Repo-Commit`, `ETag` / `X-Linked-Etag` (sha256) and `X-Linked-Size`;
//! those uploaded through Xet also carry `X-Xet-Hash` and a `Link` to the Xet read-token route
//! pinned to the commit (`rel="xet-auth"`) and to the CAS reconstruction
//! (`rel="xet-reconstruction-info"`). The redirect still serves the bytes to plain clients.

use super::objects::{download_url, send_blob_from, DOWNLOAD_URL_TTL};
use super::{Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::now_secs;
use crate::store::lfs_objects;
use crate::store::repos::{self, RepoType};
use crate::store::trees;
use crate::store::xet;
use crate::util::percent_decode;
use axum::body::{Body, Bytes};
use axum::http::{Method, Response, StatusCode};

/// A parsed `Range` header against a body of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeSpec {
    /// No usable range: serve everything.
    Full,
    /// Inclusive byte range.
    Part(u64, u64),
    /// Syntactically valid but outside the content: 416.
    Unsatisfiable,
}

/// Parses a single `bytes=` range. Malformed or multi-range headers are ignored (full body),
/// as RFC 9110 allows.
pub fn parse_range(header: Option<&str>, size: u64) -> RangeSpec {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeSpec::Full;
    };
    if spec.contains(',') {
        return RangeSpec::Full;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeSpec::Full;
    };
    let (start, end) = (start.trim(), end.trim());
    if start.is_empty() {
        // suffix range: last N bytes
        let Ok(n) = end.parse::<u64>() else {
            return RangeSpec::Full;
        };
        if n == 0 || size == 0 {
            return RangeSpec::Unsatisfiable;
        }
        return RangeSpec::Part(size.saturating_sub(n), size - 1);
    }
    let Ok(start) = start.parse::<u64>() else {
        return RangeSpec::Full;
    };
    let end = if end.is_empty() {
        None
    } else {
        match end.parse::<u64>() {
            Ok(e) if e >= start => Some(e),
            _ => return RangeSpec::Full,
        }
    };
    if start >= size {
        return RangeSpec::Unsatisfiable;
    }
    RangeSpec::Part(start, end.unwrap_or(size - 1).min(size - 1))
}

pub async fn resolve(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
    rest: &[&str],
) -> HubResult<Resp> {
    let segs = rest
        .iter()
        .map(|s| percent_decode(s, false))
        .collect::<HubResult<Vec<_>>>()?;
    let path = segs.join("/");
    if path.split('/').any(|s| s == "." || s == "..") || path.contains('\\') {
        return Err(HubError::bad_request(format!("Invalid path: {path}")));
    }
    let repo = ctx.readable_repo(kind, ns, name).await?;
    super::access::require_download(ctx, &repo).await?;
    let token_route = format!(
        "{}/api/{}s/{}/xet-read-token",
        ctx.endpoint,
        repo.kind.singular(),
        repo.full_id()
    );
    let rev = rev.to_string();
    let preload = ctx.method == Method::GET;
    // The hot path of downloads: the lookup runs on a pooled read-only connection (never behind
    // a commit), and a small regular file is read in the same trip to the blocking pool.
    let (commit, entry, content, xet_hash) = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let oid = repos::resolve_revision(c, &repo, &rev)?;
                let head = repos::get_commit(c, repo.id, &oid)?;
                let entry = trees::lookup(c, &head.tree_oid, path.trim_matches('/'))?;
                let entry = match entry.and_then(|e| e.file) {
                    // A pointer left behind by `permanently_delete_lfs_files`: no content.
                    Some(f) if f.lfs && lfs_objects::is_deleted(c, repo.id, &f.sha256)? => {
                        return Err(HubError::entry_not_found(format!(
                            "The LFS object of {path} has been permanently deleted"
                        ))
                        .with_commit(oid))
                    }
                    Some(f) => f,
                    None => {
                        return Err(
                            HubError::entry_not_found(format!("Entry not found: {path}"))
                                .with_commit(oid),
                        )
                    }
                };
                let content = if preload && !entry.lfs && entry.size <= PRELOAD_MAX {
                    let data = s.store.blobs.read_all(c, &entry.sha256, entry.size)?;
                    Some(Bytes::from(data))
                } else {
                    None
                };
                let xet_hash = if entry.lfs {
                    xet::hash_of_sha256(c, &entry.sha256)?
                } else {
                    None
                };
                Ok((oid, entry, content, xet_hash))
            })
        })
        .await?;
    let size = entry.size;
    let builder = Response::builder()
        .header("x-repo-commit", &commit)
        .header("accept-ranges", "bytes")
        .header("content-type", "application/octet-stream");
    if entry.lfs {
        // Like the Hub's CDN: a redirect to a signed, expiring URL of the blob itself.
        let expires = now_secs() + DOWNLOAD_URL_TTL;
        let location = download_url(
            &ctx.endpoint,
            &ctx.state.signer,
            &entry.sha256,
            size,
            expires,
        );
        let mut builder = builder;
        if let Some(hash) = xet_hash {
            // Uploaded through Xet: clients with hf_xet download it from the CAS instead.
            let link = format!(
                "<{token_route}/{commit}>; rel=\"xet-auth\", <{}{}/v1/reconstructions/{hash}>; rel=\"xet-reconstruction-info\"",
                ctx.endpoint,
                super::xet_token::CAS_PREFIX
            );
            builder = builder.header("x-xet-hash", hash).header("link", link);
        }
        return builder
            .status(StatusCode::FOUND)
            .header("location", location)
            .header("etag", format!("\"{}\"", entry.sha256))
            .header("x-linked-etag", format!("\"{}\"", entry.sha256))
            .header("x-linked-size", size.to_string())
            .body(Body::empty())
            .map_err(|e| HubError::internal(e.to_string()));
    }
    let builder = builder.header("etag", format!("\"{}\"", entry.oid));
    send_blob_from(ctx, builder, &entry.sha256, size, content).await
}

/// Regular files up to this size are read whole with their lookup (one blocking trip).
const PRELOAD_MAX: u64 = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeSpec::*;
        assert_eq!(parse_range(None, 10), Full);
        assert_eq!(parse_range(Some("bytes=0-"), 10), Part(0, 9));
        assert_eq!(parse_range(Some("bytes=2-4"), 10), Part(2, 4));
        assert_eq!(parse_range(Some("bytes=2-400"), 10), Part(2, 9));
        assert_eq!(parse_range(Some("bytes=-3"), 10), Part(7, 9));
        assert_eq!(parse_range(Some("bytes=-30"), 10), Part(0, 9));
        assert_eq!(parse_range(Some("bytes=10-"), 10), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 10), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-"), 0), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 10), Full);
        assert_eq!(parse_range(Some("bytes=a-b"), 10), Full);
        assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), Full);
        assert_eq!(parse_range(Some("items=0-1"), 10), Full);
    }
}
