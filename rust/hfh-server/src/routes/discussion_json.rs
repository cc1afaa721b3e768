//! Rendering discussions and their events the way the Hub serves them.
//!
//! The same function renders an event everywhere (timeline, `newMessage`, `updatedComment`,
//! `newTitle`, `newStatus`), so clients can compare the event a change returned with the one
//! they later find in the details.

use super::community::{account_json, author_json};
use crate::errors::HubResult;
use crate::store::accounts::Account;
use crate::store::discussions::{self, Discussion, Event, EventKind};
use crate::store::repos::Repo;
use crate::util::iso8601;
use rusqlite::Connection;
use serde_json::{json, Value};
use std::collections::HashMap;

/// What a hidden comment shows instead of its text.
pub const HIDDEN_TEXT: &str = "This comment has been hidden";

/// Minimal Markdown-to-HTML: escaped text, one `<p>` per paragraph, line breaks kept.
pub fn render_html(raw: &str) -> String {
    let escaped = raw
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    escaped
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `{"name": "ns/name", "type": "model"}`
pub fn repo_json(repo: &Repo) -> Value {
    json!({"name": repo.full_id(), "type": repo.kind.singular()})
}

/// `{E}/{prefix}{ns}/{name}/discussions/{num}`
pub fn discussion_url(endpoint: &str, repo: &Repo, num: i64) -> String {
    format!("{}/discussions/{num}", repo.url(endpoint))
}

/// Renders events, looking up comment editors once each.
pub struct Renderer<'a> {
    pub endpoint: &'a str,
    accounts: HashMap<i64, Option<Account>>,
}

impl<'a> Renderer<'a> {
    pub fn new(endpoint: &'a str) -> Self {
        Renderer {
            endpoint,
            accounts: HashMap::new(),
        }
    }

    fn account(&mut self, conn: &Connection, id: i64) -> HubResult<Option<Account>> {
        if let Some(a) = self.accounts.get(&id) {
            return Ok(a.clone());
        }
        let a = discussions::account_by_id(conn, id)?;
        self.accounts.insert(id, a.clone());
        Ok(a)
    }

    fn version_json(&mut self, conn: &Connection, v: &Value, hidden: bool) -> HubResult<Value> {
        let raw = if hidden {
            HIDDEN_TEXT
        } else {
            v["raw"].as_str().unwrap_or_default()
        };
        let by = v["by"].as_i64().unwrap_or_default();
        let author = self.account(conn, by)?;
        Ok(json!({
            "raw": raw,
            "html": render_html(raw),
            "updatedAt": iso8601(v["at"].as_i64().unwrap_or_default()),
            "author": author_json(self.endpoint, author.as_ref()),
        }))
    }

    fn comment_data(&mut self, conn: &Connection, data: &Value) -> HubResult<Value> {
        let hidden = data["hidden"].as_bool().unwrap_or(false);
        let versions = data["versions"].as_array().cloned().unwrap_or_default();
        let latest = match versions.last() {
            Some(v) => self.version_json(conn, v, hidden)?,
            None => Value::Null,
        };
        // Earlier versions, newest first; a hidden comment's content is gone for good.
        let mut history = Vec::new();
        if !hidden {
            for v in versions.iter().rev().skip(1) {
                history.push(self.version_json(conn, v, false)?);
            }
        }
        let mut editors: Vec<String> = Vec::new();
        for v in &versions {
            if let Some(a) = self.account(conn, v["by"].as_i64().unwrap_or_default())? {
                if !editors.contains(&a.name) {
                    editors.push(a.name);
                }
            }
        }
        let avatars: Vec<String> = editors
            .iter()
            .map(|n| super::community::avatar_url(self.endpoint, n))
            .collect();
        Ok(json!({
            "edited": versions.len() > 1,
            "hidden": hidden,
            "latest": latest,
            "numEdits": versions.len().saturating_sub(1),
            "editors": editors,
            "editorAvatarUrls": avatars,
            "reactions": [],
            "isReport": false,
            "history": history,
        }))
    }

    pub fn event(&mut self, conn: &Connection, e: &Event) -> HubResult<Value> {
        let data = match e.kind {
            EventKind::Comment => self.comment_data(conn, &e.data)?,
            EventKind::StatusChange => json!({"status": e.data["status"]}),
            EventKind::TitleChange => json!({"from": e.data["from"], "to": e.data["to"]}),
            EventKind::Commit => json!({"subject": e.data["subject"], "oid": e.data["oid"]}),
        };
        Ok(json!({
            "id": e.hub_id,
            "author": author_json(self.endpoint, e.author.as_ref()),
            "type": e.kind.as_str(),
            "createdAt": iso8601(e.created_at),
            "data": data,
        }))
    }
}

/// The fields shared by list items and details.
pub fn summary_json(endpoint: &str, repo: &Repo, d: &Discussion) -> Value {
    json!({
        "num": d.num,
        "title": d.title,
        "status": d.status.as_str(),
        "createdAt": iso8601(d.created_at),
        "author": d.author.as_ref().map_or(Value::Null, |a| account_json(endpoint, a)),
        "repo": repo_json(repo),
        "isPullRequest": d.is_pull_request,
        "pinned": false,
        "locked": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_split_in_paragraphs() {
        assert_eq!(
            render_html("**Hi** <b>&\n\nline1\nline2"),
            "<p>**Hi** &lt;b&gt;&amp;</p>\n<p>line1<br>\nline2</p>"
        );
        assert_eq!(render_html(""), "");
    }
}
