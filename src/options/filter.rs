//! ZMQ_TCP_ACCEPT_FILTER entries: "address" or "address/prefix", parsed the way libzmq parses
//! them (numeric addresses only, glibc's IPv4 forms, an optional `%zone`, a strtol prefix), and
//! the match a listener applies to each peer.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{Error, Result};

/// One accept filter: peers whose address shares the first `prefix` bits with `address` (and
/// its family) may connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TcpAcceptFilter {
    /// The network address. On an IPv6 socket, IPv4 text becomes an IPv4-mapped IPv6 address.
    pub address: IpAddr,
    /// How many leading bits must match: up to 32 for IPv4, 128 for IPv6.
    pub prefix: u8,
}

impl TcpAcceptFilter {
    /// Parses a filter as setsockopt receives it; `ipv6` is the socket's ZMQ_IPV6 at that time.
    /// The text ends at the first NUL, as it does for libzmq's C string.
    pub fn parse(value: &[u8], ipv6: bool) -> Result<Self> {
        let text = value.split(|&b| b == 0).next().unwrap_or_default();
        // The prefix follows the last '/', and an empty one is an error.
        let (addr_text, prefix_text) = match text.iter().rposition(|&b| b == b'/') {
            Some(slash) => (&text[..slash], Some(&text[slash + 1..])),
            None => (text, None),
        };
        if prefix_text.is_some_and(<[u8]>::is_empty) {
            return Err(Error::Inval);
        }
        let address = resolve(addr_text, ipv6)?;
        let full = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix_text {
            None => full,
            Some(b"0") => 0,
            // Any other text goes through strtol, and must then give 1..=full: "08" and "8x"
            // are 8, but "00" is 0 and so rejected.
            Some(t) => match u8::try_from(strtol(t)) {
                Ok(p) if (1..=full).contains(&p) => p,
                _ => return Err(Error::Inval),
            },
        };
        Ok(TcpAcceptFilter { address, prefix })
    }

    /// Whether a peer at `peer` passes this filter: same family and the same leading `prefix`
    /// bits. A listener with filters accepts a peer that passes any of them.
    pub fn matches(&self, peer: IpAddr) -> bool {
        match (self.address, peer) {
            (IpAddr::V4(ours), IpAddr::V4(theirs)) => {
                same_prefix(&ours.octets(), &theirs.octets(), self.prefix)
            }
            (IpAddr::V6(ours), IpAddr::V6(theirs)) => {
                same_prefix(&ours.octets(), &theirs.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `bits` bits of two equally long addresses agree.
fn same_prefix(a: &[u8], b: &[u8], bits: u8) -> bool {
    let bits = usize::from(bits).min(a.len() * 8);
    let whole = bits / 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || {
        let mask = 0xFF_u8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// Turns numeric address text into an address, as libzmq's resolver does without DNS or
/// interface names: optional brackets, an optional `%zone`, then getaddrinfo's numeric forms.
fn resolve(text: &[u8], ipv6: bool) -> Result<IpAddr> {
    let mut text = text;
    if text.len() >= 2 && text.first() == Some(&b'[') && text.last() == Some(&b']') {
        text = &text[1..text.len() - 1];
    }
    if let Some(percent) = text.iter().rposition(|&b| b == b'%') {
        // The zone must name an existing interface or be a non-zero number; the address
        // itself does not keep it (filters compare addresses only).
        zone_index(&text[percent + 1..])?;
        text = &text[..percent];
    }
    let v4 = inet_aton_exact(text);
    let v6 = std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<Ipv6Addr>().ok());
    if ipv6 {
        // AF_INET6 with AI_V4MAPPED: IPv4 text becomes a mapped address.
        v6.or_else(|| v4.map(|a| a.to_ipv6_mapped()))
            .map(IpAddr::V6)
            .ok_or(Error::Inval)
    } else {
        // AF_INET: glibc also takes an IPv4-mapped IPv6 address, as its IPv4 address.
        v4.or_else(|| v6.and_then(|a| a.to_ipv4_mapped()))
            .map(IpAddr::V4)
            .ok_or(Error::Inval)
    }
}

/// The interface index a zone names: a name (starting with a letter) looked up in the system, or
/// a number read as atoi reads it. Zero, which is no interface, is `Error::Inval`.
fn zone_index(zone: &[u8]) -> Result<u32> {
    let index = match zone.first() {
        None => 0,
        Some(c) if c.is_ascii_alphabetic() => interface_index(zone).unwrap_or(0),
        // atoi: the value converts to int, then libzmq stores it as uint32_t.
        Some(_) => strtol(zone) as i32 as u32,
    };
    if index == 0 {
        Err(Error::Inval)
    } else {
        Ok(index)
    }
}

/// if_nametoindex, through sysfs so that no unsafe code is needed.
fn interface_index(name: &[u8]) -> Option<u32> {
    let name = std::str::from_utf8(name).ok()?;
    // IFNAMSIZ is 16 with the terminator; a path separator could escape the directory.
    if name.len() >= 16 || name.contains('/') || name == "." || name == ".." {
        return None;
    }
    let text = std::fs::read_to_string(format!("/sys/class/net/{name}/ifindex")).ok()?;
    text.trim().parse().ok()
}

/// C's strtol in base 10: leading white space, an optional sign, then digits up to the first
/// other byte; no digits gives 0 and overflow saturates.
pub(super) fn strtol(text: &[u8]) -> i64 {
    let mut rest = text;
    while let Some((&c, tail)) = rest.split_first() {
        if !matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            break;
        }
        rest = tail;
    }
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    let mut value: i64 = 0;
    for &c in rest.iter().take_while(|c| c.is_ascii_digit()) {
        let digit = i64::from(c - b'0');
        value = value.saturating_mul(10).saturating_add(digit);
    }
    if negative { -value } else { value }
}

/// glibc's strict inet_aton: one to four parts separated by dots, each decimal, octal (leading
/// 0) or hexadecimal (leading 0x); the last part fills the remaining bytes; nothing may follow.
pub(super) fn inet_aton_exact(text: &[u8]) -> Option<Ipv4Addr> {
    let mut parts: Vec<u32> = Vec::with_capacity(4);
    let mut rest = text;
    let last = loop {
        // Each part starts with a digit: no sign, no space.
        if !rest.first()?.is_ascii_digit() {
            return None;
        }
        let (value, used) = strtoul_auto(rest)?;
        rest = &rest[used..];
        match rest.split_first() {
            Some((b'.', tail)) => {
                if parts.len() >= 3 || value > 0xFF {
                    return None;
                }
                parts.push(value);
                rest = tail;
            }
            Some(_) => return None,
            None => break value,
        }
    };
    // Three, two, one or no bytes are left for the last part.
    let room = 32 - 8 * parts.len() as u32;
    if room < 32 && last >> room != 0 {
        return None;
    }
    let leading = parts.iter().fold(0u32, |acc, &p| (acc << 8) | p);
    let value = if parts.is_empty() {
        last
    } else {
        (leading << room) | last
    };
    Some(Ipv4Addr::from(value))
}

/// strtoul with base 0 on text that starts with a digit: returns the value (at most 32 bits)
/// and how many bytes it used.
fn strtoul_auto(text: &[u8]) -> Option<(u32, usize)> {
    let hex = text.len() > 2
        && text[0] == b'0'
        && matches!(text[1], b'x' | b'X')
        && text[2].is_ascii_hexdigit();
    let (radix, start) = if hex {
        (16, 2)
    } else if text[0] == b'0' {
        (8, 0)
    } else {
        (10, 0)
    };
    let mut value: u64 = 0;
    let mut used = start;
    for &c in &text[start..] {
        let Some(digit) = char::from(c).to_digit(radix) else {
            break;
        };
        value = value * u64::from(radix) + u64::from(digit);
        if value > u64::from(u32::MAX) {
            return None;
        }
        used += 1;
    }
    u32::try_from(value).ok().map(|v| (v, used))
}

#[cfg(test)]
mod tests;
