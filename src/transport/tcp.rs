//! "tcp://" addresses: "host:port" to connect to, optionally "source;host:port";
//! "interface-or-address:port" to bind, where "*" is any address and port "*" any free port.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use crate::error::{Error, Result};

/// A connect address, checked for syntax; names are resolved at each connection attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectAddress {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// The local address to connect from ("src;host:port"), already resolved like a bind.
    pub(crate) source: Option<SocketAddr>,
}

/// Splits "host:port" at the last colon; the host loses IPv6 brackets.
fn split_host_port(address: &str) -> Result<(&str, &str)> {
    let (host, port) = address.rsplit_once(':').ok_or(Error::Inval)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Ok((host, port))
}

/// A port as libzmq reads it: a decimal number taken modulo 65536 (so "-1" is 65535), with
/// trailing junk ignored; no digits at all is EINVAL, unless the text is "0".
pub(crate) fn parse_port(text: &str) -> Result<u16> {
    let trimmed = text.trim_start();
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let mut value: u64 = 0;
    let mut any = false;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        any = true;
    }
    if negative {
        value = value.wrapping_neg();
    }
    // Truncation to 16 bits is how the C library stores the port.
    let port = value as u16;
    if !any || (port == 0 && text != "0") {
        return Err(Error::Inval);
    }
    Ok(port)
}

/// The address to bind "host:port" to. The host is "*", an interface name or a numeric
/// address (IPv6 only with ZMQ_IPV6); anything else is ENODEV. Port "*" or 0 is any free port.
/// With ZMQ_IPV6 an IPv4 address becomes IPv4-mapped, on an IPv6 socket, as libzmq's resolver
/// (AF_INET6 with AI_V4MAPPED) makes it: ZMQ_LAST_ENDPOINT and Peer-Address then show
/// "::ffff:a.b.c.d".
pub(crate) fn bind_address(address: &str, ipv6: bool) -> Result<SocketAddr> {
    let (host, port) = split_host_port(address)?;
    let port = if port == "*" { 0 } else { parse_port(port)? };
    Ok(SocketAddr::new(bind_host(host, ipv6)?, port))
}

fn bind_host(host: &str, ipv6: bool) -> Result<IpAddr> {
    if host == "*" {
        return Ok(if ipv6 {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        });
    }
    if host.is_empty() {
        return Err(Error::NoDev);
    }
    if let Ok(Some(addr)) = crate::sys::net::interface_address(host, ipv6) {
        return Ok(addr);
    }
    match host.parse::<IpAddr>() {
        // Without ZMQ_IPV6 an IPv4-mapped address stands for its IPv4 address (glibc's
        // resolver with AF_INET).
        Ok(IpAddr::V6(v6)) if !ipv6 => v6.to_ipv4_mapped().map(IpAddr::V4).ok_or(Error::NoDev),
        Ok(IpAddr::V4(v4)) if ipv6 => Ok(IpAddr::V6(v4.to_ipv6_mapped())),
        Ok(addr) => Ok(addr),
        Err(_) => Err(Error::NoDev),
    }
}

/// Checks a connect address ("host:port" or "source;host:port"). The port must be a number;
/// the host any non-wildcard text (a name is looked up when connecting).
pub(crate) fn connect_address(address: &str, ipv6: bool) -> Result<ConnectAddress> {
    let (source, target) = match address.split_once(';') {
        Some((source, target)) => (Some(bind_address(source, ipv6)?), target),
        None => (None, address),
    };
    let (host, port) = split_host_port(target)?;
    if host == "*" || port == "*" {
        return Err(Error::Inval);
    }
    let port = parse_port(port)?;
    Ok(ConnectAddress {
        host: host.to_owned(),
        port,
        source,
    })
}

/// Resolves a connect address: a numeric address, or a name through the system resolver. As
/// libzmq asks the resolver: without `ipv6` for IPv4 results only (an IPv4-mapped address
/// counting as its IPv4 address); with it for IPv6 results, IPv4 ones mapped when there is
/// none (AF_INET6 with AI_V4MAPPED).
pub(crate) fn resolve(address: &ConnectAddress, ipv6: bool) -> std::io::Result<SocketAddr> {
    let not_found = || std::io::Error::from_raw_os_error(libc::EHOSTUNREACH);
    let pick = |candidates: &mut dyn Iterator<Item = IpAddr>| {
        let (mut first_v4, mut first_v6) = (None, None);
        for ip in candidates {
            match ip {
                IpAddr::V4(v4) => first_v4 = first_v4.or(Some(v4)),
                IpAddr::V6(v6) => {
                    first_v6 = first_v6.or(Some(v6));
                    first_v4 = first_v4.or(v6.to_ipv4_mapped());
                }
            }
        }
        if ipv6 {
            first_v6
                .or_else(|| first_v4.map(|v4| v4.to_ipv6_mapped()))
                .map(IpAddr::V6)
        } else {
            first_v4.map(IpAddr::V4)
        }
    };
    if let Ok(ip) = address.host.parse::<IpAddr>() {
        let ip = pick(&mut std::iter::once(ip)).ok_or_else(not_found)?;
        return Ok(SocketAddr::new(ip, address.port));
    }
    if address.host.is_empty() {
        return Err(not_found());
    }
    let candidates = (address.host.as_str(), address.port).to_socket_addrs()?;
    let ip = pick(&mut candidates.map(|c| c.ip())).ok_or_else(not_found)?;
    Ok(SocketAddr::new(ip, address.port))
}

/// "tcp://address:port" as ZMQ_LAST_ENDPOINT shows a bound address (IPv6 in brackets).
pub(crate) fn endpoint_of(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
    }
}

/// Options applied to a TCP socket before it binds or connects: buffer sizes, type of
/// service, and the device it is bound to. Failures are ignored, as libzmq ignores them.
pub(crate) fn configure_socket(fd: std::os::fd::RawFd, options: &crate::options::Options) {
    use crate::sys::net::{set_bytes_option, set_int_option};
    if options.sndbuf >= 0 {
        let _ = set_int_option(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, options.sndbuf);
    }
    if options.rcvbuf >= 0 {
        let _ = set_int_option(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, options.rcvbuf);
    }
    if options.tos != 0 {
        let _ = set_int_option(fd, libc::IPPROTO_IP, libc::IP_TOS, options.tos);
        let _ = set_int_option(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, options.tos);
    }
    if !options.bindtodevice.is_empty() {
        let device = options.bindtodevice.as_bytes();
        let _ = set_bytes_option(fd, libc::SOL_SOCKET, libc::SO_BINDTODEVICE, device);
    }
    if options.priority != 0 {
        let _ = set_int_option(fd, libc::SOL_SOCKET, libc::SO_PRIORITY, options.priority);
    }
    if options.busy_poll > 0 {
        // ZMQ_BUSY_POLL: the kernel's busy-poll time in microseconds (SO_BUSY_POLL).
        let _ = set_int_option(fd, libc::SOL_SOCKET, libc::SO_BUSY_POLL, options.busy_poll);
    }
}

/// Options applied to an established TCP connection: no Nagle delay (as libzmq), the socket
/// settings above, keep-alives and TCP_USER_TIMEOUT (ZMQ_TCP_MAXRT).
pub(crate) fn configure_connection(fd: std::os::fd::RawFd, options: &crate::options::Options) {
    use crate::sys::net::set_int_option;
    let _ = set_int_option(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1);
    if options.tcp_keepalive != -1 {
        let _ = set_int_option(
            fd,
            libc::SOL_SOCKET,
            libc::SO_KEEPALIVE,
            options.tcp_keepalive,
        );
        if options.tcp_keepalive == 1 {
            let settings = [
                (libc::TCP_KEEPCNT, options.tcp_keepalive_cnt),
                (libc::TCP_KEEPIDLE, options.tcp_keepalive_idle),
                (libc::TCP_KEEPINTVL, options.tcp_keepalive_intvl),
            ];
            for (name, value) in settings {
                if value != -1 {
                    let _ = set_int_option(fd, libc::IPPROTO_TCP, name, value);
                }
            }
        }
    }
    if options.tcp_maxrt > 0 {
        let _ = set_int_option(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_USER_TIMEOUT,
            options.tcp_maxrt,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_read_as_libzmq_reads_them() {
        assert_eq!(parse_port("5555"), Ok(5555));
        assert_eq!(parse_port("0"), Ok(0));
        assert_eq!(parse_port("70000"), Ok(4464));
        assert_eq!(parse_port("-1"), Ok(65535));
        assert_eq!(parse_port("12ab"), Ok(12));
        assert_eq!(parse_port("abc"), Err(Error::Inval));
        assert_eq!(parse_port(""), Err(Error::Inval));
        assert_eq!(parse_port("65536"), Err(Error::Inval));
    }

    #[test]
    fn bind_addresses() {
        assert_eq!(
            bind_address("*:5555", false),
            Ok("0.0.0.0:5555".parse().unwrap())
        );
        assert_eq!(bind_address("*:*", true), Ok("[::]:0".parse().unwrap()));
        assert_eq!(
            bind_address("127.0.0.1:0", false),
            Ok("127.0.0.1:0".parse().unwrap())
        );
        assert_eq!(
            bind_address("lo:1", false),
            Ok("127.0.0.1:1".parse().unwrap())
        );
        assert_eq!(bind_address("[::1]:1", false), Err(Error::NoDev));
        assert_eq!(
            bind_address("[::1]:1", true),
            Ok("[::1]:1".parse().unwrap())
        );
        assert_eq!(bind_address("localhost:1", false), Err(Error::NoDev));
        assert_eq!(bind_address(":1", false), Err(Error::NoDev));
        assert_eq!(bind_address("*:", false), Err(Error::Inval));
        assert_eq!(bind_address("*", false), Err(Error::Inval));
    }

    #[test]
    fn connect_addresses() {
        let a = connect_address("localhost:5555", false).unwrap();
        assert_eq!(
            (a.host.as_str(), a.port, a.source),
            ("localhost", 5555, None)
        );
        let a = connect_address("127.0.0.1:7;[::1]:5", true).unwrap();
        assert_eq!(a.source, Some("[::ffff:127.0.0.1]:7".parse().unwrap()));
        assert_eq!(a.host, "::1");
        assert_eq!(connect_address("*:5555", false), Err(Error::Inval));
        assert_eq!(connect_address("host:*", false), Err(Error::Inval));
        assert_eq!(connect_address("host", false), Err(Error::Inval));
        assert!(connect_address(":5555", false).is_ok());
        let local = ConnectAddress {
            host: "127.0.0.1".into(),
            port: 9,
            source: None,
        };
        assert_eq!(
            resolve(&local, false).unwrap(),
            "127.0.0.1:9".parse().unwrap()
        );
        assert_eq!(
            resolve(&local, true).unwrap(),
            "[::ffff:127.0.0.1]:9".parse().unwrap()
        );
        let mapped = ConnectAddress {
            host: "::ffff:127.0.0.1".into(),
            ..local
        };
        assert_eq!(
            resolve(&mapped, false).unwrap(),
            "127.0.0.1:9".parse().unwrap()
        );
        assert_eq!(endpoint_of(&"[::1]:5".parse().unwrap()), "tcp://[::1]:5");
    }
}
