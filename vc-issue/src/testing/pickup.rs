//! The conformance suite for [`PickupStore`] backends (feature `testing`).
//!
//! Every backend in this crate runs it against itself, and a host that writes its own backend
//! should too, against an **empty** store (the purge check counts what it removes):
//!
//! ```no_run
//! # async fn f(store: std::sync::Arc<dyn vc_issue::pickup::PickupStore>) {
//! // inside a multi-threaded tokio runtime, e.g. #[tokio::test(flavor = "multi_thread")]
//! vc_issue::testing::pickup::run_conformance(store).await.unwrap();
//! # }
//! ```
//!
//! A failed expectation panics (like `assert!`); a store error is returned.

// A failed expectation panics, like the `assert!`s around it: that is how the suite reports.
#![allow(clippy::panic)]

use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};
use vc_core::Credential;
use vc_status::store::StoreErrorKind;

use crate::pickup::PickupError;
use crate::pickup::PickupToken;
use crate::pickup::{PickupRecord, PickupStore};
use crate::pipeline::request::IssuedCredential;

/// How many tasks race for one token in [`concurrent_take`].
pub const RACERS: usize = 8;

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn PickupStore>) -> Result<(), PickupError> {
    insert_and_take_once(store.as_ref()).await?;
    unknown_digest(store.as_ref()).await?;
    duplicate_insert(store.as_ref()).await?;
    expired_is_not_returned(store.as_ref()).await?;
    purge_expired(store.as_ref()).await?;
    concurrent_take(store).await?;
    Ok(())
}

fn t0() -> OffsetDateTime {
    // Stores may keep milliseconds only.
    OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// An embedded credential with a proof, as an issuer would store it.
pub fn sample_credential() -> IssuedCredential {
    let value = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:6a1676b8-b51f-11ed-937b-d76685a20ff5",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:holder", "name": "Alice"},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                  "proofPurpose": "assertionMethod", "verificationMethod": "did:example:issuer#k",
                  "proofValue": "z3FXQ"}
    });
    match Credential::from_value(value) {
        Ok(credential) => IssuedCredential::Embedded(Box::new(credential)),
        Err(e) => panic!("the sample credential parses: {e}"),
    }
}

fn token() -> Result<PickupToken, PickupError> {
    PickupToken::generate()
}

/// A stored credential (embedded or JWT) comes back equal once; the second take finds nothing.
pub async fn insert_and_take_once(store: &dyn PickupStore) -> Result<(), PickupError> {
    for credential in [sample_credential(), IssuedCredential::Jwt("a.b.c".into())] {
        let t = token()?;
        let record = PickupRecord::new(t.digest(), credential.clone(), t0() + Duration::hours(1));
        store.insert(&record).await?;
        assert_eq!(store.take(&t.digest(), t0()).await?, Some(credential));
        assert_eq!(store.take(&t.digest(), t0()).await?, None);
    }
    Ok(())
}

/// A digest that was never stored finds nothing.
pub async fn unknown_digest(store: &dyn PickupStore) -> Result<(), PickupError> {
    assert_eq!(store.take(&token()?.digest(), t0()).await?, None);
    Ok(())
}

/// A second record with the same digest is `AlreadyExists` and leaves the first alone.
pub async fn duplicate_insert(store: &dyn PickupStore) -> Result<(), PickupError> {
    let t = token()?;
    let first = PickupRecord::new(t.digest(), sample_credential(), t0() + Duration::hours(1));
    store.insert(&first).await?;
    let second = PickupRecord::new(
        t.digest(),
        IssuedCredential::Jwt("other".into()),
        t0() + Duration::hours(2),
    );
    let err = match store.insert(&second).await {
        Err(e) => e,
        Ok(()) => panic!("a duplicate digest was stored"),
    };
    assert_eq!(err.store_kind(), Some(StoreErrorKind::AlreadyExists));
    assert_eq!(
        store.take(&t.digest(), t0()).await?,
        Some(sample_credential())
    );
    Ok(())
}

/// A record is not returned at or after its expiry instant, and taking it removes it.
pub async fn expired_is_not_returned(store: &dyn PickupStore) -> Result<(), PickupError> {
    let t = token()?;
    let expires = t0() + Duration::minutes(10);
    store
        .insert(&PickupRecord::new(t.digest(), sample_credential(), expires))
        .await?;
    assert_eq!(store.take(&t.digest(), expires).await?, None);
    // Gone, not merely hidden: even an earlier clock finds nothing now.
    assert_eq!(store.take(&t.digest(), t0()).await?, None);
    Ok(())
}

/// `purge_expired` removes exactly the records expired at `now` and keeps the others takeable.
pub async fn purge_expired(store: &dyn PickupStore) -> Result<(), PickupError> {
    let (old1, old2, live) = (token()?, token()?, token()?);
    for (t, expires) in [
        (&old1, t0() - Duration::minutes(1)),
        (&old2, t0()),
        (&live, t0() + Duration::milliseconds(1)),
    ] {
        store
            .insert(&PickupRecord::new(t.digest(), sample_credential(), expires))
            .await?;
    }
    assert_eq!(store.purge_expired(t0()).await?, 2);
    assert_eq!(store.purge_expired(t0()).await?, 0);
    assert_eq!(
        store.take(&live.digest(), t0()).await?,
        Some(sample_credential())
    );
    Ok(())
}

/// Of [`RACERS`] concurrent takes of one digest, exactly one gets the credential.
pub async fn concurrent_take(store: Arc<dyn PickupStore>) -> Result<(), PickupError> {
    for _round in 0..4 {
        let t = token()?;
        store
            .insert(&PickupRecord::new(
                t.digest(),
                sample_credential(),
                t0() + Duration::hours(1),
            ))
            .await?;
        let barrier = Arc::new(tokio::sync::Barrier::new(RACERS));
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let (store, barrier, digest) = (store.clone(), barrier.clone(), t.digest());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.take(&digest, t0()).await
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            match task.await {
                Ok(result) => winners += usize::from(result?.is_some()),
                Err(e) => panic!("a racing task failed: {e}"),
            }
        }
        assert_eq!(
            winners, 1,
            "one token must yield its credential exactly once"
        );
    }
    Ok(())
}
