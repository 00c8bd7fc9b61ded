//! The message-parsing harness shared by the `cargo fuzz` target (`fuzz/`) and the corpus test.
//!
//! It feeds arbitrary bytes through every parser a host exposes to the network and checks the
//! invariants that must hold for any input: no panic, and whatever parses serializes back to a
//! message that parses to the same value.

use crate::aries::AriesMessage;
use crate::iota::IotaMessage;
use crate::message::{Message, MessageLimits};

/// Parses `data` as a DIDComm message and then as each protocol's message; panics only when an
/// invariant breaks (that is what the fuzzer looks for).
#[expect(
    clippy::panic,
    reason = "A broken invariant must abort the fuzz run, like an assertion"
)]
pub fn parse_message(data: &[u8]) {
    let limits = MessageLimits::max_bytes(64 * 1024);
    let Ok(message) = Message::from_slice_with_limits(data, &limits) else {
        return;
    };
    let text = match message.to_json() {
        Ok(text) => text,
        Err(error) => panic!("a parsed message must serialize: {error}"),
    };
    let unlimited = MessageLimits::max_bytes(usize::MAX);
    match Message::from_slice_with_limits(text.as_bytes(), &unlimited) {
        Ok(again) if again == message => {}
        Ok(again) => panic!("round trip changed the message: {message:?} vs {again:?}"),
        Err(error) => panic!("a serialized message must parse: {error}"),
    }
    match IotaMessage::from_message(&message) {
        Ok(IotaMessage::Offer(offer)) => {
            let _ = offer.validate();
        }
        Ok(IotaMessage::Issuance(issuance)) => {
            let _ = issuance.validate();
        }
        Ok(parsed) => {
            let _ = parsed.body();
        }
        Err(error) => {
            let _ = error.code();
        }
    }
    if let Ok(parsed) = AriesMessage::from_message(&message) {
        if let Err(error) = parsed.to_message().and_then(|b| b.build()) {
            panic!("a parsed Aries message must rebuild: {error}");
        }
    }
}
