//! The status list registry: allocation, rollover, status changes and list credentials.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use rand::RngCore;
use serde_json::Value;
use time::OffsetDateTime;
use vc_core::Clock;

use crate::credential::{list_credential, ListCredentialParams};
use crate::group_commit::GroupCommit;
use crate::reservation::Reservation;
use crate::store::{
    EntryChange, ListRecord, ReservationRecord, StatusListStore, StoreError, StoreErrorKind,
};
use crate::token_status_list::{status_list_token_claims, StatusListTokenParams, TokenStatusList};
use crate::{
    Bitstring, Error, ListFormat, Permutation, ReservationOwner, Result, StatusEntry, StatusListId,
    StatusListIndex, StatusMessage, StatusPurpose, StatusRegistryBuilder, StatusSize,
};

/// The largest batch [`StatusRegistry::allocate`] hands out in one call.
pub const MAX_BATCH: usize = 1_000_000;

/// How one purpose's lists are shaped.
#[derive(Debug, Clone)]
pub(crate) struct PurposeConfig {
    pub(crate) status_size: StatusSize,
    pub(crate) messages: Option<Vec<StatusMessage>>,
}

/// Everything the builder checked, handed to the registry.
pub(crate) struct RegistryConfig {
    pub(crate) store: Arc<dyn StatusListStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) url_prefix: String,
    pub(crate) url_suffix: String,
    pub(crate) issuer: Value,
    pub(crate) format: ListFormat,
    pub(crate) namespace: Option<String>,
    pub(crate) list_size: u64,
    pub(crate) purposes: HashMap<StatusPurpose, PurposeConfig>,
    pub(crate) validity: Option<time::Duration>,
    pub(crate) ttl_ms: Option<u64>,
}

/// A list with its permutation, cached per process (the record never changes).
#[derive(Debug)]
struct OpenList {
    record: ListRecord,
    permutation: Permutation,
    url: String,
}

#[derive(Debug)]
struct CachedCredential {
    version: u64,
    valid_from: OffsetDateTime,
    value: Arc<Value>,
}

/// A registry of status lists over a [`StatusListStore`], shared safely by many issuer processes.
///
/// - [`allocate`](Self::allocate) hands out ready-to-embed [`StatusEntry`]s: indexes are unique
///   forever (one atomic counter step per batch, mapped through the list's keyed
///   [`Permutation`]) and look random; a full list rolls over into the next one, which any
///   process may open (racing creators agree through the store).
/// - [`allocate_owned`](Self::allocate_owned) hands out one entry for a named owner, recorded with
///   the allocation: asking again for the same owner (after a crash, from another process) returns
///   the same entry; [`release_owned`](Self::release_owned) settles it (the owner's, for good).
/// - [`revoke`](Self::revoke), [`suspend`](Self::suspend), [`unsuspend`](Self::unsuspend),
///   [`set_message`](Self::set_message), [`set_status`](Self::set_status) and
///   [`status`](Self::status) work on an entry as found in a credential.
/// - [`list_credential`](Self::list_credential) builds the unsigned list credential, re-encoding
///   only when the list's version changed.
pub struct StatusRegistry {
    cfg: RegistryConfig,
    active: Mutex<HashMap<StatusPurpose, Arc<OpenList>>>,
    lists: Mutex<HashMap<StatusListId, Arc<OpenList>>>,
    credentials: Mutex<HashMap<StatusListId, CachedCredential>>,
    /// Concurrent [`reserve`](Self::reserve) calls of a purpose share one store step.
    reserves: HashMap<StatusPurpose, GroupCommit<usize, Result<Reservation>>>,
}

impl fmt::Debug for StatusRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusRegistry")
            .field("store", &self.cfg.store)
            .field("format", &self.cfg.format)
            .field("list_size", &self.cfg.list_size)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded maps are caches updated by single inserts; a poisoned lock holds no broken state.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl StatusRegistry {
    /// A builder; `store`, `list_url_template` and `issuer` are required.
    pub fn builder() -> StatusRegistryBuilder {
        StatusRegistryBuilder::default()
    }

    pub(crate) fn from_config(cfg: RegistryConfig) -> Self {
        let reserves = cfg
            .purposes
            .keys()
            .map(|purpose| (*purpose, GroupCommit::new(MAX_BATCH)))
            .collect();
        StatusRegistry {
            reserves,
            cfg,
            active: Mutex::default(),
            lists: Mutex::default(),
            credentials: Mutex::default(),
        }
    }

    /// The store behind the registry.
    pub fn store(&self) -> &Arc<dyn StatusListStore> {
        &self.cfg.store
    }

    /// The list format of this registry.
    pub fn format(&self) -> ListFormat {
        self.cfg.format
    }

    /// The URL of the list credential of `id`.
    pub fn list_url(&self, id: &StatusListId) -> String {
        format!("{}{}{}", self.cfg.url_prefix, id, self.cfg.url_suffix)
    }

    /// The list id in a list credential URL of this registry ([`Error::ForeignList`] otherwise).
    pub fn list_id_from_url(&self, url: &str) -> Result<StatusListId> {
        url.strip_prefix(self.cfg.url_prefix.as_str())
            .and_then(|rest| rest.strip_suffix(self.cfg.url_suffix.as_str()))
            .and_then(|id| StatusListId::new(id).ok())
            .ok_or_else(|| Error::ForeignList {
                url: url.to_owned(),
            })
    }

    /// Whether this registry keeps lists for `purpose` (and so can allocate its entries).
    pub fn supports(&self, purpose: StatusPurpose) -> bool {
        self.cfg.purposes.contains_key(&purpose)
    }

    fn purpose_config(&self, purpose: StatusPurpose) -> Result<&PurposeConfig> {
        self.cfg.purposes.get(&purpose).ok_or(Error::Config {
            reason: "this registry has no lists for that purpose",
        })
    }

    fn series(&self, purpose: StatusPurpose) -> String {
        match &self.cfg.namespace {
            Some(ns) => format!("{ns}-{purpose}"),
            None => purpose.as_str().to_owned(),
        }
    }

    fn list_id(series: &str, sequence: u64) -> Result<StatusListId> {
        StatusListId::new(format!("{series}-{sequence}"))
    }

    /// Wraps a record read from or written to the store, checking it fits the configuration.
    fn open(&self, record: ListRecord) -> Result<Arc<OpenList>> {
        if let Some(open) = lock(&self.lists).get(&record.id) {
            return Ok(open.clone());
        }
        let permutation = Permutation::new(&record.seed, record.capacity)?;
        let url = self.list_url(&record.id);
        let open = Arc::new(OpenList {
            record,
            permutation,
            url,
        });
        lock(&self.lists).insert(open.record.id.clone(), open.clone());
        Ok(open)
    }

    async fn open_id(&self, id: &StatusListId) -> Result<Arc<OpenList>> {
        if let Some(open) = lock(&self.lists).get(id) {
            return Ok(open.clone());
        }
        let record = self.cfg.store.get_list(id).await?;
        // A store may hold the lists of several issuers (one registry each, told apart by their
        // namespaces): a list of another series is another issuer's, whatever its URL says.
        if record.series != self.series(record.purpose) {
            return Err(Error::ListOfAnotherIssuer { list: id.clone() });
        }
        self.open(record)
    }

    /// Opens list `sequence` of the purpose's series, creating it if no process has yet.
    async fn open_or_create(&self, purpose: StatusPurpose, sequence: u64) -> Result<Arc<OpenList>> {
        let series = self.series(purpose);
        let id = Self::list_id(&series, sequence)?;
        if let Some(open) = lock(&self.lists).get(&id) {
            return Ok(open.clone());
        }
        let cfg = self.purpose_config(purpose)?;
        let mut seed = [0u8; 32];
        rand::rngs::OsRng
            .try_fill_bytes(&mut seed)
            .map_err(|e| Error::Randomness(Arc::new(e)))?;
        let record = ListRecord {
            id: id.clone(),
            series,
            sequence,
            purpose,
            status_size: cfg.status_size,
            capacity: self.cfg.list_size,
            seed,
            created_at: self.cfg.clock.now(),
        };
        let record = match self.cfg.store.create_list(&record).await {
            Ok(()) => record,
            // Another process won the race: use its list (and its seed).
            Err(e) if e.kind() == StoreErrorKind::AlreadyExists => {
                self.cfg.store.get_list(&id).await?
            }
            Err(e) => return Err(e.into()),
        };
        self.check_series_record(&record, purpose)?;
        self.open(record)
    }

    fn check_series_record(&self, record: &ListRecord, purpose: StatusPurpose) -> Result<()> {
        let cfg = self.purpose_config(purpose)?;
        if record.purpose != purpose || record.status_size != cfg.status_size {
            return Err(Error::Config {
                reason: "the store's list series has a different purpose or statusSize",
            });
        }
        Ok(())
    }

    async fn active_list(&self, purpose: StatusPurpose) -> Result<Arc<OpenList>> {
        if let Some(open) = lock(&self.active).get(&purpose) {
            return Ok(open.clone());
        }
        let open = match self.cfg.store.latest_list(&self.series(purpose)).await? {
            Some(record) => {
                self.check_series_record(&record, purpose)?;
                self.open(record)?
            }
            None => self.open_or_create(purpose, 1).await?,
        };
        Ok(self.make_active(purpose, open))
    }

    /// Records `open` as the active list unless a later one already is; returns the active list.
    fn make_active(&self, purpose: StatusPurpose, open: Arc<OpenList>) -> Arc<OpenList> {
        let mut active = lock(&self.active);
        match active.get(&purpose) {
            Some(cur) if cur.record.sequence >= open.record.sequence => cur.clone(),
            _ => {
                active.insert(purpose, open.clone());
                open
            }
        }
    }

    /// Allocates `n` status entries of `purpose`, ready to embed as `credentialStatus`.
    ///
    /// One store round trip per list touched: a batch of 10,000 costs one `reserve` call unless it
    /// crosses into the next list. Indexes are never handed out twice, by any process sharing the
    /// store.
    pub async fn allocate(&self, purpose: StatusPurpose, n: usize) -> Result<Vec<StatusEntry>> {
        Ok(self.reserve(purpose, n).await?.collect())
    }

    /// Reserves `n` status entries of `purpose` as [`allocate`](Self::allocate) does, without
    /// building them yet: each is built when taken out of the [`Reservation`], so that the threads
    /// that use the entries build them in parallel.
    ///
    /// Calls that arrive while another one is in the store share the next store step (group
    /// commit, [`GroupCommit`]): under load, one counter step serves many credentials, and a
    /// caller alone goes straight to the store.
    pub async fn reserve(&self, purpose: StatusPurpose, n: usize) -> Result<Reservation> {
        self.purpose_config(purpose)?;
        if n > MAX_BATCH {
            return Err(Error::Config {
                reason: "batch larger than MAX_BATCH",
            });
        }
        let Some(commits) = self.reserves.get(&purpose) else {
            return self.reserve_now(purpose, n).await;
        };
        if n == 0 {
            return Ok(Reservation::default());
        }
        commits
            .submit(n, n, |sizes| async move {
                let total = sizes.iter().sum();
                match self.reserve_now(purpose, total).await {
                    Ok(mut all) => sizes.iter().map(|n| Ok(all.take_first(*n))).collect(),
                    Err(e) => sizes.iter().map(|_| Err(e.clone())).collect(),
                }
            })
            .await
    }

    /// [`reserve`](Self::reserve) in one store step of its own.
    async fn reserve_now(&self, purpose: StatusPurpose, n: usize) -> Result<Reservation> {
        let cfg = self.purpose_config(purpose)?;
        if n > MAX_BATCH {
            return Err(Error::Config {
                reason: "batch larger than MAX_BATCH",
            });
        }
        let mut out = Reservation::default();
        if n == 0 {
            return Ok(out);
        }
        let mut list = self.active_list(purpose).await?;
        loop {
            let want = (n - out.len()) as u64;
            let granted = self.cfg.store.reserve(&list.record.id, want).await?;
            if granted.end > list.record.capacity || granted.end - granted.start > want {
                return Err(Error::Store(crate::store::StoreError::new(
                    StoreErrorKind::Internal,
                    "store granted counters outside the request",
                )));
            }
            if !granted.is_empty() {
                record_fill(&list.record, granted.end);
                let template = StatusEntry::new(
                    self.cfg.format,
                    purpose,
                    StatusListIndex::new(0),
                    list.url.clone(),
                    cfg.status_size,
                    cfg.messages.clone(),
                )?;
                out.push(Arc::new(template), list.permutation.clone(), granted)?;
            }
            if out.len() >= n {
                return Ok(out);
            }
            // The list is full: roll over (any process may have opened the next one already).
            let next = self
                .open_or_create(purpose, list.record.sequence + 1)
                .await?;
            list = self.make_active(purpose, next);
        }
    }

    /// Allocates one status entry of `purpose` for `owner`, in the same atomic store step that
    /// records `owner` as its holder ([`reserve_owned`](StatusListStore::reserve_owned)). While
    /// `owner` holds it, every call for `owner` returns the same entry (list, index, purpose,
    /// size) and takes nothing new, from any process sharing the store.
    ///
    /// This is what lets work that may crash and be taken over allocate an index exactly once: a
    /// process killed right after allocating leaves a reservation that the next one turns back
    /// into the very entry it would have used. Once the owner keeps the entry itself (it saved it
    /// durably), it calls [`release_owned`](Self::release_owned).
    ///
    /// An owner holds one reservation: asking for another purpose while it holds one of this
    /// purpose is [`StoreErrorKind::Conflict`]; give each entry its own owner.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vc_status::{store::MemoryStore, ReservationOwner, StatusPurpose, StatusRegistry};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let registry = StatusRegistry::builder()
    ///     .store(Arc::new(MemoryStore::new()))
    ///     .list_url_template("https://issuer.example/status/{list}")
    ///     .issuer("did:example:issuer")
    ///     .build()?;
    /// let owner = ReservationOwner::new("ticket-42")?;
    /// let first = registry.allocate_owned(&owner, StatusPurpose::Revocation).await?;
    /// // A retry (say, after the first worker crashed) gets the same entry.
    /// let again = registry.allocate_owned(&owner, StatusPurpose::Revocation).await?;
    /// assert_eq!(again, first);
    /// // The entry is saved where the owner keeps it: forget the reservation.
    /// assert!(registry.release_owned(&owner).await?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn allocate_owned(
        &self,
        owner: &ReservationOwner,
        purpose: StatusPurpose,
    ) -> Result<StatusEntry> {
        self.purpose_config(purpose)?;
        let mut list = self.active_list(purpose).await?;
        loop {
            let held = self
                .cfg
                .store
                .reserve_owned(owner, &list.record.id, 1)
                .await?;
            if !held.counters.is_empty() {
                if held.list == list.record.id {
                    record_fill(&list.record, held.counters.end);
                }
                return self.owned_entry(owner, purpose, &held).await;
            }
            if held.list != list.record.id {
                return Err(Error::Store(StoreError::new(
                    StoreErrorKind::Internal,
                    "store answered an owned reservation with another list's empty range",
                )));
            }
            // The list is full: roll over (any process may have opened the next one already).
            let next = self
                .open_or_create(purpose, list.record.sequence + 1)
                .await?;
            list = self.make_active(purpose, next);
        }
    }

    /// The entry of the first counter `owner` holds, checked against this registry's lists of
    /// `purpose`.
    async fn owned_entry(
        &self,
        owner: &ReservationOwner,
        purpose: StatusPurpose,
        held: &ReservationRecord,
    ) -> Result<StatusEntry> {
        let list = self.open_id(&held.list).await?;
        if list.record.series != self.series(purpose) {
            return Err(Error::Store(StoreError::new(
                StoreErrorKind::Conflict,
                format!(
                    "{owner} holds a reservation in status list {}, not in this registry's \
                     {purpose} lists",
                    held.list
                ),
            )));
        }
        self.check_series_record(&list.record, purpose)?;
        let cfg = self.purpose_config(purpose)?;
        let index = list.permutation.apply(held.counters.start)?;
        StatusEntry::new(
            self.cfg.format,
            purpose,
            StatusListIndex::new(index),
            list.url.clone(),
            cfg.status_size,
            cfg.messages.clone(),
        )
    }

    /// Releases `owner`'s reservation (see [`allocate_owned`](Self::allocate_owned)) once the owner
    /// keeps the entry itself, or no longer needs it; returns whether it held one. The entry stays
    /// the owner's: it is never handed out to another owner, and a late
    /// [`allocate_owned`](Self::allocate_owned) for `owner` (a worker whose lease ran out while
    /// another one finished) returns the same entry instead of taking an index nothing would use.
    pub async fn release_owned(&self, owner: &ReservationOwner) -> Result<bool> {
        Ok(self.cfg.store.release_reservation(owner).await?)
    }

    /// Resolves an entry to its list, checking that the list is ours and that purpose, size and
    /// index fit.
    async fn resolve(&self, entry: &StatusEntry) -> Result<Arc<OpenList>> {
        if entry.format() != self.cfg.format {
            return Err(Error::EntryMismatch {
                reason: "entry type does not match the registry's list format",
                index: entry.index(),
            });
        }
        let id = self.list_id_from_url(entry.list_credential())?;
        let list = self.open_id(&id).await?;
        if list.record.purpose != entry.purpose() {
            return Err(Error::PurposeMismatch {
                expected: list.record.purpose,
                found: entry.purpose(),
            });
        }
        if list.record.status_size != entry.status_size() {
            return Err(Error::EntryMismatch {
                reason: "statusSize differs from the list's",
                index: entry.index(),
            });
        }
        if entry.index().get() >= list.record.capacity {
            return Err(Error::Range {
                index: entry.index().get(),
                entries: list.record.capacity,
            });
        }
        Ok(list)
    }

    /// Sets the entry's value, enforcing the purpose's rules: a revocation entry can only be set
    /// to 1 (resetting it is [`Error::Irreversible`]); other entries take any value that fits
    /// `statusSize`. Idempotent.
    pub async fn set_status(&self, entry: &StatusEntry, value: u8) -> Result<()> {
        let change = self.change(entry, value).await?;
        self.cfg
            .store
            .set_entry(&change.list, change.index, change.value)
            .await?;
        Ok(())
    }

    /// Sets several entries, all or none: every `(entry, value)` is checked as
    /// [`set_status`](Self::set_status) checks it (a list of this registry, purpose, size and
    /// index fitting, a value within `statusSize`, no revocation reset) before the store applies
    /// them in one atomic [`set_entries`](crate::store::StatusListStore::set_entries) call. On any
    /// error no entry has changed.
    pub async fn set_statuses(&self, updates: &[(&StatusEntry, u8)]) -> Result<()> {
        let mut changes = Vec::with_capacity(updates.len());
        for &(entry, value) in updates {
            changes.push(self.change(entry, value).await?);
        }
        self.cfg.store.set_entries(&changes).await?;
        Ok(())
    }

    /// The store change that sets `entry` to `value`, once the purpose's rules allow it.
    async fn change(&self, entry: &StatusEntry, value: u8) -> Result<EntryChange> {
        let list = self.resolve(entry).await?;
        let size = list.record.status_size;
        if value > size.max_value() {
            return Err(Error::StatusValue {
                value: u64::from(value),
                status_size: size.bits(),
            });
        }
        if list.record.purpose == StatusPurpose::Revocation && value == 0 {
            return Err(Error::Irreversible);
        }
        Ok(EntryChange {
            list: list.record.id.clone(),
            index: entry.index().get(),
            value,
        })
    }

    fn expect_purpose(entry: &StatusEntry, expected: StatusPurpose) -> Result<()> {
        if entry.purpose() != expected {
            return Err(Error::PurposeMismatch {
                expected,
                found: entry.purpose(),
            });
        }
        Ok(())
    }

    /// Revokes the credential of a `revocation` entry (for good).
    pub async fn revoke(&self, entry: &StatusEntry) -> Result<()> {
        Self::expect_purpose(entry, StatusPurpose::Revocation)?;
        let value = self.cfg.format.set_value(StatusPurpose::Revocation);
        self.set_status(entry, value).await
    }

    /// Suspends the credential of a `suspension` entry.
    pub async fn suspend(&self, entry: &StatusEntry) -> Result<()> {
        Self::expect_purpose(entry, StatusPurpose::Suspension)?;
        let value = self.cfg.format.set_value(StatusPurpose::Suspension);
        self.set_status(entry, value).await
    }

    /// Lifts the suspension of a `suspension` entry.
    pub async fn unsuspend(&self, entry: &StatusEntry) -> Result<()> {
        Self::expect_purpose(entry, StatusPurpose::Suspension)?;
        self.set_status(entry, 0).await
    }

    /// Sets a `message` entry to `value`, one of the values of its `statusMessage` table.
    pub async fn set_message(&self, entry: &StatusEntry, value: u8) -> Result<()> {
        Self::expect_purpose(entry, StatusPurpose::Message)?;
        self.set_status(entry, value).await
    }

    /// The current value of an entry (0 = not set).
    pub async fn status(&self, entry: &StatusEntry) -> Result<u8> {
        let list = self.resolve(entry).await?;
        let snapshot = self.cfg.store.snapshot(&list.record.id).await?;
        let index = entry.index().get();
        Ok(snapshot
            .entries
            .binary_search_by_key(&index, |&(i, _)| i)
            .ok()
            .and_then(|pos| snapshot.entries.get(pos))
            .map_or(0, |&(_, v)| v))
    }

    /// The current list of `id` as a [`Bitstring`], with its version.
    pub async fn bitstring(&self, id: &StatusListId) -> Result<(Bitstring, u64)> {
        let list = self.open_id(id).await?;
        let snapshot = self.cfg.store.snapshot(id).await?;
        let mut bits = Bitstring::with_len(list.record.capacity, list.record.status_size)?;
        for (index, value) in snapshot.entries {
            bits.set(index, value)?;
        }
        Ok((bits, snapshot.version))
    }

    /// The unsigned status list credential of list `id`, ready to be signed and served; for a
    /// [`ListFormat::TokenStatusList`] registry, the claims of its Status List Token (`sub`,
    /// `iss`, `iat`, `exp`, `ttl` in seconds, `status_list`), to be signed as a
    /// `statuslist+jwt`.
    ///
    /// It is cached per list and rebuilt (re-encoded) only when the list's version changed or, with
    /// a validity period, when half of it has passed.
    pub async fn list_credential(&self, id: &StatusListId) -> Result<Arc<Value>> {
        let list = self.open_id(id).await?;
        let snapshot = self.cfg.store.snapshot(id).await?;
        let now = self.cfg.clock.now();
        if let Some(cached) = lock(&self.credentials).get(id) {
            let fresh = self
                .cfg
                .validity
                .is_none_or(|v| now < cached.valid_from + v / 2);
            if cached.version == snapshot.version && fresh {
                return Ok(cached.value.clone());
            }
        }
        let value = Arc::new(if self.cfg.format == ListFormat::TokenStatusList {
            let mut tokens = TokenStatusList::new(list.record.capacity, list.record.status_size)?;
            for &(index, value) in &snapshot.entries {
                tokens.set(index, value)?;
            }
            status_list_token_claims(&StatusListTokenParams {
                uri: &list.url,
                issuer: self.issuer_id(),
                list: &tokens,
                issued_at: now,
                expires_at: self.cfg.validity.map(|v| now + v),
                ttl_secs: self.cfg.ttl_ms.map(|ms| ms.div_ceil(1000)),
            })
        } else {
            let mut bits = Bitstring::with_len(list.record.capacity, list.record.status_size)?;
            for &(index, value) in &snapshot.entries {
                bits.set(index, value)?;
            }
            list_credential(&ListCredentialParams {
                format: self.cfg.format,
                url: &list.url,
                issuer: &self.cfg.issuer,
                purpose: list.record.purpose,
                bitstring: &bits,
                valid_from: now,
                valid_until: self.cfg.validity.map(|v| now + v),
                ttl_ms: self.cfg.ttl_ms,
            })?
        });
        lock(&self.credentials).insert(
            id.clone(),
            CachedCredential {
                version: snapshot.version,
                valid_from: now,
                value: value.clone(),
            },
        );
        Ok(value)
    }

    /// The list credential served at `url` (see [`list_credential`](Self::list_credential)).
    pub async fn list_credential_for_url(&self, url: &str) -> Result<Arc<Value>> {
        let id = self.list_id_from_url(url)?;
        self.list_credential(&id).await
    }

    /// The issuer's id (a string, or an object's `id`), the `iss` of Status List Tokens.
    fn issuer_id(&self) -> Option<&str> {
        match &self.cfg.issuer {
            Value::String(s) => Some(s),
            other => other.get("id").and_then(Value::as_str),
        }
    }

    /// The list that allocation of `purpose` currently draws from.
    pub async fn active_list_id(&self, purpose: StatusPurpose) -> Result<StatusListId> {
        Ok(self.active_list(purpose).await?.record.id.clone())
    }
}

/// Reports how full `list` is once its counter reached `allocated` (feature `metrics`: the gauge
/// `vc_status_list_fill_ratio{list}`, from 0 to 1), so that an operator sees a series roll over
/// coming; without the feature, nothing.
fn record_fill(list: &ListRecord, allocated: u64) {
    #[cfg(feature = "metrics")]
    if list.capacity > 0 {
        // Precision is not the point of a fill ratio: f64 is exact far beyond any list's size.
        #[allow(clippy::cast_precision_loss)]
        let ratio = allocated.min(list.capacity) as f64 / list.capacity as f64;
        metrics::gauge!("vc_status_list_fill_ratio", "list" => list.id.to_string()).set(ratio);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (list, allocated);
}
