//! Pre-signed LFS object URLs, the server's stand-in for the Hub's S3/CDN:
//!
//! - `PUT /lfs-objects/upload/{oid}?size=N&expires=T&signature=S`: the body (exactly `N` bytes
//!   whose sha256 is `oid`) is streamed to a temporary file while it is hashed, then moved into
//!   the blob store. Handed out by the LFS batch API.
//! - `GET`/`HEAD /lfs-objects/download/{oid}?size=N&expires=T&signature=S`: the blob, with
//!   single-range support. `resolve` redirects LFS files here (302).
//!
//! These URLs carry their own authorisation: the `Authorization` header is never looked at
//! (clients do not send it on LFS PUTs, and may forward it on same-host downloads).

use super::resolve::{parse_range, RangeSpec};
use super::{Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::{now_secs, Purpose, SignatureError, Signer};
use crate::store::blobs::is_sha256_hex;
use axum::body::{Body, Bytes};
use axum::http::response::Builder;
use axum::http::{HeaderValue, Method, Response, StatusCode};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Lifetime of an upload URL, in seconds (checked when the upload starts).
pub const UPLOAD_URL_TTL: u64 = 24 * 3600;
/// Lifetime of a download URL, in seconds (checked when the download starts).
pub const DOWNLOAD_URL_TTL: u64 = 3600;

/// Bytes gathered before each write to the temporary file.
const WRITE_CHUNK: usize = 1 << 20;

fn signed_url(
    endpoint: &str,
    signer: &Signer,
    purpose: Purpose,
    oid: &str,
    size: u64,
    expires: u64,
) -> String {
    let verb = match purpose {
        Purpose::Upload => "upload",
        Purpose::Download => "download",
    };
    let sig = signer.sign(purpose, oid, size, expires);
    format!("{endpoint}/lfs-objects/{verb}/{oid}?size={size}&expires={expires}&signature={sig}")
}

pub fn upload_url(endpoint: &str, signer: &Signer, oid: &str, size: u64, expires: u64) -> String {
    signed_url(endpoint, signer, Purpose::Upload, oid, size, expires)
}

pub fn download_url(endpoint: &str, signer: &Signer, oid: &str, size: u64, expires: u64) -> String {
    signed_url(endpoint, signer, Purpose::Download, oid, size, expires)
}

/// Checks the signature of the request URL; returns the signed size.
fn check_signature(ctx: &Ctx, purpose: Purpose, oid: &str) -> HubResult<u64> {
    let denied = |msg: &str| HubError::forbidden(msg.to_string()).with_code("SignatureDenied");
    if !is_sha256_hex(oid) {
        return Err(HubError::not_found("Unknown object"));
    }
    let number = |key: &str| ctx.query.get(key).and_then(|v| v.parse::<u64>().ok());
    let (Some(size), Some(expires), Some(signature)) = (
        number("size"),
        number("expires"),
        ctx.query.get("signature"),
    ) else {
        return Err(denied("Missing or malformed signature parameters"));
    };
    match ctx
        .state
        .signer
        .verify(purpose, oid, size, expires, signature, now_secs())
    {
        Ok(()) => Ok(size),
        Err(SignatureError::Expired) => Err(denied("Request has expired")),
        Err(SignatureError::Invalid) => Err(denied("The request signature does not match")),
    }
}

/// `PUT /lfs-objects/upload/{oid}`
pub async fn upload(ctx: &mut Ctx, oid: &str) -> HubResult<Resp> {
    let size = check_signature(ctx, Purpose::Upload, oid)?;
    let declared = ctx
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n != size) {
        return Err(HubError::bad_request(format!(
            "Content-Length must be {size}, the signed object size"
        )));
    }
    let tmp = ctx.state.store.blobs.tmp_path();
    let result = receive(ctx.take_body(), &tmp, size).await;
    let digest = match result {
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
        .blocking(move |s| Ok(s.store.blobs.install(&tmp2, &oid2)?))
        .await;
    if installed.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    installed?;
    Response::builder()
        .status(StatusCode::OK)
        .header("etag", format!("\"{oid}\""))
        .body(Body::empty())
        .map_err(|e| HubError::internal(e.to_string()))
}

/// Streams `body` into a new file at `tmp`, refusing anything but exactly `size` bytes; returns
/// the sha256 (hex) of what was written. The file is fsynced before returning.
async fn receive(mut body: Body, tmp: &std::path::Path, size: u64) -> HubResult<String> {
    use http_body::Body as _;
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .await?;
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let mut pending: Vec<u8> = Vec::with_capacity(WRITE_CHUNK);
    loop {
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        let Some(frame) = frame else { break };
        let frame = frame.map_err(|e| HubError::bad_request(format!("Upload interrupted: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        received += data.len() as u64;
        if received > size {
            return Err(HubError::bad_request(format!(
                "Body is larger than the signed object size ({size} bytes)"
            )));
        }
        hasher.update(&data);
        pending.extend_from_slice(&data);
        if pending.len() >= WRITE_CHUNK {
            file.write_all(&pending).await?;
            pending.clear();
        }
    }
    if received != size {
        return Err(HubError::bad_request(format!(
            "Body has {received} bytes, the signed object size is {size}"
        )));
    }
    file.write_all(&pending).await?;
    file.flush().await?;
    file.sync_all().await?;
    Ok(hex::encode(hasher.finalize()))
}

/// `GET`/`HEAD /lfs-objects/download/{oid}`
pub async fn download(ctx: &Ctx, oid: &str) -> HubResult<Resp> {
    let size = check_signature(ctx, Purpose::Download, oid)?;
    let oid2 = oid.to_string();
    let stored = ctx
        .blocking(move |s| Ok(s.store.blobs.size(&oid2)?))
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
        Body::from(all.slice(start as usize..(start + len) as usize))
    } else {
        let sha = sha256.to_string();
        let stream = ctx
            .blocking(move |s| {
                let path = s
                    .store
                    .blobs
                    .path(&sha)
                    .ok_or_else(|| HubError::internal("corrupt tree entry"))?;
                Ok(super::body::FileRange::open(&path, start, len)?)
            })
            .await?;
        Body::new(stream)
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
