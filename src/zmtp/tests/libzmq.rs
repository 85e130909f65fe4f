//! Ours against byte streams recorded from libzmq 4.3.4 (/usr/lib/x86_64-linux-gnu/libzmq.so.5).
//!
//! Recorded with Python 3: libzmq driven through ctypes (a socket bound to tcp://127.0.0.1, or
//! connected to a Python listener for SUB), the peer played by a plain Python TCP socket that
//! sent the bytes given in each test step by step and recorded everything libzmq wrote back.
//! Each constant is what libzmq wrote at that step. Our connection in libzmq's place must write
//! the same bytes, and our connection in the peer's place must understand libzmq's.

use std::time::{Duration, Instant};

use super::*;
use crate::zmtp::protocol_error;

/// libzmq's signature with routing id "abc" (its 8-byte length is the id's length + 1).
const LZ_SIG_ABC: &[u8] = b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x7f";
/// libzmq's signature with no routing id.
const LZ_SIG: &[u8] = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f";
/// What libzmq sends once our signature is in: its revision.
const LZ_AFTER_SIG: &[u8] = b"\x03";
/// What libzmq sends once our revision (3) is in: minor 1, "NULL" padded to 20 bytes, then
/// as-server (always 0) and 31 bytes of filler.
const LZ_AFTER_REVISION: &[u8] = b"\x01NULL\
\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\
\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\
\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

/// READY per socket type (index = libzmq's number), all with routing id "abc": the Identity
/// property is sent by REQ, DEALER and ROUTER only.
const LZ_READY: [&[u8]; 11] = [
    b"\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04PAIR",
    b"\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x03PUB",
    b"\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x03SUB",
    b"\x04)\x05READY\x0bSocket-Type\x00\x00\x00\x03REQ\x08Identity\x00\x00\x00\x03abc",
    b"\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x03REP",
    b"\x04,\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc",
    b"\x04,\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x08Identity\x00\x00\x00\x03abc",
    b"\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04PULL",
    b"\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH",
    b"\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04XPUB",
    b"\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04XSUB",
];

/// DEALER "abc" sending "hello", then "a" (more) and 300 bytes of 'x' (header shown).
const LZ_DEALER_HELLO: &[u8] = b"\x00\x05hello";
const LZ_DEALER_MULTI_HEAD: &[u8] = b"\x01\x01a\x02\x00\x00\x00\x00\x00\x00\x01,";

/// After the greeting and READY: a connecting SUB with "topic" subscribed, then unsubscribing
/// "topic" and subscribing "", with a ZMTP 3.1 peer (SUBSCRIBE and CANCEL commands) and with a
/// 3.0 peer (data frames of 1 or 0 and the topic).
const LZ_SUB_31_TAIL: &[u8] =
    b"\x04\x0f\x09SUBSCRIBEtopic\x04\x0c\x06CANCELtopic\x04\x0a\x09SUBSCRIBE";
const LZ_SUB_30_TAIL: &[u8] = b"\x00\x06\x01topic\x00\x06\x00topic\x00\x01\x01";

/// A bound PUB after SUBSCRIBE "t", publishing "tx", "ux", "ty".
const LZ_PUB_TAIL: &[u8] = b"\x00\x02tx\x00\x02ty";

/// REQ "abc" sending "req": the empty delimiter, then the body.
const LZ_REQ_REQUEST: &[u8] = b"\x01\x00\x00\x03req";

/// PONGs for PING (TTL 1 s, context "CTX"), PING with a 19-byte context (cut to 16), PING with
/// no context.
const LZ_PONG_CTX: &[u8] = b"\x04\x08\x04PONGCTX";
const LZ_PONG_LONG: &[u8] = b"\x04\x15\x04PONG0123456789abcdef";
const LZ_PONG_EMPTY: &[u8] = b"\x04\x05\x04PONG";
/// libzmq's PING with ZMQ_HEARTBEAT_TTL 2500 ms: 25 deciseconds, no context.
const LZ_PING_TTL_2500: &[u8] = b"\x04\x07\x04PING\x00\x19";

/// DEALER "abc" against a ZMTP 2.0 peer (revision 1): its revision once our signature is in,
/// its socket type once our revision is in, then its routing id frame, then "m1" (more) and
/// 300 bytes (header shown).
const LZ_V2_AFTER_REVISION: &[u8] = b"\x05";
const LZ_V2_ROUTING_ID: &[u8] = b"\x00\x03abc";
const LZ_V2_MULTI_HEAD: &[u8] = b"\x01\x02m1\x02\x00\x00\x00\x00\x00\x00\x01,";
/// The same against a ZMTP 1.0 peer with a revision (0): 1.0 framing after the greeting.
const LZ_V1_ROUTING_ID: &[u8] = b"\x04\x00abc";
const LZ_V1_MULTI_HEAD: &[u8] = b"\x03\x01m1\xff\x00\x00\x00\x00\x00\x00\x01-\x00";
/// Against an unversioned ZMTP 1.0 peer: the rest of the routing-id frame its signature began.
const LZ_UNVERSIONED_AFTER_ID: &[u8] = b"abc";
/// A PUB to an unversioned peer, publishing "news" (the peer never subscribed).
const LZ_PUB_V1_NEWS: &[u8] = b"\x05\x00news";

/// The 3.1 greeting the Python peer sent after its signature.
fn peer_greeting(minor: u8, mechanism: &[u8]) -> Vec<u8> {
    let mut g = vec![3, minor];
    g.extend_from_slice(mechanism);
    g.resize(64 - 10, 0);
    g
}

fn peer_ready(socket_type: &[u8], identity: Option<&[u8]>) -> Vec<u8> {
    let mut body = b"\x05READY".to_vec();
    crate::zmtp::properties::write_property(&mut body, "Socket-Type", socket_type);
    if let Some(id) = identity {
        crate::zmtp::properties::write_property(&mut body, "Identity", id);
    }
    let mut frame = vec![0x04, body.len() as u8];
    frame.extend_from_slice(&body);
    frame
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn greeting_and_ready_match_libzmq_for_every_type() {
    for t in 0..=10 {
        let now = Instant::now();
        let mut c = conn(t, b"abc", now);
        assert_eq!(take_output(&mut c), LZ_SIG_ABC);
        feed(&mut c, LZ_SIG, now);
        assert_eq!(take_output(&mut c), LZ_AFTER_SIG);
        feed(&mut c, b"\x03", now);
        assert_eq!(take_output(&mut c), LZ_AFTER_REVISION);
        feed(&mut c, &peer_greeting(1, b"NULL")[1..], now);
        assert_eq!(take_output(&mut c), LZ_READY[t as usize], "type {t}");
    }
}

#[test]
fn libzmq_dealer_is_understood() {
    let now = Instant::now();
    let mut c = conn(ROUTER, b"", now);
    let stream = cat(&[
        LZ_SIG_ABC,
        LZ_AFTER_SIG,
        LZ_AFTER_REVISION,
        LZ_READY[DEALER as usize],
        LZ_DEALER_HELLO,
        LZ_DEALER_MULTI_HEAD,
        &[b'x'; 300],
    ]);
    let events = feed(&mut c, &stream, now);
    let Some(Event::Ready { metadata, .. }) = events.first() else {
        panic!("no Ready");
    };
    assert_eq!(metadata.get("Socket-Type").unwrap().to_bytes(), b"DEALER");
    assert_eq!(metadata.get("Identity").unwrap().to_bytes(), b"abc");
    let (ready, frames) = split(events);
    assert_eq!(
        ready,
        [(Version::V3_1, Some(b"abc".to_vec()), Some(DEALER))]
    );
    assert_eq!(
        frames,
        [
            Frame::new(b"hello", false),
            Frame::new(b"a", true),
            Frame::new(&[b'x'; 300], false)
        ]
    );
}

#[test]
fn our_dealer_writes_what_libzmq_writes() {
    let now = Instant::now();
    let mut c = conn(DEALER, b"abc", now);
    feed(&mut c, &cat(&[LZ_SIG, &peer_greeting(1, b"NULL")]), now);
    let (ready, _) = split(feed(&mut c, &peer_ready(b"ROUTER", Some(b"")), now));
    // An empty Identity is no routing id.
    assert_eq!(ready, [(Version::V3_1, None, Some(ROUTER))]);
    take_output(&mut c);
    assert!(c.send(Msg::from_slice(b"hello")).is_ok());
    assert_eq!(take_output(&mut c), LZ_DEALER_HELLO);
    assert!(c.send(Frame::new(b"a", true).to_msg()).is_ok());
    assert!(c.send(Msg::from_slice(&[b'x'; 300])).is_ok());
    assert_eq!(
        take_output(&mut c),
        cat(&[LZ_DEALER_MULTI_HEAD, &[b'x'; 300]])
    );
}

#[test]
fn sub_subscriptions_match_libzmq_over_31_and_30() {
    for (minor, tail, version) in [
        (1, LZ_SUB_31_TAIL, Version::V3_1),
        (0, LZ_SUB_30_TAIL, Version::V3_0),
    ] {
        let now = Instant::now();
        let mut c = conn(SUB, b"", now);
        let peer = cat(&[
            LZ_SIG,
            &peer_greeting(minor, b"NULL"),
            &peer_ready(b"PUB", None),
        ]);
        let (ready, _) = split(feed(&mut c, &peer, now));
        assert_eq!(ready, [(version, None, Some(PUB))]);
        for sub in [&b"\x01topic"[..], b"\x00topic", b"\x01"] {
            assert!(c.send(Frame::sub(sub).to_msg()).is_ok());
        }
        let expected = cat(&[
            LZ_SIG,
            LZ_AFTER_SIG,
            LZ_AFTER_REVISION,
            LZ_READY[SUB as usize],
            tail,
        ]);
        assert_eq!(take_output(&mut c), expected, "minor {minor}");
    }
}

#[test]
fn libzmq_sub_subscriptions_are_understood() {
    for (tail, subscription) in [(LZ_SUB_31_TAIL, true), (LZ_SUB_30_TAIL, false)] {
        let now = Instant::now();
        let mut c = conn(XPUB, b"", now);
        let stream = cat(&[
            LZ_SIG,
            LZ_AFTER_SIG,
            LZ_AFTER_REVISION,
            LZ_READY[SUB as usize],
            tail,
        ]);
        let (_, frames) = split(feed(&mut c, &stream, now));
        let expected: Vec<Frame> = [&b"\x01topic"[..], b"\x00topic", b"\x01"]
            .iter()
            .map(|d| Frame {
                data: d.to_vec(),
                more: false,
                subscription,
            })
            .collect();
        assert_eq!(frames, expected);
    }
}

#[test]
fn pub_matches_libzmq() {
    let now = Instant::now();
    let mut c = conn(PUB, b"", now);
    let peer = cat(&[
        LZ_SIG,
        &peer_greeting(1, b"NULL"),
        &peer_ready(b"SUB", None),
        b"\x04\x0b\x09SUBSCRIBEt",
    ]);
    let (_, frames) = split(feed(&mut c, &peer, now));
    assert_eq!(frames, [Frame::sub(b"\x01t")]);
    // The socket filters "ux" out; the connection writes what it is given.
    assert!(c.send(Msg::from_slice(b"tx")).is_ok());
    assert!(c.send(Msg::from_slice(b"ty")).is_ok());
    let expected = cat(&[
        LZ_SIG,
        LZ_AFTER_SIG,
        LZ_AFTER_REVISION,
        LZ_READY[PUB as usize],
        LZ_PUB_TAIL,
    ]);
    assert_eq!(take_output(&mut c), expected);
    // And our SUB reads libzmq's PUB.
    let mut sub = conn(SUB, b"", now);
    let (_, frames) = split(feed(&mut sub, &expected, now));
    assert_eq!(frames, [Frame::new(b"tx", false), Frame::new(b"ty", false)]);
}

#[test]
fn req_request_matches_libzmq() {
    let now = Instant::now();
    let mut c = conn(REQ, b"abc", now);
    let peer = cat(&[
        LZ_SIG,
        &peer_greeting(1, b"NULL"),
        &peer_ready(b"REP", None),
    ]);
    feed(&mut c, &peer, now);
    take_output(&mut c);
    assert!(c.send(Frame::new(b"", true).to_msg()).is_ok());
    assert!(c.send(Msg::from_slice(b"req")).is_ok());
    assert_eq!(take_output(&mut c), LZ_REQ_REQUEST);
}

#[test]
fn pong_and_ping_match_libzmq() {
    let now = Instant::now();
    let mut c = conn(PULL, b"", now);
    let peer = cat(&[
        LZ_SIG,
        &peer_greeting(1, b"NULL"),
        &peer_ready(b"PUSH", None),
    ]);
    feed(&mut c, &peer, now);
    take_output(&mut c);
    for (ping, pong) in [
        (&b"\x04\x0a\x04PING\x00\x0aCTX"[..], LZ_PONG_CTX),
        (b"\x04\x1a\x04PING\x00\x000123456789abcdefXYZ", LZ_PONG_LONG),
        (b"\x04\x07\x04PING\x00\x00", LZ_PONG_EMPTY),
    ] {
        assert!(feed(&mut c, ping, now).is_empty());
        assert_eq!(take_output(&mut c), pong);
    }
    let mut c = Connection::new(
        Config {
            heartbeat_ivl: Some(Duration::from_millis(100)),
            heartbeat_ttl: Duration::from_millis(2500),
            ..config(PUSH, b"")
        },
        now,
    );
    feed(
        &mut c,
        &cat(&[
            LZ_SIG,
            &peer_greeting(1, b"NULL"),
            &peer_ready(b"PULL", None),
        ]),
        now,
    );
    take_output(&mut c);
    let at = now + Duration::from_millis(100);
    assert_eq!(c.poll_timeout(), Some(at));
    c.handle_timeout(at).unwrap();
    assert_eq!(take_output(&mut c), LZ_PING_TTL_2500);
}

#[test]
fn zmtp_2_0_and_1_0_peers_get_what_libzmq_sends() {
    for (revision, routing_id, multi_head, version) in [
        (1, LZ_V2_ROUTING_ID, LZ_V2_MULTI_HEAD, Version::V2),
        (0, LZ_V1_ROUTING_ID, LZ_V1_MULTI_HEAD, Version::V1),
    ] {
        let now = Instant::now();
        let mut c = conn(DEALER, b"abc", now);
        assert_eq!(take_output(&mut c), LZ_SIG_ABC);
        // The peer's signature (routing id "xyz"), revision, socket type (ROUTER), one at a time.
        feed(&mut c, b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x7f", now);
        assert_eq!(take_output(&mut c), LZ_AFTER_SIG);
        feed(&mut c, &[revision], now);
        assert_eq!(take_output(&mut c), LZ_V2_AFTER_REVISION);
        assert!(feed(&mut c, &[ROUTER as u8], now).is_empty());
        assert_eq!(take_output(&mut c), routing_id);
        let peer_frames: &[u8] = if revision == 1 {
            b"\x00\x03xyz\x01\x02hi\x00\x05there"
        } else {
            b"\x04\x00xyz\x03\x01hi\x06\x00there"
        };
        let (ready, frames) = split(feed(&mut c, peer_frames, now));
        assert_eq!(ready, [(version, Some(b"xyz".to_vec()), Some(ROUTER))]);
        assert_eq!(
            frames,
            [Frame::new(b"hi", true), Frame::new(b"there", false)]
        );
        assert!(c.send(Frame::new(b"m1", true).to_msg()).is_ok());
        assert!(c.send(Msg::from_slice(&[b'x'; 300])).is_ok());
        assert_eq!(take_output(&mut c), cat(&[multi_head, &[b'x'; 300]]));
        // No heartbeats before ZMTP 3.
        assert_eq!(c.poll_timeout(), None);
    }
}

#[test]
fn unversioned_peers_get_what_libzmq_sends() {
    for first in [
        &b"\x04\x00xyz"[..],
        b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x00xyz",
    ] {
        // Every split of the peer's routing-id frame.
        for k in 0..=first.len() {
            let now = Instant::now();
            let mut c = conn(DEALER, b"abc", now);
            let mut events = feed(&mut c, &first[..k], now);
            events.extend(feed(&mut c, &first[k..], now));
            let (ready, _) = split(events);
            assert_eq!(ready, [(Version::V1, Some(b"xyz".to_vec()), None)]);
            assert_eq!(
                take_output(&mut c),
                cat(&[LZ_SIG_ABC, LZ_UNVERSIONED_AFTER_ID])
            );
            let (_, frames) = split(feed(&mut c, b"\x03\x01hi\x06\x00there", now));
            assert_eq!(
                frames,
                [Frame::new(b"hi", true), Frame::new(b"there", false)]
            );
            assert!(c.send(Frame::new(b"m1", true).to_msg()).is_ok());
            assert!(c.send(Msg::from_slice(&[b'x'; 300])).is_ok());
            assert_eq!(take_output(&mut c), cat(&[LZ_V1_MULTI_HEAD, &[b'x'; 300]]));
        }
    }
}

#[test]
fn long_routing_id_to_an_unversioned_peer() {
    // libzmq with a 254-byte routing id: its signature's length byte is 0xFF, then the id.
    let now = Instant::now();
    let id = [b'L'; 254];
    let mut c = conn(DEALER, &id, now);
    feed(&mut c, b"\x01\x00", now);
    assert_eq!(
        take_output(&mut c),
        cat(&[b"\xff\x00\x00\x00\x00\x00\x00\x00\xff\x7f", &id])
    );
}

#[test]
fn pub_subscribes_an_unversioned_peer_to_everything() {
    let now = Instant::now();
    let mut c = conn(PUB, b"", now);
    let (ready, frames) = split(feed(&mut c, b"\x01\x00", now));
    assert_eq!(ready, [(Version::V1, None, None)]);
    assert_eq!(frames, [Frame::new(b"\x01", false)]);
    assert_eq!(take_output(&mut c), LZ_SIG);
    assert!(c.send(Msg::from_slice(b"news")).is_ok());
    assert_eq!(take_output(&mut c), LZ_PUB_V1_NEWS);
}

#[test]
fn mechanism_mismatch_closes_without_a_word() {
    // libzmq reported ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL 0x11000002 and closed, sending
    // nothing after its greeting.
    let now = Instant::now();
    let mut c = conn(DEALER, b"abc", now);
    let failure = feed_failure(&mut c, &cat(&[LZ_SIG, &peer_greeting(1, b"PLAIN")]), now);
    assert_eq!(failure, Failure::MechanismMismatch);
    assert_eq!(
        failure.protocol_error_code(),
        Some(protocol_error::MECHANISM_MISMATCH)
    );
    assert!(!failure.is_timeout());
    assert_eq!(
        take_output(&mut c),
        cat(&[LZ_SIG_ABC, LZ_AFTER_SIG, LZ_AFTER_REVISION])
    );
    assert_eq!(c.poll_event(now).unwrap_err(), Failure::MechanismMismatch);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn incompatible_socket_type_closes_without_error_command() {
    // libzmq sent its READY, then closed on the peer's (no ERROR, no protocol event).
    let now = Instant::now();
    let mut c = conn(DEALER, b"abc", now);
    let peer = cat(&[
        LZ_SIG,
        &peer_greeting(1, b"NULL"),
        &peer_ready(b"PUB", None),
    ]);
    let failure = feed_failure(&mut c, &peer, now);
    assert_eq!(failure, Failure::IncompatibleSocketType);
    assert_eq!(failure.protocol_error_code(), None);
    assert_eq!(
        take_output(&mut c),
        cat(&[
            LZ_SIG_ABC,
            LZ_AFTER_SIG,
            LZ_AFTER_REVISION,
            LZ_READY[DEALER as usize]
        ])
    );
}

#[test]
fn split_at_every_offset_of_a_recorded_stream() {
    let stream = cat(&[
        LZ_SIG,
        LZ_AFTER_SIG,
        LZ_AFTER_REVISION,
        LZ_READY[SUB as usize],
        LZ_SUB_31_TAIL,
    ]);
    let now = Instant::now();
    let whole = split(feed(&mut conn(XPUB, b"", now), &stream, now));
    assert_eq!(whole.1.len(), 3);
    for i in 0..=stream.len() {
        for j in i..=stream.len() {
            let mut c = conn(XPUB, b"", now);
            let mut events = feed(&mut c, &stream[..i], now);
            events.extend(feed(&mut c, &stream[i..j], now));
            events.extend(feed(&mut c, &stream[j..], now));
            assert_eq!(split(events), whole, "{i} {j}");
        }
    }
    let mut c = conn(XPUB, b"", now);
    let mut events = Vec::new();
    for b in &stream {
        events.extend(feed(&mut c, std::slice::from_ref(b), now));
    }
    assert_eq!(split(events), whole);
}
