//! The issuing pipeline: from an [`IssuanceRequest`](request::IssuanceRequest) to a signed
//! credential, in a fixed order that stops at the first failure.
//!
//! The host's DID resolution ([`resolver`]) and schemas ([`schema`]) feed the checks; the
//! [`issuer`] constructs, registers status and signs through [`crate::crypto`]; [`batch`] does the
//! same for many holders at once; [`holder`] says who a credential is for (a DID, another URL, nobody named); [`delegation`], [`claims_rule`] and [`rate_limit`] are the
//! policies a host can plug in.

pub mod batch;
pub mod claims_rule;
pub mod delegation;
pub mod holder;
pub mod issuer;
pub mod rate_limit;
pub mod related_resources;
pub mod request;
pub mod resolver;
pub mod schema;
mod suite_contexts;

pub use suite_contexts::add_suite_contexts;
