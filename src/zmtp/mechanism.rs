//! Security mechanisms (libzmq's mechanism_t made a trait), and NULL, the one without security.
//!
//! A mechanism runs the ZMTP 3 handshake after the greeting: the connection asks it for commands
//! to send and hands it every frame received until it is ready; then each message goes through
//! `encode` on the way out and `decode` on the way in (CURVE boxes them there).
//!
//! A server mechanism that authenticates through ZAP hands the connection a request
//! ([`Mechanism::take_zap_request`]) and waits, sending nothing, until the connection gives it the
//! handler's verdict ([`Mechanism::zap_verdict`]).

use std::fmt;

use crate::msg::Msg;
use crate::zmtp::command::{ERROR, READY};
use crate::zmtp::curve::{self, CurveClient, CurveServer};
use crate::zmtp::plain::{PlainClient, PlainServer};
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::zap::ZapReply;
use crate::zmtp::{Config, Failure, Security, protocol_error};

/// The mechanism a connection runs, as its configuration says.
pub(super) fn for_config(config: &Config) -> Box<dyn Mechanism> {
    match &config.security {
        Security::Null => Box::new(Null::new(config)),
        Security::PlainClient { username, password } => {
            Box::new(PlainClient::new(config, username, password))
        }
        Security::PlainServer => Box::new(PlainServer::new(config)),
        Security::CurveClient {
            public_key,
            secret_key,
            server_key,
        } => Box::new(CurveClient::new(
            config,
            public_key,
            secret_key,
            server_key,
            curve::os_random(),
        )),
        Security::CurveServer { secret_key, .. } => {
            Box::new(CurveServer::new(config, secret_key, curve::os_random()))
        }
    }
}

/// Where a mechanism's handshake stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Commands remain to be exchanged.
    Handshaking,
    /// The handshake succeeded.
    Ready,
    /// The handshake failed: the connection closes.
    Error(Failure),
}

/// One security mechanism's side of a connection.
pub trait Mechanism: Send + fmt::Debug {
    /// The name announced in the greeting ("NULL", "PLAIN", "CURVE"), at most 20 bytes.
    fn name(&self) -> &'static str;

    /// The body of the next handshake command to send, if one is due now.
    fn next_handshake_command(&mut self) -> Option<Vec<u8>>;

    /// Processes one frame received during the handshake (libzmq passes every frame, whether
    /// flagged as a command or not).
    fn process_handshake_command(&mut self, frame: Msg) -> Result<(), Failure>;

    /// Where the handshake stands.
    fn status(&self) -> Status;

    /// Turns an outgoing message into what goes on the wire.
    fn encode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        Ok(msg)
    }

    /// Whether `encode` and `decode` change messages (CURVE); when not, the connection does not
    /// pass them through (a message returned by value from a dynamic call is a copy).
    fn transforms(&self) -> bool {
        false
    }

    /// Turns a received frame back into a message.
    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        Ok(msg)
    }

    /// What the peer said about itself (complete once ready).
    fn peer(&self) -> &PeerProperties;

    /// The credentials of a ZAP request due now, taken once: the frames that follow the
    /// mechanism's name in the request (PLAIN: username and password; CURVE: the client's
    /// public key; NULL: none). Until the verdict comes the mechanism sends nothing.
    fn take_zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        None
    }

    /// The verdict on the request taken: the handler's reply (already checked), or `None` when
    /// no handler is bound. A refusal is not an error here: the mechanism sends what libzmq
    /// sends (an ERROR for 400 and 500, nothing for 300), then reports
    /// [`Failure::ZapRefused`] through [`status`](Self::status).
    fn zap_verdict(&mut self, reply: Option<&ZapReply>) -> Result<(), Failure> {
        let _ = reply;
        Err(Failure::Protocol(protocol_error::ZAP_UNSPECIFIED))
    }
}

/// Where a server's ZAP exchange stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Zap {
    /// No request (none wanted, or no handler and that is allowed).
    Unused,
    /// A request is due.
    Due,
    /// The request went out; the verdict has not come.
    Waiting,
    /// The handler answered with this status code.
    Answered([u8; 3]),
}

impl Zap {
    /// Records the verdict on the request: with no handler bound, the handshake goes on
    /// without ZAP unless ZMQ_ZAP_ENFORCE_DOMAIN asks otherwise (libzmq 4.3's rule).
    pub(super) fn verdict(
        &mut self,
        reply: Option<&ZapReply>,
        enforce_domain: bool,
    ) -> Result<(), Failure> {
        if *self != Zap::Waiting {
            return Err(Failure::Protocol(protocol_error::ZAP_UNSPECIFIED));
        }
        *self = match reply {
            Some(reply) => Zap::Answered(reply.status_code),
            None if enforce_domain => return Err(Failure::NoZapHandler),
            None => Zap::Unused,
        };
        Ok(())
    }

    /// Takes the request if it is due.
    pub(super) fn take(&mut self) -> bool {
        let due = *self == Zap::Due;
        if due {
            *self = Zap::Waiting;
        }
        due
    }

    /// Whether the handshake must wait for the handler.
    pub(super) fn pending(&self) -> bool {
        matches!(self, Zap::Due | Zap::Waiting)
    }

    /// The handler's refusal, if it refused: its status code.
    pub(super) fn refusal(&self) -> Option<[u8; 3]> {
        match self {
            Zap::Answered(code) if code != b"200" => Some(*code),
            _ => None,
        }
    }
}

/// The body of the ERROR a server sends when the handler refused with `code`; `None` for 300,
/// where the peer is dropped without a word (as the CurveZMQ RFC asks).
pub(super) fn refusal_error(code: [u8; 3]) -> Option<Vec<u8>> {
    if &code == b"300" {
        return None;
    }
    let mut body = ERROR.to_vec();
    body.push(3);
    body.extend_from_slice(&code);
    Some(body)
}

/// The failure a refusal ends the handshake with.
pub(super) fn refused(code: [u8; 3]) -> Failure {
    Failure::ZapRefused(u32::from(code[0] - b'0') * 100)
}

/// The NULL mechanism: each side sends READY with its properties; an ERROR ends the handshake.
/// With a ZAP domain set, each side first asks the ZAP handler, and sends ERROR instead of READY
/// when it refuses.
#[derive(Debug)]
pub struct Null {
    socket_type: i32,
    routing_id: Vec<u8>,
    zap: Zap,
    zap_enforce_domain: bool,
    /// The refusal was acted on (an ERROR sent, or nothing for 300).
    refusal_sent: bool,
    ready_sent: bool,
    ready_received: bool,
    /// The reason of an ERROR received.
    error_received: Option<Vec<u8>>,
    peer: PeerProperties,
}

impl Null {
    /// The NULL mechanism for a socket.
    pub fn new(config: &Config) -> Self {
        Null {
            socket_type: config.socket_type,
            routing_id: config.routing_id.clone(),
            zap: if config.zap_domain.is_empty() {
                Zap::Unused
            } else {
                Zap::Due
            },
            zap_enforce_domain: config.zap_enforce_domain,
            refusal_sent: false,
            ready_sent: false,
            ready_received: false,
            error_received: None,
            peer: PeerProperties::default(),
        }
    }
}

impl Mechanism for Null {
    fn name(&self) -> &'static str {
        "NULL"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        if self.ready_sent || self.refusal_sent || self.zap.pending() {
            return None;
        }
        if let Some(code) = self.zap.refusal() {
            self.refusal_sent = true;
            return refusal_error(code);
        }
        self.ready_sent = true;
        let mut body = READY.to_vec();
        properties::write_basic_properties(&mut body, self.socket_type, &self.routing_id);
        Some(body)
    }

    fn process_handshake_command(&mut self, frame: Msg) -> Result<(), Failure> {
        if self.ready_received || self.error_received.is_some() {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        let data = frame.data();
        if let Some(metadata) = data.strip_prefix(READY) {
            self.ready_received = true;
            properties::parse(metadata, self.socket_type, &mut self.peer)
        } else if let Some(rest) = data.strip_prefix(ERROR) {
            let malformed = Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR);
            let (&len, rest) = rest.split_first().ok_or(malformed.clone())?;
            // Bytes after the reason are tolerated, as libzmq does.
            let reason = rest.get(..usize::from(len)).ok_or(malformed)?;
            self.error_received = Some(reason.to_vec());
            Ok(())
        } else {
            Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND))
        }
    }

    fn status(&self) -> Status {
        if self.ready_sent && self.ready_received {
            return Status::Ready;
        }
        // As libzmq: a refusal ends the handshake once the peer's command has come too.
        let received = self.ready_received || self.error_received.is_some();
        if let Some(code) = self.zap.refusal().filter(|_| self.refusal_sent && received) {
            return Status::Error(refused(code));
        }
        match &self.error_received {
            Some(reason) if self.ready_sent => Status::Error(Failure::PeerError(reason.clone())),
            _ => Status::Handshaking,
        }
    }

    fn peer(&self) -> &PeerProperties {
        &self.peer
    }

    fn take_zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        self.zap.take().then(Vec::new)
    }

    fn zap_verdict(&mut self, reply: Option<&ZapReply>) -> Result<(), Failure> {
        self.zap.verdict(reply, self.zap_enforce_domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn null(socket_type: i32) -> Null {
        Null::new(&Config {
            socket_type,
            routing_id: b"abc".to_vec(),
            ..Config::default()
        })
    }

    #[test]
    fn ready_exchange() {
        let mut m = null(5);
        assert_eq!(m.status(), Status::Handshaking);
        let ready = m.next_handshake_command().unwrap();
        assert_eq!(
            ready,
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc"
        );
        assert!(m.next_handshake_command().is_none());
        let peer = b"\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x08Identity\x00\x00\x00\x02id";
        m.process_handshake_command(Msg::from_slice(peer)).unwrap();
        assert_eq!(m.status(), Status::Ready);
        assert_eq!(m.peer().routing_id.as_deref(), Some(&b"id"[..]));
        assert_eq!(m.peer().socket_type, Some(6));
        assert_eq!(
            m.process_handshake_command(Msg::from_slice(peer)),
            Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND))
        );
    }

    #[test]
    fn error_command() {
        let mut m = null(5);
        m.next_handshake_command();
        m.process_handshake_command(Msg::from_slice(b"\x05ERROR\x03400extra"))
            .unwrap();
        assert_eq!(
            m.status(),
            Status::Error(Failure::PeerError(b"400".to_vec()))
        );
        for bad in [&b"\x05ERROR"[..], b"\x05ERROR\x04abc"] {
            let mut m = null(5);
            assert_eq!(
                m.process_handshake_command(Msg::from_slice(bad)),
                Err(Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR))
            );
        }
    }

    #[test]
    fn other_commands_are_unexpected() {
        for bad in [&b""[..], b"\x05READ", b"\x05HELLO", b"\x04PING\x00\x00"] {
            let mut m = null(5);
            assert_eq!(
                m.process_handshake_command(Msg::from_slice(bad)),
                Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND))
            );
        }
    }
}
