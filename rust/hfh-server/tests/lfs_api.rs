//! The LFS batch API, pre-signed upload/download URLs, and the 302 from `resolve` for LFS files.

mod common;

use common::*;
use hfh_server::signing::{Purpose, Signer};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// How many rows of the server's `small_blobs` table hold blob `oid` (0 or 1).
fn small_blob_rows(dir: &std::path::Path, oid: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("hub.sqlite")).unwrap();
    conn.query_row(
        "SELECT count(*) FROM small_blobs WHERE sha256 = ?1",
        [oid],
        |r| r.get(0),
    )
    .unwrap()
}

fn no_redirect_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn batch(hub: &Hub, repo_path: &str, token: Option<&str>, body: Value) -> Response {
    let mut rb = hub
        .client
        .post(format!(
            "{}/{repo_path}.git/info/lfs/objects/batch",
            hub.url
        ))
        .header("accept", "application/vnd.git-lfs+json")
        .header("content-type", "application/vnd.git-lfs+json")
        .body(body.to_string());
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    rb.send().await.unwrap()
}

fn upload_request(objects: &[(&str, u64)]) -> Value {
    json!({
        "operation": "upload",
        "transfers": ["basic", "multipart"],
        "objects": objects.iter().map(|(oid, size)| json!({"oid": oid, "size": size})).collect::<Vec<_>>(),
        "hash_algo": "sha256",
        "ref": {"name": "main"},
    })
}

async fn create_repo(hub: &Hub, name: &str, private: bool) {
    let r = hub
        .create(
            ALICE,
            json!({"name": name, "type": "model", "private": private}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn upload_commit_and_download_through_signed_urls() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create_repo(&hub, "big", false).await;
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let oid = sha256_hex(&content);
    let size = content.len() as u64;

    // Batch: the new object gets upload + verify actions; a malformed one gets an error.
    let r = batch(
        &hub,
        "alice/big",
        Some(ALICE),
        upload_request(&[(&oid, size), ("not-a-sha", 3)]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, "content-type"),
        Some("application/vnd.git-lfs+json")
    );
    let v = body_json(r).await;
    assert_eq!(v["transfer"], "basic");
    let objects = v["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 2);
    assert_eq!(
        (objects[0]["oid"].as_str(), objects[0]["size"].as_u64()),
        (Some(oid.as_str()), Some(size))
    );
    let upload = &objects[0]["actions"]["upload"];
    let href = upload["href"].as_str().unwrap().to_string();
    assert!(href.starts_with(&hub.url), "{href}");
    assert!(
        upload.get("header").is_none(),
        "basic transfer: no chunk_size"
    );
    let verify = objects[0]["actions"]["verify"]["href"].as_str().unwrap();
    assert_eq!(
        verify,
        format!("{}/alice/big.git/info/lfs/objects/verify", hub.url)
    );
    assert_eq!(objects[1]["oid"], "not-a-sha");
    assert_eq!(objects[1]["error"]["code"], 422);

    // Verifying before the upload fails.
    let verify_body = json!({"oid": oid, "size": size}).to_string();
    let r = hub
        .client
        .post(verify)
        .bearer_auth(ALICE)
        .body(verify_body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The PUT carries no Authorization: the URL authorises it.
    let r = hub
        .client
        .put(&href)
        .body(content.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(dir
        .path()
        .join("blobs/sha256")
        .join(&oid[..2])
        .join(&oid[2..])
        .is_file());
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
    let r = hub
        .client
        .post(verify)
        .bearer_auth(ALICE)
        .body(verify_body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Stored now: the batch answers without actions, so clients skip the upload.
    let v = body_json(
        batch(
            &hub,
            "alice/big",
            Some(ALICE),
            upload_request(&[(&oid, size)]),
        )
        .await,
    )
    .await;
    assert!(v["objects"][0].get("actions").is_none(), "{v}");
    assert!(v["objects"][0].get("error").is_none(), "{v}");

    let r = hub
        .commit(
            "alice/big",
            ALICE,
            None,
            &[json!({"key": "lfsFile", "value": {
            "path": "weights.bin", "algo": "sha256", "oid": oid, "size": size}})],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let commit = body_json(r).await["commitOid"]
        .as_str()
        .unwrap()
        .to_string();

    // resolve answers 302 to a signed blob URL, with the metadata the client reads.
    let client = no_redirect_client();
    for method in [Method::HEAD, Method::GET] {
        let r = client
            .request(
                method.clone(),
                format!("{}/alice/big/resolve/main/weights.bin", hub.url),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "{method}");
        assert_eq!(header(&r, "x-repo-commit"), Some(commit.as_str()));
        assert_eq!(
            header(&r, "x-linked-etag"),
            Some(format!("\"{oid}\"").as_str())
        );
        assert_eq!(header(&r, "x-linked-size"), Some(size.to_string().as_str()));
        let location = header(&r, "location").unwrap();
        assert!(location.starts_with(&format!("{}/lfs-objects/download/{oid}?", hub.url)));
    }
    let r = client
        .head(format!("{}/alice/big/resolve/main/weights.bin", hub.url))
        .send()
        .await
        .unwrap();
    let location = header(&r, "location").unwrap().to_string();

    // The blob URL serves the content with ranges, whatever Authorization comes along.
    let r = hub
        .client
        .get(&location)
        .bearer_auth("hf_not_a_real_token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "etag"), Some(format!("\"{oid}\"").as_str()));
    assert_eq!(r.bytes().await.unwrap().as_ref(), content.as_slice());
    let r = hub
        .client
        .get(&location)
        .header("range", "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header(&r, "content-range"),
        Some(format!("bytes 1000-1999/{size}").as_str())
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), &content[1000..2000]);
    let r = hub.client.head(&location).send().await.unwrap();
    assert_eq!(
        header(&r, "content-length"),
        Some(size.to_string().as_str())
    );
    let r = hub
        .client
        .get(&location)
        .header("range", format!("bytes={size}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Following the redirect (what HTTP libraries do) gets the content too.
    let r = hub
        .get("/alice/big/resolve/main/weights.bin", Some(ALICE))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().len() as u64, size);

    // The batch download operation hands out the same kind of URL.
    let v = body_json(
        batch(
            &hub,
            "alice/big",
            None,
            json!({"operation": "download", "objects": [
            {"oid": oid, "size": size}, {"oid": "0".repeat(64), "size": 1}]}),
        )
        .await,
    )
    .await;
    let href = v["objects"][0]["actions"]["download"]["href"]
        .as_str()
        .unwrap();
    assert_eq!(
        hub.client
            .get(href)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len() as u64,
        size
    );
    assert_eq!(v["objects"][1]["error"]["code"], 404);
}

#[tokio::test]
async fn signed_urls_refuse_tampering_expiry_and_wrong_content() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create_repo(&hub, "m", false).await;
    let content = b"0123456789".repeat(1000);
    let oid = sha256_hex(&content);
    let size = content.len() as u64;
    let v = body_json(
        batch(
            &hub,
            "alice/m",
            Some(ALICE),
            upload_request(&[(&oid, size)]),
        )
        .await,
    )
    .await;
    let href = v["objects"][0]["actions"]["upload"]["href"]
        .as_str()
        .unwrap()
        .to_string();

    let put = |url: String, body: Vec<u8>| {
        let client = hub.client.clone();
        async move { client.put(url).body(body).send().await.unwrap() }
    };
    // Tampered signature, size or object id.
    let tampered = href.replace("signature=", "signature=0");
    let r = put(tampered, content.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let other_size = href.replace(&format!("size={size}"), &format!("size={}", size + 1));
    assert_eq!(
        put(other_size, content.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let other_oid = href.replace(&oid, &"a".repeat(64));
    assert_eq!(
        put(other_oid, content.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let unsigned = href.split('?').next().unwrap().to_string();
    assert_eq!(
        put(unsigned, content.clone()).await.status(),
        StatusCode::FORBIDDEN
    );

    // Expired (signed with the data directory's key, a second in the past).
    let signer = Signer::open(dir.path()).unwrap();
    let past = hfh_server::signing::now_secs() - 1;
    let repo_id = href
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("repo="))
        .unwrap()
        .to_string();
    // `repo` is `<row id>.<hub id>`, signed as it is.
    let fields = [repo_id.as_str(), oid.as_str(), &size.to_string()];
    let sig = signer.sign_fields(Purpose::Upload, &fields, past);
    let expired = format!(
        "{}/lfs-objects/upload/{oid}?repo={repo_id}&size={size}&expires={past}&signature={sig}",
        hub.url
    );
    let r = put(expired, content.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(body_json(r).await["error"], "Request has expired");
    // The same URL for another repository is refused: the repository is part of the signature.
    let sig = signer.sign_fields(Purpose::Upload, &fields, past + 3600);
    let other_repo = format!(
        "{}/lfs-objects/upload/{oid}?repo=999.{}&size={size}&expires={}&signature={sig}",
        hub.url,
        repo_id.split_once('.').unwrap().1,
        past + 3600
    );
    let r = put(other_repo, content.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        body_json(r).await["error"],
        "The request signature does not match"
    );

    // A download URL does not allow uploads.
    let sig = signer.sign(Purpose::Download, &oid, size, past + 3600);
    let wrong_purpose = format!(
        "{}/lfs-objects/upload/{oid}?repo={repo_id}&size={size}&expires={}&signature={sig}",
        hub.url,
        past + 3600
    );
    assert_eq!(
        put(wrong_purpose, content.clone()).await.status(),
        StatusCode::FORBIDDEN
    );

    // Wrong content, too short, too long: 400 and nothing stored.
    let mut wrong = content.clone();
    wrong[0] ^= 1;
    assert_eq!(
        put(href.clone(), wrong).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put(href.clone(), content[..10].to_vec()).await.status(),
        StatusCode::BAD_REQUEST
    );
    let mut long = content.clone();
    long.push(0);
    assert_eq!(
        put(href.clone(), long).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(!dir.path().join("blobs/sha256").join(&oid[..2]).exists());
    assert_eq!(small_blob_rows(dir.path(), &oid), 0);
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );

    // The right bytes still go through (a small object: into the database, not a file), and a
    // second upload of the same object is harmless.
    assert_eq!(
        put(href.clone(), content.clone()).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        put(href.clone(), content.clone()).await.status(),
        StatusCode::OK
    );
    assert_eq!(small_blob_rows(dir.path(), &oid), 1);
    assert!(!dir.path().join("blobs/sha256").join(&oid[..2]).exists());
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );

    // Download URLs: tampering is refused; an unknown object is 404.
    let sig = signer.sign(Purpose::Download, &oid, size, past + 3600);
    let good = format!(
        "{}/lfs-objects/download/{oid}?size={size}&expires={}&signature={sig}",
        hub.url,
        past + 3600
    );
    assert_eq!(
        hub.client.get(&good).send().await.unwrap().status(),
        StatusCode::OK
    );
    let bad = good.replace("signature=", "signature=f");
    assert_eq!(
        hub.client.get(&bad).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let missing = "b".repeat(64);
    let sig = signer.sign(Purpose::Download, &missing, 1, past + 3600);
    let url = format!(
        "{}/lfs-objects/download/{missing}?size=1&expires={}&signature={sig}",
        hub.url,
        past + 3600
    );
    assert_eq!(
        hub.client.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn batch_enforces_repository_access() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create_repo(&hub, "secret", true).await;
    create_repo(&hub, "open", false).await;
    let req = upload_request(&[(&"c".repeat(64), 5)]);

    // Anonymous on a private repo: RepoNotFound (401); another user: 404.
    let r = batch(&hub, "alice/secret", None, req.clone()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    let r = batch(&hub, "alice/secret", Some(CAROL), req.clone()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    // Uploading needs write access: carol cannot write to alice's repo, bob only has a read token.
    assert_eq!(
        batch(&hub, "alice/open", Some(CAROL), req.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        batch(&hub, "alice/open", None, req.clone()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = hub
        .create(ALICE, json!({"name": "acme/shared", "type": "dataset"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        batch(&hub, "datasets/acme/shared", Some(BOB_READ), req.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        batch(&hub, "datasets/acme/shared", Some(ALICE), req.clone())
            .await
            .status(),
        StatusCode::OK
    );
    // A missing repo, a bad token, a path without `.git`, a malformed body.
    let r = batch(&hub, "alice/nope", Some(ALICE), req.clone()).await;
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    assert_eq!(
        batch(&hub, "alice/open", Some("hf_bogus"), req.clone())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let r = hub
        .req(
            Method::POST,
            "/alice/open/info/lfs/objects/batch",
            Some(ALICE),
            Some(req.to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    for bad in [
        json!({"objects": []}),
        json!({"operation": "upload"}),
        json!({"operation": "delete", "objects": []}),
    ] {
        assert_eq!(
            batch(&hub, "alice/open", Some(ALICE), bad).await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    for transfers in [json!(["tus"]), json!([])] {
        let r = batch(
            &hub,
            "alice/open",
            Some(ALICE),
            json!({"operation": "upload", "objects": [], "transfers": transfers}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
    // Multipart alone is enough for uploads, not for downloads.
    let r = batch(
        &hub,
        "alice/open",
        Some(ALICE),
        json!({"operation": "upload", "objects": [], "transfers": ["multipart"]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = batch(
        &hub,
        "alice/open",
        Some(ALICE),
        json!({"operation": "download", "objects": [], "transfers": ["multipart"]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}
