//! Shared helpers for the HTTP tests: a server on 127.0.0.1:0 with three users and an org.
#![allow(dead_code)]

use base64::Engine;
use hfh_server::{Config, RunningServer};
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use std::path::Path;

pub const ALICE: &str = "hf_alice_write_token";
pub const BOB_READ: &str = "hf_bob_read_token";
pub const CAROL: &str = "hf_carol_write_token";

pub fn config(dir: &Path) -> Config {
    Config::new(dir)
        .with_user(&format!("alice:{ALICE}"))
        .unwrap()
        .with_user(&format!("bob:{BOB_READ}:read"))
        .unwrap()
        .with_user(&format!("carol:{CAROL}:write"))
        .unwrap()
        .with_org("acme:alice,bob")
        .unwrap()
}

pub async fn start(cfg: Config) -> RunningServer {
    hfh_server::bind(cfg).await.expect("bind").spawn()
}

pub struct Hub {
    pub server: RunningServer,
    pub client: Client,
    pub url: String,
}

impl Hub {
    pub async fn new(dir: &Path) -> Hub {
        Self::with_config(config(dir)).await
    }

    pub async fn with_config(cfg: Config) -> Hub {
        let server = start(cfg).await;
        let url = server.endpoint();
        Hub {
            server,
            client: Client::new(),
            url,
        }
    }

    pub async fn req(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Response {
        let mut rb = self.client.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.body(b);
        }
        rb.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.req(Method::GET, path, token, None).await
    }

    pub async fn create(&self, token: &str, body: Value) -> Response {
        self.req(
            Method::POST,
            "/api/repos/create",
            Some(token),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn commit_raw(&self, repo: &str, rev: &str, token: &str, body: String) -> Response {
        self.req(
            Method::POST,
            &format!("/api/models/{repo}/commit/{rev}"),
            Some(token),
            Some(body.into_bytes()),
        )
        .await
    }

    pub async fn commit(
        &self,
        repo: &str,
        token: &str,
        parent: Option<&str>,
        lines: &[Value],
    ) -> Response {
        let mut header = json!({"summary": "test commit", "description": ""});
        if let Some(p) = parent {
            header["parentCommit"] = json!(p);
        }
        let mut body = json!({"key": "header", "value": header}).to_string() + "\n";
        for l in lines {
            body.push_str(&l.to_string());
            body.push('\n');
        }
        self.commit_raw(repo, "main", token, body).await
    }

    pub async fn sha(&self, repo: &str, token: Option<&str>) -> String {
        let info = body_json(self.get(&format!("/api/models/{repo}"), token).await).await;
        info["sha"].as_str().expect("sha").to_string()
    }
}

pub fn add(path: &str, content: &[u8]) -> Value {
    json!({"key": "file", "value": {
        "content": base64::engine::general_purpose::STANDARD.encode(content),
        "path": path, "encoding": "base64"}})
}

pub async fn body_json(r: Response) -> Value {
    let status = r.status();
    let bytes = r.bytes().await.expect("body");
    serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON ({status}): {bytes:?}"))
}

pub fn header<'a>(r: &'a Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

pub fn is_hex40(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
