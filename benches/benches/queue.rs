//! Asynchronous issuance: submit throughput (validate, decide, store) and drain throughput (two
//! workers claiming, allocating an owned status index, signing, recording and releasing the
//! reservation), per backend.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use tokio::runtime::Runtime;
use vc_benches::degree_issuer_on;
use vc_issue::queue::{AlwaysApprove, IssuanceQueue, IssuanceStore, MemoryIssuanceStore};
use vc_issue::{Ed25519Signer, IssuanceRequest, ProofType};
use vc_status::store::{MemoryStore, StatusListStore};

/// Requests per measured iteration.
const N: usize = 200;

struct Backend {
    name: &'static str,
    store: Arc<dyn IssuanceStore>,
    status: Arc<dyn StatusListStore>,
    _dir: Option<tempfile::TempDir>,
    cleanup: Option<(String, String)>,
}

fn signer() -> Arc<Ed25519Signer> {
    Arc::new(Ed25519Signer::from_seed(&[7; 32]))
}

fn queue(b: &Backend) -> IssuanceQueue {
    let issuer = degree_issuer_on(&signer(), b.status.clone());
    IssuanceQueue::builder()
        .issuer(issuer)
        .store(b.store.clone())
        .policy(Arc::new(AlwaysApprove))
        .build()
        .unwrap()
}

fn request() -> IssuanceRequest {
    let signer = signer();
    let holder = Ed25519Signer::from_seed(&[8; 32]).did();
    let claims = json!({"degree": {"type": "BachelorDegree", "name": "BSc"}});
    IssuanceRequest::new(
        "degree",
        signer.did(),
        holder,
        claims.as_object().cloned().unwrap(),
    )
    .with_proof_type(ProofType::EddsaJcs2022)
    .revocable(true)
}

fn backends(rt: &Runtime) -> Vec<Backend> {
    let mut out = vec![Backend {
        name: "memory",
        store: Arc::new(MemoryIssuanceStore::new()),
        status: Arc::new(MemoryStore::new()),
        _dir: None,
        cleanup: None,
    }];
    let dir = tempfile::tempdir().unwrap();
    let sqlite = rt
        .block_on(vc_issue::queue::SqliteIssuanceStore::open(
            dir.path().join("queue.db"),
        ))
        .unwrap();
    // The status lists in the same file, as an issuer on one machine would keep them.
    let status = rt
        .block_on(vc_status::store::SqliteStore::from_pool(
            sqlite.pool().clone(),
        ))
        .unwrap();
    out.push(Backend {
        name: "sqlite",
        store: Arc::new(sqlite),
        status: Arc::new(status),
        _dir: Some(dir),
        cleanup: None,
    });
    match std::env::var("VC_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("vc_issue_bench_{}", rand::random::<u32>());
            let pg = rt
                .block_on(vc_issue::queue::PostgresIssuanceStore::connect_with_schema(
                    &url, &schema,
                ))
                .unwrap();
            let status = rt
                .block_on(vc_status::store::PostgresStore::connect_with_schema(
                    &url,
                    &format!("{schema}_status"),
                ))
                .unwrap();
            out.push(Backend {
                name: "postgres",
                store: Arc::new(pg),
                status: Arc::new(status),
                _dir: None,
                cleanup: Some((url, schema)),
            });
        }
        _ => println!("VC_TEST_POSTGRES_URL is not set: skipping the PostgreSQL rows"),
    }
    out
}

async fn submit_n(queue: &IssuanceQueue, n: usize) {
    // Submissions arrive concurrently, as HTTP requests would (16 in flight).
    let mut left = n;
    while left > 0 {
        let k = left.min(16);
        let batch = (0..k).map(|_| queue.submit(request(), None));
        for t in futures::future::join_all(batch).await {
            t.unwrap();
        }
        left -= k;
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let backends = backends(&rt);
    let mut group = c.benchmark_group("queue");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    for b in &backends {
        let q = queue(b);
        group.bench_function(format!("submit/{}", b.name), |bench| {
            bench.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    rt.block_on(submit_n(&q, N));
                    total += start.elapsed();
                    // Keep the queue from growing: drain untimed.
                    rt.block_on(q.worker("sweeper").run_until_idle(64)).unwrap();
                }
                total
            })
        });
        group.bench_function(format!("drain_2_workers/{}", b.name), |bench| {
            bench.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    rt.block_on(submit_n(&q, N));
                    let (w1, w2) = (q.worker("w1"), q.worker("w2"));
                    let start = Instant::now();
                    rt.block_on(async {
                        let a = tokio::spawn(async move { w1.run_until_idle(8).await });
                        let b = tokio::spawn(async move { w2.run_until_idle(8).await });
                        let issued =
                            a.await.unwrap().unwrap().issued + b.await.unwrap().unwrap().issued;
                        assert_eq!(issued, N);
                    });
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.finish();
    for b in &backends {
        if let Some((url, schema)) = &b.cleanup {
            rt.block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                for s in [schema.clone(), format!("{schema}_status")] {
                    sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{s}\" CASCADE"))
                        .execute(&mut conn)
                        .await
                        .unwrap();
                }
            });
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
