//! Repository CRUD and info: `POST /api/repos/create`, `DELETE /api/repos/delete`,
//! `GET /api/{T}/{ns}/{name}[/revision/{rev}]`.

use super::{json, Ctx, Resp};
use crate::card;
use crate::errors::{HubError, HubResult};
use crate::git;
use crate::store::commits::{self, NewCommit, Op};
use crate::store::redirects;
use crate::store::repos::{self, CommitRow, NewRepo, Repo, RepoType};
use crate::store::small_blobs;
use crate::store::trees::{self, FileEntry};
use crate::util::{iso8601, now_millis, random_hex, valid_name};
use axum::body::Body;
use axum::http::{Response, StatusCode};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The `.gitattributes` every new repository starts with (the Hub's default LFS patterns).
pub const DEFAULT_GITATTRIBUTES: &str = "*.7z filter=lfs diff=lfs merge=lfs -text
*.arrow filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.bz2 filter=lfs diff=lfs merge=lfs -text
*.ckpt filter=lfs diff=lfs merge=lfs -text
*.ftz filter=lfs diff=lfs merge=lfs -text
*.gz filter=lfs diff=lfs merge=lfs -text
*.h5 filter=lfs diff=lfs merge=lfs -text
*.joblib filter=lfs diff=lfs merge=lfs -text
*.lfs.* filter=lfs diff=lfs merge=lfs -text
*.mlmodel filter=lfs diff=lfs merge=lfs -text
*.model filter=lfs diff=lfs merge=lfs -text
*.msgpack filter=lfs diff=lfs merge=lfs -text
*.npy filter=lfs diff=lfs merge=lfs -text
*.npz filter=lfs diff=lfs merge=lfs -text
*.onnx filter=lfs diff=lfs merge=lfs -text
*.ot filter=lfs diff=lfs merge=lfs -text
*.parquet filter=lfs diff=lfs merge=lfs -text
*.pb filter=lfs diff=lfs merge=lfs -text
*.pickle filter=lfs diff=lfs merge=lfs -text
*.pkl filter=lfs diff=lfs merge=lfs -text
*.pt filter=lfs diff=lfs merge=lfs -text
*.pth filter=lfs diff=lfs merge=lfs -text
*.rar filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
saved_model/**/* filter=lfs diff=lfs merge=lfs -text
*.tar.* filter=lfs diff=lfs merge=lfs -text
*.tar filter=lfs diff=lfs merge=lfs -text
*.tflite filter=lfs diff=lfs merge=lfs -text
*.tgz filter=lfs diff=lfs merge=lfs -text
*.wasm filter=lfs diff=lfs merge=lfs -text
*.xz filter=lfs diff=lfs merge=lfs -text
*.zip filter=lfs diff=lfs merge=lfs -text
*.zst filter=lfs diff=lfs merge=lfs -text
*tfevents* filter=lfs diff=lfs merge=lfs -text
";

/// `name` / `organization` / `type` as sent by create and delete.
struct Target {
    kind: RepoType,
    namespace: String,
    name: String,
}

fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> HubResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(HubError::bad_request(format!("\"{key}\" must be a string"))),
    }
}

fn target(ctx: &Ctx, body: &Map<String, Value>) -> HubResult<Target> {
    let kind = match str_field(body, "type")? {
        None => RepoType::Model,
        Some(t) => RepoType::from_singular(t)
            .ok_or_else(|| HubError::bad_request(format!("Invalid repo type: {t}")))?,
    };
    let raw_name =
        str_field(body, "name")?.ok_or_else(|| HubError::bad_request("\"name\" is required"))?;
    let (ns_from_name, name) = match raw_name.split_once('/') {
        Some((n, r)) => (Some(n), r),
        None => (None, raw_name),
    };
    let namespace = match str_field(body, "organization")?.or(ns_from_name) {
        Some(ns) => ns.to_string(),
        None => ctx
            .caller
            .user()
            .map(|u| u.account.name.clone())
            .ok_or_else(|| {
                HubError::unauthorized("You must be authenticated to perform this action.")
            })?,
    };
    if !valid_name(name) || !valid_name(&namespace) {
        return Err(HubError::bad_request(format!(
            "Invalid repo name: {namespace}/{name}. Repo id must use alphanumeric chars, '-', '_' or '.'. \
             The name cannot start or end with '-' or '.' and the maximum length is 96."
        )));
    }
    Ok(Target {
        kind,
        namespace,
        name: name.to_string(),
    })
}

pub async fn create(ctx: &mut Ctx) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let t = target(ctx, &body)?;
    let private = match (str_field(&body, "visibility")?, body.get("private")) {
        (Some("private"), _) => true,
        (Some("public"), _) | (None, None | Some(Value::Null)) => false,
        (None, Some(Value::Bool(b))) => *b,
        (Some(v), _) => return Err(HubError::bad_request(format!("Invalid visibility: {v}"))),
        (None, Some(_)) => return Err(HubError::bad_request("\"private\" must be a boolean")),
    };
    let sdk = str_field(&body, "sdk")?.map(str::to_string);
    if t.kind == RepoType::Space && sdk.is_none() {
        return Err(HubError::bad_request(
            "Space SDK is required (gradio, streamlit, docker or static)",
        ));
    }
    let space_settings = match t.kind {
        RepoType::Space => Some(super::spaces::Initial::parse(&body)?),
        _ => None,
    };
    let user = ctx
        .caller
        .check_write(&t.namespace, None)?
        .account
        .name
        .clone();
    let kind = t.kind;
    let endpoint = ctx.endpoint.clone();
    let result = ctx
        .blocking(move |s| {
            // Namespace must exist (a user or an organisation).
            let owner = s
                .store
                .with(|c| crate::store::accounts::account_by_name(c, &t.namespace))?;
            let Some(owner) = owner else {
                return Err(HubError::not_found(format!(
                    "Namespace {} not found",
                    t.namespace
                )));
            };
            let content = DEFAULT_GITATTRIBUTES.as_bytes();
            // Small: stored by the creating transaction itself (see `store::small_blobs`).
            let sha256 = hex::encode(Sha256::digest(content));
            let entry = FileEntry {
                oid: git::blob_oid(content),
                size: content.len() as u64,
                sha256: sha256.clone(),
                lfs: false,
            };
            let now = now_millis();
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let new = NewRepo {
                    kind: t.kind,
                    namespace: &owner.name,
                    name: &t.name,
                    private,
                    sdk: sdk.as_deref(),
                    hub_id: &random_hex(12),
                    now,
                };
                let Some(repo) = repos::insert_repo(&tx, &new)? else {
                    let existing = repos::find_repo(&tx, t.kind, &owner.name, &t.name)?;
                    return Ok(Err(existing.map(|r| r.url(&endpoint)).unwrap_or_default()));
                };
                let initial = NewCommit {
                    summary: "initial commit".into(),
                    description: String::new(),
                    parent_commit: None,
                    author: user.clone(),
                    ops: vec![Op::Put {
                        path: ".gitattributes".into(),
                        entry,
                    }],
                    now,
                };
                small_blobs::insert(&tx, &sha256, content)?;
                commits::commit_in(&tx, &repo, "refs/heads/main", &initial)?;
                if let Some(settings) = &space_settings {
                    settings.apply(&tx, repo.id)?;
                }
                // A repository created under a moved-away name takes precedence over the
                // redirect: forget it.
                redirects::forget(&tx, t.kind, &owner.name, &t.name)?;
                tx.commit()?;
                Ok(Ok(repo))
            })
        })
        .await?;
    match result {
        Ok(repo) => Ok(json(
            StatusCode::OK,
            &json!({"url": repo.url(&ctx.endpoint), "name": repo.full_id(), "id": repo.hub_id}),
        )),
        Err(url) => Err(HubError::new(
            StatusCode::CONFLICT,
            format!("You already created this {} repo", kind.singular()),
        )
        .with_extra("url", url)),
    }
}

pub async fn delete(ctx: &mut Ctx) -> HubResult<Resp> {
    let body = ctx.json_body().await?;
    let t = target(ctx, &body)?;
    let (ns, name) = (t.namespace.clone(), t.name.clone());
    let repo = ctx
        .blocking(move |s| s.store.with(|c| repos::find_repo(c, t.kind, &ns, &name)))
        .await?;
    let Some(repo) = repo else {
        return Err(HubError::repo_not_found(ctx.caller.is_anonymous()));
    };
    ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    let id = repo.id;
    ctx.blocking(move |s| s.store.with(|c| repos::delete_repo(c, id)))
        .await?;
    let mut resp = Response::new(Body::from("OK"));
    resp.headers_mut().insert(
        "content-type",
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(resp)
}

pub async fn info(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: Option<String>,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let rev = rev.unwrap_or_else(|| "main".to_string());
    let r = repo.clone();
    let (commit, files, card, runtime, host) = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let oid = repos::resolve_revision(c, &r, &rev)?;
                let commit = repos::get_commit(c, r.id, &oid)?;
                let files = trees::flatten(c, &commit.tree_oid)?;
                let card = card::load(c, &s.store.blobs, &commit.tree_oid)?;
                let runtime = match r.kind {
                    RepoType::Space => Some(super::spaces::runtime_for_info(
                        c,
                        &r,
                        card.as_deref(),
                        &files,
                    )?),
                    _ => None,
                };
                let host = match r.kind {
                    RepoType::Space => super::space_hot_reload::host(c, &r)?,
                    _ => None,
                };
                Ok((commit, files, card, runtime, host))
            })
        })
        .await?;
    let likes = super::likes::count_for(ctx, repo.id).await?;
    let blobs = ctx.query.flag("blobs");
    let mut body = repo_record(&repo, Some(&commit), Some(&files), blobs, card.as_deref());
    body.insert("likes".into(), json!(likes));
    if let Some(runtime) = runtime {
        body.insert("runtime".into(), runtime);
    }
    if let Some(host) = host {
        body.insert("host".into(), json!(host));
    }
    let expand = ctx.query.all("expand");
    if expand.is_empty() {
        // Listing-only figure: info gives it on request (`expand=trendingScore`).
        body.remove("trendingScore");
    } else {
        body.retain(|k, _| k == "id" || k == "_id" || expand.contains(&k.as_str()));
    }
    Ok(json(StatusCode::OK, &Value::Object(body)))
}

/// Everything we report about a repository at commit `head`, keyed as in the Hub's JSON
/// (info and listings select from it). `files` adds `siblings` and `usedStorage` (with
/// `blobs`, each sibling's size, blob id and LFS data); `card` is the README metadata.
pub fn repo_record(
    repo: &Repo,
    head: Option<&CommitRow>,
    files: Option<&BTreeMap<String, FileEntry>>,
    blobs: bool,
    card: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let derived = card::derive(repo.kind, card, repo.sdk.as_deref());
    let mut body = json!({
        "_id": repo.hub_id,
        "id": repo.full_id(),
        "author": repo.namespace,
        "lastModified": iso8601(head.map_or(repo.last_modified, |h| h.created_at)),
        "createdAt": iso8601(repo.created_at),
        "private": repo.private,
        "gated": repo.gated.as_deref().map(Value::from).unwrap_or(Value::Bool(false)),
        "disabled": repo.disabled,
        "likes": 0,
        "trendingScore": 0,
        "tags": derived.tags,
    });
    if let Some(h) = head {
        body["sha"] = json!(h.oid);
    }
    if let Some(data) = card {
        body["cardData"] = Value::Object(data.clone());
    }
    if let Some(files) = files {
        let siblings: Vec<Value> = files
            .iter()
            .map(|(path, f)| {
                let mut o = json!({"rfilename": path});
                if blobs {
                    o["size"] = json!(f.size);
                    o["blobId"] = json!(f.oid);
                    if f.lfs {
                        o["lfs"] = json!({"sha256": f.sha256, "size": f.size, "pointerSize": f.pointer_size()});
                    }
                }
                o
            })
            .collect();
        body["siblings"] = Value::Array(siblings);
        body["usedStorage"] = json!(files.values().map(|f| f.size).sum::<u64>());
    }
    match repo.kind {
        RepoType::Model => {
            body["modelId"] = json!(repo.full_id());
            body["downloads"] = json!(0);
            body["spaces"] = json!([]);
            if let Some(lib) = derived.library_name {
                body["library_name"] = json!(lib);
            }
            if let Some(task) = derived.pipeline_tag {
                body["pipeline_tag"] = json!(task);
            }
        }
        RepoType::Dataset => {
            body["downloads"] = json!(0);
            body["description"] = json!("");
        }
        RepoType::Space => {
            body["sdk"] = json!(derived.sdk);
            body["subdomain"] = json!(format!("{}-{}", repo.namespace, repo.name).to_lowercase());
            body["models"] = json!(derived.models);
            body["datasets"] = json!(derived.datasets);
        }
    }
    let Value::Object(mut map) = body else {
        unreachable!("json! of an object literal is an object")
    };
    map.retain(|_, v| !v.is_null());
    map
}
