//! The SOCKS5 client handshake (RFC 1928, with RFC 1929 username/password) for ZMQ_SOCKS_PROXY,
//! sans-IO and as libzmq 4.3 speaks it.
//!
//! libzmq offers a single method: 0x00 (no authentication), or 0x02 (username/password) when
//! ZMQ_SOCKS_USERNAME is set. It then takes either 0x00 or 0x02 from the proxy, whichever it
//! offered (0x02 without credentials sends an empty name and password). The CONNECT request
//! names the target by address when the host is numeric for `getaddrinfo(AI_NUMERICHOST)`
//! (so "127.1" and "0x7f.1" are IPv4 too), and by domain name otherwise: the proxy resolves it.
//! A reply must carry version 5, code 0, reserved byte 0 and address type 1, 3 or 4; the bound
//! address is read and ignored. Each message is read exactly, so whatever follows the final
//! reply (the peer's ZMTP greeting) is left to the caller.
//!
//! ZMQ_SOCKS_PROXY itself is not checked when set: libzmq resolves it as a tcp connect address
//! at each attempt (`tcp::connect_address` reads it the same way).
#![forbid(unsafe_code)]

use std::fmt;
use std::net::Ipv6Addr;

const VERSION: u8 = 0x05;
const METHOD_NONE: u8 = 0x00;
const METHOD_USER_PASS: u8 = 0x02;
const AUTH_VERSION: u8 = 0x01;
const CMD_CONNECT: u8 = 0x01;
const ATYP_IPV4: u8 = 0x01;
const ATYP_DOMAIN: u8 = 0x03;
const ATYP_IPV6: u8 = 0x04;
/// Longest host name, user name or password: each goes on the wire after a one-byte length.
const MAX_FIELD: usize = 255;

/// The client side of a SOCKS5 handshake with a proxy, up to the proxy's CONNECT reply.
#[derive(Debug)]
pub(crate) struct SocksClient {
    /// User name and password, empty when none are set.
    user: Vec<u8>,
    password: Vec<u8>,
    /// The CONNECT request, built when the client is made so that a bad target fails at once.
    request: Vec<u8>,
    /// Bytes for the proxy; `sent` of them are gone.
    out: Vec<u8>,
    sent: usize,
    stage: Stage,
    /// The proxy message read so far (at most 4 + 1 + 255 + 2 bytes).
    reply: Vec<u8>,
}

/// Where a handshake stands, as `input` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SocksStatus {
    /// More bytes from the proxy are needed.
    InProgress,
    /// The proxy is connected to the target: from here on the stream carries ZMTP (after the
    /// rest of `output()`, which is only left over when a proxy answers ahead of the requests).
    Done,
    /// The handshake failed; the connection should be closed.
    Failed(SocksError),
}

/// Why a SOCKS5 handshake cannot go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SocksError {
    /// The target host name is longer than 255 bytes.
    HostTooLong,
    /// The user name or password is longer than 255 bytes.
    CredentialsTooLong,
    /// The target port is 0, which libzmq refuses.
    InvalidPort,
    /// A message's version byte is wrong (5 for SOCKS, 1 for the RFC 1929 status).
    BadVersion(u8),
    /// The proxy chose a method other than 0x00 and 0x02 (0xFF: none acceptable).
    NoAcceptableMethod(u8),
    /// The proxy refused the user name and password (the RFC 1929 status).
    AuthFailed(u8),
    /// The proxy did not connect to the target (the RFC 1928 reply code).
    ConnectFailed(u8),
    /// The reply's reserved byte is not 0.
    BadReserved(u8),
    /// The reply's bound address has a type other than IPv4, domain name and IPv6.
    UnknownAddressType(u8),
    /// The proxy closed the connection before the handshake was over.
    Truncated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for the method the proxy chose (2 bytes).
    Choice,
    /// Waiting for the RFC 1929 status (2 bytes).
    AuthReply,
    /// Waiting for the CONNECT reply (10, 7 + name length, or 22 bytes).
    ConnectReply,
    Done,
    Failed(SocksError),
}

impl SocksClient {
    /// A handshake to reach `host` (a name or a numeric address, IPv6 without brackets) at
    /// `port` through the proxy, with the user name and password when ZMQ_SOCKS_USERNAME is
    /// non-empty (an empty user name means no authentication, as in libzmq). The method
    /// request is ready in `output()` at once.
    pub(crate) fn new(
        host: &str,
        port: u16,
        auth: Option<(Vec<u8>, Vec<u8>)>,
    ) -> Result<SocksClient, SocksError> {
        let (user, password) = auth.unwrap_or_default();
        if user.len() > MAX_FIELD || password.len() > MAX_FIELD {
            return Err(SocksError::CredentialsTooLong);
        }
        let method = if user.is_empty() {
            METHOD_NONE
        } else {
            METHOD_USER_PASS
        };
        Ok(SocksClient {
            user,
            password,
            request: connect_request(host, port)?,
            out: vec![VERSION, 1, method],
            sent: 0,
            stage: Stage::Choice,
            reply: Vec::with_capacity(2),
        })
    }

    /// Bytes to send to the proxy now (may be empty).
    pub(crate) fn output(&self) -> &[u8] {
        &self.out[self.sent..]
    }

    /// `n` bytes of `output()` were sent.
    pub(crate) fn output_consumed(&mut self, n: usize) {
        self.sent = (self.sent + n).min(self.out.len());
        if self.sent == self.out.len() {
            self.out.clear();
            self.sent = 0;
        }
    }

    /// Bytes received from the proxy: returns how many of them the handshake took (never more
    /// than it needs, so what follows the final reply stays with the caller) and the status.
    pub(crate) fn input(&mut self, input: &[u8]) -> (usize, SocksStatus) {
        let mut used = 0;
        for &byte in input {
            if matches!(self.stage, Stage::Done | Stage::Failed(_)) {
                break;
            }
            used += 1;
            if let Err(error) = self.take(byte) {
                self.stage = Stage::Failed(error);
            }
        }
        (used, self.status())
    }

    /// The proxy closed the connection: a failure unless the handshake was over.
    pub(crate) fn input_closed(&mut self) -> SocksStatus {
        if !matches!(self.stage, Stage::Done | Stage::Failed(_)) {
            self.stage = Stage::Failed(SocksError::Truncated);
        }
        self.status()
    }

    fn status(&self) -> SocksStatus {
        match self.stage {
            Stage::Done => SocksStatus::Done,
            Stage::Failed(error) => SocksStatus::Failed(error),
            _ => SocksStatus::InProgress,
        }
    }

    /// One byte of the current message, checked as soon as it is in, as libzmq checks it.
    fn take(&mut self, byte: u8) -> Result<(), SocksError> {
        self.reply.push(byte);
        let r = &self.reply;
        match self.stage {
            Stage::Choice => match (r.len(), byte) {
                (1, VERSION) => {}
                (1, _) => return Err(SocksError::BadVersion(byte)),
                (_, METHOD_NONE) => self.send_request(),
                (_, METHOD_USER_PASS) => self.send_credentials(),
                (_, method) => return Err(SocksError::NoAcceptableMethod(method)),
            },
            Stage::AuthReply => match (r.len(), byte) {
                (1, AUTH_VERSION) => {}
                (1, _) => return Err(SocksError::BadVersion(byte)),
                (_, 0) => self.send_request(),
                (_, status) => return Err(SocksError::AuthFailed(status)),
            },
            Stage::ConnectReply => match r.len() {
                1 if byte != VERSION => return Err(SocksError::BadVersion(byte)),
                // libzmq reads the whole reply before it looks at a code of 1 to 8; failing at
                // once ends the same way, without waiting for a proxy that may not send it.
                2 if byte != 0 => return Err(SocksError::ConnectFailed(byte)),
                3 if byte != 0 => return Err(SocksError::BadReserved(byte)),
                4 if !matches!(byte, ATYP_IPV4 | ATYP_DOMAIN | ATYP_IPV6) => {
                    return Err(SocksError::UnknownAddressType(byte));
                }
                len if len >= 5 && len == reply_len(r) => {
                    self.reply.clear();
                    self.stage = Stage::Done;
                }
                _ => {}
            },
            Stage::Done | Stage::Failed(_) => {}
        }
        Ok(())
    }

    fn send_credentials(&mut self) {
        let mut request = Vec::with_capacity(3 + self.user.len() + self.password.len());
        request.push(AUTH_VERSION);
        for field in [&self.user, &self.password] {
            // Both fit: `new` checked them.
            request.push(field.len() as u8);
            request.extend_from_slice(field);
        }
        self.queue(&request, Stage::AuthReply);
    }

    fn send_request(&mut self) {
        let request = std::mem::take(&mut self.request);
        self.queue(&request, Stage::ConnectReply);
    }

    fn queue(&mut self, bytes: &[u8], next: Stage) {
        self.out.extend_from_slice(bytes);
        self.reply.clear();
        self.stage = next;
    }
}

impl fmt::Display for SocksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SocksError::HostTooLong => f.write_str("SOCKS target host name longer than 255 bytes"),
            SocksError::CredentialsTooLong => {
                f.write_str("SOCKS user name or password longer than 255 bytes")
            }
            SocksError::InvalidPort => f.write_str("SOCKS target port 0"),
            SocksError::BadVersion(v) => write!(f, "SOCKS proxy sent version {v:#04x}"),
            SocksError::NoAcceptableMethod(m) => {
                write!(f, "SOCKS proxy chose method {m:#04x}")
            }
            SocksError::AuthFailed(s) => write!(f, "SOCKS authentication failed ({s:#04x})"),
            SocksError::ConnectFailed(code) => {
                let reason = match code {
                    0x01 => "general SOCKS server failure",
                    0x02 => "connection not allowed by ruleset",
                    0x03 => "network unreachable",
                    0x04 => "host unreachable",
                    0x05 => "connection refused",
                    0x06 => "TTL expired",
                    0x07 => "command not supported",
                    0x08 => "address type not supported",
                    _ => "unassigned reply code",
                };
                write!(f, "SOCKS CONNECT failed: {reason} ({code:#04x})")
            }
            SocksError::BadReserved(b) => write!(f, "SOCKS reply reserved byte {b:#04x}"),
            SocksError::UnknownAddressType(t) => write!(f, "SOCKS reply address type {t:#04x}"),
            SocksError::Truncated => f.write_str("SOCKS proxy closed the connection"),
        }
    }
}

/// The length of a CONNECT reply whose first four bytes (and the name length, for a domain
/// name) are in; 0 while the name length is not.
fn reply_len(reply: &[u8]) -> usize {
    match (reply[3], reply.get(4)) {
        (ATYP_IPV4, _) => 4 + 4 + 2,
        (ATYP_IPV6, _) => 4 + 16 + 2,
        (_, Some(&len)) => 4 + 1 + usize::from(len) + 2,
        (_, None) => 0,
    }
}

/// VER CMD RSV ATYP DST.ADDR DST.PORT for a CONNECT to `host`:`port`.
fn connect_request(host: &str, port: u16) -> Result<Vec<u8>, SocksError> {
    // libzmq asserts this for numeric hosts too.
    if host.len() > MAX_FIELD {
        return Err(SocksError::HostTooLong);
    }
    // libzmq's parse of the target refuses port 0 (and so fails every attempt).
    if port == 0 {
        return Err(SocksError::InvalidPort);
    }
    let mut request = vec![VERSION, CMD_CONNECT, 0x00];
    if let Some(v4) = numeric_ipv4(host) {
        request.push(ATYP_IPV4);
        request.extend_from_slice(&v4);
    } else if let Some(v6) = numeric_ipv6(host) {
        request.push(ATYP_IPV6);
        request.extend_from_slice(&v6.octets());
    } else {
        request.push(ATYP_DOMAIN);
        request.push(host.len() as u8);
        request.extend_from_slice(host.as_bytes());
    }
    request.extend_from_slice(&port.to_be_bytes());
    Ok(request)
}

/// An IPv4 address as glibc's `getaddrinfo(AI_NUMERICHOST)` reads one (`inet_aton`, whole
/// text): one to four parts, each decimal, octal ("0" prefix) or hex ("0x"), the last part
/// filling the bytes the others leave ("127.1" is 127.0.0.1).
fn numeric_ipv4(text: &str) -> Option<[u8; 4]> {
    let mut parts = [0u32; 4];
    let mut count = 0;
    for part in text.split('.') {
        *parts.get_mut(count)? = c_number(part)?;
        count += 1;
    }
    let (last, head) = parts[..count].split_last()?;
    let limit = [u32::MAX, 0x00ff_ffff, 0xffff, 0xff][count - 1];
    if *last > limit || head.iter().any(|&p| p > 0xff) {
        return None;
    }
    let word = head
        .iter()
        .enumerate()
        .fold(*last, |word, (i, &p)| word | (p << (24 - 8 * i)));
    Some(word.to_be_bytes())
}

/// A number as `strtoul(text, 0)` reads it, which must start with a digit and take the whole
/// text.
fn c_number(text: &str) -> Option<u32> {
    let (digits, radix) =
        if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (hex, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    // from_str_radix would take a sign.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// An IPv6 address, with a zone ("%eth0", "%2") allowed and left off: it does not go on the
/// wire. (glibc also checks that a named zone is an interface; that needs the system.)
fn numeric_ipv6(text: &str) -> Option<Ipv6Addr> {
    let address = match text.split_once('%') {
        Some((address, zone)) if !zone.is_empty() => address,
        Some(_) => return None,
        None => text,
    };
    address.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &[u8] = b"user";
    const PASSWORD: &[u8] = b"secret";
    /// The start of a ZMTP greeting, which must stay unread.
    const ZMTP: &[u8] = &[0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F];
    /// A CONNECT reply with an IPv4 bound address (127.0.0.1:8080).
    const REPLY_V4: &[u8] = &[5, 0, 0, 1, 127, 0, 0, 1, 0x1F, 0x90];

    fn client(host: &str, port: u16) -> SocksClient {
        SocksClient::new(host, port, None).unwrap()
    }

    fn client_with_auth() -> SocksClient {
        SocksClient::new("localhost", 5555, Some((USER.to_vec(), PASSWORD.to_vec()))).unwrap()
    }

    fn fresh(auth: bool) -> SocksClient {
        if auth {
            client_with_auth()
        } else {
            client("h", 1)
        }
    }

    /// Takes all of `output()`.
    fn drain(c: &mut SocksClient) -> Vec<u8> {
        let out = c.output().to_vec();
        c.output_consumed(out.len());
        assert!(c.output().is_empty());
        out
    }

    /// The CONNECT request `client(host, port)` sends, after a choice of no authentication.
    fn request_for(host: &str, port: u16) -> Vec<u8> {
        let mut c = client(host, port);
        drain(&mut c);
        assert_eq!(c.input(&[5, 0]), (2, SocksStatus::InProgress));
        drain(&mut c)
    }

    /// Feeds `input` whole and expects it all taken, with `status`.
    fn feed(c: &mut SocksClient, input: &[u8], status: SocksStatus) {
        assert_eq!(c.input(input), (input.len(), status));
    }

    fn domain_request(name: &[u8], port: u16) -> Vec<u8> {
        let mut r = vec![5, 1, 0, 3, name.len() as u8];
        r.extend_from_slice(name);
        r.extend_from_slice(&port.to_be_bytes());
        r
    }

    #[test]
    fn socks_exchange_without_auth() {
        let mut c = client("localhost", 5555);
        // RFC 1928 section 3: VER 5, NMETHODS 1, METHOD 0 (no authentication required).
        assert_eq!(drain(&mut c), [5, 1, 0]);
        assert_eq!(c.input(&[]), (0, SocksStatus::InProgress));
        feed(&mut c, &[5, 0], SocksStatus::InProgress);
        // Section 4: VER 5, CMD 1 (CONNECT), RSV 0, ATYP 3, then the name and the port.
        let mut request = vec![5, 1, 0, 3, 9];
        request.extend_from_slice(b"localhost");
        request.extend_from_slice(&[0x15, 0xB3]);
        assert_eq!(drain(&mut c), request);
        // Section 6: VER 5, REP 0 (succeeded), RSV 0, ATYP 1, BND.ADDR, BND.PORT.
        feed(&mut c, REPLY_V4, SocksStatus::Done);
        assert!(c.output().is_empty());
        assert_eq!(c.input(ZMTP), (0, SocksStatus::Done));
    }

    #[test]
    fn socks_exchange_with_auth() {
        let mut c = client_with_auth();
        // Only username/password (0x02) is offered.
        assert_eq!(drain(&mut c), [5, 1, 2]);
        feed(&mut c, &[5, 2], SocksStatus::InProgress);
        // RFC 1929 section 2: VER 1, ULEN, UNAME, PLEN, PASSWD.
        assert_eq!(drain(&mut c), b"\x01\x04user\x06secret");
        // Status 0 is success.
        feed(&mut c, &[1, 0], SocksStatus::InProgress);
        assert_eq!(drain(&mut c), domain_request(b"localhost", 5555));
        // An IPv6 bound address: 4 + 16 + 2 bytes.
        let mut reply = vec![5, 0, 0, 4];
        reply.extend_from_slice(&[0; 15]);
        reply.extend_from_slice(&[1, 0x1F, 0x90]);
        feed(&mut c, &reply, SocksStatus::Done);
        assert!(c.output().is_empty());
    }

    #[test]
    fn socks_target_forms() {
        let v4 = |a: [u8; 4]| [&[5, 1, 0, 1][..], &a, &[0, 80]].concat();
        assert_eq!(request_for("192.168.1.2", 80), v4([192, 168, 1, 2]));
        // getaddrinfo(AI_NUMERICHOST) reads inet_aton's forms.
        assert_eq!(request_for("127.1", 80), v4([127, 0, 0, 1]));
        assert_eq!(request_for("10.1.515", 80), v4([10, 1, 2, 3]));
        assert_eq!(request_for("0x7f.1", 80), v4([127, 0, 0, 1]));
        assert_eq!(request_for("010.0.0.1", 80), v4([8, 0, 0, 1]));
        assert_eq!(request_for("3232235778", 80), v4([192, 168, 1, 2]));
        assert_eq!(request_for("0", 80), v4([0, 0, 0, 0]));

        let mut loopback = vec![5, 1, 0, 4];
        loopback.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        loopback.extend_from_slice(&[0x01, 0xBB]);
        assert_eq!(request_for("::1", 443), loopback);
        let mut mapped = vec![5, 1, 0, 4];
        mapped.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4]);
        mapped.extend_from_slice(&[0, 1]);
        assert_eq!(request_for("::ffff:1.2.3.4", 1), mapped);
        assert_eq!(request_for("fe80::1%eth0", 7)[3], ATYP_IPV6);
        assert_eq!(request_for("fe80::1%2", 7)[3], ATYP_IPV6);

        // Anything else is a name for the proxy to resolve.
        for name in [
            "example.com",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.",
            "1..2",
            "08.1.1.1",
            "0x.1",
            "0x1g",
            "+1.2.3.4",
            "1.2.3.4 ",
            "[::1]",
            "fe80::1%",
            "::g",
            "",
        ] {
            assert_eq!(
                request_for(name, 9),
                domain_request(name.as_bytes(), 9),
                "{name}"
            );
        }
        let longest = "a".repeat(255);
        assert_eq!(
            request_for(&longest, 65535),
            domain_request(longest.as_bytes(), 65535)
        );
    }

    #[test]
    fn socks_bad_arguments_fail_at_once() {
        let err = |host: &str, port, auth| SocksClient::new(host, port, auth).unwrap_err();
        assert_eq!(err(&"a".repeat(256), 1, None), SocksError::HostTooLong);
        assert_eq!(err("localhost", 0, None), SocksError::InvalidPort);
        let long = vec![b'x'; 256];
        assert_eq!(
            err("h", 1, Some((long.clone(), b"p".to_vec()))),
            SocksError::CredentialsTooLong
        );
        assert_eq!(
            err("h", 1, Some((b"u".to_vec(), long))),
            SocksError::CredentialsTooLong
        );
        // An empty user name means no authentication, whatever the password.
        let mut c = SocksClient::new("h", 1, Some((Vec::new(), b"p".to_vec()))).unwrap();
        assert_eq!(drain(&mut c), [5, 1, 0]);
        // Fields of 255 bytes fit.
        let max = vec![b'x'; 255];
        let mut c = SocksClient::new("h", 1, Some((max.clone(), max))).unwrap();
        drain(&mut c);
        feed(&mut c, &[5, 2], SocksStatus::InProgress);
        assert_eq!(drain(&mut c).len(), 3 + 255 + 255);
    }

    #[test]
    fn socks_bound_names_are_read_whole() {
        for len in [0usize, 1, 200, 255] {
            let mut reply = vec![5, 0, 0, 3, len as u8];
            reply.extend(std::iter::repeat_n(b'n', len));
            reply.extend_from_slice(&[0, 1]);
            let mut c = client("h", 1);
            drain(&mut c);
            feed(&mut c, &[5, 0], SocksStatus::InProgress);
            let input = [&reply[..], ZMTP].concat();
            assert_eq!(c.input(&input), (reply.len(), SocksStatus::Done), "{len}");
        }
    }

    #[test]
    fn socks_leaves_what_follows_the_reply() {
        let mut c = client_with_auth();
        drain(&mut c);
        // Messages that arrive together are taken in turn, up to the end of the reply.
        assert_eq!(c.input(&[5, 2, 1, 0, 5, 0]), (6, SocksStatus::InProgress));
        let input = [&REPLY_V4[2..], ZMTP].concat();
        assert_eq!(c.input(&input), (REPLY_V4.len() - 2, SocksStatus::Done));
        assert_eq!(c.input(ZMTP), (0, SocksStatus::Done));
    }

    #[test]
    fn socks_proxy_answering_ahead() {
        // A proxy that sends everything before reading anything: the requests are still queued
        // in order, and must go out before ZMTP.
        let mut c = client_with_auth();
        let input = [&[5, 2, 1, 0][..], REPLY_V4, ZMTP].concat();
        let (mut used, _) = c.input(&input);
        used += c.input(&input[used..]).0;
        used += c.input(&input[used..]).0;
        assert_eq!(used, 4 + REPLY_V4.len());
        assert_eq!(c.input(&input[used..]), (0, SocksStatus::Done));
        let mut expected = b"\x05\x01\x02\x01\x04user\x06secret".to_vec();
        expected.extend_from_slice(&domain_request(b"localhost", 5555));
        // Sent a byte at a time.
        let mut sent = Vec::new();
        while let Some(&b) = c.output().first() {
            sent.push(b);
            c.output_consumed(1);
        }
        assert_eq!(sent, expected);
        c.output_consumed(5);
        assert!(c.output().is_empty());
    }

    #[test]
    fn socks_method_choice_as_libzmq_takes_it() {
        // Without credentials, a proxy that picks username/password gets empty ones.
        let mut c = client("h", 1);
        drain(&mut c);
        feed(&mut c, &[5, 2], SocksStatus::InProgress);
        assert_eq!(drain(&mut c), [1, 0, 0]);
        feed(&mut c, &[1, 0], SocksStatus::InProgress);
        assert_eq!(drain(&mut c), domain_request(b"h", 1));
        // With credentials, a proxy that needs none goes straight to the request.
        let mut c = client_with_auth();
        drain(&mut c);
        feed(&mut c, &[5, 0], SocksStatus::InProgress);
        assert_eq!(drain(&mut c), domain_request(b"localhost", 5555));
    }

    /// What the proxy sends in a whole successful exchange, and what follows it.
    fn proxy_stream(auth: bool) -> Vec<u8> {
        let mut stream = if auth { vec![5, 2, 1, 0] } else { vec![5, 0] };
        stream.extend_from_slice(&[5, 0, 0, 3, 4, b'h', b'o', b's', b't', 0x12, 0x34]);
        stream.extend_from_slice(ZMTP);
        stream
    }

    /// Feeds `stream` in the given pieces as a reader does (untaken bytes are offered again
    /// with the next piece); returns the final status and what was left.
    fn run(c: &mut SocksClient, stream: &[u8], cuts: &[usize]) -> (SocksStatus, Vec<u8>) {
        let mut pending = Vec::new();
        let mut status = SocksStatus::InProgress;
        let mut at = 0;
        for &cut in cuts.iter().chain(std::iter::once(&stream.len())) {
            drain(c);
            pending.extend_from_slice(&stream[at..cut]);
            at = cut;
            let (n, s) = c.input(&pending);
            assert!(n <= pending.len());
            pending.drain(..n);
            status = s;
            if status != SocksStatus::InProgress {
                // Whatever else arrives is not the handshake's.
                pending.extend_from_slice(&stream[at..]);
                break;
            }
        }
        (status, pending)
    }

    #[test]
    fn socks_replies_split_at_every_offset() {
        for auth in [false, true] {
            let stream = proxy_stream(auth);
            for i in 0..=stream.len() {
                for j in i..=stream.len() {
                    let mut c = fresh(auth);
                    let (status, left) = run(&mut c, &stream, &[i, j]);
                    assert_eq!(status, SocksStatus::Done, "auth {auth}, cuts {i} {j}");
                    assert_eq!(left, ZMTP, "auth {auth}, cuts {i} {j}");
                }
            }
            // A byte at a time.
            let mut c = fresh(auth);
            let cuts: Vec<usize> = (1..stream.len()).collect();
            assert_eq!(
                run(&mut c, &stream, &cuts),
                (SocksStatus::Done, ZMTP.to_vec())
            );
        }
    }

    /// Runs a no-authentication handshake on `replies` (after the greeting); returns the bytes
    /// taken and the status.
    fn outcome(mut c: SocksClient, replies: &[u8]) -> (usize, SocksStatus) {
        drain(&mut c);
        let (n, status) = c.input(replies);
        // A finished handshake takes nothing more, and stays as it was.
        assert_eq!(c.input(replies), (0, status.clone()));
        assert_eq!(c.input_closed(), status);
        (n, status)
    }

    #[test]
    fn socks_failures() {
        use SocksError::*;
        let failed = |replies: &[u8]| outcome(client("h", 1), replies).1;
        let failed_auth = |replies: &[u8]| outcome(client_with_auth(), replies).1;
        let f = SocksStatus::Failed;

        // The method choice.
        assert_eq!(failed(&[5, 0xFF]), f(NoAcceptableMethod(0xFF)));
        assert_eq!(failed(&[5, 1]), f(NoAcceptableMethod(1)));
        assert_eq!(failed(&[5, 3]), f(NoAcceptableMethod(3)));
        assert_eq!(failed(&[4, 0]), f(BadVersion(4)));
        assert_eq!(outcome(client("h", 1), &[4, 0]).0, 1);
        // The RFC 1929 status.
        assert_eq!(failed_auth(&[5, 2, 1, 1]), f(AuthFailed(1)));
        assert_eq!(failed_auth(&[5, 2, 1, 0xFF]), f(AuthFailed(0xFF)));
        assert_eq!(failed_auth(&[5, 2, 5, 0]), f(BadVersion(5)));
        // The CONNECT reply: every code but 0.
        for code in 1..=0xFF {
            let reply = [5, 0, 5, code, 0, 1, 0, 0, 0, 0, 0, 0];
            assert_eq!(failed(&reply), f(ConnectFailed(code)), "{code}");
        }
        assert_eq!(failed(&[5, 0, 4, 0, 0, 1]), f(BadVersion(4)));
        assert_eq!(failed(&[5, 0, 5, 0, 1, 1]), f(BadReserved(1)));
        for atyp in [0, 2, 5, 0xFF] {
            assert_eq!(failed(&[5, 0, 5, 0, 0, atyp]), f(UnknownAddressType(atyp)));
        }
    }

    #[test]
    fn socks_truncated() {
        let stream = proxy_stream(true);
        let end = stream.len() - ZMTP.len();
        for cut in 0..end {
            let mut c = client_with_auth();
            let (status, _) = run(&mut c, &stream[..cut], &[]);
            assert_eq!(status, SocksStatus::InProgress, "{cut}");
            assert_eq!(c.input_closed(), SocksStatus::Failed(SocksError::Truncated));
            assert_eq!(c.input(&stream[cut..]).0, 0);
        }
        let mut c = client_with_auth();
        assert_eq!(run(&mut c, &stream[..end], &[]).0, SocksStatus::Done);
        assert_eq!(c.input_closed(), SocksStatus::Done);
    }

    #[test]
    fn socks_errors_read_well() {
        let text = SocksError::ConnectFailed(5).to_string();
        assert!(text.contains("connection refused"), "{text}");
        assert!(SocksError::ConnectFailed(9).to_string().contains("0x09"));
    }

    /// A small deterministic generator.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn socks_random_replies() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..20_000 {
            // Random bytes, or a valid stream with a few bytes changed, usually plausible ones.
            let mut stream = proxy_stream(round % 2 == 1);
            if round % 3 == 0 {
                let len = rng.below(300);
                stream = (0..len).map(|_| rng.next() as u8).collect();
            } else {
                for _ in 0..=rng.below(3) {
                    let at = rng.below(stream.len());
                    stream[at] = match rng.below(3) {
                        0 => rng.next() as u8,
                        1 => rng.below(6) as u8,
                        _ => 0xFF,
                    };
                }
            }
            let mut cuts: Vec<usize> = (0..rng.below(4))
                .map(|_| rng.below(stream.len() + 1))
                .collect();
            cuts.sort_unstable();
            let mut c = fresh(round % 2 == 1);
            let (status, left) = run(&mut c, &stream, &cuts);
            // However the bytes arrive, the outcome is the same.
            let mut whole = fresh(round % 2 == 1);
            assert_eq!(
                run(&mut whole, &stream, &[]),
                (status.clone(), left.clone())
            );
            // What the handshake took is a prefix of the stream, and never more than the
            // longest exchange.
            let taken = stream.len() - left.len();
            assert_eq!(left, stream[taken..]);
            assert!(taken <= 2 + 2 + 4 + 1 + 255 + 2);
            if status == SocksStatus::InProgress {
                assert!(left.is_empty());
                assert!(matches!(
                    c.input_closed(),
                    SocksStatus::Failed(SocksError::Truncated)
                ));
            }
            assert_eq!(c.input(&left), (0, c.input_closed()));
        }
    }
}
