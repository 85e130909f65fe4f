//! CURVE: the mechanisms against vectors computed with libsodium, our connections against byte
//! streams recorded from libzmq 4.3.4, and two of ours joined in memory.

mod libzmq;
mod link;
mod vectors;

use std::collections::VecDeque;
use std::time::Instant;

use super::*;
use crate::zmtp::curve::{KEY_LEN, Random};
use crate::zmtp::{CurveClient, CurveServer, Mechanism, Security, Status};

/// The key pairs of libzmq's own CURVE tests (tests/testutil_security.cpp), as Z85.
const SERVER_PUBLIC_Z85: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const SERVER_SECRET_Z85: &str = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
const CLIENT_PUBLIC_Z85: &str = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
const CLIENT_SECRET_Z85: &str = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";

/// The fixed "random" bytes the vectors were computed with: the client's short-term secret
/// (c') and vouch nonce; the server's short-term secret (s'), cookie nonce, cookie key and
/// WELCOME nonce.
const CLIENT_SHORT_SECRET: [u8; 32] = bytes_from(0x40);
const VOUCH_NONCE: [u8; 16] = bytes_from(0xa0);
const SERVER_SHORT_SECRET: [u8; 32] = bytes_from(0x60);
const COOKIE_NONCE: [u8; 16] = bytes_from(0x80);
const COOKIE_KEY: [u8; 32] = bytes_from(0xc0);
const WELCOME_NONCE: [u8; 16] = bytes_from(0x90);

/// `first`, `first + 1`, ... as an array.
const fn bytes_from<const N: usize>(first: u8) -> [u8; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = first + i as u8;
        i += 1;
    }
    out
}

fn key(z85: &str) -> [u8; KEY_LEN] {
    let mut key = [0; KEY_LEN];
    crate::z85::decode_into(z85.as_bytes(), &mut key).expect("a Z85 key");
    key
}

fn server_public() -> [u8; KEY_LEN] {
    key(SERVER_PUBLIC_Z85)
}

fn server_secret() -> [u8; KEY_LEN] {
    key(SERVER_SECRET_Z85)
}

fn client_public() -> [u8; KEY_LEN] {
    key(CLIENT_PUBLIC_Z85)
}

fn client_secret() -> [u8; KEY_LEN] {
    key(CLIENT_SECRET_Z85)
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0);
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Random bytes that are these chunks, in order; each draw must take one whole chunk.
fn fixed_random(chunks: &[&[u8]]) -> Random {
    let mut queue: VecDeque<Vec<u8>> = chunks.iter().map(|c| c.to_vec()).collect();
    Box::new(move |buf: &mut [u8]| {
        let chunk = queue.pop_front().expect("no more random bytes");
        assert_eq!(chunk.len(), buf.len(), "a draw of another size");
        buf.copy_from_slice(&chunk);
        Ok(())
    })
}

/// The client's randomness of the vectors.
fn client_random() -> Random {
    fixed_random(&[&CLIENT_SHORT_SECRET, &VOUCH_NONCE])
}

/// The server's randomness of the vectors.
fn server_random() -> Random {
    fixed_random(&[
        &SERVER_SHORT_SECRET,
        &COOKIE_NONCE,
        &COOKIE_KEY,
        &WELCOME_NONCE,
    ])
}

/// A CURVE client's configuration with the test keys.
fn client_config(socket_type: i32, routing_id: &[u8]) -> Config {
    Config {
        security: Security::CurveClient {
            public_key: client_public(),
            secret_key: client_secret(),
            server_key: server_public(),
        },
        ..config(socket_type, routing_id)
    }
}

/// A CURVE server's configuration with the test keys.
fn server_config(socket_type: i32, routing_id: &[u8]) -> Config {
    Config {
        security: Security::CurveServer {
            public_key: server_public(),
            secret_key: server_secret(),
        },
        ..config(socket_type, routing_id)
    }
}

/// The client mechanism of the vectors.
fn client_mechanism(socket_type: i32, routing_id: &[u8]) -> CurveClient {
    CurveClient::new(
        &config(socket_type, routing_id),
        &client_public(),
        &client_secret(),
        &server_public(),
        client_random(),
    )
}

/// The server mechanism of the vectors.
fn server_mechanism(config: &Config) -> CurveServer {
    CurveServer::new(config, &server_secret(), server_random())
}

/// A connection of ours running the client of the vectors.
fn client_connection(socket_type: i32, routing_id: &[u8], now: Instant) -> Connection {
    let config = client_config(socket_type, routing_id);
    let mechanism = Box::new(client_mechanism(socket_type, routing_id));
    Connection::with_mechanism(config, mechanism, now)
}

/// A connection of ours running the server of the vectors.
fn server_connection(config: Config, now: Instant) -> Connection {
    let mechanism = Box::new(server_mechanism(&config));
    Connection::with_mechanism(config, mechanism, now)
}

/// A frame of ZMTP 3 around a command body (flags 0x04, or 0x06 with a long size).
fn command_frame(body: &[u8]) -> Vec<u8> {
    frame(0x04, body)
}

fn frame(flags: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match u8::try_from(body.len()) {
        Ok(len) => out.extend_from_slice(&[flags, len]),
        Err(_) => {
            out.push(flags | 0x02);
            out.extend_from_slice(&(body.len() as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(body);
    out
}

/// A command frame as a handshake command reaches the mechanism.
fn command(body: &[u8]) -> Msg {
    let mut msg = Msg::from_slice(body);
    msg.set_command(true);
    msg
}

/// The failure of a handshake command, as the mechanism reports it.
fn refused_with(result: Result<(), Failure>) -> u32 {
    result
        .expect_err("a failure")
        .protocol_error_code()
        .expect("a protocol error code")
}

/// The status a mechanism ended in.
fn status_code(mechanism: &dyn Mechanism) -> Option<u32> {
    match mechanism.status() {
        Status::Error(failure) => failure.protocol_error_code(),
        _ => None,
    }
}
