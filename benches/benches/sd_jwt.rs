//! SD-JWT VC issuance (10 selectively disclosable claims, through the whole pipeline) next to a bare
//! signature with the same key over a message as long as its JWS signing input, ES256 and EdDSA;
//! encoding a Token Status List of 1,000,000 entries; one status change then the signed token
//! served again.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::{json, Map, Value};
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, IssuanceRequest,
    Issuer, P256Signer, ProofType, SchemaEntry, Signer,
};
use vc_status::store::MemoryStore;
use vc_status::{ListFormat, StatusPurpose, StatusRegistry, StatusSize, TokenStatusList};

const NAMES: [&str; 10] = [
    "given_name",
    "family_name",
    "birthdate",
    "email",
    "phone",
    "street",
    "locality",
    "region",
    "country",
    "nationality",
];

fn claims() -> Map<String, Value> {
    NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| ((*n).to_owned(), json!(format!("value of claim {i}"))))
        .collect()
}

fn issuer(
    signer: Arc<dyn Signer>,
    did: &vc_core::did_key::DidKey,
    tokens: Option<Arc<StatusRegistry>>,
) -> Issuer {
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(did.verification_method_id(), signer);
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    let schema = SchemaEntry::new("pid", json!({"type": "object"}), vec![], vec![]).with_sd_jwt_vc(
        SdJwtVcConfig::new(
            "https://issuer.example/vct/pid",
            NAMES.iter().map(|n| format!("/{n}")).collect(),
        ),
    );
    schemas.insert(schema);
    let mut builder = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys);
    if let Some(tokens) = tokens {
        builder = builder.token_status_registry(tokens);
    }
    builder.build().unwrap()
}

fn issuance(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let holder = Ed25519Signer::from_seed(&[8; 32]).did();
    let mut group = c.benchmark_group("sd_jwt_vc");
    let signers: [(&str, Arc<dyn Signer>); 2] = [
        ("EdDSA", Arc::new(Ed25519Signer::from_seed(&[7; 32]))),
        ("ES256", Arc::new(P256Signer::from_bytes(&[9; 32]).unwrap())),
    ];
    for (alg, signer) in signers {
        let did = vc_core::did_key::DidKey::new(
            signer.public_key().key_type(),
            signer.public_key().as_bytes(),
        )
        .unwrap();
        let issuer = issuer(signer.clone(), &did, None);
        let request = IssuanceRequest::new("pid", did.did(), holder.clone(), claims())
            .with_proof_type(ProofType::DcSdJwt);
        let sample = runtime.block_on(issuer.issue(request.clone())).unwrap();
        let jwt = sample.credential.as_jwt().unwrap();
        let input_len = jwt
            .split('~')
            .next()
            .unwrap()
            .rsplit_once('.')
            .unwrap()
            .0
            .len();
        let message = vec![0x5a_u8; input_len];
        group.bench_function(
            format!("reference: bare {alg} sign ({input_len}-byte message)"),
            |b| b.iter(|| runtime.block_on(signer.sign(black_box(&message))).unwrap()),
        );
        group.bench_function(
            format!("issue dc+sd-jwt {alg}, 10 disclosable claims"),
            |b| {
                b.iter_batched(
                    || request.clone(),
                    |request| runtime.block_on(issuer.issue(black_box(request))).unwrap(),
                    BatchSize::SmallInput,
                )
            },
        );
    }
    group.finish();
}

fn status_list(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let mut group = c.benchmark_group("token_status_list");
    // 1,000,000 one-bit entries, 1 % set at random places.
    let mut list = TokenStatusList::new(1_000_000, StatusSize::ONE).unwrap();
    for i in 0..10_000u64 {
        list.set(i.wrapping_mul(7_919) % 1_000_000, 1).unwrap();
    }
    group.bench_function("encode 1,000,000 entries (1 % set): lst", |b| {
        b.iter(|| black_box(&list).lst())
    });

    // One change, then the signed token served again (re-encode + sign).
    let signer: Arc<dyn Signer> = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let did = vc_core::did_key::DidKey::new(
        signer.public_key().key_type(),
        signer.public_key().as_bytes(),
    )
    .unwrap();
    let tokens = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(MemoryStore::new()))
            .list_url_template("https://issuer.example/statuslists/{list}")
            .issuer(did.did().as_str())
            .format(ListFormat::TokenStatusList)
            .list_size(1_000_000)
            .build()
            .unwrap(),
    );
    let issuer = issuer(signer, &did, Some(tokens.clone()));
    let entries = runtime
        .block_on(tokens.allocate(StatusPurpose::Revocation, 20_000))
        .unwrap();
    for entry in &entries[..10_000] {
        runtime.block_on(tokens.revoke(entry)).unwrap();
    }
    let id = tokens
        .list_id_from_url(entries[0].list_credential())
        .unwrap();
    let mut next = entries[10_000..].iter().cycle();
    group.bench_function(
        "one revocation, then the token served again (1,000,000 entries)",
        |b| {
            b.iter(|| {
                let entry = next.next().unwrap();
                runtime.block_on(tokens.revoke(entry)).unwrap();
                runtime
                    .block_on(issuer.status_list_token(black_box(&id)))
                    .unwrap()
            })
        },
    );
    group.bench_function("token served again, unchanged (cached)", |b| {
        b.iter(|| {
            runtime
                .block_on(issuer.status_list_token(black_box(&id)))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, issuance, status_list);
criterion_main!(benches);
