//! `ecdsa-sd-2023`: the W3C Data Integrity ECDSA selective-disclosure cryptosuite, in its three
//! roles.
//!
//! - Issuer: [`EcdsaSd2023Suite`] adds a *base proof* (`proofValue` `u2V0A…`). The credential is
//!   canonicalized (RDFC-1.0) with blank nodes relabelled through an HMAC key chosen per
//!   credential; the quads the issuer's *mandatory* JSON pointers select are hashed, every other
//!   quad is signed on its own with an ephemeral P-256 key, and the issuer's P-256 key signs the proof configuration's hash, the ephemeral public key and the mandatory hash.
//! - Holder: [`derive_proof`] (or [`EcdsaSd2023Suite::derive_proof`]) reveals the mandatory quads
//!   plus those selected with *selective* JSON pointers, keeping only their signatures (a *derived
//!   proof*, `u2V0B…`).
//! - Verifier: [`ProofSuite::verify_proof`](super::ProofSuite::verify_proof) checks derived proofs
//!   and, for an issuer's own self-check, base proofs.
//!
//! The machinery it shares with `bbs-2023` (skolemization, pointer selection, grouping, labels,
//! CBOR framing) is the suites' `selective` module; its limits are `bbs-2023`'s.

mod cbor;
mod derived_proof;
mod suite;

pub use derived_proof::derive_proof;
pub use suite::EcdsaSd2023Suite;

/// The cryptosuite name.
pub const CRYPTOSUITE: &str = "ecdsa-sd-2023";
