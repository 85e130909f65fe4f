//! Hostile input: every case ends in a failure or in events, never in a panic, and never in an
//! allocation beyond what was received.

use super::*;
use crate::zmtp::decoder::{BUF_SIZE, LARGE_START};
use crate::zmtp::protocol_error;

/// A 3.1 NULL greeting from a peer without routing id.
fn greeting() -> Vec<u8> {
    let mut g = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03\x01NULL".to_vec();
    g.resize(64, 0);
    g
}

fn ready(socket_type: &[u8]) -> Vec<u8> {
    let mut body = b"\x05READY".to_vec();
    crate::zmtp::properties::write_property(&mut body, "Socket-Type", socket_type);
    command(&body)
}

/// A DEALER connection past its handshake with a ROUTER peer.
fn ready_dealer(maxmsgsize: Option<u64>) -> (Connection, Instant) {
    let now = Instant::now();
    let mut c = Connection::new(
        Config {
            maxmsgsize,
            ..config(DEALER, b"")
        },
        now,
    );
    let events = feed(&mut c, &[greeting(), ready(b"ROUTER")].concat(), now);
    assert_eq!(events.len(), 1);
    take_output(&mut c);
    (c, now)
}

/// The largest buffer a connection offers after receiving `received` bytes.
fn assert_bounded(c: &mut Connection, received: usize) {
    let offered = c.read_buffer().len();
    assert!(
        offered <= (2 * received).max(LARGE_START) + 2 * BUF_SIZE,
        "{offered} bytes offered after {received} received"
    );
}

#[test]
fn zero_length_v1_frame_is_malformed() {
    let now = Instant::now();
    let mut c = conn(DEALER, b"", now);
    let failure = feed_failure(&mut c, b"\x00", now);
    assert!(matches!(failure, Failure::Malformed(_)));
    assert_eq!(failure.protocol_error_code(), None);
    let mut c = conn(DEALER, b"", now);
    let failure = feed_failure(&mut c, b"\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00", now);
    assert!(matches!(failure, Failure::Malformed(_)));
}

#[test]
fn wrong_signature_is_a_zmtp_1_0_peer() {
    // As in libzmq: not 0xFF first means ZMTP 1.0, whose first frame is a routing id.
    let now = Instant::now();
    let mut c = conn(DEALER, b"", now);
    let events = feed(&mut c, b"GET / HTTP/1.1\r\n", now);
    assert!(events.is_empty());
    assert_eq!(c.version(), Some(Version::V1));
    let mut c = Connection::new(
        Config {
            maxmsgsize: Some(10),
            ..config(DEALER, b"")
        },
        now,
    );
    assert_eq!(
        feed_failure(&mut c, b"GET / HTTP/1.1\r\n", now),
        Failure::MessageTooLarge
    );
}

#[test]
fn unexpected_and_truncated_commands_in_the_handshake() {
    let cases: [(&[u8], Failure); 9] = [
        (b"", Failure::Protocol(protocol_error::UNEXPECTED_COMMAND)),
        (
            b"\x05READ",
            Failure::Protocol(protocol_error::UNEXPECTED_COMMAND),
        ),
        (
            b"\x05HELLO",
            Failure::Protocol(protocol_error::UNEXPECTED_COMMAND),
        ),
        (
            b"\x04PING\x00\x00",
            Failure::Protocol(protocol_error::UNEXPECTED_COMMAND),
        ),
        (
            b"\x05ERROR",
            Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR),
        ),
        (
            b"\x05ERROR\x09bad",
            Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR),
        ),
        (
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x09ROUTER",
            Failure::Malformed("metadata"),
        ),
        (b"\x05READY\x20Sock", Failure::Malformed("metadata")),
        (
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x00",
            Failure::Malformed("metadata"),
        ),
    ];
    for (body, expected) in cases {
        let now = Instant::now();
        let mut c = conn(DEALER, b"", now);
        let failure = feed_failure(&mut c, &[greeting(), command(body)].concat(), now);
        assert_eq!(failure, expected, "{body:?}");
        // Sticky.
        assert_eq!(c.poll_event(now).unwrap_err(), expected);
        assert_eq!(c.handle_timeout(now).unwrap_err(), expected);
        assert!(c.send(Msg::from_slice(b"x")).is_err());
    }
}

#[test]
fn error_command_from_the_peer() {
    let now = Instant::now();
    let mut c = conn(DEALER, b"", now);
    let failure = feed_failure(
        &mut c,
        &[greeting(), command(b"\x05ERROR\x03400")].concat(),
        now,
    );
    assert_eq!(failure, Failure::PeerError(b"400".to_vec()));
    assert_eq!(failure.auth_status(), Some(400));
    assert_eq!(Failure::PeerError(b"bad".to_vec()).auth_status(), None);
}

#[test]
fn handshake_frames_are_read_whatever_their_flags() {
    // libzmq hands every handshake frame to the mechanism, command flag or not.
    for flags in 0..=255u8 {
        let now = Instant::now();
        let mut c = conn(DEALER, b"", now);
        let body = &ready(b"ROUTER")[2..];
        let mut frame = vec![flags];
        if flags & 0x02 != 0 {
            frame.extend_from_slice(&(body.len() as u64).to_be_bytes());
        } else {
            frame.push(body.len() as u8);
        }
        frame.extend_from_slice(body);
        let events = feed(&mut c, &[greeting(), frame].concat(), now);
        assert_eq!(events.len(), 1, "{flags:#x}");
    }
}

#[test]
fn every_flags_byte_after_the_handshake() {
    // Reserved bits are ignored (libzmq 4.3.4 delivered frames flagged 0x08, 0xF8, 0xF1).
    for flags in 0..=255u8 {
        let (mut c, now) = ready_dealer(None);
        let mut wire = vec![flags];
        if flags & 0x02 != 0 {
            wire.extend_from_slice(&3u64.to_be_bytes());
        } else {
            wire.push(3);
        }
        wire.extend_from_slice(b"abc\x00\x03end");
        let (_, frames) = split(feed(&mut c, &wire, now));
        let more = flags & 0x01 != 0;
        if flags & 0x04 != 0 {
            // A command with a bad name length: dropped.
            assert_eq!(frames, [Frame::new(b"end", false)], "{flags:#x}");
        } else {
            assert_eq!(
                frames,
                [Frame::new(b"abc", more), Frame::new(b"end", false)],
                "{flags:#x}"
            );
        }
    }
}

#[test]
fn unknown_commands_after_the_handshake_are_dropped() {
    let (mut c, now) = ready_dealer(None);
    let wire = [
        command(b"\x05HELLOxx"),
        command(b"\x09SU"),
        command(b""),
        command(b"\x05READY"),
        command(b"\x04PONG"),
        b"\x00\x05after".to_vec(),
    ]
    .concat();
    let (_, frames) = split(feed(&mut c, &wire, now));
    assert_eq!(frames, [Frame::new(b"after", false)]);
    assert_eq!(c.output_len(), 0);
}

#[test]
fn frames_beyond_maxmsgsize() {
    let (mut c, now) = ready_dealer(Some(100));
    assert_eq!(
        feed(&mut c, &[&[0, 100][..], &[1; 100]].concat(), now).len(),
        1
    );
    assert_eq!(
        feed_failure(&mut c, &[0, 101], now),
        Failure::MessageTooLarge
    );
    // Checked on the declared size, before the body arrives.
    let (mut c, now) = ready_dealer(Some(1 << 20));
    let failure = feed_failure(&mut c, b"\x02\x00\x00\x00\x00\x00\x10\x00\x01", now);
    assert_eq!(failure, Failure::MessageTooLarge);
    // READY itself is a frame.
    let now = Instant::now();
    let mut c = Connection::new(
        Config {
            maxmsgsize: Some(4),
            ..config(DEALER, b"")
        },
        now,
    );
    let wire = [greeting(), ready(b"ROUTER")].concat();
    assert_eq!(feed_failure(&mut c, &wire, now), Failure::MessageTooLarge);
}

#[test]
fn huge_declared_sizes_allocate_only_what_arrives() {
    let (mut c, now) = ready_dealer(None);
    assert_eq!(
        feed_failure(&mut c, b"\x02\x80\x00\x00\x00\x00\x00\x00\x00", now),
        Failure::MessageTooLarge
    );
    let (mut c, now) = ready_dealer(None);
    assert!(feed(&mut c, b"\x02\x40\x00\x00\x00\x00\x00\x00\x00", now).is_empty());
    assert_bounded(&mut c, 9);
    let mut received = 9;
    for _ in 0..100 {
        assert!(feed(&mut c, &[0u8; 10_000], now).is_empty());
        received += 10_000;
        assert_bounded(&mut c, received);
    }
    let (mut c, now) = ready_dealer(None);
    let failure = feed_failure(&mut c, b"\x02\xff\xff\xff\xff\xff\xff\xff\xff", now);
    assert_eq!(failure, Failure::MessageTooLarge);
}

#[test]
fn random_garbage_from_the_start() {
    let mut rng = Rng::new(1);
    for round in 0..2000 {
        let now = Instant::now();
        let socket_type = round % 11;
        let mut c = conn(socket_type, b"id", now);
        let mut input = rng.bytes_up_to(200);
        // Half the time behind a valid signature, to reach the later stages.
        if round % 2 == 0 {
            let mut g = greeting();
            g.truncate(rng.below(65));
            input.splice(0..0, g);
        }
        let mut received = 0;
        for piece in input.chunks(rng.below(20) + 1) {
            c.handle_input(piece, now);
            received += piece.len();
            let _ = poll_all(&mut c, now);
            assert_bounded(&mut c, received);
            let _ = c.handle_timeout(now);
        }
    }
}

#[test]
fn random_garbage_after_the_handshake() {
    let mut rng = Rng::new(2);
    for round in 0..2000 {
        let (mut c, now) = ready_dealer(if round % 3 == 0 { Some(1000) } else { None });
        let input = rng.bytes_up_to(400);
        let mut received = 0;
        for piece in input.chunks(rng.below(30) + 1) {
            c.handle_input(piece, now);
            received += piece.len();
            if let Err(failure) = poll_all(&mut c, now) {
                assert!(matches!(failure, Failure::MessageTooLarge), "{failure:?}");
                break;
            }
            assert_bounded(&mut c, received);
        }
    }
}

#[test]
fn random_garbage_to_zmtp_1_0() {
    let mut rng = Rng::new(3);
    for _ in 0..2000 {
        let now = Instant::now();
        let mut c = conn(PUB, b"", now);
        let input = rng.bytes_up_to(300);
        let mut received = 0;
        for piece in input.chunks(rng.below(30) + 1) {
            c.handle_input(piece, now);
            received += piece.len();
            if poll_all(&mut c, now).is_err() {
                break;
            }
            assert_bounded(&mut c, received);
        }
    }
}
