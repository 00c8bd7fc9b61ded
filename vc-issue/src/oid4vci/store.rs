//! The storage trait of the OpenID4VCI issuer and its in-memory backend.
//!
//! Everything the protocol hands out once (pre-authorized and authorization codes, access tokens
//! and what they cover, `c_nonce`s, DPoP nonces, offers by reference, `issuer_state`s, deferred
//! transactions, notification ids) is an
//! [`Entry`]: a kind, the SHA-256 digest of its secret, a JSON payload, an expiry, and for a
//! pre-authorized code with a `tx_code` the digest of that code and the attempts left. One small
//! trait covers all of them, so every backend has one table and five statements.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;
use vc_status::store::{StoreError, StoreErrorKind};

use crate::pickup::TokenDigest;

/// What an [`Entry`] is: the namespace of its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryKind {
    /// A pre-authorized code (with its `tx_code` check).
    PreAuthorizedCode,
    /// An access token (its payload: the configurations it covers).
    AccessToken,
    /// One credential configuration an access token covers, redeemable once.
    Authorization,
    /// A `c_nonce`.
    Nonce,
    /// A credential offer served by reference.
    Offer,
    /// A deferred issuance transaction.
    Transaction,
    /// A notification id of issued credentials.
    Notification,
    /// A DPoP proof's `jti` (with its key's thumbprint), kept while the proof could be replayed.
    DpopJti,
    /// An authorization code of the authorization code flow (its check: the digest of what it
    /// is bound to, the client, the redirect URI and the PKCE challenge).
    AuthorizationCode,
    /// The `issuer_state` of an offer with the `authorization_code` grant.
    IssuerState,
    /// A DPoP nonce the server handed out (RFC 9449 §8), good until it expires.
    DpopNonce,
}

impl EntryKind {
    /// The name stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::PreAuthorizedCode => "pre_authorized_code",
            EntryKind::AccessToken => "access_token",
            EntryKind::Authorization => "authorization",
            EntryKind::Nonce => "nonce",
            EntryKind::Offer => "offer",
            EntryKind::Transaction => "transaction",
            EntryKind::Notification => "notification",
            EntryKind::DpopJti => "dpop_jti",
            EntryKind::AuthorizationCode => "authorization_code",
            EntryKind::IssuerState => "issuer_state",
            EntryKind::DpopNonce => "dpop_nonce",
        }
    }
}

/// One thing handed out once, stored under the digest of its secret (never the secret).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Entry {
    /// What it is.
    pub kind: EntryKind,
    /// The SHA-256 digest of its secret.
    pub digest: TokenDigest,
    /// What it stands for.
    pub payload: Value,
    /// The digest a [`take_checked`](Oid4vciStore::take_checked) must present (a `tx_code`'s).
    pub check: Option<TokenDigest>,
    /// How many wrong checks it survives.
    pub attempts: u32,
    /// After this instant it is worthless.
    pub expires_at: OffsetDateTime,
}

impl Entry {
    /// An entry without a check.
    pub fn new(
        kind: EntryKind,
        digest: TokenDigest,
        payload: Value,
        expires_at: OffsetDateTime,
    ) -> Self {
        Self {
            kind,
            digest,
            payload,
            check: None,
            attempts: 0,
            expires_at,
        }
    }

    /// Requires `check` at [`take_checked`](Oid4vciStore::take_checked), surviving `attempts`
    /// wrong ones.
    pub fn with_check(mut self, check: TokenDigest, attempts: u32) -> Self {
        self.check = Some(check);
        self.attempts = attempts;
        self
    }
}

/// What [`Oid4vciStore::take_checked`] found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Checked {
    /// The check matched: the entry is gone, here is its payload.
    Taken(Value),
    /// The check did not match; the entry stays with this many attempts left (at 0 it was
    /// removed).
    Mismatch {
        /// Wrong checks it still survives.
        attempts_left: u32,
    },
    /// No live entry has this digest.
    Missing,
}

/// Where the OpenID4VCI issuer keeps what it hands out once. Object-safe: hold it as
/// `Arc<dyn Oid4vciStore>`.
///
/// Every method is atomic on its own, across every process sharing the store: of concurrent
/// takes of one entry, at most one gets it.
#[async_trait]
pub trait Oid4vciStore: Send + Sync + Debug + 'static {
    /// Stores an entry; one of the same kind and digest already there is
    /// [`StoreErrorKind::AlreadyExists`] (and is left alone).
    async fn insert(&self, entry: &Entry) -> Result<(), StoreError>;

    /// The payload of the live entry (not expired at `now`), left in place.
    async fn get(
        &self,
        kind: EntryKind,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<Value>, StoreError>;

    /// Removes the entry and returns its payload if it had not expired at `now`. Atomic: of
    /// concurrent calls, at most one gets the payload.
    async fn take(
        &self,
        kind: EntryKind,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<Value>, StoreError>;

    /// Takes the entry if `check` equals its check (both absent counts as equal); otherwise
    /// counts a wrong attempt, removing the entry at the last. Atomic like
    /// [`take`](Self::take), and each wrong attempt is counted once.
    async fn take_checked(
        &self,
        kind: EntryKind,
        digest: &TokenDigest,
        check: Option<&TokenDigest>,
        now: OffsetDateTime,
    ) -> Result<Checked, StoreError>;

    /// Removes every entry that expired at or before `now`; returns how many.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, StoreError>;
}

/// Entries in memory, for one process and for tests.
#[derive(Debug, Default)]
pub struct MemoryOid4vciStore {
    entries: Mutex<HashMap<(EntryKind, TokenDigest), Entry>>,
}

impl MemoryOid4vciStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<(EntryKind, TokenDigest), Entry>> {
        // Every critical section is one lookup and one insert or remove: a poisoned lock holds no
        // broken state.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Oid4vciStore for MemoryOid4vciStore {
    async fn insert(&self, entry: &Entry) -> Result<(), StoreError> {
        let mut entries = self.entries();
        let key = (entry.kind, entry.digest);
        if entries.contains_key(&key) {
            return Err(StoreError::new(
                StoreErrorKind::AlreadyExists,
                "insert an OpenID4VCI entry",
            ));
        }
        entries.insert(key, entry.clone());
        Ok(())
    }

    async fn get(
        &self,
        kind: EntryKind,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<Value>, StoreError> {
        Ok(self
            .entries()
            .get(&(kind, *digest))
            .filter(|e| e.expires_at > now)
            .map(|e| e.payload.clone()))
    }

    async fn take(
        &self,
        kind: EntryKind,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<Value>, StoreError> {
        let taken = self.entries().remove(&(kind, *digest));
        Ok(taken.filter(|e| e.expires_at > now).map(|e| e.payload))
    }

    async fn take_checked(
        &self,
        kind: EntryKind,
        digest: &TokenDigest,
        check: Option<&TokenDigest>,
        now: OffsetDateTime,
    ) -> Result<Checked, StoreError> {
        let mut entries = self.entries();
        let key = (kind, *digest);
        let Some(entry) = entries.get_mut(&key) else {
            return Ok(Checked::Missing);
        };
        if entry.expires_at <= now {
            entries.remove(&key);
            return Ok(Checked::Missing);
        }
        if entry.check.as_ref() == check {
            let payload = entry.payload.clone();
            entries.remove(&key);
            return Ok(Checked::Taken(payload));
        }
        entry.attempts = entry.attempts.saturating_sub(1);
        let attempts_left = entry.attempts;
        if attempts_left == 0 {
            entries.remove(&key);
        }
        Ok(Checked::Mismatch { attempts_left })
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let mut entries = self.entries();
        let before = entries.len();
        entries.retain(|_, e| e.expires_at > now);
        Ok((before - entries.len()) as u64)
    }
}
