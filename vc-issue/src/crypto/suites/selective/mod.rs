//! The selective-disclosure machinery that `bbs-2023` and `ecdsa-sd-2023` share (the Data
//! Integrity "selective disclosure functions"): skolemization, JSON pointer selection,
//! canonicalization with HMAC-derived blank node labels, grouping the canonical quads by pointers,
//! the proof configuration and its hash, and the CBOR framing of proof values.

pub(crate) mod cbor;
pub(crate) mod disclosure;
pub(crate) mod group;
pub(crate) mod label_map;
pub(crate) mod mandatory;
pub(crate) mod selection;
pub(crate) mod skolem;
pub(crate) mod transform;
pub(crate) mod verify_data;
