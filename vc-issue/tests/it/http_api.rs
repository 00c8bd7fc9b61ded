//! The HTTP side (feature `http`) over real loopback HTTP: `VcApi`'s issuer endpoints, status
//! lists and credential pickup.

mod issue;
mod pickup;
mod server;
mod status;
