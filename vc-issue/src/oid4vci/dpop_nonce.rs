//! DPoP nonces (RFC 9449 §8, §9): the server's own freshness for DPoP proofs, so that a proof
//! made in advance (on a compromised device, with a clock set ahead) is worthless.
//!
//! Each process hands out its current nonce and draws a new one when half the nonce's life has
//! passed; every nonce is kept in the store until it expires, so any process sharing the store
//! accepts any of them, and a nonce handed out stays good for at least half its life.

use std::sync::Mutex;

use serde_json::Value;
use time::OffsetDateTime;

use super::error::Oid4vciError;
use super::store::{Entry, EntryKind, Oid4vciStore};
use crate::pickup::TokenDigest;

/// The nonces of one issuer.
#[derive(Debug)]
pub(crate) struct DpopNonces {
    ttl: time::Duration,
    current: Mutex<Option<(String, OffsetDateTime)>>,
}

impl DpopNonces {
    pub(crate) fn new(ttl: time::Duration) -> Self {
        Self {
            ttl,
            current: Mutex::new(None),
        }
    }

    fn cached(&self) -> Option<(String, OffsetDateTime)> {
        // One read or write per critical section: a poisoned lock holds no broken state.
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The nonce to hand out at `now`: the current one, or a fresh one once half of the current
    /// one's life has passed (or the clock went back).
    pub(crate) async fn current(
        &self,
        store: &dyn Oid4vciStore,
        now: OffsetDateTime,
    ) -> Result<String, Oid4vciError> {
        if let Some((nonce, drawn)) = self.cached() {
            let age = now - drawn;
            if !age.is_negative() && age < self.ttl / 2 {
                return Ok(nonce);
            }
        }
        let fresh = super::service::secret()?;
        let entry = Entry::new(
            EntryKind::DpopNonce,
            fresh.digest(),
            Value::Null,
            now + self.ttl,
        );
        store.insert(&entry).await?;
        let nonce = fresh.expose().to_owned();
        // Two requests may draw at once: both nonces are stored and good, the later one stays.
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some((nonce.clone(), now));
        Ok(nonce)
    }

    /// Accepts `nonce` (a DPoP proof's `nonce` claim) if it is one this server handed out and
    /// it has not expired; otherwise `use_dpop_nonce` with the nonce to use.
    pub(crate) async fn check(
        &self,
        nonce: Option<&str>,
        store: &dyn Oid4vciStore,
        now: OffsetDateTime,
    ) -> Result<(), Oid4vciError> {
        if let Some(digest) = nonce.and_then(TokenDigest::of_presented) {
            if store
                .get(EntryKind::DpopNonce, &digest, now)
                .await?
                .is_some()
            {
                return Ok(());
            }
        }
        Err(Oid4vciError::UseDpopNonce {
            nonce: self.current(store, now).await?,
        })
    }
}
