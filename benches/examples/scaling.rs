//! How far two cores go on this machine: throughput on one thread and on two for three workloads of
//! increasing sharing, so that batch scaling is read against what the machine itself allows.
//!
//! `cargo run --release -p vc-benches --example scaling [items] [rounds] [bare|independent|batch]`
//!
//! - `bare`: Ed25519 signatures, each thread with its own key (nothing shared at all);
//! - `independent`: `Issuer::issue` one credential at a time, each thread with its own issuer and
//!   runtime (the whole pipeline, nothing shared between the threads);
//! - `batch`: one `issue_batch` of all items on a runtime of 1 and of 2 workers.
//!
//! One and two threads run alternately; each rate is the median of `rounds` runs and the speed-up
//! the median of the rounds' ratios. `SCALING_THREADS=n` measures `n` threads only (for
//! `perf record`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use vc_benches::{degree_batch, degree_issuer, sign_on_threads};
use vc_issue::{Ed25519Signer, IssuanceRequest, ProofType};

fn main() {
    let mut args = std::env::args().skip(1);
    let items: usize = args.next().map_or(10_000, |n| n.parse().unwrap());
    let rounds: usize = args.next().map_or(5, |n| n.parse().unwrap());
    let only = args.next();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    println!("{items} items, median of {rounds} rounds; rates in items/s");
    if wanted("bare") {
        report("bare", rounds, |threads| bare(items, threads));
    }
    if wanted("independent") {
        report("independent", rounds, |threads| independent(items, threads));
    }
    if wanted("batch") {
        report("batch", rounds, |threads| batch(items, threads));
    }
}

/// Runs one and two threads alternately, so that the machine's drift (other tenants) hits both
/// alike; the speed-up is the median of the rounds' ratios.
fn report(name: &str, rounds: usize, run: impl Fn(usize) -> Duration) {
    if let Some(threads) = std::env::var("SCALING_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
    {
        let mut times: Vec<Duration> = (0..rounds).map(|_| run(threads)).collect();
        times.sort();
        println!(
            "{name:12} {threads} thread(s) {:>9.0}",
            1.0 / times[rounds / 2].as_secs_f64()
        );
        return;
    }
    let (mut one, mut two, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (a, b) = (run(1), run(2));
        one.push(a);
        two.push(b);
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    one.sort();
    two.sort();
    ratios.sort_by(f64::total_cmp);
    println!(
        "{name:12} 1 thread {:>9.0}  2 threads {:>9.0}  speed-up {:.3} (rounds {:.2}..{:.2})",
        1.0 / one[rounds / 2].as_secs_f64(),
        1.0 / two[rounds / 2].as_secs_f64(),
        ratios[rounds / 2],
        ratios[0],
        ratios[rounds - 1],
    );
}

/// The time per item.
fn per_item(elapsed: Duration, items: usize) -> Duration {
    elapsed / u32::try_from(items).unwrap()
}

fn bare(items: usize, threads: usize) -> Duration {
    let start = Instant::now();
    sign_on_threads(items as u64, threads as u64);
    per_item(start.elapsed(), items)
}

fn independent(items: usize, threads: usize) -> Duration {
    let claims = claims();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let claims = claims.clone();
            scope.spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                let signer = Arc::new(Ed25519Signer::from_seed(&[t as u8 + 1; 32]));
                let issuer = degree_issuer(&signer);
                let holder = Ed25519Signer::from_seed(&[9; 32]).did();
                for _ in 0..items / threads {
                    let request = IssuanceRequest::new(
                        "degree",
                        signer.did(),
                        holder.clone(),
                        claims.clone(),
                    )
                    .with_proof_type(ProofType::EddsaJcs2022)
                    .revocable(true);
                    std::hint::black_box(runtime.block_on(issuer.issue(request)).unwrap());
                }
            });
        }
    });
    per_item(start.elapsed(), items)
}

fn batch(items: usize, threads: usize) -> Duration {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .build()
        .unwrap();
    let signer = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let issuer = degree_issuer(&signer);
    let request = degree_batch(&signer, items);
    let start = Instant::now();
    let result = runtime.block_on(issuer.issue_batch(request)).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(result.issued, items);
    drop(result);
    per_item(elapsed, items)
}

fn claims() -> serde_json::Map<String, serde_json::Value> {
    serde_json::json!({"name": "Jayden Doe", "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}})
        .as_object()
        .cloned()
        .unwrap()
}
