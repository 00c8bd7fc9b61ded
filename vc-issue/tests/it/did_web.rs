//! `did:web` over real HTTPS: a loopback server with a self-signed certificate made here (rcgen),
//! trusted by the resolver through `add_root_certificate_der`. Each test counts what reached
//! the server, so "refused before connecting" and "served from the cache" are seen, not assumed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use vc_core::{Did, DidUrl};
use vc_issue::pipeline::resolver::DidWebResolver;
use vc_issue::Signer as _;
use vc_issue::{
    CredentialVerifier, DidResolver, Ed25519Signer, HostErrorKind, IssuanceRequest, ProofType,
};

use crate::fixtures::{degree_claims, degree_schema};

/// What the server answers at a path: a status, a body, and a delay before answering.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: Vec<u8>,
    delay: Duration,
}

type Answers = Arc<Mutex<HashMap<String, Answer>>>;

struct Server {
    port: u16,
    cert_der: Vec<u8>,
    hits: Arc<AtomicUsize>,
    answers: Answers,
}

impl Server {
    /// `did:web:localhost%3A<port>` and the `:`-separated `path`.
    fn did(&self, path: &str) -> Did {
        Did::parse(&format!("did:web:localhost%3A{}{path}", self.port)).unwrap()
    }

    fn answer(&self, path: &str, answer: Answer) {
        self.answers.lock().unwrap().insert(path.to_owned(), answer);
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn serve() -> Server {
    let answers: Answers = Arc::default();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_der = cert.cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let table = answers.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, answers, hits) = (acceptor.clone(), table.clone(), counter.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                hits.fetch_add(1, Ordering::SeqCst);
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or_default();
                let found = answers.lock().unwrap().get(path).cloned();
                let answer = found.unwrap_or(Answer {
                    status: 404,
                    body: Vec::new(),
                    delay: Duration::ZERO,
                });
                tokio::time::sleep(answer.delay).await;
                let reply = format!(
                    "HTTP/1.1 {} X\r\ncontent-type: application/did+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    answer.status,
                    answer.body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.write_all(&answer.body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Server {
        port,
        cert_der,
        hits,
        answers,
    }
}

fn ok(body: serde_json::Value) -> Answer {
    Answer {
        status: 200,
        body: body.to_string().into_bytes(),
        delay: Duration::ZERO,
    }
}

/// The did:web document of `did` with `key` as its one assertion key.
fn document(did: &Did, key: &Ed25519Signer) -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did.as_str(),
        "verificationMethod": [{
            "id": format!("{did}#key-1"), "type": "Multikey", "controller": did.as_str(),
            "publicKeyMultibase": key.public_key().to_multikey()
        }],
        "assertionMethod": [format!("{did}#key-1")]
    })
}

fn resolver(server: &Server) -> vc_issue::pipeline::resolver::DidWebResolverBuilder {
    DidWebResolver::builder()
        .add_root_certificate_der(&server.cert_der)
        .timeout(Duration::from_secs(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_did_web_issuer_resolves_over_https_issues_and_verifies_with_the_cache() {
    let server = serve().await;
    let key = Arc::new(Ed25519Signer::from_seed(&[31; 32]));
    let did = server.did(":issuers:registrar");
    server.answer("/issuers/registrar/did.json", ok(document(&did, &key)));
    let resolver = Arc::new(
        resolver(&server)
            .allow_private_addresses(true)
            .build()
            .unwrap(),
    );

    let vm = DidUrl::parse(&format!("{did}#key-1")).unwrap();
    let resolved = resolver.resolve(&did).await.unwrap().unwrap();
    assert_eq!(resolved.document.id, did.as_str());
    assert!(!resolved.deactivated);
    assert_eq!(server.hits(), 1);
    // From the cache: the server sees nothing more.
    for _ in 0..3 {
        assert!(resolver.resolve(&did).await.unwrap().is_some());
    }
    assert_eq!(server.hits(), 1, "cached");
    // Not found is "not found" (and cached too); another method is not this resolver's.
    let missing = server.did(":nobody");
    assert!(resolver.resolve(&missing).await.unwrap().is_none());
    assert!(resolver.resolve(&missing).await.unwrap().is_none());
    assert_eq!(server.hits(), 2);
    let other = Ed25519Signer::from_seed(&[32; 32]).did();
    assert!(resolver.resolve(&other).await.unwrap().is_none());

    // The pipeline issues with the did:web issuer, and the verifier checks through did:web.
    let issuer = vc_issue::Issuer::builder()
        .resolver(resolver.clone())
        .schemas({
            let schemas = Arc::new(vc_issue::InMemorySchemaRegistry::new());
            schemas.insert(degree_schema());
            schemas
        })
        .keys({
            let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
            keys.insert(vm.clone(), key.clone());
            keys
        })
        .build()
        .unwrap();
    // The holder is a did:web too (the resolver answers only did:web).
    let holder = server.did(":students:ada");
    let holder_key = Ed25519Signer::from_seed(&[33; 32]);
    server.answer("/students/ada/did.json", ok(document(&holder, &holder_key)));
    let request =
        IssuanceRequest::new("university-degree-v1", did.clone(), holder, degree_claims())
            .with_proof_type(ProofType::EddsaJcs2022);
    let response = issuer.issue(request).await.unwrap();
    let credential = response.credential.as_credential().unwrap();
    assert_eq!(
        credential.proofs()[0].verification_method.as_deref(),
        Some(vm.as_str())
    );
    CredentialVerifier::new(resolver)
        .verify(credential)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_before_connecting_unless_allowed() {
    let server = serve().await;
    let key = Ed25519Signer::from_seed(&[31; 32]);
    let did = server.did("");
    server.answer("/.well-known/did.json", ok(document(&did, &key)));
    let strict = resolver(&server).build().unwrap();
    // `localhost` resolves to loopback addresses only: nothing is left to connect to.
    let error = strict.resolve(&did).await.unwrap_err();
    assert_ne!(error.kind(), HostErrorKind::NotFound);
    // An address literal is refused before any connection.
    let literal = Did::parse(&format!("did:web:127.0.0.1%3A{}", server.port)).unwrap();
    let error = strict.resolve(&literal).await.unwrap_err();
    assert_eq!(error.kind(), HostErrorKind::Refused);
    for metadata in ["did:web:169.254.169.254", "did:web:%5B%3A%3A1%5D"] {
        if let Ok(did) = Did::parse(metadata) {
            assert!(strict.resolve(&did).await.is_err(), "{metadata}");
        }
    }
    assert_eq!(server.hits(), 0, "no request reached the server");
    // Allowed, it resolves.
    let allowed = resolver(&server)
        .allow_private_addresses(true)
        .build()
        .unwrap();
    assert!(allowed.resolve(&did).await.unwrap().is_some());
    assert_eq!(server.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn size_time_and_document_limits() {
    let server = serve().await;
    let key = Ed25519Signer::from_seed(&[31; 32]);
    let resolver = resolver(&server)
        .allow_private_addresses(true)
        .max_document_bytes(4096)
        .timeout(Duration::from_millis(500))
        .cache_ttl(Duration::ZERO)
        .build()
        .unwrap();
    let big = server.did(":big");
    let mut doc = document(&big, &key);
    doc["padding"] = json!("x".repeat(10_000));
    server.answer("/big/did.json", ok(doc));
    let error = resolver.resolve(&big).await.unwrap_err();
    assert_eq!(error.kind(), HostErrorKind::Refused);
    assert!(
        error.to_string().contains("larger") || format!("{error:?}").contains("TooLarge"),
        "{error:?}"
    );

    let slow = server.did(":slow");
    let mut answer = ok(document(&slow, &key));
    answer.delay = Duration::from_secs(5);
    server.answer("/slow/did.json", answer);
    let started = std::time::Instant::now();
    let error = resolver.resolve(&slow).await.unwrap_err();
    assert_eq!(
        error.kind(),
        HostErrorKind::Unavailable,
        "a timeout may pass"
    );
    assert!(started.elapsed() < Duration::from_secs(4));

    // A document for another DID, a duplicate key, a server error, and no caching of errors.
    let liar = server.did(":liar");
    server.answer(
        "/liar/did.json",
        ok(document(&server.did(":someone-else"), &key)),
    );
    assert_eq!(
        resolver.resolve(&liar).await.unwrap_err().kind(),
        HostErrorKind::Refused
    );
    let dup = server.did(":dup");
    server.answer(
        "/dup/did.json",
        Answer {
            status: 200,
            body: format!(r#"{{"id": "{dup}", "id": "{dup}"}}"#).into_bytes(),
            delay: Duration::ZERO,
        },
    );
    assert_eq!(
        resolver.resolve(&dup).await.unwrap_err().kind(),
        HostErrorKind::Refused
    );
    let down = server.did(":down");
    server.answer(
        "/down/did.json",
        Answer {
            status: 503,
            body: Vec::new(),
            delay: Duration::ZERO,
        },
    );
    assert_eq!(
        resolver.resolve(&down).await.unwrap_err().kind(),
        HostErrorKind::Unavailable
    );
    server.answer("/down/did.json", ok(document(&down, &key)));
    assert!(
        resolver.resolve(&down).await.unwrap().is_some(),
        "errors are not cached"
    );
}
