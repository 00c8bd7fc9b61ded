//! Group commit: callers that arrive while a write is in flight share the next one.
//!
//! A store with one writer (SQLite) or a round trip per statement (PostgreSQL) spends most of a
//! small write on the commit itself, not on the rows. When many requests each want one status
//! index, or each want one row recorded, doing them one transaction each serializes them behind
//! the commit. [`GroupCommit`] lets the first caller write alone (no added latency when there is
//! no contention) and makes everyone who arrives during its write wait for the next turn, which
//! one of them takes for all of them: one transaction per turn instead of one per caller.
//!
//! Durability is unchanged: a caller gets its result only after the write that holds its item
//! committed. The registry uses it for [`StatusRegistry::reserve`](crate::StatusRegistry::reserve);
//! other stores (vc-issue's credential status index) use it for their own writes.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::oneshot;

/// Combines concurrent writes of items `T` into one call of a commit function, answering each
/// caller with its own `R`.
///
/// A turn takes the waiting items in arrival order, up to a total weight (a status reservation
/// weighs its number of entries, a recorded row weighs 1), and at least one item.
///
/// Cancellation safe: a caller whose future is dropped while it writes for others (an HTTP client
/// that went away) releases the turn, and those others submit their items again, so an item is
/// never lost, though it may be written twice: the commit function must accept that (a reserved
/// index is then never used, a recorded row is kept once).
///
/// ```
/// use vc_status::GroupCommit;
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let commits = GroupCommit::new(100);
/// // Alone, a caller's item is committed at once, by that caller.
/// let doubled = commits
///     .submit(21u64, 1, |items| async move { items.iter().map(|i| i * 2).collect() })
///     .await;
/// assert_eq!(doubled, 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct GroupCommit<T, R> {
    waiting: Mutex<VecDeque<Waiter<T, R>>>,
    /// Held by the caller that writes a turn; FIFO, so callers take turns in arrival order.
    turn: tokio::sync::Mutex<()>,
    max_weight: usize,
}

struct Waiter<T, R> {
    item: T,
    weight: usize,
    reply: oneshot::Sender<R>,
}

impl<T, R> GroupCommit<T, R> {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Waiter<T, R>>> {
        // Each critical section is one push or drain of the queue: a poisoned lock holds no broken
        // state.
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T, R> fmt::Debug for GroupCommit<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupCommit")
            .field("waiting", &self.lock().len())
            .field("max_weight", &self.max_weight)
            .finish()
    }
}

impl<T: Clone + Send, R: Send> GroupCommit<T, R> {
    /// Turns of at most `max_weight` in total (an item heavier than that is written alone).
    pub fn new(max_weight: usize) -> Self {
        GroupCommit {
            waiting: Mutex::default(),
            turn: tokio::sync::Mutex::new(()),
            max_weight: max_weight.max(1),
        }
    }

    /// Writes `item` (of `weight`) with the next turn and returns its result. Whoever takes the
    /// turn calls `commit` with the turn's items in arrival order; it must return one result per
    /// item, in the same order (an item left without a result is submitted again).
    pub async fn submit<F, Fut>(&self, item: T, weight: usize, commit: F) -> R
    where
        F: Fn(Vec<T>) -> Fut,
        Fut: Future<Output = Vec<R>>,
    {
        loop {
            let (reply, mut answer) = oneshot::channel();
            self.lock().push_back(Waiter {
                item: item.clone(),
                weight,
                reply,
            });
            loop {
                tokio::select! {
                    biased;
                    answered = &mut answer => match answered {
                        Ok(result) => return result,
                        // The caller writing our turn was cancelled: submit again.
                        Err(_) => break,
                    },
                    _turn = self.turn.lock() => {
                        // Another caller may have written our item while we queued for the turn.
                        match answer.try_recv() {
                            Ok(result) => return result,
                            Err(oneshot::error::TryRecvError::Closed) => break,
                            Err(oneshot::error::TryRecvError::Empty) => {}
                        }
                        let turn = self.take_turn();
                        if turn.is_empty() {
                            continue;
                        }
                        let (items, replies): (Vec<T>, Vec<oneshot::Sender<R>>) =
                            turn.into_iter().map(|w| (w.item, w.reply)).unzip();
                        let results = commit(items).await;
                        for (reply, result) in replies.into_iter().zip(results) {
                            // A caller that went away after submitting no longer wants its result.
                            let _ = reply.send(result);
                        }
                    }
                }
            }
        }
    }

    /// The waiting items of the next turn: in arrival order, at most `max_weight` in total, and at
    /// least one.
    fn take_turn(&self) -> Vec<Waiter<T, R>> {
        let mut waiting = self.lock();
        let mut turn = Vec::new();
        let mut weight = 0usize;
        while let Some(next) = waiting.front() {
            if !turn.is_empty() && weight.saturating_add(next.weight) > self.max_weight {
                break;
            }
            weight = weight.saturating_add(next.weight);
            turn.extend(waiting.pop_front());
        }
        turn
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_turns_and_each_gets_its_own_result() {
        let commits = Arc::new(GroupCommit::<u64, u64>::new(1_000));
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..200u64)
            .map(|i| {
                let commits = commits.clone();
                let calls = calls.clone();
                tokio::spawn(async move {
                    commits
                        .submit(i, 1, |items| {
                            let calls = calls.clone();
                            async move {
                                calls.fetch_add(1, Ordering::SeqCst);
                                // A write that takes a while, so that others arrive meanwhile.
                                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                                items.iter().map(|i| i + 1_000).collect()
                            }
                        })
                        .await
                })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), i as u64 + 1_000);
        }
        // 200 callers, a 5 ms write: far fewer turns than callers.
        assert!(calls.load(Ordering::SeqCst) < 200);
    }

    #[tokio::test]
    async fn a_turn_respects_the_weight_limit_but_takes_a_heavy_item_alone() {
        let commits = GroupCommit::<usize, usize>::new(10);
        for w in [3, 4, 5] {
            commits.lock().push_back(Waiter {
                item: w,
                weight: w,
                reply: oneshot::channel().0,
            });
        }
        assert_eq!(commits.take_turn().len(), 2);
        assert_eq!(commits.take_turn().len(), 1);
        commits.lock().push_back(Waiter {
            item: 50,
            weight: 50,
            reply: oneshot::channel().0,
        });
        assert_eq!(commits.take_turn().len(), 1);
        assert!(commits.take_turn().is_empty());
    }

    /// Yields until `cond` holds (the runtime is single-threaded: the other tasks run meanwhile).
    async fn until(cond: impl Fn() -> bool) {
        while !cond() {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_cancelled_writer_loses_no_item() {
        let commits = Arc::new(GroupCommit::<u64, u64>::new(1_000));
        let first_turn = Arc::new(AtomicUsize::new(0));
        // Hold the turn so that both callers queue behind it, the first one first.
        let held = commits.turn.lock().await;
        let first = {
            let commits = commits.clone();
            let first_turn = first_turn.clone();
            tokio::spawn(async move {
                commits
                    .submit(1, 1, |items| {
                        first_turn.store(items.len(), Ordering::SeqCst);
                        // A write that never finishes: its caller is cancelled below.
                        std::future::pending()
                    })
                    .await
            })
        };
        until(|| commits.lock().len() == 1).await;
        let second = {
            let commits = commits.clone();
            tokio::spawn(async move {
                commits
                    .submit(2, 1, |items| async move {
                        items.iter().map(|i| i * 10).collect()
                    })
                    .await
            })
        };
        until(|| commits.lock().len() == 2).await;
        drop(held);
        // The first caller takes the turn with both items and hangs; cancel it.
        until(|| first_turn.load(Ordering::SeqCst) == 2).await;
        first.abort();
        // The second caller's item was in the cancelled turn: it is submitted again, not lost.
        assert_eq!(second.await.unwrap(), 20);
    }
}
