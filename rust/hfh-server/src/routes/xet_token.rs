//! Xet access: `GET /api/{T}/{ns}/{name}/xet-{read,write}-token/{rev}` hands out a CAS access
//! token, as JSON (`casUrl`, `accessToken`, `exp`) and as `X-Xet-*` headers, under the same
//! rules as the rest of the Hub (read access and gating for a read token; write access, or the
//! right to open and push to pull requests, for a write token).
//!
//! The token is signed by the server (`signing`) and carries its scope, its repository and its
//! expiry: `hfx.<r|w>.<repo row id>.<repo hub id>.<expires>.<signature>`. The CAS (`cas`)
//! checks it on every call, and refuses it once expired (401) or for a write with a read
//! token (403). hf_xet asks for a fresh one before `exp`.

use super::objects::RepoKey;
use super::{json, Ctx, Resp};
use crate::errors::{HubError, HubResult};
use crate::signing::{now_secs, Purpose, SignatureError, Signer};
use crate::store::repos::RepoType;
use axum::http::{HeaderValue, StatusCode};
use serde_json::json;

/// Lifetime of a CAS token, in seconds.
pub const CAS_TOKEN_TTL: u64 = 3600;
/// Path of the CAS on this server (hf_xet appends `/v1/...` to `casUrl`).
pub const CAS_PREFIX: &str = "/cas";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    fn letter(self) -> &'static str {
        match self {
            Scope::Read => "r",
            Scope::Write => "w",
        }
    }
}

/// A checked CAS token.
#[derive(Debug, Clone)]
pub struct CasToken {
    pub scope: Scope,
    pub repo: RepoKey,
}

/// A new token for `repo` with `scope`, valid until `expires`.
pub fn issue(signer: &Signer, scope: Scope, repo: &RepoKey, expires: u64) -> String {
    let repo_text = repo.signed();
    let sig = signer.sign_fields(Purpose::CasToken, &[scope.letter(), &repo_text], expires);
    format!("hfx.{}.{repo_text}.{expires}.{sig}", scope.letter())
}

/// Checks a token (signature and expiry). Errors are 401s.
pub fn check(signer: &Signer, token: &str, now: u64) -> HubResult<CasToken> {
    let invalid = || HubError::unauthorized("Invalid CAS access token");
    let parts: Vec<&str> = token.split('.').collect();
    let ["hfx", scope, id, hub_id, expires, sig] = parts.as_slice() else {
        return Err(invalid());
    };
    let scope = match *scope {
        "r" => Scope::Read,
        "w" => Scope::Write,
        _ => return Err(invalid()),
    };
    let repo = RepoKey::parse(&format!("{id}.{hub_id}")).ok_or_else(invalid)?;
    let expires: u64 = expires.parse().map_err(|_| invalid())?;
    let repo_text = repo.signed();
    match signer.verify_fields(
        Purpose::CasToken,
        &[scope.letter(), &repo_text],
        expires,
        sig,
        now,
    ) {
        Ok(()) => Ok(CasToken { scope, repo }),
        Err(SignatureError::Expired) => Err(HubError::unauthorized("CAS access token expired")),
        Err(SignatureError::Invalid) => Err(invalid()),
    }
}

/// `GET /api/{T}/{ns}/{name}/xet-{read,write}-token/{rev}` (`rev` may be the literal `None`).
pub async fn token(
    ctx: &Ctx,
    kind: RepoType,
    ns: &str,
    name: &str,
    scope: Scope,
    rev: &str,
) -> HubResult<Resp> {
    let repo = ctx.readable_repo(kind, ns, name).await?;
    match scope {
        Scope::Read => super::access::require_download(ctx, &repo).await?,
        Scope::Write => {
            let create_pr = ctx.query.flag("create_pr");
            let rev = (rev != "None").then_some(rev);
            super::access::require_commit_access(ctx, &repo, rev, create_pr).await?;
        }
    }
    let expires = now_secs() + CAS_TOKEN_TTL;
    let access = issue(&ctx.state.signer, scope, &RepoKey::of(&repo), expires);
    let cas_url = format!("{}{CAS_PREFIX}", ctx.endpoint);
    let mut resp = json(
        StatusCode::OK,
        &json!({"casUrl": cas_url, "accessToken": access, "exp": expires}),
    );
    let h = resp.headers_mut();
    for (name, value) in [
        ("x-xet-cas-url", cas_url),
        ("x-xet-access-token", access),
        ("x-xet-token-expiration", expires.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_scope_repo_and_expiry() {
        let signer = Signer::from_key([3; 32]);
        let repo = RepoKey {
            id: 7,
            hub_id: "abc123".into(),
        };
        let t = issue(&signer, Scope::Write, &repo, 1000);
        let got = check(&signer, &t, 999).unwrap();
        assert_eq!(got.scope, Scope::Write);
        assert_eq!((got.repo.id, got.repo.hub_id.as_str()), (7, "abc123"));
        let expired = check(&signer, &t, 1001).unwrap_err();
        assert_eq!(expired.status.as_u16(), 401);
        assert!(expired.message.contains("expired"));
        // Any edited field breaks the signature.
        for forged in [
            t.replacen("hfx.w.", "hfx.r.", 1),
            t.replacen(".7.", ".8.", 1),
            t.replacen(".1000.", ".5000.", 1),
            "hfx.w.7.abc123.1000".into(),
            "garbage".into(),
        ] {
            assert_eq!(check(&signer, &forged, 0).unwrap_err().status.as_u16(), 401);
        }
        let other = Signer::from_key([4; 32]);
        assert!(check(&other, &t, 0).is_err());
    }
}
