//! The proof types an issuance request can ask for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A proof type, named as requests name it (`proofType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ProofType {
    /// Data Integrity `eddsa-jcs-2022`: JCS + SHA-256 + Ed25519.
    EddsaJcs2022,
    /// Data Integrity `eddsa-rdfc-2022`: RDF canonicalization + SHA-256 + Ed25519 (the default).
    #[default]
    EddsaRdfc2022,
    /// The legacy Linked Data suite `Ed25519Signature2020` (VC 1.1 era).
    Ed25519Signature2020,
    /// The legacy JCS suite `JcsEd25519Signature2020` (DIF, identity.rs variant).
    JcsEd25519Signature2020,
    /// Data Integrity `ecdsa-rdfc-2019`: RDF canonicalization + ECDSA, P-256 with SHA-256 or P-384
    /// with SHA-384 (the key decides).
    EcdsaRdfc2019,
    /// Data Integrity `ecdsa-jcs-2019`: JCS + ECDSA, P-256 with SHA-256 or P-384 with SHA-384.
    EcdsaJcs2019,
    /// Data Integrity `ecdsa-sd-2023` (selective disclosure; P-256 issuer keys).
    EcdsaSd2023,
    /// Data Integrity `bbs-2023` (selective disclosure).
    Bbs2023,
    /// A JWT: VC-JOSE-COSE (`typ: vc+jwt`) for 2.0, VC-JWT 1.1 (`vc` claim) for 1.1.
    VcJwt,
    /// An IETF SD-JWT VC (`typ: dc+sd-jwt`), with selectively disclosable claims (feature
    /// `sd-jwt`).
    DcSdJwt,
    /// Any other name; issuing with it fails with `UNSUPPORTED_PROOF_TYPE`.
    Other(String),
}

impl ProofType {
    /// Every proof type this crate knows, in a stable order.
    pub const KNOWN: [ProofType; 10] = [
        ProofType::EddsaJcs2022,
        ProofType::EddsaRdfc2022,
        ProofType::Ed25519Signature2020,
        ProofType::JcsEd25519Signature2020,
        ProofType::EcdsaRdfc2019,
        ProofType::EcdsaJcs2019,
        ProofType::EcdsaSd2023,
        ProofType::Bbs2023,
        ProofType::VcJwt,
        ProofType::DcSdJwt,
    ];

    /// The name used in requests and in proofs (`cryptosuite` or `type`).
    pub fn as_str(&self) -> &str {
        match self {
            ProofType::EddsaJcs2022 => "eddsa-jcs-2022",
            ProofType::EddsaRdfc2022 => "eddsa-rdfc-2022",
            ProofType::Ed25519Signature2020 => "Ed25519Signature2020",
            ProofType::JcsEd25519Signature2020 => "JcsEd25519Signature2020",
            ProofType::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
            ProofType::EcdsaJcs2019 => "ecdsa-jcs-2019",
            ProofType::EcdsaSd2023 => "ecdsa-sd-2023",
            ProofType::Bbs2023 => "bbs-2023",
            ProofType::VcJwt => "vc+jwt",
            ProofType::DcSdJwt => "dc+sd-jwt",
            ProofType::Other(name) => name,
        }
    }
}

impl FromStr for ProofType {
    type Err = std::convert::Infallible;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(Self::KNOWN
            .iter()
            .find(|known| known.as_str() == name)
            .cloned()
            .unwrap_or_else(|| ProofType::Other(name.to_owned())))
    }
}

impl From<&str> for ProofType {
    fn from(name: &str) -> Self {
        match name.parse() {
            Ok(proof_type) => proof_type,
            Err(never) => match never {},
        }
    }
}

impl fmt::Display for ProofType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProofType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProofType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(ProofType::from(name.as_str()))
    }
}
