//! [`VcApi`]: the issuer's HTTP surface as one [`axum::Router`], built from its parts.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use vc_core::ErrorCode;

use super::instance::{InstanceConfigError, InstanceId, Instances, IssuerInstance};
use super::{
    approvals, credential_status, edge, exchanges, issuer_api, pickup, status_lists, Authorizer,
    BODY_LIMIT,
};
use crate::crypto::proof_type::ProofType;
use crate::exchange::ExchangeService;
use crate::pickup::PickupService;
use crate::pipeline::issuer::Issuer;
use crate::queue::IssuanceQueue;
use crate::status_index::{CredentialStatusIndex, MemoryCredentialStatusIndex};

/// A [`VcApi`] that cannot be built: a required part is missing or a URL is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required part was not given.
    #[error("VcApi::builder() needs {part}")]
    Missing {
        /// Which part.
        part: &'static str,
    },
    /// The public base URL is not an absolute http(s) URL without query or fragment.
    #[error("the public base URL must be an absolute http or https URL without query or fragment")]
    BaseUrl,
    /// An issuer instance is configured inconsistently.
    #[error(transparent)]
    Instance(#[from] InstanceConfigError),
}

impl ConfigError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ConfigError::Missing { .. } => ErrorCode::HTTP_CONFIG_MISSING,
            ConfigError::BaseUrl => ErrorCode::HTTP_CONFIG_BASE_URL,
            ConfigError::Instance(e) => e.code(),
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct ApiState {
    /// The default instance (the bare routes) and the named ones.
    pub(crate) instances: Instances,
    pub(crate) authorizer: Arc<dyn Authorizer>,
    /// Asynchronous issuance, for the default instance's `IssuanceRequest`s.
    pub(crate) queue: Option<IssuanceQueue>,
    /// The public base URL without a trailing `/` (empty: locations are relative).
    pub(crate) base_url: String,
    /// The issuer DID `GET /.well-known/jwt-vc-issuer` describes, if any.
    #[cfg(feature = "sd-jwt")]
    pub(crate) jwt_vc_issuer: Option<vc_core::Did>,
}

/// The VC API issuer endpoints, credential pickup, and any routers merged in (the VCALM exchange
/// routes), as one [`axum::Router`] with one body limit ([`BODY_LIMIT`]), every error in the
/// [`ApiError`](super::ApiError) shape, and request bodies checked at the edge (see
/// [the module](super)).
///
/// | route | who | what |
/// |---|---|---|
/// | `POST /credentials/issue` | authorized | issue from a VC API `{credential, options}` body (`201`) or an [`IssuanceRequest`](crate::IssuanceRequest) (`201`, or `202` + `Location` with a queue); its holder is `holderDid` (a DID, resolved), `subjectId` (another absolute URL such as `mailto:`), or `"subjectId": null` (a subject without `id`), exactly one of them (see [`holder`](crate::pipeline::holder); otherwise `400 INVALID_REQUEST` with `details.pointer`) |
/// | `GET /credentials/issue/{ticketId}` | authorized | poll an asynchronous issuance |
/// | `POST /credentials/issue/{ticketId}/approve`, `/reject`, `/request-information`, `/information` | authorized | decide on a held ticket, or answer a request for information (see [`approvals`](super::approvals)) |
/// | `POST /credentials/status` | authorized | revoke, suspend or unsuspend (VC API `UpdateCredentialStatus`) |
/// | `GET /status-lists/{listId}` | anyone | the signed status list credential |
/// | `POST /issuers/{instance}/credentials/issue`, `POST /issuers/{instance}/credentials/status` | authorized for the instance | the same for a named [`IssuerInstance`] (see [`instance`](super::instance)); the bare routes are the default instance |
/// | `GET /issuers/{instance}/status-lists/{listId}` | anyone | a named instance's status list credential |
/// | `GET /statuslists/{listId}` | anyone | (feature `sd-jwt`) the signed Token Status List token by `Accept`: `application/statuslist+jwt` (the default) or `application/statuslist+cwt` (binary), `406 NOT_ACCEPTABLE` for neither (see [`Issuer::status_list_token_cwt`](crate::Issuer::status_list_token_cwt)) |
/// | `GET /.well-known/jwt-vc-issuer` | anyone | (feature `sd-jwt`) JWT VC Issuer Metadata, with [`VcApiBuilder::jwt_vc_issuer`] |
/// | `POST /credentials/pickup` | the token holder | the credential of a one-time token, once (with a [`PickupService`]) |
/// | `POST /workflows/{id}/exchanges`, `GET /workflows/{id}/exchanges/{exchangeId}` | authorized | create and read VCALM exchanges (with an [`ExchangeService`], see [`exchanges`](super::exchanges)) |
/// | `POST /workflows/{id}/exchanges/{exchangeId}`, `GET …/protocols` | the wallet holding the URL | take part in an exchange (with an [`ExchangeService`]) |
/// | `POST /credentials/verify`, `POST /presentations/verify`, `POST /credentials/derive` | anyone | (merged from [`verifier_routes`](super::verifier_routes)) verify proofs, and status when the [`CredentialVerifier`](crate::CredentialVerifier) has a status list loader (`checks: ["proof", "status"]`; revoked `400 CREDENTIAL_REVOKED`, unreachable list `503 STATUS_LIST_UNAVAILABLE`); derive selective-disclosure proofs |
///
/// ```
/// # use std::sync::Arc;
/// # use vc_issue::{Issuer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry};
/// use vc_issue::http::{BearerTokens, VcApi};
/// # fn f(issuer: Issuer) -> Result<(), Box<dyn std::error::Error>> {
/// let router = VcApi::builder()
///     .issuer(issuer)
///     .authorizer(Arc::new(BearerTokens::new(["an access token"])))
///     .base_url("https://issuer.example")
///     .build()?
///     .router();
/// // vc_issue::http::serve(listener, router, vc_issue::http::ServeLimits::default()).await?;
/// # let _ = router; Ok(()) }
/// ```
///
/// Status list URLs: give the issuer's [`StatusRegistry`](vc_status::StatusRegistry) the list URL
/// template `<base URL>/status-lists/{list}`, so the lists its entries point at are the ones
/// served here.
#[derive(Debug)]
pub struct VcApi {
    state: Arc<ApiState>,
    pickup: Option<PickupService>,
    merged: Vec<Router>,
    max_nesting: usize,
}

impl VcApi {
    /// Starts building.
    pub fn builder() -> VcApiBuilder {
        VcApiBuilder::default()
    }

    /// The router: every route above, the merged routers, the body limit over all of them, and
    /// the edge (see [the module](super)): every error of every route, merged ones and unknown
    /// paths included, in the JSON shape; the JSON bodies of the library's routes (the
    /// exchange routes among them) checked for type, duplicate keys and nesting, under
    /// [`VcApiBuilder::max_nesting`].
    pub fn router(self) -> Router {
        let own = Router::new()
            .route("/credentials/issue", post(issuer_api::issue))
            .route("/credentials/issue/{ticket_id}", get(issuer_api::poll))
            .route(
                "/credentials/issue/{ticket_id}/approve",
                post(approvals::approve),
            )
            .route(
                "/credentials/issue/{ticket_id}/reject",
                post(approvals::reject),
            )
            .route(
                "/credentials/issue/{ticket_id}/request-information",
                post(approvals::request_information),
            )
            .route(
                "/credentials/issue/{ticket_id}/information",
                post(approvals::provide_information),
            )
            .route("/credentials/status", post(credential_status::update))
            .route("/status-lists/{list_id}", get(status_lists::serve))
            .route(
                "/issuers/{instance}/credentials/issue",
                post(issuer_api::issue),
            )
            .route(
                "/issuers/{instance}/credentials/status",
                post(credential_status::update),
            )
            .route(
                "/issuers/{instance}/status-lists/{list_id}",
                get(status_lists::serve),
            );
        #[cfg(feature = "sd-jwt")]
        let own = own
            .route(
                "/statuslists/{list_id}",
                get(super::sd_jwt_vc::status_list_token),
            )
            .route(
                "/.well-known/jwt-vc-issuer",
                get(super::sd_jwt_vc::jwt_vc_issuer),
            );
        let mut router = edge::json_gate(own).with_state(self.state);
        if let Some(service) = self.pickup {
            router = router.merge(pickup::pickup_routes(service));
        }
        for other in self.merged {
            router = router.merge(other);
        }
        edge::shape(
            router.layer(DefaultBodyLimit::max(BODY_LIMIT)),
            self.max_nesting,
        )
    }
}

/// Builds a [`VcApi`]; `authorizer` and an `issuer` (or a `default_instance`) are required.
#[derive(Debug, Default)]
#[must_use]
pub struct VcApiBuilder {
    issuer: Option<Issuer>,
    default_instance: Option<IssuerInstance>,
    instances: Vec<IssuerInstance>,
    authorizer: Option<Arc<dyn Authorizer>>,
    queue: Option<IssuanceQueue>,
    pickup: Option<PickupService>,
    exchanges: Option<Arc<ExchangeService>>,
    status_index: Option<Arc<dyn CredentialStatusIndex>>,
    base_url: Option<String>,
    #[cfg(feature = "sd-jwt")]
    jwt_vc_issuer: Option<vc_core::Did>,
    status_list_proof_type: Option<ProofType>,
    merged: Vec<Router>,
    max_nesting: Option<usize>,
}

impl VcApiBuilder {
    /// Signs credentials and status lists on the bare routes: the default instance, issuing as
    /// any DID its key store holds keys for, with every suite it has (`eddsa-rdfc-2022` unless a
    /// request names another). [`default_instance`](Self::default_instance) configures it
    /// instead.
    pub fn issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// The default instance (the bare routes), configured like a named one (its id is
    /// [`InstanceId::DEFAULT`] whatever it was built with); replaces [`issuer`](Self::issuer).
    pub fn default_instance(mut self, instance: IssuerInstance) -> Self {
        self.default_instance = Some(instance);
        self
    }

    /// Serves `instance` at `/issuers/{instance}/...` (its own DID, keys, suites and status
    /// lists).
    pub fn instance(mut self, instance: IssuerInstance) -> Self {
        self.instances.push(instance);
        self
    }

    /// Decides who may call the authenticated endpoints (required).
    pub fn authorizer(mut self, authorizer: Arc<dyn Authorizer>) -> Self {
        self.authorizer = Some(authorizer);
        self
    }

    /// Answers `IssuanceRequest`s with `202 Accepted` and a ticket to poll, instead of issuing at
    /// once. VC API `{credential, options}` bodies are still signed at once.
    pub fn queue(mut self, queue: IssuanceQueue) -> Self {
        self.queue = Some(queue);
        self
    }

    /// Serves `POST /credentials/pickup` for this service's tokens.
    pub fn pickup(mut self, service: PickupService) -> Self {
        self.pickup = Some(service);
        self
    }

    /// Serves the VCALM workflow service's routes ([`exchanges::routes`]) for `service`, with
    /// this API's [`authorizer`](Self::authorizer) guarding the coordinator's endpoints (create
    /// and read an exchange); wallets' endpoints need no token.
    ///
    /// The same as `.merge(exchanges::routes(service, authorizer))` with the same authorizer.
    /// Exchange URLs are built on the service's own base URL
    /// ([`ExchangeServiceBuilder::base_url`](crate::exchange::ExchangeServiceBuilder::base_url)),
    /// which should be the URL this router is mounted at.
    pub fn exchanges(mut self, service: Arc<ExchangeService>) -> Self {
        self.exchanges = Some(service);
        self
    }

    /// Where the status entries of issued credentials are remembered by credential id (in memory
    /// by default; `SqliteCredentialStatusIndex` keeps them across restarts and
    /// `PostgresCredentialStatusIndex` shares them between issuers on several machines).
    pub fn status_index(mut self, index: Arc<dyn CredentialStatusIndex>) -> Self {
        self.status_index = Some(index);
        self
    }

    /// The public URL the router is mounted at (e.g. `https://issuer.example`), for absolute
    /// `Location` headers. Without it, locations are relative paths.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The proof type status list credentials are signed with (the default proof type,
    /// `eddsa-rdfc-2022`, unless set).
    pub fn status_list_proof_type(mut self, proof_type: ProofType) -> Self {
        self.status_list_proof_type = Some(proof_type);
        self
    }

    /// The deepest nesting of arrays and objects a request body may have, on every route of the
    /// library's (the merged exchange and pickup routes too): `{}` is 1 level,
    /// `{"credential": {}}` 2. Deeper bodies are refused with `400 NESTING_TOO_DEEP` before a
    /// handler runs. [`ParseLimits::DEFAULT_MAX_DEPTH`](vc_core::ParseLimits::DEFAULT_MAX_DEPTH)
    /// unless set; at least 1, at most
    /// [`ParseLimits::MAX_DEPTH_CEILING`](vc_core::ParseLimits::MAX_DEPTH_CEILING).
    ///
    /// The claims of an `IssuanceRequest` body nest two levels below the body, and the issuer
    /// holds them to its own limit (`IssuerBuilder::max_nesting`, claims one level below it): keep
    /// that at least this one minus one, or the issuer refuses bodies the edge let through. A VC
    /// API credential is held only to this limit (and to the RDF suites' own, which is higher
    /// than any this limit can be set to).
    pub fn max_nesting(mut self, levels: usize) -> Self {
        self.max_nesting = Some(levels);
        self
    }

    /// Adds the routes of another router (e.g. the VCALM exchange routes), under the same body
    /// limit. Its paths must not overlap the ones above.
    pub fn merge(mut self, router: Router) -> Self {
        self.merged.push(router);
        self
    }

    /// (feature `sd-jwt`) Publishes the JWT VC Issuer Metadata of `did` (the `iss` of the SD-JWT
    /// VCs this API's issuer signs) at `GET /.well-known/jwt-vc-issuer`: `issuer` and the `jwks`
    /// of its `assertionMethod` keys, each with its verification method as `kid`.
    #[cfg(feature = "sd-jwt")]
    pub fn jwt_vc_issuer(mut self, did: vc_core::Did) -> Self {
        self.jwt_vc_issuer = Some(did);
        self
    }

    /// Checks the parts and builds.
    pub fn build(self) -> Result<VcApi, ConfigError> {
        let base_url = match self.base_url {
            Some(url) => {
                crate::pickup::normalize_base_url(&url).map_err(|_| ConfigError::BaseUrl)?
            }
            None => String::new(),
        };
        let authorizer = self.authorizer.ok_or(ConfigError::Missing {
            part: "an authorizer",
        })?;
        let mut merged = self.merged;
        if let Some(service) = self.exchanges {
            merged.push(exchanges::routes(service, authorizer.clone()));
        }
        let status_index = self
            .status_index
            .unwrap_or_else(|| Arc::new(MemoryCredentialStatusIndex::new()));
        let default = match (self.default_instance, self.issuer) {
            (Some(mut instance), _) => {
                instance.id = InstanceId::DEFAULT;
                instance
            }
            (None, Some(issuer)) => IssuerInstance::builder(InstanceId::DEFAULT, issuer)
                .status_index(status_index)
                .status_list_proof_type(self.status_list_proof_type.unwrap_or_default())
                .build()?,
            (None, None) => return Err(ConfigError::Missing { part: "an issuer" }),
        };
        let state = ApiState {
            instances: Instances::new(default, self.instances)?,
            authorizer,
            queue: self.queue,
            base_url,
            #[cfg(feature = "sd-jwt")]
            jwt_vc_issuer: self.jwt_vc_issuer,
        };
        Ok(VcApi {
            state: Arc::new(state),
            pickup: self.pickup,
            merged,
            max_nesting: edge::parse_limits(
                self.max_nesting
                    .unwrap_or(vc_core::ParseLimits::DEFAULT_MAX_DEPTH),
            )
            .max_depth,
        })
    }
}
