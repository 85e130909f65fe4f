//! PLAIN (RFC 24), as libzmq 4.3.4 runs it: the client sends its username and password in
//! clear in HELLO, the server asks the ZAP handler about them and answers WELCOME (or ERROR),
//! then INITIATE and READY carry each side's properties as NULL's READY does.
//!
//! Every check and its `ZMQ_PROTOCOL_ERROR_*` code follow libzmq's plain_client_t and
//! plain_server_t, including two things RFC 24 does not say: a server with no ZAP handler fails
//! the handshake, and the ERROR command travels under libzmq's misspelt name (see
//! [`LIBZMQ_ERROR`]).

use std::fmt;

use crate::msg::Msg;
use crate::zmtp::command::{ERROR, READY};
use crate::zmtp::mechanism::{Mechanism, Status, refused};
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::zap::ZapReply;
use crate::zmtp::{Config, Failure, protocol_error};

/// HELLO, as its body begins.
const HELLO: &[u8] = b"\x05HELLO";
/// WELCOME: its whole body (the client refuses anything longer).
const WELCOME: &[u8] = b"\x07WELCOME";
/// INITIATE, as its body begins.
const INITIATE: &[u8] = b"\x08INITIATE";
/// The ERROR name libzmq 4.3's PLAIN sends and expects. Its source spells it "\x05ERROR", which
/// C reads as the escape `\x05E` (0x5E, '^') followed by "RROR": five bytes, then the reason's
/// length and the reason. A libzmq 4.3 client takes the RFC's `\x05ERROR` for an unknown
/// command, so the server sends this form; the client accepts both.
const LIBZMQ_ERROR: &[u8] = b"\x5eRROR";
/// The longest username or password: HELLO gives each a one-byte length (libzmq's
/// ZMQ_PLAIN_USERNAME and ZMQ_PLAIN_PASSWORD refuse longer ones).
const MAX_CREDENTIAL: usize = 0xFF;

/// The client's side of PLAIN.
pub(super) struct PlainClient {
    socket_type: i32,
    routing_id: Vec<u8>,
    username: Vec<u8>,
    password: Vec<u8>,
    state: ClientState,
    peer: PeerProperties,
}

/// Where a client's handshake stands (libzmq's states, named alike).
#[derive(Debug, Clone, PartialEq, Eq)]
enum ClientState {
    SendingHello,
    WaitingForWelcome,
    SendingInitiate,
    WaitingForReady,
    Ready,
    /// The server sent ERROR with this reason.
    ErrorReceived(Vec<u8>),
}

impl PlainClient {
    /// The client for a socket, with its credentials (each cut to 255 bytes, as HELLO can carry
    /// no more).
    pub(super) fn new(config: &Config, username: &[u8], password: &[u8]) -> Self {
        let cut = |v: &[u8]| v[..v.len().min(MAX_CREDENTIAL)].to_vec();
        PlainClient {
            socket_type: config.socket_type,
            routing_id: config.routing_id.clone(),
            username: cut(username),
            password: cut(password),
            state: ClientState::SendingHello,
            peer: PeerProperties::default(),
        }
    }

    fn hello(&self) -> Vec<u8> {
        let mut body =
            Vec::with_capacity(HELLO.len() + 2 + self.username.len() + self.password.len());
        body.extend_from_slice(HELLO);
        for credential in [&self.username, &self.password] {
            // At most 255 bytes: `new` cut it.
            body.push(credential.len() as u8);
            body.extend_from_slice(credential);
        }
        body
    }

    fn process_welcome(&mut self, data: &[u8]) -> Result<(), Failure> {
        if self.state != ClientState::WaitingForWelcome {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        if data.len() != WELCOME.len() {
            return Err(Failure::Protocol(protocol_error::MALFORMED_COMMAND_WELCOME));
        }
        self.state = ClientState::SendingInitiate;
        Ok(())
    }

    fn process_ready(&mut self, metadata: &[u8]) -> Result<(), Failure> {
        if self.state != ClientState::WaitingForReady {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        // libzmq's PLAIN client reports any fault here, an unwanted socket type included, as
        // invalid metadata (NULL and the PLAIN server report none).
        properties::parse(metadata, self.socket_type, &mut self.peer)
            .map_err(|_| Failure::Protocol(protocol_error::INVALID_METADATA))?;
        self.state = ClientState::Ready;
        Ok(())
    }

    fn process_error(&mut self, rest: &[u8]) -> Result<(), Failure> {
        if !matches!(
            self.state,
            ClientState::WaitingForWelcome | ClientState::WaitingForReady
        ) {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        }
        let malformed = Failure::Protocol(protocol_error::MALFORMED_COMMAND_ERROR);
        let (&len, rest) = rest.split_first().ok_or(malformed.clone())?;
        // Bytes after the reason are tolerated, as libzmq does.
        let reason = rest.get(..usize::from(len)).ok_or(malformed)?;
        self.state = ClientState::ErrorReceived(reason.to_vec());
        Ok(())
    }
}

impl fmt::Debug for PlainClient {
    /// Leaves the credentials out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainClient")
            .field("socket_type", &self.socket_type)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Mechanism for PlainClient {
    fn name(&self) -> &'static str {
        "PLAIN"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        match self.state {
            ClientState::SendingHello => {
                self.state = ClientState::WaitingForWelcome;
                Some(self.hello())
            }
            ClientState::SendingInitiate => {
                self.state = ClientState::WaitingForReady;
                let mut body = INITIATE.to_vec();
                properties::write_basic_properties(&mut body, self.socket_type, &self.routing_id);
                Some(body)
            }
            _ => None,
        }
    }

    fn process_handshake_command(&mut self, frame: Msg) -> Result<(), Failure> {
        let data = frame.data();
        // Recognised by name in this order whatever the state, as libzmq does; the state
        // decides afterwards whether the command was due.
        if data.starts_with(WELCOME) {
            self.process_welcome(data)
        } else if let Some(metadata) = data.strip_prefix(READY) {
            self.process_ready(metadata)
        } else if let Some(rest) = data
            .strip_prefix(LIBZMQ_ERROR)
            .or_else(|| data.strip_prefix(ERROR))
        {
            self.process_error(rest)
        } else {
            Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND))
        }
    }

    fn status(&self) -> Status {
        match &self.state {
            ClientState::Ready => Status::Ready,
            ClientState::ErrorReceived(reason) => Status::Error(Failure::PeerError(reason.clone())),
            _ => Status::Handshaking,
        }
    }

    fn peer(&self) -> &PeerProperties {
        &self.peer
    }
}

/// The server's side of PLAIN: every client is put to the ZAP handler.
pub(super) struct PlainServer {
    socket_type: i32,
    routing_id: Vec<u8>,
    state: ServerState,
    peer: PeerProperties,
}

/// Where a server's handshake stands (libzmq's states, with the ZAP request split in two: due,
/// then taken).
#[derive(Clone, PartialEq, Eq)]
enum ServerState {
    WaitingForHello,
    /// HELLO came: the request with these credentials is due.
    ZapDue {
        username: Vec<u8>,
        password: Vec<u8>,
    },
    WaitingForZapReply,
    SendingWelcome,
    WaitingForInitiate,
    SendingReady,
    Ready,
    /// The handler refused with this status code (400 or 500): an ERROR is due.
    SendingError([u8; 3]),
    /// The handshake failed without a word to the client, or after the ERROR went out.
    Failed(Failure),
}

impl PlainServer {
    /// The server for a socket.
    pub(super) fn new(config: &Config) -> Self {
        // libzmq 4.3 asserts, ending the process, when a PLAIN server with
        // ZMQ_ZAP_ENFORCE_DOMAIN and no ZAP domain gets a connection. Not crashing, the
        // nearest is to let no client in.
        let state = if config.zap_enforce_domain && config.zap_domain.is_empty() {
            ServerState::Failed(Failure::NoZapHandler)
        } else {
            ServerState::WaitingForHello
        };
        PlainServer {
            socket_type: config.socket_type,
            routing_id: config.routing_id.clone(),
            state,
            peer: PeerProperties::default(),
        }
    }

    fn process_hello(&mut self, data: &[u8]) -> Result<(), Failure> {
        // libzmq first checks that something follows the name's length and that the name
        // does not run past the end (for the first command only).
        let fits = data
            .first()
            .is_some_and(|&name_len| data.len() > 1 && data.len() > usize::from(name_len));
        if !fits {
            return Err(Failure::Protocol(
                protocol_error::MALFORMED_COMMAND_UNSPECIFIED,
            ));
        }
        let Some(rest) = data.strip_prefix(HELLO) else {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        };
        let (username, rest) = short_field(rest)?;
        let (password, rest) = short_field(rest)?;
        if !rest.is_empty() {
            return Err(Failure::Protocol(protocol_error::MALFORMED_COMMAND_HELLO));
        }
        self.state = ServerState::ZapDue {
            username: username.to_vec(),
            password: password.to_vec(),
        };
        Ok(())
    }

    fn process_initiate(&mut self, data: &[u8]) -> Result<(), Failure> {
        let Some(metadata) = data.strip_prefix(INITIATE) else {
            return Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND));
        };
        // libzmq reports no code for bad metadata here.
        properties::parse(metadata, self.socket_type, &mut self.peer)?;
        self.state = ServerState::SendingReady;
        Ok(())
    }
}

/// Splits a one-byte length and that many bytes off the front of HELLO's rest.
fn short_field(data: &[u8]) -> Result<(&[u8], &[u8]), Failure> {
    let malformed = Failure::Protocol(protocol_error::MALFORMED_COMMAND_HELLO);
    let (&len, rest) = data.split_first().ok_or(malformed.clone())?;
    rest.split_at_checked(usize::from(len)).ok_or(malformed)
}

impl fmt::Debug for PlainServer {
    /// Leaves the credentials out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainServer")
            .field("socket_type", &self.socket_type)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ServerState {
    /// Names the state; the credentials of a due request stay out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerState::WaitingForHello => f.write_str("WaitingForHello"),
            ServerState::ZapDue { .. } => f.write_str("ZapDue"),
            ServerState::WaitingForZapReply => f.write_str("WaitingForZapReply"),
            ServerState::SendingWelcome => f.write_str("SendingWelcome"),
            ServerState::WaitingForInitiate => f.write_str("WaitingForInitiate"),
            ServerState::SendingReady => f.write_str("SendingReady"),
            ServerState::Ready => f.write_str("Ready"),
            ServerState::SendingError(code) => {
                write!(f, "SendingError({})", String::from_utf8_lossy(code))
            }
            ServerState::Failed(failure) => write!(f, "Failed({failure:?})"),
        }
    }
}

impl Mechanism for PlainServer {
    fn name(&self) -> &'static str {
        "PLAIN"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        match self.state {
            ServerState::SendingWelcome => {
                self.state = ServerState::WaitingForInitiate;
                Some(WELCOME.to_vec())
            }
            ServerState::SendingReady => {
                self.state = ServerState::Ready;
                let mut body = READY.to_vec();
                properties::write_basic_properties(&mut body, self.socket_type, &self.routing_id);
                Some(body)
            }
            ServerState::SendingError(code) => {
                self.state = ServerState::Failed(refused(code));
                let mut body = LIBZMQ_ERROR.to_vec();
                body.push(code.len() as u8);
                body.extend_from_slice(&code);
                Some(body)
            }
            _ => None,
        }
    }

    fn process_handshake_command(&mut self, frame: Msg) -> Result<(), Failure> {
        match self.state {
            ServerState::WaitingForHello => self.process_hello(frame.data()),
            ServerState::WaitingForInitiate => self.process_initiate(frame.data()),
            // Anything while the handler decides, or after the handshake ended.
            _ => Err(Failure::Protocol(protocol_error::UNSPECIFIED)),
        }
    }

    fn status(&self) -> Status {
        match &self.state {
            ServerState::Ready => Status::Ready,
            ServerState::Failed(failure) => Status::Error(failure.clone()),
            _ => Status::Handshaking,
        }
    }

    fn peer(&self) -> &PeerProperties {
        &self.peer
    }

    fn take_zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        if !matches!(self.state, ServerState::ZapDue { .. }) {
            return None;
        }
        match std::mem::replace(&mut self.state, ServerState::WaitingForZapReply) {
            ServerState::ZapDue { username, password } => Some(vec![username, password]),
            _ => None,
        }
    }

    fn zap_verdict(&mut self, reply: Option<&ZapReply>) -> Result<(), Failure> {
        if self.state != ServerState::WaitingForZapReply {
            return Err(Failure::Protocol(protocol_error::ZAP_UNSPECIFIED));
        }
        let Some(reply) = reply else {
            // Unlike NULL and CURVE, libzmq's PLAIN server fails when no handler is bound,
            // whether ZMQ_ZAP_ENFORCE_DOMAIN is set or not (checked against libzmq 4.3.4):
            // PLAIN without ZAP would let anyone in.
            self.state = ServerState::Failed(Failure::NoZapHandler);
            return Err(Failure::NoZapHandler);
        };
        self.state = match &reply.status_code {
            b"200" => ServerState::SendingWelcome,
            // A temporary failure drops the client without a word (as the CurveZMQ RFC asks).
            b"300" => ServerState::Failed(refused(reply.status_code)),
            code => ServerState::SendingError(*code),
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zmtp::Security;

    const DEALER: i32 = 5;
    const ROUTER: i32 = 6;
    const PULL: i32 = 7;
    const PUSH: i32 = 8;

    fn config(socket_type: i32, routing_id: &[u8]) -> Config {
        Config {
            socket_type,
            routing_id: routing_id.to_vec(),
            ..Config::default()
        }
    }

    fn client(socket_type: i32) -> PlainClient {
        PlainClient::new(&config(socket_type, b"abc"), b"admin", b"secret")
    }

    fn server(socket_type: i32) -> PlainServer {
        PlainServer::new(&config(socket_type, b"xyz"))
    }

    fn reply(code: &[u8; 3]) -> ZapReply {
        ZapReply {
            status: u32::from(code[0] - b'0') * 100,
            status_code: *code,
            user_id: b"bob".to_vec(),
            properties: PeerProperties::default(),
        }
    }

    fn process(m: &mut dyn Mechanism, body: &[u8]) -> Result<(), Failure> {
        m.process_handshake_command(Msg::from_slice(body))
    }

    fn code(failure: Result<(), Failure>) -> Option<u32> {
        failure.err().and_then(|f| f.protocol_error_code())
    }

    /// A server that has taken its ZAP request.
    fn asking_server(socket_type: i32) -> PlainServer {
        let mut s = server(socket_type);
        process(&mut s, b"\x05HELLO\x05admin\x06secret").unwrap();
        assert!(s.take_zap_request().is_some());
        s
    }

    // The bodies below are libzmq 4.3.4's, recorded on the wire (see tests/plain.rs).

    #[test]
    fn client_sends_hello_then_initiate() {
        let mut c = client(DEALER);
        assert_eq!(c.name(), "PLAIN");
        assert_eq!(c.status(), Status::Handshaking);
        assert_eq!(
            c.next_handshake_command().unwrap(),
            b"\x05HELLO\x05admin\x06secret"
        );
        assert_eq!(c.next_handshake_command(), None);
        process(&mut c, b"\x07WELCOME").unwrap();
        assert_eq!(
            c.next_handshake_command().unwrap(),
            b"\x08INITIATE\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc"
        );
        assert_eq!(c.next_handshake_command(), None);
        assert_eq!(c.status(), Status::Handshaking);
        let ready =
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x08Identity\x00\x00\x00\x03xyz";
        process(&mut c, ready).unwrap();
        assert_eq!(c.status(), Status::Ready);
        assert_eq!(c.peer().routing_id.as_deref(), Some(&b"xyz"[..]));
        assert_eq!(c.peer().socket_type, Some(ROUTER));
        assert_eq!(c.peer().metadata.len(), 2);
        assert_eq!(c.next_handshake_command(), None);
    }

    #[test]
    fn initiate_has_no_identity_for_push() {
        let mut c = client(PUSH);
        c.next_handshake_command();
        process(&mut c, b"\x07WELCOME").unwrap();
        assert_eq!(
            c.next_handshake_command().unwrap(),
            b"\x08INITIATE\x0bSocket-Type\x00\x00\x00\x04PUSH"
        );
    }

    #[test]
    fn hello_credentials_empty_longest_and_cut() {
        let mut c = PlainClient::new(&config(PUSH, b""), b"", b"");
        assert_eq!(c.next_handshake_command().unwrap(), b"\x05HELLO\x00\x00");
        let long = vec![b'u'; 255];
        let mut c = PlainClient::new(&config(PUSH, b""), &long, &[b'p'; 300]);
        let hello = c.next_handshake_command().unwrap();
        assert_eq!(hello.len(), 6 + 1 + 255 + 1 + 255);
        assert_eq!(hello[6], 0xFF);
        assert_eq!(&hello[7..262], &long[..]);
        assert_eq!(hello[262], 0xFF);
        assert!(hello[263..].iter().all(|&b| b == b'p'));
        // The server reads back what was sent.
        let mut s = server(PULL);
        process(&mut s, &hello).unwrap();
        let creds = s.take_zap_request().unwrap();
        assert_eq!(creds, [long, vec![b'p'; 255]]);
    }

    #[test]
    fn client_takes_both_error_spellings() {
        for error in [
            &b"\x5eRROR\x03400"[..],
            b"\x05ERROR\x03400",
            b"^RROR\x03400trailing",
        ] {
            for after_welcome in [false, true] {
                let mut c = client(DEALER);
                c.next_handshake_command();
                if after_welcome {
                    process(&mut c, b"\x07WELCOME").unwrap();
                    c.next_handshake_command();
                }
                process(&mut c, error).unwrap();
                let failure = Failure::PeerError(b"400".to_vec());
                assert_eq!(c.status(), Status::Error(failure.clone()));
                assert_eq!(failure.auth_status(), Some(400));
                assert_eq!(c.next_handshake_command(), None);
            }
        }
        for bad in [
            &b"^RROR"[..],
            b"^RROR\x04400",
            b"\x05ERROR",
            b"\x05ERROR\x01",
        ] {
            let mut c = client(DEALER);
            c.next_handshake_command();
            assert_eq!(
                code(process(&mut c, bad)),
                Some(protocol_error::MALFORMED_COMMAND_ERROR),
                "{bad:?}"
            );
        }
        // Any reason is taken; only a status code means a ZAP refusal.
        let mut c = client(DEALER);
        c.next_handshake_command();
        process(&mut c, b"^RROR\x00").unwrap();
        let Status::Error(failure) = c.status() else {
            panic!("not failed");
        };
        assert_eq!(failure, Failure::PeerError(Vec::new()));
        assert_eq!(failure.auth_status(), None);
    }

    #[test]
    fn client_codes_as_libzmq_picks_them() {
        let unexpected = Some(protocol_error::UNEXPECTED_COMMAND);
        // Before WELCOME: READY and unknown commands are unexpected; WELCOME must be exact.
        for (body, expected) in [
            (&b"\x05READY"[..], unexpected),
            (b"\x05HELLO\x00\x00", unexpected),
            (b"\x08INITIATE", unexpected),
            (b"\x07WELCOM", unexpected),
            (b"", unexpected),
            (
                b"\x07WELCOMEx",
                Some(protocol_error::MALFORMED_COMMAND_WELCOME),
            ),
        ] {
            let mut c = client(DEALER);
            c.next_handshake_command();
            assert_eq!(code(process(&mut c, body)), expected, "{body:?}");
        }
        // After WELCOME: a second WELCOME is unexpected; any fault in READY, an unwanted
        // socket type included, is invalid metadata.
        for (body, expected) in [
            (&b"\x07WELCOME"[..], unexpected),
            (
                b"\x05READY\x0bSocket-Type\x00\x00\x00\x03PUB",
                Some(protocol_error::INVALID_METADATA),
            ),
            (b"\x05READY\x05Soc", Some(protocol_error::INVALID_METADATA)),
            (
                b"\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x00",
                Some(protocol_error::INVALID_METADATA),
            ),
        ] {
            let mut c = client(DEALER);
            c.next_handshake_command();
            process(&mut c, b"\x07WELCOME").unwrap();
            c.next_handshake_command();
            assert_eq!(code(process(&mut c, body)), expected, "{body:?}");
        }
        // READY without properties is accepted, as libzmq accepts it.
        let mut c = client(DEALER);
        c.next_handshake_command();
        process(&mut c, b"\x07WELCOME").unwrap();
        c.next_handshake_command();
        process(&mut c, b"\x05READY").unwrap();
        assert_eq!(c.status(), Status::Ready);
        // Once ready (or failed), everything is unexpected.
        for body in [&b"\x07WELCOME"[..], b"\x05READY", b"^RROR\x03400"] {
            assert_eq!(code(process(&mut c, body)), unexpected);
        }
    }

    #[test]
    fn server_asks_zap_then_welcomes() {
        let mut s = server(ROUTER);
        assert_eq!(s.name(), "PLAIN");
        assert_eq!(s.next_handshake_command(), None);
        assert_eq!(s.take_zap_request(), None);
        process(&mut s, b"\x05HELLO\x05admin\x06secret").unwrap();
        // Nothing goes out until the verdict.
        assert_eq!(s.next_handshake_command(), None);
        assert_eq!(
            s.take_zap_request().unwrap(),
            [b"admin".to_vec(), b"secret".to_vec()]
        );
        assert_eq!(s.take_zap_request(), None);
        assert_eq!(s.next_handshake_command(), None);
        assert_eq!(s.status(), Status::Handshaking);
        s.zap_verdict(Some(&reply(b"200"))).unwrap();
        assert_eq!(s.next_handshake_command().unwrap(), b"\x07WELCOME");
        assert_eq!(s.next_handshake_command(), None);
        let initiate =
            b"\x08INITIATE\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc";
        process(&mut s, initiate).unwrap();
        assert_eq!(s.status(), Status::Handshaking);
        assert_eq!(
            s.next_handshake_command().unwrap(),
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x08Identity\x00\x00\x00\x03xyz"
        );
        assert_eq!(s.status(), Status::Ready);
        assert_eq!(s.next_handshake_command(), None);
        assert_eq!(s.peer().routing_id.as_deref(), Some(&b"abc"[..]));
        assert_eq!(s.peer().socket_type, Some(DEALER));
    }

    #[test]
    fn server_refusals() {
        for (code, status) in [(b"400", 400), (b"500", 500)] {
            let mut s = asking_server(PULL);
            s.zap_verdict(Some(&reply(code))).unwrap();
            assert_eq!(s.status(), Status::Handshaking);
            let mut error = b"\x5eRROR\x03".to_vec();
            error.extend_from_slice(code);
            assert_eq!(s.next_handshake_command().unwrap(), error);
            assert_eq!(s.status(), Status::Error(Failure::ZapRefused(status)));
            assert_eq!(s.next_handshake_command(), None);
        }
        // 300: nothing is sent.
        let mut s = asking_server(PULL);
        s.zap_verdict(Some(&reply(b"300"))).unwrap();
        assert_eq!(s.next_handshake_command(), None);
        assert_eq!(s.status(), Status::Error(Failure::ZapRefused(300)));
    }

    #[test]
    fn server_without_handler_fails_enforced_or_not() {
        for (domain, enforce) in [(&b""[..], false), (b"global", false), (b"global", true)] {
            let mut s = PlainServer::new(&Config {
                zap_domain: domain.to_vec(),
                zap_enforce_domain: enforce,
                ..config(PULL, b"")
            });
            process(&mut s, b"\x05HELLO\x00\x00").unwrap();
            assert!(s.take_zap_request().is_some());
            assert_eq!(s.zap_verdict(None), Err(Failure::NoZapHandler));
            assert_eq!(s.status(), Status::Error(Failure::NoZapHandler));
            assert_eq!(s.next_handshake_command(), None);
        }
        // Enforced without a domain: libzmq aborts; we let no one in.
        let s = PlainServer::new(&Config {
            zap_enforce_domain: true,
            ..config(PULL, b"")
        });
        assert_eq!(s.status(), Status::Error(Failure::NoZapHandler));
    }

    #[test]
    fn verdicts_nobody_asked_for_are_refused() {
        let unasked = Err(Failure::Protocol(protocol_error::ZAP_UNSPECIFIED));
        let mut s = server(PULL);
        assert_eq!(s.zap_verdict(Some(&reply(b"200"))), unasked);
        process(&mut s, b"\x05HELLO\x00\x00").unwrap();
        // Due but not taken.
        assert_eq!(s.zap_verdict(None), unasked);
        s.take_zap_request();
        s.zap_verdict(Some(&reply(b"200"))).unwrap();
        assert_eq!(s.zap_verdict(Some(&reply(b"200"))), unasked);
        let mut c = client(PUSH);
        assert_eq!(c.take_zap_request(), None);
        assert_eq!(c.zap_verdict(None), unasked);
    }

    #[test]
    fn server_codes_as_libzmq_picks_them() {
        let unspecified = Some(protocol_error::MALFORMED_COMMAND_UNSPECIFIED);
        let unexpected = Some(protocol_error::UNEXPECTED_COMMAND);
        let hello = Some(protocol_error::MALFORMED_COMMAND_HELLO);
        for (body, expected) in [
            (&b""[..], unspecified),
            (b"\x05", unspecified),
            (b"\x05HELL", unspecified),
            (b"\x00", unspecified),
            (b"\x00x", unexpected),
            (b"\x05HELLx", unexpected),
            (b"\x08INITIATE", unexpected),
            (b"\x07WELCOME", unexpected),
            (b"\x05HELLO", hello),
            (b"\x05HELLO\x01", hello),
            (b"\x05HELLO\x01u", hello),
            (b"\x05HELLO\x01u\x02p", hello),
            (b"\x05HELLO\x01u\x01px", hello),
        ] {
            let mut s = server(ROUTER);
            assert_eq!(code(process(&mut s, body)), expected, "{body:?}");
        }
        // While the handler decides, and once done, anything is unspecified.
        let mut s = asking_server(ROUTER);
        assert_eq!(
            code(process(&mut s, b"\x05HELLO\x00\x00")),
            Some(protocol_error::UNSPECIFIED)
        );
        // After WELCOME: anything but INITIATE is unexpected; bad properties have no code.
        for (body, expected) in [
            (
                &b"\x05HELLO\x00\x00"[..],
                Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND)),
            ),
            (
                b"\x08INITIATx",
                Err(Failure::Protocol(protocol_error::UNEXPECTED_COMMAND)),
            ),
            (
                b"\x08INITIATE\x0bSocket-Type\x00\x00\x00\x03PUB",
                Err(Failure::IncompatibleSocketType),
            ),
            (b"\x08INITIATE\x05Soc", Err(Failure::Malformed("metadata"))),
            (b"\x08INITIATE", Ok(())),
        ] {
            let mut s = asking_server(ROUTER);
            s.zap_verdict(Some(&reply(b"200"))).unwrap();
            s.next_handshake_command();
            assert_eq!(process(&mut s, body), expected, "{body:?}");
        }
    }

    #[test]
    fn debug_output_keeps_credentials_out() {
        let mut c = PlainClient::new(&config(PUSH, b""), b"admin", b"secret");
        let mut s = server(PULL);
        let hello = c.next_handshake_command().unwrap();
        process(&mut s, &hello).unwrap();
        let security = Security::PlainClient {
            username: b"admin".to_vec(),
            password: b"secret".to_vec(),
        };
        for text in [
            format!("{c:?}"),
            format!("{s:?}"),
            format!("{security:?}"),
            format!(
                "{:?}",
                Config {
                    security: security.clone(),
                    ..Config::default()
                }
            ),
        ] {
            assert!(
                !text.contains("admin") && !text.contains("secret"),
                "{text}"
            );
        }
        assert!(format!("{s:?}").contains("ZapDue"));
        assert_eq!(format!("{:?}", Security::PlainServer), "PlainServer");
    }
}
