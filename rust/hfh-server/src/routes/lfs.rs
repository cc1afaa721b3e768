//! The Git LFS batch API on `/{prefix}{ns}/{name}.git/info/lfs/objects/{batch,verify}`.
//!
//! `batch` answers `upload` with, per object not yet stored, a pre-signed `PUT` URL (basic
//! transfer; see `objects`) and a `verify` action; objects already stored come back without
//! `actions`, so clients skip them. `download` answers with pre-signed blob URLs. Every object
//! echoes the client's `oid` and `size`; a malformed one gets a per-object `error` (422).

use super::objects::{download_url, upload_url, DOWNLOAD_URL_TTL, UPLOAD_URL_TTL};
use super::{Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::now_secs;
use crate::store::blobs::is_sha256_hex;
use crate::store::repos::{Repo, RepoType};
use crate::util::iso8601;
use axum::http::{HeaderValue, StatusCode};
use serde_json::{json, Map, Value};

pub const LFS_CONTENT_TYPE: &str = "application/vnd.git-lfs+json";

/// Largest number of objects in one batch request (the Python client sends at most 256).
const MAX_BATCH_OBJECTS: usize = 1000;

/// Splits `name.git` into `name`; `None` if the segment has no `.git` suffix.
pub fn strip_git_suffix(name: &str) -> Option<&str> {
    name.strip_suffix(".git").filter(|n| !n.is_empty())
}

fn lfs_json(status: StatusCode, value: &Value) -> Resp {
    let mut resp = super::json(status, value);
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static(LFS_CONTENT_TYPE));
    resp
}

/// The repository of an LFS request, with the access the operation needs. Uploads for a pull
/// request (no `ref`, as `create_pr` clients send, or a `refs/pr/N`) are open to contributors;
/// other uploads need write access; downloads honour gating.
async fn lfs_repo(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    write: bool,
    ref_name: Option<&str>,
) -> HubResult<Repo> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    if write {
        super::access::require_commit_access(ctx, &repo, ref_name, ref_name.is_none()).await?;
    } else {
        super::access::require_download(ctx, &repo).await?;
    }
    Ok(repo)
}

/// `POST {repo}.git/info/lfs/objects/batch`
pub async fn batch(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let operation = body
        .get("operation")
        .and_then(Value::as_str)
        .ok_or_else(|| HubError::bad_request("Missing \"operation\" (upload or download)"))?
        .to_string();
    let upload = match operation.as_str() {
        "upload" => true,
        "download" => false,
        other => {
            return Err(HubError::bad_request(format!(
                "Invalid operation {other:?}: expected upload or download"
            )))
        }
    };
    if let Some(algo) = body.get("hash_algo").and_then(Value::as_str) {
        if algo != "sha256" {
            return Err(HubError::new(
                StatusCode::CONFLICT,
                format!("Unsupported hash algorithm {algo:?}: only sha256 is supported"),
            ));
        }
    }
    let transfers: Vec<&str> = body
        .get("transfers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["basic"]);
    if !transfers.contains(&"basic") {
        return Err(HubError::new(
            StatusCode::CONFLICT,
            "Only the basic transfer adapter is supported",
        ));
    }
    let objects = body
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| HubError::bad_request("Missing \"objects\" array"))?
        .clone();
    if objects.len() > MAX_BATCH_OBJECTS {
        return Err(HubError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Too many objects in one batch (max {MAX_BATCH_OBJECTS})"),
        ));
    }
    let ref_name = body
        .get("ref")
        .and_then(|r| r.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let repo = lfs_repo(ctx, kind, ns, name, upload, ref_name.as_deref()).await?;

    // Which objects are stored already, and their sizes (one blocking trip for the batch).
    let ids: Vec<Option<String>> = objects
        .iter()
        .map(|o| {
            o.get("oid")
                .and_then(Value::as_str)
                .filter(|oid| is_sha256_hex(oid))
                .map(str::to_string)
        })
        .collect();
    let stored: Vec<Option<u64>> = ctx
        .blocking(move |s| {
            ids.iter()
                .map(|oid| match oid {
                    Some(oid) => Ok(s.store.blobs.size(oid)?),
                    None => Ok(None),
                })
                .collect::<HubResult<Vec<_>>>()
        })
        .await?;

    let now = now_secs();
    let signer = &ctx.state.signer;
    let verify_href = format!("{}.git/info/lfs/objects/verify", repo.url(&ctx.endpoint));
    let mut out = Vec::with_capacity(objects.len());
    for (object, existing) in objects.iter().zip(stored) {
        let oid = object.get("oid").and_then(Value::as_str);
        let size = object.get("size").and_then(Value::as_u64);
        let mut item = Map::new();
        item.insert(
            "oid".into(),
            object.get("oid").cloned().unwrap_or(Value::Null),
        );
        item.insert(
            "size".into(),
            object.get("size").cloned().unwrap_or(Value::Null),
        );
        let (Some(oid), Some(size)) = (oid, size) else {
            item.insert(
                "error".into(),
                object_error(
                    422,
                    "Invalid object: needs a string oid and an integer size",
                ),
            );
            out.push(Value::Object(item));
            continue;
        };
        if !is_sha256_hex(oid) {
            item.insert(
                "error".into(),
                object_error(
                    422,
                    "Invalid oid: expected 64 lower-case hex digits (sha256)",
                ),
            );
            out.push(Value::Object(item));
            continue;
        }
        item.insert("authenticated".into(), Value::Bool(true));
        if upload {
            match existing {
                Some(n) if n == size => {} // stored: no actions, the client skips it
                Some(n) => {
                    item.insert(
                        "error".into(),
                        object_error(
                            422,
                            &format!("Size mismatch: the object is stored with size {n}"),
                        ),
                    );
                }
                None => {
                    let expires = now + UPLOAD_URL_TTL;
                    item.insert(
                        "actions".into(),
                        json!({
                            "upload": {
                                "href": upload_url(&ctx.endpoint, signer, oid, size, expires),
                                "expires_in": UPLOAD_URL_TTL,
                                "expires_at": iso8601(expires as i64 * 1000),
                            },
                            "verify": {"href": verify_href},
                        }),
                    );
                }
            }
        } else {
            match existing {
                Some(n) => {
                    let expires = now + DOWNLOAD_URL_TTL;
                    item.insert("size".into(), Value::from(n));
                    item.insert(
                        "actions".into(),
                        json!({"download": {
                            "href": download_url(&ctx.endpoint, signer, oid, n, expires),
                            "expires_in": DOWNLOAD_URL_TTL,
                            "expires_at": iso8601(expires as i64 * 1000),
                        }}),
                    );
                }
                None => {
                    item.insert("error".into(), object_error(404, "Object does not exist"));
                }
            }
        }
        out.push(Value::Object(item));
    }
    Ok(lfs_json(
        StatusCode::OK,
        &json!({"transfer": "basic", "objects": out, "hash_algo": "sha256"}),
    ))
}

fn object_error(code: u16, message: &str) -> Value {
    json!({"code": code, "message": message})
}

/// `POST {repo}.git/info/lfs/objects/verify` with `{oid, size}`: 200 once the object is stored
/// with that size, 404 otherwise.
pub async fn verify(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let _repo = lfs_repo(ctx, kind, ns, name, true, None).await?;
    let oid = body
        .get("oid")
        .and_then(Value::as_str)
        .filter(|o| is_sha256_hex(o))
        .ok_or_else(|| HubError::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid oid"))?
        .to_string();
    let size = body
        .get("size")
        .and_then(Value::as_u64)
        .ok_or_else(|| HubError::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid size"))?;
    let oid2 = oid.clone();
    let stored = ctx
        .blocking(move |s| Ok(s.store.blobs.size(&oid2)?))
        .await?;
    match stored {
        Some(n) if n == size => Ok(lfs_json(StatusCode::OK, &json!({"oid": oid, "size": size}))),
        Some(n) => Err(HubError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Size mismatch: the object is stored with size {n}, not {size}"),
        )),
        None => Err(HubError::not_found(format!(
            "Object {oid} was not uploaded"
        ))),
    }
}
