//! Status entries taken in the store now and built later, where they are used.
//!
//! Building an entry is per-entry work (the keyed permutation, the entry's strings); reserving is
//! one store round trip. Keeping the two apart lets a batch reserve every entry in one call and
//! have each worker build its own share in parallel, on the thread that embeds and frees them.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use crate::{Error, Permutation, Result, StatusEntry, StatusListIndex};

/// Entries reserved by [`StatusRegistry::reserve`](crate::StatusRegistry::reserve): their indexes
/// are taken in the store (never handed out again, by any process), and each becomes a
/// [`StatusEntry`] when it is taken out, in the order [`allocate`](crate::StatusRegistry::allocate)
/// would have returned them.
///
/// ```
/// use std::sync::Arc;
/// use vc_status::{store::MemoryStore, StatusPurpose, StatusRegistry};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let registry = StatusRegistry::builder()
///     .store(Arc::new(MemoryStore::new()))
///     .list_url_template("https://issuer.example/status/{list}")
///     .issuer("did:example:issuer")
///     .build()?;
/// let mut reserved = registry.reserve(StatusPurpose::Revocation, 5).await?;
/// let first_two = reserved.take_first(2);
/// assert_eq!((first_two.len(), reserved.len()), (2, 3));
/// let entries: Vec<_> = first_two.chain(reserved).collect();
/// assert_eq!(entries.len(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Reservation {
    runs: VecDeque<Run>,
}

/// Consecutive counters of one list.
#[derive(Debug, Clone)]
struct Run {
    /// An entry of the list; each entry is this one with its own index.
    template: Arc<StatusEntry>,
    permutation: Permutation,
    /// Counter values, inside the permutation's domain (checked when the run is made).
    counters: Range<u64>,
}

impl Reservation {
    /// Adds the counters `counters` of the list whose entries look like `template`.
    pub(crate) fn push(
        &mut self,
        template: Arc<StatusEntry>,
        permutation: Permutation,
        counters: Range<u64>,
    ) -> Result<()> {
        if counters.end > permutation.domain() {
            return Err(Error::Range {
                index: counters.end,
                entries: permutation.domain(),
            });
        }
        if !counters.is_empty() {
            self.runs.push_back(Run {
                template,
                permutation,
                counters,
            });
        }
        Ok(())
    }

    /// How many entries are left.
    pub fn len(&self) -> usize {
        self.runs
            .iter()
            .map(|run| usize::try_from(run.counters.end - run.counters.start).unwrap_or(usize::MAX))
            .fold(0, usize::saturating_add)
    }

    /// Whether no entry is left.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Takes the first `n` entries (all that are left when fewer) into their own reservation.
    pub fn take_first(&mut self, n: usize) -> Reservation {
        let mut taken = Reservation::default();
        let mut wanted = n as u64;
        while wanted > 0 {
            let Some(run) = self.runs.front_mut() else {
                break;
            };
            let available = run.counters.end - run.counters.start;
            if available <= wanted {
                wanted -= available;
                taken.runs.extend(self.runs.pop_front());
            } else {
                let split = run.counters.start + wanted;
                taken.runs.push_back(Run {
                    counters: run.counters.start..split,
                    ..run.clone()
                });
                run.counters.start = split;
                wanted = 0;
            }
        }
        taken
    }
}

impl Iterator for Reservation {
    type Item = StatusEntry;

    fn next(&mut self) -> Option<StatusEntry> {
        let run = self.runs.front_mut()?;
        let counter = run.counters.next()?;
        let index = run.permutation.walk(counter);
        let entry = run.template.with_index(StatusListIndex::new(index));
        if run.counters.is_empty() {
            self.runs.pop_front();
        }
        Some(entry)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.len();
        (len, Some(len))
    }
}

impl ExactSizeIterator for Reservation {}
