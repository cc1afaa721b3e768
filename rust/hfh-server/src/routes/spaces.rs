//! Spaces runtime API under `/api/spaces/{ns}/{name}/`: `runtime`, `hardware`, `sleeptime`,
//! `pause`, `restart`, `dev-mode`, `secrets`, `variables`, `volumes`, `storage`,
//! `logs/{run|build}`, and `GET /api/spaces/hardware`.
//!
//! Reading the runtime, the variables and the logs needs read access; everything else (and
//! listing secrets) needs write access, as on the Hub. Changes are stored and reported back, and
//! each one is recorded as a line of the Space's run log: that is all the log a Space has here,
//! since the local Hub runs no Space code (see `space_runtime`).

use super::space_runtime::{self as rt, STORAGE_TIERS};
use super::{json, Ctx, Resp};
use crate::card;
use crate::errors::{HubError, HubResult};
use crate::store::blobs::BlobStore;
use crate::store::repos::{self, Repo, RepoType};
use crate::store::spaces::{self, Kind, Log, Settings};
use crate::store::trees;
use crate::util::{iso8601, now_millis};
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, Response, StatusCode};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

/// Routes under `/api/spaces/{ns}/{name}` that belong to the runtime (`None`: not one of them).
pub async fn api(
    ctx: &mut Ctx,
    m: &Method,
    ns: &str,
    name: &str,
    rest: &[&str],
) -> Option<HubResult<Resp>> {
    let (get, post, delete, put) = (
        m == Method::GET,
        m == Method::POST,
        m == Method::DELETE,
        m == Method::PUT,
    );
    Some(match rest {
        ["runtime"] if get => runtime(ctx, ns, name).await,
        ["hardware"] if post => hardware(ctx, ns, name).await,
        ["sleeptime"] if post => sleep_time(ctx, ns, name).await,
        ["pause"] if post => pause(ctx, ns, name).await,
        ["restart"] if post => restart(ctx, ns, name).await,
        ["dev-mode"] if post => dev_mode(ctx, ns, name).await,
        ["storage"] if post => storage(ctx, ns, name, true).await,
        ["storage"] if delete => storage(ctx, ns, name, false).await,
        ["volumes"] if put => volumes(ctx, ns, name, true).await,
        ["volumes"] if delete => volumes(ctx, ns, name, false).await,
        [what @ ("secrets" | "variables")] => {
            let kind = if *what == "secrets" {
                Kind::Secret
            } else {
                Kind::Variable
            };
            match () {
                _ if get => list_entries(ctx, ns, name, kind).await,
                _ if post => put_entry(ctx, ns, name, kind).await,
                _ if delete => delete_entry(ctx, ns, name, kind).await,
                _ => return None,
            }
        }
        ["logs", log @ ("run" | "build")] if get => {
            let log = if *log == "run" { Log::Run } else { Log::Build };
            logs(ctx, ns, name, log).await
        }
        _ => return None,
    })
}

/// `GET /api/spaces/hardware`: the flavors a Space can request.
pub fn hardware_catalog() -> HubResult<Resp> {
    Ok(json(StatusCode::OK, &rt::catalog()))
}

/// `GET /api/spaces/templates`: the Hub's official template Spaces live on the Hub, not here, so
/// the local Hub offers none.
pub fn templates() -> HubResult<Resp> {
    Ok(json(StatusCode::OK, &json!({"templates": []})))
}

/// The SDK and runtime of a Space at its `main` head, for the given settings.
fn describe(
    c: &Connection,
    blobs: &BlobStore,
    repo: &Repo,
    settings: &Settings,
) -> HubResult<(Option<String>, Value)> {
    let head = repos::resolve_revision(c, repo, "main")?;
    let commit = repos::get_commit(c, repo.id, &head)?;
    let files = trees::flatten(c, &commit.tree_oid)?;
    let card = card::load(c, blobs, &commit.tree_oid)?;
    let sdk = rt::sdk_of(repo.sdk.as_deref(), card.as_deref());
    let stage = rt::stage(settings, sdk.as_deref(), card.as_deref(), &files);
    let mut runtime = rt::runtime_json(settings, &stage);
    super::space_hot_reload::decorate_runtime(c, repo, &mut runtime)?;
    Ok((sdk, runtime))
}

/// The `runtime` field of Space info, from what `repos::info` already read.
pub fn runtime_for_info(
    c: &Connection,
    repo: &Repo,
    card: Option<&Map<String, Value>>,
    files: &std::collections::BTreeMap<String, trees::FileEntry>,
) -> HubResult<Value> {
    let settings = spaces::settings(c, repo.id)?;
    let sdk = rt::sdk_of(repo.sdk.as_deref(), card);
    let stage = rt::stage(&settings, sdk.as_deref(), card, files);
    let mut runtime = rt::runtime_json(&settings, &stage);
    super::space_hot_reload::decorate_runtime(c, repo, &mut runtime)?;
    Ok(runtime)
}

async fn space(ctx: &Ctx, ns: &str, name: &str, write: bool) -> HubResult<Repo> {
    let repo = ctx.readable_repo(RepoType::Space, ns, name).await?;
    if write {
        ctx.caller.check_write(&repo.namespace, Some(&repo))?;
    }
    Ok(repo)
}

async fn runtime(ctx: &Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, false).await?;
    let body = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                let settings = spaces::settings(c, repo.id)?;
                Ok(describe(c, &s.store.blobs, &repo, &settings)?.1)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &body))
}

/// What a change refuses for static Spaces (always served on the Hub, never billed).
const STATIC_REFUSED: &str = "Static Spaces are always running and never billed: \
     they cannot be paused, restarted, put in dev mode or given volumes. \
     If you want to hide a static Space, you can set it to private.";

/// Applies `change` to a Space's settings in one transaction, records `event` in its run log
/// and returns the new runtime.
async fn change<F>(ctx: &Ctx, repo: Repo, refuse_static: bool, change: F) -> HubResult<Value>
where
    F: FnOnce(&mut Settings) -> HubResult<Option<String>> + Send + 'static,
{
    ctx.blocking(move |s| {
        s.store.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut settings = spaces::settings(&tx, repo.id)?;
            if refuse_static {
                let (sdk, _) = describe(&tx, &s.store.blobs, &repo, &settings)?;
                if sdk.as_deref() == Some("static") {
                    return Err(HubError::bad_request(STATIC_REFUSED));
                }
            }
            let event = change(&mut settings)?;
            spaces::save_settings(&tx, repo.id, &settings)?;
            if let Some(line) = event {
                spaces::record_event(&tx, repo.id, Log::Run, &line, now_millis())?;
            }
            let (_, runtime) = describe(&tx, &s.store.blobs, &repo, &settings)?;
            tx.commit()?;
            Ok(runtime)
        })
    })
    .await
}

fn int_field(body: &Map<String, Value>, key: &str) -> HubResult<Option<i64>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| HubError::bad_request(format!("\"{key}\" must be an integer"))),
    }
}

fn string_field<'a>(body: &'a Map<String, Value>, key: &str) -> HubResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(HubError::bad_request(format!("\"{key}\" must be a string"))),
    }
}

/// Sleep time in seconds: -1 (never sleep) or a positive number.
fn check_sleep_time(seconds: i64) -> HubResult<i64> {
    if seconds == -1 || seconds > 0 {
        Ok(seconds)
    } else {
        Err(HubError::bad_request(format!(
            "Invalid sleep time {seconds}: use -1 (never sleep) or a positive number of seconds"
        )))
    }
}

pub fn check_flavor(flavor: &str) -> HubResult<()> {
    if rt::is_flavor(flavor) {
        Ok(())
    } else {
        Err(HubError::bad_request(format!(
            "Invalid hardware flavor '{flavor}'. Valid flavors: {}",
            rt::flavor_names()
        )))
    }
}

async fn hardware(ctx: &mut Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let body = ctx.json_body().await?;
    let flavor = string_field(&body, "flavor")?
        .ok_or_else(|| HubError::bad_request("\"flavor\" is required"))?
        .to_string();
    check_flavor(&flavor)?;
    let sleep = int_field(&body, "sleepTimeSeconds")?
        .map(check_sleep_time)
        .transpose()?;
    let runtime = change(ctx, repo, false, move |s| {
        s.hardware = Some(flavor.clone());
        if sleep.is_some() {
            s.sleep_time = sleep;
        }
        Ok(Some(match sleep {
            Some(t) => format!("Hardware requested: {flavor} (sleep time {t} s)"),
            None => format!("Hardware requested: {flavor}"),
        }))
    })
    .await?;
    Ok(json(StatusCode::OK, &runtime))
}

async fn sleep_time(ctx: &mut Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let body = ctx.json_body().await?;
    let seconds = int_field(&body, "seconds")?
        .ok_or_else(|| HubError::bad_request("\"seconds\" is required"))?;
    let seconds = check_sleep_time(seconds)?;
    let runtime = change(ctx, repo, false, move |s| {
        s.sleep_time = Some(seconds);
        Ok(Some(format!("Sleep time set to {seconds} s")))
    })
    .await?;
    Ok(json(StatusCode::OK, &runtime))
}

async fn pause(ctx: &mut Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let runtime = change(ctx, repo, true, |s| {
        s.paused = true;
        s.stage = None; // the owner's action supersedes a stage set by the operator
        Ok(Some("Space paused".into()))
    })
    .await?;
    Ok(json(StatusCode::OK, &runtime))
}

async fn restart(ctx: &mut Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let factory = ctx.query.flag("factory");
    let runtime = change(ctx, repo, true, move |s| {
        s.paused = false;
        s.stage = None;
        Ok(Some(if factory {
            "Factory reboot requested (the local Hub does not run Space code)".into()
        } else {
            "Restart requested (the local Hub does not run Space code)".into()
        }))
    })
    .await?;
    Ok(json(StatusCode::OK, &runtime))
}

async fn dev_mode(ctx: &mut Ctx, ns: &str, name: &str) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let body = ctx.json_body().await?;
    let Some(Value::Bool(enabled)) = body.get("enabled") else {
        return Err(HubError::bad_request("\"enabled\" must be a boolean"));
    };
    let enabled = *enabled;
    let runtime = change(ctx, repo, true, move |s| {
        s.dev_mode = enabled;
        Ok(Some(format!(
            "Dev mode {}",
            if enabled { "enabled" } else { "disabled" }
        )))
    })
    .await?;
    Ok(json(StatusCode::OK, &runtime))
}

async fn storage(ctx: &mut Ctx, ns: &str, name: &str, add: bool) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let tier = if add {
        let body = ctx.json_body().await?;
        let tier = string_field(&body, "tier")?
            .ok_or_else(|| HubError::bad_request("\"tier\" is required"))?;
        if !STORAGE_TIERS.contains(&tier) {
            return Err(HubError::bad_request(format!(
                "Invalid storage tier '{tier}'. Valid tiers: {}",
                STORAGE_TIERS.join(", ")
            )));
        }
        Some(tier.to_string())
    } else {
        None
    };
    let runtime = change(ctx, repo, false, move |s| {
        let line = match &tier {
            Some(t) => format!("Persistent storage requested: {t}"),
            None if s.storage.is_none() => {
                return Err(HubError::bad_request(
                    "This Space has no persistent storage",
                ))
            }
            None => "Persistent storage deleted".into(),
        };
        s.storage = tier;
        Ok(Some(line))
    })
    .await?;
    Ok(json(StatusCode::OK, &runtime))
}

/// A volume as the Hub reports it, after checking its fields.
fn volume(v: &Value) -> HubResult<Value> {
    let bad = |why: String| HubError::bad_request(format!("Invalid volume: {why}"));
    let Value::Object(o) = v else {
        return Err(bad("each volume must be an object".into()));
    };
    let kind = string_field(o, "type")?.unwrap_or("model");
    if !["bucket", "model", "dataset", "space"].contains(&kind) {
        return Err(bad(format!(
            "type '{kind}' is not one of bucket, model, dataset, space"
        )));
    }
    let source = string_field(o, "source")?.unwrap_or("");
    let (owner, repo_name) = source.split_once('/').unwrap_or(("", ""));
    if owner.is_empty() || repo_name.is_empty() || repo_name.contains('/') {
        return Err(bad(format!("source '{source}' must be 'namespace/name'")));
    }
    let mount = string_field(o, "mountPath")?.unwrap_or("");
    if !mount.starts_with('/') || mount.len() < 2 {
        return Err(bad(format!(
            "mountPath '{mount}' must be an absolute path below /"
        )));
    }
    let mut out = json!({"type": kind, "source": source, "mountPath": mount});
    if let Some(r) = string_field(o, "revision")? {
        out["revision"] = json!(r);
    }
    match o.get("readOnly") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => out["readOnly"] = json!(b),
        Some(_) => return Err(bad("readOnly must be a boolean".into())),
    }
    if let Some(p) = string_field(o, "path")? {
        out["path"] = json!(p);
    }
    Ok(out)
}

async fn volumes(ctx: &mut Ctx, ns: &str, name: &str, set: bool) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let list = if set {
        let body = ctx.json_body().await?;
        let Some(Value::Array(items)) = body.get("volumes") else {
            return Err(HubError::bad_request("\"volumes\" must be a list"));
        };
        let list = items.iter().map(volume).collect::<HubResult<Vec<_>>>()?;
        let mut mounts: Vec<&str> = list
            .iter()
            .filter_map(|v| v["mountPath"].as_str())
            .collect();
        mounts.sort_unstable();
        if let Some(w) = mounts.windows(2).find(|w| w[0] == w[1]) {
            return Err(HubError::bad_request(format!(
                "Invalid volume: two volumes are mounted at '{}'",
                w[0]
            )));
        }
        Some(list)
    } else {
        None
    };
    change(ctx, repo, true, move |s| {
        let line = match &list {
            Some(l) if !l.is_empty() => {
                let mounts: Vec<String> = l
                    .iter()
                    .map(|v| format!("{}:{}", v["source"], v["mountPath"]).replace('"', ""))
                    .collect();
                format!("Volumes set: {}", mounts.join(", "))
            }
            _ if s.volumes.is_none() => {
                return Err(HubError::bad_request("This Space has no volumes attached"))
            }
            _ => "Volumes removed".into(),
        };
        s.volumes = list
            .filter(|l| !l.is_empty())
            .map(|l| Value::Array(l).to_string());
        Ok(Some(line))
    })
    .await?;
    Ok(json(StatusCode::OK, &json!({})))
}

/// `{key: {value?, description?, updatedAt}}`, as the Hub lists secrets and variables.
fn entries_json(entries: Vec<spaces::Entry>) -> Value {
    let mut map = Map::new();
    for e in entries {
        let mut o = Map::new();
        if let Some(v) = e.value {
            o.insert("value".into(), json!(v));
        }
        if let Some(d) = e.description {
            o.insert("description".into(), json!(d));
        }
        o.insert("updatedAt".into(), json!(iso8601(e.updated_at)));
        map.insert(e.key, Value::Object(o));
    }
    Value::Object(map)
}

async fn list_entries(ctx: &Ctx, ns: &str, name: &str, kind: Kind) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, kind == Kind::Secret).await?;
    let entries = ctx
        .blocking(move |s| s.store.read(|c| spaces::entries(c, repo.id, kind)))
        .await?;
    Ok(json(StatusCode::OK, &entries_json(entries)))
}

/// Keys are environment variable names.
fn check_key(body: &Map<String, Value>) -> HubResult<String> {
    let key =
        string_field(body, "key")?.ok_or_else(|| HubError::bad_request("\"key\" is required"))?;
    let mut chars = key.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(HubError::bad_request(format!(
            "Invalid key '{key}': use letters, digits and '_', not starting with a digit"
        )));
    }
    Ok(key.to_string())
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Secret => "Secret",
        Kind::Variable => "Variable",
    }
}

async fn put_entry(ctx: &mut Ctx, ns: &str, name: &str, kind: Kind) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let body = ctx.json_body().await?;
    let key = check_key(&body)?;
    let value = string_field(&body, "value")?
        .ok_or_else(|| HubError::bad_request("\"value\" is required"))?
        .to_string();
    let description = string_field(&body, "description")?.map(str::to_string);
    let entries = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let now = now_millis();
                spaces::put_entry(
                    &tx,
                    repo.id,
                    kind,
                    &key,
                    &value,
                    description.as_deref(),
                    now,
                )?;
                let line = format!("{} '{key}' updated", noun(kind));
                spaces::record_event(&tx, repo.id, Log::Run, &line, now)?;
                let entries = spaces::entries(&tx, repo.id, kind)?;
                tx.commit()?;
                Ok(entries)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &reply(kind, entries)))
}

/// The Hub answers `{}` for secrets and the whole map for variables.
fn reply(kind: Kind, entries: Vec<spaces::Entry>) -> Value {
    match kind {
        Kind::Secret => json!({}),
        Kind::Variable => entries_json(entries),
    }
}

async fn delete_entry(ctx: &mut Ctx, ns: &str, name: &str, kind: Kind) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, true).await?;
    let body = ctx.json_body().await?;
    let key = string_field(&body, "key")?
        .ok_or_else(|| HubError::bad_request("\"key\" is required"))?
        .to_string();
    let entries = ctx
        .blocking(move |s| {
            s.store.with(|c| {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                // Deleting a missing key is not an error on the Hub.
                if spaces::delete_entry(&tx, repo.id, kind, &key)? {
                    let line = format!("{} '{key}' deleted", noun(kind));
                    spaces::record_event(&tx, repo.id, Log::Run, &line, now_millis())?;
                }
                let entries = spaces::entries(&tx, repo.id, kind)?;
                tx.commit()?;
                Ok(entries)
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &reply(kind, entries)))
}

/// One server-sent event of a Space log.
fn sse_event(e: &spaces::Event) -> Bytes {
    let event = json!({"data": format!("{}\n", e.line), "timestamp": iso8601(e.created_at)});
    Bytes::from(format!("data: {event}\n\n"))
}

/// `GET logs/{run|build}`: the recorded events as server-sent events
/// (`data: {"data": "<line>\n", "timestamp": "..."}`). While the Space is in a stage it leaves on
/// its own (building, starting: only the operator sets those here), the stream stays open and
/// carries new events as they are recorded; otherwise it ends after the recorded ones, since
/// nothing runs here that could add lines.
async fn logs(ctx: &Ctx, ns: &str, name: &str, log: Log) -> HubResult<Resp> {
    let repo = space(ctx, ns, name, false).await?;
    let r = repo.clone();
    let (events, live) = ctx
        .blocking(move |s| {
            s.store.read(|c| {
                Ok((
                    spaces::events(c, r.id, log, 0)?,
                    in_transition(c, &s.store.blobs, &r)?,
                ))
            })
        })
        .await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    let (mut last, mut more) = (0, false);
    for e in &events {
        // The channel is fresh: only a full buffer refuses, and the task below sends the rest.
        if tx.try_send(sse_event(e)).is_err() {
            more = true;
            break;
        }
        last = e.id;
    }
    if live || more {
        tokio::spawn(follow_log(ctx.state.clone(), repo, log, last, tx));
    }
    let mut resp = Response::new(Body::new(ChannelBody(rx)));
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/event-stream"),
    );
    resp.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    Ok(resp)
}

/// True while the Space's stage is one it would leave on its own on the Hub.
fn in_transition(c: &Connection, blobs: &BlobStore, repo: &Repo) -> HubResult<bool> {
    let settings = spaces::settings(c, repo.id)?;
    let (_, runtime) = describe(c, blobs, repo, &settings)?;
    Ok(runtime["stage"]
        .as_str()
        .is_some_and(|s| rt::INTERMEDIATE_STAGES.contains(&s)))
}

/// Sends the events recorded after `last`, twice a second, until the Space settles or the
/// client goes away.
async fn follow_log(
    state: std::sync::Arc<crate::server::AppState>,
    repo: Repo,
    log: Log,
    mut last: i64,
    tx: tokio::sync::mpsc::Sender<Bytes>,
) {
    loop {
        let (st, r) = (state.clone(), repo.clone());
        let polled = tokio::task::spawn_blocking(move || {
            st.store.read(|c| {
                let events = spaces::events(c, r.id, log, last)?;
                // A deleted Space ends the stream like a settled one.
                let live = match repos::find_repo(c, RepoType::Space, &r.namespace, &r.name)? {
                    Some(current) if current.id == r.id => in_transition(c, &st.store.blobs, &r)?,
                    _ => false,
                };
                Ok::<_, HubError>((events, live))
            })
        })
        .await;
        let Ok(Ok((events, live))) = polled else {
            return;
        };
        for e in &events {
            if tx.send(sse_event(e)).await.is_err() {
                return;
            }
            last = e.id;
        }
        if !live {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
            _ = tx.closed() => return,
        }
    }
}

/// A response body fed by a channel (ends when the sender is dropped).
struct ChannelBody(tokio::sync::mpsc::Receiver<Bytes>);

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(http_body::Frame::data(bytes))))
    }
}

/// The Space settings `POST /api/repos/create` and `.../duplicate` accept (`hardware`,
/// `sleepTimeSeconds`, `storageTier`, `secrets`, `variables`, `volumes`), checked before the
/// repository is made.
#[derive(Debug, Default)]
pub struct Initial {
    settings: Settings,
    /// `(kind, key, value, description)`; secret values are dropped when stored.
    entries: Vec<(Kind, String, String, Option<String>)>,
}

impl Initial {
    pub fn parse(body: &Map<String, Value>) -> HubResult<Initial> {
        let mut init = Initial::default();
        if let Some(flavor) = string_field(body, "hardware")? {
            check_flavor(flavor)?;
            init.settings.hardware = Some(flavor.to_string());
        }
        init.settings.sleep_time = int_field(body, "sleepTimeSeconds")?
            .map(check_sleep_time)
            .transpose()?;
        if let Some(tier) = string_field(body, "storageTier")? {
            if !STORAGE_TIERS.contains(&tier) {
                return Err(HubError::bad_request(format!(
                    "Invalid storage tier '{tier}'. Valid tiers: {}",
                    STORAGE_TIERS.join(", ")
                )));
            }
            init.settings.storage = Some(tier.to_string());
        }
        for (field, kind) in [("secrets", Kind::Secret), ("variables", Kind::Variable)] {
            let items = match body.get(field) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(items)) => items,
                Some(_) => {
                    return Err(HubError::bad_request(format!("\"{field}\" must be a list")))
                }
            };
            for item in items {
                let Value::Object(o) = item else {
                    return Err(HubError::bad_request(format!(
                        "each item of \"{field}\" must be an object"
                    )));
                };
                let key = check_key(o)?;
                let value = string_field(o, "value")?.unwrap_or("").to_string();
                let description = string_field(o, "description")?.map(str::to_string);
                init.entries.push((kind, key, value, description));
            }
        }
        match body.get("volumes") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) if items.is_empty() => {}
            Some(Value::Array(items)) => {
                let list = items.iter().map(volume).collect::<HubResult<Vec<_>>>()?;
                init.settings.volumes = Some(Value::Array(list).to_string());
            }
            Some(_) => return Err(HubError::bad_request("\"volumes\" must be a list")),
        }
        Ok(init)
    }

    /// Stores the settings of the new Space `repo_id` (inside the caller's transaction).
    pub fn apply(&self, c: &Connection, repo_id: i64) -> HubResult<()> {
        let now = now_millis();
        if self.settings != Settings::default() {
            spaces::save_settings(c, repo_id, &self.settings)?;
        }
        for (kind, key, value, description) in &self.entries {
            spaces::put_entry(c, repo_id, *kind, key, value, description.as_deref(), now)?;
        }
        Ok(())
    }
}
