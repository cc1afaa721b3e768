//! Multipart LFS uploads (part URLs, completion) and the per-repository scoping of LFS objects.

mod common;

use common::*;
use hfh_core::upload::{self, Options, Part, Progress};
use hfh_server::signing::{Purpose, Signer};
use hfh_server::Config;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

const THRESHOLD: u64 = 5000;
const CHUNK: u64 = 4096;

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Pseudo-random bytes (no period: parts of one object differ).
fn content(len: usize, seed: u8) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(seed);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

async fn hub(dir: &Path) -> Hub {
    let mut cfg: Config = config(dir);
    cfg.multipart_threshold = THRESHOLD;
    cfg.multipart_chunk_size = CHUNK;
    let hub = Hub::with_config(cfg).await;
    for name in ["a", "b"] {
        let r = hub
            .create(ALICE, json!({"name": name, "type": "model"}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    hub
}

async fn batch(
    hub: &Hub,
    repo: &str,
    operation: &str,
    transfers: Value,
    objects: &[(&str, u64)],
) -> Value {
    let body = json!({
        "operation": operation,
        "transfers": transfers,
        "objects": objects.iter().map(|(oid, size)| json!({"oid": oid, "size": size})).collect::<Vec<_>>(),
        "hash_algo": "sha256",
        "ref": {"name": "main"},
    });
    let r = hub
        .client
        .post(format!("{}/{repo}.git/info/lfs/objects/batch", hub.url))
        .bearer_auth(ALICE)
        .header("content-type", "application/vnd.git-lfs+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    body_json(r).await
}

async fn upload_batch(hub: &Hub, repo: &str, objects: &[(&str, u64)]) -> Value {
    batch(hub, repo, "upload", json!(["basic", "multipart"]), objects).await
}

/// The completion URL and the part URLs (sorted by part number) of a multipart action.
fn multipart_action(object: &Value) -> (String, u64, Vec<String>) {
    let upload = &object["actions"]["upload"];
    let header = upload["header"].as_object().expect("multipart header");
    let chunk: u64 = header["chunk_size"].as_str().unwrap().parse().unwrap();
    let mut parts: Vec<(u64, String)> = header
        .iter()
        .filter(|(k, _)| k.bytes().all(|b| b.is_ascii_digit()))
        .map(|(k, v)| (k.parse().unwrap(), v.as_str().unwrap().to_string()))
        .collect();
    parts.sort();
    (
        upload["href"].as_str().unwrap().to_string(),
        chunk,
        parts.into_iter().map(|(_, url)| url).collect(),
    )
}

async fn put(hub: &Hub, url: &str, body: Vec<u8>) -> Response {
    hub.client.put(url).body(body).send().await.unwrap()
}

/// PUTs every part of `data`; returns their ETags.
async fn put_parts(hub: &Hub, parts: &[String], chunk: u64, data: &[u8]) -> Vec<String> {
    let mut etags = Vec::new();
    for (i, url) in parts.iter().enumerate() {
        let start = i * chunk as usize;
        let end = (start + chunk as usize).min(data.len());
        let r = put(hub, url, data[start..end].to_vec()).await;
        assert_eq!(r.status(), StatusCode::OK);
        etags.push(header(&r, "etag").unwrap().to_string());
    }
    etags
}

async fn complete(hub: &Hub, href: &str, oid: &str, etags: &[String]) -> Response {
    let parts: Vec<Value> = etags
        .iter()
        .enumerate()
        .map(|(i, etag)| json!({"partNumber": i + 1, "etag": etag}))
        .collect();
    hub.client
        .post(href)
        .header("content-type", "application/vnd.git-lfs+json")
        .body(json!({"oid": oid, "parts": parts}).to_string())
        .send()
        .await
        .unwrap()
}

async fn verify(hub: &Hub, repo: &str, oid: &str, size: u64) -> StatusCode {
    hub.client
        .post(format!("{}/{repo}.git/info/lfs/objects/verify", hub.url))
        .bearer_auth(ALICE)
        .body(json!({"oid": oid, "size": size}).to_string())
        .send()
        .await
        .unwrap()
        .status()
}

async fn commit_lfs(hub: &Hub, repo: &str, path: &str, oid: &str, size: u64) -> Response {
    hub.commit(
        repo,
        ALICE,
        None,
        &[json!({"key": "lfsFile", "value": {"path": path, "algo": "sha256", "oid": oid, "size": size}})],
    )
    .await
}

fn blob_path(dir: &Path, oid: &str) -> std::path::PathBuf {
    dir.join("blobs/sha256").join(&oid[..2]).join(&oid[2..])
}

/// Files left in the server's temporary directories.
fn leftovers(dir: &Path) -> usize {
    fn count(path: &Path) -> usize {
        std::fs::read_dir(path).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    count(&dir.join("tmp"))
}

#[tokio::test]
async fn multipart_upload_through_the_engine_then_commit_and_download() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path()).await;
    let big = content(10_000, 1);
    let small = content(THRESHOLD as usize, 2);
    let (oid, size) = (sha256_hex(&big), big.len() as u64);
    let small_oid = sha256_hex(&small);

    let v = upload_batch(&hub, "alice/a", &[(&oid, size), (&small_oid, THRESHOLD)]).await;
    assert_eq!(v["transfer"], "multipart");
    let (href, chunk, parts) = multipart_action(&v["objects"][0]);
    assert_eq!((chunk, parts.len()), (CHUNK, 3));
    assert!(href.starts_with(&format!("{}/lfs-objects/multipart/{oid}/", hub.url)));
    assert_eq!(
        v["objects"][0]["actions"]["verify"]["href"],
        format!("{}/alice/a.git/info/lfs/objects/verify", hub.url)
    );
    // At the threshold: a basic transfer.
    assert!(v["objects"][1]["actions"]["upload"].get("header").is_none());

    // The parts go up through the Rust upload engine (parallel, pre-signed, no Authorization).
    let file = dir.path().join("big.bin");
    std::fs::write(&file, &big).unwrap();
    let specs: Vec<Part> = parts
        .iter()
        .enumerate()
        .map(|(i, url)| Part {
            url: url.clone(),
            offset: i as u64 * chunk,
            length: chunk.min(size - i as u64 * chunk),
        })
        .collect();
    let progress = Arc::new(Progress::default());
    let results = {
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || {
            upload::upload_parts(
                &file,
                specs,
                &[],
                Options::default(),
                progress,
                &Default::default(),
            )
        })
        .await
        .unwrap()
    };
    let etags: Vec<String> = results
        .into_iter()
        .map(|r| r.expect("part uploaded").etag.expect("part ETag"))
        .collect();
    // ETags are opaque, one per attempt (content is checked through the object's sha256).
    assert!(etags.iter().all(|e| e.starts_with('"') && e.ends_with('"')));
    assert_ne!(etags[0], etags[1]);
    assert_eq!(
        progress.sent.load(std::sync::atomic::Ordering::SeqCst),
        size
    );

    // Nothing is visible before the completion.
    assert!(!blob_path(dir.path(), &oid).exists());
    assert_eq!(
        verify(&hub, "alice/a", &oid, size).await,
        StatusCode::NOT_FOUND
    );

    let r = complete(&hub, &href, &oid, &etags).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(std::fs::read(blob_path(dir.path(), &oid)).unwrap(), big);
    assert_eq!(leftovers(dir.path()), 0, "staged parts are removed");
    assert_eq!(verify(&hub, "alice/a", &oid, size).await, StatusCode::OK);
    // Completing again is harmless (a client retrying after a lost answer).
    assert_eq!(
        complete(&hub, &href, &oid, &etags).await.status(),
        StatusCode::OK
    );

    // Stored now: no actions; the commit takes it; it downloads.
    let v = upload_batch(&hub, "alice/a", &[(&oid, size)]).await;
    assert!(v["objects"][0].get("actions").is_none(), "{v}");
    assert_eq!(v["transfer"], "basic");
    assert_eq!(
        commit_lfs(&hub, "alice/a", "big.bin", &oid, size)
            .await
            .status(),
        StatusCode::OK
    );
    let r = hub.get("/alice/a/resolve/main/big.bin", Some(ALICE)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), big.as_slice());

    // A client that only does basic transfers gets one URL, whatever the size.
    let other = content(9000, 3);
    let v = batch(
        &hub,
        "alice/a",
        "upload",
        json!(["basic"]),
        &[(&sha256_hex(&other), 9000)],
    )
    .await;
    assert_eq!(v["transfer"], "basic");
    assert!(v["objects"][0]["actions"]["upload"].get("header").is_none());
}

#[tokio::test]
async fn parts_can_be_retried_and_bad_completions_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path()).await;
    let data = content(9000, 7);
    let (oid, size) = (sha256_hex(&data), data.len() as u64);
    let new_upload = || async {
        let v = upload_batch(&hub, "alice/a", &[(&oid, size)]).await;
        multipart_action(&v["objects"][0])
    };

    // A part retried with other bytes replaces the first attempt.
    let (href, chunk, parts) = new_upload().await;
    let r = put(&hub, &parts[1], vec![0u8; chunk as usize]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let wrong_etag = header(&r, "etag").unwrap().to_string();
    // Wrong lengths are refused outright.
    assert_eq!(
        put(&hub, &parts[1], vec![0u8; 10]).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put(&hub, &parts[2], data[..4096].to_vec()).await.status(),
        StatusCode::BAD_REQUEST
    );
    let etags = put_parts(&hub, &parts, chunk, &data).await;
    assert_ne!(etags[1], wrong_etag);
    assert_eq!(
        complete(&hub, &href, &oid, &etags).await.status(),
        StatusCode::OK
    );
    assert!(blob_path(dir.path(), &oid).is_file());

    // Failed completions: 400 with a message, nothing stored, the staged parts removed.
    let other = content(9000, 8);
    let (other_oid, other_size) = (sha256_hex(&other), 9000u64);
    let new_other = || async {
        let v = upload_batch(&hub, "alice/b", &[(&other_oid, other_size)]).await;
        multipart_action(&v["objects"][0])
    };
    let expect_400 = |r: Response, needle: &'static str| async move {
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let message = body_json(r).await["error"].as_str().unwrap().to_string();
        assert!(message.contains(needle), "{message}");
    };
    // A wrong ETag.
    let (href, chunk, parts) = new_other().await;
    let mut etags = put_parts(&hub, &parts, chunk, &other).await;
    etags[0] = etags[1].clone();
    expect_400(
        complete(&hub, &href, &other_oid, &etags).await,
        "ETag of part 1",
    )
    .await;
    // A missing part.
    let (href, chunk, parts) = new_other().await;
    let etags = put_parts(&hub, &parts[..2], chunk, &other).await;
    let listed = [etags.clone(), vec!["\"0\"".to_string()]].concat();
    expect_400(
        complete(&hub, &href, &other_oid, &listed).await,
        "Part 3 was not uploaded",
    )
    .await;
    // Parts of other content (their ETags match them, but not the object id).
    let (href, chunk, parts) = new_other().await;
    let etags = put_parts(&hub, &parts, chunk, &content(9000, 9)).await;
    expect_400(
        complete(&hub, &href, &other_oid, &etags).await,
        "does not match the object id",
    )
    .await;
    // Malformed listings.
    let (href, chunk, parts) = new_other().await;
    let etags = put_parts(&hub, &parts, chunk, &other).await;
    expect_400(
        complete(&hub, &href, &other_oid, &etags[..2]).await,
        "Part 3 is missing",
    )
    .await;
    expect_400(complete(&hub, &href, &oid, &etags).await, "\"oid\"").await;
    let doubled = [etags.clone(), vec![etags[0].clone()]].concat();
    expect_400(
        complete(&hub, &href, &other_oid, &doubled).await,
        "Unknown part number 4",
    )
    .await;

    assert!(!blob_path(dir.path(), &other_oid).exists());
    assert_eq!(
        verify(&hub, "alice/b", &other_oid, other_size).await,
        StatusCode::NOT_FOUND
    );
    let r = commit_lfs(&hub, "alice/b", "x.bin", &other_oid, other_size).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // The upload with malformed listings is still staged (the client may complete it properly):
    // its assembled data and one ETag file per part.
    assert_eq!(leftovers(dir.path()), 4);
    assert_eq!(
        complete(&hub, &href, &other_oid, &etags).await.status(),
        StatusCode::OK
    );
    assert_eq!(leftovers(dir.path()), 0);
}

#[tokio::test]
async fn part_and_completion_urls_are_signed() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path()).await;
    let data = content(9000, 4);
    let (oid, size) = (sha256_hex(&data), data.len() as u64);
    let v = upload_batch(&hub, "alice/a", &[(&oid, size)]).await;
    let (href, chunk, parts) = multipart_action(&v["objects"][0]);
    let first = data[..chunk as usize].to_vec();

    let forbidden = |r: Response| async move {
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(header(&r, "x-error-code"), Some("SignatureDenied"));
        body_json(r).await["error"].as_str().unwrap().to_string()
    };
    // Forged: signature, part number, chunk size, repository, object; the completion URL as a part.
    let forged = [
        parts[0].replace("signature=", "signature=0"),
        parts[1].replacen("/2?", "/1?", 1),
        parts[0].replace(&format!("chunk={chunk}"), "chunk=8192"),
        parts[0].replace("repo=", "repo=9"),
        parts[0].replace(&oid, &"a".repeat(64)),
        href.replacen('?', "/1?", 1),
    ];
    for url in forged {
        let message = forbidden(put(&hub, &url, first.clone()).await).await;
        assert_eq!(message, "The request signature does not match", "{url}");
    }
    let unsigned = parts[0].split('?').next().unwrap().to_string();
    forbidden(put(&hub, &unsigned, first.clone()).await).await;
    // A part URL does not complete, and a forged completion is refused.
    let r = hub.client.post(&parts[0]).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = complete(&hub, &href.replace("signature=", "signature=f"), &oid, &[]).await;
    forbidden(r).await;

    // Expired (signed with the data directory's key, a second in the past).
    let query = |url: &str, key: &str| {
        url.split(['?', '&'])
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .unwrap()
            .to_string()
    };
    let upload_id = parts[0].split('/').rev().nth(1).unwrap().to_string();
    let (repo, past) = (
        query(&parts[0], "repo"),
        hfh_server::signing::now_secs() - 1,
    );
    let signer = Signer::open(dir.path()).unwrap();
    let fields = [
        repo.as_str(),
        &oid,
        &size.to_string(),
        &chunk.to_string(),
        &upload_id,
        "1",
    ];
    let sig = signer.sign_fields(Purpose::UploadPart, &fields, past);
    let expired = format!(
        "{}/lfs-objects/multipart/{oid}/{upload_id}/1?repo={repo}&size={size}&chunk={chunk}&expires={past}&signature={sig}",
        hub.url
    );
    assert_eq!(
        forbidden(put(&hub, &expired, first.clone()).await).await,
        "Request has expired"
    );
    // The same fields signed for the future work (the check above was about time only).
    let sig = signer.sign_fields(Purpose::UploadPart, &fields, past + 60);
    let fresh = expired
        .replace(
            &format!("expires={past}"),
            &format!("expires={}", past + 60),
        )
        .replace(&query(&expired, "signature"), &sig);
    assert_eq!(
        put(&hub, &fresh, first.clone()).await.status(),
        StatusCode::OK
    );
    assert!(!blob_path(dir.path(), &oid).exists());
}

#[tokio::test]
async fn lfs_objects_belong_to_the_repository_they_were_uploaded_to() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path()).await;
    let data = content(3000, 5);
    let (oid, size) = (sha256_hex(&data), data.len() as u64);

    // Uploaded (basic) and committed in alice/a.
    let v = upload_batch(&hub, "alice/a", &[(&oid, size)]).await;
    let href = v["objects"][0]["actions"]["upload"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        put(&hub, &href, data.clone()).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        commit_lfs(&hub, "alice/a", "w.bin", &oid, size)
            .await
            .status(),
        StatusCode::OK
    );

    // alice/b does not see it: upload actions, download error, commit and verify refused.
    let v = upload_batch(&hub, "alice/b", &[(&oid, size)]).await;
    let href_b = v["objects"][0]["actions"]["upload"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let v = batch(
        &hub,
        "alice/b",
        "download",
        json!(["basic"]),
        &[(&oid, size)],
    )
    .await;
    assert_eq!(v["objects"][0]["error"]["code"], 404);
    let r = commit_lfs(&hub, "alice/b", "w.bin", &oid, size).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        verify(&hub, "alice/b", &oid, size).await,
        StatusCode::NOT_FOUND
    );
    // alice/a's URL cannot be used for b, and b's URL wants the real bytes even though the
    // blob store has them.
    assert_eq!(
        put(&hub, &href.replace("repo=", "repo=1"), data.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let mut wrong = data.clone();
    wrong[0] ^= 1;
    assert_eq!(
        put(&hub, &href_b, wrong).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        commit_lfs(&hub, "alice/b", "w.bin", &oid, size)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    // With the bytes sent, b holds it too.
    assert_eq!(
        put(&hub, &href_b, data.clone()).await.status(),
        StatusCode::OK
    );
    assert_eq!(verify(&hub, "alice/b", &oid, size).await, StatusCode::OK);
    assert_eq!(
        commit_lfs(&hub, "alice/b", "w.bin", &oid, size)
            .await
            .status(),
        StatusCode::OK
    );
    let v = batch(
        &hub,
        "alice/b",
        "download",
        json!(["basic"]),
        &[(&oid, size)],
    )
    .await;
    assert!(v["objects"][0]["actions"]["download"]["href"].is_string());

    // A new repository with the same name as a deleted one starts empty.
    let r = hub
        .req(
            reqwest::Method::DELETE,
            "/api/repos/delete",
            Some(ALICE),
            Some(
                json!({"name": "b", "type": "model"})
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        hub.create(ALICE, json!({"name": "b", "type": "model"}))
            .await
            .status(),
        StatusCode::OK
    );
    let v = upload_batch(&hub, "alice/b", &[(&oid, size)]).await;
    assert!(v["objects"][0]["actions"]["upload"]["href"].is_string());
    // A URL handed out for the deleted repository is refused, although the new repository
    // took over its row id.
    let r = put(&hub, &href_b, data.clone()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    assert_eq!(
        verify(&hub, "alice/b", &oid, size).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn objects_committed_before_scoping_stay_usable() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path()).await;
    let data = content(3000, 6);
    let (oid, size) = (sha256_hex(&data), data.len() as u64);
    let v = upload_batch(&hub, "alice/a", &[(&oid, size)]).await;
    let href = v["objects"][0]["actions"]["upload"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        put(&hub, &href, data.clone()).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        commit_lfs(&hub, "alice/a", "dir/w.bin", &oid, size)
            .await
            .status(),
        StatusCode::OK
    );
    hub.server.stop().await.unwrap();

    // Forget the association, as in a data directory written before it existed.
    let conn = rusqlite::Connection::open(dir.path().join("hub.sqlite")).unwrap();
    assert_eq!(conn.execute("DELETE FROM lfs_objects", []).unwrap(), 1);
    drop(conn);

    let mut cfg = config(dir.path());
    cfg.multipart_threshold = THRESHOLD;
    let hub = Hub::with_config(cfg).await;
    // Still held by alice/a, through its commits; still not by alice/b.
    let v = upload_batch(&hub, "alice/a", &[(&oid, size)]).await;
    assert!(v["objects"][0].get("actions").is_none(), "{v}");
    assert_eq!(
        commit_lfs(&hub, "alice/a", "copy.bin", &oid, size)
            .await
            .status(),
        StatusCode::OK
    );
    let v = upload_batch(&hub, "alice/b", &[(&oid, size)]).await;
    assert!(v["objects"][0]["actions"]["upload"].is_object());
}
