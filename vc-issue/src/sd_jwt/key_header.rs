//! [`JwtKeyHeader`]: what the host adds about the signing key to the header of the JWTs one
//! verification method signs (SD-JWT VCs, Status List Tokens) and to the JWT VC Issuer Metadata.

use serde_json::{Map, Value};
use vc_core::{DidUrl, PublicKey};

use crate::crypto::x509::Chain;
use crate::error::IssueError;

/// A `kid` of the host's choosing (the verification method's DID URL otherwise) and an X.509
/// certificate chain (`x5c`) certifying the key, for one verification method; given to
/// [`IssuerBuilder::jwt_key_header`](crate::IssuerBuilder::jwt_key_header).
#[derive(Debug, Clone, Default)]
pub struct JwtKeyHeader {
    kid: Option<String>,
    x5c: Option<(Chain, PublicKey)>,
}

impl JwtKeyHeader {
    /// Nothing configured: `kid` is the verification method, no `x5c`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the key `kid` in headers and in the metadata's `jwks`.
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Sends `chain` (DER certificates, the one of the signing key first, at most
    /// [`MAX_X5C_CERTS`](crate::sd_jwt::MAX_X5C_CERTS)) as `x5c`. Refused when a certificate does
    /// not parse or the leaf's key is not Ed25519, P-256 or P-384; issuing refuses a leaf whose
    /// key is not the signer's.
    pub fn x5c(mut self, chain: &[Vec<u8>]) -> Result<Self, IssueError> {
        let invalid = |reason: &str| IssueError::InvalidRequest {
            reason: format!("x5c: {reason}"),
        };
        let chain = Chain::from_der(chain).map_err(invalid)?;
        let leaf = chain.leaf_key().map_err(invalid)?;
        self.x5c = Some((chain, leaf));
        Ok(self)
    }

    /// Adds `kid` (this one's, else `method`) and `x5c` to `header`, after checking that the
    /// leaf certificate certifies `key`, the key that signs.
    pub(crate) fn apply(
        header: Option<&Self>,
        method: &DidUrl,
        key: &PublicKey,
        out: &mut Map<String, Value>,
    ) -> Result<(), IssueError> {
        let kid = header
            .and_then(|h| h.kid.as_deref())
            .unwrap_or(method.as_str());
        out.insert("kid".into(), kid.into());
        if let Some((chain, leaf)) = header.and_then(|h| h.x5c.as_ref()) {
            if leaf != key {
                return Err(IssueError::Internal {
                    context: "the x5c chain configured for the verification method certifies \
                              another key than its signer's",
                    source: None,
                });
            }
            out.insert("x5c".into(), x5c_value(chain)?);
        }
        Ok(())
    }

    /// The metadata JWK's `kid` (when configured) and `x5c`.
    pub(crate) fn annotate_jwk(&self, jwk: &mut Map<String, Value>) -> Result<(), IssueError> {
        if let Some(kid) = &self.kid {
            jwk.insert("kid".into(), kid.as_str().into());
        }
        if let Some((chain, _)) = &self.x5c {
            jwk.insert("x5c".into(), x5c_value(chain)?);
        }
        Ok(())
    }
}

fn x5c_value(chain: &Chain) -> Result<Value, IssueError> {
    chain.to_header().map_err(|context| IssueError::Internal {
        context,
        source: None,
    })
}
