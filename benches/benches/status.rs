//! Benchmarks of `vc-status`: encoding and decoding a 131,072-entry list (empty and 1 % set),
//! re-encoding the list credential after a change, and allocation throughput per store backend.
//!
//! PostgreSQL is measured when `VC_TEST_POSTGRES_URL` is set (a fresh schema, dropped afterwards).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::io::Write;
use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use tokio::runtime::Runtime;
use vc_status::store::{MemoryStore, PostgresStore, SqliteStore, StatusListStore};
use vc_status::{Bitstring, DecodeOptions, StatusPurpose, StatusRegistry, StatusSize, MIN_ENTRIES};

fn lists() -> [(&'static str, Bitstring); 2] {
    let empty = Bitstring::new(MIN_ENTRIES, StatusSize::ONE).unwrap();
    let mut one_percent = empty.clone();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut set = 0;
    while set < MIN_ENTRIES / 100 {
        let i = rng.gen_range(0..MIN_ENTRIES);
        if one_percent.get(i).unwrap() == 0 {
            one_percent.set(i, 1).unwrap();
            set += 1;
        }
    }
    [("empty", empty), ("1% set", one_percent)]
}

fn codec(c: &mut Criterion) {
    let mut group = c.benchmark_group("status/bitstring 131072");
    for (name, list) in lists() {
        let encoded = list.encode();
        println!("encodedList {name}: {} characters", encoded.len());
        group.bench_with_input(BenchmarkId::new("encode", name), &list, |b, l| {
            b.iter(|| black_box(l).encode())
        });
        group.bench_with_input(BenchmarkId::new("decode", name), &encoded, |b, e| {
            b.iter(|| Bitstring::decode(black_box(e), &DecodeOptions::new()).unwrap())
        });
        // The reference: GZIP at flate2's default level (6), which our encoder does not use.
        group.bench_with_input(
            BenchmarkId::new("gzip default level (reference)", name),
            &list,
            |b, l| {
                b.iter(|| {
                    let mut e =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                    e.write_all(black_box(l).as_bytes()).unwrap();
                    e.finish().unwrap()
                })
            },
        );
    }
    group.finish();
}

fn registry(store: Arc<dyn StatusListStore>) -> StatusRegistry {
    StatusRegistry::builder()
        .store(store)
        .list_url_template("https://issuer.example/status/{list}")
        .issuer("did:example:issuer")
        .build()
        .unwrap()
}

fn reencode(c: &mut Criterion) {
    // A list with 1 % revoked; each iteration changes one entry and rebuilds the credential.
    let rt = Runtime::new().unwrap();
    let reg = registry(Arc::new(MemoryStore::new()));
    let (entries, id) = rt.block_on(async {
        let entries = reg.allocate(StatusPurpose::Suspension, 1311).await.unwrap();
        for e in &entries {
            reg.suspend(e).await.unwrap();
        }
        let id = reg.list_id_from_url(entries[0].list_credential()).unwrap();
        (entries, id)
    });
    let mut flip = false;
    c.bench_function(
        "status/list credential after a change (1% set, memory store)",
        |b| {
            b.iter(|| {
                rt.block_on(async {
                    flip = !flip;
                    if flip {
                        reg.unsuspend(&entries[0]).await.unwrap();
                    } else {
                        reg.suspend(&entries[0]).await.unwrap();
                    }
                    reg.list_credential(&id).await.unwrap()
                })
            })
        },
    );
}

fn allocation(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut backends: Vec<(&str, Arc<dyn StatusListStore>)> = vec![
        ("memory", Arc::new(MemoryStore::new())),
        (
            "sqlite",
            Arc::new(
                rt.block_on(SqliteStore::open(dir.path().join("bench.db")))
                    .unwrap(),
            ),
        ),
    ];
    let pg = std::env::var("VC_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let schema = format!("vc_status_bench_{}", std::process::id());
    if let Some(url) = &pg {
        let store = rt
            .block_on(PostgresStore::connect_with_schema(url, &schema))
            .unwrap();
        backends.push(("postgres", Arc::new(store)));
    }
    let mut group = c.benchmark_group("status/allocate");
    for (name, store) in &backends {
        let reg = registry(store.clone());
        for batch in [1usize, 100, 10_000] {
            group.throughput(Throughput::Elements(batch as u64));
            group.bench_with_input(BenchmarkId::new(*name, batch), &batch, |b, &n| {
                b.iter(|| {
                    rt.block_on(reg.allocate(StatusPurpose::Revocation, n))
                        .unwrap()
                })
            });
        }
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new(*name, "revoke 1"), |b| {
            let entries = rt
                .block_on(reg.allocate(StatusPurpose::Revocation, 100_000))
                .unwrap();
            let mut next = entries.iter().cycle();
            b.iter(|| {
                rt.block_on(reg.revoke(next.next().unwrap())).unwrap();
            })
        });
    }
    group.finish();
    if let Some(url) = pg {
        // Close the benchmark's pools before dropping the schema.
        backends.clear();
        rt.block_on(async {
            let store = PostgresStore::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(store.pool())
                .await
                .unwrap();
        });
    }
}

criterion_group!(benches, codec, reencode, allocation);
criterion_main!(benches);
