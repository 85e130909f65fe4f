//! A CURVE server (A) and client (B) of ours, joined in memory: every pair of socket types,
//! every way of cutting the stream, messages small and large, heartbeats, ZAP's verdicts, and
//! what a peer that breaks the rules gets.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::zmtp::protocol_error;

/// Server `server_type` (routing id "srv") and client `client_type` ("cli"), not yet run.
fn curve_link(server_type: i32, client_type: i32) -> Link {
    Link::new(
        server_config(server_type, b"srv"),
        client_config(client_type, b"cli"),
    )
}

/// A DEALER client and ROUTER server, ready.
fn ready_link() -> Link {
    let mut link = curve_link(ROUTER, DEALER);
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    link.a_events.clear();
    link.b_events.clear();
    link
}

/// Everything `c` would write now.
fn pending(c: &Connection) -> Vec<u8> {
    c.output().iter().flat_map(|s| s.iter().copied()).collect()
}

fn ready_of(events: &[Event]) -> Option<(Version, Option<Vec<u8>>, Option<i32>)> {
    events.iter().find_map(|e| match e {
        Event::Ready {
            version,
            peer_routing_id,
            peer_socket_type,
            ..
        } => Some((*version, peer_routing_id.clone(), *peer_socket_type)),
        _ => None,
    })
}

#[test]
fn every_compatible_pair_of_socket_types() {
    for (server_type, client_type) in COMPATIBLE {
        let mut link = curve_link(server_type, client_type);
        link.run(usize::MAX, None);
        assert!(
            link.a.is_ready() && link.b.is_ready(),
            "{server_type}/{client_type}"
        );
        let id = |t: i32, id: &[u8]| matches!(t, REQ | DEALER | ROUTER).then(|| id.to_vec());
        assert_eq!(
            ready_of(&link.a_events),
            Some((Version::V3_1, id(client_type, b"cli"), Some(client_type)))
        );
        assert_eq!(
            ready_of(&link.b_events),
            Some((Version::V3_1, id(server_type, b"srv"), Some(server_type)))
        );
        link.a_events.clear();
        link.b_events.clear();
        let to_client = [Frame::new(b"to", true), Frame::new(b"client", false)];
        let to_server = [Frame::new(b"to server", false)];
        link.send_a(&to_client);
        link.send_b(&to_server);
        link.run(usize::MAX, None);
        assert_eq!(split(std::mem::take(&mut link.b_events)).1, to_client);
        assert_eq!(split(std::mem::take(&mut link.a_events)).1, to_server);
    }
}

#[test]
fn incompatible_socket_types_fail_the_handshake() {
    // The server reads the client's type in INITIATE.
    let mut link = curve_link(ROUTER, PUB);
    link.run(usize::MAX, None);
    assert_eq!(link.a_failure, Some(Failure::IncompatibleSocketType));
    assert!(!link.b.is_ready());
    // (The client's check of READY, which libzmq reports as INVALID_METADATA, is in the
    // vectors: two of ours never get that far.)
}

#[test]
fn the_stream_cut_anywhere() {
    let frames = [Frame::new(b"multi", true), Frame::new(&[7; 300], false)];
    let check = |mut link: Link| {
        assert!(link.a.is_ready() && link.b.is_ready());
        link.a_events.clear();
        link.b_events.clear();
        link.send_b(&frames);
        link.send_a(&frames);
        link.run(3, None);
        assert_eq!(split(std::mem::take(&mut link.a_events)).1, frames);
        assert_eq!(split(std::mem::take(&mut link.b_events)).1, frames);
    };
    for chunk in [1, 2, 5, 64, 199, 201, 1000] {
        let mut link = curve_link(ROUTER, DEALER);
        link.run(chunk, None);
        check(link);
    }
    // The first piece each way cut at every offset of the handshake.
    for first in 1..700 {
        let mut link = curve_link(ROUTER, DEALER);
        link.run(usize::MAX, Some(first));
        check(link);
    }
}

#[test]
fn messages_cut_at_every_offset() {
    let mut link = ready_link();
    let body = [0x5a; 100];
    link.b.send(Frame::new(&body, true).to_msg()).unwrap();
    let len = take_output(&mut link.b).len();
    for cut in 0..=len {
        link.b
            .send(Frame::new(&body, cut % 2 == 0).to_msg())
            .unwrap();
        let bytes = take_output(&mut link.b);
        assert_eq!(bytes.len(), len);
        let mut events = feed(&mut link.a, &bytes[..cut], link.now);
        events.extend(feed(&mut link.a, &bytes[cut..], link.now));
        assert_eq!(split(events).1, [Frame::new(&body, cut % 2 == 0)]);
    }
}

#[test]
fn multipart_and_one_mebibyte_messages() {
    let mut link = ready_link();
    let big: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let frames = [
        Frame::new(b"", true),
        Frame::new(&big, true),
        Frame::new(&big[..70_000], true),
        Frame::new(b"end", false),
    ];
    link.send_a(&frames);
    link.send_b(&frames);
    link.run(64 * 1024, None);
    assert_eq!(split(std::mem::take(&mut link.a_events)).1, frames);
    assert_eq!(split(std::mem::take(&mut link.b_events)).1, frames);
    // Each frame costs its 33 bytes of MESSAGE and a header, no more.
    link.send_b(&frames[1..2]);
    assert_eq!(pending(&link.b).len(), 9 + 33 + big.len());
}

#[test]
fn messages_and_commands_travel_boxed() {
    let mut link = ready_link();
    link.send_b(&[Frame::new(b"secret payload", false)]);
    let bytes = pending(&link.b);
    // A plain frame (flags 0) holding a MESSAGE command: nothing readable.
    assert_eq!(&bytes[..10], b"\x00\x2f\x07MESSAGE");
    assert!(!bytes.windows(6).any(|w| w == b"secret"));
    link.run(usize::MAX, None);
    assert_eq!(
        split(std::mem::take(&mut link.a_events)).1,
        [Frame::new(b"secret payload", false)]
    );
}

#[test]
fn ping_and_pong_after_the_handshake() {
    let mut link = Link::new(
        server_config(ROUTER, b"srv"),
        Config {
            heartbeat_ivl: Some(Duration::from_secs(1)),
            heartbeat_timeout: Some(Duration::from_millis(500)),
            heartbeat_ttl: Duration::from_secs(3),
            ..client_config(DEALER, b"cli")
        },
    );
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    let start = link.now;
    link.now = start + Duration::from_secs(1);
    link.b.handle_timeout(link.now).unwrap();
    let ping = pending(&link.b);
    assert_eq!(&ping[..10], b"\x00\x28\x07MESSAGE");
    assert!(!ping.windows(4).any(|w| w == b"PING"));
    // Waiting for the PONG: the deadline is the time-out's.
    assert_eq!(
        link.b.poll_timeout(),
        Some(link.now + Duration::from_millis(500))
    );
    link.run(usize::MAX, None);
    assert_eq!(
        (link.a_failure.clone(), link.b_failure.clone()),
        (None, None)
    );
    // The PONG came back boxed and was understood: only the next PING is due now.
    assert_eq!(link.b.poll_timeout(), Some(start + Duration::from_secs(2)));
    // The server took the PING's TTL (3 s) as its deadline.
    assert_eq!(
        link.a.poll_timeout(),
        Some(link.now + Duration::from_secs(3))
    );
    assert!(split(std::mem::take(&mut link.a_events)).1.is_empty());
}

type Requests = Rc<RefCell<Vec<Vec<Vec<u8>>>>>;

/// A ZAP handler that records each request and answers `status`, user id "alice" and one
/// property.
fn zap_handler(status: &'static [u8], seen: Requests) -> ZapHandler {
    Box::new(move |request: &[Msg]| {
        seen.borrow_mut()
            .push(request.iter().map(|f| f.data().to_vec()).collect());
        let meta = b"\x05Hello\x00\x00\x00\x05World";
        let parts: [&[u8]; 7] = [b"", b"1.0", b"1", status, b"text", b"alice", meta];
        let mut reply: Vec<Msg> = parts.iter().map(|p| Msg::from_slice(p)).collect();
        for f in &mut reply[..6] {
            f.set_more(true);
        }
        Some(reply)
    })
}

/// A server with a ZAP domain (and ZAP_ENFORCE_DOMAIN as given) and a DEALER client.
fn zap_link(domain: &[u8], enforce: bool) -> Link {
    Link::new(
        Config {
            zap_domain: domain.to_vec(),
            zap_enforce_domain: enforce,
            peer_address: "192.0.2.1".into(),
            ..server_config(ROUTER, b"srv")
        },
        client_config(DEALER, b"cli"),
    )
}

#[test]
fn zap_accepts_with_the_clients_key_and_user_id() {
    let seen = Requests::default();
    let mut link = zap_link(b"global", false);
    link.zap_a = Some(zap_handler(b"200", Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    let requests = seen.borrow();
    let key = client_public();
    let expected: [&[u8]; 8] = [
        b"",
        b"1.0",
        b"1",
        b"global",
        b"192.0.2.1",
        b"srv",
        b"CURVE",
        &key,
    ];
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0], expected);
    let metadata = link
        .a_events
        .iter()
        .find_map(|e| match e {
            Event::Ready { metadata, .. } => Some(Arc::clone(metadata)),
            _ => None,
        })
        .expect("ready");
    assert_eq!(metadata.get("User-Id").unwrap().to_bytes(), b"alice");
    assert_eq!(metadata.get("Hello").unwrap().to_bytes(), b"World");
    assert_eq!(metadata.get("Socket-Type").unwrap().to_bytes(), b"DEALER");
}

#[test]
fn zap_refusals() {
    for (status, code) in [(&b"400"[..], 400), (b"500", 500)] {
        let mut link = zap_link(b"global", false);
        link.zap_a = Some(zap_handler(status, Requests::default()));
        link.run(usize::MAX, None);
        assert_eq!(link.a_failure, Some(Failure::ZapRefused(code)));
        let client = link.b_failure.clone().expect("the client hears ERROR");
        assert_eq!(client, Failure::PeerError(status.to_vec()));
        assert_eq!(client.auth_status(), Some(code));
        assert!(!link.a.is_ready() && !link.b.is_ready());
    }
    // 300, a temporary failure: the client is dropped without a word (RFC 26).
    let mut link = zap_link(b"global", false);
    link.zap_a = Some(zap_handler(b"300", Requests::default()));
    link.run(usize::MAX, None);
    assert_eq!(link.a_failure, Some(Failure::ZapRefused(300)));
    assert_eq!(link.b_failure, None);
    assert!(!link.b.is_ready());
}

#[test]
fn zap_without_a_handler() {
    // No handler bound: libzmq 4.3 goes on, unless ZAP_ENFORCE_DOMAIN is set.
    let mut link = zap_link(b"global", false);
    link.run(usize::MAX, None);
    assert!(matches!(link.a_events[0], Event::ZapRequest(_)));
    assert!(link.a.is_ready() && link.b.is_ready());
    let mut link = zap_link(b"global", true);
    link.run(usize::MAX, None);
    assert_eq!(link.a_failure, Some(Failure::NoZapHandler));
    assert!(!link.b.is_ready());
}

#[test]
fn zap_without_a_domain() {
    // libzmq asks a bound handler even without a domain...
    let seen = Requests::default();
    let mut link = zap_link(b"", false);
    link.zap_a = Some(zap_handler(b"400", Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert_eq!(seen.borrow()[0][3], b"");
    assert_eq!(link.a_failure, Some(Failure::ZapRefused(400)));
    // ...except with ZAP_ENFORCE_DOMAIN on: then no ZAP at all (encryption only).
    let seen = Requests::default();
    let mut link = zap_link(b"", true);
    link.zap_a = Some(zap_handler(b"400", Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    assert!(seen.borrow().is_empty());
    assert!(
        !link
            .a_events
            .iter()
            .any(|e| matches!(e, Event::ZapRequest(_)))
    );
}

#[test]
fn a_wrong_server_key_fails_cleanly() {
    let (other_public, _) = crate::zmtp::curve::keypair().unwrap();
    let mut client = client_config(DEALER, b"cli");
    client.security = Security::CurveClient {
        public_key: client_public(),
        secret_key: client_secret(),
        server_key: other_public,
    };
    let mut link = Link::new(server_config(ROUTER, b"srv"), client);
    link.run(usize::MAX, None);
    // The server cannot open HELLO and drops the client, which hears nothing.
    assert_eq!(
        link.a_failure,
        Some(Failure::Protocol(protocol_error::CRYPTOGRAPHIC))
    );
    assert_eq!(link.b_failure, None);
    assert!(!link.a.is_ready() && !link.b.is_ready());
}

#[test]
fn a_client_without_the_secret_of_its_key_fails() {
    // The client claims the test key but holds another secret: its vouch does not open.
    let mut client = client_config(DEALER, b"cli");
    client.security = Security::CurveClient {
        public_key: client_public(),
        secret_key: [0x42; 32],
        server_key: server_public(),
    };
    let seen = Requests::default();
    let mut link = Link::new(server_config(ROUTER, b"srv"), client);
    link.zap_a = Some(zap_handler(b"200", Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert_eq!(
        link.a_failure,
        Some(Failure::Protocol(protocol_error::CRYPTOGRAPHIC))
    );
    // The claimed key was never put to the handler.
    assert!(seen.borrow().is_empty());
}

#[test]
fn a_replayed_message_is_refused() {
    let mut link = ready_link();
    link.send_b(&[Frame::new(b"once", false)]);
    let bytes = take_output(&mut link.b);
    let now = link.now;
    assert_eq!(
        split(feed(&mut link.a, &bytes, now)).1,
        [Frame::new(b"once", false)]
    );
    assert_eq!(
        feed_failure(&mut link.a, &bytes, now),
        Failure::Protocol(protocol_error::INVALID_SEQUENCE)
    );
}

#[test]
fn an_older_message_is_refused() {
    let mut link = ready_link();
    link.send_b(&[Frame::new(b"first", false)]);
    let first = take_output(&mut link.b);
    link.send_b(&[Frame::new(b"second", false)]);
    let second = take_output(&mut link.b);
    let now = link.now;
    assert_eq!(split(feed(&mut link.a, &second, now)).1.len(), 1);
    assert_eq!(
        feed_failure(&mut link.a, &first, now),
        Failure::Protocol(protocol_error::INVALID_SEQUENCE)
    );
}

#[test]
fn a_tampered_message_is_refused() {
    let mut link = ready_link();
    link.send_b(&[Frame::new(b"some data", false)]);
    let bytes = take_output(&mut link.b);
    for at in 18..bytes.len() {
        let mut link = ready_link();
        link.send_b(&[Frame::new(b"some data", false)]);
        let mut bytes = take_output(&mut link.b);
        bytes[at] ^= 0x01;
        let now = link.now;
        assert_eq!(
            feed_failure(&mut link.a, &bytes, now),
            Failure::Protocol(protocol_error::CRYPTOGRAPHIC),
            "byte {at}"
        );
    }
}

#[test]
fn unboxed_frames_after_the_handshake_are_refused() {
    for (bytes, code) in [
        (
            &b"\x00\x05hello"[..],
            protocol_error::MALFORMED_COMMAND_UNSPECIFIED,
        ),
        (b"\x00\x05\x04abcd", protocol_error::UNEXPECTED_COMMAND),
        (
            b"\x04\x07\x04PING\x00\x00",
            protocol_error::UNEXPECTED_COMMAND,
        ),
        (b"\x00\x00", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (
            b"\x00\x09\x07MESSAGE\x00",
            protocol_error::MALFORMED_COMMAND_MESSAGE,
        ),
    ] {
        let mut link = ready_link();
        let now = link.now;
        assert_eq!(
            feed_failure(&mut link.a, bytes, now),
            Failure::Protocol(code)
        );
        let mut link = ready_link();
        assert_eq!(
            feed_failure(&mut link.b, bytes, now),
            Failure::Protocol(code)
        );
    }
}

#[test]
fn a_mismatched_mechanism_is_refused() {
    let mut link = Link::new(server_config(ROUTER, b""), config(DEALER, b""));
    link.run(usize::MAX, None);
    assert_eq!(link.a_failure, Some(Failure::MechanismMismatch));
    assert_eq!(link.b_failure, Some(Failure::MechanismMismatch));
}

#[test]
fn logs_never_show_a_secret() {
    let link = ready_link();
    let secrets = [server_secret(), client_secret()];
    for shown in [
        format!("{:?}", link.a),
        format!("{:?}", link.b),
        format!("{:?}", server_config(ROUTER, b"")),
        format!("{:?}", client_config(ROUTER, b"")),
    ] {
        for secret in &secrets {
            assert!(!shown.contains(&format!("{secret:?}")[1..20]), "{shown}");
            assert!(!shown.contains(&hex(&secret[..4])), "{shown}");
        }
    }
}

/// The bytes one side writes through a handshake with a peer of ours.
fn handshake_streams() -> (Vec<u8>, Vec<u8>) {
    let now = Instant::now();
    let mut client = client_connection(DEALER, b"cli", now);
    let mut server = server_connection(server_config(ROUTER, b""), now);
    let (mut to_server, mut to_client) = (Vec::new(), Vec::new());
    for _ in 0..6 {
        let bytes = take_output(&mut client);
        to_server.extend_from_slice(&bytes);
        server.handle_input(&bytes, now);
        let mut events = Vec::new();
        poll_serving(&mut server, now, &mut None, &mut events).unwrap();
        let bytes = take_output(&mut server);
        to_client.extend_from_slice(&bytes);
        feed(&mut client, &bytes, now);
    }
    assert!(client.is_ready() && server.is_ready());
    (to_server, to_client)
}

/// Feeds `bytes` to `c` and polls: a failure must be one a peer can cause.
fn survives(c: &mut Connection, bytes: &[u8]) {
    let now = Instant::now();
    c.handle_input(bytes, now);
    let mut events = Vec::new();
    match poll_serving(c, now, &mut None, &mut events) {
        Ok(()) => {}
        Err(Failure::Protocol(_) | Failure::Malformed(_) | Failure::MessageTooLarge) => {}
        Err(
            Failure::IncompatibleSocketType | Failure::PeerError(_) | Failure::MechanismMismatch,
        ) => {}
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn random_and_mutated_streams() {
    let (to_server, to_client) = handshake_streams();
    let mut rng = Rng::new(26);
    for _ in 0..300 {
        let now = Instant::now();
        // A valid stream with a few bytes changed, cut at random.
        for (stream, to_server_side) in [(&to_server, true), (&to_client, false)] {
            let mut bytes = stream.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            bytes.truncate(rng.below(bytes.len() + 1));
            let mut c = if to_server_side {
                server_connection(server_config(ROUTER, b""), now)
            } else {
                client_connection(DEALER, b"cli", now)
            };
            survives(&mut c, &bytes);
        }
        // Random frames after a valid greeting.
        let mut bytes = to_server[..64].to_vec();
        for _ in 0..rng.below(4) {
            let body = rng.bytes_up_to(300);
            let flags = [0, 4][rng.below(2)];
            bytes.extend_from_slice(&frame(flags, &body));
        }
        bytes.extend(rng.bytes_up_to(50));
        let mut c = server_connection(server_config(ROUTER, b""), now);
        survives(&mut c, &bytes);
        let mut bytes = to_client[..64].to_vec();
        bytes.extend(rng.bytes_up_to(400));
        let mut c = client_connection(DEALER, b"cli", now);
        survives(&mut c, &bytes);
    }
}

#[test]
fn fresh_key_pairs_work_as_keys() {
    // What zmq_curve_keypair hands out.
    let (server_public, server_secret) = crate::zmtp::curve::keypair().unwrap();
    let (client_public, client_secret) = crate::zmtp::curve::keypair().unwrap();
    assert_eq!(
        crate::zmtp::curve::public_key(&server_secret),
        server_public
    );
    assert_ne!(server_public, client_public);
    let seen = Requests::default();
    let mut link = Link::new(
        Config {
            security: Security::CurveServer {
                public_key: server_public,
                secret_key: *server_secret,
            },
            ..config(ROUTER, b"")
        },
        Config {
            security: Security::CurveClient {
                public_key: client_public,
                secret_key: *client_secret,
                server_key: server_public,
            },
            ..config(DEALER, b"")
        },
    );
    link.zap_a = Some(zap_handler(b"200", Rc::clone(&seen)));
    link.run(usize::MAX, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    assert_eq!(seen.borrow()[0][7], client_public);
}
