//! Fuzz entry points for the parts of the codec that are private to this module: the frame
//! decoder, the greeting and the command and property parsers (`crate::fuzzing` exposes them).
//! Each takes arbitrary bytes and checks what must hold whatever they are.

use crate::msg::Msg;
use crate::zmtp::command::{self, Command};
use crate::zmtp::decoder::Input;
use crate::zmtp::encoder::Framing;
use crate::zmtp::greeting::{Greeting, Step};
use crate::zmtp::{PeerProperties, properties, zap};

/// The frame decoder fed through its own buffers as a session feeds it: the header byte picks
/// the framing, a MAXMSGSIZE and the size of each read. Frames are taken by the fast path and
/// by `next_frame` in turn. No frame exceeds the limit, and together they never hold more bytes
/// than were read.
pub fn decoder(data: &[u8]) {
    let Some((&[flags, chunk], mut rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let framing = if flags & 1 == 0 {
        Framing::V2
    } else {
        Framing::V1
    };
    let maxmsgsize = (flags & 2 != 0).then_some(u64::from(flags >> 2) * 97);
    let chunk = usize::from(chunk) * 64 + 1;
    let mut input = Input::new();
    let mut received = 0usize;
    let mut decoded = 0usize;
    while !rest.is_empty() {
        let ready = rest.len();
        let buffer = input.read_buffer_ready(|| ready);
        assert!(!buffer.is_empty());
        let n = buffer.len().min(chunk).min(rest.len());
        buffer[..n].copy_from_slice(&rest[..n]);
        input.read_done(n);
        rest = &rest[n..];
        received += n;
        loop {
            let frame = match input.next_data_frame(framing, maxmsgsize) {
                Some(frame) => {
                    let msg = frame.into_msg();
                    assert!(!msg.is_command());
                    msg
                }
                None => match input.next_frame(framing, maxmsgsize) {
                    Ok(Some(msg)) => msg,
                    Ok(None) => break,
                    Err(_) => return,
                },
            };
            if let Some(max) = maxmsgsize {
                assert!(frame.size() as u64 <= max, "{} over {max}", frame.size());
            }
            decoded += frame.size();
            assert!(decoded <= received, "{decoded} decoded from {received}");
        }
    }
}

/// The greeting read from arbitrary bytes arriving in pieces: what we send stays within one
/// greeting, and a complete one never claims more bytes than arrived.
pub fn greeting(data: &[u8]) {
    let Some((&[socket_type, mechanism, chunk], rest)) = data.split_first_chunk::<3>() else {
        return;
    };
    let mechanism = ["NULL", "PLAIN", "CURVE"][usize::from(mechanism % 3)];
    let chunk = usize::from(chunk % 16) + 1;
    let mut greeting = Greeting::default();
    let mut received = Vec::new();
    let mut sent = Vec::new();
    for piece in rest.chunks(chunk) {
        received.extend_from_slice(piece);
        match greeting.advance(&received, socket_type, mechanism, &mut sent) {
            Step::NeedMore => {}
            Step::Done { consumed, .. } => {
                assert!(consumed <= received.len());
                break;
            }
        }
        // Signature (sent first, elsewhere) + revision + the rest of a 3.x greeting at most.
        assert!(sent.len() <= 64 - 10, "{} bytes sent", sent.len());
    }
}

/// A command body and a property list from arbitrary bytes: the parsers of PING, PONG,
/// SUBSCRIBE and CANCEL, of READY metadata (for every socket type of ours) and of ZAP
/// metadata, and a ZAP reply made of the bytes cut at each 0xFF.
pub fn commands(data: &[u8]) {
    match Command::parse(data) {
        Command::Ping { context, .. } => {
            assert!(context.len() <= 16);
            let pong = command::pong(context);
            assert_eq!(Command::parse(&pong), Command::Pong);
        }
        Command::Subscribe(topic) | Command::Cancel(topic) => assert!(topic.len() < data.len()),
        Command::Membership => {
            assert!(data.starts_with(b"\x04JOIN") || data.starts_with(b"\x05LEAVE"))
        }
        Command::Pong | Command::Other => {}
    }
    if let Some(body) = command::subscription(data) {
        assert!(matches!(
            Command::parse(&body),
            Command::Subscribe(_) | Command::Cancel(_)
        ));
    }
    let ours = data.first().map_or(0, |&b| i32::from(b % 21));
    let mut peer = PeerProperties::default();
    if properties::parse(data, ours, &mut peer).is_ok() {
        // Each property takes at least its name's length byte and its value's 4 length bytes.
        assert!(peer.metadata.len() <= data.len() / 5);
    }
    let _ = properties::parse_zap(data, &mut PeerProperties::default());
    let frames: Vec<Msg> = data
        .split(|&b| b == 0xFF)
        .take(16)
        .map(Msg::from_slice)
        .collect();
    let _ = zap::parse_reply(&frames);
}
