//! ZMTP commands: a name length byte, the name, then data. The ones a connection handles itself
//! once the handshake is over (PING, PONG, SUBSCRIBE, CANCEL) and the bodies it builds.

/// READY, as its body begins.
pub(super) const READY: &[u8] = b"\x05READY";
/// ERROR, as its body begins.
pub(super) const ERROR: &[u8] = b"\x05ERROR";
const PING: &[u8] = b"\x04PING";
const PONG: &[u8] = b"\x04PONG";
const SUBSCRIBE: &[u8] = b"\x09SUBSCRIBE";
const CANCEL: &[u8] = b"\x06CANCEL";
/// JOIN and LEAVE (RADIO/DISH), as their bodies begin; a DISH writes them into its pipes.
pub(crate) const JOIN: &[u8] = b"\x04JOIN";
pub(crate) const LEAVE: &[u8] = b"\x05LEAVE";
/// The longest PING context echoed in a PONG (longer ones are cut, as libzmq does).
const PING_CONTEXT_MAX: usize = 16;

/// A command received after the handshake.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Command<'a> {
    /// PING: the sender's TTL in deciseconds, and a context to echo.
    Ping { ttl: u16, context: &'a [u8] },
    /// PONG.
    Pong,
    /// SUBSCRIBE to a topic.
    Subscribe(&'a [u8]),
    /// CANCEL a subscription.
    Cancel(&'a [u8]),
    /// JOIN or LEAVE a RADIO's group (the socket reads the whole command).
    Membership,
    /// Anything else (or a name running past the end): ignored, as libzmq drops it.
    Other,
}

impl<'a> Command<'a> {
    /// Recognises a command body; names are compared exactly.
    pub(super) fn parse(body: &'a [u8]) -> Command<'a> {
        if let Some(rest) = body.strip_prefix(PING) {
            // libzmq reads the TTL whatever the size; a PING too short to hold one has none.
            let (ttl, context) = match rest.split_first_chunk::<2>() {
                Some((ttl, context)) => (u16::from_be_bytes(*ttl), context),
                None => (0, &[][..]),
            };
            let context = &context[..context.len().min(PING_CONTEXT_MAX)];
            Command::Ping { ttl, context }
        } else if body.starts_with(PONG) {
            Command::Pong
        } else if let Some(topic) = body.strip_prefix(SUBSCRIBE) {
            Command::Subscribe(topic)
        } else if let Some(topic) = body.strip_prefix(CANCEL) {
            Command::Cancel(topic)
        } else if body.starts_with(JOIN) || body.starts_with(LEAVE) {
            Command::Membership
        } else {
            Command::Other
        }
    }
}

/// The body of a PING with this TTL (deciseconds) and no context.
pub(super) fn ping(ttl: u16) -> Vec<u8> {
    let mut body = PING.to_vec();
    body.extend_from_slice(&ttl.to_be_bytes());
    body
}

/// The body of the PONG answering a PING with this context.
pub(super) fn pong(context: &[u8]) -> Vec<u8> {
    let mut body = PONG.to_vec();
    body.extend_from_slice(context);
    body
}

/// The body of the ZMTP 3.1 command carrying a subscription frame (1 or 0, then the topic):
/// SUBSCRIBE or CANCEL and the topic. `None` when the frame is not a subscription.
pub(super) fn subscription(payload: &[u8]) -> Option<Vec<u8>> {
    let (&flag, topic) = payload.split_first()?;
    let name = match flag {
        1 => SUBSCRIBE,
        0 => CANCEL,
        _ => return None,
    };
    let mut body = Vec::with_capacity(name.len() + topic.len());
    body.extend_from_slice(name);
    body.extend_from_slice(topic);
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_commands() {
        assert_eq!(
            Command::parse(b"\x04PING\x00\x0aCTX"),
            Command::Ping {
                ttl: 10,
                context: b"CTX"
            }
        );
        assert_eq!(
            Command::parse(b"\x04PING\x01\x00abcdefghijklmnopqrstuvwxyz"),
            Command::Ping {
                ttl: 256,
                context: b"abcdefghijklmnop"
            }
        );
        assert_eq!(
            Command::parse(b"\x04PING\x01"),
            Command::Ping {
                ttl: 0,
                context: b""
            }
        );
        assert_eq!(Command::parse(b"\x04PONGxyz"), Command::Pong);
        assert_eq!(Command::parse(b"\x09SUBSCRIBE"), Command::Subscribe(b""));
        assert_eq!(Command::parse(b"\x06CANCELab"), Command::Cancel(b"ab"));
        for other in [
            &b""[..],
            b"\x09SUBSCRIB",
            b"\x04ping",
            b"\x05HELLO",
            b"\xff",
        ] {
            assert_eq!(Command::parse(other), Command::Other);
        }
    }

    #[test]
    fn bodies() {
        assert_eq!(ping(25), b"\x04PING\x00\x19");
        assert_eq!(pong(b"ctx"), b"\x04PONGctx");
        assert_eq!(subscription(b"\x01topic").unwrap(), b"\x09SUBSCRIBEtopic");
        assert_eq!(subscription(b"\x00topic").unwrap(), b"\x06CANCELtopic");
        assert_eq!(subscription(b"\x01").unwrap(), b"\x09SUBSCRIBE");
        assert_eq!(subscription(b"\x02"), None);
        assert_eq!(subscription(b""), None);
    }
}
