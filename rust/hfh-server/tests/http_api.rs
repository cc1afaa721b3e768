//! End-to-end tests over real HTTP on 127.0.0.1:0: accounts, repositories, visibility, persistence.

mod common;

use common::*;
use hfh_server::Config;
use reqwest::{Client, Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn start_stop_and_request_ids() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    assert!(hub.url.starts_with("http://127.0.0.1:"));
    assert_ne!(hub.server.addr.port(), 0);
    let r = hub.get("/api/whoami-v2", None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&r, "x-request-id").is_some_and(|v| !v.is_empty()));
    let r = hub.get("/no/such/route/at/all", None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(header(&r, "x-request-id").is_some());
    let addr = hub.server.addr;
    hub.server.stop().await.unwrap();
    assert!(Client::new()
        .get(format!("http://{addr}/api/whoami-v2"))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn whoami_reports_user_orgs_and_token_role() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    let me = body_json(hub.get("/api/whoami-v2", Some(ALICE)).await).await;
    assert_eq!(me["name"], "alice");
    assert_eq!(me["type"], "user");
    assert_eq!(me["orgs"][0]["name"], "acme");
    assert_eq!(me["auth"]["accessToken"]["role"], "write");
    let bob = body_json(hub.get("/api/whoami-v2", Some(BOB_READ)).await).await;
    assert_eq!(bob["auth"]["accessToken"]["role"], "read");
    let r = hub.get("/api/whoami-v2", Some("hf_not_a_token")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&r, "x-error-message"),
        Some("Invalid credentials in Authorization header")
    );
    assert_eq!(
        body_json(r).await["error"],
        "Invalid credentials in Authorization header"
    );
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn create_conflict_delete_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    let r = hub
        .create(
            ALICE,
            json!({"name": "m1", "organization": null, "private": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    assert_eq!(v["url"], format!("{}/alice/m1", hub.url));
    assert_eq!(v["name"], "alice/m1");
    let r = hub
        .create(ALICE, json!({"name": "m1", "organization": "alice"}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v = body_json(r).await;
    assert_eq!(v["url"], format!("{}/alice/m1", hub.url));
    assert!(v["error"].as_str().unwrap().contains("already created"));
    // org namespace, dataset type, visibility field
    let r = hub
        .create(ALICE, json!({"name": "d1", "organization": "acme", "type": "dataset", "visibility": "private"}))
        .await;
    assert_eq!(
        body_json(r).await["url"],
        format!("{}/datasets/acme/d1", hub.url)
    );
    // someone else's namespace, read token, anonymous, invalid name, malformed JSON
    let r = hub
        .create(ALICE, json!({"name": "x", "organization": "carol"}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub.create(BOB_READ, json!({"name": "x"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(header(&r, "x-error-message")
        .unwrap()
        .contains("read access"));
    let r = hub
        .req(
            Method::POST,
            "/api/repos/create",
            None,
            Some(b"{\"name\":\"x\"}".to_vec()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = hub.create(ALICE, json!({"name": "bad..name"})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub
        .req(
            Method::POST,
            "/api/repos/create",
            Some(ALICE),
            Some(b"{not json".to_vec()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // delete
    let del = |token: &'static str| {
        hub.req(
            Method::DELETE,
            "/api/repos/delete",
            Some(token),
            Some(br#"{"name":"m1","organization":"alice"}"#.to_vec()),
        )
    };
    assert_eq!(del(CAROL).await.status(), StatusCode::FORBIDDEN);
    let r = del(ALICE).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "OK");
    let r = hub.get("/api/models/alice/m1", Some(ALICE)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    assert_eq!(del(ALICE).await.status(), StatusCode::NOT_FOUND);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn repo_info_fields_revisions_and_expand() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "info"})).await;
    let v = body_json(hub.get("/api/models/alice/info", None).await).await;
    assert_eq!(v["id"], "alice/info");
    assert_eq!(v["author"], "alice");
    assert_eq!(v["private"], false);
    assert_eq!(v["gated"], false);
    assert_eq!(v["disabled"], false);
    assert!(is_hex40(v["sha"].as_str().unwrap()));
    assert_eq!(v["siblings"], json!([{"rfilename": ".gitattributes"}]));
    assert!(v["lastModified"].as_str().unwrap().ends_with('Z'));
    assert!(v["createdAt"].as_str().is_some());
    let sha = v["sha"].as_str().unwrap().to_string();
    for rev in ["main", &sha, &sha[..7], "refs%2Fheads%2Fmain"] {
        let r = body_json(
            hub.get(&format!("/api/models/alice/info/revision/{rev}"), None)
                .await,
        )
        .await;
        assert_eq!(r["sha"], sha.as_str(), "{rev}");
    }
    let r = hub.get("/api/models/alice/info/revision/nope", None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "x-error-code"), Some("RevisionNotFound"));
    let r = hub.get("/api/models/alice/info?blobs=true", None).await;
    let s = &body_json(r).await["siblings"][0];
    assert!(s["size"].as_u64().unwrap() > 0 && is_hex40(s["blobId"].as_str().unwrap()));
    let r = body_json(
        hub.get("/api/models/alice/info?expand=sha&expand=private", None)
            .await,
    )
    .await;
    let mut keys: Vec<_> = r.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, vec!["_id", "id", "private", "sha"]);
    // unknown repo: 401 anonymous, 404 authenticated, both RepoNotFound
    let r = hub.get("/api/models/alice/nope", None).await;
    assert_eq!(
        (r.status(), header(&r, "x-error-code")),
        (StatusCode::UNAUTHORIZED, Some("RepoNotFound"))
    );
    let r = hub.get("/api/models/alice/nope", Some(CAROL)).await;
    assert_eq!(
        (r.status(), header(&r, "x-error-code")),
        (StatusCode::NOT_FOUND, Some("RepoNotFound"))
    );
    // wrong type
    let r = hub.get("/api/datasets/alice/info", Some(ALICE)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn private_repos_are_invisible_to_outsiders() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "secret", "private": true}))
        .await;
    hub.commit("alice/secret", ALICE, None, &[add("s.txt", b"s")])
        .await;
    hub.create(
        ALICE,
        json!({"name": "orgsecret", "organization": "acme", "private": true}),
    )
    .await;
    for path in [
        "/api/models/alice/secret",
        "/api/models/alice/secret/tree/main",
        "/alice/secret/resolve/main/s.txt",
    ] {
        let r = hub.get(path, Some(CAROL)).await;
        assert_eq!(
            (r.status(), header(&r, "x-error-code")),
            (StatusCode::NOT_FOUND, Some("RepoNotFound")),
            "{path}"
        );
        let r = hub.get(path, None).await;
        assert_eq!(
            (r.status(), header(&r, "x-error-code")),
            (StatusCode::UNAUTHORIZED, Some("RepoNotFound")),
            "{path}"
        );
        assert_eq!(
            hub.get(path, Some(ALICE)).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    assert_eq!(
        body_json(hub.get("/api/models/alice/secret", Some(ALICE)).await).await["private"],
        true
    );
    // org members see the org's private repos (even with a read token); others do not
    assert_eq!(
        hub.get("/api/models/acme/orgsecret", Some(BOB_READ))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        hub.get("/api/models/acme/orgsecret", Some(CAROL))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // an outsider cannot commit to or delete a private repo, and learns nothing (404)
    let r = hub
        .commit("alice/secret", CAROL, None, &[add("x", b"x")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn read_tokens_and_outsiders_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "w", "organization": "acme"}))
        .await;
    let before = hub.sha("acme/w", None).await;
    // bob is an acme member but his token is read-only
    let r = hub
        .commit("acme/w", BOB_READ, None, &[add("x.txt", b"x")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(body_json(r).await["error"]
        .as_str()
        .unwrap()
        .contains("read access"));
    // carol has a write token but is not a member
    let r = hub
        .commit("acme/w", CAROL, None, &[add("x.txt", b"x")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub
        .commit("acme/w", "hf_bogus", None, &[add("x.txt", b"x")])
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = hub
        .req(
            Method::POST,
            "/api/models/acme/w/commit/main",
            None,
            Some(b"{}".to_vec()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(hub.sha("acme/w", None).await, before);
    // alice (member, write token) can
    assert_eq!(
        hub.commit("acme/w", ALICE, None, &[add("x.txt", b"x")])
            .await
            .status(),
        StatusCode::OK
    );
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn restart_over_the_same_data_dir_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "keep", "private": true}))
        .await;
    let r = hub
        .commit("alice/keep", ALICE, None, &[add("k/v.txt", b"persisted")])
        .await;
    let oid = body_json(r).await["commitOid"]
        .as_str()
        .unwrap()
        .to_string();
    hub.server.stop().await.unwrap();

    // restart with the same accounts (idempotent provisioning) and a different port
    let hub = Hub::new(dir.path()).await;
    assert_eq!(hub.sha("alice/keep", Some(ALICE)).await, oid);
    let r = hub
        .get("/alice/keep/resolve/main/k/v.txt", Some(ALICE))
        .await;
    assert_eq!(header(&r, "x-repo-commit"), Some(oid.as_str()));
    assert_eq!(r.text().await.unwrap(), "persisted");
    assert_eq!(
        hub.get("/api/models/alice/keep", Some(CAROL))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let me = body_json(hub.get("/api/whoami-v2", Some(ALICE)).await).await;
    assert_eq!(me["orgs"].as_array().unwrap().len(), 1);
    let r = hub.create(ALICE, json!({"name": "keep"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    hub.server.stop().await.unwrap();

    // restart without any --user: tokens live in the database
    let hub = Hub::with_config(Config::new(dir.path())).await;
    assert_eq!(hub.sha("alice/keep", Some(ALICE)).await, oid);
    hub.server.stop().await.unwrap();
}
