//! Notifications (OpenID4VCI 1.0 §11): the wallet tells the issuer what became of the
//! credentials it received, and the host hears it through a [`NotificationObserver`].

use std::fmt::Debug;
use std::sync::Mutex;

use async_trait::async_trait;

/// What the wallet reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationEvent {
    /// The credential was stored (`credential_accepted`).
    Accepted,
    /// The wallet could not store it (`credential_failure`).
    Failure,
    /// The user refused or deleted it (`credential_deleted`).
    Deleted,
}

impl NotificationEvent {
    /// The event of the wire name, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "credential_accepted" => Some(Self::Accepted),
            "credential_failure" => Some(Self::Failure),
            "credential_deleted" => Some(Self::Deleted),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "credential_accepted",
            Self::Failure => "credential_failure",
            Self::Deleted => "credential_deleted",
        }
    }
}

/// One notification, after the issuer checked that its id is one it handed to this wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// The event.
    pub event: NotificationEvent,
    /// The wallet's free-text description, if it sent one.
    pub description: Option<String>,
    /// The credential configuration of the credentials.
    pub configuration_id: String,
    /// The ids of the credentials the notification is about.
    pub credential_ids: Vec<String>,
}

/// Hears notifications: a host updates its records, a metric, or revokes a deleted credential.
#[async_trait]
pub trait NotificationObserver: Send + Sync + Debug + 'static {
    /// One notification arrived.
    async fn notified(&self, notification: &Notification);
}

/// Keeps every notification in memory, for tests and examples.
#[derive(Debug, Default)]
pub struct RecordingObserver {
    seen: Mutex<Vec<Notification>>,
}

impl RecordingObserver {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The notifications so far, oldest first.
    pub fn notifications(&self) -> Vec<Notification> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[async_trait]
impl NotificationObserver for RecordingObserver {
    async fn notified(&self, notification: &Notification) {
        // A push under the lock: a poisoned lock holds no broken state.
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(notification.clone());
    }
}
