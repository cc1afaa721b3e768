//! Pre-signed LFS object URLs, the server's stand-in for the Hub's S3/CDN:
//!
//! - `PUT /lfs-objects/upload/{oid}?repo=R&size=N&expires=T&signature=S` (basic transfer): the
//!   body (exactly `N` bytes whose sha256 is `oid`) is streamed to a temporary file while it is
//!   hashed, moved into the blob store, and the object recorded as repository `R`'s (a small
//!   object is received in memory and stored in the database with that record instead).
//! - `PUT /lfs-objects/multipart/{oid}/{upload}/{n}?repo&size&chunk&expires&signature`: part `n`
//!   of a multipart upload, staged on disk (`store::multipart`); answers `ETag: "<sha256>"`.
//! - `POST /lfs-objects/multipart/{oid}/{upload}?repo&size&chunk&expires&signature` with
//!   `{"oid", "parts": [{"partNumber", "etag"}]}`: assembles and verifies the parts, then stores
//!   and records the object like a basic upload. Idempotent.
//! - `GET`/`HEAD /lfs-objects/download/{oid}?size=N&expires=T&signature=S`: the blob, with
//!   single-range support. `resolve` and the batch API hand these out.
//!
//! Upload URLs are bound to one repository (its id is signed), so uploading to one repository
//! never makes an object visible in another. The bytes are always received and hashed, even
//! when the blob store already has that content. These URLs carry their own authorisation: the
//! `Authorization` header is never looked at (clients do not send it on LFS PUTs, and may
//! forward it on same-host downloads).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::receive::{receive, receive_small, Sink};
use super::resolve::{parse_range, RangeSpec};
use super::{Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::{now_secs, Purpose, SignatureError, Signer};
use crate::store::blob_lookup::Located;
use crate::store::blobs::is_sha256_hex;
use crate::store::direct_io::DirectFile;
use crate::store::lfs_objects;
use crate::store::multipart::{is_upload_id, AssembleError, Plan, Staging};
use crate::store::small_blobs;
use axum::body::{Body, Bytes};
use axum::http::response::Builder;
use axum::http::{HeaderValue, Method, Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Lifetime of an upload URL, in seconds (checked when the upload starts).
pub const UPLOAD_URL_TTL: u64 = 24 * 3600;
/// Lifetime of a download URL, in seconds (checked when the download starts).
pub const DOWNLOAD_URL_TTL: u64 = 3600;

/// The repository an upload URL is bound to: `repo=<row id>.<hub id>` (row ids are reused after
/// a deletion, hub ids are not), covered by the signature like every other parameter.
#[derive(Clone, Debug)]
pub struct RepoKey {
    pub id: i64,
    pub hub_id: String,
}

impl RepoKey {
    pub fn of(repo: &crate::store::repos::Repo) -> Self {
        RepoKey {
            id: repo.id,
            hub_id: repo.hub_id.clone(),
        }
    }

    pub(crate) fn signed(&self) -> String {
        format!("{}.{}", self.id, self.hub_id)
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (id, hub_id) = text.split_once('.')?;
        let valid = !hub_id.is_empty() && hub_id.bytes().all(|b| b.is_ascii_alphanumeric());
        Some(RepoKey {
            id: id.parse().ok()?,
            hub_id: valid.then(|| hub_id.to_string())?,
        })
    }
}

/// A multipart upload as its URLs describe it.
#[derive(Clone, Debug)]
pub struct MultipartUpload<'a> {
    pub repo: &'a RepoKey,
    pub oid: &'a str,
    pub plan: Plan,
    pub upload_id: &'a str,
}

impl MultipartUpload<'_> {
    fn fields(&self) -> [String; 5] {
        [
            self.repo.signed(),
            self.oid.to_string(),
            self.plan.size.to_string(),
            self.plan.chunk.to_string(),
            self.upload_id.to_string(),
        ]
    }

    fn query(&self, expires: u64, signature: &str) -> String {
        format!(
            "repo={}&size={}&chunk={}&expires={expires}&signature={signature}",
            self.repo.signed(),
            self.plan.size,
            self.plan.chunk
        )
    }

    /// The signed `PUT` URL of part `n` (1-based).
    pub fn part_url(&self, endpoint: &str, signer: &Signer, n: u64, expires: u64) -> String {
        let fields = self.fields();
        let n_text = n.to_string();
        let mut signed: Vec<&str> = fields.iter().map(String::as_str).collect();
        signed.push(&n_text);
        let sig = signer.sign_fields(Purpose::UploadPart, &signed, expires);
        format!(
            "{endpoint}/lfs-objects/multipart/{}/{}/{n}?{}",
            self.oid,
            self.upload_id,
            self.query(expires, &sig)
        )
    }

    /// The signed completion URL (`POST`).
    pub fn complete_url(&self, endpoint: &str, signer: &Signer, expires: u64) -> String {
        let fields = self.fields();
        let signed: Vec<&str> = fields.iter().map(String::as_str).collect();
        let sig = signer.sign_fields(Purpose::CompleteUpload, &signed, expires);
        format!(
            "{endpoint}/lfs-objects/multipart/{}/{}?{}",
            self.oid,
            self.upload_id,
            self.query(expires, &sig)
        )
    }
}

/// The signed basic-transfer `PUT` URL of object `oid` for repository `repo`.
pub fn upload_url(
    endpoint: &str,
    signer: &Signer,
    repo: &RepoKey,
    oid: &str,
    size: u64,
    expires: u64,
) -> String {
    let sig = signer.sign_fields(
        Purpose::Upload,
        &[&repo.signed(), oid, &size.to_string()],
        expires,
    );
    format!(
        "{endpoint}/lfs-objects/upload/{oid}?repo={}&size={size}&expires={expires}&signature={sig}",
        repo.signed()
    )
}

pub fn download_url(endpoint: &str, signer: &Signer, oid: &str, size: u64, expires: u64) -> String {
    let sig = signer.sign(Purpose::Download, oid, size, expires);
    format!("{endpoint}/lfs-objects/download/{oid}?size={size}&expires={expires}&signature={sig}")
}

fn denied(message: &str) -> HubError {
    HubError::forbidden(message.to_string()).with_code("SignatureDenied")
}

/// A number from the query string (`None` if absent or malformed).
fn number<T: std::str::FromStr>(ctx: &Ctx, key: &str) -> Option<T> {
    ctx.query.get(key).and_then(|v| v.parse::<T>().ok())
}

/// Checks the request's `expires` and `signature` against `fields`.
fn check_fields(ctx: &Ctx, purpose: Purpose, fields: &[&str]) -> HubResult<()> {
    let (Some(expires), Some(signature)) =
        (number::<u64>(ctx, "expires"), ctx.query.get("signature"))
    else {
        return Err(denied("Missing or malformed signature parameters"));
    };
    match ctx
        .state
        .signer
        .verify_fields(purpose, fields, expires, signature, now_secs())
    {
        Ok(()) => Ok(()),
        Err(SignatureError::Expired) => Err(denied("Request has expired")),
        Err(SignatureError::Invalid) => Err(denied("The request signature does not match")),
    }
}

/// Checks a download URL; returns the signed size.
fn check_download(ctx: &Ctx, oid: &str) -> HubResult<u64> {
    if !is_sha256_hex(oid) {
        return Err(HubError::not_found("Unknown object"));
    }
    let size = number::<u64>(ctx, "size")
        .ok_or_else(|| denied("Missing or malformed signature parameters"))?;
    check_fields(ctx, Purpose::Download, &[oid, &size.to_string()])?;
    Ok(size)
}

/// The repository and size of an upload URL (not yet checked).
fn upload_params(ctx: &Ctx, oid: &str) -> HubResult<(RepoKey, u64)> {
    if !is_sha256_hex(oid) {
        return Err(HubError::not_found("Unknown object"));
    }
    let repo = ctx.query.get("repo").and_then(RepoKey::parse);
    match (repo, number::<u64>(ctx, "size")) {
        (Some(repo), Some(size)) => Ok((repo, size)),
        _ => Err(denied("Missing or malformed signature parameters")),
    }
}

/// Refuses an upload for a repository deleted since its URL was signed.
async fn check_repo_exists(ctx: &Ctx, repo: &RepoKey) -> HubResult<()> {
    let (id, hub_id) = (repo.id, repo.hub_id.clone());
    let exists = ctx
        .blocking(move |s| {
            s.store
                .with(|c| Ok(lfs_objects::repo_exists(c, id, &hub_id)?))
        })
        .await?;
    if exists {
        Ok(())
    } else {
        Err(repo_gone())
    }
}

/// Checks a multipart URL (part `n`, or the completion when `None`).
fn check_multipart(
    ctx: &Ctx,
    oid: &str,
    upload_id: &str,
    part: Option<u64>,
) -> HubResult<(RepoKey, Plan)> {
    let (repo, size) = upload_params(ctx, oid)?;
    let chunk = number::<u64>(ctx, "chunk")
        .filter(|&c| c > 0)
        .ok_or_else(|| denied("Missing or malformed signature parameters"))?;
    if !is_upload_id(upload_id) {
        return Err(HubError::not_found("Unknown upload"));
    }
    let plan = Plan { size, chunk };
    let upload = MultipartUpload {
        repo: &repo,
        oid,
        plan,
        upload_id,
    };
    let fields = upload.fields();
    let mut signed: Vec<&str> = fields.iter().map(String::as_str).collect();
    let n_text = part.map(|n| n.to_string());
    let purpose = match &n_text {
        Some(n) => {
            signed.push(n);
            Purpose::UploadPart
        }
        None => Purpose::CompleteUpload,
    };
    check_fields(ctx, purpose, &signed)?;
    Ok((repo, plan))
}

/// Refuses a declared `Content-Length` other than `expected`.
fn check_content_length(ctx: &Ctx, expected: u64) -> HubResult<()> {
    let declared = ctx
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n != expected) {
        return Err(HubError::bad_request(format!(
            "Content-Length must be {expected}, the signed size"
        )));
    }
    Ok(())
}

fn repo_gone() -> HubError {
    HubError::not_found("The repository of this upload no longer exists").with_code("RepoNotFound")
}

/// `PUT /lfs-objects/upload/{oid}`
pub async fn upload(ctx: &mut Ctx, oid: &str) -> HubResult<Resp> {
    let (repo, size) = upload_params(ctx, oid)?;
    check_fields(
        ctx,
        Purpose::Upload,
        &[&repo.signed(), oid, &size.to_string()],
    )?;
    check_repo_exists(ctx, &repo).await?;
    check_content_length(ctx, size)?;
    if small_blobs::is_inline_size(size) {
        return upload_small(ctx, oid, repo, size).await;
    }
    let tmp = ctx.state.store.blobs.tmp_path();
    let digest = match receive_file(ctx.take_body(), &tmp, size).await {
        Ok(d) => d,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
    };
    if digest != oid {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(HubError::bad_request(format!(
            "Content sha256 {digest} does not match the object id {oid}"
        )));
    }
    let oid2 = oid.to_string();
    let tmp2 = tmp.clone();
    let installed = ctx
        .blocking(move |s| {
            s.store.blobs.install(&tmp2, &oid2)?;
            s.store.with(|c| {
                Ok(lfs_objects::record_upload(
                    c,
                    repo.id,
                    &repo.hub_id,
                    &oid2,
                    size,
                )?)
            })
        })
        .await;
    if installed.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    if !installed? {
        return Err(repo_gone());
    }
    Response::builder()
        .status(StatusCode::OK)
        .header("etag", format!("\"{oid}\""))
        .body(Body::empty())
        .map_err(|e| HubError::internal(e.to_string()))
}

/// A small basic upload: received in memory, then stored in the database together with the
/// repository's record of it, in one transaction (no file, no fsync besides the WAL's).
async fn upload_small(ctx: &mut Ctx, oid: &str, repo: RepoKey, size: u64) -> HubResult<Resp> {
    let data = receive_small(ctx.take_body(), size).await?;
    let digest = hex::encode(Sha256::digest(&data));
    if digest != oid {
        return Err(HubError::bad_request(format!(
            "Content sha256 {digest} does not match the object id {oid}"
        )));
    }
    let oid2 = oid.to_string();
    let stored = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let recorded = lfs_objects::record_upload(&tx, repo.id, &repo.hub_id, &oid2, size)?;
                if recorded {
                    small_blobs::insert(&tx, &oid2, &data)?;
                    tx.commit()?;
                }
                Ok(recorded)
            })
        })
        .await?;
    if !stored {
        return Err(repo_gone());
    }
    Response::builder()
        .status(StatusCode::OK)
        .header("etag", format!("\"{oid}\""))
        .body(Body::empty())
        .map_err(|e| HubError::internal(e.to_string()))
}

/// `PUT /lfs-objects/multipart/{oid}/{upload}/{n}`: stages part `n`; a retry replaces it.
pub async fn upload_part(ctx: &mut Ctx, oid: &str, upload_id: &str, n: &str) -> HubResult<Resp> {
    let n: u64 = n.parse().map_err(|_| HubError::not_found("Unknown part"))?;
    let (_, plan) = check_multipart(ctx, oid, upload_id, Some(n))?;
    let len = plan
        .part_len(n)
        .ok_or_else(|| HubError::not_found("Unknown part"))?;
    check_content_length(ctx, len)?;
    let data_dir = ctx.state.config.data_dir.clone();
    let id = upload_id.to_string();
    let attempt = ctx
        .blocking(move |_| {
            let upload = Staging::new(&data_dir).open(&id, plan)?;
            upload.begin_part(n).map_err(assemble_error)
        })
        .await?;
    let attempt = Arc::new(attempt);
    let offset = attempt.offset;
    receive(ctx.take_body(), Sink::Part(attempt.clone()), offset, len).await?;
    // Not fsynced: completion fsyncs the assembled object once, and a part lost with the machine
    // makes the object's sha256 fail there.
    let etag = ctx.blocking(move |_| Ok(attempt.finish()?)).await?;
    Response::builder()
        .status(StatusCode::OK)
        .header("etag", etag)
        .body(Body::empty())
        .map_err(|e| HubError::internal(e.to_string()))
}

fn assemble_error(e: AssembleError) -> HubError {
    match e {
        AssembleError::Rejected(message) => HubError::bad_request(message),
        AssembleError::Busy(message) => HubError::new(StatusCode::CONFLICT, message),
        AssembleError::Io(e) => e.into(),
    }
}

/// Serialises completions of one upload (a client retrying while the first is still running).
fn upload_lock(upload_id: &str) -> Arc<Mutex<()>> {
    static LOCKS: Mutex<Option<HashMap<String, Arc<Mutex<()>>>>> = Mutex::new(None);
    let mut locks = LOCKS.lock().unwrap_or_else(|p| p.into_inner());
    let map = locks.get_or_insert_with(HashMap::new);
    map.retain(|_, lock| Arc::strong_count(lock) > 1);
    map.entry(upload_id.to_string()).or_default().clone()
}

/// The part etags of a completion body, in part order; exactly parts `1..=count`.
fn completion_etags(
    body: &serde_json::Map<String, Value>,
    oid: &str,
    count: u64,
) -> HubResult<Vec<String>> {
    if body.get("oid").and_then(Value::as_str) != Some(oid) {
        return Err(HubError::bad_request(
            "\"oid\" must be the object id of this upload",
        ));
    }
    let parts = body
        .get("parts")
        .and_then(Value::as_array)
        .ok_or_else(|| HubError::bad_request("Missing \"parts\" array"))?;
    let mut etags: Vec<Option<String>> = vec![None; count as usize];
    for part in parts {
        let number = part.get("partNumber").and_then(Value::as_u64);
        let etag = part.get("etag").and_then(Value::as_str);
        let (Some(number), Some(etag)) = (number, etag) else {
            return Err(HubError::bad_request(
                "Each part needs an integer \"partNumber\" and a string \"etag\"",
            ));
        };
        let slot = (number as usize)
            .checked_sub(1)
            .and_then(|i| etags.get_mut(i))
            .ok_or_else(|| HubError::bad_request(format!("Unknown part number {number}")))?;
        if slot.replace(etag.to_string()).is_some() {
            return Err(HubError::bad_request(format!(
                "Part {number} is listed twice"
            )));
        }
    }
    etags
        .into_iter()
        .enumerate()
        .map(|(i, etag)| {
            etag.ok_or_else(|| HubError::bad_request(format!("Part {} is missing", i + 1)))
        })
        .collect()
}

/// `POST /lfs-objects/multipart/{oid}/{upload}`: assembles, verifies and stores the object.
pub async fn complete(ctx: &mut Ctx, oid: &str, upload_id: &str) -> HubResult<Resp> {
    let (repo, plan) = check_multipart(ctx, oid, upload_id, None)?;
    check_repo_exists(ctx, &repo).await?;
    let body = ctx.json_body().await?;
    let repo_id = repo.id;
    let (oid2, upload_id) = (oid.to_string(), upload_id.to_string());
    let stored = ctx
        .blocking(move |s| {
            let lock = upload_lock(&upload_id);
            let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
            let staging = Staging::new(&s.config.data_dir);
            let stored_size = || s.store.read(|c| s.store.blobs.size(c, &oid2));
            let done = stored_size()? == Some(plan.size)
                && s.store
                    .with(|c| Ok(lfs_objects::is_recorded(c, repo_id, &oid2)?))?;
            if done {
                // Completed before (a retry): nothing left to do.
                staging.discard(&upload_id);
                return Ok(true);
            }
            let record = || {
                s.store.with(|c| {
                    let (id, hub_id) = (repo.id, &repo.hub_id);
                    Ok(lfs_objects::record_upload(c, id, hub_id, &oid2, plan.size)?)
                })
            };
            let verified = staging.verified_marker(&upload_id)?;
            if verified.is_file() && stored_size()? == Some(plan.size) {
                // Verified and installed by an earlier attempt cut short before it recorded
                // the object (a crash, or a lost connection).
                let recorded = record()?;
                staging.discard(&upload_id);
                return Ok(recorded);
            }
            let etags = completion_etags(&body, &oid2, plan.parts())?;
            let upload = staging.open(&upload_id, plan)?;
            let assembled = upload.complete(&etags, &oid2);
            if let Err(AssembleError::Busy(message)) = assembled {
                // Parts are still arriving: the client may complete again once they are in.
                return Err(assemble_error(AssembleError::Busy(message)));
            }
            let installed = match assembled {
                Ok(path) => std::fs::write(&verified, b"")
                    .and_then(|()| s.store.blobs.install(&path, &oid2))
                    .map_err(HubError::from),
                Err(e) => Err(assemble_error(e)),
            };
            if let Err(e) = installed {
                staging.discard(&upload_id);
                return Err(e);
            }
            // The staging directory goes once the object is recorded (see above).
            let recorded = record()?;
            staging.discard(&upload_id);
            Ok(recorded)
        })
        .await?;
    if !stored {
        return Err(repo_gone());
    }
    Ok(super::lfs::lfs_json(
        StatusCode::OK,
        &json!({"oid": oid, "size": plan.size}),
    ))
}

/// Streams `body` into a new file at `tmp`, refusing anything but exactly `size` bytes; returns
/// the sha256 (hex) of what was written. The file is fsynced before returning.
async fn receive_file(body: Body, tmp: &std::path::Path, size: u64) -> HubResult<String> {
    let path = tmp.to_path_buf();
    let file = Arc::new(
        tokio::task::spawn_blocking(move || DirectFile::create_new(&path))
            .await
            .map_err(|e| HubError::internal(e.to_string()))??,
    );
    let digest = receive(body, Sink::File(file.clone()), 0, size).await?;
    tokio::task::spawn_blocking(move || file.sync_all())
        .await
        .map_err(|e| HubError::internal(e.to_string()))??;
    Ok(digest.unwrap_or_default())
}

/// `GET`/`HEAD /lfs-objects/download/{oid}`
pub async fn download(ctx: &Ctx, oid: &str) -> HubResult<Resp> {
    let size = check_download(ctx, oid)?;
    let oid2 = oid.to_string();
    let stored = ctx
        .blocking(move |s| s.store.read(|c| s.store.blobs.size(c, &oid2)))
        .await?;
    if stored != Some(size) {
        return Err(HubError::not_found("Unknown object"));
    }
    let builder = Response::builder()
        .header("etag", format!("\"{oid}\""))
        .header("accept-ranges", "bytes")
        .header("content-type", "application/octet-stream")
        .header("cache-control", "private, max-age=3600");
    send_blob(ctx, builder, oid, size).await
}

/// Finishes `builder` with the blob's content: 200, or 206 / 416 for a `Range` request (GET
/// only); HEAD answers the same headers with no body.
pub async fn send_blob(ctx: &Ctx, builder: Builder, sha256: &str, size: u64) -> HubResult<Resp> {
    send_blob_from(ctx, builder, sha256, size, None).await
}

/// [`send_blob`], with the whole content already in memory when `preloaded` (small files).
pub async fn send_blob_from(
    ctx: &Ctx,
    mut builder: Builder,
    sha256: &str,
    size: u64,
    preloaded: Option<Bytes>,
) -> HubResult<Resp> {
    let range = if ctx.method == Method::GET {
        parse_range(ctx.headers.get("range").and_then(|v| v.to_str().ok()), size)
    } else {
        RangeSpec::Full
    };
    let (status, start, len) = match range {
        RangeSpec::Full => (StatusCode::OK, 0, size),
        RangeSpec::Part(a, b) => (StatusCode::PARTIAL_CONTENT, a, b - a + 1),
        RangeSpec::Unsatisfiable => {
            return builder
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header("content-range", format!("bytes */{size}"))
                .body(Body::empty())
                .map_err(|e| HubError::internal(e.to_string()));
        }
    };
    if status == StatusCode::PARTIAL_CONTENT {
        builder = builder.header(
            "content-range",
            format!("bytes {}-{}/{size}", start, start + len - 1),
        );
    }
    builder = builder
        .status(status)
        .header("content-length", len.to_string());
    let body = if ctx.method == Method::HEAD {
        Body::empty()
    } else if let Some(all) = preloaded {
        Body::from(slice_of(all, start, len)?)
    } else {
        let sha = sha256.to_string();
        let located = ctx
            .blocking(move |s| {
                let found = s.store.read(|c| s.store.blobs.locate(c, &sha))?;
                match found {
                    Some(Located::Inline(data)) => Ok(Source::Memory(Bytes::from(data))),
                    Some(Located::File { path, .. }) => Ok(Source::File(
                        super::body::FileRange::open(&path, start, len)?,
                    )),
                    Some(Located::Xet(file)) => Ok(Source::Xet(file)),
                    None => Err(HubError::internal(format!("blob {sha} is missing"))),
                }
            })
            .await?;
        match located {
            Source::Memory(all) => Body::from(slice_of(all, start, len)?),
            Source::File(stream) => Body::new(stream),
            Source::Xet(_) if len == 0 => Body::empty(),
            Source::Xet(file) => super::xet_body::stream(ctx.state.clone(), file, start, len),
        }
    };
    let mut resp = builder
        .body(body)
        .map_err(|e| HubError::internal(e.to_string()))?;
    if ctx.method == Method::HEAD {
        // Keep the real size on HEAD (an empty body must not rewrite it).
        if let Ok(v) = HeaderValue::from_str(&len.to_string()) {
            resp.headers_mut().insert("content-length", v);
        }
    }
    Ok(resp)
}

/// Where the bytes of a response come from.
enum Source {
    /// Small: the whole blob is in memory already.
    Memory(Bytes),
    File(super::body::FileRange),
    /// Rebuilt from xorbs while it streams.
    Xet(crate::store::xet::XetFile),
}

/// Bytes `start..start + len` of a blob held in memory (an error, not a panic, if it is
/// shorter than its recorded size).
fn slice_of(all: Bytes, start: u64, len: u64) -> HubResult<Bytes> {
    let end = start.saturating_add(len);
    if end > all.len() as u64 {
        return Err(HubError::internal("blob shorter than its recorded size"));
    }
    Ok(all.slice(start as usize..end as usize))
}
