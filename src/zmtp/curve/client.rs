//! The CURVE client (libzmq's curve_client_t): HELLO, then INITIATE once WELCOME is in, then
//! ready once READY is in.

use std::fmt;

use x25519_dalek::{PublicKey, StaticSecret};

use super::{
    BoxKey, COOKIE_LEN, Curve, HELLO, HELLO_LEN, HELLO_PADDING, INITIATE, KEY_LEN, KeyPrefix,
    LONG_NONCE_LEN, Messages, Random, SHORT_NONCE_LEN, Side, Stage, TAG_LEN, VERSION, VOUCH_LEN,
    WELCOME, WELCOME_LEN, cryptographic, nonce, random_nonce, random_secret, short_nonce,
};
use crate::zmtp::command::{ERROR, READY};
use crate::zmtp::mechanism::Status;
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::{Config, Failure, protocol_error};

/// READY: name, short nonce, and a box of at least its tag.
const READY_MIN_LEN: usize = READY.len() + SHORT_NONCE_LEN + TAG_LEN;
/// INITIATE without metadata: name, cookie, short nonce, tag, C, vouch nonce, vouch.
const INITIATE_LEN: usize =
    INITIATE.len() + COOKIE_LEN + SHORT_NONCE_LEN + TAG_LEN + KEY_LEN + LONG_NONCE_LEN + VOUCH_LEN;

/// The client side of CURVE.
pub type CurveClient = Curve<Client>;

/// What only the client keeps: its long-term key pair (C, c) and the server's public key (S).
pub struct Client {
    public_key: [u8; KEY_LEN],
    secret_key: StaticSecret,
    server_key: [u8; KEY_LEN],
}

/// Where the client's handshake stands.
pub enum Step {
    SendHello,
    /// HELLO went out.
    ExpectWelcome(Box<Hello>),
    /// WELCOME came; INITIATE is due.
    SendInitiate(Box<Welcomed>),
    /// INITIATE went out; the session key opens READY.
    ExpectReady(BoxKey),
    /// The server sent ERROR with this reason.
    ErrorReceived(Vec<u8>),
}

/// What HELLO leaves to remember.
pub struct Hello {
    /// Our short-term key pair (C', c').
    short_public: [u8; KEY_LEN],
    short_secret: StaticSecret,
    /// Between c' and S: HELLO's box, and WELCOME's.
    hello_key: BoxKey,
}

/// What WELCOME taught: enough to send INITIATE.
pub struct Welcomed {
    short_public: [u8; KEY_LEN],
    /// The server's short-term public key (S').
    server_short: [u8; KEY_LEN],
    cookie: [u8; COOKIE_LEN],
    /// Between c' and S': INITIATE's box, READY's and every MESSAGE's.
    session_key: BoxKey,
}

impl CurveClient {
    /// The client for a socket, with its long-term key pair (C, c), the server's public key
    /// (S), and where to take random bytes from (32 for the short-term secret at HELLO, then
    /// 16 for the vouch's nonce at INITIATE).
    pub fn new(
        config: &Config,
        public_key: &[u8; KEY_LEN],
        secret_key: &[u8; KEY_LEN],
        server_key: &[u8; KEY_LEN],
        random: Random,
    ) -> Self {
        let side = Client {
            public_key: *public_key,
            secret_key: StaticSecret::from(*secret_key),
            server_key: *server_key,
        };
        Curve::with_side(config, side, Step::SendHello, random)
    }

    /// HELLO: version, padding, C', short nonce, Box[64 zeros](C'->S).
    fn hello(&mut self) -> Result<(Vec<u8>, Stage<Step>), Failure> {
        let short_secret = random_secret(&mut self.random)?;
        let short_public = PublicKey::from(&short_secret).to_bytes();
        // A server key of small order is refused, as libsodium refuses it.
        let hello_key =
            BoxKey::agree(&self.side.server_key, &short_secret).ok_or_else(cryptographic)?;
        let short = self.nonces.take()?;
        let mut body = Vec::with_capacity(HELLO_LEN);
        body.extend_from_slice(HELLO);
        body.extend_from_slice(&VERSION);
        body.extend_from_slice(&[0; HELLO_PADDING]);
        body.extend_from_slice(&short_public);
        body.extend_from_slice(&short);
        let signature = hello_key.seal(&nonce(b"CurveZMQHELLO---", &short), &[0; 64]);
        body.extend_from_slice(&signature);
        debug_assert_eq!(body.len(), HELLO_LEN);
        let hello = Hello {
            short_public,
            short_secret,
            hello_key,
        };
        Ok((body, Stage::Handshake(Step::ExpectWelcome(Box::new(hello)))))
    }

    /// INITIATE: the cookie, short nonce, Box[C + vouch nonce + vouch + metadata](C'->S'),
    /// where the vouch is Box[C' + S](C->S').
    fn initiate(&mut self, welcomed: Welcomed) -> Result<(Vec<u8>, Stage<Step>), Failure> {
        let vouch_nonce = random_nonce(&mut self.random)?;
        let vouch_key = BoxKey::agree(&welcomed.server_short, &self.side.secret_key)
            .ok_or_else(cryptographic)?;
        let mut vouched = [0; 2 * KEY_LEN];
        vouched[..KEY_LEN].copy_from_slice(&welcomed.short_public);
        vouched[KEY_LEN..].copy_from_slice(&self.side.server_key);
        let vouch = vouch_key.seal(&nonce(b"VOUCH---", &vouch_nonce), &vouched);

        let short = self.nonces.take()?;
        let mut body = Vec::with_capacity(INITIATE_LEN + 64);
        body.extend_from_slice(INITIATE);
        body.extend_from_slice(&welcomed.cookie);
        body.extend_from_slice(&short);
        let boxed_at = body.len();
        body.extend_from_slice(&[0; TAG_LEN]);
        body.extend_from_slice(&self.side.public_key);
        body.extend_from_slice(&vouch_nonce);
        body.extend_from_slice(&vouch);
        properties::write_basic_properties(&mut body, self.socket_type, &self.routing_id);
        welcomed
            .session_key
            .seal_in_place(&nonce(b"CurveZMQINITIATE", &short), &mut body[boxed_at..]);
        Ok((
            body,
            Stage::Handshake(Step::ExpectReady(welcomed.session_key)),
        ))
    }

    /// WELCOME: random nonce, Box[S' + cookie](S->C'). libzmq reports any fault of it, its
    /// size included, as CRYPTOGRAPHIC.
    fn welcome(&mut self, data: &[u8]) -> Result<(), Failure> {
        let Some(Step::ExpectWelcome(hello)) = self.stage.step() else {
            // libzmq would take a second WELCOME as the first; a server sends one.
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        };
        if data.len() != WELCOME_LEN {
            return Err(cryptographic());
        }
        let (random_part, boxed) = data[WELCOME.len()..].split_at(LONG_NONCE_LEN);
        let content = hello
            .hello_key
            .open(&nonce(b"WELCOME-", random_part), boxed)
            .ok_or_else(cryptographic)?;
        let mut server_short = [0; KEY_LEN];
        server_short.copy_from_slice(&content[..KEY_LEN]);
        let mut cookie = [0; COOKIE_LEN];
        cookie.copy_from_slice(&content[KEY_LEN..]);
        let session_key =
            BoxKey::agree(&server_short, &hello.short_secret).ok_or_else(cryptographic)?;
        // c' is dropped here: the session key is all that is needed of it.
        self.stage = Stage::Handshake(Step::SendInitiate(Box::new(Welcomed {
            short_public: hello.short_public,
            server_short,
            cookie,
            session_key,
        })));
        Ok(())
    }

    /// READY: short nonce, Box[metadata](S'->C').
    fn ready(&mut self, data: &[u8]) -> Result<(), Failure> {
        if data.len() < READY_MIN_LEN {
            return Err(Failure::Protocol(protocol_error::MALFORMED_COMMAND_READY));
        }
        // Before INITIATE libzmq has no key to open READY with: it fails to.
        let Some(Step::ExpectReady(key)) = self.stage.step() else {
            return Err(cryptographic());
        };
        let short = &data[READY.len()..READY.len() + SHORT_NONCE_LEN];
        self.nonces.peer = short_nonce(short);
        let metadata = key
            .open(
                &nonce(b"CurveZMQREADY---", short),
                &data[READY.len() + SHORT_NONCE_LEN..],
            )
            .ok_or_else(cryptographic)?;
        let mut peer = PeerProperties::default();
        // libzmq's client reports every fault of the metadata, a socket type that does not
        // fit ours included, as INVALID_METADATA.
        properties::parse(&metadata, self.socket_type, &mut peer)
            .map_err(|_| Failure::Protocol(protocol_error::INVALID_METADATA))?;
        self.peer = peer;
        let Stage::Handshake(Step::ExpectReady(key)) = self.stage.take(Step::SendHello) else {
            return Err(cryptographic());
        };
        self.stage = Stage::Ready(Messages {
            key,
            nonces: self.nonces,
            send_prefix: b"CurveZMQMESSAGEC",
            receive_prefix: b"CurveZMQMESSAGES",
        });
        Ok(())
    }

    /// ERROR: a reason of up to 255 bytes (more bytes after it are tolerated, as libzmq does).
    fn error(&mut self, data: &[u8]) -> Result<(), Failure> {
        if !matches!(
            self.stage.step(),
            Some(Step::ExpectWelcome(_) | Step::ExpectReady(_))
        ) {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        let malformed = Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR);
        let (&len, rest) = data[ERROR.len()..].split_first().ok_or(malformed.clone())?;
        let reason = rest.get(..usize::from(len)).ok_or(malformed)?;
        self.stage = Stage::Handshake(Step::ErrorReceived(reason.to_vec()));
        Ok(())
    }
}

impl Side for Client {
    type Step = Step;
    const NAME: &'static str = "CurveClient";

    fn step_name(step: &Step) -> &'static str {
        match step {
            Step::SendHello => "SendHello",
            Step::ExpectWelcome(_) => "ExpectWelcome",
            Step::SendInitiate(_) => "SendInitiate",
            Step::ExpectReady(_) => "ExpectReady",
            Step::ErrorReceived(_) => "ErrorReceived",
        }
    }

    fn step_status(step: &Step) -> Status {
        match step {
            Step::ErrorReceived(reason) => Status::Error(Failure::PeerError(reason.clone())),
            _ => Status::Handshaking,
        }
    }

    fn next_command(curve: &mut CurveClient) -> Option<Vec<u8>> {
        let produced = match curve.stage.take(Step::SendHello) {
            Stage::Handshake(Step::SendHello) => curve.hello(),
            Stage::Handshake(Step::SendInitiate(welcomed)) => curve.initiate(*welcomed),
            other => {
                curve.stage = other;
                return None;
            }
        };
        curve.stage.sent(produced)
    }

    fn process_command(curve: &mut CurveClient, data: &[u8]) -> Result<(), Failure> {
        if data.starts_with(WELCOME) {
            curve.welcome(data)
        } else if data.starts_with(READY) {
            curve.ready(data)
        } else if data.starts_with(ERROR) {
            curve.error(data)
        } else {
            Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND))
        }
    }

    fn debug_fields(&self, out: &mut fmt::DebugStruct<'_, '_>) {
        out.field("public_key", &KeyPrefix(&self.public_key))
            .field("server_key", &KeyPrefix(&self.server_key));
    }
}
