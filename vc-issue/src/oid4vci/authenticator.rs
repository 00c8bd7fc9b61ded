//! The host's hook into the authorization endpoint: who the user behind the browser is, and
//! which of the credentials the wallet asks for they may receive, with what claims.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use axum::http::header::COOKIE;
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::error::BoxError;
use crate::pickup::TokenDigest;

/// An authorization request that passed every check of the protocol (client, redirect URI,
/// PKCE, what it asks for), as the [`UserAuthenticator`] sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Authorizing<'a> {
    /// The wallet's `client_id`.
    pub client_id: &'a str,
    /// The credential configurations asked for (by `authorization_details` or `scope`).
    pub configurations: &'a [String],
    /// Whether the request came with the `issuer_state` of an offer this issuer made.
    pub offered: bool,
    /// The browser's request headers (its session cookie).
    pub headers: &'a HeaderMap,
    /// The URL of this authorization request: where a login page sends the browser back.
    pub return_to: &'a str,
}

/// What the host decided about an [`Authorizing`] request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UserDecision {
    /// The user is signed in and may receive every requested configuration, with these claims.
    Authenticated(UserGrant),
    /// The user is not signed in: the browser goes to this URL (the host's login page), which
    /// sends it back to [`Authorizing::return_to`] afterwards.
    Login(String),
    /// The user refused, or may not receive what was asked for: the wallet hears
    /// `access_denied`.
    Denied,
}

/// The claims about the signed-in user, per credential configuration id: exactly the
/// configurations asked for.
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct UserGrant {
    pub(crate) credentials: BTreeMap<String, Map<String, Value>>,
}

impl UserGrant {
    /// No credential yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Grants a credential of `configuration_id` with these claims (checked against its schema
    /// before the code is issued, and again when the credential is).
    pub fn credential(
        mut self,
        configuration_id: impl Into<String>,
        claims: Map<String, Value>,
    ) -> Self {
        self.credentials.insert(configuration_id.into(), claims);
        self
    }

    /// The configurations granted, by id, with their claims.
    pub fn credentials(&self) -> &BTreeMap<String, Map<String, Value>> {
        &self.credentials
    }
}

/// Authenticates the user at the built-in authorization server's authorization endpoint (the
/// authorization code flow). Object-safe: hold it as `Arc<dyn UserAuthenticator>`.
///
/// The issuer asks it only about requests that passed every protocol check, so an answer never
/// reaches an unregistered redirect URI. An error is the host's failure (`server_error`), not a
/// refusal: a refusal is [`UserDecision::Denied`].
#[async_trait]
pub trait UserAuthenticator: Send + Sync + Debug + 'static {
    /// Who is behind `request`, and what they may receive.
    async fn authenticate(&self, request: &Authorizing<'_>) -> Result<UserDecision, BoxError>;
}

/// The reference [`UserAuthenticator`]: users signed in by a session cookie, their sessions in
/// memory (a host with one process, tests, examples). Sessions are kept by the SHA-256 digest
/// of their value.
///
/// Without the cookie, or with an unknown session, the browser goes to the login URL with
/// `return_to`; a signed-in user lacking one requested configuration is denied.
#[derive(Debug)]
pub struct SessionUsers {
    cookie: String,
    login_url: String,
    sessions: Mutex<HashMap<TokenDigest, UserGrant>>,
}

impl SessionUsers {
    /// Sessions named by the cookie `cookie`; the login page at `login_url`.
    pub fn new(cookie: impl Into<String>, login_url: impl Into<String>) -> Self {
        Self {
            cookie: cookie.into(),
            login_url: login_url.into(),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Signs a user in under `session` (the cookie's value, a secret the login page set) with
    /// every credential they may receive. A session value that cannot be a token is ignored:
    /// no request could present it.
    pub fn sign_in(&self, session: &str, user: UserGrant) {
        if let Some(digest) = TokenDigest::of_presented(session) {
            self.sessions().insert(digest, user);
        }
    }

    /// Ends a session.
    pub fn sign_out(&self, session: &str) {
        if let Some(digest) = TokenDigest::of_presented(session) {
            self.sessions().remove(&digest);
        }
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<TokenDigest, UserGrant>> {
        // One insert, remove or lookup per critical section: a poisoned lock holds no broken
        // state.
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of this authenticator's cookie in `headers`, if exactly one is given.
    fn session<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        let mut found = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == self.cookie)
            .map(|(_, value)| value);
        // Two cookies of one name are ambiguous: neither is trusted.
        match (found.next(), found.next()) {
            (Some(value), None) => Some(value),
            _ => None,
        }
    }

    fn login(&self, return_to: &str) -> String {
        let separator = if self.login_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let encoded: String = url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
        format!("{}{separator}return_to={encoded}", self.login_url)
    }
}

#[async_trait]
impl UserAuthenticator for SessionUsers {
    async fn authenticate(&self, request: &Authorizing<'_>) -> Result<UserDecision, BoxError> {
        let user = self
            .session(request.headers)
            .and_then(TokenDigest::of_presented)
            .and_then(|digest| self.sessions().get(&digest).cloned());
        let Some(user) = user else {
            return Ok(UserDecision::Login(self.login(request.return_to)));
        };
        let mut grant = UserGrant::new();
        for id in request.configurations {
            match user.credentials.get(id) {
                Some(claims) => grant = grant.credential(id.clone(), claims.clone()),
                None => return Ok(UserDecision::Denied),
            }
        }
        Ok(UserDecision::Authenticated(grant))
    }
}
