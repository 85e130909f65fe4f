//! Two of our connections back to back.

use super::*;

fn has_identity(socket_type: i32) -> bool {
    matches!(socket_type, REQ | DEALER | ROUTER)
}

#[test]
fn every_compatible_pair_handshakes() {
    for (a, b) in COMPATIBLE {
        let mut link = Link::new(config(a, b"A"), config(b, b"B"));
        link.run(usize::MAX, None);
        let (a_ready, a_frames) = split(std::mem::take(&mut link.a_events));
        let (b_ready, b_frames) = split(std::mem::take(&mut link.b_events));
        assert!(a_frames.is_empty() && b_frames.is_empty());
        let b_id = has_identity(b).then(|| b"B".to_vec());
        let a_id = has_identity(a).then(|| b"A".to_vec());
        assert_eq!(a_ready, [(Version::V3_1, b_id, Some(b))], "{a} {b}");
        assert_eq!(b_ready, [(Version::V3_1, a_id, Some(a))], "{a} {b}");
        assert!(link.a.is_ready() && link.b.is_ready());
        assert_eq!(link.a.version(), Some(Version::V3_1));
    }
}

#[test]
fn every_incompatible_pair_fails_on_both_sides() {
    for a in 0..=11 {
        for b in 0..=11 {
            if COMPATIBLE.contains(&(a, b)) {
                continue;
            }
            let mut link = Link::new(config(a, b""), config(b, b""));
            link.run(usize::MAX, None);
            assert_eq!(link.a_failure, Some(Failure::IncompatibleSocketType));
            assert_eq!(link.b_failure, Some(Failure::IncompatibleSocketType));
            assert!(link.a_events.is_empty() && link.b_events.is_empty());
            assert!(!link.a.is_ready());
        }
    }
}

#[test]
fn metadata_carries_every_ready_property() {
    let mut link = Link::new(config(DEALER, b"abc"), config(ROUTER, b""));
    link.run(usize::MAX, None);
    let Some(Event::Ready { metadata, .. }) = link.b_events.first() else {
        panic!("no Ready");
    };
    assert_eq!(metadata.get("Socket-Type").unwrap().to_bytes(), b"DEALER");
    assert_eq!(metadata.get("Identity").unwrap().to_bytes(), b"abc");
    assert_eq!(metadata.len(), 2);
}

fn sample_frames() -> Vec<Frame> {
    vec![
        Frame::new(b"", false),
        Frame::new(b"short", false),
        Frame::new(&[0xAB; 255], false),
        Frame::new(&[0xCD; 256], false),
        Frame::new(&[0xEF; 5000], false),
        Frame::new(b"part 1", true),
        Frame::new(&[1; 300], true),
        Frame::new(b"part 3", false),
        Frame::new(&vec![0x5A; 20_000], false),
    ]
}

fn exchange(chunk: usize, frames: &[Frame]) {
    let mut link = Link::new(config(DEALER, b"d"), config(ROUTER, b"r"));
    link.run(chunk, None);
    assert!(link.a.is_ready() && link.b.is_ready());
    link.a_events.clear();
    link.b_events.clear();
    link.send_a(frames);
    link.send_b(frames);
    link.run(chunk, None);
    assert_eq!(link.a_failure, None);
    assert_eq!(link.b_failure, None);
    let (_, at_a) = split(std::mem::take(&mut link.a_events));
    let (_, at_b) = split(std::mem::take(&mut link.b_events));
    assert_eq!(at_a, frames);
    assert_eq!(at_b, frames);
}

#[test]
fn messages_short_long_and_multipart() {
    exchange(usize::MAX, &sample_frames());
}

#[test]
fn messages_byte_at_a_time() {
    exchange(1, &sample_frames());
}

#[test]
fn messages_in_odd_pieces() {
    for chunk in [2, 3, 7, 100, 1000, 8191, 8193, 70_000] {
        exchange(chunk, &sample_frames());
    }
}

#[test]
fn one_mebibyte() {
    let big = Frame::new(&(0..1 << 20).map(|i| i as u8).collect::<Vec<_>>(), false);
    exchange(usize::MAX, std::slice::from_ref(&big));
    exchange(65_536, std::slice::from_ref(&big));
    exchange(1500, &[big.clone(), Frame::new(b"after", false)]);
}

#[test]
fn one_mebibyte_is_read_in_place() {
    // Read the way the I/O side does: as much as the buffer offered each time.
    let now = Instant::now();
    let mut link = Link::new(config(PUSH, b""), config(PULL, b""));
    link.run(usize::MAX, None);
    let body = vec![7u8; 1 << 20];
    assert!(link.a.send(Msg::from_slice(&body)).is_ok());
    let wire = take_output(&mut link.a);
    let mut offered = Vec::new();
    let mut pos = 0;
    let mut got = None;
    while pos < wire.len() {
        let buf = link.b.read_buffer();
        offered.push(buf.len());
        let n = buf.len().min(wire.len() - pos);
        buf[..n].copy_from_slice(&wire[pos..pos + n]);
        link.b.read_done(n, now);
        pos += n;
        if let Some(Event::Message(msg)) = link.b.poll_event(now).unwrap() {
            got = Some(msg);
        }
    }
    assert_eq!(got.unwrap().data(), &body[..]);
    // The internal buffer first, then the body's own buffer, doubling from 64 KiB.
    assert!(offered.len() <= 12, "{offered:?}");
    assert!(
        offered.iter().skip(1).all(|&n| n >= 64 * 1024 - 16 * 1024),
        "{offered:?}"
    );
}

/// Feeds `bytes` to `c` and polls what they complete: the whole messages received.
fn receive(c: &mut Connection, bytes: &[u8], now: Instant) -> usize {
    feed(c, bytes, now)
        .iter()
        .filter(|e| matches!(e, Event::Message(m) if !m.more()))
        .count()
}

#[test]
fn a_large_body_is_awaited_only_while_the_peer_streams() {
    let mut link = Link::new(config(PAIR, b""), config(PAIR, b""));
    link.run(usize::MAX, None);
    let now = link.now;
    let size = 1 << 20;
    let body = vec![7u8; size];
    let part = 100_000;
    // The first message: B wrote its handshake since it last heard a message from A.
    assert!(link.a.send(Msg::from_slice(&body)).is_ok());
    let wire = take_output(&mut link.a);
    let header = wire.len() - size;
    assert_eq!(receive(&mut link.b, &wire[..part], now), 0);
    assert_eq!(link.b.body_missing(), 0);
    assert_eq!(receive(&mut link.b, &wire[part..], now), 1);
    assert_eq!(link.b.body_missing(), 0);
    // The second: B said nothing since, so A streams: the rest of the body may be awaited.
    assert!(link.a.send(Msg::from_slice(&body)).is_ok());
    let wire = take_output(&mut link.a);
    assert_eq!(receive(&mut link.b, &wire[..part], now), 0);
    assert_eq!(link.b.body_missing(), size - (part - header));
    assert_eq!(receive(&mut link.b, &wire[part..], now), 1);
    // B answers: A's next message may be waiting for that answer to arrive, and is read as
    // it comes (as a request is, or a reply). A frame with more to come does not end the
    // message (a REQ's delimiter before the body).
    assert!(link.b.send(Msg::from_slice(b"answer")).is_ok());
    take_output(&mut link.b);
    let mut head = Msg::from_slice(b"head");
    head.set_more(true);
    assert!(link.a.send(head).is_ok());
    assert!(link.a.send(Msg::from_slice(&body)).is_ok());
    let wire = take_output(&mut link.a);
    assert_eq!(receive(&mut link.b, &wire[..part], now), 0);
    assert_eq!(link.b.body_missing(), 0);
    assert_eq!(receive(&mut link.b, &wire[part..], now), 1);
    // That message ended, B said nothing since: A streams again.
    assert!(link.a.send(Msg::from_slice(&body)).is_ok());
    let wire = take_output(&mut link.a);
    assert_eq!(receive(&mut link.b, &wire[..part], now), 0);
    assert_eq!(link.b.body_missing(), size - (part - header));
    assert_eq!(receive(&mut link.b, &wire[part..], now), 1);
}

#[test]
fn a_large_body_is_read_as_it_comes_while_heartbeats_run() {
    let heartbeats = Config {
        heartbeat_ivl: Some(std::time::Duration::from_secs(60)),
        ..config(PAIR, b"")
    };
    let mut link = Link::new(config(PAIR, b""), heartbeats);
    link.run(usize::MAX, None);
    let now = link.now;
    let body = vec![7u8; 1 << 20];
    for _ in 0..2 {
        assert!(link.a.send(Msg::from_slice(&body)).is_ok());
        let wire = take_output(&mut link.a);
        assert_eq!(receive(&mut link.b, &wire[..100_000], now), 0);
        assert_eq!(link.b.body_missing(), 0);
        assert_eq!(receive(&mut link.b, &wire[100_000..], now), 1);
    }
}

#[test]
fn split_at_every_offset_of_the_handshake() {
    let mut whole = Link::new(config(DEALER, b"abc"), config(ROUTER, b"xyz"));
    whole.run(usize::MAX, None);
    let expected_a = split(std::mem::take(&mut whole.a_events));
    let expected_b = split(std::mem::take(&mut whole.b_events));
    // The longest first piece: greeting and READY.
    for k in 0..=64 + 48 {
        let mut link = Link::new(config(DEALER, b"abc"), config(ROUTER, b"xyz"));
        link.run(usize::MAX, Some(k));
        assert_eq!(split(std::mem::take(&mut link.a_events)), expected_a, "{k}");
        assert_eq!(split(std::mem::take(&mut link.b_events)), expected_b, "{k}");
    }
}

#[test]
fn handshake_byte_at_a_time() {
    for (a, b) in COMPATIBLE {
        let mut link = Link::new(config(a, b"A"), config(b, b"B"));
        link.run(1, None);
        assert!(link.a.is_ready() && link.b.is_ready(), "{a} {b}");
    }
}

#[test]
fn subscriptions_travel_as_commands() {
    let mut link = Link::new(config(SUB, b""), config(XPUB, b""));
    link.run(usize::MAX, None);
    link.a_events.clear();
    link.b_events.clear();
    let subs = [
        Frame::sub(b"\x01topic"),
        Frame::sub(b"\x00topic"),
        Frame::sub(b"\x01"),
    ];
    link.send_a(&subs);
    let wire: Vec<u8> = link.a.output().iter().flat_map(|s| s.to_vec()).collect();
    assert_eq!(
        wire,
        b"\x04\x0f\x09SUBSCRIBEtopic\x04\x0c\x06CANCELtopic\x04\x0a\x09SUBSCRIBE"
    );
    link.run(usize::MAX, None);
    let (_, frames) = split(std::mem::take(&mut link.b_events));
    assert_eq!(frames, subs);
    // A data frame that looks like a subscription stays a data frame.
    link.send_a(&[Frame::new(b"\x01data", false)]);
    link.run(usize::MAX, None);
    let (_, frames) = split(std::mem::take(&mut link.b_events));
    assert_eq!(frames, [Frame::new(b"\x01data", false)]);
}

#[test]
fn send_before_ready_is_refused() {
    let now = Instant::now();
    let mut c = conn(DEALER, b"", now);
    let msg = c.send(Msg::from_slice(b"early")).unwrap_err();
    assert_eq!(msg.data(), b"early");
    assert!(!c.is_ready());
    assert_eq!(c.version(), None);
}

#[test]
fn ping_is_answered_with_pong() {
    let mut link = Link::new(config(DEALER, b""), config(ROUTER, b""));
    link.run(usize::MAX, None);
    link.b_events.clear();
    assert!(link.a.send(command_frame(b"\x04PING\x00\x00ctx")).is_ok());
    let ping = take_output(&mut link.a);
    assert!(feed(&mut link.b, &ping, link.now).is_empty());
    assert_eq!(take_output(&mut link.b), b"\x04\x08\x04PONGctx");
}

fn command_frame(body: &[u8]) -> Msg {
    let mut msg = Msg::from_slice(body);
    msg.set_command(true);
    msg
}

#[test]
fn write_output_hands_out_slices_and_consumes_what_was_written() {
    let mut link = Link::new(config(PUSH, b""), config(PULL, b""));
    link.run(usize::MAX, None);
    for i in 0..100u8 {
        assert!(link.a.send(Msg::from_slice(&[i; 2000])).is_ok());
    }
    let total = link.a.output_len();
    let mut wire = Vec::new();
    while link.a.output_len() > 0 {
        let n = link
            .a
            .write_output(|slices| {
                assert!(slices.len() <= crate::zmtp::WRITE_SLICES);
                // A short write: a prefix of at most 3500 bytes.
                let taken: Vec<u8> = slices
                    .iter()
                    .flat_map(|s| s.iter().copied())
                    .take(3500)
                    .collect();
                wire.extend_from_slice(&taken);
                Ok(taken.len())
            })
            .unwrap();
        assert!(n > 0);
    }
    assert_eq!(wire.len(), total);
    let (_, frames) = split(feed(&mut link.b, &wire, link.now));
    assert_eq!(frames.len(), 100);
    assert!(
        frames
            .iter()
            .enumerate()
            .all(|(i, f)| f.data == [i as u8; 2000])
    );
}
