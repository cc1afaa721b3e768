//! `POST /api/{T}/{ns}/{name}/paths-info/{rev}` (form-encoded `paths`) and
//! `POST /api/{T}/{ns}/{name}/preupload/{rev}` (upload-mode negotiation).

use super::tree::{entry_json_in, last_commit};
use super::{json, Ctx, Resp};
use crate::card::validate;
use crate::errors::{HubError, HubResult};
use crate::gitattributes::LfsRules;
use crate::store::repos::{self, RepoType};
use crate::store::trees;
use crate::util::{iso8601, parse_form, Query};
use axum::http::StatusCode;
use base64::Engine;
use serde_json::{json, Value};

/// Most paths accepted by one paths-info call (the Hub's limit).
const MAX_PATHS: usize = 1000;
/// Regular files above this size must go through LFS.
const MAX_REGULAR_SIZE: u64 = 10 * 1024 * 1024;
/// Binary (NUL-containing) regular files above this size must go through LFS.
const MAX_REGULAR_BINARY_SIZE: u64 = 1024 * 1024;

pub async fn paths_info(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    super::access::require_download(ctx, &repo).await?;
    let body = ctx.body_bytes().await?;
    let text =
        std::str::from_utf8(&body).map_err(|_| HubError::bad_request("Body is not UTF-8"))?;
    let form = Query(parse_form(text)?);
    let paths: Vec<String> = form
        .all("paths")
        .into_iter()
        .map(|p| p.trim_matches('/').to_string())
        .collect();
    if paths.len() > MAX_PATHS {
        return Err(HubError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too many parameters",
        ));
    }
    let expand = form.flag("expand") || ctx.query.flag("expand");
    let rev = rev.to_string();
    let items = ctx
        .blocking(move |s| {
            // Read-only, on a pooled reader: the answers are advisory (the commit checks again),
            // and an upload's next questions must not wait behind its commit of earlier files.
            s.store.read(|c| {
                let oid = repos::resolve_revision(c, &repo, &rev)?;
                let head = repos::get_commit(c, repo.id, &oid)?;
                let mut items = Vec::new();
                for p in &paths {
                    if p.is_empty() {
                        continue;
                    }
                    if let Some(e) = trees::lookup(c, &head.tree_oid, p)? {
                        let mut item = entry_json_in(c, &e)?;
                        if expand {
                            let lc = last_commit(c, &repo, &head, &e.path)?;
                            item["lastCommit"] = json!({"id": lc.oid, "title": lc.title, "date": iso8601(lc.created_at)});
                        }
                        items.push(item);
                    }
                }
                Ok(items)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &Value::Array(items)))
}

pub async fn preupload(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    rev: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    let create_pr = ctx.query.flag("create_pr");
    super::access::require_commit_access(ctx, &repo, Some(rev), create_pr).await?;
    let body = ctx.json_body().await?;
    let files = body
        .get("files")
        .and_then(Value::as_array)
        .ok_or_else(|| HubError::bad_request("\"files\" must be a list"))?;
    let mut requests = Vec::with_capacity(files.len());
    for f in files {
        let path = f
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| HubError::bad_request("files[].path is required"))?;
        let size = f
            .get("size")
            .and_then(Value::as_u64)
            .ok_or_else(|| HubError::bad_request("files[].size is required"))?;
        let sample = f.get("sample").and_then(Value::as_str).unwrap_or("");
        let sample = base64::engine::general_purpose::STANDARD
            .decode(sample)
            .map_err(|_| HubError::bad_request("files[].sample must be base64"))?;
        let path = crate::util::validate_repo_path(path)?;
        requests.push((path, size, sample.contains(&0)));
    }
    let rev = rev.to_string();
    let (head, answers) = ctx
        .blocking(move |s| {
            // Read-only, on a pooled reader: the answers are advisory (the commit checks again),
            // and an upload's next questions must not wait behind its commit of earlier files.
            s.store.read(|c| {
                let oid = repos::resolve_revision(c, &repo, &rev)?;
                if !create_pr {
                    repos::branch_ref(c, &repo, &rev)?;
                }
                let commit = repos::get_commit(c, repo.id, &oid)?;
                let rules = match trees::lookup(c, &commit.tree_oid, ".gitattributes")?
                    .and_then(|e| e.file)
                {
                    Some(f) => {
                        let text = s.store.blobs.read_all(c, &f.sha256, f.size)?;
                        LfsRules::parse(&String::from_utf8_lossy(&text))
                    }
                    None => LfsRules::default(),
                };
                let mut answers = Vec::with_capacity(requests.len());
                for (path, size, binary) in requests {
                    let lfs = rules.is_lfs(&path)
                        || size > MAX_REGULAR_SIZE
                        || (binary && size > MAX_REGULAR_BINARY_SIZE);
                    let mut a = json!({
                        "path": path,
                        "uploadMode": if lfs { "lfs" } else { "regular" },
                        "shouldIgnore": false,
                    });
                    let current = trees::lookup(c, &commit.tree_oid, &path)?.and_then(|e| e.file);
                    if let Some(f) = current {
                        a["oid"] = json!(if f.lfs { f.sha256 } else { f.oid });
                    }
                    answers.push(a);
                }
                Ok((oid, answers))
            })
        })
        .await?;
    Ok(json(
        StatusCode::OK,
        &json!({"files": answers, "commitOid": head}),
    ))
}

/// `POST /api/validate-yaml` `{content, repoType}`: checks the README metadata (YAML syntax,
/// a mapping at the top, the types and values of well-known keys). Answers JSON
/// `{errors: [{message}], warnings: [{message}]}`, with 400 when there are errors; a caller
/// that accepts only `text/plain` (`RepoCard.validate`) gets the Hub's text form instead, one
/// `- Error: ...` / `- Warning: ...` line per finding, which it shows as it is.
pub async fn validate_yaml(ctx: &mut Ctx) -> HubResult<Resp> {
    let wants_text = wants_plain_text(&ctx.headers);
    let answer = |errors: Vec<String>, warnings: Vec<String>| {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        if wants_text {
            let lines: Vec<String> = errors
                .iter()
                .map(|m| format!("- Error: {m}"))
                .chain(warnings.iter().map(|m| format!("- Warning: {m}")))
                .collect();
            let mut resp = Resp::new(axum::body::Body::from(lines.join("\n")));
            *resp.status_mut() = status;
            resp.headers_mut().insert(
                "content-type",
                axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return Ok(resp);
        }
        let list = |v: Vec<String>| -> Vec<Value> {
            v.into_iter().map(|m| json!({"message": m})).collect()
        };
        Ok(json(
            status,
            &json!({"errors": list(errors), "warnings": list(warnings)}),
        ))
    };
    // A body that is not JSON at all is the caller's bug: a plain error answer.
    let body = ctx.json_body().await?;
    let Some(content) = body.get("content").and_then(Value::as_str) else {
        return answer(vec!["\"content\" is required".to_string()], vec![]);
    };
    let kind = match body.get("repoType") {
        None | Some(Value::Null) => RepoType::Model,
        Some(Value::String(t)) => match RepoType::from_singular(t) {
            Some(k) => k,
            None => {
                return answer(
                    vec![format!(
                        "\"repoType\" must be one of [model, dataset, space]"
                    )],
                    vec![],
                )
            }
        },
        Some(_) => {
            return answer(
                vec!["\"repoType\" must be one of [model, dataset, space]".to_string()],
                vec![],
            )
        }
    };
    let report = validate::validate(content, kind);
    answer(report.errors, report.warnings)
}

/// Whether the `Accept` header asks for plain text and not for JSON.
fn wants_plain_text(headers: &axum::http::HeaderMap) -> bool {
    let accept = headers
        .get_all("accept")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    accept.contains("text/plain") && !accept.contains("application/json")
}
