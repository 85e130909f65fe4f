//! ZAP, the ZeroMQ Authentication Protocol (RFC 27), as a mechanism's server side speaks it: the
//! request it puts to the handler bound at `inproc://zeromq.zap.01`, and the reply it checks, with
//! libzmq 4.3's rules and error codes. The session carries the frames; this module only shapes
//! and reads them.

use crate::msg::Msg;
use crate::zmtp::properties::{self, PeerProperties};
use crate::zmtp::{Failure, protocol_error};

/// The inproc name a ZAP handler binds (`inproc://zeromq.zap.01`).
pub const HANDLER_NAME: &str = "zeromq.zap.01";

/// The only version of the protocol.
const VERSION: &[u8] = b"1.0";
/// libzmq puts one request at a time to the handler, always with this id.
const REQUEST_ID: &[u8] = b"1";
/// A reply has exactly this many frames.
const REPLY_FRAMES: usize = 7;

/// What the handler decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapReply {
    /// 200 (accepted), 300 (temporary failure), 400 (refused) or 500 (internal error).
    pub status: u32,
    /// The status code as sent: the reason of the ERROR a refusing server sends.
    pub status_code: [u8; 3],
    /// The user id the handler gave the peer ("User-Id" on its messages).
    pub user_id: Vec<u8>,
    /// The handler's metadata for the peer's messages, with "User-Id" added.
    pub properties: PeerProperties,
}

/// The frames of a request, each but the last flagged MORE: the empty delimiter, version,
/// request id, domain, address, our routing id, the mechanism, then its credentials.
pub fn request(
    domain: &[u8],
    address: &[u8],
    routing_id: &[u8],
    mechanism: &str,
    credentials: &[Vec<u8>],
) -> Vec<Msg> {
    let head: [&[u8]; 7] = [
        b"",
        VERSION,
        REQUEST_ID,
        domain,
        address,
        routing_id,
        mechanism.as_bytes(),
    ];
    let mut frames: Vec<Msg> = head
        .iter()
        .copied()
        .chain(credentials.iter().map(Vec::as_slice))
        .map(Msg::from_slice)
        .collect();
    let last = frames.len() - 1;
    for frame in &mut frames[..last] {
        frame.set_more(true);
    }
    frames
}

/// Reads a reply, as libzmq checks it: seven frames (MORE on all but the last), an empty
/// delimiter, version 1.0, request id 1, a status of 200, 300, 400 or 500, and metadata in
/// ZMTP's property format. Each fault has its ZAP protocol error code.
pub fn parse_reply(frames: &[Msg]) -> Result<ZapReply, Failure> {
    let fault = |code| Err(Failure::Protocol(code));
    if frames.len() != REPLY_FRAMES
        || frames
            .iter()
            .enumerate()
            .any(|(i, f)| f.more() != (i + 1 < REPLY_FRAMES))
    {
        return fault(protocol_error::ZAP_MALFORMED_REPLY);
    }
    if !frames[0].data().is_empty() {
        return fault(protocol_error::ZAP_UNSPECIFIED);
    }
    if frames[1].data() != VERSION {
        return fault(protocol_error::ZAP_BAD_VERSION);
    }
    if frames[2].data() != REQUEST_ID {
        return fault(protocol_error::ZAP_BAD_REQUEST_ID);
    }
    let status_code: [u8; 3] = match frames[3].data() {
        &[d @ b'2'..=b'5', b'0', b'0'] => [d, b'0', b'0'],
        _ => return fault(protocol_error::ZAP_INVALID_STATUS_CODE),
    };
    let user_id = frames[5].data().to_vec();
    let mut props = PeerProperties::default();
    properties::parse_zap(frames[6].data(), &mut props)
        .map_err(|_| Failure::Protocol(protocol_error::ZAP_INVALID_METADATA))?;
    props.metadata.insert(USER_ID, &user_id);
    Ok(ZapReply {
        status: u32::from(status_code[0] - b'0') * 100,
        status_code,
        user_id,
        properties: props,
    })
}

/// The property naming the user the handler authenticated.
pub const USER_ID: &str = "User-Id";

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&[u8]]) -> Vec<Msg> {
        let mut out: Vec<Msg> = parts.iter().map(|p| Msg::from_slice(p)).collect();
        let last = out.len() - 1;
        for f in &mut out[..last] {
            f.set_more(true);
        }
        out
    }

    #[test]
    fn request_layout() {
        let creds = [b"admin".to_vec(), b"secret".to_vec()];
        let req = request(b"global", b"127.0.0.1", b"id", "PLAIN", &creds);
        let data: Vec<&[u8]> = req.iter().map(Msg::data).collect();
        assert_eq!(
            data,
            [
                &b""[..],
                b"1.0",
                b"1",
                b"global",
                b"127.0.0.1",
                b"id",
                b"PLAIN",
                b"admin",
                b"secret"
            ]
        );
        assert!(req[..8].iter().all(Msg::more));
        assert!(!req[8].more());
        let null = request(b"d", b"", b"", "NULL", &[]);
        assert_eq!(null.len(), 7);
        assert!(!null[6].more());
    }

    #[test]
    fn good_replies() {
        let mut meta = Vec::new();
        properties::write_property(&mut meta, "Hello", b"World");
        for (code, status) in [
            (&b"200"[..], 200),
            (b"300", 300),
            (b"400", 400),
            (b"500", 500),
        ] {
            let reply =
                parse_reply(&frames(&[b"", b"1.0", b"1", code, b"text", b"bob", &meta])).unwrap();
            assert_eq!(reply.status, status);
            assert_eq!(reply.user_id, b"bob");
            let m = &reply.properties.metadata;
            assert_eq!(m.get("Hello").unwrap().to_bytes(), b"World");
            assert_eq!(m.get(USER_ID).unwrap().to_bytes(), b"bob");
        }
    }

    #[test]
    fn bad_replies() {
        let ok: [&[u8]; 7] = [b"", b"1.0", b"1", b"200", b"", b"", b""];
        let with = |i: usize, v: &'static [u8]| {
            let mut parts = ok;
            parts[i] = v;
            frames(&parts)
        };
        let code = |f: &[Msg]| parse_reply(f).unwrap_err().protocol_error_code();
        assert_eq!(
            code(&frames(&ok[..6])),
            Some(protocol_error::ZAP_MALFORMED_REPLY)
        );
        let mut last_more = frames(&ok);
        last_more[6].set_more(true);
        assert_eq!(code(&last_more), Some(protocol_error::ZAP_MALFORMED_REPLY));
        let mut short_more = frames(&ok);
        short_more[2].set_more(false);
        assert_eq!(code(&short_more), Some(protocol_error::ZAP_MALFORMED_REPLY));
        assert_eq!(code(&with(0, b"x")), Some(protocol_error::ZAP_UNSPECIFIED));
        assert_eq!(
            code(&with(1, b"2.0")),
            Some(protocol_error::ZAP_BAD_VERSION)
        );
        assert_eq!(
            code(&with(2, b"2")),
            Some(protocol_error::ZAP_BAD_REQUEST_ID)
        );
        for bad in [&b"201"[..], b"100", b"600", b"20", b"2000"] {
            assert_eq!(
                code(&with(3, bad)),
                Some(protocol_error::ZAP_INVALID_STATUS_CODE)
            );
        }
        assert_eq!(
            code(&with(6, b"\x05Hello\x00\x00")),
            Some(protocol_error::ZAP_INVALID_METADATA)
        );
    }
}
