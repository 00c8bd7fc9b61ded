//! Benchmarks of `vc-status`: encoding and decoding a 131,072-entry list (empty and 1 % set),
//! re-encoding the list credential after a change, allocation throughput per store backend, and
//! what SQLite's `synchronous = FULL` (the store's setting) costs against `NORMAL`.
//!
//! PostgreSQL is measured when `VC_TEST_POSTGRES_URL` is set (a fresh schema, dropped afterwards).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
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

/// The store as `SqliteStore::connect_with` opens it (WAL, foreign keys, 30 s busy timeout, four
/// connections), except for `synchronous`: built here and handed to `from_pool`, the store's way
/// of taking a pool configured otherwise.
fn sqlite_with(rt: &Runtime, path: &Path, synchronous: SqliteSynchronous) -> SqliteStore {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30));
    rt.block_on(async {
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap();
        SqliteStore::from_pool(pool).await.unwrap()
    })
}

/// `status/allocate sqlite synchronous/<NORMAL|FULL>/<batch>`: the same allocation on two files
/// in one directory (on disk, not tmpfs: the difference is the sync at each commit), one with
/// each setting, in one run so that the ratio is comparable. FULL is what `SqliteStore::open`
/// uses; the check that it does is in vc-status' tests.
fn sqlite_synchronous(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let normal = sqlite_with(
        &rt,
        &dir.path().join("normal.db"),
        SqliteSynchronous::Normal,
    );
    let full = rt
        .block_on(SqliteStore::open(dir.path().join("full.db")))
        .unwrap();
    let pragma = |store: &SqliteStore| -> i64 {
        rt.block_on(sqlx::query_scalar("PRAGMA synchronous").fetch_one(store.pool()))
            .unwrap()
    };
    assert_eq!((pragma(&normal), pragma(&full)), (1, 2));
    let registries = [
        ("NORMAL", registry(Arc::new(normal))),
        ("FULL", registry(Arc::new(full))),
    ];
    let mut group = c.benchmark_group("status/allocate sqlite synchronous");
    // Batch by batch, the two settings one after the other: load from elsewhere on the machine
    // (disk traffic above all) drifts slowly, so neighbours in time compare best.
    for batch in [1usize, 100] {
        group.throughput(Throughput::Elements(batch as u64));
        for (name, reg) in &registries {
            group.bench_with_input(BenchmarkId::new(*name, batch), &batch, |b, &n| {
                b.iter(|| {
                    rt.block_on(reg.allocate(StatusPurpose::Revocation, n))
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, codec, reencode, allocation, sqlite_synchronous);
criterion_main!(benches);
