//! Repository listings (`/api/models`, `/api/datasets`, `/api/spaces`), the card-derived
//! fields of repository info and card validation (`/api/validate-yaml`), over real HTTP.

mod common;

use common::{add, body_json, header, Hub, ALICE, BOB_READ, CAROL};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const MODEL_CARD: &str = "---\nlicense: mit\ntags:\n- vision\n- tiny\nlibrary_name: timm\n\
pipeline_tag: image-classification\ndatasets: [imagenet]\nlanguage: en\n---\n# Alpha\n";

async fn create(hub: &Hub, token: &str, body: Value) {
    let r = hub.create(token, body).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
}

/// Commits `README.md` to `main` of `{plural}/{repo}`.
async fn put_readme(hub: &Hub, plural: &str, repo: &str, token: &str, text: &str) {
    let body = format!(
        "{}\n{}\n",
        json!({"key": "header", "value": {"summary": "card", "description": ""}}),
        add("README.md", text.as_bytes())
    );
    let r = hub
        .req(
            Method::POST,
            &format!("/api/{plural}/{repo}/commit/main"),
            Some(token),
            Some(body.into_bytes()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

async fn list(hub: &Hub, query: &str, token: Option<&str>) -> Value {
    let r = hub.get(&format!("/api/models{query}"), token).await;
    assert_eq!(r.status(), StatusCode::OK);
    body_json(r).await
}

async fn fixture(hub: &Hub) {
    create(hub, ALICE, json!({"name": "Alpha-Model"})).await;
    put_readme(hub, "models", "alice/Alpha-Model", ALICE, MODEL_CARD).await;
    create(hub, ALICE, json!({"name": "beta"})).await;
    create(
        hub,
        ALICE,
        json!({"name": "secret", "organization": "acme", "private": true}),
    )
    .await;
    create(hub, CAROL, json!({"name": "alphabet"})).await;
}

#[tokio::test]
async fn visibility_search_author_and_tag_filters() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    fixture(&hub).await;

    let mut all = ids(&list(&hub, "", None).await);
    all.sort();
    assert_eq!(all, ["alice/Alpha-Model", "alice/beta", "carol/alphabet"]);
    // Members of acme (alice, bob even with a read token) see its private repository.
    assert!(ids(&list(&hub, "", Some(ALICE)).await).contains(&"acme/secret".to_string()));
    assert!(ids(&list(&hub, "", Some(BOB_READ)).await).contains(&"acme/secret".to_string()));
    assert!(!ids(&list(&hub, "", Some(CAROL)).await).contains(&"acme/secret".to_string()));

    // search: case-insensitive substring of the id (namespace included)
    let mut found = ids(&list(&hub, "?search=ALPHA", None).await);
    found.sort();
    assert_eq!(found, ["alice/Alpha-Model", "carol/alphabet"]);
    assert_eq!(
        ids(&list(&hub, "?search=ice/be", None).await),
        ["alice/beta"]
    );
    assert_eq!(
        ids(&list(&hub, "?search=alpha&search=carol", None).await),
        ["carol/alphabet"]
    );
    // author: exact namespace, case-insensitive
    let mut by_alice = ids(&list(&hub, "?author=ALICE", None).await);
    by_alice.sort();
    assert_eq!(by_alice, ["alice/Alpha-Model", "alice/beta"]);
    assert_eq!(
        ids(&list(&hub, "?author=acme", Some(ALICE)).await),
        ["acme/secret"]
    );
    assert!(ids(&list(&hub, "?author=acme", None).await).is_empty());

    // filter: every value must be a tag; the card gives license:, dataset:, language, ...
    for f in [
        "license:mit",
        "vision",
        "timm",
        "image-classification",
        "dataset:imagenet",
        "en",
    ] {
        assert_eq!(
            ids(&list(&hub, &format!("?filter={f}"), None).await),
            ["alice/Alpha-Model"],
            "filter {f}"
        );
    }
    assert_eq!(
        ids(&list(&hub, "?filter=vision&filter=tiny", None).await),
        ["alice/Alpha-Model"]
    );
    assert!(ids(&list(&hub, "?filter=vision&filter=nlp", None).await).is_empty());
    assert_eq!(
        ids(&list(&hub, "?pipeline_tag=image-classification", None).await),
        ["alice/Alpha-Model"]
    );
    // nothing here is served by an inference provider
    assert!(ids(&list(&hub, "?inference=warm", None).await).is_empty());
    let r = hub.get("/api/models?num_parameters=min:1B", None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub.get("/api/models?sort=bogus", None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // a bad token is refused even on a public listing, as everywhere
    let r = hub.get("/api/models", Some("hf_nope")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn item_fields_full_card_data_and_expand() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    fixture(&hub).await;

    let items = list(&hub, "?search=Alpha-Model", None).await;
    let item = &items[0];
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_id",
            "createdAt",
            "downloads",
            "id",
            "library_name",
            "likes",
            "modelId",
            "pipeline_tag",
            "private",
            "tags",
            "trendingScore"
        ]
    );
    assert_eq!(item["modelId"], "alice/Alpha-Model");
    assert_eq!(item["library_name"], "timm");
    assert_eq!(
        item["tags"],
        json!([
            "timm",
            "image-classification",
            "vision",
            "tiny",
            "dataset:imagenet",
            "en",
            "license:mit"
        ])
    );

    let full = &list(&hub, "?search=Alpha-Model&full=true", None).await[0];
    assert_eq!(full["author"], "alice");
    assert_eq!(full["gated"], false);
    assert!(full["sha"].as_str().is_some_and(common::is_hex40));
    let mut files: Vec<&str> = full["siblings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rfilename"].as_str().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, [".gitattributes", "README.md"]);
    assert!(full.get("cardData").is_none());

    let with_card = &list(&hub, "?search=Alpha-Model&cardData=true", None).await[0];
    assert_eq!(with_card["cardData"]["license"], "mit");
    assert_eq!(with_card["cardData"]["datasets"], json!(["imagenet"]));

    let expanded = &list(
        &hub,
        "?search=Alpha-Model&expand=sha&expand=usedStorage",
        None,
    )
    .await[0];
    let mut keys: Vec<&str> = expanded
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["_id", "id", "sha", "usedStorage"]);
    assert_eq!(expanded["sha"], full["sha"]);

    // The info route reports the same card-derived fields.
    let info = body_json(hub.get("/api/models/alice/Alpha-Model", None).await).await;
    assert_eq!(info["tags"], item["tags"]);
    assert_eq!(info["pipeline_tag"], "image-classification");
    assert_eq!(info["cardData"]["tags"], json!(["vision", "tiny"]));
    assert!(info.get("trendingScore").is_none());
    let info = body_json(hub.get("/api/models/alice/beta", None).await).await;
    assert_eq!(info["tags"], json!([]));
    assert!(info.get("cardData").is_none());
}

#[tokio::test]
async fn sorting_and_link_pagination() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    for i in 0..7 {
        create(&hub, ALICE, json!({"name": format!("m{i}")})).await;
    }
    // m3 gets the newest commit
    let r = hub
        .commit("alice/m3", ALICE, None, &[add("x.txt", b"x")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let all = list(&hub, "?sort=createdAt&direction=1", None).await;
    let created: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["createdAt"].as_str().unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted, "ascending createdAt");
    let desc = list(&hub, "?sort=created_at", None).await;
    let mut created_desc: Vec<&str> = desc
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["createdAt"].as_str().unwrap())
        .collect();
    created_desc.reverse();
    assert_eq!(created_desc, sorted, "descending by default");
    assert_eq!(
        ids(&list(&hub, "?sort=lastModified", None).await)[0],
        "alice/m3"
    );
    let by_id = ids(&list(&hub, "?sort=id&direction=1", None).await);
    assert_eq!(
        by_id,
        (0..7).map(|i| format!("alice/m{i}")).collect::<Vec<_>>()
    );

    // limit=3: pages of 3 linked by absolute URLs carrying a cursor
    let r = hub
        .get("/api/models?sort=id&direction=1&limit=3", None)
        .await;
    let mut link = header(&r, "link").map(str::to_string);
    let mut seen = ids(&body_json(r).await);
    while let Some(l) = link {
        let url = l
            .strip_prefix('<')
            .and_then(|x| x.split_once(">; rel=\"next\""))
            .map(|(u, _)| u.to_string())
            .expect("Link: <url>; rel=\"next\"");
        assert!(
            url.starts_with(&hub.url) && url.contains("cursor="),
            "{url}"
        );
        let r = hub.client.get(&url).send().await.unwrap();
        link = header(&r, "link").map(str::to_string);
        seen.extend(ids(&body_json(r).await));
    }
    assert_eq!(seen, by_id);
}

#[tokio::test]
async fn datasets_and_spaces_listings() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    create(&hub, ALICE, json!({"name": "corpus", "type": "dataset"})).await;
    put_readme(
        &hub,
        "datasets",
        "alice/corpus",
        ALICE,
        "---\nlanguage: [en, fr]\ntask_categories: [translation]\nlicense: cc-by-4.0\n---\n",
    )
    .await;
    create(&hub, ALICE, json!({"name": "other", "type": "dataset"})).await;
    create(
        &hub,
        ALICE,
        json!({"name": "demo", "type": "space", "sdk": "gradio"}),
    )
    .await;
    put_readme(
        &hub,
        "spaces",
        "alice/demo",
        ALICE,
        "---\ntitle: Demo\nsdk: streamlit\nmodels: [alice/m]\ndatasets: [alice/corpus]\n---\n",
    )
    .await;
    create(
        &hub,
        ALICE,
        json!({"name": "plain", "type": "space", "sdk": "docker"}),
    )
    .await;

    let r = hub
        .get(
            "/api/datasets?filter=language:fr&filter=task_categories:translation",
            None,
        )
        .await;
    let items = body_json(r).await;
    assert_eq!(ids(&items), ["alice/corpus"]);
    let item = &items[0];
    assert_eq!(item["author"], "alice");
    assert!(item["sha"].as_str().is_some_and(common::is_hex40));
    assert_eq!(item["gated"], false);
    assert!(item.get("modelId").is_none());
    assert!(item["tags"]
        .as_array()
        .unwrap()
        .contains(&json!("license:cc-by-4.0")));

    let spaces = body_json(hub.get("/api/spaces?sort=id&direction=1", None).await).await;
    assert_eq!(ids(&spaces), ["alice/demo", "alice/plain"]);
    // the card's sdk wins over the one given at creation
    assert_eq!(spaces[0]["sdk"], "streamlit");
    assert_eq!(spaces[0]["tags"], json!(["streamlit"]));
    assert_eq!(spaces[1]["sdk"], "docker");
    for q in ["models=alice/m", "datasets=alice/corpus", "linked=true"] {
        let r = hub.get(&format!("/api/spaces?{q}"), None).await;
        assert_eq!(ids(&body_json(r).await), ["alice/demo"], "{q}");
    }
    let info = body_json(hub.get("/api/spaces/alice/demo", None).await).await;
    assert_eq!(info["models"], json!(["alice/m"]));
    assert_eq!(info["datasets"], json!(["alice/corpus"]));
    assert_eq!(info["cardData"]["title"], "Demo");
}

#[tokio::test]
async fn validate_yaml_checks_the_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    let check = |content: &'static str, kind: &'static str| {
        let hub = &hub;
        async move {
            let body = json!({"content": content, "repoType": kind}).to_string();
            let r = hub
                .req(
                    Method::POST,
                    "/api/validate-yaml",
                    None,
                    Some(body.into_bytes()),
                )
                .await;
            let status = r.status();
            (status, body_json(r).await)
        }
    };
    let (status, body) = check(MODEL_CARD, "model").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"errors": [], "warnings": []}))
    );
    let (status, body) = check("# Just text\n", "model").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["warnings"],
        json!([{"message": "Empty or missing yaml metadata in repo card"}])
    );
    let (status, body) = check("\n---\nmodel-index: foo\n---\n\nText\n", "model").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"],
        json!([{"message": "\"model-index\" must be an array"}])
    );
    let (status, body) = check("---\ntags: [a\n---\n", "dataset").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Invalid YAML in metadata:"));
    let (status, body) = check("---\ncolorTo: black\n---\n", "space").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("\"colorTo\" must be one of [red,"));
    // the same key is free-form on another repository type
    assert_eq!(
        check("---\ncolorTo: black\n---\n", "model").await.0,
        StatusCode::OK
    );
    let (status, body) = check("---\na: 1\n---\n", "bucket").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["warnings"].is_array());
}
