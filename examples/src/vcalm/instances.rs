//! The issuer instances `05_vc_api_server` serves next to its default one: one per key type and
//! suite, at `/issuers/{name}/credentials/issue` (and `/credentials/status`, `/status-lists/`),
//! each with its own `did:key`, default and allowed suites, and status lists.
//!
//! `--instance <name>=<key>[:<default suite>[,<allowed suite>...]]` adds one (repeatable); without
//! any, [`InstanceSpec::defaults`] are served: `ed25519` (eddsa-rdfc-2022, eddsa-jcs-2022,
//! Ed25519Signature2020), `p256` and `p384` (ecdsa-rdfc-2019, ecdsa-jcs-2019, ecdsa-sd-2023 on
//! P-256), `bls12381` (bbs-2023). With a seed, each instance's key is derived from it and the
//! instance's name (SHA-256), so the DIDs are the same on every start; without, keys are random.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use vc_core::Did;
use vc_issue::http::{InstanceId, IssuerInstance};
use vc_issue::{
    Bls12381G2Signer, DidResolver, Ed25519Signer, Issuer, P256Signer, P384Signer, ProofType, Signer,
};
use vc_status::store::StatusListStore;
use vc_status::StatusRegistry;

use super::Error;

/// The key type of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Ed25519 (`eddsa-*`, `Ed25519Signature2020`).
    Ed25519,
    /// P-256 (`ecdsa-*`).
    P256,
    /// P-384 (`ecdsa-rdfc-2019`, `ecdsa-jcs-2019`).
    P384,
    /// BLS12-381 G2 (`bbs-2023`).
    Bls12381,
}

impl KeyKind {
    fn parse(name: &str) -> Result<Self, String> {
        match name {
            "ed25519" => Ok(Self::Ed25519),
            "p256" => Ok(Self::P256),
            "p384" => Ok(Self::P384),
            "bls12381" => Ok(Self::Bls12381),
            other => Err(format!(
                "unknown key type {other:?} (ed25519, p256, p384, bls12381)"
            )),
        }
    }

    /// The suites this key type signs, the default first.
    fn suites(self) -> Vec<ProofType> {
        match self {
            Self::Ed25519 => vec![
                ProofType::EddsaRdfc2022,
                ProofType::EddsaJcs2022,
                ProofType::Ed25519Signature2020,
            ],
            Self::P256 => vec![
                ProofType::EcdsaRdfc2019,
                ProofType::EcdsaJcs2019,
                ProofType::EcdsaSd2023,
            ],
            Self::P384 => vec![ProofType::EcdsaRdfc2019, ProofType::EcdsaJcs2019],
            Self::Bls12381 => vec![ProofType::Bbs2023],
        }
    }
}

/// One instance to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSpec {
    /// Its name in `/issuers/{name}/...`.
    pub name: String,
    /// Its key type.
    pub key: KeyKind,
    /// The suite of a request that names none.
    pub default_suite: ProofType,
    /// The suites a request may name.
    pub allowed: Vec<ProofType>,
}

impl InstanceSpec {
    /// `<name>=<key>[:<default suite>[,<allowed suite>...]]`; without suites, every suite of the
    /// key type with the first as default.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (name, rest) = text
            .split_once('=')
            .ok_or_else(|| format!("--instance {text:?}: expected <name>=<key>[:<suites>]"))?;
        let (key, suites) = rest.split_once(':').unwrap_or((rest, ""));
        let key = KeyKind::parse(key)?;
        let allowed: Vec<ProofType> = if suites.is_empty() {
            key.suites()
        } else {
            suites.split(',').map(ProofType::from).collect()
        };
        let default_suite = allowed
            .first()
            .cloned()
            .ok_or_else(|| format!("--instance {text:?}: no suite"))?;
        Ok(Self {
            name: name.to_owned(),
            key,
            default_suite,
            allowed,
        })
    }

    /// One instance per key type, each with every suite of its key type.
    pub fn defaults() -> Vec<Self> {
        [
            "ed25519=ed25519",
            "p256=p256",
            "p384=p384",
            "bls12381=bls12381",
        ]
        .iter()
        .filter_map(|text| Self::parse(text).ok())
        .collect()
    }
}

/// The 32 secret bytes of `name`'s key: derived from the seed, or random.
fn secret(seed: Option<&str>, name: &str) -> Option<[u8; 32]> {
    seed.map(|seed| {
        let mut hash = Sha256::new();
        hash.update(b"vc-issuer-rs example instance key\0");
        hash.update(seed.as_bytes());
        hash.update(b"\0");
        hash.update(name.as_bytes());
        hash.finalize().into()
    })
}

/// The signer of `spec`, with its DID and verification method.
fn signer(
    spec: &InstanceSpec,
    seed: Option<&str>,
) -> Result<(Arc<dyn Signer>, Did, vc_core::DidUrl), Error> {
    let secret = secret(seed, &spec.name);
    Ok(match spec.key {
        KeyKind::Ed25519 => {
            let key = Arc::new(match secret {
                Some(bytes) => Ed25519Signer::from_seed(&bytes),
                None => Ed25519Signer::generate(),
            });
            (key.clone(), key.did(), key.verification_method_id())
        }
        KeyKind::P256 => {
            let key = Arc::new(match secret {
                Some(bytes) => P256Signer::from_bytes(&bytes)?,
                None => P256Signer::generate(),
            });
            (key.clone(), key.did(), key.verification_method_id())
        }
        KeyKind::P384 => {
            let key = Arc::new(match secret {
                // P-384 secrets are 48 bytes: the derived 32 and a second derivation's first 16.
                Some(bytes) => {
                    let more = Sha256::digest(bytes);
                    let mut wide = [0u8; 48];
                    wide[..32].copy_from_slice(&bytes);
                    wide[32..].copy_from_slice(&more[..16]);
                    P384Signer::from_bytes(&wide)?
                }
                None => P384Signer::generate(),
            });
            (key.clone(), key.did(), key.verification_method_id())
        }
        KeyKind::Bls12381 => {
            let key = Arc::new(match secret {
                Some(bytes) => Bls12381G2Signer::from_key_material(&bytes)?,
                None => Bls12381G2Signer::generate(),
            });
            (key.clone(), key.did(), key.verification_method_id())
        }
    })
}

/// Builds the instance of `spec`: its key, an issuer over it with its own status lists (in
/// `store`, namespace = its name, served at `<base_url>/issuers/<name>/status-lists/{list}`).
pub async fn build(
    spec: &InstanceSpec,
    seed: Option<&str>,
    base_url: &str,
    store: Arc<dyn StatusListStore>,
    resolver: Arc<dyn DidResolver>,
) -> Result<(IssuerInstance, Did), Error> {
    let (signer, did, verification_method) = signer(spec, seed)?;
    let status = StatusRegistry::builder()
        .store(store)
        .list_url_template(format!(
            "{base_url}/issuers/{}/status-lists/{{list}}",
            spec.name
        ))
        .issuer(did.as_str())
        .namespace(spec.name.as_str())
        .build()?;
    let issuer = Issuer::builder()
        .resolver(resolver)
        .schemas(crate::degree_schemas()?)
        .keys(crate::one_key(verification_method, signer))
        .status_registry(Arc::new(status))
        .build()?;
    let id = InstanceId::new(spec.name.as_str()).ok_or_else(|| {
        format!(
            "instance name {:?}: use 1 to 64 of [A-Za-z0-9._-]",
            spec.name
        )
    })?;
    // Status list credentials are signed with the instance's default suite.
    let instance = IssuerInstance::builder(id, issuer)
        .did(did.clone())
        .default_suite(spec.default_suite.clone())
        .allow(spec.allowed.iter().cloned())
        .build()?;
    Ok((instance, did))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_name_a_key_and_suites() {
        let spec = InstanceSpec::parse("clinic=p256:ecdsa-jcs-2019,ecdsa-rdfc-2019").unwrap();
        assert_eq!(spec.name, "clinic");
        assert_eq!(spec.key, KeyKind::P256);
        assert_eq!(spec.default_suite, ProofType::EcdsaJcs2019);
        assert_eq!(spec.allowed.len(), 2);
        assert_eq!(
            InstanceSpec::parse("x=ed25519").unwrap().default_suite,
            ProofType::EddsaRdfc2022
        );
        assert!(InstanceSpec::parse("x=rsa").is_err());
        assert!(InstanceSpec::parse("noequals").is_err());
        assert_eq!(InstanceSpec::defaults().len(), 4);
    }
}
