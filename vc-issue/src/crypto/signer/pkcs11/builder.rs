//! What the host tells the PKCS#11 signer: the module, the token, the PIN, the key, and the
//! verification method the key serves.

use std::fmt;
use std::path::PathBuf;

use cryptoki::types::AuthPin;
use vc_core::DidUrl;

use super::{KeySelector, Pkcs11Error, Pkcs11Signer};
use crate::crypto::signer::SignatureAlgorithm;

/// Which token holds the key: the one with this label, or the one in this slot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSelector {
    /// The token's label (`CKA_LABEL` of the token, as `softhsm2-util --init-token --label` sets
    /// it); exactly one token must carry it.
    Label(String),
    /// The slot's id (slot ids are the module's, and may change when tokens come and go).
    Slot(u64),
}

impl fmt::Display for TokenSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSelector::Label(label) => write!(f, "label {label:?}"),
            TokenSelector::Slot(id) => write!(f, "in slot {id}"),
        }
    }
}

/// Builds a [`Pkcs11Signer`]. The module, the token, the PIN, the key and the verification
/// method are required; the rest has defaults.
///
/// The PIN is held as a secret: it is zeroized when dropped and appears in no `Debug` output or
/// error.
#[must_use]
pub struct Pkcs11SignerBuilder {
    module: Option<PathBuf>,
    token: Option<TokenSelector>,
    pin: Option<AuthPin>,
    key: Option<KeySelector>,
    verification_method: Option<DidUrl>,
    algorithm: Option<SignatureAlgorithm>,
    max_sessions: usize,
}

impl Default for Pkcs11SignerBuilder {
    fn default() -> Self {
        Self {
            module: None,
            token: None,
            pin: None,
            key: None,
            verification_method: None,
            algorithm: None,
            max_sessions: 4,
        }
    }
}

impl fmt::Debug for Pkcs11SignerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11SignerBuilder")
            .field("module", &self.module)
            .field("token", &self.token)
            .field("pin", &self.pin.as_ref().map(|_| "<set>"))
            .field("key", &self.key)
            .field("verification_method", &self.verification_method)
            .field("algorithm", &self.algorithm)
            .field("max_sessions", &self.max_sessions)
            .finish()
    }
}

impl Pkcs11SignerBuilder {
    /// The PKCS#11 module: the vendor's shared library (for SoftHSM2 on Debian,
    /// `/usr/lib/softhsm/libsofthsm2.so`).
    pub fn module(mut self, path: impl Into<PathBuf>) -> Self {
        self.module = Some(path.into());
        self
    }

    /// The token with this label holds the key.
    pub fn token_label(mut self, label: impl Into<String>) -> Self {
        self.token = Some(TokenSelector::Label(label.into()));
        self
    }

    /// The token in this slot holds the key.
    pub fn slot(mut self, slot: u64) -> Self {
        self.token = Some(TokenSelector::Slot(slot));
        self
    }

    /// The token, by label or slot.
    pub fn token(mut self, token: TokenSelector) -> Self {
        self.token = Some(token);
        self
    }

    /// The user PIN that logs in to the token.
    ///
    /// PKCS#11 logs in a process, not a session: when this process is already logged in to the
    /// token (another signer on it logged in first), the token does not check the PIN again.
    pub fn pin(mut self, pin: impl Into<String>) -> Self {
        self.pin = Some(AuthPin::from(pin.into()));
        self
    }

    /// The key with this label (`CKA_LABEL`) signs.
    pub fn key_label(mut self, label: impl Into<String>) -> Self {
        self.key = Some(KeySelector::Label(label.into()));
        self
    }

    /// The key with this id (`CKA_ID`) signs.
    pub fn key_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.key = Some(KeySelector::Id(id.into()));
        self
    }

    /// The key, by label or id.
    pub fn key(mut self, key: KeySelector) -> Self {
        self.key = Some(key);
        self
    }

    /// The verification method the key serves (what the host registers it under in its
    /// [`KeyStore`](crate::KeyStore)). A `did:key` method must be the token's key; of other
    /// methods, the DID document's publishing the key is the host's to check.
    pub fn verification_method(mut self, method: DidUrl) -> Self {
        self.verification_method = Some(method);
        self
    }

    /// The algorithm the key must sign with: a key of another type is
    /// [`Pkcs11Error::KeyTypeMismatch`]. Without it, the key's type decides.
    pub fn algorithm(mut self, algorithm: SignatureAlgorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// The most sessions open on the token at once, which is the most signatures in flight
    /// (4 by default; at least 1). Further callers wait their turn.
    pub fn max_sessions(mut self, sessions: usize) -> Self {
        self.max_sessions = sessions.max(1);
        self
    }

    /// Loads the module, finds the token, logs in, finds the key and its public key, and signs
    /// once to prove that the two are a pair; all off the async runtime.
    pub async fn build(self) -> Result<Pkcs11Signer, Pkcs11Error> {
        let config = super::Config {
            module: self
                .module
                .ok_or(Pkcs11Error::Incomplete("the module's path"))?,
            token: self.token.ok_or(Pkcs11Error::Incomplete("the token"))?,
            pin: self.pin.ok_or(Pkcs11Error::Incomplete("the user PIN"))?,
            key: self.key.ok_or(Pkcs11Error::Incomplete("the key"))?,
            verification_method: self
                .verification_method
                .ok_or(Pkcs11Error::Incomplete("the verification method"))?,
            algorithm: self.algorithm,
            max_sessions: self.max_sessions,
        };
        tokio::task::spawn_blocking(move || Pkcs11Signer::open(config))
            .await
            .map_err(Pkcs11Error::Task)?
    }
}
