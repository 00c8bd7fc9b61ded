//! The host's side of DIDComm: packing (encryption, signing) and moving messages.
//!
//! This crate works on plaintext messages only. Turning a [`Message`] into a DIDComm encrypted or
//! signed envelope, routing it through mediators and receiving messages is the host's job, behind
//! [`Transport`]; the state machines never call it themselves, they return the messages to send.

use std::fmt::Debug;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::error::BoxError;
use crate::message::Message;

/// Packs and delivers outgoing plaintext messages (encrypting them for their `to`, signing them as
/// their `from`, and sending them to the recipients' service endpoints).
///
/// Object-safe; hold it as `Arc<dyn Transport>`.
#[async_trait]
pub trait Transport: Send + Sync + Debug + 'static {
    /// Packs and sends `message`.
    async fn send(&self, message: &Message) -> Result<(), BoxError>;
}

/// A transport that keeps what is sent in memory, for tests and examples: nothing is packed, and
/// [`take`](Self::take) hands the messages over, in order, as the other party would receive them.
#[derive(Debug, Default)]
pub struct InMemoryTransport {
    outbox: Mutex<Vec<Message>>,
}

impl InMemoryTransport {
    /// An empty transport.
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes and returns every message sent so far, oldest first.
    pub fn take(&self) -> Vec<Message> {
        // A push or a take cannot leave the vector half-updated, so a poisoned lock is still usable.
        std::mem::take(&mut *self.outbox.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[async_trait]
impl Transport for InMemoryTransport {
    async fn send(&self, message: &Message) -> Result<(), BoxError> {
        self.outbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(message.clone());
        Ok(())
    }
}
