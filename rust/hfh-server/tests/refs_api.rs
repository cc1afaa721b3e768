//! Refs, history, branches, tags and validate-yaml over real HTTP.

use base64::Engine;
use hfh_server::Config;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const TOKEN: &str = "hf_refs_token";

struct Hub {
    server: hfh_server::RunningServer,
    client: Client,
    url: String,
}

impl Hub {
    async fn start(dir: &std::path::Path) -> Hub {
        let cfg = Config::new(dir)
            .with_user(&format!("alice:{TOKEN}"))
            .unwrap();
        let server = hfh_server::bind(cfg).await.unwrap().spawn();
        let url = server.endpoint();
        Hub {
            server,
            client: Client::new(),
            url,
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut rb = self
            .client
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            rb = rb.body(b.to_string());
        }
        rb.send().await.unwrap()
    }

    async fn commit(&self, rev: &str, path: &str, content: &str, summary: &str) -> String {
        let body = format!(
            "{}\n{}\n",
            json!({"key": "header", "value": {"summary": summary, "description": "details"}}),
            json!({"key": "file", "value": {"path": path, "encoding": "base64",
                "content": base64::engine::general_purpose::STANDARD.encode(content)}})
        );
        let r = self
            .client
            .post(format!("{}/api/models/alice/r/commit/{rev}", self.url))
            .bearer_auth(TOKEN)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        json_of(r).await["commitOid"].as_str().unwrap().to_string()
    }
}

async fn json_of(r: reqwest::Response) -> Value {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn refs_commits_branches_and_tags() {
    use reqwest::Method;
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path()).await;
    hub.send(
        Method::POST,
        "/api/repos/create",
        Some(json!({"name": "r"})),
    )
    .await;
    let c1 = hub.commit("main", "a.txt", "1", "first <b>").await;
    let c2 = hub.commit("main", "a.txt", "2", "second").await;

    // history, newest first, with the initial commit last
    let r = hub
        .send(
            Method::GET,
            "/api/models/alice/r/commits/main?expand[]=formatted",
            None,
        )
        .await;
    let v = json_of(r).await;
    let ids: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(&ids[..2], &[c2.as_str(), c1.as_str()]);
    assert_eq!(v[2]["title"], "initial commit");
    assert_eq!(v[0]["authors"][0]["user"], "alice");
    assert_eq!(v[0]["message"], "details");
    assert_eq!(v[1]["formatted"]["title"], "first &lt;b&gt;");
    // pagination
    let r = hub
        .send(
            Method::GET,
            "/api/models/alice/r/commits/main?limit=2",
            None,
        )
        .await;
    let link = r
        .headers()
        .get("link")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(json_of(r).await.as_array().unwrap().len(), 2);
    let next = &link[1..link.find('>').unwrap()];
    let page2 = json_of(hub.client.get(next).send().await.unwrap()).await;
    assert_eq!(page2[0]["title"], "initial commit");

    // branches
    let r = hub
        .send(
            Method::POST,
            "/api/models/alice/r/branch/dev",
            Some(json!({"startingPoint": c1})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .send(Method::POST, "/api/models/alice/r/branch/dev", None)
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        json_of(r).await["error"],
        "Reference refs/heads/dev already exists"
    );
    for bad in ["refs%2Fpr%2F5", "a%20b", "x..y"] {
        let r = hub
            .send(
                Method::POST,
                &format!("/api/models/alice/r/branch/{bad}"),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = hub
        .send(
            Method::POST,
            "/api/models/alice/r/branch/x",
            Some(json!({"startingPoint": "nope"})),
        )
        .await;
    assert_eq!(r.headers()["x-error-code"], "RevisionNotFound");
    // a slash in a branch name, committed to through its encoded name
    hub.send(Method::POST, "/api/models/alice/r/branch/feat%2Fone", None)
        .await;
    let c3 = hub.commit("feat%2Fone", "b.txt", "b", "on feature").await;
    let r = hub
        .send(Method::GET, "/api/models/alice/r/revision/feat%2Fone", None)
        .await;
    assert_eq!(json_of(r).await["sha"], c3.as_str());
    let r = hub
        .send(Method::GET, "/alice/r/resolve/dev/a.txt", None)
        .await;
    assert_eq!(r.text().await.unwrap(), "1");

    // tags
    let r = hub
        .send(
            Method::POST,
            "/api/models/alice/r/tag/dev",
            Some(json!({"tag": "v1", "message": "m"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .send(
            Method::POST,
            "/api/models/alice/r/tag/main",
            Some(json!({"tag": "v1"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = hub
        .send(
            Method::POST,
            "/api/models/alice/r/tag/nope",
            Some(json!({"tag": "v2"})),
        )
        .await;
    assert_eq!(r.headers()["x-error-code"], "RevisionNotFound");
    let r = hub
        .send(
            Method::POST,
            "/api/models/alice/r/tag/main",
            Some(json!({"tag": "bad tag"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub
        .send(Method::GET, "/alice/r/resolve/v1/a.txt", None)
        .await;
    assert_eq!(r.text().await.unwrap(), "1");
    // tags are not committable
    let body = format!("{}\n", json!({"key": "header", "value": {"summary": "s"}}));
    let r = hub
        .client
        .post(format!("{}/api/models/alice/r/commit/v1", hub.url))
        .bearer_auth(TOKEN)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-error-code"], "RevisionNotFound");

    let refs = json_of(
        hub.send(Method::GET, "/api/models/alice/r/refs", None)
            .await,
    )
    .await;
    let names: Vec<_> = refs["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["dev", "feat/one", "main"]);
    assert_eq!(
        refs["tags"][0],
        json!({"name": "v1", "ref": "refs/tags/v1", "targetCommit": c1})
    );
    assert_eq!(refs["converts"], json!([]));
    assert!(refs.get("pullRequests").is_none());
    let refs = json_of(
        hub.send(Method::GET, "/api/models/alice/r/refs?include_prs=1", None)
            .await,
    )
    .await;
    assert_eq!(refs["pullRequests"], json!([]));

    // deletions
    assert_eq!(
        hub.send(Method::DELETE, "/api/models/alice/r/branch/main", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hub.send(Method::DELETE, "/api/models/alice/r/branch/dev", None)
            .await
            .status(),
        StatusCode::OK
    );
    let r = hub
        .send(Method::DELETE, "/api/models/alice/r/branch/dev", None)
        .await;
    assert_eq!(r.headers()["x-error-code"], "RevisionNotFound");
    assert_eq!(
        hub.send(Method::DELETE, "/api/models/alice/r/tag/v1", None)
            .await
            .status(),
        StatusCode::OK
    );
    let r = hub
        .send(Method::DELETE, "/api/models/alice/r/tag/v1", None)
        .await;
    assert_eq!(r.headers()["x-error-code"], "RevisionNotFound");
    let r = hub
        .send(Method::GET, "/alice/r/resolve/v1/a.txt", None)
        .await;
    assert_eq!(r.headers()["x-error-code"], "RevisionNotFound");
    hub.server.stop().await.unwrap();
}

#[tokio::test]
async fn validate_yaml_answers_json_unless_only_text_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path()).await;
    let post = |content: &str| {
        hub.send(
            reqwest::Method::POST,
            "/api/validate-yaml",
            Some(json!({"content": content, "repoType": "model"})),
        )
    };
    let r = post("---\nlicense: mit\n---\n# Title\n").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await, json!({"errors": [], "warnings": []}));
    assert_eq!(post("# no metadata\n").await.status(), StatusCode::OK);
    let r = post("---\nlicense: mit\n# never closed\n").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(r).await["errors"][0]["message"].is_string());
    let r = hub
        .client
        .post(format!("{}/api/validate-yaml", hub.url))
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(r).await["error"].is_string());

    // `RepoCard.validate` accepts text only: one line per finding, errors first.
    let text = |content: &str, accept: &str| {
        hub.client
            .post(format!("{}/api/validate-yaml", hub.url))
            .header("accept", accept)
            .header("content-type", "application/json")
            .body(json!({"content": content, "repoType": "model"}).to_string())
            .send()
    };
    let r = text("---\nlicense: nope\n---\n", "text/plain")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let body = r.text().await.unwrap();
    assert!(
        body.starts_with("- Error: \"license\" must be one of [apache-2.0, mit,"),
        "{body}"
    );
    assert_eq!(body.lines().count(), 1);
    let r = text("---\nlicense: mit\n---\n", "text/plain")
        .await
        .unwrap();
    assert_eq!(
        (r.status(), r.text().await.unwrap()),
        (StatusCode::OK, String::new())
    );
    // Accepting JSON as well keeps the JSON answer.
    let r = text("---\nlicense: nope\n---\n", "text/plain, application/json")
        .await
        .unwrap();
    assert!(json_of(r).await["errors"][0]["message"].is_string());
    hub.server.stop().await.unwrap();
}
