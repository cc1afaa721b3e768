//! Collections over real HTTP: slugs, items of every kind, notes and positions, metadata,
//! listing filters and pages, privacy and permissions.

mod common;

use common::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

async fn send(hub: &Hub, m: Method, path: &str, token: Option<&str>, body: Value) -> Response {
    hub.req(m, path, token, Some(body.to_string().into_bytes()))
        .await
}

async fn create(hub: &Hub, token: &str, body: Value) -> Value {
    let r = send(hub, Method::POST, "/api/collections", Some(token), body).await;
    assert_eq!(r.status(), StatusCode::OK);
    body_json(r).await
}

fn item_ids(c: &Value) -> Vec<String> {
    c["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i.get("slug")
                .or(i.get("id"))
                .and_then(Value::as_str)
                .unwrap()
                .to_string()
        })
        .collect()
}

async fn add(hub: &Hub, slug: &str, id: &str, kind: &str) -> Response {
    send(
        hub,
        Method::POST,
        &format!("/api/collections/{slug}/items"),
        Some(ALICE),
        json!({"item": {"id": id, "type": kind}}),
    )
    .await
}

#[tokio::test]
async fn collections_items_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "bert"})).await;
    hub.create(ALICE, json!({"name": "squad", "type": "dataset"}))
        .await;

    let c = create(
        &hub,
        ALICE,
        json!({"title": "ICCV 2023", "namespace": "alice", "private": false, "description": "Talks"}),
    )
    .await;
    let slug = c["slug"].as_str().unwrap().to_string();
    let id = slug.rsplit('-').next().unwrap().to_string();
    assert!(
        slug.starts_with("alice/iccv-2023-") && id.len() == 24,
        "{slug}"
    );
    assert_eq!(c["title"], "ICCV 2023");
    assert_eq!(c["description"], "Talks");
    assert_eq!(c["owner"]["name"], "alice");
    assert_eq!(c["owner"]["type"], "user");
    assert_eq!(
        (
            c["private"].clone(),
            c["upvotes"].clone(),
            c["position"].clone()
        ),
        (json!(false), json!(0), json!(0))
    );
    assert!(c["theme"].is_string() && c["lastUpdated"].as_str().unwrap().ends_with('Z'));
    assert_eq!(c["items"], json!([]));
    assert_eq!(
        body_json(hub.get(&format!("/api/collections/{slug}"), None).await).await,
        c
    );

    // The same title again: 409 with the existing slug.
    let r = send(
        &hub,
        Method::POST,
        "/api/collections",
        Some(ALICE),
        json!({"title": "iccv 2023"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(body_json(r).await["slug"], slug);

    // Items of every kind, in order, with notes.
    let other = create(&hub, ALICE, json!({"title": "Other"})).await;
    let other_slug = other["slug"].as_str().unwrap();
    let r = send(
        &hub,
        Method::POST,
        &format!("/api/collections/{slug}/items"),
        Some(ALICE),
        json!({"item": {"id": "alice/bert", "type": "model"}, "note": "A *model*"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let with_bert = body_json(r).await;
    assert_eq!(
        with_bert["items"][0]["note"],
        json!({"text": "A *model*", "html": "<p>A *model*</p>"})
    );
    assert_eq!(with_bert["items"][0]["repoType"], "model");
    assert_eq!(with_bert["items"][0]["author"], "alice");
    assert_eq!(
        add(&hub, &slug, "alice/squad", "dataset").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        add(&hub, &slug, "2307.09288", "paper").await.status(),
        StatusCode::OK
    );
    let r = add(&hub, &slug, other_slug, "collection").await;
    assert_eq!(r.status(), StatusCode::OK);
    let full = body_json(r).await;
    assert_eq!(
        item_ids(&full),
        ["alice/bert", "alice/squad", "2307.09288", other_slug]
    );
    let positions: Vec<i64> = full["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1, 2, 3]);
    assert_eq!(full["items"][3]["type"], "collection");
    assert_eq!(
        full["items"][3]["id"],
        other["slug"].as_str().unwrap().rsplit('-').next().unwrap()
    );

    // Duplicates, missing targets, bad input.
    assert_eq!(
        add(&hub, &slug, "alice/bert", "model").await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        add(&hub, &slug, "alice/nothing", "model").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        add(&hub, &slug, "alice/bert", "dataset").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        add(&hub, &slug, "not-a-paper", "paper").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        add(&hub, &slug, "x/y", "bucket").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        add(&hub, &slug, &slug, "collection").await.status(),
        StatusCode::BAD_REQUEST
    );
    let r = send(
        &hub,
        Method::POST,
        &format!("/api/collections/{slug}/items"),
        Some(ALICE),
        json!({"item": {"id": "alice/bert", "type": "model"}, "note": "n".repeat(501)}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Moving and annotating items; deleting one renumbers the rest.
    let squad_id = full["items"][1]["_id"].as_str().unwrap().to_string();
    let bert_id = full["items"][0]["_id"].as_str().unwrap().to_string();
    let item_path = |i: &str| format!("/api/collections/{slug}/items/{i}");
    let r = send(
        &hub,
        Method::PATCH,
        &item_path(&squad_id),
        Some(ALICE),
        json!({"position": 0, "note": "first"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = body_json(hub.get(&format!("/api/collections/{slug}"), None).await).await;
    assert_eq!(item_ids(&c)[..2], ["alice/squad", "alice/bert"]);
    assert_eq!(c["items"][0]["note"]["text"], "first");
    assert_eq!(c["items"][1]["position"], 1);
    let r = send(
        &hub,
        Method::DELETE,
        &item_path(&bert_id),
        Some(ALICE),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = body_json(hub.get(&format!("/api/collections/{slug}"), None).await).await;
    assert_eq!(item_ids(&c), ["alice/squad", "2307.09288", other_slug]);
    assert_eq!(c["items"][2]["position"], 2);
    let r = send(
        &hub,
        Method::DELETE,
        &item_path(&bert_id),
        Some(ALICE),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Metadata: the title changes the slug's words, never its id (old slugs keep working).
    let r = send(
        &hub,
        Method::PATCH,
        &format!("/api/collections/{slug}"),
        Some(ALICE),
        json!({"title": "ICCV Oct. 2023", "private": true, "theme": "pink"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let updated = body_json(r).await["data"].clone();
    assert_eq!(updated["slug"], format!("alice/iccv-oct-2023-{id}"));
    assert_eq!(
        (updated["private"].clone(), updated["theme"].clone()),
        (json!(true), json!("pink"))
    );
    assert_eq!(updated["description"], "Talks", "untouched fields stay");
    assert_eq!(
        body_json(
            hub.get(&format!("/api/collections/{slug}"), Some(ALICE))
                .await
        )
        .await["title"],
        "ICCV Oct. 2023"
    );
    for bad in [
        json!({"theme": "red"}),
        json!({"description": "d".repeat(151)}),
        json!({"title": " "}),
    ] {
        let r = send(
            &hub,
            Method::PATCH,
            &format!("/api/collections/{slug}"),
            Some(ALICE),
            bad,
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    // Private now: invisible to others, and so is the item pointing at it.
    assert_eq!(
        hub.get(&format!("/api/collections/{slug}"), Some(CAROL))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hub.get(&format!("/api/collections/{slug}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Deleting the referenced collection drops the item; deleting twice is a 404.
    let r = send(
        &hub,
        Method::DELETE,
        &format!("/api/collections/{other_slug}"),
        Some(ALICE),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = body_json(
        hub.get(&format!("/api/collections/{slug}"), Some(ALICE))
            .await,
    )
    .await;
    assert_eq!(item_ids(&c), ["alice/squad", "2307.09288"]);
    let r = send(
        &hub,
        Method::DELETE,
        &format!("/api/collections/{other_slug}"),
        Some(ALICE),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        hub.get("/api/collections/alice/nope-0123456789abcdef01234567", None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hub.get(
            &format!("/api/collections/carol/iccv-2023-{id}"),
            Some(ALICE)
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn collection_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "bert"})).await;
    hub.create(ALICE, json!({"name": "secret", "private": true}))
        .await;
    let c = create(&hub, ALICE, json!({"title": "Alice's"})).await;
    let slug = c["slug"].as_str().unwrap().to_string();
    assert_eq!(
        add(&hub, &slug, "alice/bert", "model").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        add(&hub, &slug, "alice/secret", "model").await.status(),
        StatusCode::OK
    );
    let item = body_json(
        hub.get(&format!("/api/collections/{slug}"), Some(ALICE))
            .await,
    )
    .await["items"][0]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Private repositories inside a public collection are only shown to those who see them.
    let seen_by_carol = body_json(
        hub.get(&format!("/api/collections/{slug}"), Some(CAROL))
            .await,
    )
    .await;
    assert_eq!(item_ids(&seen_by_carol), ["alice/bert"]);

    for (m, path, body) in [
        (
            Method::PATCH,
            format!("/api/collections/{slug}"),
            json!({"title": "Carol's"}),
        ),
        (
            Method::POST,
            format!("/api/collections/{slug}/items"),
            json!({"item": {"id": "alice/bert", "type": "model"}}),
        ),
        (
            Method::PATCH,
            format!("/api/collections/{slug}/items/{item}"),
            json!({"note": "carol was here"}),
        ),
        (
            Method::DELETE,
            format!("/api/collections/{slug}/items/{item}"),
            json!({}),
        ),
        (
            Method::DELETE,
            format!("/api/collections/{slug}"),
            json!({}),
        ),
    ] {
        let r = send(&hub, m.clone(), &path, Some(CAROL), body.clone()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{m} {path}");
        let r = send(&hub, m.clone(), &path, None, body.clone()).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{m} {path}");
    }
    let r = send(
        &hub,
        Method::POST,
        "/api/collections",
        Some(CAROL),
        json!({"title": "x", "namespace": "alice"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &hub,
        Method::POST,
        "/api/collections",
        Some(BOB_READ),
        json!({"title": "x"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &hub,
        Method::POST,
        "/api/collections",
        None,
        json!({"title": "x"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Organisation collections: members with a write role.
    let org = create(
        &hub,
        ALICE,
        json!({"title": "Team picks", "namespace": "acme"}),
    )
    .await;
    assert!(org["slug"]
        .as_str()
        .unwrap()
        .starts_with("acme/team-picks-"));
    assert_eq!(org["owner"]["type"], "org");
    let after = body_json(
        hub.get(&format!("/api/collections/{slug}"), Some(ALICE))
            .await,
    )
    .await;
    assert_eq!(after["title"], "Alice's");
    assert_eq!(item_ids(&after), ["alice/bert", "alice/secret"]);
}

#[tokio::test]
async fn listing_filters_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    for i in 0..6 {
        hub.create(ALICE, json!({"name": format!("m{i}")})).await;
    }
    let big = create(&hub, ALICE, json!({"title": "Big"})).await;
    let big_slug = big["slug"].as_str().unwrap().to_string();
    for i in 0..6 {
        assert_eq!(
            add(&hub, &big_slug, &format!("alice/m{i}"), "model")
                .await
                .status(),
            StatusCode::OK
        );
    }
    let hidden = create(&hub, ALICE, json!({"title": "Hidden", "private": true})).await;
    let carols = create(&hub, CAROL, json!({"title": "Carol's"})).await;
    let r = send(
        &hub,
        Method::POST,
        &format!(
            "/api/collections/{}/items",
            carols["slug"].as_str().unwrap()
        ),
        Some(CAROL),
        json!({"item": {"id": "alice/m5", "type": "model"}}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    let slugs = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["slug"].as_str().unwrap().to_string())
            .collect()
    };
    let (big_s, hidden_s, carol_s) = (
        big_slug.clone(),
        hidden["slug"].as_str().unwrap().to_string(),
        carols["slug"].as_str().unwrap().to_string(),
    );
    // Most recently updated first; private ones only for their owner; no `position`; 4 items.
    let all = body_json(hub.get("/api/collections", Some(ALICE)).await).await;
    assert_eq!(
        slugs(&all),
        [carol_s.clone(), hidden_s.clone(), big_s.clone()]
    );
    assert!(all[0].get("position").is_none());
    assert_eq!(all[2]["items"].as_array().unwrap().len(), 4);
    assert_eq!(all[2]["items"][3]["position"], 3);
    let public = body_json(hub.get("/api/collections", None).await).await;
    assert_eq!(slugs(&public), [carol_s.clone(), big_s.clone()]);
    for (query, expected) in [
        ("owner=alice", vec![big_s.clone()]),
        (
            "owner=alice&owner=carol",
            vec![carol_s.clone(), big_s.clone()],
        ),
        ("item=models/alice/m5", vec![carol_s.clone(), big_s.clone()]),
        (
            "item=models/alice/m0&item=models/nobody/x",
            vec![big_s.clone()],
        ),
        ("item=papers/2307.09288", vec![]),
        ("q=big", vec![big_s.clone()]),
        ("sort=upvotes&owner=carol", vec![carol_s.clone()]),
    ] {
        let v = body_json(hub.get(&format!("/api/collections?{query}"), None).await).await;
        assert_eq!(slugs(&v), expected, "{query}");
    }
    assert_eq!(
        hub.get("/api/collections?sort=random", None).await.status(),
        StatusCode::BAD_REQUEST
    );
    // `limit` sets the page size; `Link` leads to the next page.
    let r = hub.get("/api/collections?limit=1", Some(ALICE)).await;
    let link = header(&r, "link").unwrap().to_string();
    assert_eq!(slugs(&body_json(r).await), [carol_s]);
    assert!(
        link.contains("cursor=1") && link.contains("limit=1"),
        "{link}"
    );
    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_string();
    let r = hub
        .client
        .get(&next)
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(slugs(&body_json(r).await), [hidden_s]);
}
