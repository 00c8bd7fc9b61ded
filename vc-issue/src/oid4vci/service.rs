//! [`Oid4vciIssuer`]: the credential issuer and its built-in authorization server, without HTTP
//! (the routes are in `http`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use openssl::x509::X509;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use vc_core::{Clock, Did, SystemClock};
use vc_status::store::StoreErrorKind;

use super::access_token::AccessTokenVerifier;
use super::authenticator::UserAuthenticator;
use super::authorization::AuthorizationServer;
use super::authorization::AUTHORIZATION_CODE_GRANT;
use super::client::OAuthClient;
use super::configuration::CredentialConfiguration;
use super::dpop;
use super::dpop_nonce::DpopNonces;
use super::error::Oid4vciError;
use super::notification::{Notification, NotificationEvent, NotificationObserver};
use super::offer::{CredentialOffer, OfferRequest, PRE_AUTHORIZED_GRANT};
use super::proof::{self, VerifiedProof};
use super::store::{Checked, Entry, EntryKind, MemoryOid4vciStore, Oid4vciStore};
use crate::pickup::{PickupToken, TokenDigest};
use crate::pipeline::issuer::Issuer;
use crate::pipeline::request::IssuanceRequest;
use crate::queue::{IssuanceQueue, TicketId, TicketState};

/// The paths of the endpoints, below the credential issuer's URL.
pub mod paths {
    /// The token endpoint (built-in authorization server).
    pub const TOKEN: &str = "/oid4vci/token";
    /// The authorization endpoint (built-in authorization server, authorization code flow).
    pub const AUTHORIZATION: &str = "/oid4vci/authorize";
    /// The nonce endpoint.
    pub const NONCE: &str = "/oid4vci/nonce";
    /// The credential endpoint.
    pub const CREDENTIAL: &str = "/oid4vci/credential";
    /// The deferred credential endpoint.
    pub const DEFERRED_CREDENTIAL: &str = "/oid4vci/deferred_credential";
    /// The notification endpoint.
    pub const NOTIFICATION: &str = "/oid4vci/notification";
    /// Offers by reference: `<OFFERS>/<id>`.
    pub const OFFERS: &str = "/oid4vci/offers";
    /// Where the credential issuer metadata is served (for an issuer URL without a path).
    pub const ISSUER_METADATA: &str = "/.well-known/openid-credential-issuer";
    /// Where the authorization server metadata is served (for an issuer URL without a path).
    pub const AS_METADATA: &str = "/.well-known/oauth-authorization-server";
}

/// Defaults of [`Oid4vciIssuerBuilder`]: short lives for everything that is a bearer secret.
pub mod defaults {
    /// How long an authorization code lives: the wallet redeems it right after the redirect.
    pub const AUTHORIZATION_CODE_TTL: time::Duration = time::Duration::minutes(1);
    /// How long a pre-authorized code lives unless the offer says otherwise.
    pub const CODE_TTL: time::Duration = time::Duration::minutes(10);
    /// The longest a pre-authorized code may live.
    pub const MAX_CODE_TTL: time::Duration = time::Duration::days(7);
    /// How long an access token lives.
    pub const TOKEN_TTL: time::Duration = time::Duration::minutes(10);
    /// How long a `c_nonce` lives.
    pub const NONCE_TTL: time::Duration = time::Duration::minutes(5);
    /// How old a key proof's `iat` may be.
    pub const PROOF_MAX_AGE: time::Duration = time::Duration::minutes(5);
    /// How long a deferred transaction and a notification id live.
    pub const TRANSACTION_TTL: time::Duration = time::Duration::days(1);
    /// How many wrong `tx_code`s a pre-authorized code survives (the last one removes it).
    pub const TX_CODE_ATTEMPTS: u32 = 3;
    /// How many key proofs (credentials) one credential request may carry.
    pub const BATCH_SIZE: usize = 4;
    /// The `interval` (seconds) a deferred response asks the wallet to wait.
    pub const DEFERRED_INTERVAL: u64 = 5;
}

/// What the credential and deferred credential endpoints answer: credentials (`200`) or a
/// transaction still pending (`202`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CredentialResponse {
    /// `{"credentials": [{"credential": ...}], "notification_id"}`.
    Issued(Value),
    /// `{"transaction_id", "interval"}`.
    Pending(Value),
}

/// How a wallet presented its access token at a resource endpoint (credential, deferred
/// credential, notification): the token, whether under the `DPoP` scheme (RFC 9449) rather than
/// `Bearer`, and the `DPoP` header's proof.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    /// The access token, if the request carried one.
    pub token: Option<&'a str>,
    /// Whether it came as `Authorization: DPoP <token>`.
    pub dpop_scheme: bool,
    /// The `DPoP` header.
    pub dpop_proof: Option<&'a str>,
}

impl<'a> Presented<'a> {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: &'a str) -> Self {
        Self {
            token: Some(token),
            dpop_scheme: false,
            dpop_proof: None,
        }
    }

    /// `Authorization: DPoP <token>` with `DPoP: <proof>`.
    pub fn dpop(token: &'a str, proof: &'a str) -> Self {
        Self {
            token: Some(token),
            dpop_scheme: true,
            dpop_proof: Some(proof),
        }
    }
}

/// The credential issuer of OpenID4VCI 1.0 with its built-in authorization server (the
/// pre-authorized code grant), over the issuing pipeline, the approval queue and an
/// [`Oid4vciStore`]. Cheap to clone.
#[derive(Clone)]
pub struct Oid4vciIssuer {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) issuer: Issuer,
    pub(crate) issuer_did: Did,
    pub(crate) credential_issuer: String,
    pub(crate) display_name: Option<String>,
    pub(crate) configurations: BTreeMap<String, CredentialConfiguration>,
    pub(crate) store: Arc<dyn Oid4vciStore>,
    pub(crate) queue: Option<IssuanceQueue>,
    pub(crate) observer: Option<Arc<dyn NotificationObserver>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) token_ttl: time::Duration,
    pub(crate) nonce_ttl: time::Duration,
    pub(crate) proof_max_age: time::Duration,
    pub(crate) x5c_anchors: Vec<X509>,
    pub(crate) transaction_ttl: time::Duration,
    pub(crate) tx_code_attempts: u32,
    pub(crate) batch_size: usize,
    pub(crate) deferred_interval: u64,
    pub(crate) dpop: bool,
    pub(crate) dpop_nonces: Option<DpopNonces>,
    pub(crate) authorization: Option<AuthorizationServer>,
    pub(crate) token_verifier: Option<Arc<dyn AccessTokenVerifier>>,
    pub(crate) authorization_servers: Vec<String>,
}

impl fmt::Debug for Oid4vciIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Oid4vciIssuer")
            .field("credential_issuer", &self.inner.credential_issuer)
            .field("issuer_did", &self.inner.issuer_did)
            .field(
                "configurations",
                &self.inner.configurations.keys().collect::<Vec<_>>(),
            )
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

impl Oid4vciIssuer {
    /// Starts building.
    pub fn builder() -> Oid4vciIssuerBuilder {
        Oid4vciIssuerBuilder::default()
    }

    /// The credential issuer identifier (its URL, without a trailing `/`).
    pub fn credential_issuer(&self) -> &str {
        &self.inner.credential_issuer
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Oid4vciStore> {
        &self.inner.store
    }

    /// The configurations, by id.
    pub fn configurations(&self) -> impl Iterator<Item = &CredentialConfiguration> {
        self.inner.configurations.values()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.credential_issuer)
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    pub(crate) fn configuration(&self, id: &str) -> Result<&CredentialConfiguration, Oid4vciError> {
        self.inner
            .configurations
            .get(id)
            .ok_or(Oid4vciError::UnknownCredentialConfiguration)
    }

    /// Makes a credential offer with a pre-authorized code: checks the claims against each
    /// configuration's schema now (a wallet should not learn of a bad offer at the end), stores
    /// the code's digest (and the `tx_code`'s), and returns the offer.
    pub async fn create_offer(
        &self,
        request: OfferRequest,
    ) -> Result<CredentialOffer, Oid4vciError> {
        let ttl = request.ttl.unwrap_or(defaults::CODE_TTL);
        if !ttl.is_positive() || ttl > defaults::MAX_CODE_TTL {
            return Err(Oid4vciError::invalid_request(
                "a pre-authorized code lives more than 0 s and at most 7 days",
            ));
        }
        if !request.authorized.is_empty() {
            return self.create_authorization_offer(request, ttl).await;
        }
        if request.credentials.is_empty() {
            return Err(Oid4vciError::invalid_request(
                "an offer names at least one credential",
            ));
        }
        let mut credentials = Map::new();
        for (id, claims) in &request.credentials {
            let configuration = self.configuration(id)?;
            if credentials.contains_key(id) {
                return Err(Oid4vciError::invalid_request(
                    "an offer names each configuration once",
                ));
            }
            self.check_claims(configuration, claims).await?;
            credentials.insert(id.clone(), Value::Object(claims.clone()));
        }
        if let Some(tx_code) = &request.tx_code {
            tx_code.check()?;
        }
        let code = secret()?;
        let tx_code = request.tx_code.as_ref().map(|t| t.generate());
        let expires_at = self.now() + ttl;
        let mut entry = Entry::new(
            EntryKind::PreAuthorizedCode,
            code.digest(),
            json!({ "credentials": credentials }),
            expires_at,
        );
        if let Some(tx) = &tx_code {
            entry = entry.with_check(
                tx_code_digest(code.expose(), tx),
                self.inner.tx_code_attempts,
            );
        }
        self.inner.store.insert(&entry).await?;

        let mut grant = Map::new();
        grant.insert("pre-authorized_code".into(), json!(code.expose()));
        if let Some(tx_code) = &request.tx_code {
            grant.insert("tx_code".into(), tx_code.to_json());
        }
        let offer = json!({
            "credential_issuer": self.inner.credential_issuer,
            "credential_configuration_ids": request.credentials.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            "grants": { PRE_AUTHORIZED_GRANT: grant },
        });
        self.finish_offer(offer, request.by_reference, tx_code, expires_at)
            .await
    }

    /// Checks `claims` against `configuration`'s schema now, as the pipeline will when it
    /// issues: a wallet should not learn of a bad offer or grant at the end.
    pub(crate) async fn check_claims(
        &self,
        configuration: &CredentialConfiguration,
        claims: &Map<String, Value>,
    ) -> Result<(), Oid4vciError> {
        // The issuer itself stands in for the holder, whom only the key proof will name.
        let probe = IssuanceRequest::new(
            configuration.schema_id.clone(),
            self.inner.issuer_did.clone(),
            self.inner.issuer_did.clone(),
            claims.clone(),
        )
        .with_proof_type(configuration.format.proof_type())
        .with_data_model(configuration.format.data_model());
        self.inner.issuer.check(probe).await?;
        Ok(())
    }

    /// An offer with the `authorization_code` grant: an `issuer_state` the authorization
    /// request brings back, stored (as its digest) with the configurations it offers. The claims
    /// come from the user's authentication.
    async fn create_authorization_offer(
        &self,
        request: OfferRequest,
        ttl: time::Duration,
    ) -> Result<CredentialOffer, Oid4vciError> {
        if !self.authorization_code_flow() {
            return Err(Oid4vciError::config(
                "an authorization code offer needs the authorization code flow (an authenticator)",
            ));
        }
        if !request.credentials.is_empty() || request.tx_code.is_some() {
            return Err(Oid4vciError::invalid_request(
                "an offer is pre-authorized (credentials with claims, a tx_code) or through \
                 authorization, not both",
            ));
        }
        let mut ids: Vec<&String> = Vec::with_capacity(request.authorized.len());
        for id in &request.authorized {
            self.configuration(id)?;
            if ids.contains(&id) {
                return Err(Oid4vciError::invalid_request(
                    "an offer names each configuration once",
                ));
            }
            ids.push(id);
        }
        let state = secret()?;
        let expires_at = self.now() + ttl;
        let entry = Entry::new(
            EntryKind::IssuerState,
            state.digest(),
            json!({ "configurations": ids }),
            expires_at,
        );
        self.inner.store.insert(&entry).await?;
        let offer = json!({
            "credential_issuer": self.inner.credential_issuer,
            "credential_configuration_ids": ids,
            "grants": { AUTHORIZATION_CODE_GRANT: { "issuer_state": state.expose() } },
        });
        self.finish_offer(offer, request.by_reference, None, expires_at)
            .await
    }

    /// The offer, stored for `credential_offer_uri` when it travels by reference.
    async fn finish_offer(
        &self,
        offer: Value,
        by_reference: bool,
        tx_code: Option<String>,
        expires_at: OffsetDateTime,
    ) -> Result<CredentialOffer, Oid4vciError> {
        let reference = if by_reference {
            let id = secret()?;
            let record = Entry::new(EntryKind::Offer, id.digest(), offer.clone(), expires_at);
            self.inner.store.insert(&record).await?;
            Some(self.url(&format!("{}/{}", paths::OFFERS, id.expose())))
        } else {
            None
        };
        Ok(CredentialOffer {
            offer,
            tx_code,
            reference,
            expires_at,
        })
    }

    /// The offer served by reference under `id`, once (it carries the pre-authorized code, so it
    /// does not stay on the server after the wallet fetched it).
    pub async fn take_offer(&self, id: &str) -> Result<Value, Oid4vciError> {
        let digest = TokenDigest::of_presented(id).ok_or(Oid4vciError::OfferNotFound)?;
        self.inner
            .store
            .take(EntryKind::Offer, &digest, self.now())
            .await?
            .ok_or(Oid4vciError::OfferNotFound)
    }

    /// The token endpoint (RFC 6749 §4.1.3, OpenID4VCI 1.0 §6): redeems a pre-authorized code
    /// (with its `tx_code`), once, for an access token.
    ///
    /// With a DPoP proof (`dpop_proof`, the `DPoP` header) the token is bound to its key
    /// (`token_type` `DPoP`); an issuer built with [`dpop`](Oid4vciIssuerBuilder::dpop) requires
    /// one. The proof is checked before the code is redeemed, so a bad proof costs no code.
    pub async fn token(
        &self,
        grant_type: &str,
        pre_authorized_code: Option<&str>,
        tx_code: Option<&str>,
        dpop_proof: Option<&str>,
    ) -> Result<Value, Oid4vciError> {
        if grant_type != PRE_AUTHORIZED_GRANT {
            return Err(Oid4vciError::UnsupportedGrantType);
        }
        let jkt = self.token_dpop(dpop_proof).await?;
        let code = pre_authorized_code
            .ok_or_else(|| Oid4vciError::invalid_request("pre-authorized_code is missing"))?;
        let digest = TokenDigest::of_presented(code).ok_or(Oid4vciError::InvalidGrant)?;
        let check = tx_code.map(|tx| tx_code_digest(code, tx));
        let now = self.now();
        let grant = match self
            .inner
            .store
            .take_checked(EntryKind::PreAuthorizedCode, &digest, check.as_ref(), now)
            .await?
        {
            Checked::Taken(grant) => grant,
            _ => return Err(Oid4vciError::InvalidGrant),
        };
        let credentials = grant
            .get("credentials")
            .and_then(Value::as_object)
            .ok_or_else(|| Oid4vciError::config("a stored grant has no credentials"))?;
        self.grant_access(credentials, jkt, now).await
    }

    /// The DPoP proof of a token request, checked (its key's thumbprint), or its absence where
    /// allowed. Checked before a code is redeemed, so a bad proof costs no code.
    pub(crate) async fn token_dpop(
        &self,
        dpop_proof: Option<&str>,
    ) -> Result<Option<String>, Oid4vciError> {
        match dpop_proof {
            Some(proof) => Ok(Some(self.dpop_once(proof, paths::TOKEN, None).await?)),
            None if self.inner.dpop => Err(Oid4vciError::invalid_dpop_proof(
                "this issuer binds tokens to a key: send a DPoP proof",
            )),
            None => Ok(None),
        }
    }

    /// An access token covering `credentials` (claims by configuration id), bound to `jkt`
    /// when given: the token response.
    pub(crate) async fn grant_access(
        &self,
        credentials: &Map<String, Value>,
        jkt: Option<String>,
        now: OffsetDateTime,
    ) -> Result<Value, Oid4vciError> {
        let token = secret()?;
        let expires_at = now + self.inner.token_ttl;
        let ids: Vec<&String> = credentials.keys().collect();
        self.inner
            .store
            .insert(&Entry::new(
                EntryKind::AccessToken,
                token.digest(),
                json!({ "configurations": ids, "jkt": jkt }),
                expires_at,
            ))
            .await?;
        for (id, claims) in credentials {
            let entry = Entry::new(
                EntryKind::Authorization,
                authorization_digest(&token.digest(), id),
                json!({ "claims": claims }),
                expires_at,
            );
            self.inner.store.insert(&entry).await?;
        }
        Ok(json!({
            "access_token": token.expose(),
            "token_type": if jkt.is_some() { "DPoP" } else { "Bearer" },
            "expires_in": self.inner.token_ttl.whole_seconds(),
        }))
    }

    /// The nonce endpoint (§7): a fresh `c_nonce`, good for one credential request.
    pub async fn nonce(&self) -> Result<Value, Oid4vciError> {
        let nonce = secret()?;
        let entry = Entry::new(
            EntryKind::Nonce,
            nonce.digest(),
            Value::Null,
            self.now() + self.inner.nonce_ttl,
        );
        self.inner.store.insert(&entry).await?;
        Ok(json!({ "c_nonce": nonce.expose() }))
    }

    /// Verifies a DPoP proof of a `POST` to `path` (for `token` at a resource endpoint) and
    /// records its `jti`, so that it works once; returns its key's thumbprint.
    async fn dpop_once(
        &self,
        proof: &str,
        path: &str,
        token: Option<&str>,
    ) -> Result<String, Oid4vciError> {
        let now = self.now();
        let max_age = self.inner.proof_max_age;
        let proven = dpop::verify(proof, "POST", &self.url(path), token, now, max_age)?;
        if let Some(nonces) = &self.inner.dpop_nonces {
            nonces
                .check(proven.nonce.as_deref(), self.inner.store.as_ref(), now)
                .await?;
        }
        let mut hasher = Sha256::new();
        hasher.update(proven.jkt.as_bytes());
        hasher.update(b"\0");
        hasher.update(proven.jti.as_bytes());
        // Kept as long as its `iat` could be accepted (and the skew into the future).
        let seen = Entry::new(
            EntryKind::DpopJti,
            TokenDigest::from_bytes(hasher.finalize().into()),
            Value::Null,
            now + max_age + time::Duration::minutes(2),
        );
        match self.inner.store.insert(&seen).await {
            Ok(()) => Ok(proven.jkt),
            Err(e) if e.kind() == StoreErrorKind::AlreadyExists => Err(
                Oid4vciError::invalid_dpop_proof("the proof's jti was used before"),
            ),
            Err(e) => Err(e.into()),
        }
    }

    /// The digest of a live access token presented at `path`, after checking its DPoP binding.
    async fn authorized(
        &self,
        presented: Presented<'_>,
        path: &str,
    ) -> Result<TokenDigest, Oid4vciError> {
        let token = presented.token.ok_or(Oid4vciError::InvalidToken)?;
        let digest = self.access_token_digest(token)?;
        let record = match self
            .inner
            .store
            .get(EntryKind::AccessToken, &digest, self.now())
            .await?
        {
            Some(record) => record,
            None => self
                .adopt(token, &digest)
                .await?
                .ok_or(Oid4vciError::InvalidToken)?,
        };
        match record.get("jkt").and_then(Value::as_str) {
            // A DPoP-bound token is no bearer token (RFC 9449 §7.1).
            Some(_) if !presented.dpop_scheme => return Err(Oid4vciError::InvalidToken),
            Some(jkt) => {
                let proof = presented.dpop_proof.ok_or_else(|| {
                    Oid4vciError::invalid_dpop_proof("a DPoP-bound token needs a DPoP proof")
                })?;
                if self.dpop_once(proof, path, Some(token)).await? != jkt {
                    return Err(Oid4vciError::invalid_dpop_proof(
                        "the proof's key is not the one the token is bound to",
                    ));
                }
            }
            None if presented.dpop_scheme => return Err(Oid4vciError::InvalidToken),
            None => {}
        }
        Ok(digest)
    }

    /// The digest an access token is stored under. This issuer's tokens are short; a JWT of the
    /// host's server may be longer, up to the bound its verifier reads.
    fn access_token_digest(&self, token: &str) -> Result<TokenDigest, Oid4vciError> {
        let token = token.trim();
        let limit = if self.inner.token_verifier.is_some() {
            super::proof::MAX_PROOF_LEN
        } else {
            0
        };
        TokenDigest::of_presented(token)
            .or_else(|| {
                (token.len() <= limit)
                    .then(|| TokenDigest::from_bytes(Sha256::digest(token.as_bytes()).into()))
            })
            .ok_or(Oid4vciError::InvalidToken)
    }

    /// A token of the host's OAuth server, if its [`AccessTokenVerifier`] vouches for it: stored
    /// as a token of this issuer (what it grants, issued once), until it expires. Of concurrent
    /// first presentations one stores the grant; the others read what it stored.
    async fn adopt(
        &self,
        token: &str,
        digest: &TokenDigest,
    ) -> Result<Option<Value>, Oid4vciError> {
        let Some(verifier) = &self.inner.token_verifier else {
            return Ok(None);
        };
        let now = self.now();
        let Some(access) = verifier
            .verify(token, now)
            .await
            .map_err(Oid4vciError::TokenVerifier)?
        else {
            return Ok(None);
        };
        if access.expires_at <= now {
            return Ok(None);
        }
        for (id, claims) in &access.grant.credentials {
            self.check_claims(self.configuration(id)?, claims).await?;
        }
        let ids: Vec<&String> = access.grant.credentials.keys().collect();
        let record = json!({ "configurations": ids, "jkt": access.jkt });
        let entry = Entry::new(
            EntryKind::AccessToken,
            *digest,
            record.clone(),
            access.expires_at,
        );
        match self.inner.store.insert(&entry).await {
            Ok(()) => {}
            Err(e) if e.kind() == StoreErrorKind::AlreadyExists => {
                return Ok(self
                    .inner
                    .store
                    .get(EntryKind::AccessToken, digest, now)
                    .await?)
            }
            Err(e) => return Err(e.into()),
        }
        // Only the request that stored the token stores its grant: a credential issued under
        // it is never granted again.
        for (id, claims) in &access.grant.credentials {
            let entry = Entry::new(
                EntryKind::Authorization,
                authorization_digest(digest, id),
                json!({ "claims": claims }),
                access.expires_at,
            );
            self.inner.store.insert(&entry).await?;
        }
        Ok(Some(record))
    }

    /// The credential endpoint (§8): checks the access token, the request, each key proof and
    /// its `c_nonce`, and issues one credential per proof, each bound to its proof's key,
    /// through the pipeline (or submits them to the approval queue, for a deferred
    /// configuration).
    pub async fn credential(
        &self,
        presented: Presented<'_>,
        request: &Value,
    ) -> Result<CredentialResponse, Oid4vciError> {
        let token = self.authorized(presented, paths::CREDENTIAL).await?;
        let body = request
            .as_object()
            .ok_or_else(|| Oid4vciError::invalid_credential_request("the body is not an object"))?;
        for key in body.keys() {
            match key.as_str() {
                "credential_configuration_id" | "credential_identifier" | "proofs" => {}
                "proof" => {
                    return Err(Oid4vciError::invalid_credential_request(
                        "`proof` is not part of OpenID4VCI 1.0: send `proofs`",
                    ))
                }
                "credential_response_encryption" => {
                    return Err(Oid4vciError::invalid_credential_request(
                        "credential response encryption is not supported",
                    ))
                }
                other => {
                    return Err(Oid4vciError::invalid_credential_request(format!(
                        "unknown parameter `{other}`"
                    )))
                }
            }
        }
        let id = match (
            body.get("credential_configuration_id"),
            body.get("credential_identifier"),
        ) {
            (Some(Value::String(id)), None) => {
                self.configuration(id)?;
                id.clone()
            }
            // This issuer's credential identifiers are the configuration ids an access token
            // covers.
            (None, Some(Value::String(id))) => {
                if !self.inner.configurations.contains_key(id) {
                    return Err(Oid4vciError::UnknownCredentialIdentifier);
                }
                id.clone()
            }
            _ => {
                return Err(Oid4vciError::invalid_credential_request(
                    "give exactly one of credential_configuration_id and credential_identifier, as a string",
                ))
            }
        };
        let configuration = self.configuration(&id)?.clone();
        let holders = self.verify_proofs(body.get("proofs")).await?;

        let authorization = authorization_digest(&token, &id);
        let now = self.now();
        let granted = self
            .inner
            .store
            .take(EntryKind::Authorization, &authorization, now)
            .await?
            .ok_or_else(|| {
                Oid4vciError::invalid_credential_request(
                    "the access token does not cover this configuration, or it was issued",
                )
            })?;
        let claims = granted
            .get("claims")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let requests: Result<Vec<IssuanceRequest>, Oid4vciError> = holders
            .into_iter()
            .map(|proof| {
                Ok(configuration
                    .format
                    .request(
                        &configuration.schema_id,
                        &self.inner.issuer_did,
                        proof.holder,
                        &proof.key,
                        claims.clone(),
                    )?
                    .revocable(configuration.revocable))
            })
            .collect();
        let outcome = match requests {
            Ok(requests) if configuration.deferred => self.submit(&token, &id, requests).await,
            Ok(requests) => self.issue(&token, &id, requests).await,
            Err(e) => Err(e),
        };
        if outcome.is_err() {
            // Nothing was issued: the wallet may try again with the same access token.
            let restore = Entry::new(
                EntryKind::Authorization,
                authorization,
                granted,
                now + self.inner.token_ttl,
            );
            let _ = self.inner.store.insert(&restore).await;
        }
        outcome
    }

    /// Verifies every key proof and takes their (one, shared) `c_nonce`; returns the proofs.
    async fn verify_proofs(
        &self,
        proofs: Option<&Value>,
    ) -> Result<Vec<VerifiedProof>, Oid4vciError> {
        let proofs = proofs
            .and_then(Value::as_object)
            .ok_or_else(|| Oid4vciError::invalid_proof("the request has no `proofs` object"))?;
        if proofs.len() != 1 || !proofs.contains_key("jwt") {
            return Err(Oid4vciError::invalid_proof(
                "`proofs` must hold exactly one proof type, `jwt`",
            ));
        }
        let jwts = proofs
            .get("jwt")
            .and_then(Value::as_array)
            .filter(|jwts| !jwts.is_empty())
            .ok_or_else(|| Oid4vciError::invalid_proof("`proofs.jwt` is not a non-empty array"))?;
        if jwts.len() > self.inner.batch_size {
            return Err(Oid4vciError::invalid_credential_request(format!(
                "at most {} proofs (batch_size) per request",
                self.inner.batch_size
            )));
        }
        let now = self.now();
        let mut verified: Vec<VerifiedProof> = Vec::with_capacity(jwts.len());
        for jwt in jwts {
            let jwt = jwt
                .as_str()
                .ok_or_else(|| Oid4vciError::invalid_proof("a proof is not a string"))?;
            verified.push(proof::verify(
                jwt,
                &self.inner.credential_issuer,
                now,
                self.inner.proof_max_age,
                &self.inner.x5c_anchors,
            )?);
        }
        let nonces: BTreeSet<Option<&str>> = verified.iter().map(|p| p.nonce.as_deref()).collect();
        let nonce = match nonces.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(nonce)] => (*nonce).to_owned(),
            [None] => return Err(Oid4vciError::InvalidNonce),
            _ => {
                return Err(Oid4vciError::invalid_proof(
                    "the proofs of one request carry the same nonce",
                ))
            }
        };
        let holders: BTreeSet<&Did> = verified.iter().map(|p| &p.holder).collect();
        if holders.len() != verified.len() {
            return Err(Oid4vciError::invalid_proof(
                "each proof of a batch is signed by its own key",
            ));
        }
        let digest = TokenDigest::of_presented(&nonce).ok_or(Oid4vciError::InvalidNonce)?;
        self.inner
            .store
            .take(EntryKind::Nonce, &digest, now)
            .await?
            .ok_or(Oid4vciError::InvalidNonce)?;
        Ok(verified)
    }

    async fn issue(
        &self,
        token: &TokenDigest,
        id: &str,
        requests: Vec<IssuanceRequest>,
    ) -> Result<CredentialResponse, Oid4vciError> {
        let mut credentials = Vec::with_capacity(requests.len());
        let mut credential_ids = Vec::with_capacity(requests.len());
        for request in requests {
            let response = self.inner.issuer.issue(request).await?;
            credential_ids.push(response.credential_id.to_string());
            credentials.push(json!({ "credential": response.credential }));
        }
        self.issued(token, id, credentials, credential_ids).await
    }

    /// The response of issued credentials, with a notification id for them.
    async fn issued(
        &self,
        token: &TokenDigest,
        id: &str,
        credentials: Vec<Value>,
        credential_ids: Vec<String>,
    ) -> Result<CredentialResponse, Oid4vciError> {
        let notification = secret()?;
        let entry = Entry::new(
            EntryKind::Notification,
            notification.digest(),
            json!({
                "token": hex(token),
                "configuration_id": id,
                "credential_ids": credential_ids,
            }),
            self.now() + self.inner.transaction_ttl,
        );
        self.inner.store.insert(&entry).await?;
        Ok(CredentialResponse::Issued(json!({
            "credentials": credentials,
            "notification_id": notification.expose(),
        })))
    }

    async fn submit(
        &self,
        token: &TokenDigest,
        id: &str,
        requests: Vec<IssuanceRequest>,
    ) -> Result<CredentialResponse, Oid4vciError> {
        let queue = self
            .inner
            .queue
            .as_ref()
            .ok_or_else(|| Oid4vciError::config("a deferred configuration needs a queue"))?;
        let mut tickets = Vec::with_capacity(requests.len());
        for request in requests {
            tickets.push(queue.submit(request, None).await?.id.to_string());
        }
        let transaction = secret()?;
        let entry = Entry::new(
            EntryKind::Transaction,
            transaction.digest(),
            json!({ "token": hex(token), "configuration_id": id, "tickets": tickets }),
            self.now() + self.inner.transaction_ttl,
        );
        self.inner.store.insert(&entry).await?;
        Ok(self.pending(transaction.expose()))
    }

    fn pending(&self, transaction_id: &str) -> CredentialResponse {
        CredentialResponse::Pending(json!({
            "transaction_id": transaction_id,
            "interval": self.inner.deferred_interval,
        }))
    }

    /// The tickets of a deferred transaction, after checking it belongs to `token`.
    async fn transaction(
        &self,
        token: &TokenDigest,
        transaction_id: &str,
    ) -> Result<(TokenDigest, Value), Oid4vciError> {
        let digest =
            TokenDigest::of_presented(transaction_id).ok_or(Oid4vciError::InvalidTransactionId)?;
        let record = self
            .inner
            .store
            .get(EntryKind::Transaction, &digest, self.now())
            .await?
            .filter(|r| r.get("token").and_then(Value::as_str) == Some(hex(token).as_str()))
            .ok_or(Oid4vciError::InvalidTransactionId)?;
        Ok((digest, record))
    }

    /// The deferred credential endpoint (§9): the credentials of a transaction once a reviewer
    /// approved and a worker issued them, `Pending` until then, `credential_request_denied` when
    /// one was rejected, failed or expired.
    pub async fn deferred_credential(
        &self,
        presented: Presented<'_>,
        request: &Value,
    ) -> Result<CredentialResponse, Oid4vciError> {
        let token = self
            .authorized(presented, paths::DEFERRED_CREDENTIAL)
            .await?;
        let transaction_id = single_string_field(request, "transaction_id")
            .map_err(Oid4vciError::invalid_credential_request)?;
        let (digest, record) = self.transaction(&token, transaction_id).await?;
        let queue = self
            .inner
            .queue
            .as_ref()
            .ok_or_else(|| Oid4vciError::config("a deferred configuration needs a queue"))?;
        let tickets = record
            .get("tickets")
            .and_then(Value::as_array)
            .ok_or_else(|| Oid4vciError::config("a stored transaction has no tickets"))?;
        let mut credentials = Vec::with_capacity(tickets.len());
        for ticket in tickets {
            let id = ticket
                .as_str()
                .and_then(TicketId::parse)
                .ok_or_else(|| Oid4vciError::config("a stored ticket id is malformed"))?;
            let status = queue.status(&id).await?;
            match (status.state, status.response) {
                (TicketState::Issued, Some(response)) => {
                    credentials.push(json!({ "credential": response.credential }));
                }
                (state, _) if state.is_terminal() => {
                    self.inner
                        .store
                        .take(EntryKind::Transaction, &digest, self.now())
                        .await?;
                    return Err(Oid4vciError::CredentialRequestDenied);
                }
                _ => return Ok(self.pending(transaction_id)),
            }
        }
        // Delivered once: of concurrent polls, one takes the transaction and answers.
        self.inner
            .store
            .take(EntryKind::Transaction, &digest, self.now())
            .await?
            .ok_or(Oid4vciError::InvalidTransactionId)?;
        // No `notification_id` here, though §9.2 allows one: the OpenWallet Foundation's client
        // (`@openid4vc/openid4vci` 0.4.6, what credo uses) refuses a deferred response that has
        // both `credentials` and `notification_id` (its check is inverted).
        Ok(CredentialResponse::Issued(
            json!({ "credentials": credentials }),
        ))
    }

    /// The notification endpoint (§11): checks the id was handed to this access token, once,
    /// and tells the observer.
    pub async fn notify(
        &self,
        presented: Presented<'_>,
        request: &Value,
    ) -> Result<Notification, Oid4vciError> {
        let token = self.authorized(presented, paths::NOTIFICATION).await?;
        let body = request
            .as_object()
            .ok_or_else(|| Oid4vciError::invalid_request("the body is not an object"))?;
        if let Some(other) = body.keys().find(|k| {
            !matches!(
                k.as_str(),
                "notification_id" | "event" | "event_description"
            )
        }) {
            return Err(Oid4vciError::invalid_request(format!(
                "unknown parameter `{other}`"
            )));
        }
        let id = body
            .get("notification_id")
            .and_then(Value::as_str)
            .ok_or_else(|| Oid4vciError::invalid_request("notification_id is missing"))?;
        let event = body
            .get("event")
            .and_then(Value::as_str)
            .and_then(NotificationEvent::parse)
            .ok_or_else(|| Oid4vciError::invalid_request("event is not a known event"))?;
        let description = match body.get("event_description") {
            None => None,
            Some(Value::String(d)) if d.is_ascii() && d.len() <= 1024 => Some(d.clone()),
            Some(_) => {
                return Err(Oid4vciError::invalid_request(
                    "event_description is ASCII text of at most 1024 characters",
                ))
            }
        };
        let digest = TokenDigest::of_presented(id).ok_or(Oid4vciError::InvalidNotificationId)?;
        let now = self.now();
        let record = self
            .inner
            .store
            .get(EntryKind::Notification, &digest, now)
            .await?
            .filter(|r| r.get("token").and_then(Value::as_str) == Some(hex(&token).as_str()))
            .ok_or(Oid4vciError::InvalidNotificationId)?;
        self.inner
            .store
            .take(EntryKind::Notification, &digest, now)
            .await?
            .ok_or(Oid4vciError::InvalidNotificationId)?;
        let notification = Notification {
            event,
            description,
            configuration_id: record
                .get("configuration_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            credential_ids: record
                .get("credential_ids")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        };
        if let Some(observer) = &self.inner.observer {
            observer.notified(&notification).await;
        }
        Ok(notification)
    }

    /// The DPoP nonce to hand out now (the `DPoP-Nonce` header of token and resource
    /// responses), when the issuer requires them
    /// ([`dpop_nonces`](Oid4vciIssuerBuilder::dpop_nonces)).
    pub async fn dpop_nonce(&self) -> Result<Option<String>, Oid4vciError> {
        match &self.inner.dpop_nonces {
            Some(nonces) => Ok(Some(
                nonces
                    .current(self.inner.store.as_ref(), self.now())
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// Removes expired codes, tokens, nonces, offers, transactions and notification ids; returns
    /// how many. Run it now and then: expired entries are otherwise removed only when presented.
    pub async fn purge_expired(&self) -> Result<u64, Oid4vciError> {
        Ok(self.inner.store.purge_expired(self.now()).await?)
    }
}

/// `request` is `{"<field>": "<string>"}` and nothing else; the string.
fn single_string_field<'a>(request: &'a Value, field: &str) -> Result<&'a str, String> {
    let body = request
        .as_object()
        .ok_or_else(|| "the body is not an object".to_owned())?;
    if let Some(other) = body.keys().find(|k| k.as_str() != field) {
        return Err(format!("unknown parameter `{other}`"));
    }
    body.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{field} is missing or not a string"))
}

/// A fresh 256-bit secret (codes, tokens, nonces, ids).
pub(super) fn secret() -> Result<PickupToken, Oid4vciError> {
    PickupToken::generate().map_err(|e| Oid4vciError::Randomness(Arc::new(e)))
}

/// What a `tx_code` is stored as: bound to its pre-authorized code, so that the digest of a short
/// code is no lookup table.
fn tx_code_digest(code: &str, tx_code: &str) -> TokenDigest {
    let mut hasher = Sha256::new();
    hasher.update(b"oid4vci tx_code\0");
    hasher.update(code.trim().as_bytes());
    hasher.update(b"\0");
    hasher.update(tx_code.as_bytes());
    TokenDigest::from_bytes(hasher.finalize().into())
}

/// The key of what an access token covers for one configuration.
fn authorization_digest(token: &TokenDigest, configuration_id: &str) -> TokenDigest {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(configuration_id.as_bytes());
    TokenDigest::from_bytes(hasher.finalize().into())
}

fn hex(digest: &TokenDigest) -> String {
    digest
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Builds an [`Oid4vciIssuer`]: `issuer`, `issuer_did`, `credential_issuer` and at least one
/// configuration are required.
#[derive(Default)]
#[must_use]
pub struct Oid4vciIssuerBuilder {
    issuer: Option<Issuer>,
    issuer_did: Option<Did>,
    credential_issuer: Option<String>,
    display_name: Option<String>,
    configurations: Vec<CredentialConfiguration>,
    store: Option<Arc<dyn Oid4vciStore>>,
    queue: Option<IssuanceQueue>,
    observer: Option<Arc<dyn NotificationObserver>>,
    clock: Option<Arc<dyn Clock>>,
    tx_code_attempts: Option<u32>,
    batch_size: Option<usize>,
    deferred_interval: Option<u64>,
    token_ttl: Option<time::Duration>,
    nonce_ttl: Option<time::Duration>,
    dpop: bool,
    dpop_nonce_ttl: Option<time::Duration>,
    authenticator: Option<Arc<dyn UserAuthenticator>>,
    clients: Vec<OAuthClient>,
    authorization_code_ttl: Option<time::Duration>,
    token_verifier: Option<Arc<dyn AccessTokenVerifier>>,
    authorization_servers: Vec<String>,
    x5c_anchors: Vec<X509>,
}

impl fmt::Debug for Oid4vciIssuerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Oid4vciIssuerBuilder")
            .field("credential_issuer", &self.credential_issuer)
            .finish_non_exhaustive()
    }
}

impl Oid4vciIssuerBuilder {
    /// The pipeline that signs (required).
    pub fn issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// The DID credentials are issued by (required; its keys are in the issuer's key store).
    pub fn issuer_did(mut self, did: Did) -> Self {
        self.issuer_did = Some(did);
        self
    }

    /// The credential issuer identifier: the public `https` URL the router is mounted at
    /// (required). Key proofs must name it as `aud`.
    pub fn credential_issuer(mut self, url: impl Into<String>) -> Self {
        self.credential_issuer = Some(url.into());
        self
    }

    /// The issuer's name in the metadata's `display`.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Adds a credential configuration (at least one; ids unique).
    pub fn configuration(mut self, configuration: CredentialConfiguration) -> Self {
        self.configurations.push(configuration);
        self
    }

    /// Where codes, tokens, nonces and transactions are kept (in memory by default; SQLite or
    /// PostgreSQL to survive restarts and share them between processes).
    pub fn store(mut self, store: Arc<dyn Oid4vciStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The approval queue deferred configurations submit to (required with one).
    pub fn queue(mut self, queue: IssuanceQueue) -> Self {
        self.queue = Some(queue);
        self
    }

    /// Hears the wallet's notifications.
    pub fn observer(mut self, observer: Arc<dyn NotificationObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Replaces the system clock, so expiry can be tested without sleeping.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How many wrong `tx_code`s a pre-authorized code survives ([`defaults::TX_CODE_ATTEMPTS`]).
    pub fn tx_code_attempts(mut self, attempts: u32) -> Self {
        self.tx_code_attempts = Some(attempts);
        self
    }

    /// How many key proofs one credential request may carry ([`defaults::BATCH_SIZE`]); the
    /// metadata's `batch_credential_issuance.batch_size`.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = Some(size);
        self
    }

    /// The seconds a deferred response asks the wallet to wait ([`defaults::DEFERRED_INTERVAL`]).
    pub fn deferred_interval(mut self, seconds: u64) -> Self {
        self.deferred_interval = Some(seconds);
        self
    }

    /// How long an access token lives ([`defaults::TOKEN_TTL`]).
    pub fn token_ttl(mut self, ttl: time::Duration) -> Self {
        self.token_ttl = Some(ttl);
        self
    }

    /// How long a `c_nonce` lives ([`defaults::NONCE_TTL`]).
    pub fn nonce_ttl(mut self, ttl: time::Duration) -> Self {
        self.nonce_ttl = Some(ttl);
        self
    }

    /// Requires DPoP (RFC 9449): every token request carries a DPoP proof and every access
    /// token is bound to its key. Off by default (tokens are then bound when the wallet sends a
    /// proof, and bearer tokens otherwise).
    pub fn dpop(mut self, required: bool) -> Self {
        self.dpop = required;
        self
    }

    /// Requires DPoP proofs to carry a nonce of this server (RFC 9449 §8, §9), each good for
    /// `ttl`: a proof without a current one is answered `use_dpop_nonce` with a `DPoP-Nonce`
    /// header, and token and resource responses carry the current nonce. A new nonce is drawn
    /// when half of the current one's life has passed.
    pub fn dpop_nonces(mut self, ttl: time::Duration) -> Self {
        self.dpop_nonce_ttl = Some(ttl);
        self
    }

    /// Turns on the authorization code flow: the authorization endpoint asks `authenticator`
    /// who the user is (at least one [`client`](Self::client) is needed too).
    pub fn authenticator(mut self, authenticator: Arc<dyn UserAuthenticator>) -> Self {
        self.authenticator = Some(authenticator);
        self
    }

    /// Registers a wallet for the authorization code flow (`client_id`s unique).
    pub fn client(mut self, client: OAuthClient) -> Self {
        self.clients.push(client);
        self
    }

    /// How long an authorization code lives ([`defaults::AUTHORIZATION_CODE_TTL`]; at most 10
    /// minutes, RFC 6749 §4.1.2).
    pub fn authorization_code_ttl(mut self, ttl: time::Duration) -> Self {
        self.authorization_code_ttl = Some(ttl);
        self
    }

    /// Accepts access tokens of the host's own OAuth server `authorization_server` (its issuer
    /// identifier, announced in the metadata's `authorization_servers`) that `verifier` vouches
    /// for, next to the built-in server's.
    pub fn access_tokens(
        mut self,
        verifier: Arc<dyn AccessTokenVerifier>,
        authorization_server: impl Into<String>,
    ) -> Self {
        self.token_verifier = Some(verifier);
        self.authorization_servers.push(authorization_server.into());
        self
    }

    /// Trusts X.509 `certificate` (DER) as an anchor for key proofs naming their key by `x5c`:
    /// a proof whose chain leads to an anchor (checked at the issuer's clock, validity periods
    /// and basic constraints included; any certificate of the chain may be the anchor) binds the
    /// credential to the leaf certificate's key (Ed25519, P-256 or P-384), as a `jwk` would.
    /// Without anchors, `x5c` proofs are refused (`invalid_proof`).
    pub fn x5c_trust_anchor(mut self, certificate: &[u8]) -> Result<Self, Oid4vciError> {
        let anchor = crate::crypto::x509::anchor(certificate).map_err(Oid4vciError::config)?;
        self.x5c_anchors.push(anchor);
        Ok(self)
    }

    /// Checks the parts and builds.
    pub fn build(self) -> Result<Oid4vciIssuer, Oid4vciError> {
        let missing = |part: &str| Oid4vciError::config(format!("the builder needs {part}"));
        let issuer = self.issuer.ok_or_else(|| missing("an issuer"))?;
        let issuer_did = self.issuer_did.ok_or_else(|| missing("an issuer DID"))?;
        let url = self
            .credential_issuer
            .ok_or_else(|| missing("a credential issuer URL"))?;
        let credential_issuer = crate::pickup::normalize_base_url(&url).map_err(|_| {
            Oid4vciError::config(
                "the credential issuer is not an http(s) URL without query or fragment",
            )
        })?;
        let mut configurations = BTreeMap::new();
        for configuration in self.configurations {
            if configuration.deferred && self.queue.is_none() {
                return Err(Oid4vciError::config(
                    "a deferred configuration needs a queue",
                ));
            }
            // Said now rather than at the first wallet's request.
            #[cfg(feature = "sd-jwt")]
            if configuration.revocable
                && configuration.format == super::format::CredentialFormat::DcSdJwt
                && issuer.token_status_registry().is_none()
            {
                return Err(Oid4vciError::config(
                    "a revocable dc+sd-jwt configuration needs the issuer's Token Status List registry",
                ));
            }
            let id = configuration.id.clone();
            if configurations.insert(id, configuration).is_some() {
                return Err(Oid4vciError::config("configuration ids are unique"));
            }
        }
        if configurations.is_empty() {
            return Err(missing("a credential configuration"));
        }
        let batch_size = self.batch_size.unwrap_or(defaults::BATCH_SIZE);
        let tx_code_attempts = self.tx_code_attempts.unwrap_or(defaults::TX_CODE_ATTEMPTS);
        let mut scopes = BTreeSet::new();
        for scope in configurations.values().filter_map(|c| c.scope.as_deref()) {
            // RFC 6749 §3.3: a scope token is printable ASCII without space, `"` and `\`.
            let token = !scope.is_empty()
                && scope
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
            if !token || !scopes.insert(scope) {
                return Err(Oid4vciError::config(
                    "scope values are unique tokens without spaces, quotes or backslashes",
                ));
            }
        }
        let authorization =
            match (self.authenticator, self.clients.is_empty()) {
                (None, true) => None,
                (Some(authenticator), false) => {
                    let mut clients = BTreeMap::new();
                    for client in self.clients {
                        if let Some(problem) = client.problem() {
                            return Err(Oid4vciError::config(problem));
                        }
                        let id = client.client_id.clone();
                        if clients.insert(id, client).is_some() {
                            return Err(Oid4vciError::config("client ids are unique"));
                        }
                    }
                    let code_ttl = self
                        .authorization_code_ttl
                        .unwrap_or(defaults::AUTHORIZATION_CODE_TTL);
                    if !code_ttl.is_positive() || code_ttl > time::Duration::minutes(10) {
                        return Err(Oid4vciError::config(
                            "an authorization code lives more than 0 s and at most 10 minutes",
                        ));
                    }
                    Some(AuthorizationServer {
                        authenticator,
                        clients,
                        code_ttl,
                    })
                }
                _ => return Err(Oid4vciError::config(
                    "the authorization code flow needs an authenticator and at least one client",
                )),
            };
        let dpop_nonces = match self.dpop_nonce_ttl {
            Some(ttl) if !ttl.is_positive() => {
                return Err(Oid4vciError::config("a DPoP nonce lives more than 0 s"))
            }
            Some(ttl) => Some(DpopNonces::new(ttl)),
            None => None,
        };
        if batch_size == 0 || tx_code_attempts == 0 {
            return Err(Oid4vciError::config(
                "the batch size and the tx_code attempts are at least 1",
            ));
        }
        Ok(Oid4vciIssuer {
            inner: Arc::new(Inner {
                issuer,
                issuer_did,
                credential_issuer,
                display_name: self.display_name,
                configurations,
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryOid4vciStore::new())),
                queue: self.queue,
                observer: self.observer,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                token_ttl: self.token_ttl.unwrap_or(defaults::TOKEN_TTL),
                nonce_ttl: self.nonce_ttl.unwrap_or(defaults::NONCE_TTL),
                proof_max_age: defaults::PROOF_MAX_AGE,
                x5c_anchors: self.x5c_anchors,
                transaction_ttl: defaults::TRANSACTION_TTL,
                tx_code_attempts,
                batch_size,
                deferred_interval: self
                    .deferred_interval
                    .unwrap_or(defaults::DEFERRED_INTERVAL),
                dpop: self.dpop,
                dpop_nonces,
                authorization,
                token_verifier: self.token_verifier,
                authorization_servers: self.authorization_servers,
            }),
        })
    }
}
