//! Benchmarks of `vc-core`: parsing, validating, JCS canonicalization and `credentialHash` of a
//! university-degree credential (about 870 bytes), next to bare SHA-256 as the floor.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use sha2::{Digest, Sha256};
use vc_benches::degree_credential_json;
use vc_core::{jcs, Credential};

fn core(c: &mut Criterion) {
    let json = degree_credential_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let credential = Credential::from_json(&json).unwrap();
    let canonical = jcs::canonicalize(&value).unwrap();

    let mut group = c.benchmark_group("core");
    group.bench_function("parse credential", |b| {
        b.iter(|| Credential::from_json(black_box(&json)).unwrap())
    });
    // What parsing cost before the strict parser: serde_json straight into the typed credential,
    // without the duplicate-key and nesting checks (the last of two `issuer`s would win).
    group.bench_function("reference: parse credential with serde_json alone", |b| {
        b.iter(|| serde_json::from_str::<Credential>(black_box(&json)).unwrap())
    });
    group.bench_function("validate credential", |b| {
        b.iter(|| black_box(&credential).validate().unwrap())
    });
    group.bench_function("jcs of Value (canonicalize_value)", |b| {
        b.iter(|| jcs::canonicalize_value(black_box(&value)).unwrap())
    });
    group.bench_function("reference: jcs of Value with serde_jcs", |b| {
        b.iter(|| serde_jcs::to_vec(black_box(&value)).unwrap())
    });
    group.bench_function("jcs of Credential (serialized to a Value first)", |b| {
        b.iter(|| black_box(&credential).canonicalize().unwrap())
    });
    group.bench_function("sha256 of canonical form", |b| {
        b.iter(|| Sha256::digest(black_box(canonical.as_bytes())))
    });
    group.bench_function("credentialHash", |b| {
        b.iter(|| black_box(&credential).credential_hash().unwrap())
    });
    group.finish();
}

criterion_group!(benches, core);
criterion_main!(benches);
