//! Gated repositories over real HTTP: which routes refuse content (with `GatedRepo`), access
//! requests (ask, list, accept/reject/cancel, grant) and `auth-check`.

mod common;

use common::*;
use hfh_server::store::access::set_gated_in_data_dir;
use hfh_server::store::repos::RepoType;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

const REPO: &str = "/api/models/alice/g";

async fn post(hub: &Hub, path: &str, token: Option<&str>, body: Value) -> Response {
    hub.req(
        Method::POST,
        path,
        token,
        Some(body.to_string().into_bytes()),
    )
    .await
}

async fn gated_repo(hub: &Hub, dir: &std::path::Path, mode: &str) {
    assert_eq!(
        hub.create(ALICE, json!({"name": "g"})).await.status(),
        StatusCode::OK
    );
    let r = hub
        .commit("alice/g", ALICE, None, &[add("s.txt", b"secret")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    set_gated_in_data_dir(dir, RepoType::Model, "alice", "g", Some(mode)).unwrap();
}

async fn download(hub: &Hub, token: Option<&str>) -> Response {
    hub.get("/alice/g/resolve/main/s.txt", token).await
}

async fn paths_info(hub: &Hub, token: Option<&str>) -> Response {
    let mut rb = hub
        .client
        .post(format!("{}{REPO}/paths-info/main", hub.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("paths=s.txt");
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    rb.send().await.unwrap()
}

fn requests(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["user"]["user"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn gating_refuses_content_to_outsiders() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    gated_repo(&hub, dir.path(), "manual").await;

    let r = download(&hub, None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "x-error-code"), Some("GatedRepo"));
    assert_eq!(
        header(&r, "x-error-message"),
        Some("Access to model alice/g is restricted. You must have access to it and be authenticated to access it. Please log in.")
    );
    let r = download(&hub, Some(CAROL)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(header(&r, "x-error-code"), Some("GatedRepo"));
    let expected = format!(
        "Access to model alice/g is restricted and you are not in the authorized list. Visit {}/alice/g to ask for access.",
        hub.url
    );
    assert_eq!(header(&r, "x-error-message"), Some(expected.as_str()));
    let r = hub
        .req(
            Method::HEAD,
            "/alice/g/resolve/main/s.txt",
            Some(CAROL),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = paths_info(&hub, Some(CAROL)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(header(&r, "x-error-code"), Some("GatedRepo"));
    let r = post(
        &hub,
        "/alice/g.git/info/lfs/objects/batch",
        Some(CAROL),
        json!({"operation": "download", "objects": [{"oid": "a".repeat(64), "size": 1}]}),
    )
    .await;
    assert_eq!(header(&r, "x-error-code"), Some("GatedRepo"));
    let r = hub.get(&format!("{REPO}/auth-check"), Some(CAROL)).await;
    assert_eq!(header(&r, "x-error-code"), Some("GatedRepo"));
    // Contributions need access too.
    let r = post(
        &hub,
        &format!("{REPO}/discussions"),
        Some(CAROL),
        json!({"title": "let me in"}),
    )
    .await;
    assert_eq!(header(&r, "x-error-code"), Some("GatedRepo"));

    // Metadata stays visible: info (with `gated`), tree, refs.
    let info = body_json(hub.get(REPO, Some(CAROL)).await).await;
    assert_eq!(info["gated"], "manual");
    let r = hub.get(&format!("{REPO}/tree/main"), None).await;
    assert_eq!(r.status(), StatusCode::OK);

    // The owner and the owner's organisation members always pass.
    let r = download(&hub, Some(ALICE)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "secret");
    assert_eq!(
        hub.get(&format!("{REPO}/auth-check"), Some(ALICE))
            .await
            .status(),
        StatusCode::OK
    );
    hub.create(ALICE, json!({"name": "acme/g"})).await;
    set_gated_in_data_dir(dir.path(), RepoType::Model, "acme", "g", Some("auto")).unwrap();
    let r = hub
        .get("/acme/g/resolve/main/.gitattributes", Some(BOB_READ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Ungating restores plain public access.
    set_gated_in_data_dir(dir.path(), RepoType::Model, "alice", "g", None).unwrap();
    assert_eq!(download(&hub, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn manual_requests_are_reviewed_by_owners() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path()).with_user("dave:hf_dave_write").unwrap();
    let hub = Hub::with_config(cfg).await;
    gated_repo(&hub, dir.path(), "manual").await;

    // Asking: form fields are kept; the request waits.
    let r = hub
        .client
        .post(format!("{}{REPO}/ask-access", hub.url))
        .bearer_auth(CAROL)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("reason=research&affiliation=Lab+X")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body_json(r).await["status"], "pending");
    let r = download(&hub, Some(CAROL)).await;
    assert!(header(&r, "x-error-message")
        .unwrap()
        .contains("is awaiting a review from the repo authors"));
    assert_eq!(
        post(&hub, &format!("{REPO}/ask-access"), None, json!({}))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Listing: owners only (a read token or an outsider gets 403).
    let pending = hub
        .get(&format!("{REPO}/user-access-request/pending"), Some(ALICE))
        .await;
    assert_eq!(pending.status(), StatusCode::OK);
    let pending = body_json(pending).await;
    assert_eq!(requests(&pending), [("carol".into(), "pending".into())]);
    assert_eq!(
        pending[0]["fields"],
        json!({"reason": "research", "affiliation": "Lab X"})
    );
    assert!(pending[0]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        hub.get(&format!("{REPO}/user-access-request/pending"), Some(CAROL))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hub.get(&format!("{REPO}/user-access-request/bogus"), Some(ALICE))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // Accept, reject (with a reason), cancel (back to pending).
    let handle = format!("{REPO}/user-access-request/handle");
    let r = post(
        &hub,
        &handle,
        Some(ALICE),
        json!({"user": "carol", "status": "accepted"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = download(&hub, Some(CAROL)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        hub.get(&format!("{REPO}/auth-check"), Some(CAROL))
            .await
            .status(),
        StatusCode::OK
    );
    let r = post(
        &hub,
        &handle,
        Some(ALICE),
        json!({"user": "carol", "status": "accepted"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "already accepted");
    let r = post(
        &hub,
        &handle,
        Some(ALICE),
        json!({"user": "carol", "status": "rejected", "rejectionReason": "no"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = download(&hub, Some(CAROL)).await;
    assert!(header(&r, "x-error-message")
        .unwrap()
        .contains("has been rejected by the repo's authors"));
    let rejected = body_json(
        hub.get(&format!("{REPO}/user-access-request/rejected"), Some(ALICE))
            .await,
    )
    .await;
    assert_eq!(requests(&rejected), [("carol".into(), "rejected".into())]);
    assert_eq!(rejected[0]["rejectionReason"], "no");
    // A rejected user cannot simply ask again.
    assert_eq!(
        post(&hub, &format!("{REPO}/ask-access"), Some(CAROL), json!({}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = post(
        &hub,
        &handle,
        Some(ALICE),
        json!({"user": "carol", "status": "pending"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let pending = body_json(
        hub.get(&format!("{REPO}/user-access-request/pending"), Some(ALICE))
            .await,
    )
    .await;
    assert_eq!(requests(&pending), [("carol".into(), "pending".into())]);

    // Bad handling requests.
    for (body, status) in [
        (
            json!({"user": "nobody", "status": "accepted"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"user": "dave", "status": "accepted"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"user": "carol", "status": "maybe"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"user": "carol", "status": "accepted", "rejectionReason": "x"}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"status": "accepted"}), StatusCode::BAD_REQUEST),
    ] {
        let r = post(&hub, &handle, Some(ALICE), body.clone()).await;
        assert_eq!(r.status(), status, "{body}");
    }

    // Granting: no request needed; not twice.
    let grant = format!("{REPO}/user-access-request/grant");
    let r = post(&hub, &grant, Some(ALICE), json!({"user": "dave"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        download(&hub, Some("hf_dave_write")).await.status(),
        StatusCode::OK
    );
    let r = post(&hub, &grant, Some(ALICE), json!({"user": "dave"})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(&hub, &grant, Some(ALICE), json!({"user": "alice"})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "owners have access");
    let r = post(&hub, &grant, Some(CAROL), json!({"user": "carol"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Not gated: 400.
    set_gated_in_data_dir(dir.path(), RepoType::Model, "alice", "g", None).unwrap();
    let r = hub
        .get(&format!("{REPO}/user-access-request/pending"), Some(ALICE))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn auto_gating_accepts_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    gated_repo(&hub, dir.path(), "auto").await;
    assert_eq!(
        download(&hub, Some(CAROL)).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = post(
        &hub,
        &format!("{REPO}/ask-access"),
        Some(CAROL),
        json!({"fields": "none"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body_json(r).await["status"], "accepted");
    assert_eq!(download(&hub, Some(CAROL)).await.status(), StatusCode::OK);
    let accepted = body_json(
        hub.get(&format!("{REPO}/user-access-request/accepted"), Some(ALICE))
            .await,
    )
    .await;
    assert_eq!(requests(&accepted), [("carol".into(), "accepted".into())]);
    // Asking again changes nothing.
    let r = post(&hub, &format!("{REPO}/ask-access"), Some(CAROL), json!({})).await;
    assert_eq!(body_json(r).await["status"], "accepted");
}
