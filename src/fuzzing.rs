//! Entry points of the fuzz targets (`fuzz/`), shared with the replay of their corpora in
//! `cargo test` (`tests/fuzz_corpus.rs`). Each takes arbitrary bytes; none may panic, and none
//! may allocate much more than it was given (the fuzzers run with a malloc limit).
#![forbid(unsafe_code)]
#![doc(hidden)]

use std::time::{Duration, Instant};

use crate::msg::Msg;
use crate::zmtp::curve::Random;
use crate::zmtp::{Config, Connection, CurveClient, CurveServer, Event, Mechanism, Security};

/// How a connection target sets itself up, from the first bytes of the input.
struct Setup {
    config: Config,
    /// How many bytes to feed at a time (1..=256).
    chunk: usize,
    /// Whether a ZAP request finds a handler (that accepts), or none.
    zap_handler: bool,
}

impl Setup {
    /// Reads the two header bytes: socket type and options, then the chunk size.
    fn read(data: &[u8], security: fn(u8) -> Security) -> Option<(Setup, &[u8])> {
        let (&[kind, flags, chunk], rest) = data.split_first_chunk::<3>()?;
        let config = Config {
            socket_type: i32::from(kind % 12),
            routing_id: b"fuzz".to_vec(),
            security: security(flags & 0x7),
            zap_domain: if flags & 0x08 != 0 {
                b"global".to_vec()
            } else {
                Vec::new()
            },
            zap_enforce_domain: flags & 0x10 != 0,
            peer_address: "127.0.0.1".into(),
            heartbeat_ivl: (flags & 0x20 != 0).then(|| Duration::from_millis(10)),
            maxmsgsize: (flags & 0x40 != 0).then_some(1024),
            ..Config::default()
        };
        let setup = Setup {
            config,
            chunk: usize::from(chunk) + 1,
            zap_handler: flags & 0x80 != 0,
        };
        Some((setup, rest))
    }
}

/// One connection fed the input in chunks, with everything it asks answered: events polled,
/// ZAP requests replied to, a message sent once ready, timers run.
fn run_connection(data: &[u8], security: fn(u8) -> Security) {
    let Some((setup, input)) = Setup::read(data, security) else {
        return;
    };
    let mut now = Instant::now();
    let mut conn = match deterministic_curve(&setup.config) {
        Some(mechanism) => Connection::with_mechanism(setup.config, mechanism, now),
        None => Connection::new(setup.config, now),
    };
    for piece in input.chunks(setup.chunk) {
        conn.handle_input(piece, now);
        loop {
            match conn.poll_event(now) {
                Ok(Some(Event::ZapRequest(_))) => {
                    let reply = setup.zap_handler.then(accepting_reply);
                    if conn.zap_reply(reply.as_deref()).is_err() {
                        return;
                    }
                }
                Ok(Some(Event::Ready { .. })) => {
                    let _ = conn.send(Msg::from_slice(b"fuzz"));
                }
                Ok(Some(Event::Message(_))) => {}
                Ok(None) => break,
                Err(_) => return,
            }
        }
        // What it wrote is taken, as a peer would.
        let pending = conn.output_len();
        conn.output_consumed(pending);
        now += Duration::from_millis(5);
        if conn.handle_timeout(now).is_err() {
            return;
        }
    }
}

/// CURVE with fixed "random" bytes (those the unit tests' vectors were computed with), so
/// that recorded handshakes replay and the fuzzer can reach the boxed messages behind them.
fn deterministic_curve(config: &Config) -> Option<Box<dyn Mechanism>> {
    match &config.security {
        Security::CurveClient {
            public_key,
            secret_key,
            server_key,
        } => Some(Box::new(CurveClient::new(
            config,
            public_key,
            secret_key,
            server_key,
            counting_random(&[0x40, 0xa0]),
        ))),
        Security::CurveServer { secret_key, .. } => Some(Box::new(CurveServer::new(
            config,
            secret_key,
            counting_random(&[0x60, 0x80, 0xc0, 0x90]),
        ))),
        _ => None,
    }
}

/// Draws `first, first + 1, ...` for each start in turn, then zeros.
fn counting_random(starts: &[u8]) -> Random {
    let mut starts = Vec::from(starts).into_iter();
    Box::new(move |buf: &mut [u8]| {
        let first = starts.next().unwrap_or(0);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = if first == 0 {
                0
            } else {
                first.wrapping_add(i as u8)
            };
        }
        Ok(())
    })
}

/// The key pairs of libzmq's CURVE tests, the same as the unit tests', binary.
fn curve_key(z85: &str) -> [u8; 32] {
    let mut key = [0; 32];
    let _ = crate::z85::decode_into(z85.as_bytes(), &mut key);
    key
}

/// A ZAP reply of 200 for user "fuzz".
fn accepting_reply() -> Vec<Msg> {
    let parts: [&[u8]; 7] = [b"", b"1.0", b"1", b"200", b"OK", b"fuzz", b""];
    let mut frames: Vec<Msg> = parts.iter().map(|p| Msg::from_slice(p)).collect();
    for frame in &mut frames[..6] {
        frame.set_more(true);
    }
    frames
}

/// A ZMTP connection with the NULL mechanism (ZAP, heartbeats and MAXMSGSIZE as the header
/// says) fed arbitrary bytes: greeting, handshake, frames and commands.
pub fn zmtp_null(data: &[u8]) {
    run_connection(data, |_| Security::Null);
}

/// A ZMTP connection with PLAIN, as client or server by the header, fed arbitrary bytes: HELLO,
/// WELCOME, INITIATE, READY and ERROR in any order and shape.
pub fn zmtp_plain(data: &[u8]) {
    run_connection(data, |bits| role(bits, 1));
}

/// A ZMTP connection with CURVE, as client or server by the header, fed arbitrary bytes; its
/// randomness is fixed, so the seeds' recorded handshakes get through to MESSAGE boxes.
pub fn zmtp_curve(data: &[u8]) {
    run_connection(data, |bits| role(bits, 2));
}

/// The server's side of a mechanism of `pair_security` when bit 0 is clear, else the client's.
fn role(bits: u8, mechanism: u8) -> Security {
    let (client, server) = pair_security(mechanism);
    if bits & 1 == 0 { server } else { client }
}

/// The frame decoder alone (see `zmtp::fuzz::decoder`).
pub fn zmtp_decoder(data: &[u8]) {
    crate::zmtp::fuzz::decoder(data);
}

/// The greeting alone (see `zmtp::fuzz::greeting`).
pub fn zmtp_greeting(data: &[u8]) {
    crate::zmtp::fuzz::greeting(data);
}

/// Command bodies, READY and ZAP metadata, ZAP replies (see `zmtp::fuzz::commands`).
pub fn zmtp_commands(data: &[u8]) {
    crate::zmtp::fuzz::commands(data);
}

/// Two connections talking to each other (NULL, PLAIN or CURVE, by the first byte), the rest
/// of the input a schedule: which way how many bytes move, which side sends what, when time
/// passes. However the streams are cut, both handshakes complete and each side receives
/// exactly the frames the other sent, in order.
///
/// The first byte modulo 8 picks CURVE for 2 only (0, 1 and 2 are NULL, PLAIN and CURVE, as
/// the seeds have them; of the rest, 4 and 6 are PLAIN): a CURVE pair costs about eight
/// NULL pairs (its handshakes' scalar multiplications), and the CURVE handshake has a target
/// of its own (`zmtp_curve`).
pub fn zmtp_pair(data: &[u8]) {
    let Some((&mechanism, schedule)) = data.split_first() else {
        return;
    };
    let (client, server) = pair_security(match mechanism % 8 {
        2 => 2,
        1 | 4 | 6 => 1,
        _ => 0,
    });
    let config = |security| Config {
        socket_type: 5, // DEALER
        routing_id: b"pair".to_vec(),
        security,
        peer_address: "127.0.0.1".into(),
        // The schedule's time may run long; no time-out is under test here.
        handshake_ivl: None,
        ..Config::default()
    };
    let mut now = Instant::now();
    let mut sides = [client, server].map(|security| {
        let config = config(security);
        let conn = match deterministic_curve(&config) {
            Some(mechanism) => Connection::with_mechanism(config, mechanism, now),
            None => Connection::new(config, now),
        };
        Side {
            conn,
            sent: Vec::new(),
            received: Vec::new(),
        }
    });
    let mut ops = schedule.iter();
    let mut count = 0u32;
    while let Some(&op) = ops.next() {
        let arg = usize::from(ops.next().copied().unwrap_or(0));
        let from = usize::from(op & 1);
        match op >> 1 & 3 {
            0 | 1 => {
                let (a, b) = sides.split_at_mut(1);
                let (src, dst) = if from == 0 {
                    (&mut a[0], &mut b[0])
                } else {
                    (&mut b[0], &mut a[0])
                };
                pair_transfer(src, dst, arg * 61 + 1, now);
            }
            2 => {
                let side = &mut sides[from];
                if side.conn.is_ready() {
                    count += 1;
                    // Some large enough to be read into a buffer of their own.
                    let size = if op & 0x80 != 0 { arg * 67 } else { arg };
                    let mut body = vec![0u8; size];
                    for (i, b) in body.iter_mut().enumerate() {
                        *b = (count as usize + i) as u8;
                    }
                    let more = op & 0x40 != 0;
                    let mut msg = Msg::from_slice(&body);
                    msg.set_more(more);
                    assert!(side.conn.send(msg).is_ok(), "a ready connection sends");
                    side.sent.push((body, more));
                }
            }
            _ => {
                now += Duration::from_millis(arg as u64);
                for side in &mut sides {
                    side.conn
                        .handle_timeout(now)
                        .expect("no time-out within the schedule");
                }
            }
        }
    }
    // Then everything still on the way is delivered.
    loop {
        let (a, b) = sides.split_at_mut(1);
        let moved = pair_transfer(&mut a[0], &mut b[0], usize::MAX, now)
            | pair_transfer(&mut b[0], &mut a[0], usize::MAX, now);
        if !moved {
            break;
        }
    }
    assert!(sides[0].conn.is_ready() && sides[1].conn.is_ready());
    assert!(
        sides[1].received == sides[0].sent,
        "server got what the client sent"
    );
    assert!(
        sides[0].received == sides[1].sent,
        "client got what the server sent"
    );
}

/// One end of `zmtp_pair`: its connection, the frames it sent and those it received.
struct Side {
    conn: Connection,
    sent: Vec<(Vec<u8>, bool)>,
    received: Vec<(Vec<u8>, bool)>,
}

/// Client and server credentials of each mechanism (0 NULL, 1 PLAIN, 2 CURVE).
fn pair_security(which: u8) -> (Security, Security) {
    match which {
        0 => (Security::Null, Security::Null),
        1 => (
            Security::PlainClient {
                username: b"admin".to_vec(),
                password: b"secret".to_vec(),
            },
            Security::PlainServer,
        ),
        _ => {
            let server_public = curve_key("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
            (
                Security::CurveClient {
                    public_key: curve_key("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"),
                    secret_key: curve_key("D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"),
                    server_key: server_public,
                },
                Security::CurveServer {
                    public_key: server_public,
                    secret_key: curve_key("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"),
                },
            )
        }
    }
}

/// Moves up to `limit` pending bytes from `src` to `dst`, read as a session reads them (the
/// fast path, then events; ZAP answered with a 200); whether any moved.
fn pair_transfer(src: &mut Side, dst: &mut Side, limit: usize, now: Instant) -> bool {
    let mut bytes = Vec::new();
    for slice in src.conn.output() {
        let take = slice.len().min(limit - bytes.len());
        bytes.extend_from_slice(&slice[..take]);
        if bytes.len() == limit {
            break;
        }
    }
    src.conn.output_consumed(bytes.len());
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let ready = rest.len();
        let buffer = dst.conn.read_buffer_ready(|| ready);
        let n = buffer.len().min(rest.len());
        buffer[..n].copy_from_slice(&rest[..n]);
        dst.conn.read_done(n, now);
        rest = &rest[n..];
        let received = &mut dst.received;
        dst.conn.deliver_data_frames(|frame| {
            let msg = frame.into_msg();
            received.push((msg.data().to_vec(), msg.more()));
            true
        });
        loop {
            match dst.conn.poll_event(now).expect("a peer's bytes are valid") {
                Some(Event::Message(msg)) => dst.received.push((msg.data().to_vec(), msg.more())),
                Some(Event::ZapRequest(_)) => dst
                    .conn
                    .zap_reply(Some(&accepting_reply()))
                    .expect("ZAP accepts"),
                Some(Event::Ready { .. }) => {}
                None => break,
            }
            let received = &mut dst.received;
            dst.conn.deliver_data_frames(|frame| {
                let msg = frame.into_msg();
                received.push((msg.data().to_vec(), msg.more()));
                true
            });
        }
    }
    !bytes.is_empty()
}

/// Z85: decoding anything, and encoding what decodes gives the text back.
pub fn z85(data: &[u8]) {
    if let Ok(bytes) = crate::z85::decode(data) {
        let text = crate::z85::encode(&bytes).expect("decoded bytes encode");
        assert_eq!(text.as_bytes(), data);
    }
    let _ = crate::z85::encode(data);
}

/// Endpoint parsing: tcp bind and connect addresses (without name resolution), ports, and ipc
/// paths.
pub fn endpoint(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::transport::tcp::parse_port(text);
    let _ = crate::transport::tcp::connect_address(text, true);
    let _ = crate::transport::ipc::IpcAddress::parse(text);
    // Binding looks up interface names, which is bounded work; only numeric hosts here.
    if text
        .bytes()
        .all(|b| b.is_ascii_digit() || b".:[]*%;".contains(&b))
    {
        let _ = crate::transport::tcp::bind_address(text, true);
    }
}
