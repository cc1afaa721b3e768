//! The Git LFS batch API on `/{prefix}{ns}/{name}.git/info/lfs/objects/{batch,verify}`.
//!
//! `batch` answers `upload` with, per object the repository does not hold yet, pre-signed URLs
//! bound to that repository (see `objects`): one `PUT` URL (basic transfer), or, for objects above
//! `Config::multipart_threshold` when the client accepts `multipart`, a completion URL with
//! `header.chunk_size` and one part URL per digit key `"1".."N"`; plus a `verify` action.
//! Objects the repository holds come back without `actions`, so clients skip them; content
//! uploaded to another repository does not count (its bytes must be sent again). `download`
//! answers with pre-signed blob URLs for the repository's objects only. Every object echoes the
//! client's `oid` and `size`; a malformed one gets a per-object `error` (422).

use super::objects::{
    download_url, upload_url, MultipartUpload, RepoKey, DOWNLOAD_URL_TTL, UPLOAD_URL_TTL,
};
use super::{Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::now_secs;
use crate::store::blobs::is_sha256_hex;
use crate::store::lfs_objects;
use crate::store::multipart::{new_upload_id, Plan, Staging};
use crate::store::repos::{Repo, RepoType};
use crate::util::iso8601;
use axum::http::{HeaderValue, StatusCode};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::Duration;

pub const LFS_CONTENT_TYPE: &str = "application/vnd.git-lfs+json";

/// Largest number of objects in one batch request (the Python client sends at most 256).
const MAX_BATCH_OBJECTS: usize = 1000;

/// Most parts of one multipart upload (S3's limit); larger objects get larger parts.
const MAX_PARTS: u64 = 10_000;

/// Splits `name.git` into `name`; `None` if the segment has no `.git` suffix.
pub fn strip_git_suffix(name: &str) -> Option<&str> {
    name.strip_suffix(".git").filter(|n| !n.is_empty())
}

pub(super) fn lfs_json(status: StatusCode, value: &Value) -> Resp {
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
    let basic = transfers.contains(&"basic");
    let multipart = upload && transfers.contains(&"multipart");
    if !basic && !multipart {
        return Err(HubError::new(
            StatusCode::CONFLICT,
            "No supported transfer adapter: this server offers basic (and multipart for uploads)",
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

    // Which objects the repository holds, and their sizes (one blocking trip for the batch).
    let ids: Vec<String> = objects
        .iter()
        .filter_map(|o| o.get("oid").and_then(Value::as_str))
        .filter(|oid| is_sha256_hex(oid))
        .map(str::to_string)
        .collect();
    let repo_id = repo.id;
    let held: HashMap<String, u64> = ctx
        .blocking(move |s| {
            if upload {
                // Staging areas of uploads whose URLs expired can go.
                Staging::new(&s.config.data_dir).sweep(Duration::from_secs(UPLOAD_URL_TTL + 3600));
            }
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let sizes = lfs_objects::visible_sizes(&s.store, repo_id, &refs)?;
            Ok(ids
                .iter()
                .zip(sizes)
                .filter_map(|(oid, size)| size.map(|n| (oid.clone(), n)))
                .collect())
        })
        .await?;
    let (threshold, chunk) = (
        ctx.state.config.multipart_threshold,
        ctx.state.config.multipart_chunk_size.max(1),
    );
    let mut any_multipart = false;
    let repo_key = RepoKey::of(&repo);

    let now = now_secs();
    let signer = &ctx.state.signer;
    let verify_href = format!("{}.git/info/lfs/objects/verify", repo.url(&ctx.endpoint));
    let mut out = Vec::with_capacity(objects.len());
    for object in &objects {
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
        let existing = held.get(oid).copied();
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
                    let upload_action = if multipart && (size > threshold || !basic) {
                        any_multipart = true;
                        let upload_id = new_upload_id();
                        let plan = Plan {
                            size,
                            chunk: chunk.max(size.div_ceil(MAX_PARTS)),
                        };
                        let upload = MultipartUpload {
                            repo: &repo_key,
                            oid,
                            plan,
                            upload_id: &upload_id,
                        };
                        let mut header = Map::new();
                        header.insert("chunk_size".into(), Value::from(plan.chunk.to_string()));
                        for n in 1..=plan.parts() {
                            let url = upload.part_url(&ctx.endpoint, signer, n, expires);
                            header.insert(n.to_string(), Value::from(url));
                        }
                        json!({
                            "href": upload.complete_url(&ctx.endpoint, signer, expires),
                            "header": header,
                            "expires_in": UPLOAD_URL_TTL,
                            "expires_at": iso8601(expires as i64 * 1000),
                        })
                    } else {
                        json!({
                            "href": upload_url(&ctx.endpoint, signer, &repo_key, oid, size, expires),
                            "expires_in": UPLOAD_URL_TTL,
                            "expires_at": iso8601(expires as i64 * 1000),
                        })
                    };
                    item.insert(
                        "actions".into(),
                        json!({"upload": upload_action, "verify": {"href": verify_href}}),
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
        &json!({
            "transfer": if any_multipart { "multipart" } else { "basic" },
            "objects": out,
            "hash_algo": "sha256",
        }),
    ))
}

fn object_error(code: u16, message: &str) -> Value {
    json!({"code": code, "message": message})
}

/// `POST {repo}.git/info/lfs/objects/verify` with `{oid, size}`: 200 once the repository holds
/// the object with that size, 404 otherwise.
pub async fn verify(ctx: &mut Ctx, kind: RepoType, ns: &str, name: &str) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let repo = lfs_repo(ctx, kind, ns, name, true, None).await?;
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
        .blocking(move |s| lfs_objects::visible_size(&s.store, repo.id, &oid2))
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
