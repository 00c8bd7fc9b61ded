//! Guides for hosts, with examples that compile and run as tests.
//!
//! # Keys in a KMS or HSM: implement [`Signer`](crate::Signer)
//!
//! The pipeline never needs private key material: it asks a [`KeyStore`](crate::KeyStore) for the
//! signer of the issuer's verification method and awaits its `sign`. A KMS-backed signer knows its
//! public key (fetched once, when the signer is created) and forwards the bytes to sign. Ed25519
//! signs the message itself; ECDSA P-256 must hash it with SHA-256 and return `r || s` (64 bytes),
//! which is what KMS "ECDSA_SHA_256" operations return once converted from DER.
//!
//! `sign` returns a [`HostError`](crate::HostError) whose kind tells the pipeline what happened:
//! a KMS that cannot be reached, throttles or times out is [`HostError::unavailable`]
//! (`SIGNER_UNAVAILABLE`, `503`; the issuance queue retries it), a KMS that refuses (access denied,
//! a disabled key) is [`HostError::refused`] (the opaque `SIGNING_FAILED`, `500`; not retried). The
//! source is kept for your logs, and `Debug` must not print credentials of the KMS client.
//!
//! [`HostError::unavailable`]: crate::HostError::unavailable
//! [`HostError::refused`]: crate::HostError::refused
//!
//! ```
//! use std::sync::Arc;
//! use async_trait::async_trait;
//! use vc_core::{DidUrl, PublicKey};
//! use vc_issue::{Ed25519Signer, HostError, InMemoryKeyStore, SignatureAlgorithm, Signer};
//!
//! /// Stands in for a KMS client: `sign` would be a network call with the key's id.
//! #[derive(Debug)]
//! struct KmsClient { key: Ed25519Signer }
//! impl KmsClient {
//!     async fn sign(&self, _key_id: &str, message: &[u8]) -> Result<Vec<u8>, std::io::Error> {
//!         Ok(self.key.sign_now(message).to_vec())
//!     }
//! }
//!
//! #[derive(Debug)]
//! struct KmsSigner { client: Arc<KmsClient>, key_id: String, public_key: PublicKey }
//!
//! #[async_trait]
//! impl Signer for KmsSigner {
//!     fn algorithm(&self) -> SignatureAlgorithm { SignatureAlgorithm::Ed25519 }
//!     fn public_key(&self) -> &PublicKey { &self.public_key }
//!     async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
//!         self.client.sign(&self.key_id, message).await.map_err(|e| match e.kind() {
//!             std::io::ErrorKind::TimedOut | std::io::ErrorKind::ConnectionRefused => {
//!                 HostError::unavailable(e)
//!             }
//!             _ => HostError::refused(e),
//!         })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let local = Ed25519Signer::from_seed(&[1; 32]);
//! let (public_key, method) = (local.public_key().clone(), local.verification_method_id());
//! let signer = KmsSigner { client: Arc::new(KmsClient { key: local }), key_id: "alias/issuer".into(), public_key };
//!
//! // The conformance helper (feature `testing`) checks a host signer against an independent verifier.
//! vc_issue::testing::signer::check_signer(&signer).await?;
//!
//! let keys = InMemoryKeyStore::new(); // or your own KeyStore that looks keys up in the KMS
//! keys.insert(method, Arc::new(signer));
//! # Ok(())
//! # }
//! ```
//!
//! # Issuers on several machines: PostgreSQL
//!
//! Status indexes and the approval queue must be shared by every issuer process. Point both at one
//! PostgreSQL database (features `postgres` of `vc-status` and `vc-issue`); each keeps its tables in
//! its own schema (`vc_status`, `vc_issue`) and runs its migrations on connect:
//!
//! ```no_run
//! # async fn run(issuer: vc_issue::IssuerBuilder) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use vc_status::{store::PostgresStore, StatusRegistry};
//! use vc_issue::queue::{IssuanceQueue, PostgresIssuanceStore};
//!
//! let url = "postgres://issuer@db.internal/credentials";
//! let registry = StatusRegistry::builder()
//!     .store(Arc::new(PostgresStore::connect(url).await?))
//!     .list_url_template("https://issuer.example/status/{list}")
//!     .issuer("did:web:issuer.example")
//!     .build()?;
//! let issuer = issuer.status_registry(Arc::new(registry)).build()?;
//! let queue = IssuanceQueue::builder()
//!     .issuer(issuer)
//!     .store(Arc::new(PostgresIssuanceStore::connect(url).await?))
//!     .build()?;
//! // Every process may run workers; claims use FOR UPDATE SKIP LOCKED and leases.
//! queue.worker("worker-a").run_until_idle(100).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The registry and the queue are safe to share between processes: indexes are allocated with an
//! atomic counter per list (one round trip per batch) and mapped through a keyed permutation, and a
//! ticket's status entry is reserved under the ticket's name in the same transaction that takes the
//! index, so a crashed worker neither leaks nor reuses an index (see [`queue`](crate::queue)).
