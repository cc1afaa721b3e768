//! Repository administration over real HTTP: move (with redirects from the old name),
//! settings, auth-check, super-squash and duplication.

mod common;

use common::{add, body_json, header, is_hex40, Hub, ALICE, BOB_READ, CAROL};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

async fn create(hub: &Hub, token: &str, body: Value) {
    let r = hub.create(token, body).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
}

async fn send(hub: &Hub, method: Method, path: &str, token: Option<&str>, body: Value) -> Response {
    hub.req(method, path, token, Some(body.to_string().into_bytes()))
        .await
}

async fn move_repo(hub: &Hub, token: Option<&str>, from: &str, to: &str, kind: &str) -> Response {
    send(
        hub,
        Method::POST,
        "/api/repos/move",
        token,
        json!({"fromRepo": from, "toRepo": to, "type": kind}),
    )
    .await
}

/// A client that does not follow redirects, to look at them.
fn raw_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn raw(hub: &Hub, method: Method, path: &str, token: Option<&str>) -> Response {
    let mut rb = raw_client().request(method, format!("{}{path}", hub.url));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    rb.send().await.unwrap()
}

fn error_code(r: &Response) -> Option<&str> {
    header(r, "x-error-code")
}

#[tokio::test]
async fn move_redirects_old_names_until_reused() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create(&hub, ALICE, json!({"name": "old"})).await;
    let r = hub
        .commit("alice/old", ALICE, None, &[add("dir/file.txt", b"hello")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let r = move_repo(&hub, Some(ALICE), "alice/old", "alice/new", "model").await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);

    // API routes and resolve under the old name: 307 with a relative Location, query kept.
    let r = raw(&hub, Method::GET, "/api/models/alice/old?expand=sha", None).await;
    assert_eq!(r.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        header(&r, "location"),
        Some("/api/models/alice/new?expand=sha")
    );
    let r = raw(
        &hub,
        Method::GET,
        "/api/models/alice/old/tree/main/dir?recursive=true",
        None,
    )
    .await;
    assert_eq!(
        header(&r, "location"),
        Some("/api/models/alice/new/tree/main/dir?recursive=true")
    );
    let r = raw(
        &hub,
        Method::HEAD,
        "/alice/old/resolve/main/dir/file.txt",
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        header(&r, "location"),
        Some("/alice/new/resolve/main/dir/file.txt")
    );
    let r = raw(
        &hub,
        Method::GET,
        "/api/models/alice/old/auth-check",
        Some(CAROL),
    )
    .await;
    assert_eq!(
        header(&r, "location"),
        Some("/api/models/alice/new/auth-check")
    );
    // Followed, they land on the repository under its new name.
    let info = body_json(hub.get("/api/models/alice/old", None).await).await;
    assert_eq!(info["id"], "alice/new");
    let r = hub.get("/alice/old/resolve/main/dir/file.txt", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"hello");
    // Commits through the old name land too (307 keeps method and body).
    let r = hub
        .commit("alice/old", ALICE, None, &[add("b.txt", b"b")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let files = body_json(hub.get("/api/models/alice/new/tree/main", None).await).await;
    assert!(files
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "b.txt"));

    // Moving on again: the first name follows to the latest one.
    let r = move_repo(&hub, Some(ALICE), "alice/new", "acme/newest", "model").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = raw(&hub, Method::GET, "/api/models/alice/old", None).await;
    assert_eq!(header(&r, "location"), Some("/api/models/acme/newest"));

    // A repository created under an old name takes precedence over the redirect.
    create(&hub, ALICE, json!({"name": "old"})).await;
    let r = raw(&hub, Method::GET, "/api/models/alice/old", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body_json(r).await["id"], "alice/old");
    let r = raw(&hub, Method::GET, "/api/models/alice/new", None).await;
    assert_eq!(header(&r, "location"), Some("/api/models/acme/newest"));

    // Unknown names are still plain RepoNotFound; redirects are per repo type.
    let r = raw(&hub, Method::GET, "/api/datasets/alice/new", Some(ALICE)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), Some("RepoNotFound"));
}

#[tokio::test]
async fn move_errors_and_private_redirects() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create(&hub, ALICE, json!({"name": "a"})).await;
    create(&hub, ALICE, json!({"name": "b"})).await;
    create(
        &hub,
        ALICE,
        json!({"name": "d", "type": "dataset", "private": true}),
    )
    .await;

    let r = move_repo(&hub, Some(ALICE), "alice/a", "alice/b", "model").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let msg = body_json(r).await["error"].as_str().unwrap().to_string();
    assert_eq!(msg, "A model repository called alice/b already exists");
    let r = move_repo(&hub, Some(CAROL), "alice/a", "carol/a", "model").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = move_repo(&hub, Some(ALICE), "alice/a", "carol/a", "model").await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "no rights on the target namespace"
    );
    let r = move_repo(&hub, Some(ALICE), "alice/missing", "alice/c", "model").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), Some("RepoNotFound"));
    let r = move_repo(&hub, Some(CAROL), "alice/d", "carol/d", "dataset").await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "private repos stay invisible"
    );
    let r = move_repo(&hub, None, "alice/a", "alice/c", "model").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = move_repo(&hub, Some(BOB_READ), "acme/x", "acme/y", "model").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = move_repo(&hub, Some(ALICE), "a", "alice/c", "model").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = move_repo(&hub, Some(ALICE), "alice/a", "alice/c", "bucket").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Nothing moved so far.
    assert_eq!(
        hub.get("/api/models/alice/a", None).await.status(),
        StatusCode::OK
    );

    // A private dataset moved into an org: outsiders get RepoNotFound, not a redirect.
    let r = move_repo(&hub, Some(ALICE), "alice/d", "acme/d", "dataset").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = raw(&hub, Method::GET, "/api/datasets/alice/d", Some(CAROL)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), Some("RepoNotFound"));
    let r = raw(
        &hub,
        Method::GET,
        "/datasets/alice/d/resolve/main/.gitattributes",
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = raw(
        &hub,
        Method::GET,
        "/datasets/alice/d/resolve/main/.gitattributes",
        Some(BOB_READ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        header(&r, "location"),
        Some("/datasets/acme/d/resolve/main/.gitattributes")
    );
}

#[tokio::test]
async fn settings_and_auth_check() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create(&hub, ALICE, json!({"name": "m"})).await;
    create(&hub, ALICE, json!({"name": "team", "organization": "acme"})).await;
    let settings = |body: Value, token: &'static str| {
        let hub = &hub;
        async move {
            send(
                hub,
                Method::PUT,
                "/api/models/alice/m/settings",
                Some(token),
                body,
            )
            .await
        }
    };
    let auth_check = |path: &'static str, token: Option<&'static str>| {
        let hub = &hub;
        async move { hub.get(path, token).await }
    };

    assert_eq!(
        auth_check("/api/models/alice/m/auth-check", None)
            .await
            .status(),
        StatusCode::OK
    );
    let r = auth_check("/api/models/alice/nope/auth-check", None).await;
    assert_eq!(
        (r.status(), error_code(&r)),
        (StatusCode::UNAUTHORIZED, Some("RepoNotFound"))
    );
    let r = auth_check("/api/models/alice/nope/auth-check", Some(CAROL)).await;
    assert_eq!(
        (r.status(), error_code(&r)),
        (StatusCode::NOT_FOUND, Some("RepoNotFound"))
    );

    // private: visibility or the older private flag
    let r = settings(json!({"visibility": "private"}), ALICE).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body_json(r).await, json!({"private": true, "gated": false}));
    assert_eq!(
        body_json(hub.get("/api/models/alice/m", Some(ALICE)).await).await["private"],
        true
    );
    let r = auth_check("/api/models/alice/m/auth-check", Some(CAROL)).await;
    assert_eq!(
        (r.status(), error_code(&r)),
        (StatusCode::NOT_FOUND, Some("RepoNotFound"))
    );
    assert_eq!(
        auth_check("/api/models/alice/m/auth-check", Some(ALICE))
            .await
            .status(),
        StatusCode::OK
    );
    let r = settings(json!({"private": false}), ALICE).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        body_json(hub.get("/api/models/alice/m", None).await).await["private"],
        false
    );

    // gated
    for (value, shown) in [
        (json!("auto"), json!("auto")),
        (json!("manual"), json!("manual")),
    ] {
        let r = settings(json!({"gated": value}), ALICE).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            body_json(hub.get("/api/models/alice/m", None).await).await["gated"],
            shown
        );
    }
    assert_eq!(
        auth_check("/api/models/alice/m/auth-check", Some(ALICE))
            .await
            .status(),
        StatusCode::OK
    );
    let r = auth_check("/api/models/alice/m/auth-check", Some(CAROL)).await;
    assert_eq!(
        (r.status(), error_code(&r)),
        (StatusCode::FORBIDDEN, Some("GatedRepo"))
    );
    assert!(header(&r, "x-error-message").unwrap().starts_with(
        "Access to model alice/m is restricted and you are not in the authorized list."
    ));
    let r = auth_check("/api/models/alice/m/auth-check", None).await;
    assert_eq!(
        (r.status(), error_code(&r)),
        (StatusCode::UNAUTHORIZED, Some("GatedRepo"))
    );
    // info stays readable; listings can filter on it
    assert_eq!(
        hub.get("/api/models/alice/m", Some(CAROL)).await.status(),
        StatusCode::OK
    );
    let gated = body_json(hub.get("/api/models?gated=true", None).await).await;
    assert_eq!(gated.as_array().unwrap().len(), 1);
    let r = settings(json!({"gated": false}), ALICE).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        body_json(hub.get("/api/models/alice/m", None).await).await["gated"],
        false
    );
    assert_eq!(
        auth_check("/api/models/alice/m/auth-check", Some(CAROL))
            .await
            .status(),
        StatusCode::OK
    );

    // write access
    assert_eq!(
        auth_check("/api/models/alice/m/auth-check/write", Some(ALICE))
            .await
            .status(),
        StatusCode::OK
    );
    let r = auth_check("/api/models/alice/m/auth-check/write", Some(CAROL)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = auth_check("/api/models/acme/team/auth-check/write", Some(BOB_READ)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "read token");
    assert_eq!(
        auth_check("/api/models/acme/team/auth-check", Some(BOB_READ))
            .await
            .status(),
        StatusCode::OK
    );

    // bad settings and missing rights
    for bad in [
        json!({"gated": "yes"}),
        json!({"gated": true}),
        json!({}),
        json!({"visibility": "hidden"}),
    ] {
        let r = settings(bad.clone(), ALICE).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(
        settings(json!({"private": true}), CAROL).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = send(
        &hub,
        Method::PUT,
        "/api/models/acme/team/settings",
        Some(BOB_READ),
        json!({"private": true}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        body_json(hub.get("/api/models/alice/m", None).await).await["private"],
        false
    );
}

async fn commits_of(hub: &Hub, repo: &str, rev: &str) -> Vec<Value> {
    let r = hub
        .get(&format!("/api/models/{repo}/commits/{rev}"), Some(ALICE))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    body_json(r).await.as_array().unwrap().clone()
}

async fn tree_of(hub: &Hub, repo: &str, rev: &str) -> Value {
    let r = hub
        .get(
            &format!("/api/models/{repo}/tree/{rev}?recursive=true"),
            Some(ALICE),
        )
        .await;
    body_json(r).await
}

#[tokio::test]
async fn super_squash_keeps_the_tree_and_drops_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create(&hub, ALICE, json!({"name": "sq"})).await;
    for i in 0..3 {
        let r = hub
            .commit("alice/sq", ALICE, None, &[add(&format!("f{i}.txt"), b"x")])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = hub
        .req(
            Method::POST,
            "/api/models/alice/sq/branch/dev",
            Some(ALICE),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let before = tree_of(&hub, "alice/sq", "main").await;
    assert_eq!(commits_of(&hub, "alice/sq", "main").await.len(), 4);

    let r = send(
        &hub,
        Method::POST,
        "/api/models/alice/sq/super-squash/main",
        Some(ALICE),
        json!({"message": "Squashed!\n\nAll of it."}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let commit_id = body_json(r).await["commitId"].as_str().unwrap().to_string();
    assert!(is_hex40(&commit_id));
    let history = commits_of(&hub, "alice/sq", "main").await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["id"], commit_id.as_str());
    assert_eq!(history[0]["title"], "Squashed!");
    assert_eq!(history[0]["message"], "All of it.");
    assert_eq!(tree_of(&hub, "alice/sq", "main").await, before);
    assert_eq!(hub.sha("alice/sq", None).await, commit_id);
    // other branches keep their history; commits on top of the squash work
    assert_eq!(commits_of(&hub, "alice/sq", "dev").await.len(), 4);
    let r = hub
        .commit("alice/sq", ALICE, Some(&commit_id), &[add("g.txt", b"g")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(commits_of(&hub, "alice/sq", "main").await.len(), 2);

    // branch names are percent-encoded; tags and unknown branches are not squashable
    let r = hub
        .req(
            Method::POST,
            "/api/models/alice/sq/tag/main",
            Some(ALICE),
            Some(json!({"tag": "v1"}).to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for rev in ["v1", "nope", "refs%2Ftags%2Fv1"] {
        let r = send(
            &hub,
            Method::POST,
            &format!("/api/models/alice/sq/super-squash/{rev}"),
            Some(ALICE),
            json!({}),
        )
        .await;
        assert_eq!(
            (r.status(), error_code(&r)),
            (StatusCode::NOT_FOUND, Some("RevisionNotFound")),
            "{rev}"
        );
    }
    let r = send(
        &hub,
        Method::POST,
        "/api/models/alice/sq/super-squash/refs%2Fheads%2Fdev",
        Some(ALICE),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let dev = commits_of(&hub, "alice/sq", "dev").await;
    assert_eq!(dev.len(), 1);
    assert_eq!(dev[0]["title"], "Super-squash branch 'refs/heads/dev'");
    let r = send(
        &hub,
        Method::POST,
        "/api/models/alice/sq/super-squash/main",
        Some(CAROL),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &hub,
        Method::POST,
        "/api/models/alice/sq/super-squash/main",
        Some(ALICE),
        json!({"message": 3}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn duplicate_copies_refs_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create(&hub, ALICE, json!({"name": "src"})).await;
    let r = hub
        .commit("alice/src", ALICE, None, &[add("a.txt", b"a")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .req(
            Method::POST,
            "/api/models/alice/src/tag/main",
            Some(ALICE),
            Some(json!({"tag": "v1"}).to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    create(&hub, ALICE, json!({"name": "hidden", "private": true})).await;

    let dup = |from: &'static str, token: &'static str, body: Value| {
        let hub = &hub;
        async move {
            send(
                hub,
                Method::POST,
                &format!("/api/models/{from}/duplicate"),
                Some(token),
                body,
            )
            .await
        }
    };
    let r = dup("alice/src", CAROL, json!({"repository": "carol/copy"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        body_json(r).await,
        json!({"url": format!("{}/carol/copy", hub.url)})
    );
    let src_commits = commits_of(&hub, "alice/src", "main").await;
    assert_eq!(commits_of(&hub, "carol/copy", "main").await, src_commits);
    assert_eq!(
        tree_of(&hub, "carol/copy", "v1").await,
        tree_of(&hub, "alice/src", "v1").await
    );
    let info = body_json(hub.get("/api/models/carol/copy", None).await).await;
    assert_eq!(
        (info["private"].clone(), info["author"].clone()),
        (json!(false), json!("carol"))
    );
    let refs = body_json(hub.get("/api/models/carol/copy/refs", None).await).await;
    assert_eq!(refs["tags"][0]["name"], "v1");
    // The copy is independent of its source.
    let r = hub
        .commit("carol/copy", CAROL, None, &[add("c.txt", b"c")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(commits_of(&hub, "alice/src", "main").await, src_commits);

    let r = dup("alice/src", CAROL, json!({"repository": "carol/copy"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(body_json(r).await["url"], format!("{}/carol/copy", hub.url));
    let r = dup("alice/src", CAROL, json!({"repository": "alice/copy"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = dup("alice/hidden", CAROL, json!({"repository": "carol/h"})).await;
    assert_eq!(
        (r.status(), error_code(&r)),
        (StatusCode::NOT_FOUND, Some("RepoNotFound"))
    );
    // a private source gives a private copy unless asked otherwise
    let r = dup("alice/hidden", ALICE, json!({"repository": "acme/h"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        body_json(hub.get("/api/models/acme/h", Some(ALICE)).await).await["private"],
        true
    );
    let r = dup(
        "alice/hidden",
        ALICE,
        json!({"repository": "alice/h2", "visibility": "public"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        body_json(hub.get("/api/models/alice/h2", None).await).await["private"],
        false
    );
    let r = dup("alice/src", CAROL, json!({"repository": "no-namespace"})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
