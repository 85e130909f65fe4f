use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::*;

/// Texts and whether libzmq 4.3.4 (glibc) accepts them on an IPv4 socket and on an IPv6 one,
/// as probed on the reference library.
const CASES: &[(&str, bool, bool)] = &[
    ("127.0.0.1", true, true),
    ("127.0.0.1/8", true, true),
    ("/8", false, false),
    ("127.0.0.1/", false, false),
    ("127.0.0.1/0", true, true),
    ("127.0.0.1/00", false, false),
    ("127.0.0.1/32", true, true),
    ("127.0.0.1/33", false, true),
    ("127.0.0.1/8x", true, true),
    ("127.0.0.1/ 8", true, true),
    ("127.0.0.1/\t8", true, true),
    ("127.0.0.1/+8", true, true),
    ("127.0.0.1/-8", false, false),
    ("127.0.0.1/-0", false, false),
    ("127.0.0.1/x", false, false),
    ("127.0.0.1/0x8", false, false),
    ("127.0.0.1/08", true, true),
    ("127.0.0.1/32 ", true, true),
    ("127.0.0.1/4294967304", false, false),
    ("127.1", true, true),
    ("0x7f.1", true, true),
    ("2130706433", true, true),
    ("0x7f000001", true, true),
    ("017700000001", true, true),
    ("4294967295", true, true),
    ("4294967296", false, false),
    ("1.16777215", true, true),
    ("1.16777216", false, false),
    ("1.2.65535", true, true),
    ("1.2.65536", false, false),
    ("256.1", false, false),
    ("127.0.0.01", true, true),
    ("01.02.03.04", true, true),
    ("1.2.3", true, true),
    ("127.0.0.256", false, false),
    ("1.2.3.4.", false, false),
    ("1..2", false, false),
    ("0x", false, false),
    ("0x1g", false, false),
    ("08", false, false),
    ("0", true, true),
    ("00", true, true),
    (" 127.0.0.1", false, false),
    ("127.0.0.1 ", false, false),
    ("localhost", false, false),
    ("*", false, false),
    ("", false, false),
    ("::1", false, true),
    ("[::1]", false, true),
    ("[127.0.0.1]", true, true),
    ("[1.2.3.4", false, false),
    ("1.2.3.4]", false, false),
    ("[]", false, false),
    ("::", false, true),
    ("::/0", false, true),
    ("::/00", false, false),
    ("::1/64", false, true),
    ("::1/129", false, false),
    ("[::1]/64", false, true),
    ("FE80::1", false, true),
    ("1:2:3:4:5:6:7:8:9", false, false),
    ("1::2::3", false, false),
    ("::1.2.3.4", false, true),
    ("::ffff:1.2.3.4", true, true),
    ("::ffff:0102:0304", true, true),
    ("::ffff:1.2.3.4/32", true, true),
    ("::ffff:1.2.3.4/33", false, true),
    ("::ffff:01.2.3.4", false, false),
    ("fe80::1%1", false, true),
    ("fe80::1%1x", false, true),
    ("fe80::1%-1", false, true),
    ("fe80::1%", false, false),
    ("fe80::1%0", false, false),
    ("fe80::1%nosuch", false, false),
    ("[fe80::1%1]", false, true),
    ("[fe80::1]%1", false, false),
    ("127.0.0.1%1", true, true),
    ("127.0.0.1% 1", true, true),
    ("127.0.0.1%+1", true, true),
    ("127.0.0.1%0x1", false, false),
    ("127.0.0.1%a", false, false),
    ("127.0.0.1%%1", false, false),
    ("1.2.3.4/8/8", false, false),
    ("0.0.0.0/0", true, true),
];

#[test]
fn accepts_what_libzmq_accepts() {
    for &(text, on_ipv4, on_ipv6) in CASES {
        let v4 = TcpAcceptFilter::parse(text.as_bytes(), false);
        let v6 = TcpAcceptFilter::parse(text.as_bytes(), true);
        assert_eq!(v4.is_ok(), on_ipv4, "{text:?} on an IPv4 socket: {v4:?}");
        assert_eq!(v6.is_ok(), on_ipv6, "{text:?} on an IPv6 socket: {v6:?}");
        for result in [v4, v6] {
            if let Err(e) = result {
                assert_eq!(e, Error::Inval);
            }
        }
    }
}

#[test]
fn interface_names_resolve() {
    // The loopback interface exists wherever the tests run; a name is looked up, not parsed.
    if std::path::Path::new("/sys/class/net/lo/ifindex").exists() {
        assert!(TcpAcceptFilter::parse(b"fe80::1%lo", true).is_ok());
        assert!(TcpAcceptFilter::parse(b"127.0.0.1%lo", false).is_ok());
    }
    assert!(TcpAcceptFilter::parse(b"fe80::1%lo0", true).is_err());
    assert!(TcpAcceptFilter::parse(b"fe80::1%../lo", true).is_err());
}

#[test]
fn parsed_values() {
    let f = TcpAcceptFilter::parse(b"10.1.2.3/8", false).unwrap();
    assert_eq!(f.address, IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)));
    assert_eq!(f.prefix, 8);
    let f = TcpAcceptFilter::parse(b"10.1.2.3", false).unwrap();
    assert_eq!(f.prefix, 32);
    let f = TcpAcceptFilter::parse(b"10.1.2.3", true).unwrap();
    assert_eq!(
        f.address,
        IpAddr::V6(Ipv4Addr::new(10, 1, 2, 3).to_ipv6_mapped())
    );
    assert_eq!(f.prefix, 128);
    let f = TcpAcceptFilter::parse(b"::ffff:1.2.3.4", false).unwrap();
    assert_eq!(f.address, IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4)));
    let f = TcpAcceptFilter::parse(b"[::1]/64", true).unwrap();
    assert_eq!(f.address, IpAddr::V6(Ipv6Addr::LOCALHOST));
    assert_eq!(f.prefix, 64);
    // The C string ends at the first NUL.
    let f = TcpAcceptFilter::parse(b"127.0.0.1\0junk", false).unwrap();
    assert_eq!(f.address, IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert!(TcpAcceptFilter::parse(b"\0abc", false).is_err());
}

#[test]
fn glibc_ipv4_forms() {
    let ip = |s: &str| inet_aton_exact(s.as_bytes());
    assert_eq!(ip("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
    assert_eq!(ip("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
    assert_eq!(ip("1.2.0x304"), Some(Ipv4Addr::new(1, 2, 3, 4)));
    assert_eq!(ip("010.0.0.1"), Some(Ipv4Addr::new(8, 0, 0, 1)));
    assert_eq!(ip("4294967295"), Some(Ipv4Addr::BROADCAST));
    assert_eq!(ip("0"), Some(Ipv4Addr::UNSPECIFIED));
    assert_eq!(ip("1.2.3.4.5"), None);
    assert_eq!(ip("-1"), None);
    assert_eq!(ip(""), None);
}

#[test]
fn c_strtol() {
    assert_eq!(strtol(b"12"), 12);
    assert_eq!(strtol(b" \t+7x"), 7);
    assert_eq!(strtol(b"-3"), -3);
    assert_eq!(strtol(b"x"), 0);
    assert_eq!(strtol(b""), 0);
    assert_eq!(strtol(b"99999999999999999999999"), i64::MAX);
}

#[test]
fn matching() {
    let f = TcpAcceptFilter::parse(b"192.168.0.0/16", false).unwrap();
    assert!(f.matches("192.168.7.9".parse().unwrap()));
    assert!(!f.matches("192.169.0.1".parse().unwrap()));
    assert!(!f.matches("::ffff:192.168.7.9".parse().unwrap()));
    let f = TcpAcceptFilter::parse(b"10.0.0.0/9", false).unwrap();
    assert!(f.matches("10.127.255.255".parse().unwrap()));
    assert!(!f.matches("10.128.0.0".parse().unwrap()));
    let any = TcpAcceptFilter::parse(b"1.2.3.4/0", false).unwrap();
    assert!(any.matches("8.8.8.8".parse().unwrap()));
    assert!(!any.matches("::1".parse().unwrap()));
    let exact = TcpAcceptFilter::parse(b"::1", true).unwrap();
    assert!(exact.matches("::1".parse().unwrap()));
    assert!(!exact.matches("::2".parse().unwrap()));
    let mapped = TcpAcceptFilter::parse(b"127.0.0.1", true).unwrap();
    assert!(mapped.matches("::ffff:127.0.0.1".parse().unwrap()));
    assert!(!mapped.matches("127.0.0.1".parse().unwrap()));
}
