//! The CURVE server (libzmq's curve_server_t): WELCOME for a valid HELLO; for a valid
//! INITIATE, the ZAP handler's verdict, then READY (or ERROR, or nothing).
//!
//! The client's long-term key is trusted for nothing until its vouch opens: only then is it
//! kept, and put to the ZAP handler.

use std::fmt;

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{
    BoxKey, COOKIE_LEN, Curve, HELLO, HELLO_LEN, HELLO_PADDING, INITIATE, INITIATE_MIN_LEN,
    KEY_LEN, LONG_NONCE_LEN, Messages, Random, SHORT_NONCE_LEN, Side, Stage, TAG_LEN, VERSION,
    VOUCH_LEN, WELCOME, WELCOME_LEN, check_command_structure, cryptographic, nonce, random_nonce,
    random_secret, short_nonce,
};
use crate::zmtp::command::READY;
use crate::zmtp::mechanism::{Status, Zap, refusal_error, refused};
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::zap::ZapReply;
use crate::zmtp::{Config, Failure, protocol_error};

/// Where HELLO keeps the client's short-term key (C') and its short nonce.
const HELLO_KEY_AT: usize = HELLO.len() + VERSION.len() + HELLO_PADDING;
const HELLO_NONCE_AT: usize = HELLO_KEY_AT + KEY_LEN;
const HELLO_BOX_AT: usize = HELLO_NONCE_AT + SHORT_NONCE_LEN;
/// Where INITIATE keeps the cookie, its short nonce and its box.
const INITIATE_COOKIE_AT: usize = INITIATE.len();
const INITIATE_NONCE_AT: usize = INITIATE_COOKIE_AT + COOKIE_LEN;
const INITIATE_BOX_AT: usize = INITIATE_NONCE_AT + SHORT_NONCE_LEN;
/// What INITIATE's box holds before the metadata: C, the vouch's nonce, the vouch.
const VOUCHED_LEN: usize = KEY_LEN + LONG_NONCE_LEN + VOUCH_LEN;

/// The server side of CURVE.
pub type CurveServer = Curve<Server>;

/// What only the server keeps: its long-term secret key and where ZAP stands.
pub struct Server {
    /// Our long-term secret key (s).
    secret_key: StaticSecret,
    zap: Zap,
    /// libzmq asks the ZAP handler whenever one is bound, unless no domain is set and
    /// ZMQ_ZAP_ENFORCE_DOMAIN is on.
    zap_wanted: bool,
    zap_enforce_domain: bool,
    /// The client's long-term public key (C), once its vouch opened.
    client_key: Option<[u8; KEY_LEN]>,
}

/// Where the server's handshake stands.
pub enum Step {
    WaitingForHello,
    /// A valid HELLO came; WELCOME is due.
    SendingWelcome(Box<Hello>),
    /// WELCOME went out.
    WaitingForInitiate(Box<Welcomed>),
    /// A valid INITIATE came: READY is due once the ZAP handler (if asked) accepts.
    Authenticating(BoxKey),
    /// The ZAP handler refused with this status and the refusal went out (an ERROR, or
    /// nothing for 300).
    Refused([u8; 3]),
}

/// What HELLO leaves to remember.
pub struct Hello {
    /// The client's short-term public key (C').
    client_short: [u8; KEY_LEN],
    /// Between s and C': HELLO's box, and WELCOME's.
    hello_key: BoxKey,
}

/// What WELCOME leaves to remember: what INITIATE is checked against.
pub struct Welcomed {
    client_short: [u8; KEY_LEN],
    /// Our short-term secret key (s').
    short_secret: StaticSecret,
    /// The key of this connection's cookie (t), known only here.
    cookie_key: Zeroizing<[u8; KEY_LEN]>,
    /// Between s' and C': INITIATE's box, READY's and every MESSAGE's.
    session_key: BoxKey,
}

impl CurveServer {
    /// The server for a socket, with its long-term secret key (s) and where to take random
    /// bytes from (at WELCOME: 32 for the short-term secret, 16 for the cookie's nonce, 32 for
    /// the cookie's key, 16 for WELCOME's nonce).
    pub fn new(config: &Config, secret_key: &[u8; KEY_LEN], random: Random) -> Self {
        let side = Server {
            secret_key: StaticSecret::from(*secret_key),
            zap: Zap::Unused,
            zap_wanted: !config.zap_domain.is_empty() || !config.zap_enforce_domain,
            zap_enforce_domain: config.zap_enforce_domain,
            client_key: None,
        };
        Curve::with_side(config, side, Step::WaitingForHello, random)
    }

    /// HELLO: version, padding, C', short nonce, Box[64 zeros](C'->S).
    fn hello(&mut self, data: &[u8]) -> Result<(), Failure> {
        check_command_structure(data)?;
        if !data.starts_with(HELLO) {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        let malformed = Failure::Protocol(protocol_error::MALFORMED_COMMAND_HELLO);
        if data.len() != HELLO_LEN || data[HELLO.len()..HELLO.len() + VERSION.len()] != VERSION {
            return Err(malformed);
        }
        let mut client_short = [0; KEY_LEN];
        client_short.copy_from_slice(&data[HELLO_KEY_AT..HELLO_NONCE_AT]);
        let short = &data[HELLO_NONCE_AT..HELLO_BOX_AT];
        self.nonces.peer = short_nonce(short);
        // A key of small order opens nothing, as in libsodium.
        let hello_key =
            BoxKey::agree(&client_short, &self.side.secret_key).ok_or_else(cryptographic)?;
        // The 64 zeros are not checked: that the box opens is the proof.
        hello_key
            .open(&nonce(b"CurveZMQHELLO---", short), &data[HELLO_BOX_AT..])
            .ok_or_else(cryptographic)?;
        self.stage = Stage::Handshake(Step::SendingWelcome(Box::new(Hello {
            client_short,
            hello_key,
        })));
        Ok(())
    }

    /// WELCOME: random nonce, Box[S' + cookie](S->C'), where the cookie is its random nonce
    /// and SecretBox[C' + s'](t).
    fn welcome(&mut self, hello: Hello) -> Result<(Vec<u8>, Stage<Step>), Failure> {
        let short_secret = random_secret(&mut self.random)?;
        let short_public = PublicKey::from(&short_secret).to_bytes();
        let session_key =
            BoxKey::agree(&hello.client_short, &short_secret).ok_or_else(cryptographic)?;
        let cookie_nonce = random_nonce(&mut self.random)?;
        let mut cookie_key = Zeroizing::new([0; KEY_LEN]);
        (self.random)(&mut cookie_key[..])?;
        let welcome_nonce = random_nonce(&mut self.random)?;

        let mut body = Vec::with_capacity(WELCOME_LEN);
        body.extend_from_slice(WELCOME);
        body.extend_from_slice(&welcome_nonce);
        let boxed_at = body.len();
        body.extend_from_slice(&[0; TAG_LEN]);
        body.extend_from_slice(&short_public);
        body.extend_from_slice(&cookie_nonce);
        let cookie_at = body.len();
        body.extend_from_slice(&[0; TAG_LEN]);
        body.extend_from_slice(&hello.client_short);
        body.extend_from_slice(short_secret.as_bytes());
        // s' is in the clear here only until the next line boxes it in place.
        BoxKey::secret(&cookie_key)
            .seal_in_place(&nonce(b"COOKIE--", &cookie_nonce), &mut body[cookie_at..]);
        hello
            .hello_key
            .seal_in_place(&nonce(b"WELCOME-", &welcome_nonce), &mut body[boxed_at..]);
        debug_assert_eq!(body.len(), WELCOME_LEN);
        let welcomed = Welcomed {
            client_short: hello.client_short,
            short_secret,
            cookie_key,
            session_key,
        };
        Ok((
            body,
            Stage::Handshake(Step::WaitingForInitiate(Box::new(welcomed))),
        ))
    }

    /// INITIATE: the cookie, short nonce, Box[C + vouch nonce + vouch + metadata](C'->S'),
    /// with libzmq's checks in libzmq's order.
    fn initiate(&mut self, data: &[u8]) -> Result<(), Failure> {
        check_command_structure(data)?;
        if !data.starts_with(INITIATE) {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        if data.len() < INITIATE_MIN_LEN {
            return Err(Failure::Protocol(
                protocol_error::MALFORMED_COMMAND_INITIATE,
            ));
        }
        let Some(Step::WaitingForInitiate(welcomed)) = self.stage.step() else {
            return Err(Failure::Protocol(protocol_error::UNSPECIFIED));
        };

        // The cookie must be the one our WELCOME gave, for this C' and s'.
        let (cookie_nonce, cookie) =
            data[INITIATE_COOKIE_AT..INITIATE_NONCE_AT].split_at(LONG_NONCE_LEN);
        let cookie = BoxKey::secret(&welcomed.cookie_key)
            .open(&nonce(b"COOKIE--", cookie_nonce), cookie)
            .ok_or_else(cryptographic)?;
        if cookie[..KEY_LEN] != welcomed.client_short
            || cookie[KEY_LEN..] != welcomed.short_secret.as_bytes()[..]
        {
            return Err(cryptographic());
        }

        let short = &data[INITIATE_NONCE_AT..INITIATE_BOX_AT];
        self.nonces.peer = short_nonce(short);
        let content = welcomed
            .session_key
            .open(&nonce(b"CurveZMQINITIATE", short), &data[INITIATE_BOX_AT..])
            .ok_or_else(cryptographic)?;
        let (vouched, metadata) = content.split_at(VOUCHED_LEN);
        let mut client_key = [0; KEY_LEN];
        client_key.copy_from_slice(&vouched[..KEY_LEN]);
        let (vouch_nonce, vouch) = vouched[KEY_LEN..].split_at(LONG_NONCE_LEN);
        let vouch = BoxKey::agree(&client_key, &welcomed.short_secret)
            .and_then(|key| key.open(&nonce(b"VOUCH---", vouch_nonce), vouch))
            .ok_or_else(cryptographic)?;
        // libzmq checks the vouch's C' only (its S could only be ours: HELLO opened).
        if vouch[..KEY_LEN] != welcomed.client_short {
            return Err(Failure::Protocol(protocol_error::KEY_EXCHANGE));
        }

        let mut peer = PeerProperties::default();
        properties::parse(metadata, self.socket_type, &mut peer)?;
        self.peer = peer;
        self.side.client_key = Some(client_key);
        if self.side.zap_wanted {
            self.side.zap = Zap::Due;
        }
        let Stage::Handshake(Step::WaitingForInitiate(welcomed)) =
            self.stage.take(Step::WaitingForHello)
        else {
            return Err(Failure::Protocol(protocol_error::UNSPECIFIED));
        };
        self.stage = Stage::Handshake(Step::Authenticating(welcomed.session_key));
        Ok(())
    }

    /// READY: short nonce, Box[metadata](S'->C'); then MESSAGEs flow.
    fn ready(&mut self, session_key: BoxKey) -> Result<(Vec<u8>, Stage<Step>), Failure> {
        let short = self.nonces.take()?;
        let mut body = READY.to_vec();
        body.extend_from_slice(&short);
        let boxed_at = body.len();
        body.extend_from_slice(&[0; TAG_LEN]);
        properties::write_basic_properties(&mut body, self.socket_type, &self.routing_id);
        session_key.seal_in_place(&nonce(b"CurveZMQREADY---", &short), &mut body[boxed_at..]);
        let messages = Messages {
            key: session_key,
            nonces: self.nonces,
            send_prefix: b"CurveZMQMESSAGES",
            receive_prefix: b"CurveZMQMESSAGEC",
        };
        Ok((body, Stage::Ready(messages)))
    }
}

impl Side for Server {
    type Step = Step;
    const NAME: &'static str = "CurveServer";

    fn step_name(step: &Step) -> &'static str {
        match step {
            Step::WaitingForHello => "WaitingForHello",
            Step::SendingWelcome(_) => "SendingWelcome",
            Step::WaitingForInitiate(_) => "WaitingForInitiate",
            Step::Authenticating(_) => "Authenticating",
            Step::Refused(_) => "Refused",
        }
    }

    fn step_status(step: &Step) -> Status {
        match step {
            Step::Refused(code) => Status::Error(refused(*code)),
            _ => Status::Handshaking,
        }
    }

    fn next_command(curve: &mut CurveServer) -> Option<Vec<u8>> {
        let produced = match curve.stage.take(Step::WaitingForHello) {
            Stage::Handshake(Step::SendingWelcome(hello)) => curve.welcome(*hello),
            Stage::Handshake(Step::Authenticating(key)) if !curve.side.zap.pending() => {
                match curve.side.zap.refusal() {
                    Some(code) => {
                        curve.stage = Stage::Handshake(Step::Refused(code));
                        return refusal_error(code);
                    }
                    None => curve.ready(key),
                }
            }
            other => {
                curve.stage = other;
                return None;
            }
        };
        curve.stage.sent(produced)
    }

    fn process_command(curve: &mut CurveServer, data: &[u8]) -> Result<(), Failure> {
        match curve.stage.step() {
            Some(Step::WaitingForHello) => curve.hello(data),
            Some(Step::WaitingForInitiate(_)) => curve.initiate(data),
            // libzmq: a command while it waits for ZAP, or after READY or ERROR is not
            // something it has a code for.
            _ => Err(Failure::Protocol(protocol_error::UNSPECIFIED)),
        }
    }

    fn debug_fields(&self, out: &mut fmt::DebugStruct<'_, '_>) {
        out.field("zap", &self.zap);
    }

    fn take_zap_request(curve: &mut CurveServer) -> Option<Vec<Vec<u8>>> {
        let key = curve.side.client_key?;
        curve.side.zap.take().then(|| vec![key.to_vec()])
    }

    fn zap_verdict(curve: &mut CurveServer, reply: Option<&ZapReply>) -> Result<(), Failure> {
        curve.side.zap.verdict(reply, curve.side.zap_enforce_domain)
    }
}
