//! Agent delegation: issuing delegations and checking chains of them.

use std::sync::Arc;

use serde_json::{json, Value};
use time::macros::datetime;
use vc_core::{Credential, DateTime, Did, FixedClock};
use vc_issue::pipeline::delegation::{self, verify_chain};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore,
    InMemorySchemaRegistry, IssuanceRequest, Issuer, ProofType,
};

struct World {
    issuer: Issuer,
    verifier: CredentialVerifier,
    agents: Vec<Did>,
}

fn world() -> World {
    let keys = Arc::new(InMemoryKeyStore::new());
    let agents = (1..=4u8)
        .map(|i| {
            let key = Arc::new(Ed25519Signer::from_seed(&[i; 32]));
            keys.insert(key.verification_method_id(), key.clone());
            key.did()
        })
        .collect();
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(delegation::schema_entry());
    let dids = Arc::new(InMemoryDidRegistry::new());
    let issuer = Issuer::builder()
        .resolver(dids.clone())
        .schemas(schemas)
        .keys(keys)
        .clock(Arc::new(FixedClock::new(datetime!(2025-01-01 00:00 UTC))))
        .build()
        .unwrap();
    World {
        issuer,
        verifier: CredentialVerifier::new(dids),
        agents,
    }
}

async fn delegate(
    world: &World,
    from: usize,
    to: usize,
    scope: Value,
    constraints: Value,
    max_depth: u32,
) -> Credential {
    let (delegator, delegate) = (&world.agents[from], &world.agents[to]);
    let claims = json!({
        "delegator": delegator, "delegate": delegate, "scope": scope,
        "constraints": constraints, "maxDepth": max_depth
    });
    let request = IssuanceRequest::new(
        delegation::SCHEMA_ID,
        delegator.clone(),
        delegate.clone(),
        claims.as_object().unwrap().clone(),
    )
    .with_proof_type(ProofType::EddsaJcs2022)
    .with_expiration_date(DateTime::parse("2026-01-01T00:00:00Z").unwrap());
    let response = world.issuer.issue(request).await.unwrap();
    response.credential.as_credential().unwrap().clone()
}

const NOW: time::OffsetDateTime = datetime!(2025-06-01 00:00 UTC);

#[tokio::test]
async fn a_narrowing_chain_within_depth_is_valid() {
    let w = world();
    let root = delegate(
        &w,
        0,
        1,
        json!(["read", "write"]),
        json!({"region": "eu"}),
        2,
    )
    .await;
    let link = delegate(
        &w,
        1,
        2,
        json!(["read"]),
        json!({"region": "eu", "max": 10}),
        1,
    )
    .await;
    let leaf = delegate(
        &w,
        2,
        3,
        json!(["read"]),
        json!({"region": "eu", "max": 10}),
        0,
    )
    .await;
    let granted = verify_chain(&[root, link, leaf], &w.verifier, NOW)
        .await
        .unwrap();
    assert_eq!(granted.root, w.agents[0].as_str());
    assert_eq!(granted.delegate, w.agents[3].as_str());
    assert_eq!(granted.scope.into_iter().collect::<Vec<_>>(), ["read"]);
}

#[tokio::test]
async fn broken_chains_are_refused_with_their_reason() {
    let w = world();
    let root = delegate(&w, 0, 1, json!(["read"]), json!({"region": "eu"}), 1).await;
    let wider = delegate(
        &w,
        1,
        2,
        json!(["read", "admin"]),
        json!({"region": "eu"}),
        0,
    )
    .await;
    let relaxed = delegate(&w, 1, 2, json!(["read"]), json!({}), 0).await;
    let ok = delegate(&w, 1, 2, json!(["read"]), json!({"region": "eu"}), 0).await;
    let too_deep = delegate(&w, 2, 3, json!(["read"]), json!({"region": "eu"}), 0).await;
    let stranger = delegate(&w, 2, 3, json!(["read"]), json!({"region": "eu"}), 0).await;

    let code = |r: Result<_, delegation::DelegationError>| r.unwrap_err().code();
    assert_eq!(
        code(verify_chain(&[], &w.verifier, NOW).await),
        "DELEGATION_EMPTY_CHAIN"
    );
    assert_eq!(
        code(verify_chain(&[root.clone(), wider], &w.verifier, NOW).await),
        "DELEGATION_SCOPE_WIDENED"
    );
    assert_eq!(
        code(verify_chain(&[root.clone(), relaxed], &w.verifier, NOW).await),
        "DELEGATION_CONSTRAINT_RELAXED"
    );
    assert_eq!(
        code(verify_chain(&[root.clone(), ok.clone(), too_deep], &w.verifier, NOW).await),
        "DELEGATION_TOO_DEEP"
    );
    assert_eq!(
        code(verify_chain(&[root.clone(), stranger], &w.verifier, NOW).await),
        "DELEGATION_BROKEN_LINK"
    );
    let later = datetime!(2027-01-01 00:00 UTC);
    assert_eq!(
        code(verify_chain(&[root.clone(), ok.clone()], &w.verifier, later).await),
        "DELEGATION_EXPIRED"
    );
    let mut forged = ok.clone();
    forged.credential_subject.as_mut().unwrap().as_mut_slice()[0]
        .claims
        .insert("scope".into(), json!(["read", "write"]));
    assert_eq!(
        code(verify_chain(&[root.clone(), forged], &w.verifier, NOW).await),
        "DELEGATION_INVALID_PROOF"
    );
    verify_chain(&[root, ok], &w.verifier, NOW).await.unwrap();
}

#[tokio::test]
async fn issuing_requires_delegator_issuer_and_delegate_holder() {
    let w = world();
    let claims = |delegator: &Did, delegate: &Did| {
        json!({"delegator": delegator, "delegate": delegate, "scope": ["read"], "maxDepth": 0})
            .as_object()
            .unwrap()
            .clone()
    };
    let (a, b, c) = (&w.agents[0], &w.agents[1], &w.agents[2]);
    for (issuer, holder, claims) in [(a, b, claims(c, b)), (a, b, claims(a, c))] {
        let request = IssuanceRequest::new(
            delegation::SCHEMA_ID,
            issuer.clone(),
            holder.clone(),
            claims,
        )
        .with_proof_type(ProofType::EddsaJcs2022);
        let err = w.issuer.issue(request).await.unwrap_err();
        assert_eq!(err.code(), "INVALID_REQUEST", "{err}");
    }
    let request = IssuanceRequest::new(delegation::SCHEMA_ID, a.clone(), b.clone(), claims(a, b))
        .with_proof_type(ProofType::EddsaJcs2022);
    let bad_schema = {
        let mut r = request.clone();
        r.claims.insert("maxDepth".into(), json!(-1));
        r
    };
    assert_eq!(
        w.issuer.issue(bad_schema).await.unwrap_err().code(),
        "SCHEMA_VALIDATION_FAILED"
    );
    w.issuer.issue(request).await.unwrap();
}
