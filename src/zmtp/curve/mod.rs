//! CURVE: CurveZMQ (RFC 26) over ZMTP (RFC 25), as libzmq 4.3 speaks it.
//!
//! The client proves to the server that it holds the secret of its long-term key C and learns
//! that the server holds the secret of the key S it was configured with; both then box every
//! frame with a key made from fresh short-term keys (C', S') that are forgotten when the
//! connection ends. The handshake is four commands:
//!
//! ```text
//! client                                   server
//! HELLO     C', Box[64 zeros](C'->S)  ->
//!                                     <-   WELCOME   Box[S' + cookie](S->C')
//! INITIATE  cookie, Box[C + vouch + metadata](C'->S')  ->
//!                                     <-   READY     Box[metadata](S'->C')
//! ```
//!
//! The vouch, Box[C' + S](C->S'), ties the client's long-term key to this connection; the
//! cookie, SecretBox[C' + s'](t) under a key only the server knows, lets the server check that
//! INITIATE answers its own WELCOME. Once ready each frame travels as a MESSAGE command:
//! `\x07MESSAGE`, an 8-byte nonce that must grow, and Box[flags + payload](C'<->S').
//!
//! The crypto is NaCl's crypto_box (X25519, HSalsa20, XSalsa20-Poly1305) and crypto_secretbox
//! from the RustCrypto and dalek crates; boxes are laid out as libsodium's "easy" functions lay
//! them out: the 16-byte tag, then the ciphertext.

// The sides' own types (`Client`, `Server`, their steps and what those hold) are `pub` in these
// private modules: `CurveClient`, `CurveServer` and `Side::Step` reach them, so they must be, but
// nothing outside can name them.
mod box_key;
mod client;
mod server;
mod side;

use crypto_secretbox::Nonce;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use self::box_key::BoxKey;
pub use self::client::CurveClient;
pub use self::server::CurveServer;
use self::side::{Side, Stage};
use crate::msg::Msg;
use crate::zmtp::properties::PeerProperties;
use crate::zmtp::{Config, Failure, protocol_error};

/// Length of a CURVE key, public or secret.
pub const KEY_LEN: usize = 32;
/// Length of a Poly1305 tag, what a box adds to its content.
const TAG_LEN: usize = 16;
/// Length of the short nonces commands carry (the long nonce's last 8 bytes).
const SHORT_NONCE_LEN: usize = 8;
/// Length of the random part of WELCOME's, the cookie's and the vouch's nonces.
const LONG_NONCE_LEN: usize = 16;

/// The cookie: its random nonce, then SecretBox[C' + s'](t).
const COOKIE_LEN: usize = LONG_NONCE_LEN + TAG_LEN + 2 * KEY_LEN;
/// The vouch: Box[C' + S](C->S').
const VOUCH_LEN: usize = TAG_LEN + 2 * KEY_LEN;

/// The handshake commands' names, as their bodies begin.
const HELLO: &[u8] = b"\x05HELLO";
const WELCOME: &[u8] = b"\x07WELCOME";
const INITIATE: &[u8] = b"\x08INITIATE";
/// CurveZMQ 1.0, the only version.
const VERSION: [u8; 2] = [1, 0];
/// HELLO is padded so that it is larger than WELCOME: no traffic amplification.
const HELLO_PADDING: usize = 72;
/// HELLO: name, version, padding, C', short nonce, Box[64 zeros].
const HELLO_LEN: usize = 200;
/// WELCOME: name, random nonce, Box[S' + cookie].
const WELCOME_LEN: usize = 168;
/// INITIATE with no metadata at all.
const INITIATE_MIN_LEN: usize = 257;

/// The MESSAGE command's name, as its body begins.
const MESSAGE: &[u8] = b"\x07MESSAGE";
/// MESSAGE: name, short nonce, tag, then the boxed flags byte.
const MESSAGE_HEADER_LEN: usize = MESSAGE.len() + SHORT_NONCE_LEN;
/// The smallest MESSAGE: an empty payload behind its flags byte.
const MESSAGE_MIN_LEN: usize = MESSAGE_HEADER_LEN + TAG_LEN + 1;
/// Flag bits of the byte boxed before each payload: libzmq 4.3 carries msg_t's MORE and
/// COMMAND bits there, with their values.
const FLAG_MORE: u8 = 0x01;
const FLAG_COMMAND: u8 = 0x02;
/// Payloads up to this size are copied out of a received MESSAGE; larger ones are handed on
/// in the buffer they were received and opened in.
const COPY_OUT_MAX: usize = 512;

/// Where a mechanism takes its random bytes from: the OS in production ([`os_random`]), a
/// fixed sequence in tests. A failure ends the handshake.
pub type Random = Box<dyn FnMut(&mut [u8]) -> Result<(), Failure> + Send>;

/// Random bytes from the operating system.
pub fn os_random() -> Random {
    Box::new(|buf: &mut [u8]| {
        // libzmq asserts here; a failure of the OS's generator fails the handshake instead.
        getrandom::fill(buf).map_err(|_| Failure::Protocol(protocol_error::CRYPTOGRAPHIC))
    })
}

/// A new long-term key pair, public and secret, from the OS's random source (what
/// zmq_curve_keypair(3) makes).
pub fn keypair() -> Result<([u8; KEY_LEN], Zeroizing<[u8; KEY_LEN]>), getrandom::Error> {
    let mut secret = Zeroizing::new([0; KEY_LEN]);
    getrandom::fill(&mut secret[..])?;
    Ok((public_key(&secret), secret))
}

/// The public key of a secret key (X25519 with the base point, zmq_curve_public(3)).
pub fn public_key(secret: &[u8; KEY_LEN]) -> [u8; KEY_LEN] {
    PublicKey::from(&StaticSecret::from(*secret)).to_bytes()
}

/// A secret key made from random bytes.
fn random_secret(random: &mut Random) -> Result<StaticSecret, Failure> {
    let mut bytes = Zeroizing::new([0; KEY_LEN]);
    random(&mut bytes[..])?;
    Ok(StaticSecret::from(*bytes))
}

/// Random bytes for a nonce.
fn random_nonce(random: &mut Random) -> Result<[u8; LONG_NONCE_LEN], Failure> {
    let mut bytes = [0; LONG_NONCE_LEN];
    random(&mut bytes)?;
    Ok(bytes)
}

/// A 24-byte nonce: a command's fixed prefix, then its short or random part.
fn nonce(prefix: &[u8], rest: &[u8]) -> Nonce {
    debug_assert_eq!(prefix.len() + rest.len(), 24);
    let mut nonce = Nonce::default();
    nonce[..prefix.len()].copy_from_slice(prefix);
    nonce[prefix.len()..].copy_from_slice(rest);
    nonce
}

/// The error most CURVE faults end with: a box that does not open.
fn cryptographic() -> Failure {
    Failure::Protocol(protocol_error::CRYPTOGRAPHIC)
}

/// libzmq's first check of a command (check_basic_command_structure): a name length byte and
/// at least that many bytes of name after it, and then something.
fn check_command_structure(data: &[u8]) -> Result<(), Failure> {
    match data.first() {
        Some(&name_len) if data.len() > 1 && data.len() > usize::from(name_len) => Ok(()),
        _ => Err(Failure::Protocol(
            protocol_error::MALFORMED_COMMAND_UNSPECIFIED,
        )),
    }
}

/// One side of a CURVE connection, the client's or the server's (`S`): what both keep and do
/// around what only that side does. [`CurveClient`] and [`CurveServer`] name the two.
pub struct Curve<S: Side> {
    socket_type: i32,
    routing_id: Vec<u8>,
    random: Random,
    stage: Stage<S::Step>,
    nonces: Nonces,
    peer: PeerProperties,
    side: S,
}

impl<S: Side> Curve<S> {
    /// A side for a socket, its handshake at `first`.
    fn with_side(config: &Config, side: S, first: S::Step, random: Random) -> Self {
        Curve {
            socket_type: config.socket_type,
            routing_id: config.routing_id.clone(),
            random,
            stage: Stage::Handshake(first),
            nonces: Nonces::new(),
            peer: PeerProperties::default(),
            side,
        }
    }
}

/// The short nonces of one side of a connection: ours count up from 1 (HELLO or READY takes
/// the first), and each of the peer's must be above the last one seen.
#[derive(Debug, Clone, Copy)]
struct Nonces {
    next: u64,
    peer: u64,
}

impl Nonces {
    /// libzmq starts both counters at 1.
    fn new() -> Nonces {
        Nonces { next: 1, peer: 1 }
    }

    /// Our next short nonce, big-endian as it travels.
    fn take(&mut self) -> Result<[u8; SHORT_NONCE_LEN], Failure> {
        let nonce = self.next;
        // 2^64 messages will not be sent; a nonce must never be used twice all the same.
        self.next = nonce.checked_add(1).ok_or_else(cryptographic)?;
        Ok(nonce.to_be_bytes())
    }
}

/// Reads a short nonce.
fn short_nonce(bytes: &[u8]) -> u64 {
    let mut nonce = [0; SHORT_NONCE_LEN];
    nonce.copy_from_slice(&bytes[..SHORT_NONCE_LEN]);
    u64::from_be_bytes(nonce)
}

/// The MESSAGE boxes of a connection once the handshake is over (libzmq's encode and decode).
struct Messages {
    key: BoxKey,
    nonces: Nonces,
    /// "CurveZMQMESSAGEC" on the client, "CurveZMQMESSAGES" on the server.
    send_prefix: &'static [u8; 16],
    receive_prefix: &'static [u8; 16],
}

impl Messages {
    /// Boxes one frame: the flags byte and payload go into the box, the MESSAGE command comes
    /// out with no flags of its own (as libzmq sends it).
    fn encode(&mut self, msg: &Msg) -> Result<Msg, Failure> {
        let short = self.nonces.take()?;
        let len = MESSAGE_MIN_LEN + msg.size();
        let mut out = Msg::with_size(len).map_err(|_| Failure::MessageTooLarge)?;
        let buf = out.data_mut().ok_or(Failure::MessageTooLarge)?;
        buf[..MESSAGE.len()].copy_from_slice(MESSAGE);
        buf[MESSAGE.len()..MESSAGE_HEADER_LEN].copy_from_slice(&short);
        let mut flags = 0;
        if msg.more() {
            flags |= FLAG_MORE;
        }
        if msg.is_command() {
            flags |= FLAG_COMMAND;
        }
        buf[MESSAGE_MIN_LEN - 1] = flags;
        buf[MESSAGE_MIN_LEN..].copy_from_slice(msg.data());
        let nonce = nonce(self.send_prefix, &short);
        self.key
            .seal_in_place(&nonce, &mut buf[MESSAGE_HEADER_LEN..]);
        Ok(out)
    }

    /// Opens one MESSAGE, with libzmq's checks in libzmq's order: command structure
    /// (MALFORMED_COMMAND_UNSPECIFIED), name (UNEXPECTED_COMMAND), size
    /// (MALFORMED_COMMAND_MESSAGE), nonce (INVALID_SEQUENCE), box (CRYPTOGRAPHIC).
    fn decode(&mut self, mut msg: Msg) -> Result<Msg, Failure> {
        let data = msg.data();
        check_command_structure(data)?;
        if !data.starts_with(MESSAGE) {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        if data.len() < MESSAGE_MIN_LEN {
            return Err(Failure::Protocol(protocol_error::MALFORMED_COMMAND_MESSAGE));
        }
        let short = &data[MESSAGE.len()..MESSAGE_HEADER_LEN];
        if short_nonce(short) <= self.nonces.peer {
            return Err(Failure::Protocol(protocol_error::INVALID_SEQUENCE));
        }
        self.nonces.peer = short_nonce(short);
        let nonce = nonce(self.receive_prefix, short);
        if msg.data_mut().is_none() {
            // A buffer shared with another message is not ours to overwrite.
            msg = Msg::from_slice(msg.data());
        }
        let buf = msg.data_mut().ok_or_else(cryptographic)?;
        if !self
            .key
            .open_in_place(&nonce, &mut buf[MESSAGE_HEADER_LEN..])
        {
            return Err(cryptographic());
        }
        let flags = buf[MESSAGE_MIN_LEN - 1];
        let mut out = if buf.len() - MESSAGE_MIN_LEN <= COPY_OUT_MAX {
            Msg::from_slice(&buf[MESSAGE_MIN_LEN..])
        } else {
            Msg::from_bytes(msg.into_bytes().slice(MESSAGE_MIN_LEN..))
        };
        out.set_more(flags & FLAG_MORE != 0);
        out.set_command(flags & FLAG_COMMAND != 0);
        Ok(out)
    }
}

/// A key as logs may show it: its first bytes in hex (public keys only).
struct KeyPrefix<'a>(&'a [u8; KEY_LEN]);

impl std::fmt::Debug for KeyPrefix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for byte in &self.0[..4] {
            write!(f, "{byte:02x}")?;
        }
        f.write_str("..")
    }
}
