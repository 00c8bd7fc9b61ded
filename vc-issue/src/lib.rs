//! The credential issuance pipeline of vc-issuer-rs.
//!
//! This crate will hold: issuer and holder DID checks through a `DidResolver` trait, a schema registry
//! with JSON Schema validation, credential construction, the proof suites (`eddsa-jcs-2022`,
//! `eddsa-rdfc-2022`, `Ed25519Signature2020`, `JcsEd25519Signature2020`, `ecdsa-rdfc-2019`, `bbs-2023`,
//! `vc+jwt`) behind an async, object-safe `Signer`, status registration through `vc-status`, batch
//! issuance, asynchronous (approval-queue) issuance and VCALM exchanges.
//!
//! It is being built; see the workspace README for its state.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
