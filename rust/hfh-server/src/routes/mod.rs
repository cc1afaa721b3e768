//! HTTP routing. The dispatcher matches on the *raw* path segments (so `%2F` inside a
//! revision or folder segment never splits it), and each segment is percent-decoded where it
//! is used. Every response gets an `X-Request-Id`.

mod access;
mod account;
mod body;
mod cas;
mod collections;
mod commit;
mod community;
mod discussion_json;
mod discussions;
mod files;
mod history;
mod leaderboard;
mod lfs;
mod lfs_files;
mod likes;
mod listing;
mod moves;
mod objects;
mod receive;
mod refs;
mod repos;
mod resolve;
mod settings;
mod space_runtime;
mod space_search;
mod spaces;
mod storage;
mod tags;
mod tree;
mod users;
mod xet_body;
mod xet_token;

pub use repos::DEFAULT_GITATTRIBUTES;

use crate::auth::{self, Caller};
use crate::errors::{HubError, HubResult};
use crate::server::AppState;
use crate::store::repos::{Repo, RepoType};
use crate::util::{percent_decode, random_hex, Query};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use std::sync::Arc;

pub type Resp = Response<Body>;

/// Everything a route handler needs about the request.
pub struct Ctx {
    pub state: Arc<AppState>,
    pub method: Method,
    pub headers: HeaderMap,
    pub query: Query,
    /// Base URL clients used to reach us (`http://host:port`), for `url`/`commitUrl`/`Link`.
    pub endpoint: String,
    pub caller: Caller,
    /// Raw (still percent-encoded) request path, for building `Link` URLs.
    pub raw_path: String,
    /// Behind a mutex only so that `Ctx` is `Sync` (`Body` is not).
    body: std::sync::Mutex<Option<Body>>,
}

impl Ctx {
    /// Runs blocking work (SQLite, blob files) off the async executor.
    pub async fn blocking<T, F>(&self, f: F) -> HubResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> HubResult<T> + Send + 'static,
    {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || f(&state))
            .await
            .map_err(|e| HubError::internal(format!("worker failed: {e}")))?
    }

    /// Reads the whole body, refusing more than the configured limit with a 413.
    pub async fn body_bytes(&mut self) -> HubResult<Bytes> {
        let limit = self.state.config.max_body_bytes;
        let too_large = || {
            HubError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("Request body is too large (limit: {limit} bytes)"),
            )
        };
        let declared = self
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // Read frame by frame (not `to_bytes`) so that a malformed or cut-off body (bad chunked
        // encoding, client gone) is a 400, and only a body over the limit is a 413.
        use http_body::Body as _;
        let mut body = self.take_body();
        let mut buf = Vec::with_capacity(declared.unwrap_or(0) as usize);
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|e| {
                HubError::bad_request(format!("Malformed or incomplete request body: {e}"))
            })?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > limit {
                    return Err(too_large());
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(Bytes::from(buf))
    }

    /// Takes the request body for streaming (empty if already consumed).
    pub fn take_body(&mut self) -> Body {
        self.body
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or_else(Body::empty)
    }

    /// Parses a JSON object body (400 on malformed JSON).
    pub async fn json_body(&mut self) -> HubResult<serde_json::Map<String, serde_json::Value>> {
        let bytes = self.body_bytes().await?;
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(m)) => Ok(m),
            Ok(_) => Err(HubError::bad_request("Expected a JSON object body")),
            Err(e) => Err(HubError::bad_request(format!("Invalid JSON body: {e}"))),
        }
    }

    /// Looks up a repository the caller may read (otherwise RepoNotFound, 401/404).
    pub async fn readable_repo(&self, kind: RepoType, ns: &str, name: &str) -> HubResult<Repo> {
        let (ns2, name2) = (ns.to_string(), name.to_string());
        // A read: on the pooled read-only connections, so it never waits behind a commit.
        let repo = self
            .blocking(move |s| {
                s.store
                    .read(|c| crate::store::repos::find_repo(c, kind, &ns2, &name2))
            })
            .await?
            .ok_or_else(|| HubError::repo_not_found(self.caller.is_anonymous()))?;
        self.caller.check_read(&repo)?;
        Ok(repo)
    }
}

/// Absolute `Link: <url>; rel="next"` for the same request with `cursor` replaced.
pub fn next_link(ctx: &Ctx, cursor: usize) -> Option<HeaderValue> {
    let mut query: Vec<String> = ctx
        .query
        .0
        .iter()
        .filter(|(k, _)| k != "cursor")
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    query.push(format!("cursor={cursor}"));
    let link = format!(
        "<{}{}?{}>; rel=\"next\"",
        ctx.endpoint,
        ctx.raw_path,
        query.join("&")
    );
    HeaderValue::from_str(&link).ok()
}

/// Percent-encodes a query component.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds a JSON response.
pub fn json(status: StatusCode, value: &serde_json::Value) -> Resp {
    let mut resp = Response::new(Body::from(serde_json::to_vec(value).unwrap_or_default()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

fn seg(s: &str) -> HubResult<String> {
    percent_decode(s, false)
}

/// Decodes and joins trailing path segments into a repository path.
fn rest_path(rest: &[&str]) -> HubResult<String> {
    let parts = rest.iter().map(|s| seg(s)).collect::<HubResult<Vec<_>>>()?;
    Ok(parts.join("/"))
}

/// The single entry point: axum's fallback handler.
pub async fn handle(State(state): State<Arc<AppState>>, req: Request) -> Resp {
    let request_id = random_hex(16);
    let mut resp = match dispatch(state, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn dispatch(state: Arc<AppState>, req: Request) -> HubResult<Resp> {
    let (parts, body) = req.into_parts();
    let query = Query::parse(parts.uri.query())?;
    let endpoint = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| state.endpoint());
    let path = parts.uri.path().to_string();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    // Pre-signed object URLs authorise themselves: their Authorization header is ignored.
    // The CAS (`/cas`) takes its own access tokens, not Hub tokens.
    let signed = segs.first() == Some(&"lfs-objects") || is_cas(&segs);
    let token = if signed {
        None
    } else {
        auth::bearer(&parts.headers)?
    };
    let caller = match token {
        None => Caller::Anonymous,
        Some(t) => {
            let st = state.clone();
            // Read-only, on the pooled readers: authenticated reads never wait behind a commit.
            tokio::task::spawn_blocking(move || st.store.read(|c| auth::identify(c, Some(&t))))
                .await
                .map_err(|e| HubError::internal(e.to_string()))??
        }
    };
    let mut ctx = Ctx {
        state,
        method: parts.method.clone(),
        headers: parts.headers,
        query,
        endpoint,
        caller,
        raw_path: path.clone(),
        body: std::sync::Mutex::new(Some(body)),
    };
    let m = parts.method;
    let (get_or_head, post) = (m == Method::GET || m == Method::HEAD, m == Method::POST);
    match segs.as_slice() {
        ["lfs-objects", "upload", oid] if m == Method::PUT => objects::upload(&mut ctx, oid).await,
        ["lfs-objects", "multipart", oid, id, n] if m == Method::PUT => {
            objects::upload_part(&mut ctx, oid, id, n).await
        }
        ["lfs-objects", "multipart", oid, id] if post => objects::complete(&mut ctx, oid, id).await,
        ["lfs-objects", "download", oid] if get_or_head => objects::download(&ctx, oid).await,
        [p, ns, name, "info", "lfs", "objects", op]
            if post && (*p == "datasets" || *p == "spaces") =>
        {
            let kind = if *p == "datasets" {
                RepoType::Dataset
            } else {
                RepoType::Space
            };
            lfs_api(&mut ctx, kind, &seg(ns)?, &seg(name)?, op, 1).await
        }
        [ns, name, "info", "lfs", "objects", op] if post => {
            lfs_api(&mut ctx, RepoType::Model, &seg(ns)?, &seg(name)?, op, 0).await
        }
        ["cas", rest @ ..] if is_cas(&segs) => cas::handle(&mut ctx, rest).await,
        ["api", "whoami-v2"] if m == Method::GET => account::whoami(&ctx).await,
        ["api", "repos", "create"] if m == Method::POST => repos::create(&mut ctx).await,
        ["api", "repos", "delete"] if m == Method::DELETE => repos::delete(&mut ctx).await,
        ["api", "repos", "move"] if post => moves::move_repo(&mut ctx).await,
        ["api", "validate-yaml"] if m == Method::POST => files::validate_yaml(&mut ctx).await,
        ["api", t] if m == Method::GET && RepoType::from_plural(t).is_some() => {
            listing::list(&ctx, RepoType::from_plural(t).unwrap_or(RepoType::Model)).await
        }
        ["api", "collections"] if m == Method::GET => collections::list(&ctx).await,
        ["api", "collections"] if m == Method::POST => collections::create(&mut ctx).await,
        ["api", "collections", ns, slug, rest @ ..] => {
            let slug = format!("{}/{}", seg(ns)?, seg(slug)?);
            collection_api(&mut ctx, m, &slug, rest).await
        }
        ["api", "users", user, "likes"] if m == Method::GET => {
            likes::liked_by(&ctx, &seg(user)?).await
        }
        ["api", "users", u, what] if m == Method::GET => people_api(&ctx, u, what, false).await,
        ["api", "organizations", o, "settings", "repositories"] if m == Method::GET => {
            storage::repositories(&ctx, Some(&seg(o)?)).await
        }
        ["api", "organizations", o, what] if m == Method::GET => {
            people_api(&ctx, o, what, true).await
        }
        ["api", "settings", "repositories"] if m == Method::GET => {
            storage::repositories(&ctx, None).await
        }
        ["api", "models-tags-by-type"] if m == Method::GET => {
            tags::by_type(&ctx, RepoType::Model).await
        }
        ["api", "datasets-tags-by-type"] if m == Method::GET => {
            tags::by_type(&ctx, RepoType::Dataset).await
        }
        ["api", "spaces", "hardware"] if m == Method::GET => spaces::hardware_catalog(),
        ["api", "spaces", "templates"] if m == Method::GET => spaces::templates(),
        ["api", "spaces", "semantic-search"] if m == Method::GET => {
            space_search::search(&ctx).await
        }
        ["api", t, ns, name, rest @ ..] if RepoType::from_plural(t).is_some() => {
            let kind = RepoType::from_plural(t).unwrap_or(RepoType::Model);
            let (ns, name) = (seg(ns)?, seg(name)?);
            let result = repo_api(&mut ctx, m, kind, &ns, &name, rest).await;
            moves::or_redirect(&ctx, result, kind, &ns, &name, 2).await
        }
        [p, ns, name, "resolve", rev, rest @ ..]
            if (m == Method::GET || m == Method::HEAD) && (*p == "datasets" || *p == "spaces") =>
        {
            let kind = if *p == "datasets" {
                RepoType::Dataset
            } else {
                RepoType::Space
            };
            let (ns, name) = (seg(ns)?, seg(name)?);
            let result = resolve::resolve(&ctx, kind, &ns, &name, &seg(rev)?, rest).await;
            moves::or_redirect(&ctx, result, kind, &ns, &name, 1).await
        }
        [ns, name, "resolve", rev, rest @ ..] if m == Method::GET || m == Method::HEAD => {
            let (ns, name) = (seg(ns)?, seg(name)?);
            let result =
                resolve::resolve(&ctx, RepoType::Model, &ns, &name, &seg(rev)?, rest).await;
            moves::or_redirect(&ctx, result, RepoType::Model, &ns, &name, 0).await
        }
        _ => Err(not_found(&m, &path)),
    }
}

/// `POST {repo}.git/info/lfs/objects/{batch,verify}` (`name` still has its `.git` suffix); a
/// moved repository's old name redirects like its API routes (git-lfs and the Hub clients follow
/// a 307 with the same method and body). `ns_segment` is the index of `ns` in the raw path.
async fn lfs_api(
    ctx: &mut Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    op: &str,
    ns_segment: usize,
) -> HubResult<Resp> {
    let Some(name) = lfs::strip_git_suffix(name) else {
        return Err(not_found(&ctx.method, &ctx.raw_path));
    };
    let result = match op {
        "batch" => lfs::batch(ctx, kind, ns, name).await,
        "verify" => lfs::verify(ctx, kind, ns, name).await,
        _ => return Err(not_found(&ctx.method, &ctx.raw_path)),
    };
    moves::or_redirect_named(ctx, result, kind, ns, name, ".git", ns_segment).await
}

/// Whether a path is the CAS's (`/cas/v1/..`, `/cas/v2/..`, `/cas/fetch/..`).
fn is_cas(segs: &[&str]) -> bool {
    matches!(segs, ["cas", "v1" | "v2" | "fetch", _, ..])
}

fn not_found(m: &Method, path: &str) -> HubError {
    HubError::not_found(format!("Not Found: {m} {path}"))
}

/// `GET /api/users/{u}/...` and `GET /api/organizations/{o}/...`.
async fn people_api(ctx: &Ctx, name: &str, what: &str, org: bool) -> HubResult<Resp> {
    use users::{Kind, List};
    let name = seg(name)?;
    let kind = if org { Kind::Org } else { Kind::User };
    match (what, org) {
        ("overview", _) => users::overview(ctx, &name, kind).await,
        ("followers", _) => users::list(ctx, &name, kind, List::Followers).await,
        ("following", false) => users::list(ctx, &name, kind, List::Following).await,
        ("members", true) => users::list(ctx, &name, kind, List::Members).await,
        _ => Err(not_found(&ctx.method, &ctx.raw_path)),
    }
}

/// Routes under `/api/{T}/{ns}/{name}`.
async fn repo_api(
    ctx: &mut Ctx,
    m: Method,
    kind: RepoType,
    ns: &str,
    name: &str,
    rest: &[&str],
) -> HubResult<Resp> {
    let (get, post, delete) = (m == Method::GET, m == Method::POST, m == Method::DELETE);
    let put = m == Method::PUT;
    if kind == RepoType::Space {
        if let Some(result) = spaces::api(ctx, &m, ns, name, rest).await {
            return result;
        }
    }
    match rest {
        [] if get => repos::info(ctx, kind, ns, name, None).await,
        ["revision", rev] if get => repos::info(ctx, kind, ns, name, Some(seg(rev)?)).await,
        ["tree", rev, path @ ..] if get => {
            let path = rest_path(path)?;
            tree::list(ctx, kind, ns, name, &seg(rev)?, path.trim_matches('/')).await
        }
        ["paths-info", rev] if post => files::paths_info(ctx, kind, ns, name, &seg(rev)?).await,
        ["preupload", rev] if post => files::preupload(ctx, kind, ns, name, &seg(rev)?).await,
        ["commit", rev] if post => commit::create(ctx, kind, ns, name, &seg(rev)?).await,
        ["refs"] if get => refs::list_refs(ctx, kind, ns, name).await,
        ["commits", rev] if get => refs::list_commits(ctx, kind, ns, name, &seg(rev)?).await,
        ["branch", b] if post => refs::create_branch(ctx, kind, ns, name, &seg(b)?).await,
        ["branch", b] if delete => refs::delete_branch(ctx, kind, ns, name, &seg(b)?).await,
        ["tag", r] if post => refs::create_tag(ctx, kind, ns, name, &seg(r)?).await,
        ["tag", t] if delete => refs::delete_tag(ctx, kind, ns, name, &seg(t)?).await,
        ["settings"] if put => settings::update(ctx, kind, ns, name).await,
        ["super-squash", b] if post => history::super_squash(ctx, kind, ns, name, &seg(b)?).await,
        ["duplicate"] if post => history::duplicate(ctx, kind, ns, name).await,
        ["discussions", more @ ..] => discussion_api(ctx, m, kind, ns, name, more).await,
        ["like"] if post => likes::set_like(ctx, kind, ns, name, true).await,
        ["like"] if delete => likes::set_like(ctx, kind, ns, name, false).await,
        ["likers"] if get => likes::likers(ctx, kind, ns, name).await,
        ["leaderboard"] if get && kind == RepoType::Dataset => {
            leaderboard::leaderboard(ctx, ns, name).await
        }
        ["ask-access"] if post => access::ask_access(ctx, kind, ns, name).await,
        ["user-access-request", "handle"] if post => {
            access::handle_request(ctx, kind, ns, name).await
        }
        ["user-access-request", "grant"] if post => access::grant(ctx, kind, ns, name).await,
        ["user-access-request", status] if get => {
            access::list_requests(ctx, kind, ns, name, &seg(status)?).await
        }
        ["lfs-files"] if get => lfs_files::list(ctx, kind, ns, name).await,
        ["lfs-files", "batch"] if post => lfs_files::delete(ctx, kind, ns, name).await,
        ["xet-read-token", rev] if get => {
            xet_token::token(ctx, kind, ns, name, xet_token::Scope::Read, &seg(rev)?).await
        }
        ["xet-write-token", rev] if get => {
            xet_token::token(ctx, kind, ns, name, xet_token::Scope::Write, &seg(rev)?).await
        }
        ["auth-check"] if get => access::auth_check(ctx, kind, ns, name, false).await,
        ["auth-check", "write"] if get => access::auth_check(ctx, kind, ns, name, true).await,
        _ => Err(not_found(&m, &ctx.raw_path)),
    }
}

/// Routes under `/api/{T}/{ns}/{name}/discussions`.
async fn discussion_api(
    ctx: &mut Ctx,
    m: Method,
    kind: RepoType,
    ns: &str,
    name: &str,
    rest: &[&str],
) -> HubResult<Resp> {
    use discussions::parse_num;
    let (get, post) = (m == Method::GET, m == Method::POST);
    match rest {
        [] if get => discussions::list(ctx, kind, ns, name).await,
        [] if post => discussions::create(ctx, kind, ns, name).await,
        [n] if get => discussions::details(ctx, kind, ns, name, parse_num(n)?).await,
        [n, "comment"] if post => discussions::comment(ctx, kind, ns, name, parse_num(n)?).await,
        [n, "comment", id, action @ ("edit" | "hide")] if post || m == Method::PUT => {
            let hide = *action == "hide";
            discussions::change_comment(ctx, kind, ns, name, parse_num(n)?, &seg(id)?, hide).await
        }
        [n, "title"] if post => discussions::rename(ctx, kind, ns, name, parse_num(n)?).await,
        [n, "status"] if post => {
            discussions::change_status(ctx, kind, ns, name, parse_num(n)?).await
        }
        [n, "merge"] if post => discussions::merge_pr(ctx, kind, ns, name, parse_num(n)?).await,
        _ => Err(not_found(&m, &ctx.raw_path)),
    }
}

/// Routes under `/api/collections/{ns}/{slug}`.
async fn collection_api(ctx: &mut Ctx, m: Method, slug: &str, rest: &[&str]) -> HubResult<Resp> {
    let (patch, delete) = (m == Method::PATCH, m == Method::DELETE);
    match rest {
        [] if m == Method::GET => collections::get(ctx, slug).await,
        [] if patch => collections::update(ctx, slug).await,
        [] if delete => collections::delete(ctx, slug).await,
        ["items"] if m == Method::POST => collections::add_item(ctx, slug).await,
        ["items", id] if patch || delete => {
            collections::change_item(ctx, slug, &seg(id)?, delete).await
        }
        _ => Err(not_found(&m, &ctx.raw_path)),
    }
}
