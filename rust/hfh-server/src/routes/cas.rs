//! The Xet CAS of the local Hub, under `/cas` (the `casUrl` the token routes hand out):
//!
//! - `POST /v1/xorbs/{prefix}/{hash}`: a xorb (chunks only), verified against its hash, stored
//!   with its footer; `{"was_inserted": bool}`. `HEAD` tells whether it is stored.
//! - `POST /v1/xorb-grants/{prefix}/{hash}`: 404, upload grants are not offered (hf_xet then
//!   uploads directly).
//! - `POST /v1/shards` (`{"result": 0|1}`) and `POST /v2/shards` (NDJSON frames): validated
//!   and registered in one transaction (`store::xet`).
//! - `GET /v1/reconstructions/{file}` and `/v2/reconstructions/{file}` with `Range`: the terms
//!   of the file and signed, expiring fetch URLs of the xorb byte ranges they need.
//! - `GET /fetch/{xorb}?expires&signature` (with `Range`): bytes of a stored xorb.
//! - `GET /v1/chunks/{prefix}/{hash}`: 404, global deduplication is not offered.
//! - `POST /v1/telemetry`: 200, discarded.
//!
//! Every route but `fetch` (which carries its own signature) and telemetry needs a CAS token
//! (`xet_token`): 401 without a valid one, 403 for a write with a read token.

use std::collections::BTreeMap;

use super::resolve::{parse_range, RangeSpec};
use super::xet_token::{self, CasToken, Scope, CAS_PREFIX};
use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::{now_secs, Purpose, SignatureError};
use crate::store::direct_io::AlignedBuf;
use crate::store::lfs_objects;
use crate::store::xet::{self, MAX_XORB_UPLOAD};
use crate::store::xet_read::{self, Plan};
use axum::body::Body;
use axum::http::{Method, Response, StatusCode};
use hfh_xet::hash::MerkleHash;
use serde_json::{json, Value};

/// Lifetime of a fetch URL, in seconds (hf_xet asks for new ones on a 403).
const FETCH_URL_TTL: u64 = 3600;
/// Largest shard accepted (hf_xet cuts them at 64 MiB).
const MAX_SHARD: usize = 128 << 20;

/// Routes under `/cas`; `rest` are the segments after it.
pub async fn handle(ctx: &mut Ctx, rest: &[&str]) -> HubResult<Resp> {
    let m = ctx.method.clone();
    let (get, post, head) = (m == Method::GET, m == Method::POST, m == Method::HEAD);
    match rest {
        ["fetch", xorb] if get || head => fetch(ctx, xorb).await,
        ["v1", "telemetry"] if post => {
            let _ = ctx.body_bytes().await;
            Ok(json(StatusCode::OK, &json!({})))
        }
        ["v1", "xorbs", prefix, hash] if post => {
            let token = authorize(ctx, Scope::Write).await?;
            upload_xorb(ctx, &token, prefix, hash).await
        }
        ["v1", "xorbs", prefix, hash] if head => {
            authorize(ctx, Scope::Read).await?;
            let hex = parse_key(prefix, hash)?.hex();
            let found = ctx
                .blocking(move |s| s.store.read(|c| xet::has_xorb(c, &hex)))
                .await?;
            let status = if found {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            empty(status)
        }
        ["v1", "xorb-grants", ..] if post => {
            authorize(ctx, Scope::Write).await?;
            Err(HubError::not_found("Xorb upload grants are not offered"))
        }
        ["v1", "chunks", prefix, hash] if get => {
            authorize(ctx, Scope::Read).await?;
            parse_key(prefix, hash)?;
            Err(HubError::not_found("Global deduplication is not offered"))
        }
        [v @ ("v1" | "v2"), "shards"] if post => {
            let token = authorize(ctx, Scope::Write).await?;
            upload_shard(ctx, &token, *v == "v2").await
        }
        [v @ ("v1" | "v2"), "reconstructions", file] if get => {
            let token = authorize(ctx, Scope::Read).await?;
            reconstruction(ctx, &token, file, *v == "v2").await
        }
        _ => Err(HubError::not_found(format!(
            "Not Found: {m} {}",
            ctx.raw_path
        ))),
    }
}

/// Checks the CAS token of the request for `scope` and that its repository still exists.
async fn authorize(ctx: &Ctx, scope: Scope) -> HubResult<CasToken> {
    let bearer = crate::auth::bearer(&ctx.headers)?
        .ok_or_else(|| HubError::unauthorized("Missing CAS access token"))?;
    let token = xet_token::check(&ctx.state.signer, &bearer, now_secs())?;
    if scope == Scope::Write && token.scope != Scope::Write {
        return Err(HubError::forbidden(
            "This CAS access token only allows reads",
        ));
    }
    let (id, hub_id) = (token.repo.id, token.repo.hub_id.clone());
    let exists = ctx
        .blocking(move |s| {
            s.store
                .read(|c| Ok(lfs_objects::repo_exists(c, id, &hub_id)?))
        })
        .await?;
    if !exists {
        return Err(HubError::forbidden(
            "The repository of this CAS access token no longer exists",
        ));
    }
    Ok(token)
}

/// The hash of a `{prefix}/{hash}` key (prefix `default`, or `default-merkledb` as the
/// OpenAPI description spells it).
fn parse_key(prefix: &str, hash: &str) -> HubResult<MerkleHash> {
    if prefix != "default" && prefix != "default-merkledb" {
        return Err(HubError::bad_request(format!("Unknown prefix {prefix:?}")));
    }
    parse_hash(hash)
}

fn parse_hash(hash: &str) -> HubResult<MerkleHash> {
    MerkleHash::from_hex(hash).map_err(|e| HubError::bad_request(format!("Invalid hash: {e}")))
}

fn empty(status: StatusCode) -> HubResult<Resp> {
    Response::builder()
        .status(status)
        .body(Body::empty())
        .map_err(|e| HubError::internal(e.to_string()))
}

/// Reads the body into `buf`, refusing more than `limit` bytes.
async fn receive_into(ctx: &mut Ctx, buf: &mut AlignedBuf, limit: usize) -> HubResult<()> {
    use http_body::Body as _;
    let mut body = ctx.take_body();
    let mut total = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|e| HubError::bad_request(format!("Upload interrupted: {e}")))?;
        if let Ok(data) = frame.into_data() {
            total += data.len();
            if total > limit {
                return Err(HubError::bad_request(format!(
                    "Body is larger than the largest xorb ({limit} bytes)"
                )));
            }
            buf.fill_from(&data);
        }
    }
    Ok(())
}

async fn upload_xorb(
    ctx: &mut Ctx,
    _token: &CasToken,
    prefix: &str,
    hash: &str,
) -> HubResult<Resp> {
    let expected = parse_key(prefix, hash)?;
    let declared = ctx
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_XORB_UPLOAD as u64) {
        return Err(HubError::bad_request(format!(
            "Body is larger than the largest xorb ({MAX_XORB_UPLOAD} bytes)"
        )));
    }
    let mut buf = xet::xorb_buffer();
    if let Err(e) = receive_into(ctx, &mut buf, MAX_XORB_UPLOAD).await {
        xet::release_xorb_buffer(buf);
        return Err(e);
    }
    let inserted = ctx
        .blocking(move |s| {
            let result = match xet::verify_upload(buf.as_slice(), &expected) {
                Ok(verified) => xet::store_xorb(&s.store, &mut buf, &verified),
                Err(message) => Err(HubError::bad_request(message)),
            };
            xet::release_xorb_buffer(buf);
            result
        })
        .await?;
    Ok(json(StatusCode::OK, &json!({"was_inserted": inserted})))
}

async fn upload_shard(ctx: &mut Ctx, token: &CasToken, v2: bool) -> HubResult<Resp> {
    let data = ctx.body_bytes().await?;
    if data.len() > MAX_SHARD {
        return Err(HubError::bad_request("Shard too large"));
    }
    let (id, hub_id) = (token.repo.id, token.repo.hub_id.clone());
    let outcome = ctx
        .blocking(move |s| xet::register_shard(&s.store, id, &hub_id, &data))
        .await;
    if !v2 {
        let registered = outcome?;
        return Ok(json(
            StatusCode::OK,
            &json!({"result": u8::from(registered.new_files > 0)}),
        ));
    }
    // V2 reports validation failures in the stream (the HTTP status is 200 once it started).
    let frames: Vec<Value> = match outcome {
        Ok(r) => vec![
            json!({"type": "validating", "verified": r.files, "total": r.files}),
            json!({"type": "committing", "stage": "uploading"}),
            json!({"type": "committing", "stage": "syncing"}),
            json!({"type": "result"}),
        ],
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            vec![json!({"type": "error", "message": e.message, "retryable": false})]
        }
        Err(e) => return Err(e),
    };
    let mut body = String::new();
    for f in frames {
        body.push_str(&f.to_string());
        body.push('\n');
    }
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/x-ndjson")
        .body(Body::from(body))
        .map_err(|e| HubError::internal(e.to_string()))
}

async fn reconstruction(ctx: &Ctx, token: &CasToken, file: &str, v2: bool) -> HubResult<Resp> {
    let hash = parse_hash(file)?;
    let range = ctx
        .headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let repo_id = token.repo.id;
    let plan = ctx
        .blocking(move |s| {
            let not_found = || HubError::not_found(format!("File {hash} not found"));
            let file = s
                .store
                .read(|c| xet::file_by_hash(c, &hash.hex()))?
                .ok_or_else(not_found)?;
            // Only files of the token's repository (uploaded to it, or in its commits).
            if lfs_objects::visible_size(&s.store, repo_id, &file.sha256)?.is_none() {
                return Err(not_found());
            }
            let (start, end) = match parse_range(range.as_deref(), file.size) {
                RangeSpec::Full => (0, file.size),
                RangeSpec::Part(a, b) => (a, b + 1),
                RangeSpec::Unsatisfiable if file.size == 0 && range_starts_at_zero(&range) => {
                    (0, 0)
                }
                RangeSpec::Unsatisfiable => {
                    return Err(HubError::new(
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        format!("Range beyond the end of the file ({} bytes)", file.size),
                    ))
                }
            };
            if start == end {
                return Ok(Plan {
                    offset_into_first_range: 0,
                    terms: Vec::new(),
                    len: 0,
                });
            }
            s.store.read(|c| xet_read::plan(c, &file, start, end))
        })
        .await?;
    Ok(json(StatusCode::OK, &plan_json(ctx, &plan, v2)))
}

fn range_starts_at_zero(range: &Option<String>) -> bool {
    range
        .as_deref()
        .is_some_and(|r| r.trim().starts_with("bytes=0-"))
}

/// The signed fetch URL of a stored xorb.
fn fetch_url(ctx: &Ctx, xorb: &str, expires: u64) -> String {
    let sig = ctx
        .state
        .signer
        .sign_fields(Purpose::XorbFetch, &[xorb], expires);
    format!(
        "{}{CAS_PREFIX}/fetch/{xorb}?expires={expires}&signature={sig}",
        ctx.endpoint
    )
}

fn plan_json(ctx: &Ctx, plan: &Plan, v2: bool) -> Value {
    let terms: Vec<Value> = plan
        .terms
        .iter()
        .map(|t| {
            json!({
                "hash": t.xorb.hex(),
                "unpacked_length": t.unpacked_len,
                "range": {"start": t.chunk_start, "end": t.chunk_end},
            })
        })
        .collect();
    // Each xorb's distinct chunk ranges, in chunk order.
    let mut ranges: BTreeMap<String, Vec<(u32, u32, u64, u64)>> = BTreeMap::new();
    for t in &plan.terms {
        let entry = (t.chunk_start, t.chunk_end, t.bytes.0, t.bytes.1 - 1);
        let list = ranges.entry(t.xorb.hex()).or_default();
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
    let expires = now_secs() + FETCH_URL_TTL;
    let mut fetch = serde_json::Map::new();
    for (xorb, mut list) in ranges {
        list.sort();
        let url = fetch_url(ctx, &xorb, expires);
        let value = if v2 {
            let ranges: Vec<Value> = list
                .iter()
                .map(|(cs, ce, bs, be)| {
                    json!({"chunks": {"start": cs, "end": ce}, "bytes": {"start": bs, "end": be}})
                })
                .collect();
            json!([{"url": url, "ranges": ranges}])
        } else {
            Value::Array(
                list.iter()
                    .map(|(cs, ce, bs, be)| {
                        json!({
                            "range": {"start": cs, "end": ce},
                            "url": url,
                            "url_range": {"start": bs, "end": be},
                        })
                    })
                    .collect(),
            )
        };
        fetch.insert(xorb, value);
    }
    let mut out = serde_json::Map::new();
    out.insert(
        "offset_into_first_range".into(),
        json!(plan.offset_into_first_range),
    );
    out.insert("terms".into(), Value::Array(terms));
    let key = if v2 { "xorbs" } else { "fetch_info" };
    out.insert(key.into(), Value::Object(fetch));
    Value::Object(out)
}

/// `GET`/`HEAD /cas/fetch/{xorb}?expires&signature`, with single-range support.
async fn fetch(ctx: &Ctx, xorb: &str) -> HubResult<Resp> {
    let hash = parse_hash(xorb)?;
    let hex = hash.hex();
    let denied = |m: &str| HubError::forbidden(m.to_string()).with_code("SignatureDenied");
    let expires = ctx.query.get("expires").and_then(|v| v.parse::<u64>().ok());
    let (Some(expires), Some(sig)) = (expires, ctx.query.get("signature")) else {
        return Err(denied("Missing or malformed signature parameters"));
    };
    match ctx
        .state
        .signer
        .verify_fields(Purpose::XorbFetch, &[&hex], expires, sig, now_secs())
    {
        Ok(()) => {}
        Err(SignatureError::Expired) => return Err(denied("Request has expired")),
        Err(SignatureError::Invalid) => return Err(denied("The request signature does not match")),
    }
    let path = xet::xorb_path(&ctx.state.store.blobs, &hash);
    let size = match tokio::fs::metadata(&path).await {
        Ok(m) => m.len(),
        Err(_) => return Err(HubError::not_found("Unknown xorb")),
    };
    let range = if ctx.method == Method::GET {
        parse_range(ctx.headers.get("range").and_then(|v| v.to_str().ok()), size)
    } else {
        RangeSpec::Full
    };
    let builder = Response::builder()
        .header("accept-ranges", "bytes")
        .header("content-type", "application/octet-stream");
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
    let mut builder = builder
        .status(status)
        .header("content-length", len.to_string());
    if status == StatusCode::PARTIAL_CONTENT {
        builder = builder.header(
            "content-range",
            format!("bytes {start}-{}/{size}", start + len - 1),
        );
    }
    let body = if ctx.method == Method::HEAD || len == 0 {
        Body::empty()
    } else {
        let path2 = path.clone();
        let stream =
            tokio::task::spawn_blocking(move || super::body::FileRange::open(&path2, start, len))
                .await
                .map_err(|e| HubError::internal(e.to_string()))??;
        Body::new(stream)
    };
    let mut resp = builder
        .body(body)
        .map_err(|e| HubError::internal(e.to_string()))?;
    if ctx.method == Method::HEAD {
        if let Ok(v) = axum::http::HeaderValue::from_str(&len.to_string()) {
            resp.headers_mut().insert("content-length", v);
        }
    }
    Ok(resp)
}
