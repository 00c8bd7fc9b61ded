//! The conformance suite for [`Oid4vciStore`] backends (feature `testing`, with `oid4vci`).
//!
//! Every backend in this crate runs it against itself, and a host that writes its own backend
//! should too, against an **empty** store (the purge check counts what it removes):
//!
//! ```no_run
//! # async fn f(store: std::sync::Arc<dyn vc_issue::oid4vci::Oid4vciStore>) {
//! // inside a multi-threaded tokio runtime, e.g. #[tokio::test(flavor = "multi_thread")]
//! vc_issue::testing::oid4vci::run_conformance(store).await.unwrap();
//! # }
//! ```
//!
//! [`concurrent_redeem`] takes two handles on one database (two pools, as two processes would
//! have) and races them: a pre-authorized code or a nonce is redeemed once between them.

use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};
use vc_status::store::StoreErrorKind;

use super::failure::{conform_eq, At, ConformanceError};
use crate::oid4vci::{Checked, Entry, EntryKind, Oid4vciStore};
use crate::pickup::{PickupToken, TokenDigest};

/// How many tasks race for one entry in [`concurrent_redeem`].
pub const RACERS: usize = 8;

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn Oid4vciStore>) -> Result<(), ConformanceError> {
    insert_get_and_take_once(store.as_ref()).await?;
    duplicate_insert(store.as_ref()).await?;
    expired_is_not_returned(store.as_ref()).await?;
    checked_take(store.as_ref()).await?;
    single_attempt_code(store.as_ref()).await?;
    purge_expired(store.as_ref()).await?;
    concurrent_redeem(store.clone(), store).await?;
    Ok(())
}

fn t0() -> OffsetDateTime {
    // Stores may keep milliseconds only.
    OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn digest() -> Result<TokenDigest, ConformanceError> {
    Ok(PickupToken::generate().at("a secret is drawn")?.digest())
}

fn entry(kind: EntryKind, digest: TokenDigest, expires: OffsetDateTime) -> Entry {
    Entry::new(
        kind,
        digest,
        json!({"credentials": {"degree": {"name": "Bachelor of Science"}}}),
        expires,
    )
}

/// A stored entry can be read any number of times and taken once; kinds do not mix.
pub async fn insert_get_and_take_once(store: &dyn Oid4vciStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an entry is read, then taken once";
    let d = digest()?;
    let e = entry(EntryKind::Nonce, d, t0() + Duration::hours(1));
    store.insert(&e).await.at(CHECK)?;
    for _ in 0..2 {
        conform_eq!(
            CHECK,
            store.get(EntryKind::Nonce, &d, t0()).await.at(CHECK)?,
            Some(e.payload.clone())
        );
    }
    conform_eq!(
        "an entry of another kind with the same digest is not found",
        store
            .take(EntryKind::AccessToken, &d, t0())
            .await
            .at(CHECK)?,
        None
    );
    conform_eq!(
        CHECK,
        store.take(EntryKind::Nonce, &d, t0()).await.at(CHECK)?,
        Some(e.payload.clone())
    );
    conform_eq!(
        CHECK,
        store.take(EntryKind::Nonce, &d, t0()).await.at(CHECK)?,
        None
    );
    conform_eq!(
        CHECK,
        store.get(EntryKind::Nonce, &d, t0()).await.at(CHECK)?,
        None
    );
    Ok(())
}

/// A second entry with the same kind and digest is `AlreadyExists` and leaves the first alone.
pub async fn duplicate_insert(store: &dyn Oid4vciStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a second entry with the same kind and digest is AlreadyExists";
    let d = digest()?;
    let first = entry(EntryKind::Offer, d, t0() + Duration::hours(1));
    store.insert(&first).await.at(CHECK)?;
    let second = Entry::new(
        EntryKind::Offer,
        d,
        json!("other"),
        t0() + Duration::hours(2),
    );
    let kind = store.insert(&second).await.err().map(|e| e.kind());
    conform_eq!(CHECK, kind, Some(StoreErrorKind::AlreadyExists));
    store
        .insert(&entry(EntryKind::Transaction, d, t0() + Duration::hours(1)))
        .await
        .at("the same digest under another kind is another entry")?;
    conform_eq!(
        "a refused duplicate leaves the first entry alone",
        store.take(EntryKind::Offer, &d, t0()).await.at(CHECK)?,
        Some(first.payload)
    );
    Ok(())
}

/// An entry is not returned at or after its expiry instant, by any method.
pub async fn expired_is_not_returned(store: &dyn Oid4vciStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an expired entry is not returned";
    let kind = EntryKind::PreAuthorizedCode;
    let d = digest()?;
    let expires = t0() + Duration::minutes(10);
    store.insert(&entry(kind, d, expires)).await.at(CHECK)?;
    conform_eq!(CHECK, store.get(kind, &d, expires).await.at(CHECK)?, None);
    conform_eq!(
        CHECK,
        store
            .take_checked(kind, &d, None, expires)
            .await
            .at(CHECK)?,
        Checked::Missing
    );
    conform_eq!(CHECK, store.take(kind, &d, expires).await.at(CHECK)?, None);
    Ok(())
}

/// `take_checked` of a pre-authorized code at [`t0`], in [`checked_take`].
async fn take(
    store: &dyn Oid4vciStore,
    digest: &TokenDigest,
    check: Option<&TokenDigest>,
) -> Result<Checked, ConformanceError> {
    store
        .take_checked(EntryKind::PreAuthorizedCode, digest, check, t0())
        .await
        .at(CHECKED_TAKE)
}

const CHECKED_TAKE: &str = "a checked take counts wrong attempts and takes on the right one";

/// `take_checked`: a wrong check costs an attempt and the last one removes the entry; the right
/// one takes it; an entry without a check is taken without one and not with one.
pub async fn checked_take(store: &dyn Oid4vciStore) -> Result<(), ConformanceError> {
    const CHECK: &str = CHECKED_TAKE;
    let kind = EntryKind::PreAuthorizedCode;
    let (d, right, wrong) = (digest()?, digest()?, digest()?);
    let e = entry(kind, d, t0() + Duration::hours(1)).with_check(right, 3);
    store.insert(&e).await.at(CHECK)?;
    for left in [2, 1] {
        conform_eq!(
            CHECK,
            take(store, &d, Some(&wrong)).await?,
            Checked::Mismatch {
                attempts_left: left
            }
        );
    }
    conform_eq!(
        "no check where one is required is a wrong attempt",
        take(store, &d, None).await?,
        Checked::Mismatch { attempts_left: 0 }
    );
    conform_eq!(
        "the last wrong attempt removes the entry",
        take(store, &d, Some(&right)).await?,
        Checked::Missing
    );

    let (d, right) = (digest()?, digest()?);
    let e = entry(kind, d, t0() + Duration::hours(1)).with_check(right, 3);
    store.insert(&e).await.at(CHECK)?;
    take(store, &d, Some(&wrong)).await?;
    conform_eq!(
        "the right check takes the entry after a wrong one",
        take(store, &d, Some(&right)).await?,
        Checked::Taken(e.payload.clone())
    );
    conform_eq!(
        "a taken entry is gone",
        take(store, &d, Some(&right)).await?,
        Checked::Missing
    );

    let d = digest()?;
    let e = entry(kind, d, t0() + Duration::hours(1));
    store.insert(&e).await.at(CHECK)?;
    conform_eq!(
        "an entry without a check is taken without one",
        take(store, &d, None).await?,
        Checked::Taken(e.payload)
    );
    Ok(())
}

/// An authorization code is stored with one attempt: a wrong binding (client, redirect URI,
/// PKCE verifier) removes it, so the right one finds nothing after; the right binding takes it
/// once; kinds stay apart.
pub async fn single_attempt_code(store: &dyn Oid4vciStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an authorization code is taken on its first attempt, right or wrong";
    let kind = EntryKind::AuthorizationCode;
    let (d, right, wrong) = (digest()?, digest()?, digest()?);
    let code = entry(kind, d, t0() + Duration::minutes(1)).with_check(right, 1);
    store.insert(&code).await.at(CHECK)?;
    conform_eq!(
        "a pre-authorized code of the same digest is another entry",
        store
            .take_checked(EntryKind::PreAuthorizedCode, &d, Some(&right), t0())
            .await
            .at(CHECK)?,
        Checked::Missing
    );
    conform_eq!(
        CHECK,
        store
            .take_checked(kind, &d, Some(&wrong), t0())
            .await
            .at(CHECK)?,
        Checked::Mismatch { attempts_left: 0 }
    );
    conform_eq!(
        "a wrong attempt burnt the code",
        store
            .take_checked(kind, &d, Some(&right), t0())
            .await
            .at(CHECK)?,
        Checked::Missing
    );
    let d = digest()?;
    let code = entry(kind, d, t0() + Duration::minutes(1)).with_check(right, 1);
    store.insert(&code).await.at(CHECK)?;
    conform_eq!(
        CHECK,
        store
            .take_checked(kind, &d, Some(&right), t0())
            .await
            .at(CHECK)?,
        Checked::Taken(code.payload.clone())
    );
    conform_eq!(
        CHECK,
        store
            .take_checked(kind, &d, Some(&right), t0())
            .await
            .at(CHECK)?,
        Checked::Missing
    );
    Ok(())
}

/// `purge_expired` removes exactly the entries expired at `now` and keeps the others.
pub async fn purge_expired(store: &dyn Oid4vciStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "purge_expired removes exactly the expired entries";
    let (old1, old2, live) = (digest()?, digest()?, digest()?);
    for (d, expires) in [
        (old1, t0() - Duration::minutes(1)),
        (old2, t0()),
        (live, t0() + Duration::milliseconds(1)),
    ] {
        store
            .insert(&entry(EntryKind::AccessToken, d, expires))
            .await
            .at(CHECK)?;
    }
    conform_eq!(CHECK, store.purge_expired(t0()).await.at(CHECK)?, 2);
    conform_eq!(CHECK, store.purge_expired(t0()).await.at(CHECK)?, 0);
    conform_eq!(
        CHECK,
        store
            .get(EntryKind::AccessToken, &live, t0())
            .await
            .at(CHECK)?
            .is_some(),
        true
    );
    Ok(())
}

/// Runs `redeem` in [`RACERS`] tasks that start together, alternating between the two `stores`;
/// what each redeemed, or the first error (reported as `check`'s).
async fn race<T, F, Fut>(
    stores: &[Arc<dyn Oid4vciStore>; 2],
    check: &'static str,
    redeem: F,
) -> Result<Vec<T>, ConformanceError>
where
    T: Send + 'static,
    F: Fn(Arc<dyn Oid4vciStore>) -> Fut,
    Fut: std::future::Future<Output = Result<T, vc_status::store::StoreError>> + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(RACERS));
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let (redeem, barrier) = (redeem(stores[i % 2].clone()), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                redeem.await
            })
        })
        .collect();
    let mut redeemed = Vec::with_capacity(RACERS);
    for task in tasks {
        redeemed.push(task.await.at(check)?.at(check)?);
    }
    Ok(redeemed)
}

/// [`RACERS`] tasks, alternating between the handles `a` and `b` on one database, race to
/// redeem one nonce (`take`), one pre-authorized code with its `tx_code` and one authorization
/// code with its binding (`take_checked`): exactly one wins each race; racing wrong `tx_code`s
/// cost one attempt each.
pub async fn concurrent_redeem(
    a: Arc<dyn Oid4vciStore>,
    b: Arc<dyn Oid4vciStore>,
) -> Result<(), ConformanceError> {
    const CHECK: &str = "a code or a nonce is redeemed exactly once";
    let stores = [a, b];
    for _round in 0..4 {
        let d = digest()?;
        stores[0]
            .insert(&entry(EntryKind::Nonce, d, t0() + Duration::hours(1)))
            .await
            .at(CHECK)?;
        let taken = race(&stores, CHECK, move |store| async move {
            store.take(EntryKind::Nonce, &d, t0()).await
        })
        .await?;
        conform_eq!(CHECK, taken.iter().flatten().count(), 1);

        // A pre-authorized code (3 attempts) and an authorization code (1), each inserted through
        // one store and raced for through all of them.
        for (kind, attempts, inserted_by) in [
            (EntryKind::PreAuthorizedCode, 3, 1),
            (EntryKind::AuthorizationCode, 1, 0),
        ] {
            let (d, right) = (digest()?, digest()?);
            let code = entry(kind, d, t0() + Duration::hours(1)).with_check(right, attempts);
            stores[inserted_by].insert(&code).await.at(CHECK)?;
            let taken = race(&stores, CHECK, move |store| async move {
                store.take_checked(kind, &d, Some(&right), t0()).await
            })
            .await?;
            let winners = taken
                .iter()
                .filter(|t| matches!(t, Checked::Taken(_)))
                .count();
            conform_eq!(CHECK, winners, 1);
        }
    }

    const ATTEMPTS: &str = "racing wrong tx_codes cost one attempt each";
    let (d, right, wrong) = (digest()?, digest()?, digest()?);
    let code = entry(EntryKind::PreAuthorizedCode, d, t0() + Duration::hours(1))
        .with_check(right, RACERS as u32 + 1);
    stores[0].insert(&code).await.at(ATTEMPTS)?;
    race(&stores, ATTEMPTS, move |store| async move {
        store
            .take_checked(EntryKind::PreAuthorizedCode, &d, Some(&wrong), t0())
            .await
    })
    .await?;
    conform_eq!(
        ATTEMPTS,
        stores[1]
            .take_checked(EntryKind::PreAuthorizedCode, &d, Some(&wrong), t0())
            .await
            .at(ATTEMPTS)?,
        Checked::Mismatch { attempts_left: 0 }
    );
    conform_eq!(
        ATTEMPTS,
        stores[0]
            .take_checked(EntryKind::PreAuthorizedCode, &d, Some(&right), t0())
            .await
            .at(ATTEMPTS)?,
        Checked::Missing
    );
    Ok(())
}
