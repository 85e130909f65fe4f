//! The handshake and heartbeat timers, with synthetic instants. The expectations follow what
//! libzmq 4.3.4 did when recorded: with ZMQ_HEARTBEAT_IVL 100 ms and ZMQ_HEARTBEAT_TIMEOUT
//! 300 ms a silent peer got PINGs at 100, 200, 300 ms and was dropped at 400 ms; with the
//! time-out left at its default (the interval), at 200 ms; a PING with TTL 5 (500 ms) and then
//! silence got us dropped after 500 ms, while a frame at 300 ms kept the connection.

use std::time::Duration;

use super::*;

const PING: &[u8] = b"\x04\x07\x04PING\x00\x00";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn peer_handshake() -> Vec<u8> {
    let mut g = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03\x01NULL".to_vec();
    g.resize(64, 0);
    g.extend_from_slice(b"\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x03REP");
    g
}

fn heartbeating(ivl: u64, timeout: Option<u64>, t0: Instant) -> Connection {
    let mut c = Connection::new(
        Config {
            heartbeat_ivl: Some(ms(ivl)),
            heartbeat_timeout: timeout.map(ms),
            ..config(DEALER, b"")
        },
        t0,
    );
    assert_eq!(feed(&mut c, &peer_handshake(), t0).len(), 1);
    take_output(&mut c);
    c
}

#[test]
fn handshake_timeout() {
    let t0 = Instant::now();
    let mut c = Connection::new(
        Config {
            handshake_ivl: Some(ms(1000)),
            ..config(DEALER, b"")
        },
        t0,
    );
    assert_eq!(c.poll_timeout(), Some(t0 + ms(1000)));
    assert_eq!(c.handle_timeout(t0 + ms(999)), Ok(()));
    // A greeting alone does not stop it.
    feed(&mut c, &peer_handshake()[..64], t0 + ms(500));
    assert_eq!(c.poll_timeout(), Some(t0 + ms(1000)));
    let failure = c.handle_timeout(t0 + ms(1000)).unwrap_err();
    assert_eq!(failure, Failure::HandshakeTimeout);
    assert!(failure.is_timeout());
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.poll_event(t0).unwrap_err(), Failure::HandshakeTimeout);
}

#[test]
fn handshake_timer_stops_when_ready() {
    let t0 = Instant::now();
    let mut c = Connection::new(config(DEALER, b""), t0);
    assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_secs(30)));
    feed(&mut c, &peer_handshake(), t0);
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.handle_timeout(t0 + Duration::from_secs(60)), Ok(()));
    // Unlike libzmq 4.3.4, which drops ZMTP 1.0 and 2.0 connections when the handshake
    // interval ends even though their handshake is over.
    let mut c = Connection::new(config(DEALER, b""), t0);
    feed(&mut c, b"\x01\x00", t0);
    assert!(c.is_ready());
    assert_eq!(c.poll_timeout(), None);
    let c = Connection::new(
        Config {
            handshake_ivl: None,
            ..config(DEALER, b"")
        },
        t0,
    );
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn silent_peer_times_out_after_ping() {
    let t0 = Instant::now();
    let mut c = heartbeating(100, Some(300), t0);
    assert_eq!(c.poll_timeout(), Some(t0 + ms(100)));
    for n in 1..=3 {
        let at = t0 + ms(100 * n);
        c.handle_timeout(at).unwrap();
        assert_eq!(take_output(&mut c), PING);
    }
    // The time-out was armed by the first PING only.
    assert_eq!(c.poll_timeout(), Some(t0 + ms(400)));
    assert_eq!(
        c.handle_timeout(t0 + ms(400)).unwrap_err(),
        Failure::HeartbeatTimeout
    );
}

#[test]
fn timeout_defaults_to_the_interval() {
    let t0 = Instant::now();
    let mut c = heartbeating(100, None, t0);
    c.handle_timeout(t0 + ms(100)).unwrap();
    assert_eq!(c.poll_timeout(), Some(t0 + ms(200)));
    assert_eq!(
        c.handle_timeout(t0 + ms(200)).unwrap_err(),
        Failure::HeartbeatTimeout
    );
}

#[test]
fn anything_received_cancels_the_timeout() {
    let t0 = Instant::now();
    let mut c = heartbeating(100, Some(300), t0);
    c.handle_timeout(t0 + ms(100)).unwrap();
    assert_eq!(take_output(&mut c), PING);
    // The peer's PONG.
    feed(&mut c, b"\x04\x05\x04PONG", t0 + ms(150));
    assert_eq!(c.poll_timeout(), Some(t0 + ms(200)));
    c.handle_timeout(t0 + ms(200)).unwrap();
    assert_eq!(c.poll_timeout(), Some(t0 + ms(300)));
    // Bytes of a frame still incomplete count too.
    c.handle_input(b"\x00\x10par", t0 + ms(250));
    assert!(poll_all(&mut c, t0 + ms(250)).unwrap().is_empty());
    c.handle_timeout(t0 + ms(300)).unwrap();
    c.handle_timeout(t0 + ms(400)).unwrap();
    c.handle_timeout(t0 + ms(500)).unwrap();
    assert_eq!(
        c.handle_timeout(t0 + ms(600)).unwrap_err(),
        Failure::HeartbeatTimeout
    );
}

#[test]
fn no_timeout_while_input_is_held_back() {
    let t0 = Instant::now();
    let mut c = heartbeating(100, Some(300), t0);
    // Bytes the caller has not decoded yet (its pipe is full).
    c.handle_input(b"\x00\x01a\x00\x01b", t0 + ms(50));
    c.handle_timeout(t0 + ms(100)).unwrap();
    assert_eq!(take_output(&mut c), PING);
    assert_eq!(c.poll_timeout(), Some(t0 + ms(200)));
}

#[test]
fn zero_timeout_never_fires() {
    let t0 = Instant::now();
    let mut c = heartbeating(100, Some(0), t0);
    for n in 1..=10 {
        c.handle_timeout(t0 + ms(100 * n)).unwrap();
    }
    assert_eq!(take_output(&mut c), PING.repeat(10));
}

#[test]
fn peer_ttl() {
    let t0 = Instant::now();
    let mut c = conn(DEALER, b"", t0);
    feed(&mut c, &peer_handshake(), t0);
    take_output(&mut c);
    assert_eq!(c.poll_timeout(), None);
    feed(&mut c, b"\x04\x07\x04PING\x00\x05", t0);
    assert_eq!(take_output(&mut c), b"\x04\x05\x04PONG");
    assert_eq!(c.poll_timeout(), Some(t0 + ms(500)));
    // A frame at 300 ms cancels it.
    feed(&mut c, b"\x00\x01x", t0 + ms(300));
    assert_eq!(c.poll_timeout(), None);
    feed(&mut c, b"\x04\x07\x04PING\x00\x05", t0 + ms(400));
    assert_eq!(
        c.handle_timeout(t0 + ms(900)).unwrap_err(),
        Failure::HeartbeatTimeout
    );
    // A TTL of 0 asks for nothing; large ones do not wrap (libzmq computes them in 16 bits).
    let mut c = conn(DEALER, b"", t0);
    feed(&mut c, &peer_handshake(), t0);
    feed(&mut c, b"\x04\x07\x04PING\x00\x00", t0);
    assert_eq!(c.poll_timeout(), None);
    feed(&mut c, b"\x04\x07\x04PING\xff\xff", t0);
    assert_eq!(c.poll_timeout(), Some(t0 + ms(6_553_500)));
}

#[test]
fn ttl_is_sent_in_deciseconds() {
    let t0 = Instant::now();
    for (ttl, wire) in [
        (0, 0u16),
        (99, 0),
        (2500, 25),
        (6_553_500, 65535),
        (10_000_000, 65535),
    ] {
        let mut c = Connection::new(
            Config {
                heartbeat_ivl: Some(ms(10)),
                heartbeat_ttl: ms(ttl),
                ..config(DEALER, b"")
            },
            t0,
        );
        feed(&mut c, &peer_handshake(), t0);
        take_output(&mut c);
        c.handle_timeout(t0 + ms(10)).unwrap();
        let mut expected = b"\x04\x07\x04PING".to_vec();
        expected.extend_from_slice(&wire.to_be_bytes());
        assert_eq!(take_output(&mut c), expected);
    }
}

#[test]
fn heartbeats_need_zmtp_3() {
    let t0 = Instant::now();
    let mut c = Connection::new(
        Config {
            heartbeat_ivl: Some(ms(100)),
            ..config(DEALER, b"")
        },
        t0,
    );
    // A ZMTP 2.0 peer.
    feed(
        &mut c,
        b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x06\x00\x00",
        t0,
    );
    assert!(c.is_ready());
    assert_eq!(c.poll_timeout(), None);
}
