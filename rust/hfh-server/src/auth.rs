//! Who is calling: bearer-token parsing and the permission rules.
//!
//! Token values are only ever hashed (see `store::accounts::token_digest`); they are never
//! logged, stored or echoed back.

use crate::config::Role;
use crate::errors::{HubError, HubResult};
use crate::store::accounts::{self, Account};
use crate::store::repos::Repo;
use axum::http::HeaderMap;
use rusqlite::Connection;

pub const INVALID_CREDENTIALS: &str = "Invalid credentials in Authorization header";

#[derive(Debug, Clone)]
pub struct User {
    pub account: Account,
    pub role: Role,
    pub token_name: String,
    pub token_created_at: i64,
    /// Organisations and the user's role in each.
    pub orgs: Vec<(Account, String)>,
}

#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    User(Box<User>),
}

/// Extracts the bearer token, if any. A malformed `Authorization` header is an error.
pub fn bearer(headers: &HeaderMap) -> HubResult<Option<String>> {
    let Some(value) = headers.get("authorization") else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| HubError::unauthorized(INVALID_CREDENTIALS))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(HubError::unauthorized(INVALID_CREDENTIALS));
    }
    Ok(Some(token.to_string()))
}

/// Resolves the caller. An unknown token is a 401, as on the Hub, even for public resources.
pub fn identify(conn: &Connection, token: Option<&str>) -> HubResult<Caller> {
    let Some(token) = token else {
        return Ok(Caller::Anonymous);
    };
    let info = accounts::lookup_token(conn, token)?
        .ok_or_else(|| HubError::unauthorized(INVALID_CREDENTIALS))?;
    let orgs = accounts::orgs_of(conn, info.user.id)?;
    Ok(Caller::User(Box::new(User {
        account: info.user,
        role: info.role,
        token_name: info.display_name,
        token_created_at: info.created_at,
        orgs,
    })))
}

impl Caller {
    pub fn is_anonymous(&self) -> bool {
        matches!(self, Caller::Anonymous)
    }

    pub fn user(&self) -> Option<&User> {
        match self {
            Caller::User(u) => Some(u),
            Caller::Anonymous => None,
        }
    }

    /// True if the caller is `ns` or a member of organisation `ns`.
    pub fn is_member_of(&self, ns: &str) -> bool {
        self.user().is_some_and(|u| {
            u.account.name.eq_ignore_ascii_case(ns)
                || u.orgs.iter().any(|(o, _)| o.name.eq_ignore_ascii_case(ns))
        })
    }

    /// Read access to a repository; an invisible repository is reported as not found.
    pub fn check_read(&self, repo: &Repo) -> HubResult<()> {
        if !repo.private || self.is_member_of(&repo.namespace) {
            Ok(())
        } else {
            Err(HubError::repo_not_found(self.is_anonymous()))
        }
    }

    /// Write access to namespace `ns` (creating, deleting, committing).
    /// `repo` is the target repository if it exists (private ones stay invisible to outsiders).
    pub fn check_write(&self, ns: &str, repo: Option<&Repo>) -> HubResult<&User> {
        let Some(user) = self.user() else {
            return Err(match repo {
                Some(_) => HubError::repo_not_found(true),
                None => HubError::unauthorized("You must be authenticated to perform this action."),
            });
        };
        if let Some(r) = repo {
            self.check_read(r)?;
        }
        if !self.is_member_of(ns) {
            return Err(HubError::forbidden(format!(
                "You don't have the rights to write to the namespace \"{ns}\""
            )));
        }
        if let Some((_, role)) = user
            .orgs
            .iter()
            .find(|(o, _)| o.name.eq_ignore_ascii_case(ns))
        {
            if role == "read" {
                return Err(HubError::forbidden(format!(
                    "You don't have the rights to write to the namespace \"{ns}\""
                )));
            }
        }
        if user.role != Role::Write {
            return Err(HubError::forbidden(
                "You have read access but not the required permissions for this operation.",
            ));
        }
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_bearer() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h).unwrap(), None);
        h.insert("authorization", HeaderValue::from_static("Bearer hf_abc"));
        assert_eq!(bearer(&h).unwrap().as_deref(), Some("hf_abc"));
        h.insert(
            "authorization",
            HeaderValue::from_static("bearer   hf_abc "),
        );
        assert_eq!(bearer(&h).unwrap().as_deref(), Some("hf_abc"));
        for bad in ["Basic abc", "Bearer", "Bearer ", "hf_abc"] {
            h.insert("authorization", HeaderValue::from_static(bad));
            let err = bearer(&h).unwrap_err();
            assert_eq!(err.status.as_u16(), 401);
            assert_eq!(err.message, INVALID_CREDENTIALS);
        }
    }
}
