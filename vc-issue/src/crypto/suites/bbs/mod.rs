//! `bbs-2023`: the W3C Data Integrity BBS cryptosuite (selective disclosure with unlinkable
//! proofs), in its three roles.
//!
//! - Issuer: [`Bbs2023Suite`] adds a *base proof* (`proofValue` `u2V0C…`). The credential is
//!   canonicalized (RDFC-1.0) with blank nodes relabelled through an HMAC key chosen per credential;
//!   the quads selected by the issuer's *mandatory* JSON pointers are hashed into the BBS header, the
//!   others are the BBS messages, each signed individually (BLS12-381-SHA-256).
//! - Holder: [`derive_proof`] (or [`Bbs2023Suite::derive_proof`]) reveals the mandatory quads plus
//!   those a holder selects with *selective* JSON pointers and replaces the base proof by a *derived
//!   proof* (`u2V0D…`): a zero-knowledge BBS proof, optionally bound to a presentation header.
//! - Verifier: [`ProofSuite::verify_proof`](super::ProofSuite::verify_proof) checks derived proofs
//!   (what the specification's verifier accepts) and, for an issuer's own self-check, base proofs.
//!
//! BBS comes from `zkryptium` (the library ssi's `ssi-bbs` wraps; used directly because `ssi-bbs`
//! pulls in crates that turn on `serde_json`'s `arbitrary_precision`), JSON-LD and RDFC-1.0 from ssi
//! like the `-rdfc-` suites, with the same bundled contexts.
//!
//! Known limits: JSON-LD lists (`@list`), `@graph` containers and blank-node identifiers used as
//! references inside a credential cannot be skolemized by this implementation and are refused
//! (`INVALID_REQUEST` when issuing, `CANONICALIZATION_FAILED` when verifying); credentials use none
//! of them in practice. The pseudonym and holder-binding features of the specification are not
//! implemented (baseline only).

mod base_proof;
mod cbor;
mod derived_proof;
mod suite;
mod verify;

pub use super::selective::mandatory::DEFAULT_MANDATORY_POINTERS;
pub use derived_proof::derive_proof;
pub use suite::Bbs2023Suite;

/// The cryptosuite name.
pub const CRYPTOSUITE: &str = "bbs-2023";
