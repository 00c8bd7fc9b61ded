//! Issuance requests (`{"schemaId", "issuerDid", "holderDid", "claims", ...}`) and batch requests,
//! as a host reads them from a request body: vc-core's bounded parser, compared with plain
//! serde_json, then the serialize-then-parse round trip.
//!
//! The full issuance pipeline behind `POST /credentials/issue` is the `vc_api` target's.

use serde::de::DeserializeOwned;
use serde::Serialize;
use vc_core::parse::from_json_slice;
use vc_core::ParseLimits;
use vc_issue::{BatchRequest, IssuanceRequest};

use crate::{assert_code, refused};

/// Parses `data` as an issuance request and as a batch request.
pub fn run(data: &[u8]) {
    let single = check::<IssuanceRequest>(data);
    let batch = check::<BatchRequest>(data);
    if !single && !batch {
        refused(data, "IssuanceRequest or BatchRequest", &"neither parses");
    }
}

/// Whether `data` parses as a `T`; panics when an invariant breaks.
fn check<T>(data: &[u8]) -> bool
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let bounded = from_json_slice::<T>(data, &ParseLimits::default());
    let plain = serde_json::from_slice::<T>(data);
    let value = match bounded {
        Ok(value) => value,
        Err(error) => {
            assert_code(error.code(), &error);
            return false;
        }
    };
    // The bounded parser may refuse more than serde_json (size, depth, duplicate keys), but what
    // it accepts must mean the same.
    match plain {
        Ok(same) if same == value => {}
        other => panic!("the bounded parser accepted {value:?}, serde_json read {other:?}"),
    }
    let json = match serde_json::to_vec(&value) {
        Ok(json) => json,
        Err(error) => panic!("a parsed request must serialize: {error}"),
    };
    match from_json_slice::<T>(&json, &ParseLimits::max_bytes(usize::MAX)) {
        Ok(again) if again == value => {}
        Ok(again) => panic!("round trip changed the request:\n{value:?}\n{again:?}"),
        Err(error) => panic!(
            "a serialized request must parse: {error}\n{}",
            String::from_utf8_lossy(&json)
        ),
    }
    true
}
