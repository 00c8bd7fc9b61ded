//! DIDComm issuance protocols for vc-issuer-rs.
//!
//! This crate will hold DIDComm v2 plaintext message types, and typed state machines for the
//! `didcomm:iota/issuance/0.1` protocol and Aries `issue-credential/3.0`, for both the issuer and the
//! holder role. Encryption and transport stay with the host.
//!
//! It is being built; see the workspace README for its state.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
