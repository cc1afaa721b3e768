//! End-to-end tests over real HTTP on 127.0.0.1:0: commits, trees, file resolution, preupload.

mod common;

use base64::Engine;
use common::*;
use hfh_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn commit_then_tree_then_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "c"})).await;
    let r = hub
        .commit(
            "alice/c",
            ALICE,
            None,
            &[
                add("a.txt", b"hello world"),
                add("dir/b.txt", b"bee"),
                add("dir/sub/c.txt", b"sea"),
                add("empty.txt", b""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    let oid = v["commitOid"].as_str().unwrap().to_string();
    assert!(is_hex40(&oid));
    assert_eq!(v["commitUrl"], format!("{}/alice/c/commit/{oid}", hub.url));
    assert_eq!(hub.sha("alice/c", None).await, oid);

    // tree, non-recursive root
    let t = body_json(
        hub.get(
            "/api/models/alice/c/tree/main?recursive=false&expand=false",
            None,
        )
        .await,
    )
    .await;
    let paths: Vec<_> = t
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        paths,
        vec![
            (".gitattributes", "file"),
            ("a.txt", "file"),
            ("dir", "directory"),
            ("empty.txt", "file")
        ]
    );
    let a = &t[1];
    assert_eq!(a["oid"], hfh_server::git::blob_oid(b"hello world"));
    assert_eq!(a["size"], 11);
    assert!(a.get("lfs").is_none());
    // recursive includes intermediate folders
    let t = body_json(
        hub.get("/api/models/alice/c/tree/main?recursive=true", None)
            .await,
    )
    .await;
    let paths: Vec<_> = t
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    for p in ["dir", "dir/b.txt", "dir/sub", "dir/sub/c.txt", "a.txt"] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    // folder path with encoded slash, revision by commit id
    let t = body_json(
        hub.get(&format!("/api/models/alice/c/tree/{oid}/dir%2Fsub"), None)
            .await,
    )
    .await;
    assert_eq!(t[0]["path"], "dir/sub/c.txt");
    let t = body_json(
        hub.get("/api/models/alice/c/tree/main/dir?expand=true", None)
            .await,
    )
    .await;
    assert_eq!(t[0]["lastCommit"]["id"], oid.as_str());
    let r = hub.get("/api/models/alice/c/tree/main/missing", None).await;
    assert_eq!(
        (r.status(), header(&r, "x-error-code")),
        (StatusCode::NOT_FOUND, Some("EntryNotFound"))
    );

    // resolve HEAD
    let r = hub
        .req(Method::HEAD, "/alice/c/resolve/main/a.txt", None, None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "x-repo-commit"), Some(oid.as_str()));
    assert_eq!(
        header(&r, "etag").unwrap(),
        format!("\"{}\"", hfh_server::git::blob_oid(b"hello world"))
    );
    assert_eq!(header(&r, "content-length"), Some("11"));
    // GET, by several revision spellings
    for rev in ["main", &oid, "refs%2Fheads%2Fmain"] {
        let r = hub
            .get(&format!("/alice/c/resolve/{rev}/a.txt"), None)
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"hello world");
    }
    let r = hub.get("/alice/c/resolve/main/dir/sub/c.txt", None).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"sea");
    let r = hub.get("/alice/c/resolve/main/empty.txt", None).await;
    assert_eq!(
        (r.status(), header(&r, "content-length")),
        (StatusCode::OK, Some("0"))
    );
    // ranges
    let r = hub
        .client
        .get(format!("{}/alice/c/resolve/main/a.txt", hub.url))
        .header("range", "bytes=6-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&r, "content-range"), Some("bytes 6-10/11"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"world");
    let r = hub
        .client
        .get(format!("{}/alice/c/resolve/main/a.txt", hub.url))
        .header("range", "bytes=100-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&r, "content-range"), Some("bytes */11"));
    // errors
    let r = hub
        .req(Method::HEAD, "/alice/c/resolve/main/nope.txt", None, None)
        .await;
    assert_eq!(
        (r.status(), header(&r, "x-error-code")),
        (StatusCode::NOT_FOUND, Some("EntryNotFound"))
    );
    assert_eq!(header(&r, "x-repo-commit"), Some(oid.as_str()));
    let r = hub.get("/alice/c/resolve/main/dir", None).await;
    assert_eq!(header(&r, "x-error-code"), Some("EntryNotFound"));
    let r = hub.get("/alice/c/resolve/nope/a.txt", None).await;
    assert_eq!(header(&r, "x-error-code"), Some("RevisionNotFound"));
    let r = hub.get("/alice/nope/resolve/main/a.txt", Some(ALICE)).await;
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));

    // deletions: file, folder (with trailing slash), a deletedFile naming a folder, missing file
    let r = hub
        .commit(
            "alice/c",
            ALICE,
            None,
            &[
                json!({"key": "deletedFile", "value": {"path": "a.txt"}}),
                json!({"key": "deletedFolder", "value": {"path": "dir/sub/"}}),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let t = body_json(
        hub.get("/api/models/alice/c/tree/main?recursive=true", None)
            .await,
    )
    .await;
    let paths: Vec<_> = t
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![".gitattributes", "dir", "dir/b.txt", "empty.txt"]
    );
    let r = hub
        .commit(
            "alice/c",
            ALICE,
            None,
            &[json!({"key": "deletedFile", "value": {"path": "dir"}})],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .commit(
            "alice/c",
            ALICE,
            None,
            &[json!({"key": "deletedFile", "value": {"path": "ghost.txt"}})],
        )
        .await;
    assert_eq!(
        (r.status(), header(&r, "x-error-code")),
        (StatusCode::NOT_FOUND, Some("EntryNotFound"))
    );
    assert!(body_json(r).await["error"]
        .as_str()
        .unwrap()
        .contains("A file with this name doesn't exist"));
    // the old commit still resolves
    let r = hub
        .get(&format!("/alice/c/resolve/{oid}/a.txt"), None)
        .await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"hello world");
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn tree_pagination_uses_absolute_link() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "p"})).await;
    let files: Vec<Value> = (0..5).map(|i| add(&format!("f{i}.txt"), b"x")).collect();
    hub.commit("alice/p", ALICE, None, &files).await;
    let mut url = format!(
        "{}/api/models/alice/p/tree/main?recursive=true&limit=2",
        hub.url
    );
    let mut seen = Vec::new();
    loop {
        let r = hub.client.get(&url).send().await.unwrap();
        let next = header(&r, "link").map(|l| l.to_string());
        for e in body_json(r).await.as_array().unwrap() {
            seen.push(e["path"].as_str().unwrap().to_string());
        }
        match next {
            Some(l) => {
                assert!(l.ends_with("rel=\"next\""));
                url = l[1..l.find('>').unwrap()].to_string();
                assert!(url.starts_with("http://"));
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn path_traversal_and_malformed_commits_are_400() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let hub = Hub::with_config(Config {
        max_body_bytes: 4096,
        ..cfg
    })
    .await;
    hub.create(ALICE, json!({"name": "t"})).await;
    let before = hub.sha("alice/t", None).await;
    for bad in [
        "../escape.txt",
        "/etc/passwd",
        ".git/config",
        "a/../../b",
        "a/./b",
        "dir\\x",
        "a//b",
        "",
    ] {
        let r = hub.commit("alice/t", ALICE, None, &[add(bad, b"x")]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad:?}");
        assert!(header(&r, "x-error-message").is_some());
        let r = hub
            .commit(
                "alice/t",
                ALICE,
                None,
                &[json!({"key": "deletedFolder", "value": {"path": bad}})],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "delete {bad:?}");
    }
    let header_line = r#"{"key":"header","value":{"summary":"s"}}"#;
    for body in [
        "garbage".to_string(),
        String::new(),
        format!("{header_line}\n{{\"key\":\"file\",\"value\":{{\"path\":\"a\",\"content\":\"***\"}}}}\n"),
        format!("{header_line}\n{{\"key\":\"file\"\n"),
        format!("{header_line}\n[1,2,3]\n"),
        r#"{"key":"file","value":{"path":"a","content":""}}"#.to_string() + "\n",
        format!("{header_line}\n{{\"key\":\"lfsFile\",\"value\":{{\"path\":\"m.bin\",\"algo\":\"sha256\",\"oid\":\"../../x\"}}}}\n"),
        format!("{header_line}\n{{\"key\":\"lfsFile\",\"value\":{{\"path\":\"m.bin\",\"algo\":\"sha256\",\"oid\":\"{}\"}}}}\n", "0".repeat(64)),
    ] {
        let r = hub.commit_raw("alice/t", "main", ALICE, body.clone()).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body:?}");
        assert!(body_json(r).await["error"].is_string());
    }
    // oversized body
    let big = add("big.txt", &vec![b'x'; 8192]);
    let r = hub.commit("alice/t", ALICE, None, &[big]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // committing to a tag-like or unknown revision
    let r = hub
        .commit_raw("alice/t", "nope", ALICE, format!("{header_line}\n"))
        .await;
    assert_eq!(header(&r, "x-error-code"), Some("RevisionNotFound"));
    // bad percent-encoding in the URL
    let r = hub.get("/api/models/alice/t/revision/%zz", None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // nothing was committed
    assert_eq!(hub.sha("alice/t", None).await, before);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn parent_commit_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "pc"})).await;
    let head0 = hub.sha("alice/pc", None).await;
    let r = hub
        .commit("alice/pc", ALICE, Some(&head0[..7]), &[add("one", b"1")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .commit("alice/pc", ALICE, Some(&head0), &[add("two", b"2")])
        .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        body_json(r).await["error"],
        "The branch was updated since you opened this page. Please refresh and try again."
    );
    let files = body_json(hub.get("/api/models/alice/pc/tree/main", None).await).await;
    assert_eq!(files.as_array().unwrap().len(), 2);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn concurrent_commits_are_serialised_without_lost_updates() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "conc"})).await;
    let n = 12;
    let mut tasks = Vec::new();
    for i in 0..n {
        let client = hub.client.clone();
        let url = format!("{}/api/models/alice/conc/commit/main", hub.url);
        let body = format!(
            "{}\n{}\n",
            json!({"key": "header", "value": {"summary": format!("commit {i}")}}),
            add(&format!("file{i}.txt"), format!("content {i}").as_bytes())
        );
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(ALICE)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            body_json(r).await["commitOid"]
                .as_str()
                .unwrap()
                .to_string()
        }));
    }
    let mut oids = Vec::new();
    for t in tasks {
        oids.push(t.await.unwrap());
    }
    oids.sort();
    oids.dedup();
    assert_eq!(oids.len(), n);
    let tree = body_json(hub.get("/api/models/alice/conc/tree/main", None).await).await;
    assert_eq!(tree.as_array().unwrap().len(), n + 1);
    for i in 0..n {
        let r = hub
            .get(&format!("/alice/conc/resolve/main/file{i}.txt"), None)
            .await;
        assert_eq!(r.text().await.unwrap(), format!("content {i}"));
    }
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn large_files_stream_with_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "big"})).await;
    // larger than the 256 KiB streaming chunk, not a multiple of it
    let data: Vec<u8> = (0..700_001u32).map(|i| (i % 251) as u8).collect();
    let r = hub
        .commit("alice/big", ALICE, None, &[add("data.raw", &data)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub.get("/alice/big/resolve/main/data.raw", None).await;
    assert_eq!(header(&r, "content-length"), Some("700001"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[..]);
    let r = hub
        .client
        .get(format!("{}/alice/big/resolve/main/data.raw", hub.url))
        .header("range", "bytes=262000-600000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header(&r, "content-range"),
        Some("bytes 262000-600000/700001")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[262000..=600000]);
    let r = hub
        .client
        .get(format!("{}/alice/big/resolve/main/data.raw", hub.url))
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), &data[data.len() - 10..]);
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn paths_info_and_preupload() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    hub.create(ALICE, json!({"name": "pi"})).await;
    hub.commit(
        "alice/pi",
        ALICE,
        None,
        &[add("a.txt", b"aaa"), add("d/e/f.txt", b"f")],
    )
    .await;
    let r = hub
        .client
        .post(format!("{}/api/models/alice/pi/paths-info/main", hub.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("paths=a.txt&paths=d%2Fe&paths=missing&paths=d/e/f.txt&expand=false")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    let got: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a.txt", "file"),
            ("d/e", "directory"),
            ("d/e/f.txt", "file")
        ]
    );
    assert_eq!(v[0]["oid"], hfh_server::git::blob_oid(b"aaa"));
    assert!(is_hex40(v[1]["oid"].as_str().unwrap()));

    let pre = |body: Value, token: &'static str| {
        hub.req(
            Method::POST,
            "/api/models/alice/pi/preupload/main",
            Some(token),
            Some(body.to_string().into_bytes()),
        )
    };
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let body = json!({"files": [
        {"path": "a.txt", "sample": b64(b"aaa"), "size": 3},
        {"path": "new.txt", "sample": b64(b"hello"), "size": 5},
        {"path": "model.safetensors", "sample": b64(b"xx"), "size": 2},
        {"path": "huge.txt", "sample": b64(b"x"), "size": 20 * 1024 * 1024},
        {"path": "blob.dat", "sample": b64(b"\0\x01\x02"), "size": 2 * 1024 * 1024},
    ]});
    let r = pre(body.clone(), ALICE).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    let files = v["files"].as_array().unwrap();
    let modes: Vec<_> = files
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["uploadMode"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        modes,
        vec![
            ("a.txt", "regular"),
            ("new.txt", "regular"),
            ("model.safetensors", "lfs"),
            ("huge.txt", "lfs"),
            ("blob.dat", "lfs"),
        ]
    );
    assert!(files.iter().all(|f| f["shouldIgnore"] == false));
    assert_eq!(files[0]["oid"], hfh_server::git::blob_oid(b"aaa"));
    assert!(files[1].get("oid").is_none());
    assert_eq!(v["commitOid"], hub.sha("alice/pi", None).await.as_str());
    assert_eq!(
        pre(body.clone(), BOB_READ).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        pre(json!({"files": "nope"}), ALICE).await.status(),
        StatusCode::BAD_REQUEST
    );
    hub.server.stop().await.unwrap();
}
