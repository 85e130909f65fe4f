//! The CURVE client (libzmq's curve_client_t): HELLO, then INITIATE once WELCOME is in, then
//! ready once READY is in.

use std::fmt;

use x25519_dalek::{PublicKey, StaticSecret};

use super::{
    BoxKey, COOKIE_LEN, HELLO, HELLO_LEN, HELLO_PADDING, INITIATE, KEY_LEN, KeyPrefix,
    LONG_NONCE_LEN, Messages, Nonces, Random, SHORT_NONCE_LEN, TAG_LEN, VERSION, VOUCH_LEN,
    WELCOME, WELCOME_LEN, cryptographic, nonce, random_nonce, random_secret, short_nonce,
};
use crate::msg::Msg;
use crate::zmtp::command::{ERROR, READY};
use crate::zmtp::mechanism::{Mechanism, Status};
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::{Config, Failure, protocol_error};

/// READY: name, short nonce, and a box of at least its tag.
const READY_MIN_LEN: usize = READY.len() + SHORT_NONCE_LEN + TAG_LEN;
/// INITIATE without metadata: name, cookie, short nonce, tag, C, vouch nonce, vouch.
const INITIATE_LEN: usize =
    INITIATE.len() + COOKIE_LEN + SHORT_NONCE_LEN + TAG_LEN + KEY_LEN + LONG_NONCE_LEN + VOUCH_LEN;

/// The client side of CURVE.
pub struct CurveClient {
    socket_type: i32,
    routing_id: Vec<u8>,
    /// Our long-term key pair (C, c).
    public_key: [u8; KEY_LEN],
    secret_key: StaticSecret,
    /// The server's long-term public key (S).
    server_key: [u8; KEY_LEN],
    random: Random,
    state: State,
    nonces: Nonces,
    peer: PeerProperties,
}

enum State {
    SendHello,
    /// HELLO went out.
    ExpectWelcome(Box<Hello>),
    /// WELCOME came; INITIATE is due.
    SendInitiate(Box<Welcomed>),
    /// INITIATE went out; the session key opens READY.
    ExpectReady(BoxKey),
    Ready(Messages),
    /// The server sent ERROR with this reason.
    ErrorReceived(Vec<u8>),
    Failed(Failure),
}

impl State {
    fn name(&self) -> &'static str {
        match self {
            State::SendHello => "SendHello",
            State::ExpectWelcome(_) => "ExpectWelcome",
            State::SendInitiate(_) => "SendInitiate",
            State::ExpectReady(_) => "ExpectReady",
            State::Ready(_) => "Ready",
            State::ErrorReceived(_) => "ErrorReceived",
            State::Failed(_) => "Failed",
        }
    }
}

/// What HELLO leaves to remember.
struct Hello {
    /// Our short-term key pair (C', c').
    short_public: [u8; KEY_LEN],
    short_secret: StaticSecret,
    /// Between c' and S: HELLO's box, and WELCOME's.
    hello_key: BoxKey,
}

/// What WELCOME taught: enough to send INITIATE.
struct Welcomed {
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
        CurveClient {
            socket_type: config.socket_type,
            routing_id: config.routing_id.clone(),
            public_key: *public_key,
            secret_key: StaticSecret::from(*secret_key),
            server_key: *server_key,
            random,
            state: State::SendHello,
            nonces: Nonces::new(),
            peer: PeerProperties::default(),
        }
    }

    /// HELLO: version, padding, C', short nonce, Box[64 zeros](C'->S).
    fn hello(&mut self) -> Result<(Vec<u8>, State), Failure> {
        let short_secret = random_secret(&mut self.random)?;
        let short_public = PublicKey::from(&short_secret).to_bytes();
        // A server key of small order is refused, as libsodium refuses it.
        let hello_key = BoxKey::agree(&self.server_key, &short_secret).ok_or_else(cryptographic)?;
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
        Ok((body, State::ExpectWelcome(Box::new(hello))))
    }

    /// INITIATE: the cookie, short nonce, Box[C + vouch nonce + vouch + metadata](C'->S'),
    /// where the vouch is Box[C' + S](C->S').
    fn initiate(&mut self, welcomed: Welcomed) -> Result<(Vec<u8>, State), Failure> {
        let vouch_nonce = random_nonce(&mut self.random)?;
        let vouch_key =
            BoxKey::agree(&welcomed.server_short, &self.secret_key).ok_or_else(cryptographic)?;
        let mut vouched = [0; 2 * KEY_LEN];
        vouched[..KEY_LEN].copy_from_slice(&welcomed.short_public);
        vouched[KEY_LEN..].copy_from_slice(&self.server_key);
        let vouch = vouch_key.seal(&nonce(b"VOUCH---", &vouch_nonce), &vouched);

        let short = self.nonces.take()?;
        let mut body = Vec::with_capacity(INITIATE_LEN + 64);
        body.extend_from_slice(INITIATE);
        body.extend_from_slice(&welcomed.cookie);
        body.extend_from_slice(&short);
        let boxed_at = body.len();
        body.extend_from_slice(&[0; TAG_LEN]);
        body.extend_from_slice(&self.public_key);
        body.extend_from_slice(&vouch_nonce);
        body.extend_from_slice(&vouch);
        properties::write_basic_properties(&mut body, self.socket_type, &self.routing_id);
        welcomed
            .session_key
            .seal_in_place(&nonce(b"CurveZMQINITIATE", &short), &mut body[boxed_at..]);
        Ok((body, State::ExpectReady(welcomed.session_key)))
    }

    /// WELCOME: random nonce, Box[S' + cookie](S->C'). libzmq reports any fault of it, its
    /// size included, as CRYPTOGRAPHIC.
    fn welcome(&mut self, data: &[u8]) -> Result<(), Failure> {
        let State::ExpectWelcome(hello) = &self.state else {
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
        self.state = State::SendInitiate(Box::new(Welcomed {
            short_public: hello.short_public,
            server_short,
            cookie,
            session_key,
        }));
        Ok(())
    }

    /// READY: short nonce, Box[metadata](S'->C').
    fn ready(&mut self, data: &[u8]) -> Result<(), Failure> {
        if data.len() < READY_MIN_LEN {
            return Err(Failure::Protocol(protocol_error::MALFORMED_COMMAND_READY));
        }
        // Before INITIATE libzmq has no key to open READY with: it fails to.
        let State::ExpectReady(key) = &self.state else {
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
        let State::ExpectReady(key) = std::mem::replace(&mut self.state, State::SendHello) else {
            return Err(cryptographic());
        };
        self.state = State::Ready(Messages {
            key,
            nonces: self.nonces,
            send_prefix: b"CurveZMQMESSAGEC",
            receive_prefix: b"CurveZMQMESSAGES",
        });
        Ok(())
    }

    /// ERROR: a reason of up to 255 bytes (more bytes after it are tolerated, as libzmq does).
    fn error(&mut self, data: &[u8]) -> Result<(), Failure> {
        if !matches!(self.state, State::ExpectWelcome(_) | State::ExpectReady(_)) {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        let malformed = Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR);
        let (&len, rest) = data[ERROR.len()..].split_first().ok_or(malformed.clone())?;
        let reason = rest.get(..usize::from(len)).ok_or(malformed)?;
        self.state = State::ErrorReceived(reason.to_vec());
        Ok(())
    }
}

impl Mechanism for CurveClient {
    fn name(&self) -> &'static str {
        "CURVE"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        let produced = match std::mem::replace(&mut self.state, State::SendHello) {
            State::SendHello => self.hello(),
            State::SendInitiate(welcomed) => self.initiate(*welcomed),
            other => {
                self.state = other;
                return None;
            }
        };
        match produced {
            Ok((body, state)) => {
                self.state = state;
                Some(body)
            }
            Err(failure) => {
                self.state = State::Failed(failure);
                None
            }
        }
    }

    fn process_handshake_command(&mut self, frame: Msg) -> Result<(), Failure> {
        let data = frame.data();
        let result = if data.starts_with(WELCOME) {
            self.welcome(data)
        } else if data.starts_with(READY) {
            self.ready(data)
        } else if data.starts_with(ERROR) {
            self.error(data)
        } else {
            Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND))
        };
        if let Err(failure) = &result {
            self.state = State::Failed(failure.clone());
        }
        result
    }

    fn status(&self) -> Status {
        match &self.state {
            State::Ready(_) => Status::Ready,
            State::ErrorReceived(reason) => Status::Error(Failure::PeerError(reason.clone())),
            State::Failed(failure) => Status::Error(failure.clone()),
            _ => Status::Handshaking,
        }
    }

    fn encode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        match &mut self.state {
            State::Ready(messages) => messages.encode(&msg),
            _ => Err(Failure::Protocol(protocol_error::UNSPECIFIED)),
        }
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        match &mut self.state {
            State::Ready(messages) => messages.decode(msg),
            _ => Err(Failure::Protocol(protocol_error::UNSPECIFIED)),
        }
    }

    fn peer(&self) -> &PeerProperties {
        &self.peer
    }
}

impl fmt::Debug for CurveClient {
    /// The state and the public keys; never a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurveClient")
            .field("state", &self.state.name())
            .field("public_key", &KeyPrefix(&self.public_key))
            .field("server_key", &KeyPrefix(&self.server_key))
            .finish_non_exhaustive()
    }
}
