//! Expected values come from probing the reference libzmq 4.3.4 (Debian, with CURVE).

use super::access::Build;
use super::*;
use crate::error::Error;

/// A build with everything, so that the draft and CURVE paths are tested whatever this one has.
pub(super) const FULL: Build = Build {
    draft: true,
    curve: true,
};
/// A build with neither, like a libzmq without the draft API and libsodium.
pub(super) const BARE: Build = Build {
    draft: false,
    curve: false,
};

pub(super) fn set(o: &mut Options, id: i32, value: &[u8]) -> Result<(), Error> {
    o.set_in(FULL, id, Some(value))
}

pub(super) fn set_null(o: &mut Options, id: i32) -> Result<(), Error> {
    o.set_in(FULL, id, None)
}

pub(super) fn set_int(o: &mut Options, id: i32, value: i32) -> Result<(), Error> {
    set(o, id, &value.to_ne_bytes())
}

pub(super) fn get_int(o: &Options, id: i32) -> Result<i32, Error> {
    let mut out = [0xAA; 4];
    assert_eq!(o.get_in(FULL, id, &mut out)?, 4);
    Ok(i32::from_ne_bytes(out))
}

/// A string option's value, checking the terminator, the reported size and the zeroed tail.
pub(super) fn get_str(o: &Options, id: i32) -> Result<Vec<u8>, Error> {
    let mut out = [0xAA; 300];
    let n = o.get_in(FULL, id, &mut out)?;
    assert_eq!(out[n - 1], 0, "option {id} lacks its terminator");
    assert!(
        out[n..].iter().all(|&b| b == 0),
        "option {id}: tail not zeroed"
    );
    Ok(out[..n - 1].to_vec())
}

/// (option, default, values it takes, values it refuses) for the plain int options.
const INTS: &[(i32, i32, &[i32], &[i32])] = &[
    (ids::SNDHWM, 1000, &[0, 1, i32::MAX], &[-1, i32::MIN]),
    (ids::RCVHWM, 1000, &[0, 1, i32::MAX], &[-1, i32::MIN]),
    (ids::RATE, 100, &[1, i32::MAX], &[0, -1]),
    (ids::RECOVERY_IVL, 10000, &[0, 5], &[-1]),
    (ids::SNDBUF, -1, &[-1, 0, 1 << 20], &[-2]),
    (ids::RCVBUF, -1, &[-1, 0, 1 << 20], &[-2]),
    (ids::TOS, 0, &[0, 0xB8], &[-1]),
    (ids::LINGER, -1, &[-1, 0, 5000], &[-2, i32::MIN]),
    (ids::CONNECT_TIMEOUT, 0, &[0, 100], &[-1]),
    (ids::TCP_MAXRT, 0, &[0, 100], &[-1]),
    (
        ids::RECONNECT_STOP,
        0,
        &[-77, 0, 7, i32::MIN, i32::MAX],
        &[],
    ),
    (ids::RECONNECT_IVL, 100, &[-1, 0, 5], &[-2]),
    (ids::RECONNECT_IVL_MAX, 0, &[0, 5], &[-1]),
    (ids::BACKLOG, 100, &[0, 5], &[-1]),
    (ids::MULTICAST_HOPS, 1, &[1, 255], &[0, -1]),
    (ids::MULTICAST_MAXTPDU, 1500, &[1, 9000], &[0, -1]),
    (ids::RCVTIMEO, -1, &[-1, 0, 10], &[-2]),
    (ids::SNDTIMEO, -1, &[-1, 0, 10], &[-2]),
    (ids::TCP_KEEPALIVE, -1, &[-1, 0, 1], &[2, -2]),
    (ids::TCP_KEEPALIVE_CNT, -1, &[-1, 0, 10], &[-2]),
    (ids::TCP_KEEPALIVE_IDLE, -1, &[-1, 0, 10], &[-2]),
    (ids::TCP_KEEPALIVE_INTVL, -1, &[-1, 0, 10], &[-2]),
    (ids::HANDSHAKE_IVL, 30000, &[0, 10], &[-1]),
    (ids::HEARTBEAT_IVL, 0, &[0, 10], &[-1]),
    (ids::HEARTBEAT_TIMEOUT, -1, &[0, 10], &[-1]),
    (ids::USE_FD, -1, &[-1, 0, 3], &[-2]),
    (ids::IN_BATCH_SIZE, 8192, &[1, 100], &[0, -1]),
    (ids::OUT_BATCH_SIZE, 8192, &[1, 100], &[0, -1]),
    (ids::PRIORITY, 0, &[0, 3], &[-1]),
];

/// Booleans libzmq takes only as 0 or 1, with their defaults.
const STRICT_BOOLS: &[(i32, i32)] = &[
    (ids::IPV6, 0),
    (ids::IMMEDIATE, 0),
    (ids::CONFLATE, 0),
    (ids::PLAIN_SERVER, 0),
    (ids::CURVE_SERVER, 0),
];

/// Booleans where any non-zero int is true, with their defaults.
const RELAXED_BOOLS: &[(i32, i32)] = &[
    (ids::INVERT_MATCHING, 0),
    (ids::MULTICAST_LOOP, 1),
    (ids::ZAP_ENFORCE_DOMAIN, 0),
    (ids::LOOPBACK_FASTPATH, 0),
];

/// String options and their defaults (all empty).
pub(super) const STRINGS: &[i32] = &[
    ids::PLAIN_USERNAME,
    ids::PLAIN_PASSWORD,
    ids::ZAP_DOMAIN,
    ids::SOCKS_PROXY,
    ids::SOCKS_USERNAME,
    ids::SOCKS_PASSWORD,
    ids::BINDTODEVICE,
];

#[test]
fn defaults_read_back_as_libzmq() {
    let o = Options::default();
    for &(id, default, _, _) in INTS {
        assert_eq!(get_int(&o, id), Ok(default), "option {id}");
    }
    for &(id, default) in STRICT_BOOLS.iter().chain(RELAXED_BOOLS) {
        assert_eq!(get_int(&o, id), Ok(default), "option {id}");
    }
    assert_eq!(get_int(&o, ids::IPV4ONLY), Ok(1));
    assert_eq!(get_int(&o, ids::MECHANISM), Ok(0));
    assert_eq!(get_int(&o, ids::HEARTBEAT_TTL), Ok(0));
    assert_eq!(get_int(&o, ids::ROUTER_NOTIFY), Ok(0));
    for &id in STRINGS {
        assert_eq!(get_str(&o, id), Ok(Vec::new()), "option {id}");
    }
    let mut out = [0xAA; 8];
    assert_eq!(o.get_in(FULL, ids::AFFINITY, &mut out), Ok(8));
    assert_eq!(u64::from_ne_bytes(out), 0);
    assert_eq!(o.get_in(FULL, ids::MAXMSGSIZE, &mut out), Ok(8));
    assert_eq!(i64::from_ne_bytes(out), -1);
    // An empty routing id reads as zero bytes and zeroes the whole buffer.
    assert_eq!(o.get_in(FULL, ids::ROUTING_ID, &mut out), Ok(0));
    assert_eq!(out, [0; 8]);
    assert_eq!(o.get_in(FULL, ids::ROUTING_ID, &mut []), Ok(0));
    let mut key = [0xAA; 41];
    assert_eq!(o.get_in(FULL, ids::CURVE_PUBLICKEY, &mut key), Ok(41));
    assert_eq!(&key[..40], &[b'0'; 40]);
    assert_eq!(key[40], 0);
}

#[test]
fn context_defaults() {
    let o = Options::for_context(true, false);
    assert_eq!((o.linger, o.ipv6), (-1, false));
    assert_eq!(get_int(&o, ids::IPV4ONLY), Ok(1));
    let o = Options::for_context(false, true);
    assert_eq!((o.linger, o.ipv6), (0, true));
    assert_eq!(get_int(&o, ids::IPV4ONLY), Ok(0));
    assert_eq!(o.sndhwm, Options::default().sndhwm);
}

#[test]
fn int_options_round_trip_and_validate() {
    for &(id, default, good, bad) in INTS {
        let mut o = Options::default();
        for &v in good {
            assert_eq!(set_int(&mut o, id, v), Ok(()), "option {id} = {v}");
            assert_eq!(get_int(&o, id), Ok(v), "option {id}");
        }
        let mut o = Options::default();
        for &v in bad {
            assert_eq!(
                set_int(&mut o, id, v),
                Err(Error::Inval),
                "option {id} = {v}"
            );
            assert_eq!(get_int(&o, id), Ok(default), "option {id} changed");
        }
    }
}

#[test]
fn booleans() {
    for &(id, default) in STRICT_BOOLS {
        let mut o = Options::default();
        for bad in [2, -1, 5] {
            assert_eq!(set_int(&mut o, id, bad), Err(Error::Inval), "option {id}");
            assert_eq!(get_int(&o, id), Ok(default));
        }
        for v in [1, 0] {
            assert_eq!(set_int(&mut o, id, v), Ok(()), "option {id}");
            assert_eq!(get_int(&o, id), Ok(v));
        }
    }
    for &(id, _) in RELAXED_BOOLS {
        let mut o = Options::default();
        for (v, read) in [(5, 1), (0, 0), (-3, 1), (1, 1)] {
            assert_eq!(set_int(&mut o, id, v), Ok(()), "option {id}");
            assert_eq!(get_int(&o, id), Ok(read));
        }
    }
    let mut o = Options::default();
    assert_eq!(set_int(&mut o, ids::IPV4ONLY, 0), Ok(()));
    assert_eq!(
        (get_int(&o, ids::IPV6), get_int(&o, ids::IPV4ONLY)),
        (Ok(1), Ok(0))
    );
    assert_eq!(set_int(&mut o, ids::IPV4ONLY, 2), Err(Error::Inval));
    assert_eq!(set_int(&mut o, ids::IPV6, 0), Ok(()));
    assert_eq!(get_int(&o, ids::IPV4ONLY), Ok(1));
}

#[test]
fn sizes_must_match_exactly() {
    let mut o = Options::default();
    for &(id, _, good, _) in INTS {
        let v = good[0].to_ne_bytes();
        for len in [0, 2, 3] {
            assert_eq!(set(&mut o, id, &v[..len]), Err(Error::Inval), "option {id}");
        }
        assert_eq!(set(&mut o, id, &[0; 8]), Err(Error::Inval), "option {id}");
        assert_eq!(set_null(&mut o, id), Err(Error::Inval), "option {id}");
        for len in [0, 3, 5, 8] {
            let mut out = vec![0; len];
            assert_eq!(
                o.get_in(FULL, id, &mut out),
                Err(Error::Inval),
                "option {id}"
            );
        }
    }
    for id in [ids::AFFINITY, ids::MAXMSGSIZE] {
        for len in [0, 4, 7, 9, 16] {
            assert_eq!(set(&mut o, id, &vec![0; len]), Err(Error::Inval));
            assert_eq!(o.get_in(FULL, id, &mut vec![0; len]), Err(Error::Inval));
        }
    }
}

#[test]
fn int64_options() {
    let mut o = Options::default();
    for v in [0, -5, i64::MIN, i64::MAX] {
        assert_eq!(set(&mut o, ids::MAXMSGSIZE, &v.to_ne_bytes()), Ok(()));
        let mut out = [0; 8];
        assert_eq!(o.get_in(FULL, ids::MAXMSGSIZE, &mut out), Ok(8));
        assert_eq!(i64::from_ne_bytes(out), v);
    }
    assert_eq!(set(&mut o, ids::AFFINITY, &u64::MAX.to_ne_bytes()), Ok(()));
    assert_eq!(o.affinity, u64::MAX);
}

#[test]
fn heartbeat_ttl_is_kept_in_tenths_of_seconds() {
    let mut o = Options::default();
    for (v, read) in [(150, 100), (99, 0), (-99, 0), (-1, 0), (6553500, 6553500)] {
        assert_eq!(set_int(&mut o, ids::HEARTBEAT_TTL, v), Ok(()));
        assert_eq!(get_int(&o, ids::HEARTBEAT_TTL), Ok(read));
    }
    assert_eq!(set_int(&mut o, ids::HEARTBEAT_TTL, 6553599), Ok(()));
    assert_eq!(get_int(&o, ids::HEARTBEAT_TTL), Ok(6553500));
    for bad in [-100, 6553600, i32::MAX] {
        assert_eq!(set_int(&mut o, ids::HEARTBEAT_TTL, bad), Err(Error::Inval));
    }
    assert_eq!(get_int(&o, ids::HEARTBEAT_TTL), Ok(6553500));
}

#[test]
fn draft_options_need_the_draft_build() {
    let mut o = Options::default();
    let one = 1i32.to_ne_bytes();
    for id in [
        ids::IN_BATCH_SIZE,
        ids::OUT_BATCH_SIZE,
        ids::PRIORITY,
        ids::BUSY_POLL,
        ids::HELLO_MSG,
        ids::DISCONNECT_MSG,
        ids::HICCUP_MSG,
    ] {
        assert_eq!(
            o.set_in(BARE, id, Some(&one)),
            Err(Error::Inval),
            "option {id}"
        );
        assert_eq!(o.set_in(FULL, id, Some(&one)), Ok(()), "option {id}");
    }
    for id in [
        ids::IN_BATCH_SIZE,
        ids::OUT_BATCH_SIZE,
        ids::PRIORITY,
        ids::ROUTER_NOTIFY,
    ] {
        assert_eq!(
            o.get_in(BARE, id, &mut [0; 4]),
            Err(Error::Inval),
            "option {id}"
        );
        assert_eq!(o.get_in(FULL, id, &mut [0; 4]), Ok(4), "option {id}");
    }
    // Write-only draft options.
    for id in [
        ids::BUSY_POLL,
        ids::HELLO_MSG,
        ids::DISCONNECT_MSG,
        ids::HICCUP_MSG,
    ] {
        assert_eq!(
            o.get_in(FULL, id, &mut [0; 4]),
            Err(Error::Inval),
            "option {id}"
        );
    }
    // ROUTER sets ROUTER_NOTIFY; the options only read it.
    assert_eq!(
        o.set_in(FULL, ids::ROUTER_NOTIFY, Some(&one)),
        Err(Error::Inval)
    );
    assert_eq!(o.hello_msg, one);
    assert_eq!(o.set_in(FULL, ids::HELLO_MSG, None), Ok(()));
    assert!(o.hello_msg.is_empty());
    // Draft numbers that libzmq 4.3 handles in every build.
    for id in [
        ids::ZAP_ENFORCE_DOMAIN,
        ids::LOOPBACK_FASTPATH,
        ids::MULTICAST_LOOP,
        ids::RECONNECT_STOP,
    ] {
        assert_eq!(o.set_in(BARE, id, Some(&one)), Ok(()), "option {id}");
        assert_eq!(o.get_in(BARE, id, &mut [0; 4]), Ok(4), "option {id}");
    }
    assert_eq!(o.set_in(BARE, ids::METADATA, Some(b"X-a:b")), Ok(()));
    for id in [ids::SOCKS_USERNAME, ids::SOCKS_PASSWORD] {
        assert_eq!(o.set_in(BARE, id, Some(b"u")), Ok(()));
        assert_eq!(o.get_in(BARE, id, &mut [0; 2]), Ok(2));
    }
}

#[test]
fn options_of_the_socket_layer_and_unbuilt_ones_are_invalid() {
    let mut o = Options::default();
    let mut refused = vec![
        0,
        1,
        2,
        3,
        10,
        20,
        26,
        29,
        30,
        82,
        83,
        125,
        1000,
        -1,
        i32::MAX,
    ];
    refused.extend([
        ids::SUBSCRIBE,
        ids::UNSUBSCRIBE,
        ids::RCVMORE,
        ids::FD,
        ids::EVENTS,
        ids::TYPE,
        ids::LAST_ENDPOINT,
        ids::ROUTER_MANDATORY,
        ids::XPUB_VERBOSE,
        ids::ROUTER_RAW,
        ids::PROBE_ROUTER,
        ids::REQ_CORRELATE,
        ids::REQ_RELAXED,
        ids::ROUTER_HANDOVER,
        ids::CONNECT_ROUTING_ID,
        ids::XPUB_NODROP,
        ids::BLOCKY,
        ids::XPUB_MANUAL,
        ids::XPUB_WELCOME_MSG,
        ids::STREAM_NOTIFY,
        ids::XPUB_VERBOSER,
        ids::THREAD_SAFE,
        ids::XPUB_MANUAL_LAST_VALUE,
        ids::ONLY_FIRST_SUBSCRIBE,
        ids::XSUB_VERBOSE_UNSUBSCRIBE,
        ids::TOPICS_COUNT,
    ]);
    // GSSAPI is never built; VMCI, WSS and NORM transports neither.
    refused.extend([62, 63, 64, 65, 90, 91]);
    refused.extend(85..=88);
    refused.extend(103..=107);
    refused.extend(117..=124);
    for &id in &refused {
        for value in [&1i32.to_ne_bytes()[..], b"ab", b""] {
            assert_eq!(
                o.set_in(FULL, id, Some(value)),
                Err(Error::Inval),
                "option {id}"
            );
        }
        assert_eq!(o.set_in(FULL, id, None), Err(Error::Inval), "option {id}");
        assert_eq!(
            o.get_in(FULL, id, &mut [0; 4]),
            Err(Error::Inval),
            "option {id}"
        );
        assert_eq!(
            o.get_in(FULL, id, &mut [0; 256]),
            Err(Error::Inval),
            "option {id}"
        );
    }
    assert_eq!(o, Options::default());
}

#[test]
fn public_entry_points_use_this_build() {
    let mut o = Options::default();
    assert_eq!(o.set(ids::SNDHWM, &5i32.to_ne_bytes()), Ok(()));
    assert_eq!(o.sndhwm, 5);
    assert_eq!(o.set_optval(ids::SOCKS_PROXY, Some(b"h:1")), Ok(()));
    assert_eq!(o.set_optval(ids::SOCKS_PROXY, None), Ok(()));
    let mut out = [0; 4];
    assert_eq!(o.get(ids::SNDHWM, &mut out), Ok(4));
    assert_eq!(i32::from_ne_bytes(out), 5);
    let draft = o.set(ids::IN_BATCH_SIZE, &5i32.to_ne_bytes());
    assert_eq!(draft.is_ok(), DRAFT_API);
    let curve = o.set(ids::CURVE_SERVER, &1i32.to_ne_bytes());
    assert_eq!(curve.is_ok(), CURVE);
}

#[test]
fn codec_rules_for_the_socket_layer() {
    // The socket-state ints take any buffer of at least 4 bytes and zero the rest.
    let mut out = [0xAA; 8];
    assert_eq!(codec::put_int_at_least(&mut out, 2), Ok(4));
    assert_eq!(out, [2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(codec::put_int_at_least(&mut out[..3], 2), Err(Error::Inval));
    assert_eq!(codec::put_int(&mut out, 2), Err(Error::Inval));
    assert_eq!(codec::put_string(&mut out[..1], b""), Ok(1));
    assert_eq!(codec::put_string(&mut [], b""), Err(Error::Inval));
    assert_eq!(codec::put_bytes(&mut out[..2], b"abc"), Err(Error::Inval));
    // ROUTER, REQ and XPUB flags: not negative, any positive value is true.
    assert_eq!(codec::non_negative_bool(&7i32.to_ne_bytes()), Ok(true));
    assert_eq!(codec::non_negative_bool(&0i32.to_ne_bytes()), Ok(false));
    assert_eq!(
        codec::non_negative_bool(&(-1i32).to_ne_bytes()),
        Err(Error::Inval)
    );
    assert_eq!(codec::non_negative_bool(&[1; 8]), Err(Error::Inval));
    assert_eq!(codec::strict_bool(&2i32.to_ne_bytes()), Err(Error::Inval));
    assert_eq!(codec::relaxed_bool(&(-2i32).to_ne_bytes()), Ok(true));
}
