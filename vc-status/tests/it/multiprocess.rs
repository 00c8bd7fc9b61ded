//! Several real processes share one database: 4 processes × 5,000 allocations across rollovers,
//! and concurrent revocation from two processes.
//!
//! The test executable re-invokes itself (`std::env::current_exe()`) with `MP_ROLE` set; the
//! `child_process_entry` function then acts as the child and returns at once in a normal run.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vc_status::store::StatusListStore;
use vc_status::testing::processes::{wait_success, SharedDatabase};
use vc_status::{ListFormat, StatusEntry, StatusListId, StatusPurpose, StatusRegistry};

const ROLE: &str = "MP_ROLE";
const PROCESSES: usize = 4;
const PER_PROCESS: usize = 5_000;
const LIST_SIZE: u64 = 3_000;
const TEMPLATE: &str = "https://issuer.example/status/{list}";

/// Opens the shared database's status list store.
async fn open(backend: &SharedDatabase) -> Arc<dyn StatusListStore> {
    match backend {
        #[cfg(feature = "sqlite")]
        SharedDatabase::Sqlite(path) => {
            Arc::new(vc_status::store::SqliteStore::open(path).await.unwrap())
        }
        #[cfg(feature = "postgres")]
        SharedDatabase::Postgres { url, schema } => Arc::new(
            vc_status::store::PostgresStore::connect_with_schema(url, schema)
                .await
                .unwrap(),
        ),
        other => panic!("no backend for {other:?}"),
    }
}

/// The children's registry: Bitstring Status List, or the Token Status List with `MP_FORMAT=token`
/// (the same allocator over the same tables); the parent's issuer, so the same namespace as the
/// parent's registry for that role (a registry refuses the lists of another namespace).
fn registry(store: Arc<dyn StatusListStore>, namespace: &str) -> StatusRegistry {
    let format = match std::env::var("MP_FORMAT").as_deref() {
        Ok("token") => ListFormat::TokenStatusList,
        _ => ListFormat::BitstringStatusList,
    };
    StatusRegistry::builder()
        .store(store)
        .format(format)
        .list_url_template(TEMPLATE)
        .issuer("did:example:issuer")
        .namespace(namespace)
        .test_list_size(LIST_SIZE)
        .build()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    vc_status::testing::processes::runtime().unwrap()
}

/// Runs the children and waits for all of them; each gets `MP_CHILD=<k>` and `MP_OUT=<file>`.
fn run_children(
    backend: &SharedDatabase,
    role: &str,
    n: usize,
    dir: &Path,
    extra: &[(&str, String)],
) -> Vec<PathBuf> {
    let mut children = Vec::new();
    let mut outs = Vec::new();
    for k in 0..n {
        let out = dir.join(format!("{role}-{k}.txt"));
        let mut cmd = backend.child("multiprocess::child_process_entry").unwrap();
        cmd.env(ROLE, role)
            .env("MP_CHILD", k.to_string())
            .env("MP_OUT", &out)
            .envs(extra.iter().cloned());
        children.push(cmd.spawn().unwrap());
        outs.push(out);
    }
    for child in children {
        wait_success(child).unwrap_or_else(|e| panic!("{e}"));
    }
    outs
}

/// The child side. In a normal test run (no `MP_ROLE`) it does nothing.
#[test]
fn child_process_entry() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let backend = SharedDatabase::from_env().unwrap();
    let child: usize = std::env::var("MP_CHILD").unwrap().parse().unwrap();
    let out = PathBuf::from(std::env::var("MP_OUT").unwrap());
    runtime().block_on(async move {
        let namespace = if role == "revoke" { "rv" } else { "mp" };
        let reg = registry(open(&backend).await, namespace);
        let mut lines = String::new();
        match role.as_str() {
            "allocate" => {
                let mut done = 0;
                let mut i = 0;
                while done < PER_PROCESS {
                    let n = (1 + (i * 7 + child * 3) % 50).min(PER_PROCESS - done);
                    for e in reg.allocate(StatusPurpose::Revocation, n).await.unwrap() {
                        lines.push_str(&format!("{} {}\n", e.list_credential(), e.index()));
                    }
                    done += n;
                    i += 1;
                }
            }
            "revoke" => {
                let input = std::fs::read_to_string(std::env::var("MP_INPUT").unwrap()).unwrap();
                for (pos, line) in input.lines().enumerate() {
                    if pos % 2 == child {
                        let entry =
                            StatusEntry::from_value(serde_json::from_str(line).unwrap()).unwrap();
                        reg.revoke(&entry).await.unwrap();
                        lines.push_str(&format!("{}\n", entry.index()));
                    }
                }
            }
            other => panic!("unknown role {other}"),
        }
        std::fs::write(&out, lines).unwrap();
    });
}

fn allocation_across_processes(backend: &SharedDatabase, dir: &Path) {
    allocation_across_processes_in(backend, dir, "bitstring")
}

fn token_allocation_across_processes(backend: &SharedDatabase, dir: &Path) {
    allocation_across_processes_in(backend, dir, "token")
}

fn allocation_across_processes_in(backend: &SharedDatabase, dir: &Path, format: &str) {
    // Migrate once up front (children racing on migrations is covered by the retry, but the
    // allocation race is what this test is about).
    runtime().block_on(async { drop(open(backend).await) });
    let outs = run_children(
        backend,
        "allocate",
        PROCESSES,
        dir,
        &[("MP_FORMAT", format.to_owned())],
    );
    let mut seen = HashSet::new();
    let mut per_list: BTreeMap<String, HashSet<u64>> = BTreeMap::new();
    for out in outs {
        let text = std::fs::read_to_string(out).unwrap();
        let mut count = 0;
        for line in text.lines() {
            let (list, index) = line.split_once(' ').unwrap();
            let index: u64 = index.parse().unwrap();
            assert!(index < LIST_SIZE);
            assert!(
                seen.insert((list.to_owned(), index)),
                "{list} #{index} handed out twice"
            );
            per_list.entry(list.to_owned()).or_default().insert(index);
            count += 1;
        }
        assert_eq!(count, PER_PROCESS);
    }
    let total = PROCESSES * PER_PROCESS;
    assert_eq!(seen.len(), total);
    let lists = total.div_ceil(LIST_SIZE as usize);
    assert_eq!(
        per_list.len(),
        lists,
        "rolled over into exactly the lists needed"
    );
    // None lost: every list but the last is full, and the store's counters add up.
    // One runtime for the store and every query: a pooled connection cannot outlive the runtime
    // that opened it.
    let rt = runtime();
    let store = rt.block_on(open(backend));
    let mut allocated = 0;
    for seq in 1..=lists {
        let id = StatusListId::new(format!("mp-revocation-{seq}")).unwrap();
        let snap = rt.block_on(store.snapshot(&id)).unwrap();
        allocated += snap.allocated;
        let url = TEMPLATE.replace("{list}", id.as_str());
        let got = per_list.get(&url).unwrap();
        if seq < lists {
            assert_eq!(snap.allocated, LIST_SIZE);
            assert_eq!(got.len() as u64, LIST_SIZE);
        } else {
            assert_eq!(got.len() as u64, snap.allocated);
        }
    }
    assert_eq!(allocated, total as u64, "no counter lost");
}

fn revocation_across_processes(backend: &SharedDatabase, dir: &Path) {
    let rt = runtime();
    let entries = rt.block_on(async {
        let reg = StatusRegistry::builder()
            .store(open(backend).await)
            .list_url_template(TEMPLATE)
            .issuer("did:example:issuer")
            .namespace("rv")
            .build()
            .unwrap();
        reg.allocate(StatusPurpose::Revocation, 1_000)
            .await
            .unwrap()
    });
    let lists: HashSet<_> = entries
        .iter()
        .map(|e| e.list_credential().to_owned())
        .collect();
    assert_eq!(lists.len(), 1, "all on one list");
    let input = dir.join("revoke-input.jsonl");
    let text: String = entries
        .iter()
        .map(|e| format!("{}\n", e.to_value()))
        .collect();
    std::fs::write(&input, text).unwrap();
    let outs = run_children(
        backend,
        "revoke",
        2,
        dir,
        &[("MP_INPUT", input.display().to_string())],
    );
    let revoked: usize = outs
        .iter()
        .map(|o| std::fs::read_to_string(o).unwrap().lines().count())
        .sum();
    assert_eq!(revoked, 1_000);
    rt.block_on(async {
        let store = open(backend).await;
        let id = StatusListId::new("rv-revocation-1").unwrap();
        let snap = store.snapshot(&id).await.unwrap();
        assert_eq!(snap.entries.len(), 1_000, "no revocation lost");
        assert_eq!(snap.version, 1_000);
        let expected: HashSet<u64> = entries.iter().map(|e| e.index().get()).collect();
        let got: HashSet<u64> = snap.entries.iter().map(|&(i, _)| i).collect();
        assert_eq!(got, expected);
        // And the published list says so.
        let reg = StatusRegistry::builder()
            .store(store)
            .list_url_template(TEMPLATE)
            .issuer("did:example:issuer")
            .namespace("rv")
            .build()
            .unwrap();
        let vc = reg.list_credential(&id).await.unwrap();
        let bits = vc_status::Bitstring::decode(
            vc["credentialSubject"]["encodedList"].as_str().unwrap(),
            &vc_status::DecodeOptions::new(),
        )
        .unwrap();
        assert_eq!(bits.count_nonzero(), 1_000);
        assert!(expected.iter().all(|&i| bits.get(i).unwrap() == 1));
    });
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_four_processes_allocate_without_duplicates_across_rollover() {
    let dir = tempfile::tempdir().unwrap();
    let backend = SharedDatabase::Sqlite(dir.path().join("shared.db"));
    allocation_across_processes(&backend, dir.path());
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_four_processes_allocate_token_status_list_entries_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let backend = SharedDatabase::Sqlite(dir.path().join("tokens.db"));
    token_allocation_across_processes(&backend, dir.path());
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_two_processes_revoke_without_losing_updates() {
    let dir = tempfile::tempdir().unwrap();
    let backend = SharedDatabase::Sqlite(dir.path().join("revoke.db"));
    revocation_across_processes(&backend, dir.path());
}

#[cfg(feature = "postgres")]
fn with_postgres(tag: &str, f: impl FnOnce(&SharedDatabase, &Path)) {
    let dir = tempfile::tempdir().unwrap();
    vc_status::testing::processes::in_fresh_postgres_schema("vc_status_test", tag, &[], |db| {
        f(db, dir.path())
    })
    .unwrap();
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_four_processes_allocate_without_duplicates_across_rollover() {
    with_postgres("mpalloc", allocation_across_processes);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_two_processes_revoke_without_losing_updates() {
    with_postgres("mprevoke", revocation_across_processes);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_four_processes_allocate_token_status_list_entries_without_duplicates() {
    with_postgres("mptokens", token_allocation_across_processes);
}
