//! What every protocol role shares: the result of handling a message, and the thread bookkeeping
//! that refuses replays, strangers and other threads.

use std::collections::HashSet;

use vc_core::Did;

use crate::error::{Error, Result};
use crate::identifier::{MessageId, ThreadId};
use crate::message::Message;

/// What a role returns after consuming a message: the messages to send (a reply, or a problem
/// report), and, when it answered with a problem report, the rule the peer broke.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
#[must_use]
pub struct Step {
    /// Messages to pack and send, in order.
    pub messages: Vec<Message>,
    /// Set when the role rejected the peer's message with a problem report (which is in
    /// `messages`) and abandoned the protocol.
    pub rejection: Option<Error>,
}

impl Step {
    /// Nothing to send (the role waits for its host to decide, or the protocol ended).
    pub(crate) fn wait() -> Self {
        Self::default()
    }

    /// One message to send.
    pub(crate) fn send(message: Message) -> Self {
        Self {
            messages: vec![message],
            rejection: None,
        }
    }

    /// A problem report to send because of `error`.
    pub(crate) fn reject(report: Message, error: Error) -> Self {
        Self {
            messages: vec![report],
            rejection: Some(error),
        }
    }

    /// The only message to send, if there is exactly one.
    pub fn message(&self) -> Option<&Message> {
        match self.messages.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// The thread of one protocol instance, as seen by one role.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thread {
    id: Option<ThreadId>,
    peer: Option<Did>,
    seen: HashSet<MessageId>,
}

impl Thread {
    pub(crate) fn with_peer(peer: Option<Did>) -> Self {
        Self {
            peer,
            ..Self::default()
        }
    }

    pub(crate) fn id(&self) -> Option<&ThreadId> {
        self.id.as_ref()
    }

    pub(crate) fn peer(&self) -> Option<&Did> {
        self.peer.as_ref()
    }

    /// Starts the thread with a message this role sends.
    pub(crate) fn start(&mut self, id: ThreadId) {
        self.id.get_or_insert(id);
    }

    /// Checks an incoming message without changing anything: not seen before, in this thread, from
    /// the peer, not expired at `now` (unix seconds).
    pub(crate) fn check(&self, message: &Message, now: i64) -> Result<()> {
        if self.seen.contains(&message.id) {
            return Err(Error::ReplayedMessage {
                id: message.id.to_string(),
            });
        }
        if let Some(expected) = &self.id {
            let found = if message.type_.ends_with("/problem-report") {
                message.pthid.clone().or_else(|| message.thid.clone())
            } else {
                Some(message.thread_id())
            };
            if found.as_ref() != Some(expected) {
                return Err(Error::ThreadMismatch {
                    expected: expected.to_string(),
                    found: found.map(|t| t.to_string()),
                });
            }
        }
        if let (Some(peer), Some(from)) = (&self.peer, &message.from) {
            if from.did_str() != peer.as_str() {
                return Err(Error::SenderMismatch {
                    expected: peer.to_string(),
                    found: from.did_str().to_owned(),
                });
            }
        }
        if let Some(expires_time) = message.expires_time {
            if i64::try_from(expires_time).unwrap_or(i64::MAX) < now {
                return Err(Error::MessageExpired { expires_time });
            }
        }
        Ok(())
    }

    /// Opens the thread for `message` (after [`check`](Self::check) passed and it parsed) and returns
    /// the thread as it was, for [`settle`](Self::settle) to restore if the role refuses the message.
    pub(crate) fn enter(&mut self, message: &Message) -> Thread {
        let before = self.clone();
        self.start(message.thread_id());
        before
    }

    /// Ends the handling of `message`: records it when the role acted on it, or puts the thread back
    /// as it was before [`enter`](Self::enter), so that a refused message changes nothing.
    pub(crate) fn settle<T>(
        &mut self,
        message: &Message,
        before: Thread,
        outcome: Result<T>,
    ) -> Result<T> {
        match outcome {
            Ok(value) => {
                self.accept(message);
                Ok(value)
            }
            Err(error) => {
                *self = before;
                Err(error)
            }
        }
    }

    /// Takes the sender of `message` as the peer, when there is none yet.
    pub(crate) fn learn_peer(&mut self, message: &Message) {
        if self.peer.is_none() {
            self.peer = message.from.as_ref().map(vc_core::DidUrl::to_did);
        }
    }

    /// Records a message as processed (after [`check`](Self::check) passed and the role acted).
    pub(crate) fn accept(&mut self, message: &Message) {
        self.seen.insert(message.id.clone());
        if self.id.is_none() {
            self.id = Some(message.thread_id());
        }
        if self.peer.is_none() {
            self.peer = message.from.as_ref().map(vc_core::DidUrl::to_did);
        }
    }
}
