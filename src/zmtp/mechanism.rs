//! Security mechanisms (libzmq's mechanism_t made a trait), and NULL, the one without security.
//!
//! A mechanism runs the ZMTP 3 handshake after the greeting: the connection asks it for commands
//! to send and hands it every frame received until it is ready; then each message goes through
//! `encode` on the way out and `decode` on the way in (CURVE boxes them there).

use std::fmt;

use crate::msg::Msg;
use crate::zmtp::command::{ERROR, READY};
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::{Config, Failure, protocol_error};

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

    /// Turns a received frame back into a message.
    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        Ok(msg)
    }

    /// What the peer said about itself (complete once ready).
    fn peer(&self) -> &PeerProperties;
}

/// The NULL mechanism: each side sends READY with its properties; an ERROR ends the handshake.
#[derive(Debug)]
pub struct Null {
    socket_type: i32,
    routing_id: Vec<u8>,
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
        if self.ready_sent {
            return None;
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
        match &self.error_received {
            Some(reason) if self.ready_sent => Status::Error(Failure::PeerError(reason.clone())),
            _ => Status::Handshaking,
        }
    }

    fn peer(&self) -> &PeerProperties {
        &self.peer
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
