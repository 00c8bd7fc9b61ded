//! VCALM exchanges completed per second over loopback HTTP: the service of
//! `vc_benches::exchange_service` (the stack of `05_vc_api_server` on the exchange path: a SQLite
//! exchange store, a did:key issuer, the `degree` workflow: DID Authentication, then issuance) and,
//! in the same process, coordinators and simulated wallets as the load: each exchange is created by
//! the coordinator, completed by a wallet (interaction URL, request, signed DID-auth presentation,
//! credential), and read back as complete. Two worker threads serve and load at once.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use vc_benches::exchange_service::{degree_variables, ExchangeServer};
use vc_benches::wallet::complete_exchange;
use vc_issue::coordinator::{Coordinator, ExchangeState};

async fn one_exchange(coordinator: &Coordinator, workflow_url: &str) {
    let exchange = coordinator
        .create_exchange(workflow_url, Duration::from_secs(900), degree_variables())
        .await
        .unwrap();
    let interaction = coordinator.interaction(&exchange).unwrap();
    let received = complete_exchange(interaction.url().as_str()).await.unwrap();
    assert_eq!(received, 1);
    let snapshot = coordinator.exchange(&exchange).await.unwrap();
    assert_eq!(snapshot.state, ExchangeState::Complete);
}

fn exchange(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let token = "bench-token";
    let server = runtime.block_on(ExchangeServer::start(token)).unwrap();
    let workflow_url = server.workflow_url();
    let coordinator = Coordinator::builder().bearer_token(token).build().unwrap();

    let mut group = c.benchmark_group("exchange");
    group.sample_size(10);
    for concurrent in [1usize, 16] {
        group.throughput(Throughput::Elements(concurrent as u64));
        group.bench_with_input(
            BenchmarkId::new("completed over loopback HTTP, in flight", concurrent),
            &concurrent,
            |b, &concurrent| {
                b.iter(|| {
                    runtime.block_on(async {
                        let runs = (0..concurrent).map(|_| {
                            let (coordinator, url) = (coordinator.clone(), workflow_url.clone());
                            tokio::spawn(async move { one_exchange(&coordinator, &url).await })
                        });
                        for run in futures::future::join_all(runs).await {
                            run.unwrap();
                        }
                    })
                })
            },
        );
    }
    group.finish();
    runtime.block_on(server.shutdown()).unwrap();
}

criterion_group!(benches, exchange);
criterion_main!(benches);
