//! ZAP through a connection: the request it raises, the verdicts it applies (NULL with a ZAP
//! domain here; the PLAIN and CURVE servers use the same path).

use super::*;
use crate::zmtp::protocol_error;

/// A handler that records each request and answers with `status`, user id "bob" and one
/// property.
fn handler(
    status: &'static [u8],
    seen: std::rc::Rc<std::cell::RefCell<Vec<Vec<Vec<u8>>>>>,
) -> ZapHandler {
    Box::new(move |request: &[Msg]| {
        seen.borrow_mut()
            .push(request.iter().map(|f| f.data().to_vec()).collect());
        let mut meta = Vec::new();
        meta.extend_from_slice(b"\x05Hello\x00\x00\x00\x05World");
        let parts: [&[u8]; 7] = [b"", b"1.0", b"1", status, b"text", b"bob", &meta];
        let mut reply: Vec<Msg> = parts.iter().map(|p| Msg::from_slice(p)).collect();
        for f in &mut reply[..6] {
            f.set_more(true);
        }
        Some(reply)
    })
}

fn with_domain(socket_type: i32, enforce: bool) -> Config {
    Config {
        zap_domain: b"global".to_vec(),
        zap_enforce_domain: enforce,
        peer_address: "127.0.0.1".into(),
        ..config(socket_type, b"srv")
    }
}

#[test]
fn accepted_peer_carries_the_handlers_properties() {
    let seen = Default::default();
    let mut link = Link::new(with_domain(DEALER, false), config(DEALER, b"cli"));
    link.zap_a = Some(handler(b"200", std::rc::Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    let requests = seen.borrow();
    let expected: Vec<&[u8]> = vec![b"", b"1.0", b"1", b"global", b"127.0.0.1", b"srv", b"NULL"];
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0], expected);
    let ready = link.a_events.iter().find_map(|e| match e {
        Event::Ready { metadata, .. } => Some(metadata.clone()),
        _ => None,
    });
    let metadata = ready.expect("ready");
    assert_eq!(metadata.get("User-Id").unwrap().to_bytes(), b"bob");
    assert_eq!(metadata.get("Hello").unwrap().to_bytes(), b"World");
    assert_eq!(metadata.get("Socket-Type").unwrap().to_bytes(), b"DEALER");
}

#[test]
fn refusal_sends_error_and_fails_both_sides() {
    for (status, code) in [(&b"400"[..], 400), (b"500", 500)] {
        let seen = Default::default();
        let mut link = Link::new(with_domain(DEALER, false), config(DEALER, b""));
        link.zap_a = Some(handler(status, seen));
        link.run(usize::MAX, None);
        assert_eq!(link.a_failure, Some(Failure::ZapRefused(code)));
        let client = link.b_failure.clone().expect("client fails");
        assert_eq!(client.auth_status(), Some(code));
        assert_eq!(client, Failure::PeerError(status.to_vec()));
        assert!(!link.a.is_ready() && !link.b.is_ready());
    }
}

#[test]
fn temporary_failure_drops_the_peer_without_a_word() {
    let seen = Default::default();
    let mut link = Link::new(with_domain(DEALER, false), config(DEALER, b""));
    link.zap_a = Some(handler(b"300", seen));
    link.run(usize::MAX, None);
    assert_eq!(link.a_failure, Some(Failure::ZapRefused(300)));
    // The client heard nothing: it waits (its handshake timer ends it).
    assert_eq!(link.b_failure, None);
    assert!(!link.b.is_ready());
}

#[test]
fn no_handler_goes_on_unless_enforced() {
    let mut link = Link::new(with_domain(PUSH, false), config(PULL, b""));
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    assert!(matches!(link.a_events[0], Event::ZapRequest(_)));

    let mut link = Link::new(with_domain(PUSH, true), config(PULL, b""));
    link.run(usize::MAX, None);
    assert_eq!(link.a_failure, Some(Failure::NoZapHandler));
}

#[test]
fn without_domain_null_never_asks() {
    let seen: std::rc::Rc<std::cell::RefCell<Vec<_>>> = Default::default();
    let mut link = Link::new(config(PUSH, b""), config(PULL, b""));
    link.zap_a = Some(handler(b"400", std::rc::Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    assert!(seen.borrow().is_empty());
}

#[test]
fn malformed_replies_fail_with_their_codes() {
    let mut link = Link::new(with_domain(PUSH, false), config(PULL, b""));
    link.zap_a = Some(Box::new(|_: &[Msg]| Some(vec![Msg::from_slice(b"")])));
    link.run(usize::MAX, None);
    assert_eq!(
        link.a_failure.and_then(|f| f.protocol_error_code()),
        Some(protocol_error::ZAP_MALFORMED_REPLY)
    );
}

#[test]
fn a_verdict_nobody_asked_for_is_refused() {
    let now = Instant::now();
    let mut c = conn(PUSH, b"", now);
    assert!(c.zap_reply(None).is_err());
}

#[test]
fn old_peers_are_refused_when_zap_is_on() {
    let now = Instant::now();
    let mut c = Connection::new(with_domain(PUSH, false), now);
    // A ZMTP 1.0 peer: a short routing-id frame instead of a signature.
    c.handle_input(b"\x01\x00", now);
    assert!(matches!(poll_all(&mut c, now), Err(Failure::Malformed(_))));
}
