//! Set and get of the byte-valued and security options, against the reference libzmq 4.3.4.

use super::super::tests::{BARE, FULL, STRINGS, get_int, get_str, set, set_int, set_null};
use crate::error::Error;
use crate::options::{Options, ids};

#[test]
fn routing_id() {
    let mut o = Options::default();
    assert_eq!(set(&mut o, ids::ROUTING_ID, b""), Err(Error::Inval));
    assert_eq!(set_null(&mut o, ids::ROUTING_ID), Err(Error::Inval));
    assert_eq!(
        set(&mut o, ids::ROUTING_ID, &[b'a'; 256]),
        Err(Error::Inval)
    );
    assert_eq!(set(&mut o, ids::ROUTING_ID, &[b'a'; 255]), Ok(()));
    // A leading zero byte is accepted.
    assert_eq!(set(&mut o, ids::ROUTING_ID, b"\0abc"), Ok(()));
    let mut out = [0xAA; 8];
    assert_eq!(o.get_in(FULL, ids::ROUTING_ID, &mut out), Ok(4));
    assert_eq!(out, *b"\0abc\0\0\0\0");
    assert_eq!(o.get_in(FULL, ids::ROUTING_ID, &mut out[..4]), Ok(4));
    assert_eq!(
        o.get_in(FULL, ids::ROUTING_ID, &mut out[..3]),
        Err(Error::Inval)
    );
    assert_eq!(o.routing_id, b"\0abc");
}

#[test]
fn string_options() {
    for &id in STRINGS {
        let mut o = Options::default();
        assert_eq!(set(&mut o, id, b"ab\0cd"), Ok(()), "option {id}");
        assert_eq!(get_str(&o, id), Ok(b"ab\0cd".to_vec()));
        // The buffer must hold the terminator too.
        assert_eq!(o.get_in(FULL, id, &mut [0; 6]), Ok(6));
        assert_eq!(o.get_in(FULL, id, &mut [0; 5]), Err(Error::Inval));
        assert_eq!(o.get_in(FULL, id, &mut []), Err(Error::Inval));
    }
    let mut o = Options::default();
    let long = [b'a'; 1100];
    for (id, max) in [
        (ids::PLAIN_USERNAME, 255),
        (ids::PLAIN_PASSWORD, 255),
        (ids::ZAP_DOMAIN, 255),
        (ids::SOCKS_USERNAME, 255),
        (ids::SOCKS_PASSWORD, 255),
        (ids::BINDTODEVICE, 16),
    ] {
        assert_eq!(set(&mut o, id, &long[..max]), Ok(()), "option {id}");
        assert_eq!(set(&mut o, id, &long[..max + 1]), Err(Error::Inval));
        assert_eq!(get_str(&o, id).map(|s| s.len()), Ok(max));
    }
    assert_eq!(set(&mut o, ids::SOCKS_PROXY, &long), Ok(()));
    assert_eq!(
        o.get_in(FULL, ids::SOCKS_PROXY, &mut [0; 1100]),
        Err(Error::Inval)
    );
    assert_eq!(o.get_in(FULL, ids::SOCKS_PROXY, &mut [0; 1101]), Ok(1101));
}

#[test]
fn empty_and_null_string_values() {
    let mut o = Options::default();
    // NULL clears; an empty non-NULL value is invalid.
    for id in [ids::SOCKS_PROXY, ids::BINDTODEVICE] {
        assert_eq!(set(&mut o, id, b"x"), Ok(()));
        assert_eq!(set(&mut o, id, b""), Err(Error::Inval));
        assert_eq!(get_str(&o, id), Ok(b"x".to_vec()));
        assert_eq!(set_null(&mut o, id), Ok(()));
        assert_eq!(get_str(&o, id), Ok(Vec::new()));
    }
    // Both clear the SOCKS credentials.
    for id in [ids::SOCKS_USERNAME, ids::SOCKS_PASSWORD] {
        assert_eq!(set(&mut o, id, b"x"), Ok(()));
        assert_eq!(set(&mut o, id, b""), Ok(()));
        assert_eq!(get_str(&o, id), Ok(Vec::new()));
        assert_eq!(set(&mut o, id, b"x"), Ok(()));
        assert_eq!(set_null(&mut o, id), Ok(()));
        assert_eq!(get_str(&o, id), Ok(Vec::new()));
    }
    // The ZAP domain can be neither empty nor cleared.
    assert_eq!(set(&mut o, ids::ZAP_DOMAIN, b"global"), Ok(()));
    assert_eq!(set(&mut o, ids::ZAP_DOMAIN, b""), Err(Error::Inval));
    assert_eq!(set_null(&mut o, ids::ZAP_DOMAIN), Err(Error::Inval));
    assert_eq!(o.zap_domain, "global");
    // Text kept as a Rust string must be UTF-8.
    for id in [ids::ZAP_DOMAIN, ids::SOCKS_PROXY, ids::BINDTODEVICE] {
        assert_eq!(set(&mut o, id, b"\xff"), Err(Error::Inval));
    }
    assert_eq!(set(&mut o, ids::PLAIN_USERNAME, b"\xff"), Ok(()));
}

#[test]
fn mechanism_follows_the_last_security_option() {
    let mut o = Options::default();
    let state = |o: &Options| {
        (
            get_int(o, ids::MECHANISM).unwrap(),
            get_int(o, ids::PLAIN_SERVER).unwrap(),
            get_int(o, ids::CURVE_SERVER).unwrap(),
        )
    };
    let key = [7; 32];
    assert_eq!(set(&mut o, ids::PLAIN_USERNAME, b"bob"), Ok(()));
    assert_eq!(state(&o), (1, 0, 0));
    assert_eq!(set_int(&mut o, ids::PLAIN_SERVER, 1), Ok(()));
    assert_eq!(state(&o), (1, 1, 0));
    assert_eq!(set(&mut o, ids::PLAIN_PASSWORD, b"pw"), Ok(()));
    assert_eq!(state(&o), (1, 0, 0));
    assert_eq!(set_int(&mut o, ids::PLAIN_SERVER, 1), Ok(()));
    assert_eq!(set_int(&mut o, ids::CURVE_SERVER, 1), Ok(()));
    assert_eq!(state(&o), (2, 0, 1));
    assert_eq!(set_int(&mut o, ids::PLAIN_SERVER, 0), Ok(()));
    assert_eq!(state(&o), (0, 0, 0));
    assert_eq!(set_int(&mut o, ids::CURVE_SERVER, 1), Ok(()));
    assert_eq!(set(&mut o, ids::CURVE_PUBLICKEY, &key), Ok(()));
    assert_eq!(state(&o), (2, 0, 1));
    assert_eq!(set_null(&mut o, ids::PLAIN_PASSWORD), Ok(()));
    assert_eq!(state(&o), (0, 0, 0));
    // NULL keeps the credentials.
    assert_eq!(get_str(&o, ids::PLAIN_PASSWORD), Ok(b"pw".to_vec()));
    assert_eq!(set_int(&mut o, ids::CURVE_SERVER, 1), Ok(()));
    assert_eq!(set(&mut o, ids::CURVE_SERVERKEY, &key), Ok(()));
    assert_eq!(state(&o), (2, 0, 0));
    assert_eq!(set_int(&mut o, ids::CURVE_SERVER, 1), Ok(()));
    assert_eq!(set_int(&mut o, ids::PLAIN_SERVER, 1), Ok(()));
    assert_eq!(state(&o), (1, 1, 0));
    assert_eq!(set_int(&mut o, ids::CURVE_SERVER, 0), Ok(()));
    assert_eq!(state(&o), (0, 0, 0));
    // Rejected values change nothing.
    assert_eq!(set(&mut o, ids::PLAIN_USERNAME, b""), Err(Error::Inval));
    assert_eq!(
        set(&mut o, ids::CURVE_SECRETKEY, &[0; 33]),
        Err(Error::Inval)
    );
    assert_eq!(set_int(&mut o, ids::PLAIN_SERVER, 2), Err(Error::Inval));
    assert_eq!(state(&o), (0, 0, 0));
    assert_eq!(set_int(&mut o, ids::MECHANISM, 1), Err(Error::Inval));
}

#[test]
fn curve_keys() {
    const Z85: &[u8; 40] = b"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    let binary = crate::z85::decode(Z85).unwrap();
    let mut o = Options::default();
    let read = |o: &Options, id, len| {
        let mut out = vec![0xAA; len];
        o.get_in(FULL, id, &mut out).map(|n| out[..n].to_vec())
    };
    assert_eq!(set(&mut o, ids::CURVE_PUBLICKEY, Z85), Ok(()));
    assert_eq!(read(&o, ids::CURVE_PUBLICKEY, 32), Ok(binary.clone()));
    let mut text = Z85.to_vec();
    text.push(0);
    assert_eq!(read(&o, ids::CURVE_PUBLICKEY, 41), Ok(text.clone()));
    for len in [0, 31, 33, 40, 42] {
        assert_eq!(read(&o, ids::CURVE_PUBLICKEY, len), Err(Error::Inval));
    }
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &text), Ok(()));
    assert_eq!(o.curve_secret_key[..], binary[..]);
    assert_eq!(set(&mut o, ids::CURVE_SERVERKEY, &binary), Ok(()));
    assert_eq!(o.curve_server_key[..], binary[..]);
    // 41 bytes need their NUL; text stops at the first NUL and must then be whole groups.
    text[40] = b'x';
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &text), Err(Error::Inval));
    let mut short = [0u8; 41];
    short[..10].copy_from_slice(b"0000000000");
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &short), Ok(()));
    assert_eq!(o.curve_secret_key[..8], [0; 8]);
    assert_eq!(o.curve_secret_key[8..], binary[8..]);
    let mut bad = *Z85;
    bad[0] = 0;
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &bad), Err(Error::Inval));
    bad = *Z85;
    bad[7] = b'"';
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &bad), Err(Error::Inval));
    bad[..5].copy_from_slice(b"#####");
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &bad), Err(Error::Inval));
    // A bad later group leaves the earlier groups decoded, as libzmq does.
    bad = [b'0'; 40];
    bad[39] = b'"';
    assert_eq!(set(&mut o, ids::CURVE_SECRETKEY, &bad), Err(Error::Inval));
    assert_eq!(o.curve_secret_key[..28], [0; 28]);
    assert_eq!(set_null(&mut o, ids::CURVE_SECRETKEY), Err(Error::Inval));
}

#[test]
fn curve_needs_the_build() {
    let mut o = Options::default();
    for id in [
        ids::CURVE_SERVER,
        ids::CURVE_PUBLICKEY,
        ids::CURVE_SECRETKEY,
        ids::CURVE_SERVERKEY,
    ] {
        for value in [&1i32.to_ne_bytes()[..], &[0; 32], &[b'0'; 40]] {
            assert_eq!(o.set_in(BARE, id, Some(value)), Err(Error::Inval));
        }
        for len in [4, 32, 41] {
            assert_eq!(o.get_in(BARE, id, &mut vec![0; len]), Err(Error::Inval));
        }
    }
    assert_eq!(o, Options::default());
}

#[test]
fn accept_filters() {
    let mut o = Options::default();
    assert_eq!(set(&mut o, ids::TCP_ACCEPT_FILTER, b"127.0.0.1"), Ok(()));
    assert_eq!(set(&mut o, ids::TCP_ACCEPT_FILTER, b"10.0.0.0/8"), Ok(()));
    assert_eq!(
        set(&mut o, ids::TCP_ACCEPT_FILTER, b"::1"),
        Err(Error::Inval)
    );
    assert_eq!(set(&mut o, ids::TCP_ACCEPT_FILTER, b""), Err(Error::Inval));
    assert_eq!(
        set(&mut o, ids::TCP_ACCEPT_FILTER, &[b'1'; 256]),
        Err(Error::Inval)
    );
    assert_eq!(o.tcp_accept_filters.len(), 2);
    // The socket's IPv6 setting at the time of the call decides how text is read.
    assert_eq!(set_int(&mut o, ids::IPV6, 1), Ok(()));
    assert_eq!(set(&mut o, ids::TCP_ACCEPT_FILTER, b"::1"), Ok(()));
    assert_eq!(o.tcp_accept_filters.len(), 3);
    assert_eq!(
        o.get_in(FULL, ids::TCP_ACCEPT_FILTER, &mut [0; 64]),
        Err(Error::Inval)
    );
    assert_eq!(set_null(&mut o, ids::TCP_ACCEPT_FILTER), Ok(()));
    assert!(o.tcp_accept_filters.is_empty());
}

#[test]
fn ipc_filters() {
    let mut o = Options::default();
    for id in [
        ids::IPC_FILTER_UID,
        ids::IPC_FILTER_GID,
        ids::IPC_FILTER_PID,
    ] {
        for v in [0, 1000, -1] {
            assert_eq!(set_int(&mut o, id, v), Ok(()));
        }
        assert_eq!(set(&mut o, id, &[0; 8]), Err(Error::Inval));
        assert_eq!(set(&mut o, id, &[0; 2]), Err(Error::Inval));
        assert_eq!(set(&mut o, id, b""), Err(Error::Inval));
        assert_eq!(o.get_in(FULL, id, &mut [0; 4]), Err(Error::Inval));
    }
    assert_eq!(o.ipc_uid_filters, [0, 1000, u32::MAX].into());
    assert_eq!(o.ipc_pid_filters, [0, 1000, -1].into());
    assert_eq!(set_null(&mut o, ids::IPC_FILTER_GID), Ok(()));
    assert!(o.ipc_gid_filters.is_empty());
    assert_eq!(o.ipc_uid_filters.len(), 3);
}

#[test]
fn metadata() {
    let mut o = Options::default();
    for good in [
        &b"X-foo:bar"[..],
        b"X-foo:baz",
        b"X-a:b",
        b"X-:bc",
        b"X-b:c:d",
        b"X-c\0:e",
    ] {
        assert_eq!(set(&mut o, ids::METADATA, good), Ok(()), "{good:?}");
    }
    for bad in [
        &b"X-a:"[..],
        b"X-ab",
        b"Y-a:b",
        b":b",
        b"x-a:b",
        b"X-:b",
        b"X-",
        b"",
    ] {
        assert_eq!(
            set(&mut o, ids::METADATA, bad),
            Err(Error::Inval),
            "{bad:?}"
        );
    }
    assert_eq!(set_null(&mut o, ids::METADATA), Err(Error::Inval));
    let mut long = b"X-".to_vec();
    long.extend([b'k'; 253]);
    long.extend(b":v");
    assert_eq!(set(&mut o, ids::METADATA, &long), Ok(()));
    long.insert(2, b'k');
    assert_eq!(set(&mut o, ids::METADATA, &long), Err(Error::Inval));
    // The first value of a name stays.
    assert_eq!(o.metadata.get(&b"X-foo"[..]), Some(&b"bar".to_vec()));
    assert_eq!(o.metadata.get(&b"X-b"[..]), Some(&b"c:d".to_vec()));
    assert_eq!(o.metadata.len(), 6);
    assert_eq!(
        o.get_in(FULL, ids::METADATA, &mut [0; 64]),
        Err(Error::Inval)
    );
}
