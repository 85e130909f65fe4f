//! ZMTP metadata: the name/value properties of READY (and of later mechanisms' commands), and
//! the socket-type rules libzmq applies to them (its mechanism_t base).

use crate::msg::Metadata;
use crate::zmtp::Failure;

/// The property naming the sender's socket type.
pub(super) const SOCKET_TYPE: &str = "Socket-Type";
/// The property carrying the sender's routing id.
pub(super) const IDENTITY: &str = "Identity";

/// Socket type names, indexed by libzmq's numbers.
const NAMES: [&str; 21] = [
    "PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB",
    "STREAM", "SERVER", "CLIENT", "RADIO", "DISH", "GATHER", "SCATTER", "DGRAM", "PEER", "CHANNEL",
];

const PAIR: i32 = 0;
const PUB: i32 = 1;
const SUB: i32 = 2;
const REQ: i32 = 3;
const REP: i32 = 4;
const DEALER: i32 = 5;
const ROUTER: i32 = 6;
const PULL: i32 = 7;
const PUSH: i32 = 8;
const XPUB: i32 = 9;
const XSUB: i32 = 10;
const SERVER: i32 = 12;
const CLIENT: i32 = 13;
/// RADIO: the one type that receives JOIN and LEAVE commands.
pub(super) const RADIO: i32 = 14;
const DISH: i32 = 15;
const GATHER: i32 = 16;
const SCATTER: i32 = 17;
const PEER: i32 = 19;
const CHANNEL: i32 = 20;

/// What a peer said about itself during the handshake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerProperties {
    /// The "Identity" property, if sent.
    pub routing_id: Option<Vec<u8>>,
    /// The "Socket-Type" property, if sent and known.
    pub socket_type: Option<i32>,
    /// Every property, under the name the peer gave it.
    pub metadata: Metadata,
}

/// The name of a socket type ("" for a number libzmq does not know).
pub(super) fn socket_type_name(socket_type: i32) -> &'static str {
    usize::try_from(socket_type)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("")
}

/// The number of a socket type name (exact, as libzmq compares it).
pub(super) fn socket_type_number(name: &[u8]) -> Option<i32> {
    let i = NAMES.iter().position(|n| n.as_bytes() == name)?;
    i32::try_from(i).ok()
}

/// Whether a socket of type `ours` accepts a peer calling itself `peer` (libzmq's
/// mechanism_t::check_socket_type).
pub(super) fn compatible(ours: i32, peer: &[u8]) -> bool {
    let Some(peer) = socket_type_number(peer) else {
        return false;
    };
    match ours {
        PAIR => peer == PAIR,
        PUB | XPUB => matches!(peer, SUB | XSUB),
        SUB | XSUB => matches!(peer, PUB | XPUB),
        REQ => matches!(peer, REP | ROUTER),
        REP => matches!(peer, REQ | DEALER),
        DEALER => matches!(peer, REP | DEALER | ROUTER),
        ROUTER => matches!(peer, REQ | DEALER | ROUTER),
        PULL => peer == PUSH,
        PUSH => peer == PULL,
        SERVER => peer == CLIENT,
        CLIENT => peer == SERVER,
        RADIO => peer == DISH,
        DISH => peer == RADIO,
        GATHER => peer == SCATTER,
        SCATTER => peer == GATHER,
        PEER => peer == PEER,
        CHANNEL => peer == CHANNEL,
        _ => false,
    }
}

/// Appends one property: name length, name, 4-byte value length, value.
pub(super) fn write_property(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    // Names are ours and short; values longer than 4 GiB cannot be said and are cut.
    let name = &name.as_bytes()[..name.len().min(usize::from(u8::MAX))];
    let value_len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend_from_slice(&value_len.to_be_bytes());
    out.extend_from_slice(&value[..value_len as usize]);
}

/// Appends the properties every mechanism sends: the socket type, and the routing id for the
/// types whose peers may want it (REQ, DEALER, ROUTER), as libzmq does.
pub(super) fn write_basic_properties(out: &mut Vec<u8>, socket_type: i32, routing_id: &[u8]) {
    write_property(out, SOCKET_TYPE, socket_type_name(socket_type).as_bytes());
    if matches!(socket_type, REQ | DEALER | ROUTER) {
        write_property(out, IDENTITY, routing_id);
    }
}

/// Reads a list of properties into `peer`, checking the socket type against `ours` as it comes
/// (libzmq's parse_metadata). The two names that matter are matched exactly, as libzmq 4.3
/// matches them (RFC 23 says without regard to case): a "socket-type" is only metadata.
pub(super) fn parse(data: &[u8], ours: i32, peer: &mut PeerProperties) -> Result<(), Failure> {
    for_each(data, |name, value| {
        if name == IDENTITY.as_bytes() {
            peer.routing_id = Some(value.to_vec());
        } else if name == SOCKET_TYPE.as_bytes() {
            if !compatible(ours, value) {
                return Err(Failure::IncompatibleSocketType);
            }
            peer.socket_type = socket_type_number(value);
        }
        peer.metadata.insert(&String::from_utf8_lossy(name), value);
        Ok(())
    })
}

/// Reads the metadata of a ZAP reply into `peer`: every property as it is, none checked.
pub(super) fn parse_zap(data: &[u8], peer: &mut PeerProperties) -> Result<(), Failure> {
    for_each(data, |name, value| {
        peer.metadata.insert(&String::from_utf8_lossy(name), value);
        Ok(())
    })
}

/// Calls `f` with each name and value of a property list, in order; the list must end exactly
/// where the data ends.
fn for_each<F>(data: &[u8], mut f: F) -> Result<(), Failure>
where
    F: FnMut(&[u8], &[u8]) -> Result<(), Failure>,
{
    let mut rest = data;
    // A lone trailing byte is left over, hence "> 1".
    while rest.len() > 1 {
        let name_len = usize::from(rest[0]);
        let Some((name, after)) = rest[1..].split_at_checked(name_len) else {
            break;
        };
        let Some((len, after)) = after.split_first_chunk::<4>() else {
            break;
        };
        let Ok(value_len) = usize::try_from(u32::from_be_bytes(*len)) else {
            break;
        };
        let Some((value, after)) = after.split_at_checked(value_len) else {
            break;
        };
        rest = after;
        f(name, value)?;
    }
    if rest.is_empty() {
        Ok(())
    } else {
        Err(Failure::Malformed("metadata"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_table() {
        let ok = [
            (PAIR, "PAIR"),
            (PUB, "SUB"),
            (PUB, "XSUB"),
            (SUB, "PUB"),
            (SUB, "XPUB"),
            (REQ, "REP"),
            (REQ, "ROUTER"),
            (REP, "REQ"),
            (REP, "DEALER"),
            (DEALER, "REP"),
            (DEALER, "DEALER"),
            (DEALER, "ROUTER"),
            (ROUTER, "REQ"),
            (ROUTER, "DEALER"),
            (ROUTER, "ROUTER"),
            (PULL, "PUSH"),
            (PUSH, "PULL"),
            (XPUB, "SUB"),
            (XPUB, "XSUB"),
            (XSUB, "PUB"),
            (XSUB, "XPUB"),
            (SERVER, "CLIENT"),
            (CLIENT, "SERVER"),
            (RADIO, "DISH"),
            (DISH, "RADIO"),
            (GATHER, "SCATTER"),
            (SCATTER, "GATHER"),
            (PEER, "PEER"),
            (CHANNEL, "CHANNEL"),
        ];
        // STREAM (11) and DGRAM (18) take no ZMTP peer; 21 is no type.
        for ours in 0..=21 {
            for name in NAMES.iter().chain(&["dealer", "", "client", "Peer"]) {
                let expected = ok.contains(&(ours, *name));
                assert_eq!(compatible(ours, name.as_bytes()), expected, "{ours} {name}");
            }
        }
    }

    #[test]
    fn basic_properties_layout() {
        let mut out = Vec::new();
        write_basic_properties(&mut out, DEALER, b"abc");
        assert_eq!(
            out,
            b"\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc"
        );
        out.clear();
        write_basic_properties(&mut out, PUB, b"abc");
        assert_eq!(out, b"\x0bSocket-Type\x00\x00\x00\x03PUB");
    }

    #[test]
    fn parse_rules() {
        let mut peer = PeerProperties::default();
        let mut data = Vec::new();
        write_property(&mut data, "Socket-Type", b"ROUTER");
        write_property(&mut data, "Identity", b"id");
        write_property(&mut data, "X-Other", b"v");
        parse(&data, DEALER, &mut peer).unwrap();
        assert_eq!(peer.routing_id.as_deref(), Some(&b"id"[..]));
        assert_eq!(peer.socket_type, Some(ROUTER));
        assert_eq!(peer.metadata.get("X-Other").unwrap().to_bytes(), b"v");
        assert_eq!(peer.metadata.len(), 3);
        // Other spellings are plain metadata, unchecked, as in libzmq.
        let mut peer = PeerProperties::default();
        let mut data = Vec::new();
        write_property(&mut data, "socket-type", b"PUB");
        write_property(&mut data, "IDENTITY", b"id");
        parse(&data, DEALER, &mut peer).unwrap();
        assert_eq!((peer.socket_type, peer.routing_id), (None, None));
        assert_eq!(peer.metadata.get("socket-type").unwrap().to_bytes(), b"PUB");
        // A trailing byte, a name past the end, a value past the end.
        for bad in [
            &b"\x00"[..],
            b"\x05Soc",
            b"\x01a\x00\x00\x00\x05ab",
            b"\x01a\x00\x00",
        ] {
            let mut peer = PeerProperties::default();
            assert_eq!(
                parse(bad, DEALER, &mut peer),
                Err(Failure::Malformed("metadata"))
            );
        }
        let mut peer = PeerProperties::default();
        assert_eq!(parse(b"", DEALER, &mut peer), Ok(()));
        let mut data = Vec::new();
        write_property(&mut data, SOCKET_TYPE, b"PUB");
        data.push(0);
        assert_eq!(
            parse(&data, DEALER, &mut PeerProperties::default()),
            Err(Failure::IncompatibleSocketType)
        );
    }
}
