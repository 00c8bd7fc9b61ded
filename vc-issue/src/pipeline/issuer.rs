//! The issuance pipeline.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use vc_core::parse::check_depth;
use vc_core::{
    Clock, Credential, CredentialId, CredentialSubject, DateTime, Did, DidUrl, ParseLimits,
    SystemClock, TypedResource,
};
use vc_status::{Reservation, StatusEntry, StatusPurpose, StatusRegistry};

use crate::crypto::keystore::KeyStore;
use crate::crypto::signer::Signer;
use crate::crypto::suites::{ProofOptions, SecuringSuite, Suites};
use crate::error::IssueError;
use crate::host_error::HostErrorKind;
use crate::pipeline::claims_rule::ClaimsRule;
use crate::pipeline::holder::Holder;
use crate::pipeline::rate_limit::RateLimit;
use crate::pipeline::related_resources::{check_related_resources, ResourceLoader};
use crate::pipeline::request::{IssuanceRequest, IssuanceResponse, IssuedCredential};
use crate::pipeline::resolver::{DidResolver, ResolvedDid};
use crate::pipeline::schema::{validate, SchemaCache, SchemaEntry, SchemaRegistry};
use crate::pipeline::suite_contexts::add_suite_contexts;
use crate::telemetry::{self, step};
use tracing::Instrument;

/// Issues credentials: checks the issuer, the schema, the claims and the holder, builds the
/// credential, registers its status and signs it, in that order, stopping at the first failure.
///
/// Cheap to clone (shared state behind an `Arc`); `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Issuer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    resolver: Arc<dyn DidResolver>,
    schemas: Arc<dyn SchemaRegistry>,
    keys: Arc<dyn KeyStore>,
    status: Option<Arc<StatusRegistry>>,
    token_status: Option<Arc<StatusRegistry>>,
    #[cfg(feature = "sd-jwt")]
    status_tokens: crate::sd_jwt::StatusTokenCache,
    /// The Status List Token CWTs, by list, with the claims each was signed from.
    #[cfg(feature = "sd-jwt")]
    status_cwts: crate::sd_jwt::StatusTokenCache<Vec<u8>>,
    /// By verification method (its absolute DID URL).
    #[cfg(feature = "sd-jwt")]
    jwt_key_headers: HashMap<String, crate::sd_jwt::JwtKeyHeader>,
    suites: Suites,
    clock: Arc<dyn Clock>,
    rate_limit: Option<RateLimit>,
    /// The deepest credential the pipeline builds (see [`IssuerBuilder::max_nesting`]).
    max_nesting: usize,
    schema_cache: SchemaCache,
    claims_rules: HashMap<String, Arc<dyn ClaimsRule>>,
    resources: Option<Arc<dyn ResourceLoader>>,
}

/// What every request of one issuer, schema and proof type shares once steps 1 and 2 passed: the
/// schema, the suite, and the issuer's key.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) schema: Arc<SchemaEntry>,
    pub(crate) validator: Arc<jsonschema::Validator>,
    pub(crate) signing: SecuringSuite,
    pub(crate) verification_method: DidUrl,
    pub(crate) signer: Arc<dyn Signer>,
}

/// Secures `credential` with `suite`: an embedded proof, or an envelope.
async fn secure(
    suite: &SecuringSuite,
    credential: Credential,
    options: &ProofOptions,
    signer: &dyn Signer,
) -> Result<IssuedCredential, IssueError> {
    match suite {
        SecuringSuite::Embedded(suite) => Ok(IssuedCredential::Embedded(Box::new(
            suite.sign(credential, options, signer).await?,
        ))),
        SecuringSuite::Enveloping(suite) => Ok(IssuedCredential::Jwt(
            suite.envelop(&credential, options, signer).await?,
        )),
    }
}

/// Refuses a request whose `validFrom` lies after its `expirationDate`, or either of which is not
/// an instant: said before a status entry is taken, for every format alike.
fn check_validity_period(request: &IssuanceRequest) -> Result<(), IssueError> {
    let instant = |name: &str, at: &Option<DateTime>| {
        at.as_ref()
            .map(|at| {
                at.instant().map_err(|e| IssueError::InvalidRequest {
                    reason: format!("{name}: {e}"),
                })
            })
            .transpose()
    };
    let from = instant("validFrom", &request.valid_from)?;
    let until = instant("expirationDate", &request.expiration_date)?;
    if let (Some(from), Some(until)) = (from, until) {
        if from > until {
            return Err(IssueError::InvalidRequest {
                reason: "validFrom lies after expirationDate".into(),
            });
        }
    }
    Ok(())
}

/// The proof options of [`Issuer::sign_credential_with`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SigningOptions {
    /// The suite.
    pub proof_type: crate::ProofType,
    /// The proof's `created` (the issuer's clock when `None`).
    pub created: Option<DateTime>,
    /// A `challenge` for the proof.
    pub challenge: Option<String>,
    /// The `domain`(s) the proof is bound to.
    pub domain: Option<vc_core::OneOrMany<String>>,
    /// The mandatory pointers of a selective disclosure suite (`bbs-2023`, `ecdsa-sd-2023`); the
    /// suite's defaults when `None`; refused for other suites.
    pub mandatory_pointers: Option<Vec<String>>,
}

impl SigningOptions {
    /// Signing with `proof_type`, nothing else chosen.
    pub fn new(proof_type: crate::ProofType) -> Self {
        Self {
            proof_type,
            ..Self::default()
        }
    }
}

/// A request that passed every check before construction: what signing needs, resolved.
#[derive(Debug, Clone)]
pub struct CheckedRequest {
    request: IssuanceRequest,
    prepared: Arc<Prepared>,
}

impl CheckedRequest {
    /// The request.
    pub fn request(&self) -> &IssuanceRequest {
        &self.request
    }
}

impl Issuer {
    /// Starts building an issuer.
    pub fn builder() -> IssuerBuilder {
        IssuerBuilder::default()
    }

    /// The status registry, when one is configured.
    pub fn status_registry(&self) -> Option<&Arc<StatusRegistry>> {
        self.inner.status.as_ref()
    }

    /// The Token Status List registry (SD-JWT VC status), when one is configured.
    pub fn token_status_registry(&self) -> Option<&Arc<StatusRegistry>> {
        self.inner.token_status.as_ref()
    }

    /// The registry whose entries credentials of `proof_type` get: the Token Status List one for
    /// `dc+sd-jwt`, the W3C one for every other format.
    fn status_registry_for(&self, proof_type: &crate::ProofType) -> Option<&Arc<StatusRegistry>> {
        match proof_type {
            crate::ProofType::DcSdJwt => self.inner.token_status.as_ref(),
            _ => self.inner.status.as_ref(),
        }
    }

    /// The suites this issuer signs with.
    pub fn suites(&self) -> &Suites {
        &self.inner.suites
    }

    /// Issues one credential.
    ///
    /// Runs in a `vc.issue` span (schema, issuer and proof type; never claims), each step in a
    /// `vc.step` span (see [`crate::telemetry`]).
    pub async fn issue(&self, request: IssuanceRequest) -> Result<IssuanceResponse, IssueError> {
        let span = tracing::info_span!(
            "vc.issue",
            schema_id = %request.schema_id,
            issuer = %request.issuer_did,
            proof_type = %request.proof_type,
        );
        let outcome = async {
            self.check_rate_limit(&request.issuer_did)?;
            let checked = self.check(request).await?;
            let status = self.allocate_status(&checked, 1).await?.pop();
            self.sign(checked, status).await
        }
        .instrument(span.clone())
        .await;
        if let Err(e) = &outcome {
            // The caller has the error (and the HTTP layer logs a server-side one with its
            // cause); here it is counted, and noted by code only.
            telemetry::failed(e.code());
            tracing::debug!(parent: &span, code = e.code().as_str(), "issuance failed");
        }
        outcome
    }

    /// Takes one permit of the issuer's rate limit (a batch counts as one request).
    pub(crate) fn check_rate_limit(&self, issuer: &Did) -> Result<(), IssueError> {
        match &self.inner.rate_limit {
            Some(limit) => limit.check(issuer.as_str(), 1),
            None => Ok(()),
        }
    }

    /// Steps 1 to 4 (issuer, schema, claims, holder): everything that can be checked without
    /// allocating or signing. Asynchronous issuance calls this at submit time.
    pub async fn check(&self, request: IssuanceRequest) -> Result<CheckedRequest, IssueError> {
        let prepared = Arc::new(
            self.prepare(
                &request.issuer_did,
                &request.schema_id,
                &request.proof_type,
                request.verification_method.as_ref(),
            )
            .await?,
        );
        self.check_item(request, &prepared).await
    }

    /// Steps 1 and 2: the issuer (resolvable, active, with a usable key, `wanted` when named)
    /// and the schema (known, authorizing this issuer).
    pub(crate) async fn prepare(
        &self,
        issuer_did: &Did,
        schema_id: &str,
        proof_type: &crate::ProofType,
        wanted: Option<&DidUrl>,
    ) -> Result<Prepared, IssueError> {
        let signing = self.inner.suites.securing(proof_type)?;
        let (verification_method, signer) = step("issuer", async {
            let issuer = self.resolve_issuer(issuer_did).await?;
            self.find_key_for(issuer_did, proof_type, &issuer, &signing, wanted)
                .await
        })
        .await?;
        let (schema, validator) = step("schema", async {
            let schema = self.schema(issuer_did, schema_id).await?;
            let validator = self.inner.schema_cache.validator(&schema)?;
            Ok::<_, IssueError>((schema, validator))
        })
        .await?;
        Ok(Prepared {
            schema,
            validator,
            signing,
            verification_method,
            signer,
        })
    }

    /// Steps 3 and 4 for one request: its claims against the schema, its holder.
    pub(crate) async fn check_item(
        &self,
        request: IssuanceRequest,
        prepared: &Arc<Prepared>,
    ) -> Result<CheckedRequest, IssueError> {
        Ok(CheckedRequest {
            request: self.check_request(request, prepared).await?,
            prepared: prepared.clone(),
        })
    }

    /// Steps 3 and 4, handing the request back when it passes.
    pub(crate) async fn check_request(
        &self,
        mut request: IssuanceRequest,
        prepared: &Prepared,
    ) -> Result<IssuanceRequest, IssueError> {
        step("claims", async {
            // The claims move into a `Value` for the validator and back: no copy of the claims.
            let claims = Value::Object(std::mem::take(&mut request.claims));
            // The claims become `credentialSubject`, one level below the credential.
            let valid = check_depth(&claims, self.inner.max_nesting - 1)
                .map_err(IssueError::from)
                .and_then(|()| validate(&prepared.validator, &prepared.schema.id, &claims));
            if let Value::Object(claims) = claims {
                request.claims = claims;
            }
            valid?;
            check_validity_period(&request)?;
            if let Some(rule) = self.inner.claims_rules.get(&prepared.schema.id) {
                rule.check(&request.issuer_did, &request.holder, &request.claims)?;
            }
            // What would stop the SD-JWT VC from being built is said now, before a status entry
            // is taken or a wallet redeems an offer of it.
            #[cfg(feature = "sd-jwt")]
            if prepared.signing.proof_type() == crate::ProofType::DcSdJwt {
                crate::sd_jwt::issue::check(&request, &prepared.schema)?;
            }
            Ok::<_, IssueError>(())
        })
        .await?;
        // Only a DID is resolved: another URL (`mailto:`) names the holder without a document to
        // look up, and a holder not named has nothing to check.
        if let Holder::Did(did) = &request.holder {
            if !step("holder", self.holder_exists(did)).await? {
                return Err(IssueError::HolderNotFound {
                    did: did.to_string(),
                });
            }
        }
        Ok(request)
    }

    /// Step 6: allocates `n` revocation entries in one registry call when the request is revocable.
    pub async fn allocate_status(
        &self,
        checked: &CheckedRequest,
        n: usize,
    ) -> Result<Vec<StatusEntry>, IssueError> {
        if !checked.request.revocable {
            return Ok(Vec::new());
        }
        let proof_type = checked.prepared.signing.proof_type();
        Ok(step("status", self.reserve_entries(&proof_type, n))
            .await?
            .collect())
    }

    /// `n` revocation entries for credentials of `proof_type`, reserved in one registry call,
    /// built as they are taken out.
    pub(crate) async fn reserve_entries(
        &self,
        proof_type: &crate::ProofType,
        n: usize,
    ) -> Result<Reservation, IssueError> {
        if n == 0 {
            return Ok(Reservation::default());
        }
        let registry = self.status_registry_for(proof_type).ok_or_else(|| {
            IssueError::StatusRegistrationFailed {
                source: Arc::new(NoStatusRegistry),
            }
        })?;
        registry
            .reserve(StatusPurpose::Revocation, n)
            .await
            .map_err(|e| IssueError::StatusRegistrationFailed {
                source: Arc::new(e),
            })
    }

    /// Steps 5, 7 and 8: builds the credential (with `status` when given), signs it, returns it.
    pub async fn sign(
        &self,
        checked: CheckedRequest,
        status: Option<StatusEntry>,
    ) -> Result<IssuanceResponse, IssueError> {
        let (credential, credential_id) = self
            .sign_request(checked.request, &checked.prepared, status.as_ref())
            .await?;
        Ok(IssuanceResponse {
            credential,
            credential_id,
            status_list_index: status.as_ref().map(|s| s.index().get()),
            credential_status: status.as_ref().map(StatusEntry::to_value),
        })
    }

    /// Steps 5, 7 and 8 for a request that passed [`Issuer::check_request`] under `prepared`: the
    /// signed credential and its id.
    pub(crate) async fn sign_request(
        &self,
        request: IssuanceRequest,
        prepared: &Prepared,
        status: Option<&StatusEntry>,
    ) -> Result<(IssuedCredential, CredentialId), IssueError> {
        #[cfg(feature = "sd-jwt")]
        if prepared.signing.proof_type() == crate::ProofType::DcSdJwt {
            let credential_id = request
                .credential_id
                .clone()
                .unwrap_or_else(CredentialId::new_uuid);
            let issuer = request.issuer_did.to_string();
            let envelope = crate::sd_jwt::issue::Envelope {
                issuer: &issuer,
                issued_at: self.inner.clock.now(),
                verification_method: &prepared.verification_method,
                signer: prepared.signer.as_ref(),
                status,
                key_header: self
                    .inner
                    .jwt_key_headers
                    .get(prepared.verification_method.as_str()),
            };
            let compact = crate::sd_jwt::issue::issue(request, &prepared.schema, envelope).await?;
            return Ok((IssuedCredential::Jwt(compact), credential_id));
        }
        let now = DateTime::from(self.inner.clock.now());
        let credential = self.construct(request, prepared, status, now.clone())?;
        let credential_id = credential
            .id
            .as_deref()
            .map(CredentialId::parse)
            .transpose()?
            .ok_or(IssueError::Internal {
                context: "credential id",
                source: None,
            })?;
        let options = ProofOptions::assertion(prepared.verification_method.clone(), Some(now));
        let secured = step(
            "sign",
            secure(
                &prepared.signing,
                credential,
                &options,
                prepared.signer.as_ref(),
            ),
        )
        .await?;
        telemetry::issued();
        Ok((secured, credential_id))
    }

    /// The signed Status List Token (`statuslist+jwt`) of list `id` of the Token Status List
    /// registry, signed by a key of its issuer (the registry's `issuer`, a DID) usable for
    /// `dc+sd-jwt`. Signed once per list version: until a status changes (or half the token's
    /// validity passes) the same token is handed back.
    #[cfg(feature = "sd-jwt")]
    pub async fn status_list_token(
        &self,
        id: &vc_status::StatusListId,
    ) -> Result<String, IssueError> {
        let claims = self.status_list_token_claims(id).await?;
        if let Some(token) = self.inner.status_tokens.get(id, &claims) {
            return Ok(token);
        }
        let (method, signer) = self.status_list_token_key(&claims).await?;
        let token = crate::sd_jwt::sign_status_list_token(
            &claims,
            &method,
            self.inner.jwt_key_headers.get(method.as_str()),
            signer.as_ref(),
        )
        .await?;
        self.inner.status_tokens.put(id, claims, token.clone());
        Ok(token)
    }

    /// The signed Status List Token of list `id` as a CWT (`application/statuslist+cwt`, a
    /// `COSE_Sign1_Tagged`; see [`sign_status_list_cwt`](crate::sd_jwt::sign_status_list_cwt)):
    /// the same claims, key and `kid` as [`status_list_token`](Self::status_list_token), signed
    /// once per list version too (its own cache: a version may be asked for in one form only).
    #[cfg(feature = "sd-jwt")]
    pub async fn status_list_token_cwt(
        &self,
        id: &vc_status::StatusListId,
    ) -> Result<Vec<u8>, IssueError> {
        let claims = self.status_list_token_claims(id).await?;
        if let Some(token) = self.inner.status_cwts.get(id, &claims) {
            return Ok(token);
        }
        let (method, signer) = self.status_list_token_key(&claims).await?;
        let token = crate::sd_jwt::sign_status_list_cwt(
            &claims,
            &method,
            self.inner.jwt_key_headers.get(method.as_str()),
            signer.as_ref(),
        )
        .await?;
        self.inner.status_cwts.put(id, claims, token.clone());
        Ok(token)
    }

    /// The cached claims of Token Status List `id` (the one source of both token forms).
    #[cfg(feature = "sd-jwt")]
    async fn status_list_token_claims(
        &self,
        id: &vc_status::StatusListId,
    ) -> Result<Arc<Value>, IssueError> {
        let registry = self.inner.token_status.as_ref().ok_or_else(|| {
            IssueError::StatusRegistrationFailed {
                source: Arc::new(NoStatusRegistry),
            }
        })?;
        registry
            .list_credential(id)
            .await
            .map_err(|e| IssueError::StatusRegistrationFailed {
                source: Arc::new(e),
            })
    }

    /// The key of the claims' `iss` (a DID) that signs its Status List Tokens: one usable for
    /// `dc+sd-jwt`.
    #[cfg(feature = "sd-jwt")]
    async fn status_list_token_key(
        &self,
        claims: &Value,
    ) -> Result<(DidUrl, Arc<dyn Signer>), IssueError> {
        let issuer_did = claims
            .get("iss")
            .and_then(Value::as_str)
            .and_then(|iss| Did::parse(iss).ok())
            .ok_or_else(|| IssueError::InvalidRequest {
                reason: "the Token Status List registry's issuer is not a DID".into(),
            })?;
        let proof_type = crate::ProofType::DcSdJwt;
        let signing = self.inner.suites.securing(&proof_type)?;
        let resolved = self.resolve_issuer(&issuer_did).await?;
        self.find_key_for(&issuer_did, &proof_type, &resolved, &signing, None)
            .await
    }

    /// The public JWKs of `did`'s `assertionMethod` keys that can sign `dc+sd-jwt` (Ed25519,
    /// P-256), each with its verification method id as `kid`: the `jwks` of the JWT VC Issuer
    /// Metadata.
    #[cfg(feature = "sd-jwt")]
    pub async fn jwt_vc_issuer_jwks(&self, did: &Did) -> Result<Value, IssueError> {
        let resolved = self.resolve_issuer(did).await?;
        let document = &resolved.document;
        let mut keys = Vec::new();
        for method in document.assertion_methods() {
            let Ok(key) = method.public_key() else {
                continue;
            };
            let Ok(jwk) = crate::crypto::jwt::public_jwk(&key) else {
                continue;
            };
            let mut jwk = jwk.as_ref().clone();
            let id = document.absolute_id(&method.id);
            jwk.insert("kid".into(), id.as_str().into());
            if let Some(header) = self.inner.jwt_key_headers.get(&id) {
                header.annotate_jwk(&mut jwk)?;
            }
            keys.push(Value::Object(jwk));
        }
        let mut jwks = Map::new();
        jwks.insert("keys".into(), Value::Array(keys));
        Ok(Value::Object(jwks))
    }

    /// Signs a credential the host built itself (a status list credential, a credential from the VC
    /// API's `/credentials/issue`), with a key of its `issuer` usable for `proof_type`.
    ///
    /// The credential is validated first, and its `relatedResource` digests checked where the
    /// [`resources`](IssuerBuilder::resources) loader holds the resource; its `issuer` must
    /// resolve, be active, and have an `assertionMethod` key that this issuer's key store holds.
    /// The suite's contexts for the credential's data model are appended to its `@context` when
    /// it lacks them ([`add_suite_contexts`]); nothing else
    /// is added or changed.
    pub async fn sign_credential(
        &self,
        credential: Credential,
        proof_type: &crate::ProofType,
    ) -> Result<IssuedCredential, IssueError> {
        self.sign_credential_with(credential, &SigningOptions::new(proof_type.clone()))
            .await
    }

    /// [`sign_credential`](Self::sign_credential) with the proof options the VC API lets a
    /// caller choose: `created`, `challenge`, `domain`, and the selective disclosure suites'
    /// mandatory pointers.
    pub async fn sign_credential_with(
        &self,
        mut credential: Credential,
        options: &SigningOptions,
    ) -> Result<IssuedCredential, IssueError> {
        credential.validate()?;
        if let Some(loader) = &self.inner.resources {
            check_related_resources(&credential, loader.as_ref()).await?;
        }
        let proof_type = &options.proof_type;
        if options.mandatory_pointers.is_some()
            && !matches!(
                proof_type,
                crate::ProofType::Bbs2023 | crate::ProofType::EcdsaSd2023
            )
        {
            // Other suites would ignore them: refused rather than silently dropped.
            return Err(IssueError::InvalidRequest {
                reason: format!(
                    "mandatory pointers apply to selective disclosure suites, not {proof_type}"
                ),
            });
        }
        let signing = self.inner.suites.securing(proof_type)?;
        let issuer_id = credential.issuer_id().unwrap_or_default();
        let issuer_did = Did::parse(issuer_id).map_err(|_| IssueError::InvalidRequest {
            reason: "the credential's issuer is not a DID".into(),
        })?;
        // Status lists are signed here too; the issued counter counts credentials for holders.
        let for_holder = !["BitstringStatusListCredential", "StatusList2021Credential"]
            .iter()
            .any(|t| credential.has_type(t));
        let (verification_method, signer) = step("issuer", async {
            let resolved = self.resolve_issuer(&issuer_did).await?;
            self.find_key_for(&issuer_did, proof_type, &resolved, &signing, None)
                .await
        })
        .await?;
        add_suite_contexts(&mut credential, &signing);
        let created = match &options.created {
            Some(created) => created.clone(),
            None => DateTime::from(self.inner.clock.now()),
        };
        let mut proof = ProofOptions::assertion(verification_method, Some(created));
        proof.challenge = options.challenge.clone();
        proof.domain = options.domain.clone();
        proof.mandatory_pointers = options.mandatory_pointers.clone();
        let secured = step(
            "sign",
            secure(&signing, credential, &proof, signer.as_ref()),
        )
        .await?;
        if for_holder {
            telemetry::issued();
        }
        Ok(secured)
    }

    fn construct(
        &self,
        request: IssuanceRequest,
        prepared: &Prepared,
        status: Option<&StatusEntry>,
        now: DateTime,
    ) -> Result<Credential, IssueError> {
        let schema = &prepared.schema;
        let mut builder = Credential::builder()
            .version(request.data_model)
            .issuer(&request.issuer_did)
            .valid_from(request.valid_from.unwrap_or(now))
            .subject(subject(&request.holder, request.claims));
        for context in &schema.contexts {
            builder = builder.context(context.as_str());
        }
        for type_ in &schema.types {
            builder = builder.type_(type_.as_str());
        }
        if let Some(id) = request.credential_id {
            builder = builder.id(id);
        }
        if let Some(until) = request.expiration_date {
            builder = builder.valid_until(until);
        }
        if let Some(name) = &schema.name {
            builder = builder.name(vc_core::LanguageString::from(name.as_str()));
        }
        if let Some(url) = schema.credential_schema_id() {
            builder = builder.schema(credential_schema(url, request.data_model));
        }
        if let Some(status) = status {
            builder = builder.status(status.to_resource());
        }
        let mut credential = builder.build()?;
        add_suite_contexts(&mut credential, &prepared.signing);
        Ok(credential)
    }

    /// The first `assertionMethod` of the issuer (`wanted` only, when named) whose key type fits
    /// the suite and whose signer the key store holds (with the same public key).
    ///
    /// This is what makes key rotation work: publish the new key's method first (or take the old
    /// key out of the key store with [`KeyStore::remove`]) and the new key signs, while the old
    /// method, left in the DID document, keeps verifying what it signed.
    async fn find_key_for(
        &self,
        issuer_did: &Did,
        proof_type: &crate::ProofType,
        issuer: &ResolvedDid,
        signing: &SecuringSuite,
        wanted: Option<&DidUrl>,
    ) -> Result<(DidUrl, Arc<dyn Signer>), IssueError> {
        let document = &issuer.document;
        let methods = document
            .assertion_methods()
            .into_iter()
            .filter(|m| wanted.is_none_or(|w| document.absolute_id(&m.id) == w.as_str()));
        for method in methods {
            let Ok(key) = method.public_key() else {
                continue;
            };
            if !signing.accepts(key.key_type()) {
                continue;
            }
            let Ok(id) = DidUrl::parse(&document.absolute_id(&method.id)) else {
                continue;
            };
            let signer = match self.inner.keys.signer(&id).await {
                Err(e) if e.kind() == HostErrorKind::NotFound => None,
                found => found.map_err(IssueError::signing)?,
            };
            if let Some(signer) = signer.filter(|s| s.public_key() == &key) {
                return Ok((id, signer));
            }
        }
        Err(IssueError::KeyNotFound {
            did: issuer_did.to_string(),
            proof_type: proof_type.to_string(),
        })
    }

    pub(crate) async fn schema(
        &self,
        issuer_did: &Did,
        schema_id: &str,
    ) -> Result<Arc<SchemaEntry>, IssueError> {
        let schema = self
            .inner
            .schemas
            .schema(schema_id)
            .await
            .or_else(|e| match e.kind() {
                HostErrorKind::NotFound => Ok(None),
                _ => Err(IssueError::schema_registry(e)),
            })?
            .ok_or_else(|| IssueError::SchemaNotFound {
                schema_id: schema_id.to_owned(),
            })?;
        if !schema.authorizes(issuer_did) {
            return Err(IssueError::IssuerNotAuthorized {
                did: issuer_did.to_string(),
                schema_id: schema.id.clone(),
            });
        }
        Ok(schema)
    }

    /// Step 1's first half: the issuer must resolve and be active.
    async fn resolve_issuer(&self, issuer_did: &Did) -> Result<ResolvedDid, IssueError> {
        match self.resolve(issuer_did).await? {
            None => Err(IssueError::IssuerNotFound {
                did: issuer_did.to_string(),
            }),
            Some(resolved) if resolved.deactivated => Err(IssueError::IssuerDeactivated {
                did: issuer_did.to_string(),
            }),
            Some(resolved) => Ok(resolved),
        }
    }

    async fn holder_exists(&self, did: &Did) -> Result<bool, IssueError> {
        match self.inner.resolver.exists(did).await {
            Err(e) if e.kind() == HostErrorKind::NotFound => Ok(false),
            exists => exists.map_err(|e| IssueError::resolution(did, e)),
        }
    }

    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, IssueError> {
        match self.inner.resolver.resolve(did).await {
            Err(e) if e.kind() == HostErrorKind::NotFound => Ok(None),
            resolved => resolved.map_err(|e| IssueError::resolution(did, e)),
        }
    }
}

fn subject(holder: &Holder, mut claims: Map<String, Value>) -> CredentialSubject {
    // The holder binding wins over any `id` in the claims, for a holder named by nobody too:
    // the request's holder alone says who the subject is.
    claims.remove("id");
    CredentialSubject {
        id: holder.subject_id().map(str::to_owned),
        claims,
    }
}

fn credential_schema(url: &str, version: vc_core::DataModelVersion) -> TypedResource {
    let type_ = match version {
        vc_core::DataModelVersion::V1 => "JsonSchemaValidator2018",
        _ => "JsonSchema",
    };
    TypedResource::new(type_).with_id(url)
}

#[derive(Debug, thiserror::Error)]
#[error("the request is revocable but the issuer has no status registry")]
struct NoStatusRegistry;

/// Builds an [`Issuer`].
#[derive(Debug, Default)]
#[must_use]
pub struct IssuerBuilder {
    resolver: Option<Arc<dyn DidResolver>>,
    schemas: Option<Arc<dyn SchemaRegistry>>,
    keys: Option<Arc<dyn KeyStore>>,
    status: Option<Arc<StatusRegistry>>,
    token_status: Option<Arc<StatusRegistry>>,
    suites: Option<Suites>,
    clock: Option<Arc<dyn Clock>>,
    rate_limit: Option<RateLimit>,
    max_nesting: Option<usize>,
    claims_rules: HashMap<String, Arc<dyn ClaimsRule>>,
    resources: Option<Arc<dyn ResourceLoader>>,
    #[cfg(feature = "sd-jwt")]
    jwt_key_headers: HashMap<String, crate::sd_jwt::JwtKeyHeader>,
}

impl IssuerBuilder {
    /// Reads related resources without the network, so that a credential's `relatedResource`
    /// digests are checked before it is signed (see
    /// [`related_resources`](crate::pipeline::related_resources)); without one, digests are
    /// signed as given.
    pub fn resources(mut self, loader: Arc<dyn ResourceLoader>) -> Self {
        self.resources = Some(loader);
        self
    }

    /// Adds a rule on the claims of credentials of `schema_id` (checked after schema validation).
    /// The agent delegation rule is registered by default for
    /// [`delegation::SCHEMA_ID`](crate::pipeline::delegation::SCHEMA_ID).
    pub fn claims_rule(mut self, schema_id: impl Into<String>, rule: Arc<dyn ClaimsRule>) -> Self {
        self.claims_rules.insert(schema_id.into(), rule);
        self
    }

    /// Resolves issuer and holder DIDs (required).
    pub fn resolver(mut self, resolver: Arc<dyn DidResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// Looks schemas up (required).
    pub fn schemas(mut self, schemas: Arc<dyn SchemaRegistry>) -> Self {
        self.schemas = Some(schemas);
        self
    }

    /// Finds signers for verification methods (required).
    pub fn keys(mut self, keys: Arc<dyn KeyStore>) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Allocates status entries for revocable credentials.
    pub fn status_registry(mut self, registry: Arc<StatusRegistry>) -> Self {
        self.status = Some(registry);
        self
    }

    /// Allocates Token Status List entries for revocable `dc+sd-jwt` credentials (a registry of
    /// [`ListFormat::TokenStatusList`](vc_status::ListFormat::TokenStatusList), usually over the
    /// same store as the W3C one, under its own namespace).
    pub fn token_status_registry(mut self, registry: Arc<StatusRegistry>) -> Self {
        self.token_status = Some(registry);
        self
    }

    /// What the JWTs `verification_method` signs (SD-JWT VCs, Status List Tokens) say about its
    /// key besides `alg`: a `kid` of the host's choosing, an `x5c` chain; published in the JWT VC
    /// Issuer Metadata's `jwks` too.
    #[cfg(feature = "sd-jwt")]
    pub fn jwt_key_header(
        mut self,
        verification_method: &DidUrl,
        header: crate::sd_jwt::JwtKeyHeader,
    ) -> Self {
        self.jwt_key_headers
            .insert(verification_method.as_str().to_owned(), header);
        self
    }

    /// Replaces the proof suites (every compiled-in suite by default). `vc+jwt` is a suite of
    /// the set like the others: a set built from [`Suites::empty`] issues `vc+jwt` only once
    /// [`VcJwtSuite`](crate::crypto::jwt::VcJwtSuite) is inserted (feature `jwt`).
    pub fn suites(mut self, suites: Suites) -> Self {
        self.suites = Some(suites);
        self
    }

    /// The clock for `validFrom` and proof `created` (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Limits issuances per issuer DID.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The deepest nesting of arrays and objects in a credential the pipeline builds
    /// ([`ParseLimits::DEFAULT_MAX_DEPTH`](vc_core::ParseLimits::DEFAULT_MAX_DEPTH) unless set;
    /// capped at [`ParseLimits::MAX_DEPTH_CEILING`](vc_core::ParseLimits::MAX_DEPTH_CEILING)).
    /// Claims nest one level less, inside `credentialSubject`. Deeper input is refused with
    /// `NESTING_TOO_DEEP` before any step that recurses over it.
    pub fn max_nesting(mut self, levels: usize) -> Self {
        self.max_nesting = Some(levels);
        self
    }

    /// Checks that the required parts are there.
    pub fn build(mut self) -> Result<Issuer, IssueError> {
        self.claims_rules
            .entry(crate::pipeline::delegation::SCHEMA_ID.to_owned())
            .or_insert_with(|| Arc::new(crate::pipeline::delegation::DelegationRule));
        let missing = |part: &str| IssueError::InvalidRequest {
            reason: format!("Issuer::builder() needs {part}"),
        };
        let token_format = vc_status::ListFormat::TokenStatusList;
        if self
            .token_status
            .as_ref()
            .is_some_and(|r| r.format() != token_format)
            || self
                .status
                .as_ref()
                .is_some_and(|r| r.format() == token_format)
        {
            return Err(IssueError::InvalidRequest {
                reason: "the token status registry must be of the Token Status List format, and \
                         only it"
                    .into(),
            });
        }
        Ok(Issuer {
            inner: Arc::new(Inner {
                resolver: self.resolver.ok_or_else(|| missing("a resolver"))?,
                schemas: self.schemas.ok_or_else(|| missing("a schema registry"))?,
                keys: self.keys.ok_or_else(|| missing("a key store"))?,
                status: self.status,
                token_status: self.token_status,
                #[cfg(feature = "sd-jwt")]
                status_tokens: Default::default(),
                #[cfg(feature = "sd-jwt")]
                status_cwts: Default::default(),
                #[cfg(feature = "sd-jwt")]
                jwt_key_headers: self.jwt_key_headers,
                suites: self.suites.unwrap_or_default(),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                rate_limit: self.rate_limit,
                max_nesting: self
                    .max_nesting
                    .unwrap_or(ParseLimits::DEFAULT_MAX_DEPTH)
                    .clamp(2, ParseLimits::MAX_DEPTH_CEILING),
                schema_cache: SchemaCache::default(),
                claims_rules: self.claims_rules,
                resources: self.resources,
            }),
        })
    }
}
