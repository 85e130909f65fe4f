//! The option numbers against the C constants and the draft section of the header.

use super::*;

/// (name, `ids` value, `capi::constants` value) for every stable option.
macro_rules! stable {
    ($($id:ident $c:ident,)*) => {
        &[$((stringify!($id), $id, crate::capi::constants::$c)),*]
    };
}

/// (name, `ids` value) for every draft option.
macro_rules! draft {
    ($($id:ident,)*) => {
        &[$((stringify!($id), $id)),*]
    };
}

const STABLE: &[(&str, i32, i32)] = stable![
    AFFINITY ZMQ_AFFINITY,
    ROUTING_ID ZMQ_ROUTING_ID,
    SUBSCRIBE ZMQ_SUBSCRIBE,
    UNSUBSCRIBE ZMQ_UNSUBSCRIBE,
    RATE ZMQ_RATE,
    RECOVERY_IVL ZMQ_RECOVERY_IVL,
    SNDBUF ZMQ_SNDBUF,
    RCVBUF ZMQ_RCVBUF,
    RCVMORE ZMQ_RCVMORE,
    FD ZMQ_FD,
    EVENTS ZMQ_EVENTS,
    TYPE ZMQ_TYPE,
    LINGER ZMQ_LINGER,
    RECONNECT_IVL ZMQ_RECONNECT_IVL,
    BACKLOG ZMQ_BACKLOG,
    RECONNECT_IVL_MAX ZMQ_RECONNECT_IVL_MAX,
    MAXMSGSIZE ZMQ_MAXMSGSIZE,
    SNDHWM ZMQ_SNDHWM,
    RCVHWM ZMQ_RCVHWM,
    MULTICAST_HOPS ZMQ_MULTICAST_HOPS,
    RCVTIMEO ZMQ_RCVTIMEO,
    SNDTIMEO ZMQ_SNDTIMEO,
    LAST_ENDPOINT ZMQ_LAST_ENDPOINT,
    ROUTER_MANDATORY ZMQ_ROUTER_MANDATORY,
    TCP_KEEPALIVE ZMQ_TCP_KEEPALIVE,
    TCP_KEEPALIVE_CNT ZMQ_TCP_KEEPALIVE_CNT,
    TCP_KEEPALIVE_IDLE ZMQ_TCP_KEEPALIVE_IDLE,
    TCP_KEEPALIVE_INTVL ZMQ_TCP_KEEPALIVE_INTVL,
    IMMEDIATE ZMQ_IMMEDIATE,
    XPUB_VERBOSE ZMQ_XPUB_VERBOSE,
    ROUTER_RAW ZMQ_ROUTER_RAW,
    IPV6 ZMQ_IPV6,
    MECHANISM ZMQ_MECHANISM,
    PLAIN_SERVER ZMQ_PLAIN_SERVER,
    PLAIN_USERNAME ZMQ_PLAIN_USERNAME,
    PLAIN_PASSWORD ZMQ_PLAIN_PASSWORD,
    CURVE_SERVER ZMQ_CURVE_SERVER,
    CURVE_PUBLICKEY ZMQ_CURVE_PUBLICKEY,
    CURVE_SECRETKEY ZMQ_CURVE_SECRETKEY,
    CURVE_SERVERKEY ZMQ_CURVE_SERVERKEY,
    PROBE_ROUTER ZMQ_PROBE_ROUTER,
    REQ_CORRELATE ZMQ_REQ_CORRELATE,
    REQ_RELAXED ZMQ_REQ_RELAXED,
    CONFLATE ZMQ_CONFLATE,
    ZAP_DOMAIN ZMQ_ZAP_DOMAIN,
    ROUTER_HANDOVER ZMQ_ROUTER_HANDOVER,
    TOS ZMQ_TOS,
    CONNECT_ROUTING_ID ZMQ_CONNECT_ROUTING_ID,
    GSSAPI_SERVER ZMQ_GSSAPI_SERVER,
    GSSAPI_PRINCIPAL ZMQ_GSSAPI_PRINCIPAL,
    GSSAPI_SERVICE_PRINCIPAL ZMQ_GSSAPI_SERVICE_PRINCIPAL,
    GSSAPI_PLAINTEXT ZMQ_GSSAPI_PLAINTEXT,
    HANDSHAKE_IVL ZMQ_HANDSHAKE_IVL,
    SOCKS_PROXY ZMQ_SOCKS_PROXY,
    XPUB_NODROP ZMQ_XPUB_NODROP,
    BLOCKY ZMQ_BLOCKY,
    XPUB_MANUAL ZMQ_XPUB_MANUAL,
    XPUB_WELCOME_MSG ZMQ_XPUB_WELCOME_MSG,
    STREAM_NOTIFY ZMQ_STREAM_NOTIFY,
    INVERT_MATCHING ZMQ_INVERT_MATCHING,
    HEARTBEAT_IVL ZMQ_HEARTBEAT_IVL,
    HEARTBEAT_TTL ZMQ_HEARTBEAT_TTL,
    HEARTBEAT_TIMEOUT ZMQ_HEARTBEAT_TIMEOUT,
    XPUB_VERBOSER ZMQ_XPUB_VERBOSER,
    CONNECT_TIMEOUT ZMQ_CONNECT_TIMEOUT,
    TCP_MAXRT ZMQ_TCP_MAXRT,
    THREAD_SAFE ZMQ_THREAD_SAFE,
    MULTICAST_MAXTPDU ZMQ_MULTICAST_MAXTPDU,
    VMCI_BUFFER_SIZE ZMQ_VMCI_BUFFER_SIZE,
    VMCI_BUFFER_MIN_SIZE ZMQ_VMCI_BUFFER_MIN_SIZE,
    VMCI_BUFFER_MAX_SIZE ZMQ_VMCI_BUFFER_MAX_SIZE,
    VMCI_CONNECT_TIMEOUT ZMQ_VMCI_CONNECT_TIMEOUT,
    USE_FD ZMQ_USE_FD,
    GSSAPI_PRINCIPAL_NAMETYPE ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
    GSSAPI_SERVICE_PRINCIPAL_NAMETYPE ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
    BINDTODEVICE ZMQ_BINDTODEVICE,
    IDENTITY ZMQ_IDENTITY,
    CONNECT_RID ZMQ_CONNECT_RID,
    TCP_ACCEPT_FILTER ZMQ_TCP_ACCEPT_FILTER,
    IPC_FILTER_PID ZMQ_IPC_FILTER_PID,
    IPC_FILTER_UID ZMQ_IPC_FILTER_UID,
    IPC_FILTER_GID ZMQ_IPC_FILTER_GID,
    IPV4ONLY ZMQ_IPV4ONLY,
    DELAY_ATTACH_ON_CONNECT ZMQ_DELAY_ATTACH_ON_CONNECT,
    FAIL_UNROUTABLE ZMQ_FAIL_UNROUTABLE,
    ROUTER_BEHAVIOR ZMQ_ROUTER_BEHAVIOR,
];

const DRAFT: &[(&str, i32)] = draft![
    ZAP_ENFORCE_DOMAIN,
    LOOPBACK_FASTPATH,
    METADATA,
    MULTICAST_LOOP,
    ROUTER_NOTIFY,
    XPUB_MANUAL_LAST_VALUE,
    SOCKS_USERNAME,
    SOCKS_PASSWORD,
    IN_BATCH_SIZE,
    OUT_BATCH_SIZE,
    WSS_KEY_PEM,
    WSS_CERT_PEM,
    WSS_TRUST_PEM,
    WSS_HOSTNAME,
    WSS_TRUST_SYSTEM,
    ONLY_FIRST_SUBSCRIBE,
    RECONNECT_STOP,
    HELLO_MSG,
    DISCONNECT_MSG,
    PRIORITY,
    BUSY_POLL,
    HICCUP_MSG,
    XSUB_VERBOSE_UNSUBSCRIBE,
    TOPICS_COUNT,
    NORM_MODE,
    NORM_UNICAST_NACK,
    NORM_BUFFER_SIZE,
    NORM_SEGMENT_SIZE,
    NORM_BLOCK_SIZE,
    NORM_NUM_PARITY,
    NORM_NUM_AUTOPARITY,
    NORM_PUSH,
];

#[test]
fn stable_numbers_are_the_c_constants() {
    for &(name, ours, c) in STABLE {
        assert_eq!(ours, c, "{name}");
    }
}

/// Every socket option constants.rs defines has its number here.
#[test]
fn every_c_socket_option_is_listed() {
    let source = include_str!("../../capi/constants.rs");
    let section = source
        .split("/// Socket options")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("constants.rs has a socket options section");
    let mut seen = 0;
    for line in section.lines() {
        let Some(name) = line
            .strip_prefix("pub const ZMQ_")
            .and_then(|rest| rest.split(':').next())
        else {
            continue;
        };
        assert!(
            STABLE.iter().any(|&(n, _, _)| n == name),
            "ids lacks {name}"
        );
        seen += 1;
    }
    assert_eq!(seen, 76);
}

/// The draft numbers are those of the draft part of zmq.h, all of them.
#[test]
fn draft_numbers_are_the_header_ones() {
    let header = include_str!("../../capi/epilogue.h");
    let mut seen = 0;
    for line in header.lines() {
        let mut words = line.split_whitespace();
        let (Some("#define"), Some(name), Some(value)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        let (Some(name), Ok(value)) = (name.strip_prefix("ZMQ_"), value.parse::<i32>()) else {
            continue;
        };
        if !(93..=124).contains(&value) {
            continue;
        }
        let ours = DRAFT.iter().find(|&&(n, _)| n == name).map(|&(_, v)| v);
        assert_eq!(ours, Some(value), "{name}");
        seen += 1;
    }
    assert_eq!(seen, DRAFT.len());
    assert_eq!(seen, 32);
}
