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
//! A broken expectation or a store error is returned as a [`ConformanceError`] naming the check.

use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};
use vc_core::Credential;
use vc_status::store::StoreErrorKind;

use super::failure::{conform_eq, At, ConformanceError};
use crate::pickup::PickupToken;
use crate::pickup::{PickupRecord, PickupStore};
use crate::pipeline::request::IssuedCredential;

/// How many tasks race for one token in [`concurrent_take`].
pub const RACERS: usize = 8;

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn PickupStore>) -> Result<(), ConformanceError> {
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
pub fn sample_credential() -> Result<IssuedCredential, ConformanceError> {
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
    let credential = Credential::from_value(value).at("the sample credential parses")?;
    Ok(IssuedCredential::Embedded(Box::new(credential)))
}

/// Stores [`sample_credential`] under `token`, expiring at `expires`.
async fn insert_sample(
    store: &dyn PickupStore,
    token: &PickupToken,
    expires: OffsetDateTime,
    check: &'static str,
) -> Result<(), ConformanceError> {
    let record = PickupRecord::new(token.digest(), sample_credential()?, expires);
    store.insert(&record).await.at(check)
}

fn token() -> Result<PickupToken, ConformanceError> {
    PickupToken::generate().at("a token is drawn")
}

/// A stored credential (embedded or JWT) comes back equal once; the second take finds nothing.
pub async fn insert_and_take_once(store: &dyn PickupStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a stored credential is taken once";
    for credential in [sample_credential()?, IssuedCredential::Jwt("a.b.c".into())] {
        let t = token()?;
        let record = PickupRecord::new(t.digest(), credential.clone(), t0() + Duration::hours(1));
        store.insert(&record).await.at(CHECK)?;
        conform_eq!(
            CHECK,
            store.take(&t.digest(), t0()).await.at(CHECK)?,
            Some(credential)
        );
        conform_eq!(CHECK, store.take(&t.digest(), t0()).await.at(CHECK)?, None);
    }
    Ok(())
}

/// A digest that was never stored finds nothing.
pub async fn unknown_digest(store: &dyn PickupStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an unknown digest finds nothing";
    conform_eq!(
        CHECK,
        store.take(&token()?.digest(), t0()).await.at(CHECK)?,
        None
    );
    Ok(())
}

/// A second record with the same digest is `AlreadyExists` and leaves the first alone.
pub async fn duplicate_insert(store: &dyn PickupStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a second record with the same digest is AlreadyExists";
    let t = token()?;
    insert_sample(store, &t, t0() + Duration::hours(1), CHECK).await?;
    let second = PickupRecord::new(
        t.digest(),
        IssuedCredential::Jwt("other".into()),
        t0() + Duration::hours(2),
    );
    let kind = store.insert(&second).await.err().map(|e| e.kind());
    conform_eq!(CHECK, kind, Some(StoreErrorKind::AlreadyExists));
    conform_eq!(
        "a refused duplicate leaves the first record alone",
        store.take(&t.digest(), t0()).await.at(CHECK)?,
        Some(sample_credential()?)
    );
    Ok(())
}

/// A record is not returned at or after its expiry instant, and taking it removes it.
pub async fn expired_is_not_returned(store: &dyn PickupStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an expired record is not returned, and taking it removes it";
    let t = token()?;
    let expires = t0() + Duration::minutes(10);
    insert_sample(store, &t, expires, CHECK).await?;
    conform_eq!(
        CHECK,
        store.take(&t.digest(), expires).await.at(CHECK)?,
        None
    );
    // Gone, not merely hidden: even an earlier clock finds nothing now.
    conform_eq!(CHECK, store.take(&t.digest(), t0()).await.at(CHECK)?, None);
    Ok(())
}

/// `purge_expired` removes exactly the records expired at `now` and keeps the others takeable.
pub async fn purge_expired(store: &dyn PickupStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "purge_expired removes exactly the expired records";
    let (old1, old2, live) = (token()?, token()?, token()?);
    for (t, expires) in [
        (&old1, t0() - Duration::minutes(1)),
        (&old2, t0()),
        (&live, t0() + Duration::milliseconds(1)),
    ] {
        insert_sample(store, t, expires, CHECK).await?;
    }
    conform_eq!(CHECK, store.purge_expired(t0()).await.at(CHECK)?, 2);
    conform_eq!(CHECK, store.purge_expired(t0()).await.at(CHECK)?, 0);
    conform_eq!(
        CHECK,
        store.take(&live.digest(), t0()).await.at(CHECK)?,
        Some(sample_credential()?)
    );
    Ok(())
}

/// Of [`RACERS`] concurrent takes of one digest, exactly one gets the credential.
pub async fn concurrent_take(store: Arc<dyn PickupStore>) -> Result<(), ConformanceError> {
    const CHECK: &str = "one token yields its credential exactly once";
    for _round in 0..4 {
        let t = token()?;
        insert_sample(store.as_ref(), &t, t0() + Duration::hours(1), CHECK).await?;
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
            winners += usize::from(task.await.at(CHECK)?.at(CHECK)?.is_some());
        }
        conform_eq!(CHECK, winners, 1);
    }
    Ok(())
}
