//! The HTTP side (feature `http`) over real loopback HTTP: `VcApi`'s issuer endpoints, status
//! lists and credential pickup, and the edge in front of every router (`edge`).

mod approvals;
mod data_model;
mod edge;
mod holders;
mod instances;
mod issue;
mod pickup;
pub(crate) mod server;
mod status;
mod telemetry;
mod verifier;
mod verifier_status;
