//! An issuer with three configurations on a loopback server, and a wallet that talks to it.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use vc_issue::http::{oid4vci_routes, BearerTokens, VcApi};
use vc_issue::oid4vci::{
    CredentialConfiguration, CredentialFormat, MemoryOid4vciStore, OfferRequest, Oid4vciIssuer,
    Oid4vciIssuerBuilder, Oid4vciStore, RecordingObserver, TxCode,
};
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::queue::{
    AlwaysHold, IssuanceObserver, IssuanceQueue, MemoryIssuanceStore, TicketId, TransitionEvent,
};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, P256Signer, P384Signer, ProofType,
    Signer,
};
use vc_status::StatusRegistry;

use crate::fixtures::{degree_claims, degree_schema};
use crate::http_api::server::{listen, serve};

pub const LDP: &str = "degree_ldp";
pub const JWT: &str = "degree_jwt";
pub const DEFERRED: &str = "degree_deferred";
/// `dc+sd-jwt`, revocable (Token Status List); only on [`start_sd_jwt`].
pub const SD: &str = "degree_sd";
/// `dc+sd-jwt` through the approval queue; only on [`start_sd_jwt`].
pub const SD_DEFERRED: &str = "degree_sd_deferred";

/// The `vct` of the degree as an SD-JWT VC.
pub const SD_VCT: &str = "https://university.example/vct/degree";

/// Remembers the tickets the queue created, for the reviewer of the tests.
#[derive(Debug, Default)]
pub struct Tickets(Mutex<Vec<TicketId>>);

impl Tickets {
    pub fn all(&self) -> Vec<TicketId> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait]
impl IssuanceObserver for Tickets {
    async fn on_transition(&self, event: &TransitionEvent) {
        if event.from.is_none() {
            self.0.lock().unwrap().push(event.ticket.clone());
        }
    }
}

pub struct Harness {
    pub base: String,
    pub client: reqwest::Client,
    pub oid4vci: Oid4vciIssuer,
    pub queue: IssuanceQueue,
    pub tickets: Arc<Tickets>,
    pub notifications: Arc<RecordingObserver>,
    pub dids: Arc<InMemoryDidRegistry>,
    pub registry: Arc<StatusRegistry>,
    /// The Token Status List registry of `dc+sd-jwt` credentials ([`start_sd_jwt`]).
    pub token_registry: Option<Arc<StatusRegistry>>,
    pub issuer_key: Arc<Ed25519Signer>,
}

pub async fn start() -> Harness {
    start_on(Arc::new(MemoryOid4vciStore::new())).await
}

/// A server over `store`, its status lists on `status_store` (shared when several servers stand
/// for several processes).
pub async fn start_on(store: Arc<dyn Oid4vciStore>) -> Harness {
    start_sharing(store, Arc::new(vc_status::store::MemoryStore::new())).await
}

pub async fn start_sharing(
    store: Arc<dyn Oid4vciStore>,
    status_store: Arc<dyn vc_status::store::StatusListStore>,
) -> Harness {
    start_full(store, status_store, false, false, Box::new(|b, _| b)).await
}

/// What a test adds to the issuer's builder.
/// It is given the issuer's URL too.
pub type Custom = Box<dyn FnOnce(Oid4vciIssuerBuilder, &str) -> Oid4vciIssuerBuilder + Send>;

/// The issuer of [`start`], with what `custom` adds to its builder.
pub async fn start_custom(dpop: bool, custom: Custom) -> Harness {
    start_full(
        Arc::new(MemoryOid4vciStore::new()),
        Arc::new(vc_status::store::MemoryStore::new()),
        dpop,
        false,
        custom,
    )
    .await
}

/// An issuer that requires DPoP.
pub async fn start_dpop() -> Harness {
    start_full(
        Arc::new(MemoryOid4vciStore::new()),
        Arc::new(vc_status::store::MemoryStore::new()),
        true,
        false,
        Box::new(|b, _| b),
    )
    .await
}

/// The issuer with two `dc+sd-jwt` configurations more ([`SD`], [`SD_DEFERRED`]) and a Token
/// Status List registry served at `/statuslists/{list}`.
#[cfg(feature = "sd-jwt")]
pub async fn start_sd_jwt() -> Harness {
    start_sd_jwt_custom(Box::new(|b, _| b)).await
}

/// The issuer of [`start_sd_jwt`], with what `custom` adds to its builder.
#[cfg(feature = "sd-jwt")]
pub async fn start_sd_jwt_custom(custom: Custom) -> Harness {
    start_full(
        Arc::new(MemoryOid4vciStore::new()),
        Arc::new(vc_status::store::MemoryStore::new()),
        false,
        true,
        custom,
    )
    .await
}

async fn start_full(
    store: Arc<dyn Oid4vciStore>,
    status_store: Arc<dyn vc_status::store::StatusListStore>,
    dpop: bool,
    sd_jwt: bool,
    custom: Custom,
) -> Harness {
    let (listener, base) = listen().await;
    let issuer_key = Arc::new(Ed25519Signer::from_seed(&[42; 32]));
    let dids = Arc::new(InMemoryDidRegistry::new());
    let registry = Arc::new(
        StatusRegistry::builder()
            .store(status_store.clone())
            .list_url_template(format!("{base}/status-lists/{{list}}"))
            .issuer(issuer_key.did().to_string())
            .build()
            .unwrap(),
    );
    // The same store, another namespace: as a host keeps both kinds of lists.
    let token_registry = sd_jwt.then(|| {
        Arc::new(
            StatusRegistry::builder()
                .store(status_store)
                .list_url_template(format!("{base}/statuslists/{{list}}"))
                .issuer(issuer_key.did().to_string())
                .format(vc_status::ListFormat::TokenStatusList)
                .namespace("sd-jwt")
                .build()
                .unwrap(),
        )
    });
    let issuer = issuer_with_status(&issuer_key, &dids, registry.clone(), token_registry.clone());
    let tickets = Arc::new(Tickets::default());
    let queue = IssuanceQueue::builder()
        .issuer(issuer.clone())
        .store(Arc::new(MemoryIssuanceStore::new()))
        .policy(Arc::new(AlwaysHold))
        .observer(tickets.clone())
        .build()
        .unwrap();
    let notifications = Arc::new(RecordingObserver::new());
    #[cfg_attr(
        not(feature = "sd-jwt"),
        expect(
            unused_mut,
            reason = "the dc+sd-jwt configurations need feature sd-jwt"
        )
    )]
    let mut oid4vci = Oid4vciIssuer::builder();
    #[cfg(feature = "sd-jwt")]
    if sd_jwt {
        oid4vci = oid4vci
            .configuration(
                CredentialConfiguration::new(SD, "university-degree-v1", CredentialFormat::DcSdJwt)
                    .revocable(true),
            )
            .configuration(
                CredentialConfiguration::new(
                    SD_DEFERRED,
                    "university-degree-v1",
                    CredentialFormat::DcSdJwt,
                )
                .deferred(true),
            );
    }
    let oid4vci = custom(oid4vci, &base)
        .issuer(issuer.clone())
        .issuer_did(issuer_key.did())
        .credential_issuer(&base)
        .display_name("Example University")
        .configuration(
            CredentialConfiguration::new(
                LDP,
                "university-degree-v1",
                CredentialFormat::LdpVc(ProofType::EddsaRdfc2022),
            )
            .revocable(true),
        )
        .configuration(
            CredentialConfiguration::new(JWT, "university-degree-v1", CredentialFormat::JwtVcJson)
                .revocable(true),
        )
        .configuration(
            CredentialConfiguration::new(
                DEFERRED,
                "university-degree-v1",
                CredentialFormat::LdpVc(ProofType::EddsaJcs2022),
            )
            .deferred(true),
        )
        .store(store)
        .queue(queue.clone())
        .observer(notifications.clone())
        .deferred_interval(1)
        .batch_size(3)
        .dpop(dpop)
        .build()
        .unwrap();
    let router = VcApi::builder()
        .issuer(issuer)
        .authorizer(Arc::new(BearerTokens::new(["admin token"])))
        .base_url(base.clone())
        .status_list_proof_type(ProofType::EddsaJcs2022)
        .merge(oid4vci_routes(oid4vci.clone()))
        .build()
        .unwrap()
        .router();
    serve(listener, router, Default::default());
    Harness {
        base,
        client: reqwest::Client::new(),
        oid4vci,
        queue,
        tickets,
        notifications,
        dids,
        registry,
        token_registry,
        issuer_key,
    }
}

/// The degree issuer with `key`, allocating status entries from `registry` (and, for SD-JWT
/// VCs, from `token_registry`).
fn issuer_with_status(
    key: &Arc<Ed25519Signer>,
    dids: &Arc<InMemoryDidRegistry>,
    registry: Arc<StatusRegistry>,
    token_registry: Option<Arc<StatusRegistry>>,
) -> vc_issue::Issuer {
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(key.verification_method_id(), key.clone());
    let schemas = Arc::new(vc_issue::InMemorySchemaRegistry::new());
    // As an SD-JWT VC: the degree's name and the grade are the holder's to disclose.
    schemas.insert(degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
        SD_VCT,
        vec!["/degree/name".into(), "/gpa".into()],
    )));
    let mut builder = vc_issue::Issuer::builder()
        .resolver(dids.clone())
        .schemas(schemas)
        .keys(keys)
        .status_registry(registry);
    if let Some(tokens) = token_registry {
        builder = builder.token_status_registry(tokens);
    }
    builder.build().unwrap()
}

/// A wallet key: Ed25519 or P-256, named in proofs by `jwk` or by its `did:key` `kid`.
pub enum HolderKey {
    Ed25519(Ed25519Signer),
    P256(P256Signer),
    P384(P384Signer),
}

impl HolderKey {
    pub fn ed25519() -> Self {
        Self::Ed25519(Ed25519Signer::generate())
    }

    pub fn p256() -> Self {
        Self::P256(P256Signer::generate())
    }

    pub fn p384() -> Self {
        Self::P384(P384Signer::generate())
    }

    fn signer(&self) -> &dyn Signer {
        match self {
            Self::Ed25519(s) => s,
            Self::P256(s) => s,
            Self::P384(s) => s,
        }
    }

    pub fn did(&self) -> vc_core::Did {
        match self {
            Self::Ed25519(s) => s.did(),
            Self::P256(s) => s.did(),
            Self::P384(s) => s.did(),
        }
    }

    pub fn kid(&self) -> String {
        match self {
            Self::Ed25519(s) => s.verification_method_id().to_string(),
            Self::P256(s) => s.verification_method_id().to_string(),
            Self::P384(s) => s.verification_method_id().to_string(),
        }
    }

    /// The public key's bytes (an Ed25519 key, or a compressed EC point).
    pub fn public_key_bytes(&self) -> Vec<u8> {
        self.signer().public_key().as_bytes().to_vec()
    }

    pub fn alg(&self) -> &'static str {
        self.signer().algorithm().jws_name()
    }

    pub fn jwk(&self) -> Value {
        let jwk = vc_issue::crypto::jwt::public_jwk(self.signer().public_key()).unwrap();
        Value::Object(jwk.as_ref().clone())
    }

    /// Signs `header` and `claims` as a compact JWS.
    pub async fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signer().sign(input.as_bytes()).await.unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// What a key proof says; the defaults make a good one.
pub struct Proof<'a> {
    pub key: &'a HolderKey,
    pub typ: &'a str,
    pub aud: Value,
    pub nonce: Option<String>,
    pub iat: i64,
    pub by_kid: bool,
}

impl<'a> Proof<'a> {
    pub fn new(key: &'a HolderKey, aud: &str, nonce: &str) -> Self {
        Self {
            key,
            typ: "openid4vci-proof+jwt",
            aud: json!(aud),
            nonce: Some(nonce.to_owned()),
            iat: time::OffsetDateTime::now_utc().unix_timestamp(),
            by_kid: false,
        }
    }

    pub async fn jwt(&self) -> String {
        let mut header = json!({"typ": self.typ, "alg": self.key.alg()});
        if self.by_kid {
            header["kid"] = json!(self.key.kid());
        } else {
            header["jwk"] = self.key.jwk();
        }
        let mut claims = json!({"aud": self.aud, "iat": self.iat});
        if let Some(nonce) = &self.nonce {
            claims["nonce"] = json!(nonce);
        }
        self.key.sign(&header, &claims).await
    }
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn offer(&self, configuration: &str, tx_code: bool) -> (String, Option<String>) {
        let mut request = OfferRequest::new().credential(configuration, degree_claims());
        if tx_code {
            request = request.tx_code(TxCode::numeric(6).with_description("sent by e-mail"));
        }
        let offer = self.oid4vci.create_offer(request).await.unwrap();
        let code = offer.offer()["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
            ["pre-authorized_code"]
            .as_str()
            .unwrap()
            .to_owned();
        (code, offer.tx_code().map(str::to_owned))
    }

    /// POSTs a form to the token endpoint.
    pub async fn token_form(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let response = self
            .client
            .post(self.url("/oid4vci/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        json_of(response).await
    }

    pub async fn token(&self, code: &str, tx_code: Option<&str>) -> (u16, Value) {
        let mut form = vec![
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            ),
            ("pre-authorized_code", code),
        ];
        if let Some(tx) = tx_code {
            form.push(("tx_code", tx));
        }
        self.token_form(&form).await
    }

    /// An access token for a fresh offer of `configuration`.
    pub async fn access_token(&self, configuration: &str) -> String {
        let (code, tx) = self.offer(configuration, true).await;
        let (status, body) = self.token(&code, tx.as_deref()).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn nonce(&self) -> String {
        let response = self
            .client
            .post(self.url("/oid4vci/nonce"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["cache-control"].to_str().unwrap(),
            "no-store"
        );
        let (status, body) = json_of(response).await;
        assert_eq!(status, 200, "{body}");
        body["c_nonce"].as_str().unwrap().to_owned()
    }

    pub async fn post_bearer(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        json_of(
            crate::http_api::server::post_bearer(&self.client, self.url(path), token, body).await,
        )
        .await
    }

    pub async fn credential(&self, token: &str, body: &Value) -> (u16, Value) {
        self.post_bearer("/oid4vci/credential", token, body).await
    }

    /// A credential request of `configuration` with one good proof by `key`.
    pub async fn request_with(&self, key: &HolderKey, configuration: &str) -> Value {
        let nonce = self.nonce().await;
        let jwt = Proof::new(key, &self.base, &nonce).jwt().await;
        json!({"credential_configuration_id": configuration, "proofs": {"jwt": [jwt]}})
    }

    pub fn verifier(&self) -> CredentialVerifier {
        CredentialVerifier::new(self.dids.clone())
    }
}

pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// The `error` of an OpenID4VCI error body, with its status.
pub fn error_of((status, body): (u16, Value)) -> (u16, String) {
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

pub fn claims() -> Map<String, Value> {
    degree_claims()
}
