//! Likes over real HTTP: like/unlike, likers, a user's likes, the `likes` count, visibility.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn like(hub: &Hub, path: &str, token: Option<&str>, liked: bool) -> StatusCode {
    let m = if liked { Method::POST } else { Method::DELETE };
    hub.req(m, &format!("{path}/like"), token, None)
        .await
        .status()
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.pointer(key).and_then(Value::as_str).unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn likes_likers_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "m"})).await;
    hub.create(ALICE, json!({"name": "d", "type": "dataset"}))
        .await;
    hub.create(ALICE, json!({"name": "secret", "private": true}))
        .await;

    assert_eq!(
        like(&hub, "/api/models/alice/m", Some(CAROL), true).await,
        StatusCode::OK
    );
    assert_eq!(
        like(&hub, "/api/models/alice/m", Some(CAROL), true).await,
        StatusCode::OK
    );
    assert_eq!(
        like(&hub, "/api/models/alice/m", Some(ALICE), true).await,
        StatusCode::OK
    );
    assert_eq!(
        like(&hub, "/api/datasets/alice/d", Some(CAROL), true).await,
        StatusCode::OK
    );
    assert_eq!(
        like(&hub, "/api/models/alice/secret", Some(ALICE), true).await,
        StatusCode::OK
    );

    // Counted once per user, shown in repository info.
    let info = body_json(hub.get("/api/models/alice/m", None).await).await;
    assert_eq!(info["likes"], 2);
    let likers = body_json(hub.get("/api/models/alice/m/likers", None).await).await;
    assert_eq!(names(&likers, "/user"), ["alice", "carol"]);
    assert!(likers[0]["avatarUrl"]
        .as_str()
        .unwrap()
        .ends_with("/avatars/alice.svg"));
    assert_eq!(likers[0]["fullname"], "alice");

    // A user's likes, newest first; private repositories only for those who can see them.
    let carol = body_json(hub.get("/api/users/carol/likes", None).await).await;
    assert_eq!(names(&carol, "/repo/name"), ["alice/d", "alice/m"]);
    assert_eq!(names(&carol, "/repo/type"), ["dataset", "model"]);
    assert!(carol[0]["createdAt"].as_str().unwrap().ends_with('Z'));
    let alice_seen_by_carol = body_json(hub.get("/api/users/alice/likes", Some(CAROL)).await).await;
    assert_eq!(names(&alice_seen_by_carol, "/repo/name"), ["alice/m"]);
    let alice_own = body_json(hub.get("/api/users/alice/likes", Some(ALICE)).await).await;
    assert_eq!(names(&alice_own, "/repo/name"), ["alice/secret", "alice/m"]);
    assert_eq!(
        hub.get("/api/users/nobody/likes", None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hub.get("/api/users/acme/likes", None).await.status(),
        StatusCode::NOT_FOUND
    );

    // Unliking is idempotent.
    assert_eq!(
        like(&hub, "/api/models/alice/m", Some(CAROL), false).await,
        StatusCode::OK
    );
    assert_eq!(
        like(&hub, "/api/models/alice/m", Some(CAROL), false).await,
        StatusCode::OK
    );
    let likers = body_json(hub.get("/api/models/alice/m/likers", None).await).await;
    assert_eq!(names(&likers, "/user"), ["alice"]);
    assert_eq!(
        body_json(hub.get("/api/models/alice/m", None).await).await["likes"],
        1
    );

    // Permissions: anonymous 401, read token 403, invisible or missing repo RepoNotFound.
    assert_eq!(
        like(&hub, "/api/models/alice/m", None, true).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        like(&hub, "/api/models/alice/m", Some(BOB_READ), true).await,
        StatusCode::FORBIDDEN
    );
    let r = hub
        .req(
            Method::POST,
            "/api/models/alice/secret/like",
            Some(CAROL),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    let r = hub
        .get("/api/models/alice/secret/likers", Some(CAROL))
        .await;
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    let r = hub.get("/api/models/alice/d/likers", None).await;
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));

    // Likes go away with their repository.
    let r = hub
        .req(
            Method::DELETE,
            "/api/repos/delete",
            Some(ALICE),
            Some(
                json!({"name": "d", "type": "dataset"})
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let carol = body_json(hub.get("/api/users/carol/likes", None).await).await;
    assert_eq!(carol, json!([]));
}

#[tokio::test]
async fn likers_are_paginated() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    for i in 0..105 {
        cfg = cfg.with_user(&format!("u{i}:hf_u{i}_token")).unwrap();
    }
    let hub = Hub::with_config(cfg).await;
    hub.create(ALICE, json!({"name": "popular"})).await;
    for i in 0..105 {
        let token = format!("hf_u{i}_token");
        assert_eq!(
            like(&hub, "/api/models/alice/popular", Some(&token), true).await,
            StatusCode::OK
        );
    }
    let r = hub.get("/api/models/alice/popular/likers", None).await;
    let link = header(&r, "link").unwrap().to_string();
    assert_eq!(body_json(r).await.as_array().unwrap().len(), 100);
    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_string();
    assert!(
        next.starts_with(&hub.url) && next.contains("cursor=100"),
        "{link}"
    );
    let r = hub.client.get(&next).send().await.unwrap();
    assert!(header(&r, "link").is_none());
    assert_eq!(body_json(r).await.as_array().unwrap().len(), 5);
}
