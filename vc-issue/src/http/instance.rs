//! Issuer instances: one router serving several issuers (tenants), each with its own DID, keys,
//! suites and status lists, at `/issuers/{instance}/...`; the bare routes are the default
//! instance.
//!
//! This is the VC API's model of an issuer service: a configured instance signs only as its own
//! DID, with the suites it allows (its default when a request names none), and keeps its own
//! status lists and its own record of which entries each credential got, so that nothing one
//! tenant does can reach another's credentials. An [`Authorizer`](super::Authorizer) says which
//! instances a caller may act for ([`Principal`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde_json::json;
use vc_core::{Did, ErrorCode};

use super::status_lists::SignedListCache;
use super::{ApiError, Principal};
use crate::crypto::proof_type::ProofType;
use crate::pipeline::issuer::Issuer;
use crate::status_index::{CredentialStatusIndex, GroupedStatusIndex, MemoryCredentialStatusIndex};

/// The name of an issuer instance, the `{instance}` of `/issuers/{instance}/...`: 1 to 64
/// characters of `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(Cow<'static, str>);

impl InstanceId {
    /// The instance the bare routes (`/credentials/issue`, ...) serve.
    pub const DEFAULT: InstanceId = InstanceId(Cow::Borrowed("default"));

    /// The longest instance name.
    pub const MAX_LEN: usize = 64;

    /// Checks `name`; `None` when it is empty, too long, or has a character outside
    /// `[A-Za-z0-9._-]`.
    pub fn new(name: impl Into<String>) -> Option<Self> {
        let name = name.into();
        let valid = (1..=Self::MAX_LEN).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        valid.then_some(Self(Cow::Owned(name)))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which suites an instance signs with: its default, and the set a request may choose from.
#[derive(Debug, Clone)]
pub(crate) struct SuitePolicy {
    pub(crate) default: ProofType,
    /// `None`: every suite the issuer has.
    pub(crate) allowed: Option<Vec<ProofType>>,
}

impl SuitePolicy {
    pub(crate) fn allows(&self, suite: &ProofType) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|allowed| allowed.contains(suite))
    }
}

/// One configured issuer instance: an [`Issuer`] (its keys, its status registry), the DID it
/// issues as, its default and allowed suites, and its own record of status entries.
///
/// ```
/// # use std::sync::Arc;
/// # use vc_issue::Issuer;
/// use vc_issue::http::{InstanceId, IssuerInstance};
/// use vc_issue::ProofType;
/// # fn f(issuer: Issuer, did: vc_core::Did) -> Result<(), Box<dyn std::error::Error>> {
/// let university = IssuerInstance::builder(InstanceId::new("university").unwrap(), issuer)
///     .did(did)
///     .default_suite(ProofType::EddsaRdfc2022)
///     .allow([ProofType::EddsaRdfc2022, ProofType::EddsaJcs2022])
///     .build()?;
/// # let _ = university; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct IssuerInstance {
    pub(crate) id: InstanceId,
    pub(crate) issuer: Issuer,
    pub(crate) did: Option<Did>,
    pub(crate) suites: SuitePolicy,
    pub(crate) status_index: Arc<dyn CredentialStatusIndex>,
    pub(crate) status_list_proof_type: ProofType,
}

/// An [`IssuerInstance`] with its cache of signed status lists, as the router holds it.
#[derive(Debug)]
pub(crate) struct ServedInstance {
    pub(crate) config: IssuerInstance,
    pub(crate) status_lists: SignedListCache,
}

impl ServedInstance {
    pub(crate) fn new(config: IssuerInstance) -> Self {
        let status_lists = SignedListCache::new(config.status_list_proof_type.clone());
        Self {
            config,
            status_lists,
        }
    }
}

impl IssuerInstance {
    /// Starts building the instance `id` over `issuer`.
    pub fn builder(id: InstanceId, issuer: Issuer) -> IssuerInstanceBuilder {
        IssuerInstanceBuilder {
            id,
            issuer,
            did: None,
            default_suite: None,
            allowed: None,
            status_index: None,
            status_list_proof_type: None,
        }
    }

    /// The instance's name.
    pub fn id(&self) -> &InstanceId {
        &self.id
    }

    /// The DID it issues as (any DID its key store has keys for, when not set).
    pub fn did(&self) -> Option<&Did> {
        self.did.as_ref()
    }

    /// The suite a request that names none is signed with.
    pub fn default_suite(&self) -> &ProofType {
        &self.suites.default
    }

    /// The issuer.
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }
}

/// An [`IssuerInstance`] that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InstanceConfigError {
    /// The default suite is not among the allowed ones.
    #[error("the default suite {0} is not among the allowed suites")]
    DefaultNotAllowed(String),
    /// A suite is not one the instance's issuer has.
    #[error("the issuer has no suite {0}")]
    UnknownSuite(String),
    /// Two instances have the same name.
    #[error("two instances are named {0}")]
    DuplicateInstance(String),
}

impl InstanceConfigError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::INSTANCE_CONFIG_ERROR
    }
}

/// Builds an [`IssuerInstance`].
#[derive(Debug)]
#[must_use]
pub struct IssuerInstanceBuilder {
    id: InstanceId,
    issuer: Issuer,
    did: Option<Did>,
    default_suite: Option<ProofType>,
    allowed: Option<Vec<ProofType>>,
    status_index: Option<Arc<dyn CredentialStatusIndex>>,
    status_list_proof_type: Option<ProofType>,
}

impl IssuerInstanceBuilder {
    /// The DID the instance issues as: a credential whose `issuer` is another DID, or a request
    /// for another `issuerDid`, is refused (`403 INSTANCE_ISSUER_MISMATCH`).
    pub fn did(mut self, did: Did) -> Self {
        self.did = Some(did);
        self
    }

    /// The suite a request that names none is signed with (`eddsa-rdfc-2022` unless set).
    pub fn default_suite(mut self, suite: ProofType) -> Self {
        self.default_suite = Some(suite);
        self
    }

    /// The suites a request may choose (every suite of the issuer unless set); must include the
    /// default.
    pub fn allow(mut self, suites: impl IntoIterator<Item = ProofType>) -> Self {
        self.allowed = Some(suites.into_iter().collect());
        self
    }

    /// Where the instance remembers the status entries of what it issued, by credential id (in
    /// memory unless set).
    pub fn status_index(mut self, index: Arc<dyn CredentialStatusIndex>) -> Self {
        self.status_index = Some(index);
        self
    }

    /// The suite its status list credentials are signed with (the default suite unless set).
    pub fn status_list_proof_type(mut self, suite: ProofType) -> Self {
        self.status_list_proof_type = Some(suite);
        self
    }

    /// Checks that every suite named is one the issuer has and the default is allowed.
    pub fn build(self) -> Result<IssuerInstance, InstanceConfigError> {
        let named_default = self.default_suite.is_some();
        let default = self.default_suite.unwrap_or_default();
        let suites = self.issuer.suites();
        // An unset default is not checked: a build without the `rdfc` feature still serves the
        // suites it has, and a request that names none is refused when it is signed.
        let named = named_default.then_some(&default);
        for suite in named.into_iter().chain(self.allowed.iter().flatten()) {
            if suites.securing(suite).is_err() {
                return Err(InstanceConfigError::UnknownSuite(suite.to_string()));
            }
        }
        if self.allowed.as_ref().is_some_and(|a| !a.contains(&default)) {
            return Err(InstanceConfigError::DefaultNotAllowed(default.to_string()));
        }
        Ok(IssuerInstance {
            id: self.id,
            issuer: self.issuer,
            did: self.did,
            status_list_proof_type: self.status_list_proof_type.unwrap_or(default.clone()),
            suites: SuitePolicy {
                default,
                allowed: self.allowed,
            },
            // Records of credentials issued together share one index write.
            status_index: Arc::new(GroupedStatusIndex::new(
                self.status_index
                    .unwrap_or_else(|| Arc::new(MemoryCredentialStatusIndex::new())),
            )),
        })
    }
}

/// Every instance a router serves, the default among them.
#[derive(Debug)]
pub(crate) struct Instances {
    by_id: HashMap<InstanceId, Arc<ServedInstance>>,
}

impl Instances {
    pub(crate) fn new(
        default: IssuerInstance,
        named: Vec<IssuerInstance>,
    ) -> Result<Self, InstanceConfigError> {
        let mut by_id = HashMap::new();
        for instance in std::iter::once(default).chain(named) {
            let id = instance.id.clone();
            if by_id
                .insert(id.clone(), Arc::new(ServedInstance::new(instance)))
                .is_some()
            {
                return Err(InstanceConfigError::DuplicateInstance(id.to_string()));
            }
        }
        Ok(Self { by_id })
    }

    /// The instance a request names, once the principal may act for it: `403
    /// INSTANCE_FORBIDDEN` before `404 INSTANCE_NOT_FOUND`, so that a limited token learns
    /// nothing about other tenants.
    #[expect(
        clippy::result_large_err,
        reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
    )]
    pub(crate) fn for_principal(
        &self,
        target: &InstancePath,
        principal: &Principal,
    ) -> Result<&Arc<ServedInstance>, ApiError> {
        let id = target.id()?;
        if !principal.may_act_for(&id) {
            return Err(ApiError::new(
                ErrorCode::INSTANCE_FORBIDDEN,
                "this token may not act for this issuer instance",
            ));
        }
        self.public(target)
    }

    /// The instance a public route (status lists) names.
    #[expect(
        clippy::result_large_err,
        reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
    )]
    pub(crate) fn public(&self, target: &InstancePath) -> Result<&Arc<ServedInstance>, ApiError> {
        let id = target.id()?;
        self.by_id.get(&id).ok_or_else(|| {
            ApiError::new(ErrorCode::INSTANCE_NOT_FOUND, "no such issuer instance")
                .with_details(json!({"instance": id.as_str()}))
        })
    }

    /// The default instance.
    pub(crate) fn default_instance(&self) -> Option<&Arc<ServedInstance>> {
        self.by_id.get(&InstanceId::DEFAULT)
    }
}

/// The `{instance}` of a route, absent on the bare routes (the default instance), with the other
/// path parameters.
#[derive(Debug)]
pub(crate) struct InstancePath {
    instance: Option<String>,
    pub(crate) params: HashMap<String, String>,
}

impl InstancePath {
    /// Whether the route is a bare one (the default instance).
    pub(crate) fn is_default(&self) -> bool {
        self.instance.is_none()
    }

    #[expect(
        clippy::result_large_err,
        reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
    )]
    fn id(&self) -> Result<InstanceId, ApiError> {
        match &self.instance {
            None => Ok(InstanceId::DEFAULT),
            Some(name) => InstanceId::new(name.as_str()).ok_or_else(|| {
                ApiError::new(ErrorCode::INSTANCE_NOT_FOUND, "no such issuer instance")
            }),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for InstancePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // A route without parameters has no map to extract: the default instance.
        let mut params =
            match Path::<HashMap<String, String>>::from_request_parts(parts, state).await {
                Ok(Path(params)) => params,
                Err(_) => HashMap::new(),
            };
        Ok(Self {
            instance: params.remove("instance"),
            params,
        })
    }
}
