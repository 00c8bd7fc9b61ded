//! X.509 certificate chains of a JWS `x5c` header (RFC 7515 section 4.1.6): the leaf's key, and
//! the chain checked up to trust anchors; for the SD-JWT VCs' issuer headers (feature `sd-jwt`)
//! and OpenID4VCI key proofs (feature `oid4vci`). Through OpenSSL, which the `jwt` feature links
//! already (josekit): path building, signatures, validity periods and basic constraints are its,
//! not ours.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use openssl::ec::PointConversionForm;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
use openssl::x509::{X509StoreContext, X509};
use serde_json::Value;
use vc_core::did_key::KeyType;
use vc_core::PublicKey;

/// The most certificates an `x5c` may hold: a bound on the work a header can cause.
pub const MAX_X5C_CERTS: usize = 8;

/// A parsed chain, leaf first.
#[derive(Clone)]
pub(crate) struct Chain {
    certs: Vec<X509>,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("certs", &self.certs.len())
            .finish()
    }
}

impl Chain {
    /// Parses DER certificates, leaf first.
    pub(crate) fn from_der(chain: &[Vec<u8>]) -> Result<Self, &'static str> {
        if chain.is_empty() {
            return Err("x5c is empty");
        }
        if chain.len() > MAX_X5C_CERTS {
            return Err("x5c holds more than 8 certificates");
        }
        let certs = chain
            .iter()
            .map(|der| X509::from_der(der).map_err(|_| "an x5c entry is not a DER certificate"))
            .collect::<Result<_, _>>()?;
        Ok(Self { certs })
    }

    /// Parses a header's `x5c`: an array of standard (padded) base64 DER certificates.
    pub(crate) fn from_header(x5c: &Value) -> Result<Self, &'static str> {
        let entries = x5c.as_array().ok_or("x5c is not an array")?;
        if entries.len() > MAX_X5C_CERTS {
            return Err("x5c holds more than 8 certificates");
        }
        let der = entries
            .iter()
            .map(|entry| {
                entry
                    .as_str()
                    .and_then(|text| STANDARD.decode(text).ok())
                    .ok_or("an x5c entry is not base64 text")
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_der(&der)
    }

    /// The header's `x5c` value: standard base64 of each DER certificate.
    #[cfg(feature = "sd-jwt")]
    pub(crate) fn to_header(&self) -> Result<Value, &'static str> {
        self.certs
            .iter()
            .map(|cert| {
                cert.to_der()
                    .map(|der| Value::String(STANDARD.encode(der)))
                    .map_err(|_| "a certificate does not encode")
            })
            .collect()
    }

    /// The leaf certificate's public key (Ed25519, P-256 or P-384).
    pub(crate) fn leaf_key(&self) -> Result<PublicKey, &'static str> {
        let leaf = self.certs.first().ok_or("x5c is empty")?;
        let key = leaf
            .public_key()
            .map_err(|_| "the leaf certificate's key does not parse")?;
        public_key(&key)
    }

    /// Whether the leaf certificate names `uri` as a `uniformResourceIdentifier` SAN.
    #[cfg(feature = "sd-jwt")]
    pub(crate) fn leaf_names(&self, uri: &str) -> bool {
        self.certs
            .first()
            .and_then(|leaf| leaf.subject_alt_names())
            .is_some_and(|names| names.iter().any(|name| name.uri() == Some(uri)))
    }

    /// Checks the chain, at unix time `at`, up to one of `anchors` (any certificate of the chain
    /// may be one: a pinned leaf or intermediate is trusted as such).
    pub(crate) fn verify(&self, anchors: &[X509], at: i64) -> Result<(), &'static str> {
        let fail = |_| "the x5c chain could not be checked";
        let (leaf, rest) = self.certs.split_first().ok_or("x5c is empty")?;
        let mut store = X509StoreBuilder::new().map_err(fail)?;
        for anchor in anchors {
            store.add_cert(anchor.clone()).map_err(fail)?;
        }
        let mut param = X509VerifyParam::new().map_err(fail)?;
        param
            .set_flags(X509VerifyFlags::PARTIAL_CHAIN)
            .map_err(fail)?;
        #[allow(
            clippy::useless_conversion,
            reason = "time_t is 64 bits here, 32 on some targets, where the conversion can fail"
        )]
        let at = at
            .try_into()
            .map_err(|_| "the verifier's clock is out of range")?;
        param.set_time(at);
        store.set_param(&param).map_err(fail)?;
        let store = store.build();
        let mut untrusted = Stack::new().map_err(fail)?;
        for cert in rest {
            untrusted.push(cert.clone()).map_err(fail)?;
        }
        let mut context = X509StoreContext::new().map_err(fail)?;
        let valid = context
            .init(&store, leaf, &untrusted, |c| c.verify_cert())
            .map_err(fail)?;
        if valid {
            Ok(())
        } else {
            Err("the x5c chain does not lead to a trust anchor, or a certificate of it is not valid now")
        }
    }
}

/// Parses a DER trust anchor.
pub(crate) fn anchor(der: &[u8]) -> Result<X509, &'static str> {
    X509::from_der(der).map_err(|_| "a trust anchor is not a DER certificate")
}

fn public_key(key: &PKey<Public>) -> Result<PublicKey, &'static str> {
    let unsupported = "the leaf certificate's key is not Ed25519, P-256 or P-384";
    match key.id() {
        Id::ED25519 => {
            let raw = key.raw_public_key().map_err(|_| unsupported)?;
            PublicKey::new(KeyType::Ed25519, &raw).map_err(|_| unsupported)
        }
        Id::EC => {
            let ec = key.ec_key().map_err(|_| unsupported)?;
            let group = ec.group();
            let key_type = match group.curve_name() {
                Some(Nid::X9_62_PRIME256V1) => KeyType::P256,
                Some(Nid::SECP384R1) => KeyType::P384,
                _ => return Err(unsupported),
            };
            let mut ctx = openssl::bn::BigNumContext::new().map_err(|_| unsupported)?;
            let point = ec
                .public_key()
                .to_bytes(group, PointConversionForm::COMPRESSED, &mut ctx)
                .map_err(|_| unsupported)?;
            PublicKey::new(key_type, &point).map_err(|_| unsupported)
        }
        _ => Err(unsupported),
    }
}
