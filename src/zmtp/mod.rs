//! ZMTP, the ZeroMQ wire protocol (RFC 23 and 37, with the older revisions libzmq accepts), as
//! sans-IO state machines: bytes and messages in, bytes, events and time-outs out.
//!
//! A [`Connection`] is one end of one stream. It greets the peer as libzmq 4.3 does (falling back
//! to ZMTP 2.0 and 1.0 framing for old peers), runs the security mechanism's handshake (NULL or
//! CURVE, behind the [`Mechanism`] trait), then turns frames into [`Event`]s and messages into
//! bytes, and keeps the handshake and heartbeat timers. It never reads a clock: time comes in as
//! an argument.
#![forbid(unsafe_code)]

mod command;
pub(crate) use self::command::{JOIN, LEAVE};
mod connection;
pub mod curve;
mod decoder;
mod encoder;
#[doc(hidden)]
pub mod fuzz;
mod greeting;
mod mechanism;
mod plain;
mod properties;
#[cfg(test)]
mod tests;
pub mod zap;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use self::connection::{Connection, WRITE_SLICES};
pub use self::curve::{CurveClient, CurveServer};
pub use self::decoder::DataFrame;
pub use self::mechanism::{Mechanism, Null, Status};
pub use self::properties::PeerProperties;
pub use self::zap::ZapReply;
use crate::msg::{Metadata, Msg};

/// The `ZMQ_PROTOCOL_ERROR_*` values libzmq reports with `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`.
pub mod protocol_error {
    /// ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED.
    pub const UNSPECIFIED: u32 = 0x1000_0000;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND.
    pub const UNEXPECTED_COMMAND: u32 = 0x1000_0001;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE.
    pub const INVALID_SEQUENCE: u32 = 0x1000_0002;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE.
    pub const KEY_EXCHANGE: u32 = 0x1000_0003;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED.
    pub const MALFORMED_COMMAND_UNSPECIFIED: u32 = 0x1000_0011;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE.
    pub const MALFORMED_COMMAND_MESSAGE: u32 = 0x1000_0012;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO.
    pub const MALFORMED_COMMAND_HELLO: u32 = 0x1000_0013;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE.
    pub const MALFORMED_COMMAND_INITIATE: u32 = 0x1000_0014;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR.
    pub const MALFORMED_COMMAND_ERROR: u32 = 0x1000_0015;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY.
    pub const MALFORMED_COMMAND_READY: u32 = 0x1000_0016;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME.
    pub const MALFORMED_COMMAND_WELCOME: u32 = 0x1000_0017;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA.
    pub const INVALID_METADATA: u32 = 0x1000_0018;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC.
    pub const CRYPTOGRAPHIC: u32 = 0x1100_0001;
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH.
    pub const MECHANISM_MISMATCH: u32 = 0x1100_0002;
    /// ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED.
    pub const ZAP_UNSPECIFIED: u32 = 0x2000_0000;
    /// ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY.
    pub const ZAP_MALFORMED_REPLY: u32 = 0x2000_0001;
    /// ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID.
    pub const ZAP_BAD_REQUEST_ID: u32 = 0x2000_0002;
    /// ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION.
    pub const ZAP_BAD_VERSION: u32 = 0x2000_0003;
    /// ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE.
    pub const ZAP_INVALID_STATUS_CODE: u32 = 0x2000_0004;
    /// ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA.
    pub const ZAP_INVALID_METADATA: u32 = 0x2000_0005;
}

/// The security mechanism of a connection and what it needs.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Security {
    /// NULL: no security (ZAP only when a ZAP domain is set).
    #[default]
    Null,
    /// PLAIN's client (ZMQ_PLAIN_USERNAME and ZMQ_PLAIN_PASSWORD, at most 255 bytes each).
    PlainClient {
        /// The username sent in HELLO.
        username: Vec<u8>,
        /// The password sent in HELLO.
        password: Vec<u8>,
    },
    /// PLAIN's server (ZMQ_PLAIN_SERVER): every client is put to the ZAP handler.
    PlainServer,
    /// CURVE, connecting side: our long-term key pair and the server's public key.
    CurveClient {
        /// ZMQ_CURVE_PUBLICKEY.
        public_key: [u8; 32],
        /// ZMQ_CURVE_SECRETKEY.
        secret_key: [u8; 32],
        /// ZMQ_CURVE_SERVERKEY.
        server_key: [u8; 32],
    },
    /// CURVE, ZMQ_CURVE_SERVER side: our long-term key pair.
    CurveServer {
        /// ZMQ_CURVE_PUBLICKEY.
        public_key: [u8; 32],
        /// ZMQ_CURVE_SECRETKEY.
        secret_key: [u8; 32],
    },
}

impl fmt::Debug for Security {
    /// Names the mechanism only: credentials and keys stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Security::Null => f.write_str("Null"),
            Security::PlainClient { .. } => f.write_str("PlainClient"),
            Security::PlainServer => f.write_str("PlainServer"),
            Security::CurveClient { .. } => f.write_str("CurveClient"),
            Security::CurveServer { .. } => f.write_str("CurveServer"),
        }
    }
}

impl Drop for Security {
    /// Wipes secret keys and passwords.
    fn drop(&mut self) {
        match self {
            Security::Null | Security::PlainServer => {}
            Security::PlainClient { password, .. } => zeroize::Zeroize::zeroize(password),
            Security::CurveClient { secret_key, .. } | Security::CurveServer { secret_key, .. } => {
                zeroize::Zeroize::zeroize(secret_key);
            }
        }
    }
}

/// What a connection needs to know about its socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Our socket type, in libzmq's numbering (PAIR 0 .. STREAM 11).
    pub socket_type: i32,
    /// ZMQ_ROUTING_ID, sent to the peer (may be empty).
    pub routing_id: Vec<u8>,
    /// The security mechanism, its role and credentials.
    pub security: Security,
    /// ZMQ_ZAP_DOMAIN: the domain of ZAP requests (NULL asks ZAP only when it is set).
    pub zap_domain: Vec<u8>,
    /// ZMQ_ZAP_ENFORCE_DOMAIN: fail the handshake when ZAP is due and no handler is bound.
    pub zap_enforce_domain: bool,
    /// The peer's address as ZAP requests and the "Peer-Address" property give it.
    pub peer_address: String,
    /// ZMQ_HEARTBEAT_IVL: how often to send a PING; `None` sends none.
    pub heartbeat_ivl: Option<Duration>,
    /// ZMQ_HEARTBEAT_TTL, sent in each PING (in deciseconds on the wire; zero: none).
    pub heartbeat_ttl: Duration,
    /// ZMQ_HEARTBEAT_TIMEOUT: how long to wait for anything after a PING; `None`: the interval.
    pub heartbeat_timeout: Option<Duration>,
    /// ZMQ_HANDSHAKE_IVL: the longest the handshake may take; `None`: no limit.
    pub handshake_ivl: Option<Duration>,
    /// ZMQ_MAXMSGSIZE: the largest frame accepted; `None`: no limit.
    pub maxmsgsize: Option<u64>,
}

impl Default for Config {
    /// libzmq's defaults for a PAIR socket.
    fn default() -> Self {
        Config {
            socket_type: 0,
            routing_id: Vec::new(),
            security: Security::Null,
            zap_domain: Vec::new(),
            zap_enforce_domain: false,
            peer_address: String::new(),
            heartbeat_ivl: None,
            heartbeat_ttl: Duration::ZERO,
            heartbeat_timeout: None,
            handshake_ivl: Some(Duration::from_secs(30)),
            maxmsgsize: None,
        }
    }
}

/// The protocol revision agreed with the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// ZMTP 1.0 (with or without a revision number in the greeting).
    V1,
    /// ZMTP 2.0.
    V2,
    /// ZMTP 3.0: subscriptions travel as data frames.
    V3_0,
    /// ZMTP 3.1: subscriptions travel as SUBSCRIBE and CANCEL commands.
    V3_1,
}

/// What the peer told us, in order.
#[derive(Debug)]
pub enum Event {
    /// The handshake is over; messages may flow both ways.
    Ready {
        /// The protocol revision.
        version: Version,
        /// The peer's routing id: READY's "Identity" property (ZMTP 3), or the first frame (1.0
        /// and 2.0); `None` when absent or empty.
        peer_routing_id: Option<Vec<u8>>,
        /// Every property of the peer's READY (empty before ZMTP 3).
        metadata: Arc<Metadata>,
        /// The peer's socket type: from READY (ZMTP 3) or the 2.0 greeting.
        peer_socket_type: Option<i32>,
    },
    /// The mechanism asks the ZAP handler: send these frames to the handler bound at
    /// `inproc://` [`zap::HANDLER_NAME`], then give its reply (or its absence) to
    /// [`Connection::zap_reply`]. The handshake waits until then.
    ZapRequest(Vec<Msg>),
    /// One frame of a message; `more()` is set when frames follow. A SUBSCRIBE or CANCEL command
    /// arrives as a frame of 1 or 0 and the topic, marked `is_subscription()`.
    Message(Msg),
}

/// Why a connection must be closed. libzmq then closes at once without flushing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A handshake violation libzmq reports with this `ZMQ_PROTOCOL_ERROR_*` code.
    Protocol(u32),
    /// Bytes libzmq rejects without a code (bad framing or READY metadata); the text says
    /// what, for logs.
    Malformed(&'static str),
    /// The peer's READY names a socket type ours cannot talk to.
    IncompatibleSocketType,
    /// The peer's greeting names another security mechanism.
    MechanismMismatch,
    /// The handshake did not finish within ZMQ_HANDSHAKE_IVL.
    HandshakeTimeout,
    /// Nothing came from the peer within the heartbeat time-out or the peer's TTL.
    HeartbeatTimeout,
    /// The peer sent ERROR with this reason.
    PeerError(Vec<u8>),
    /// A frame larger than ZMQ_MAXMSGSIZE (or than any buffer can be).
    MessageTooLarge,
    /// The ZAP handler refused the peer with this status (300, 400 or 500).
    ZapRefused(u32),
    /// ZAP was due and no handler is bound: fatal for PLAIN, and for NULL and CURVE under
    /// ZMQ_ZAP_ENFORCE_DOMAIN (libzmq reports HANDSHAKE_FAILED_NO_DETAIL with EFAULT).
    NoZapHandler,
}

impl Failure {
    /// The value libzmq gives `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL` for this failure; `None`
    /// when it reports none.
    pub fn protocol_error_code(&self) -> Option<u32> {
        match self {
            Failure::Protocol(code) => Some(*code),
            Failure::MechanismMismatch => Some(protocol_error::MECHANISM_MISMATCH),
            _ => None,
        }
    }

    /// Whether libzmq counts this as a time-out (the connecting side reconnects) rather than a
    /// protocol error (the session ends and does not reconnect).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Failure::HandshakeTimeout | Failure::HeartbeatTimeout)
    }

    /// The ZAP status libzmq reports with `ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`: the handler's
    /// refusal on the server, or an ERROR whose reason is a status code (300, 400 or 500) on
    /// the client.
    pub fn auth_status(&self) -> Option<u32> {
        match self {
            Failure::ZapRefused(status) => Some(*status),
            Failure::PeerError(reason) => match reason.as_slice() {
                [d @ b'3'..=b'5', b'0', b'0'] => Some(u32::from(d - b'0') * 100),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Protocol(code) => write!(f, "ZMTP protocol error {code:#x}"),
            Failure::Malformed(what) => write!(f, "malformed input: {what}"),
            Failure::IncompatibleSocketType => f.write_str("incompatible socket type"),
            Failure::MechanismMismatch => f.write_str("security mechanism mismatch"),
            Failure::HandshakeTimeout => f.write_str("handshake timed out"),
            Failure::HeartbeatTimeout => f.write_str("heartbeat timed out"),
            Failure::PeerError(reason) => {
                write!(f, "peer error: {}", String::from_utf8_lossy(reason))
            }
            Failure::MessageTooLarge => f.write_str("frame larger than ZMQ_MAXMSGSIZE"),
            Failure::ZapRefused(status) => write!(f, "refused by the ZAP handler ({status})"),
            Failure::NoZapHandler => f.write_str("no ZAP handler, and ZAP_ENFORCE_DOMAIN set"),
        }
    }
}

impl std::error::Error for Failure {}
