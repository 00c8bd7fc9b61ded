//! Keys in an HSM (feature `pkcs11`): a [`Signer`] over a PKCS#11 token, through the `cryptoki`
//! crate.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use vc_issue::crypto::signer::pkcs11::Pkcs11Signer;
//! use vc_issue::InMemoryKeyStore;
//!
//! let method = vc_core::DidUrl::parse("did:web:registrar.example#key-1")?;
//! let signer = Pkcs11Signer::builder()
//!     .module("/usr/lib/softhsm/libsofthsm2.so")
//!     .token_label("issuer")
//!     .pin(std::env::var("HSM_PIN")?)
//!     .key_label("assertion-2025")
//!     .verification_method(method.clone())
//!     .build()
//!     .await?;
//! let keys = InMemoryKeyStore::new();
//! keys.insert(method, Arc::new(signer));
//! # Ok(()) }
//! ```
//!
//! Ed25519 keys sign with `CKM_EDDSA` over the message; P-256 and P-384 keys with `CKM_ECDSA`
//! over its SHA-256 or SHA-384 digest, computed here (tokens that hash themselves are fewer), and
//! the token's `r || s` is what the suites get. Every signature is checked against the public key
//! before it is handed out, so a public key object of another pair, or a faulty token, fails as
//! [`Pkcs11Error::SignatureMismatch`] instead of issuing credentials that verify nothing.
//!
//! PKCS#11 calls block: they run on tokio's blocking threads, in a small pool of sessions (see
//! [`Pkcs11SignerBuilder::max_sessions`]). A call the HSM never answers holds its session and
//! its blocking thread; PKCS#11 offers no way to cancel it.

mod builder;
mod error;
mod key;
mod pool;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use cryptoki::error::RvError;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::ObjectHandle;
use cryptoki::types::AuthPin;
use sha2::{Digest, Sha256, Sha384};
use vc_core::did_key::DidKey;
use vc_core::{DidUrl, PublicKey};

pub use self::builder::{Pkcs11SignerBuilder, TokenSelector};
use self::error::rv;
pub use self::error::Pkcs11Error;
pub use self::key::KeySelector;
use self::pool::SessionPool;
use super::{SignatureAlgorithm, Signer};
use crate::crypto::verify::verify_signature;
use crate::host_error::HostError;

/// A key on a PKCS#11 token (an HSM, a smart card, SoftHSM2) that signs: Ed25519, P-256 or
/// P-384. Built with [`Pkcs11Signer::builder`]; its `Debug` names the token and the key, never
/// the PIN.
pub struct Pkcs11Signer {
    token: Arc<TokenKey>,
    verification_method: DidUrl,
    token_name: String,
}

/// What a blocking task needs to sign: the sessions, and which key.
struct TokenKey {
    pool: SessionPool,
    key: KeySelector,
    /// The private key's handle; found again when the token says it went stale (handles may
    /// change when every session of the process closed).
    handle: Mutex<ObjectHandle>,
    algorithm: SignatureAlgorithm,
    public_key: PublicKey,
}

/// What the builder gathered.
struct Config {
    module: PathBuf,
    token: TokenSelector,
    pin: AuthPin,
    key: KeySelector,
    verification_method: DidUrl,
    algorithm: Option<SignatureAlgorithm>,
    max_sessions: usize,
}

/// What the builder signs to prove that the private and public keys are a pair.
const PROBE: &[u8] = b"vc-issue PKCS#11 key pair check";

impl Pkcs11Signer {
    /// A builder: the module, the token, the PIN, the key and the verification method.
    pub fn builder() -> Pkcs11SignerBuilder {
        Pkcs11SignerBuilder::default()
    }

    /// The verification method the key serves.
    pub fn verification_method(&self) -> &DidUrl {
        &self.verification_method
    }

    /// The key on the token, as the builder named it.
    pub fn key(&self) -> &KeySelector {
        &self.token.key
    }

    fn open(config: Config) -> Result<Self, Pkcs11Error> {
        let pool = SessionPool::open(
            &config.module,
            &config.token,
            config.pin,
            config.max_sessions,
        )?;
        let selector = config.key;
        let (handle, algorithm, public_key) = {
            let pooled = pool.take()?;
            let session = pooled.session();
            let handle = key::private_key(session, &selector)?;
            let algorithm = key::algorithm(session, handle, &selector)?;
            if let Some(expected) = config.algorithm.filter(|&e| e != algorithm) {
                return Err(Pkcs11Error::KeyTypeMismatch {
                    key: selector.to_string(),
                    expected: expected.key_type().name(),
                    found: algorithm.key_type().name(),
                });
            }
            let public_key = key::public_key(session, &selector, algorithm)?;
            (handle, algorithm, public_key)
        };
        let method = &config.verification_method;
        if method.method() == "key" {
            let named = DidKey::parse(method.as_str()).map_err(|_| {
                Pkcs11Error::VerificationMethodMismatch {
                    method: method.to_string(),
                    key: selector.to_string(),
                }
            })?;
            if PublicKey::from(&named) != public_key {
                return Err(Pkcs11Error::VerificationMethodMismatch {
                    method: method.to_string(),
                    key: selector.to_string(),
                });
            }
        }
        let token = TokenKey {
            pool,
            key: selector,
            handle: Mutex::new(handle),
            algorithm,
            public_key,
        };
        token.sign_blocking(PROBE)?;
        Ok(Self {
            token: Arc::new(token),
            verification_method: config.verification_method,
            token_name: config.token.to_string(),
        })
    }
}

impl TokenKey {
    fn sign_blocking(&self, message: &[u8]) -> Result<Vec<u8>, Pkcs11Error> {
        let data = match self.algorithm {
            SignatureAlgorithm::EcdsaP256Sha256 => Sha256::digest(message).to_vec(),
            SignatureAlgorithm::EcdsaP384Sha384 => Sha384::digest(message).to_vec(),
            _ => message.to_vec(),
        };
        let mechanism = match self.algorithm {
            SignatureAlgorithm::Ed25519 => {
                Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure))
            }
            _ => Mechanism::Ecdsa,
        };
        let mut pooled = self.pool.take()?;
        let mut retried = false;
        loop {
            let handle = *self
                .handle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let error = match pooled.session().sign(&mechanism, handle, &data) {
                Ok(raw) => {
                    return key::signature(self.algorithm, raw)
                        .filter(|signature| {
                            verify_signature(&self.public_key, message, signature).is_ok()
                        })
                        .ok_or_else(|| Pkcs11Error::SignatureMismatch {
                            key: self.key.to_string(),
                        });
                }
                Err(error) => error,
            };
            let code = rv(&error);
            // Once, what a token may say of a session, a login or a handle that went stale
            // meanwhile (the token was reinserted, the process's last session closed, someone
            // logged the process out): a fresh session, the user logged in again, the key
            // found again.
            match code {
                Some(RvError::SessionHandleInvalid | RvError::SessionClosed) if !retried => {
                    pooled.discard();
                    // What made this session stale made its idle siblings stale too.
                    self.pool.clear_idle();
                    pooled = self.pool.take()?;
                }
                Some(
                    RvError::UserNotLoggedIn
                    | RvError::KeyHandleInvalid
                    | RvError::ObjectHandleInvalid,
                ) if !retried => {
                    // A token may hide a private key from a process it logged out.
                    self.pool.ensure_login(pooled.session())?;
                }
                _ => {
                    if broken(code) {
                        pooled.discard();
                    }
                    return Err(Pkcs11Error::call(error));
                }
            }
            tracing::warn!(key = %self.key, return_value = ?code, "PKCS#11 signing failed; retrying once on a fresh session, login and key handle");
            let fresh = key::private_key(pooled.session(), &self.key)?;
            *self
                .handle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
            retried = true;
        }
    }
}

/// Whether a session that failed so is no use for the next signature.
fn broken(code: Option<RvError>) -> bool {
    matches!(
        code,
        Some(
            RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::DeviceRemoved
                | RvError::DeviceError
                | RvError::TokenNotPresent
        )
    )
}

impl fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("token", &self.token_name)
            .field("key", &self.token.key.to_string())
            .field("algorithm", &self.token.algorithm)
            .field("public_key", &self.token.public_key.to_multikey())
            .field("verification_method", &self.verification_method.as_str())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.token.algorithm
    }

    fn public_key(&self) -> &PublicKey {
        &self.token.public_key
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
        // The permit is taken here, so that callers beyond the pool's size wait on the runtime
        // and not on blocking threads; the task keeps it until the token answered.
        let permit = self
            .token
            .pool
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(HostError::internal)?;
        let token = self.token.clone();
        let message = message.to_vec();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            token.sign_blocking(&message)
        })
        .await
        .map_err(Pkcs11Error::Task)?
        .map_err(HostError::from)
    }
}
