//! "udp://" addresses (RADIO, DISH and DGRAM), parsed as libzmq does: a bind names the local
//! address ("*:port", "address:port", "interface:port") or a multicast group to join
//! ("239.0.0.1:port"); a connect names where datagrams go, a multicast group included. Either
//! may start with "interface;" to choose the interface multicast uses.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::tcp;
use crate::error::{Error, Result};

/// The largest datagram sent or received: libzmq's limit (MAX_UDP_MSG).
pub(crate) const MAX_DATAGRAM: usize = 8192;

/// A parsed udp endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UdpAddress {
    /// Bind: the local address (any address, with the port, for a multicast group). Connect:
    /// where datagrams go.
    pub(crate) address: SocketAddr,
    /// The multicast group of the endpoint, if it names one.
    pub(crate) group: Option<IpAddr>,
    /// The interface multicast uses ("interface;..."), unspecified when not given.
    pub(crate) interface: IpAddr,
}

/// The interface of "interface;": "*", an address, or a name.
fn interface(text: &str, ipv6: bool) -> Result<IpAddr> {
    let unspecified = if ipv6 {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    };
    if text == "*" {
        return Ok(unspecified);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(ip);
    }
    crate::sys::net::interface_address(text, ipv6)
        .ok()
        .flatten()
        .ok_or(Error::NoDev)
}

/// Parses the address of a bind (`bind`) or of a connect; EINVAL when malformed, ENODEV for
/// an unknown interface.
pub(crate) fn parse(text: &str, bind: bool, ipv6: bool) -> Result<UdpAddress> {
    let (iface, rest) = match text.split_once(';') {
        Some((iface, rest)) => (Some(iface), rest),
        None => (None, text),
    };
    let mut address = if bind {
        tcp::bind_address(rest, ipv6)?
    } else {
        let target = tcp::connect_address(rest, ipv6)?;
        tcp::resolve(&target, ipv6).map_err(|_| Error::Inval)?
    };
    let group = Some(address.ip()).filter(IpAddr::is_multicast);
    if bind && group.is_some() {
        // A group is received on any address, as libzmq binds it.
        let any = match address {
            SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        address = SocketAddr::new(any, address.port());
    }
    let interface = match iface {
        Some(name) => interface(name, ipv6 || address.is_ipv6())?,
        None if address.is_ipv6() => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    };
    Ok(UdpAddress {
        address,
        group,
        interface,
    })
}

/// Parses "address:port", as a DGRAM message's first frame names where it goes.
pub(crate) fn peer(text: &[u8]) -> Option<SocketAddr> {
    std::str::from_utf8(text).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_and_connects() {
        let a = parse("*:5556", true, false).unwrap();
        assert_eq!(a.address, "0.0.0.0:5556".parse().unwrap());
        assert_eq!(a.group, None);
        let a = parse("239.0.0.1:5555", true, false).unwrap();
        assert_eq!(a.address, "0.0.0.0:5555".parse().unwrap());
        assert_eq!(a.group, Some("239.0.0.1".parse().unwrap()));
        let a = parse("127.0.0.1;239.0.0.1:5555", false, false).unwrap();
        assert_eq!(a.address, "239.0.0.1:5555".parse().unwrap());
        assert_eq!(a.interface, "127.0.0.1".parse::<IpAddr>().unwrap());
        let a = parse("127.0.0.1:7", false, false).unwrap();
        assert_eq!((a.address, a.group), ("127.0.0.1:7".parse().unwrap(), None));
        assert_eq!(parse("*:5556", false, false), Err(Error::Inval));
        assert_eq!(parse("nohost", true, false), Err(Error::Inval));
        assert_eq!(
            parse("no-such-if0;239.0.0.1:1", true, false),
            Err(Error::NoDev)
        );
    }

    #[test]
    fn message_addresses() {
        assert_eq!(
            peer(b"127.0.0.1:5556"),
            Some("127.0.0.1:5556".parse().unwrap())
        );
        assert_eq!(peer(b"127.0.0.1"), None);
        assert_eq!(peer(b"\xff"), None);
    }
}
