//! OpenID4VCI 1.0 (feature `oid4vci`) over real loopback HTTP, with a wallet written here: the
//! pre-authorized flow for each format (`dc+sd-jwt` with feature `sd-jwt`), `tx_code`, batches,
//! the deferred path through the approval queue, notifications, the authorization code flow
//! with PKCE, DPoP with server nonces, access tokens of the host's server (JWT, introspection),
//! `x5c` proof keys, and hostile input (replays, races, bad proofs, odd bodies, open
//! redirects).

mod authorization;
mod dpop;
mod dpop_nonce;
mod external_tokens;
mod flow;
mod harness;
mod hostile;
mod introspection;
#[cfg(feature = "sd-jwt")]
mod sd_jwt;
mod stores;
mod x5c_proofs;
