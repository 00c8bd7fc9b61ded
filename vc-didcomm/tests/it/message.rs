use serde_json::json;
use vc_didcomm::{Attachment, AttachmentContent, InMemoryTransport, Message, ThreadId, Transport};

#[test]
fn plaintext_message_round_trips_with_unknown_headers() {
    let text = r#"{"id":"1234567890","typ":"application/didcomm-plain+json","type":"https://example.com/protocols/lets_do_lunch/1.0/proposal","from":"did:example:alice","to":["did:example:bob#key-1"],"thid":"t-1","pthid":"p-1","created_time":1516269022,"expires_time":1516385931,"body":{"messagespecificattribute":"and its value"},"attachments":[{"id":"a","media_type":"application/json","format":"x","data":{"json":null}},{"id":"b","data":{"base64":"aGVsbG8"}},{"id":"c","data":{"links":["https://x.example/a"],"hash":"QmX"}}],"from_prior":"eyJ..."}"#;
    let message = Message::from_slice(text.as_bytes()).unwrap();
    assert_eq!(message.to_json().unwrap(), text);
    assert_eq!(message.thread_id().as_str(), "t-1");
    assert_eq!(message.extra["from_prior"], "eyJ...");
    assert_eq!(
        message.attachments[0].data.content,
        AttachmentContent::Json(json!(null))
    );
    assert_eq!(
        message.attachment("b").unwrap().decode_base64().unwrap(),
        b"hello"
    );
}

#[test]
fn reply_carries_the_thread() {
    let first = Message::builder("https://didcomm.org/x/1.0/a", json!({}))
        .from("did:example:alice".parse().unwrap())
        .to("did:example:bob".parse().unwrap())
        .build()
        .unwrap();
    assert!(first.thid.is_none());
    let second = first
        .reply("https://didcomm.org/x/1.0/b", json!({}))
        .build()
        .unwrap();
    assert_eq!(second.thid, Some(ThreadId::from(&first.id)));
    assert_eq!(second.from.as_ref().unwrap().as_str(), "did:example:bob");
    let third = second
        .reply("https://didcomm.org/x/1.0/c", json!({}))
        .build()
        .unwrap();
    assert_eq!(third.thread_id(), first.thread_id());
    assert_ne!(third.id, first.id);
}

#[test]
fn builder_checks_the_body() {
    let err = Message::builder("t", json!([1])).build().unwrap_err();
    assert_eq!(err.code(), "INVALID_FIELD");
    let err = Message::builder("", json!({})).build().unwrap_err();
    assert_eq!(err.code(), "INVALID_FIELD");
}

#[test]
fn attachment_data_needs_exactly_one_content() {
    for data in [
        json!({}),
        json!({"json": {}, "base64": "aGk"}),
        json!({"links": ["https://x"]}),
    ] {
        let text = json!({"id": "1", "type": "t", "body": {}, "attachments": [{"data": data}]});
        let err = Message::from_slice(text.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.code(), "INVALID_FIELD", "{data}");
    }
    let a = Attachment::base64("x", b"not json");
    assert_eq!(a.json_content().unwrap_err().code(), "INVALID_ATTACHMENT");
}

#[tokio::test]
async fn in_memory_transport_delivers_in_order() {
    let transport = InMemoryTransport::new();
    let a = Message::builder("t/a", json!({})).build().unwrap();
    let b = a.reply("t/b", json!({})).build().unwrap();
    transport.send(&a).await.unwrap();
    transport.send(&b).await.unwrap();
    assert_eq!(transport.take(), vec![a, b]);
    assert!(transport.take().is_empty());
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Message>();
    check::<vc_didcomm::Error>();
    check::<vc_didcomm::Step>();
    check::<vc_didcomm::iota::IssuerSession>();
    check::<vc_didcomm::iota::HolderSession>();
    check::<vc_didcomm::aries::AriesIssuer>();
    check::<vc_didcomm::aries::AriesHolder>();
    check::<InMemoryTransport>();
}
