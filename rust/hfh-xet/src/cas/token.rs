//! The CAS access token: where the CAS is, the bearer token, and when it expires.
//!
//! The Hub hands tokens out from its `xet-read-token` / `xet-write-token` routes. The caller
//! usually fetched the first one already (to learn whether the Hub offers Xet at all) and passes
//! it in with the route; this client GETs the route again, with the same Hub headers, whenever the
//! token expires within the refresh margin, or after the CAS refused it.

use std::time::{SystemTime, UNIX_EPOCH};

use hfh_core::transfer;
use reqwest::header::HeaderMap;

use super::http::{Answer, Http};
use super::CasError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CasToken {
    /// Base URL of the CAS service (no trailing slash).
    pub cas_url: String,
    pub access_token: String,
    /// Expiry, Unix seconds.
    pub exp: u64,
}

impl CasToken {
    /// The token of a token-route answer: the JSON body (`casUrl`, `accessToken`, `exp`), or
    /// else the `X-Xet-*` headers older Hubs sent.
    pub fn from_answer(body: &[u8], headers: &HeaderMap) -> Option<Self> {
        let from_json = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|json| {
                Some(CasToken {
                    cas_url: json.get("casUrl")?.as_str()?.to_string(),
                    access_token: json.get("accessToken")?.as_str()?.to_string(),
                    exp: json.get("exp")?.as_u64()?,
                })
            });
        let token = from_json.or_else(|| {
            let header = |name: &str| headers.get(name)?.to_str().ok().map(str::to_string);
            Some(CasToken {
                cas_url: header("x-xet-cas-url")?,
                access_token: header("x-xet-access-token")?,
                exp: header("x-xet-token-expiration")?.trim().parse().ok()?,
            })
        })?;
        let cas_url = token.cas_url.trim_end_matches('/').to_string();
        (cas_url.starts_with("http://") || cas_url.starts_with("https://"))
            .then_some(CasToken { cas_url, ..token })
    }

    /// `{cas_url}/{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.cas_url, path.trim_start_matches('/'))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub struct TokenSource {
    refresh_url: Option<String>,
    refresh_headers: HeaderMap,
    current: tokio::sync::Mutex<Option<CasToken>>,
}

impl TokenSource {
    /// A source starting from `initial` (if any), refreshed from `refresh_url` with
    /// `refresh_headers` (the Hub headers, `Authorization` included). Without a refresh URL the
    /// initial token is used until the CAS refuses it.
    pub fn new(
        initial: Option<CasToken>,
        refresh_url: Option<String>,
        refresh_headers: &[(String, String)],
    ) -> Result<Self, CasError> {
        if initial.is_none() && refresh_url.is_none() {
            return Err(CasError::Invalid(
                "a CAS token or a token refresh URL is needed".into(),
            ));
        }
        Ok(Self {
            refresh_url,
            refresh_headers: transfer::header_map(refresh_headers).map_err(CasError::Invalid)?,
            current: tokio::sync::Mutex::new(initial),
        })
    }

    /// A token valid for at least the refresh margin (fetching one if needed).
    pub(crate) async fn get(&self, http: &Http) -> Result<CasToken, CasError> {
        let mut current = self.current.lock().await;
        let margin = http.opts.token_refresh_margin.as_secs();
        match current.as_ref() {
            Some(token) if token.exp > now().saturating_add(margin) => Ok(token.clone()),
            Some(token) if self.refresh_url.is_none() => Ok(token.clone()),
            _ => {
                let token = self.fetch(http).await?;
                *current = Some(token.clone());
                Ok(token)
            }
        }
    }

    /// Forget the current token so that the next `get` fetches a new one (after a 401). Kept
    /// when there is no way to get another.
    pub(crate) async fn invalidate(&self) {
        if self.refresh_url.is_some() {
            *self.current.lock().await = None;
        }
    }

    async fn fetch(&self, http: &Http) -> Result<CasToken, CasError> {
        let url = self
            .refresh_url
            .as_deref()
            .ok_or_else(|| CasError::Invalid("no token refresh URL".into()))?;
        // Boxed: `Http::call` fetches tokens through here, so the futures nest.
        let answer: Answer = Box::pin(http.call(None, |client, _| {
            client.get(url).headers(self.refresh_headers.clone())
        }))
        .await?;
        if !answer.is_success() {
            return Err(answer.into_error());
        }
        CasToken::from_answer(&answer.body, &answer.headers).ok_or_else(|| {
            CasError::Protocol(format!(
                "the Xet token route {url} answered without a usable casUrl/accessToken/exp"
            ))
        })
    }
}
