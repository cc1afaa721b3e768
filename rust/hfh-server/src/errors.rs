//! One error type for every route, rendered the way the Hub renders errors: a status code,
//! `X-Error-Code` / `X-Error-Message` headers and a JSON body `{"error": msg}` (plus extra
//! fields such as `url` on a 409 from repo creation).

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct HubError {
    pub status: StatusCode,
    /// `RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, `GatedRepo`, ...
    pub code: Option<&'static str>,
    pub message: String,
    /// Extra JSON fields merged into the body (e.g. `url`).
    pub extra: Map<String, Value>,
    /// Sent as `X-Repo-Commit` (EntryNotFound on resolve, so clients can write `.no_exist`).
    pub repo_commit: Option<String>,
}

impl HubError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        HubError {
            status,
            code: None,
            message: message.into(),
            extra: Map::new(),
            repo_commit: None,
        }
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn with_extra(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    pub fn with_commit(mut self, commit: impl Into<String>) -> Self {
        self.repo_commit = Some(commit.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// Unknown or invisible repository. Anonymous callers get a 401, as on the Hub, so the
    /// client hints at authentication; authenticated callers get a 404.
    pub fn repo_not_found(anonymous: bool) -> Self {
        if anonymous {
            Self::unauthorized("Invalid username or password.").with_code("RepoNotFound")
        } else {
            Self::not_found("Repository not found").with_code("RepoNotFound")
        }
    }

    pub fn revision_not_found(rev: &str) -> Self {
        Self::not_found(format!("Invalid rev id: {rev}")).with_code("RevisionNotFound")
    }

    pub fn entry_not_found(message: impl Into<String>) -> Self {
        Self::not_found(message).with_code("EntryNotFound")
    }

    pub fn into_response(self) -> Response<Body> {
        let mut body = self.extra;
        body.insert("error".into(), Value::String(self.message.clone()));
        let bytes = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
        let mut resp = Response::new(Body::from(bytes));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        h.insert(
            "content-type",
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if let Some(code) = self.code {
            h.insert("x-error-code", HeaderValue::from_static(code));
        }
        // Header values must be visible ASCII: fall back to an escaped form otherwise.
        let msg: String = self
            .message
            .chars()
            .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
            .collect();
        if let Ok(v) = HeaderValue::from_str(&msg) {
            h.insert("x-error-message", v);
        }
        if let Some(commit) = self
            .repo_commit
            .and_then(|c| HeaderValue::from_str(&c).ok())
        {
            h.insert("x-repo-commit", commit);
        }
        resp
    }
}

impl std::fmt::Display for HubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for HubError {}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> Self {
        HubError::internal(format!("database error: {e}"))
    }
}

impl From<std::io::Error> for HubError {
    fn from(e: std::io::Error) -> Self {
        HubError::internal(format!("storage error: {e}"))
    }
}

pub type HubResult<T> = Result<T, HubError>;
