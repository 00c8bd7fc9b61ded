//! The problem-report codes of the Issuance protocol.

use std::fmt;

use crate::error::Error;

/// A problem code the Issuance protocol defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IotaProblemCode {
    /// `e.p.prot.iota.issuance.reject-vc`: the holder rejects the credential (offered or issued).
    RejectVc,
    /// `e.p.prot.iota.issuance.invalid-request`: the issuer rejects a message, saying nothing more.
    InvalidRequest,
    /// `e.p.prot.iota.issuance.invalid-credential-type`: a requested `type` is not issued.
    InvalidCredentialType,
    /// `e.p.prot.iota.issuance.invalid-trusted-issuer`: none of the `trustedIssuers` is the issuer.
    InvalidTrustedIssuer,
}

impl IotaProblemCode {
    /// Every code, in the spec's order.
    pub const ALL: [IotaProblemCode; 4] = [
        IotaProblemCode::RejectVc,
        IotaProblemCode::InvalidRequest,
        IotaProblemCode::InvalidCredentialType,
        IotaProblemCode::InvalidTrustedIssuer,
    ];

    /// The code as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            IotaProblemCode::RejectVc => "e.p.prot.iota.issuance.reject-vc",
            IotaProblemCode::InvalidRequest => "e.p.prot.iota.issuance.invalid-request",
            IotaProblemCode::InvalidCredentialType => {
                "e.p.prot.iota.issuance.invalid-credential-type"
            }
            IotaProblemCode::InvalidTrustedIssuer => {
                "e.p.prot.iota.issuance.invalid-trusted-issuer"
            }
        }
    }

    /// The code for a wire string, if it is one of this protocol's.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The code an issuer answers `error` with; with `opaque` set, always
    /// [`InvalidRequest`](Self::InvalidRequest), which tells a prober less about what the issuer
    /// supports.
    pub fn for_issuer(error: &Error, opaque: bool) -> Self {
        match error {
            _ if opaque => IotaProblemCode::InvalidRequest,
            Error::UnsupportedCredentialType { .. } => IotaProblemCode::InvalidCredentialType,
            Error::UnsupportedTrustedIssuer => IotaProblemCode::InvalidTrustedIssuer,
            _ => IotaProblemCode::InvalidRequest,
        }
    }
}

impl fmt::Display for IotaProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
