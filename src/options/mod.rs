//! The generic socket options of libzmq 4.3: the ones every socket type shares, typed, with
//! libzmq's defaults, and read and written through zmq_setsockopt's and zmq_getsockopt's byte
//! encodings with libzmq's validation.
//!
//! Options that belong to one socket type (ZMQ_SUBSCRIBE, ZMQ_ROUTER_*, ZMQ_XPUB_*, ZMQ_REQ_*,
//! ...) and the read-only socket state (ZMQ_TYPE, ZMQ_RCVMORE, ZMQ_FD, ZMQ_EVENTS,
//! ZMQ_LAST_ENDPOINT, ZMQ_THREAD_SAFE) are the socket layer's: here they are `Error::Inval`, which
//! is also what libzmq answers for them once the socket type has passed on them.
#![forbid(unsafe_code)]

mod access;
pub mod codec;
mod filter;
pub mod ids;

use std::collections::{BTreeMap, BTreeSet};

pub use self::filter::TcpAcceptFilter;

/// Whether this build has the draft API (zmq_has("draft")). A build without it (like the Debian
/// libzmq) rejects the draft-only options with EINVAL; the draft option numbers that libzmq 4.3
/// handles in every build (ZAP_ENFORCE_DOMAIN, LOOPBACK_FASTPATH, METADATA, MULTICAST_LOOP,
/// SOCKS_USERNAME, SOCKS_PASSWORD, RECONNECT_STOP, TOPICS_COUNT, ONLY_FIRST_SUBSCRIBE,
/// XPUB_MANUAL_LAST_VALUE) work either way.
pub const DRAFT_API: bool = true;

/// Whether this build has the CURVE mechanism. Without it the CURVE options are EINVAL, as in a
/// libzmq built without libsodium; it must agree with zmq_has("curve").
pub const CURVE: bool = true;

/// Length of a binary CURVE key.
pub const CURVE_KEY_LEN: usize = 32;

/// The security mechanism a socket's connections use (ZMQ_MECHANISM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mechanism {
    /// ZMQ_NULL: no security.
    #[default]
    Null,
    /// ZMQ_PLAIN: clear-text user name and password.
    Plain,
    /// ZMQ_CURVE: CurveZMQ encryption and authentication.
    Curve,
}

impl Mechanism {
    /// The number ZMQ_MECHANISM reports.
    pub fn number(self) -> i32 {
        match self {
            Mechanism::Null => 0,
            Mechanism::Plain => 1,
            Mechanism::Curve => 2,
        }
    }
}

/// The generic options of one socket. Fields hold values as validated by `set`; times are in
/// milliseconds and -1 means "forever" or "OS default" where the option says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// ZMQ_SNDHWM: outbound high-water mark in messages, 0 for none.
    pub sndhwm: i32,
    /// ZMQ_RCVHWM: inbound high-water mark in messages, 0 for none.
    pub rcvhwm: i32,
    /// ZMQ_AFFINITY: I/O threads new connections may use, as a bit mask (0 for any).
    pub affinity: u64,
    /// ZMQ_ROUTING_ID: the id announced to ROUTER peers; empty lets the peer choose.
    pub routing_id: Vec<u8>,
    /// ZMQ_RATE: multicast rate in kilobits per second.
    pub rate: i32,
    /// ZMQ_RECOVERY_IVL: multicast recovery interval.
    pub recovery_ivl: i32,
    /// ZMQ_MULTICAST_HOPS: multicast time-to-live.
    pub multicast_hops: i32,
    /// ZMQ_MULTICAST_MAXTPDU: largest multicast packet in bytes.
    pub multicast_maxtpdu: i32,
    /// ZMQ_MULTICAST_LOOP: whether multicast packets loop back to local sockets.
    pub multicast_loop: bool,
    /// ZMQ_SNDBUF: SO_SNDBUF, -1 for the OS default.
    pub sndbuf: i32,
    /// ZMQ_RCVBUF: SO_RCVBUF, -1 for the OS default.
    pub rcvbuf: i32,
    /// ZMQ_TOS: IP type-of-service.
    pub tos: i32,
    /// ZMQ_LINGER: how long close waits for pending messages, -1 forever.
    pub linger: i32,
    /// ZMQ_CONNECT_TIMEOUT: connect time limit, 0 for the OS's.
    pub connect_timeout: i32,
    /// ZMQ_TCP_MAXRT: TCP_USER_TIMEOUT, 0 for the OS default.
    pub tcp_maxrt: i32,
    /// ZMQ_RECONNECT_STOP: ZMQ_RECONNECT_STOP_* bits saying when to stop reconnecting.
    pub reconnect_stop: i32,
    /// ZMQ_RECONNECT_IVL: first reconnection delay, -1 for no reconnection.
    pub reconnect_ivl: i32,
    /// ZMQ_RECONNECT_IVL_MAX: cap of the doubling reconnection delay, 0 for no doubling.
    pub reconnect_ivl_max: i32,
    /// ZMQ_BACKLOG: listen() backlog.
    pub backlog: i32,
    /// ZMQ_MAXMSGSIZE: largest inbound message in bytes, -1 for no limit.
    pub maxmsgsize: i64,
    /// ZMQ_RCVTIMEO: receive timeout, -1 to block.
    pub rcvtimeo: i32,
    /// ZMQ_SNDTIMEO: send timeout, -1 to block.
    pub sndtimeo: i32,
    /// ZMQ_IPV6 (and the inverse ZMQ_IPV4ONLY): dual-stack sockets and IPv6 addresses.
    pub ipv6: bool,
    /// ZMQ_IMMEDIATE: queue messages only to completed connections.
    pub immediate: bool,
    /// ZMQ_CONFLATE: keep only the newest message (effective for DEALER, PUSH, PULL, PUB, SUB).
    pub conflate: bool,
    /// ZMQ_INVERT_MATCHING: PUB/SUB deliver what does not match the subscriptions.
    pub invert_matching: bool,
    /// ZMQ_TCP_KEEPALIVE: SO_KEEPALIVE, -1 for the OS default, else 0 or 1.
    pub tcp_keepalive: i32,
    /// ZMQ_TCP_KEEPALIVE_CNT: TCP_KEEPCNT, -1 for the OS default.
    pub tcp_keepalive_cnt: i32,
    /// ZMQ_TCP_KEEPALIVE_IDLE: TCP_KEEPIDLE, -1 for the OS default.
    pub tcp_keepalive_idle: i32,
    /// ZMQ_TCP_KEEPALIVE_INTVL: TCP_KEEPINTVL, -1 for the OS default.
    pub tcp_keepalive_intvl: i32,
    /// ZMQ_TCP_ACCEPT_FILTER: TCP listeners accept only peers matching one of these (all if none).
    pub tcp_accept_filters: Vec<TcpAcceptFilter>,
    /// ZMQ_IPC_FILTER_UID: IPC listeners accept only these peer user ids (all if empty).
    pub ipc_uid_filters: BTreeSet<u32>,
    /// ZMQ_IPC_FILTER_GID: IPC listeners accept only these peer group ids (all if empty).
    pub ipc_gid_filters: BTreeSet<u32>,
    /// ZMQ_IPC_FILTER_PID: IPC listeners accept only these peer process ids (all if empty).
    pub ipc_pid_filters: BTreeSet<i32>,
    /// ZMQ_MECHANISM: the mechanism, as the last security option set it.
    pub mechanism: Mechanism,
    /// Whether this side is the PLAIN or CURVE server; read back only for the current mechanism.
    pub as_server: bool,
    /// ZMQ_PLAIN_USERNAME (bytes, as PLAIN sends them).
    pub plain_username: Vec<u8>,
    /// ZMQ_PLAIN_PASSWORD (bytes, as PLAIN sends them).
    pub plain_password: Vec<u8>,
    /// ZMQ_CURVE_PUBLICKEY, binary.
    pub curve_public_key: [u8; CURVE_KEY_LEN],
    /// ZMQ_CURVE_SECRETKEY, binary.
    pub curve_secret_key: [u8; CURVE_KEY_LEN],
    /// ZMQ_CURVE_SERVERKEY, binary.
    pub curve_server_key: [u8; CURVE_KEY_LEN],
    /// ZMQ_ZAP_DOMAIN: the RFC 27 domain of ZAP requests.
    pub zap_domain: String,
    /// ZMQ_ZAP_ENFORCE_DOMAIN: require a ZAP domain, as RFC 27 says (off: an empty one is allowed).
    pub zap_enforce_domain: bool,
    /// ZMQ_SOCKS_PROXY: "host:port" of a SOCKS5 proxy for TCP connects, empty for none.
    pub socks_proxy: String,
    /// ZMQ_SOCKS_USERNAME: SOCKS5 user name; empty means no authentication.
    pub socks_username: Vec<u8>,
    /// ZMQ_SOCKS_PASSWORD: SOCKS5 password.
    pub socks_password: Vec<u8>,
    /// ZMQ_HANDSHAKE_IVL: ZMTP handshake time limit, 0 for none.
    pub handshake_ivl: i32,
    /// ZMQ_HEARTBEAT_IVL: interval between PINGs, 0 for no heartbeats.
    pub heartbeat_ivl: i32,
    /// ZMQ_HEARTBEAT_TTL: the TTL PINGs announce, a multiple of 100 ms (sent in deciseconds).
    pub heartbeat_ttl: i32,
    /// ZMQ_HEARTBEAT_TIMEOUT: how long to wait for traffic after a PING, -1 for heartbeat_ivl.
    pub heartbeat_timeout: i32,
    /// ZMQ_USE_FD: a file descriptor to use for the next bind or connect, -1 for none.
    pub use_fd: i32,
    /// ZMQ_BINDTODEVICE: SO_BINDTODEVICE interface name, empty for none.
    pub bindtodevice: String,
    /// ZMQ_LOOPBACK_FASTPATH: Windows loopback fast path (no effect elsewhere).
    pub loopback_fastpath: bool,
    /// ZMQ_METADATA: application properties sent in the handshake, "X-" names to values.
    pub metadata: BTreeMap<Vec<u8>, Vec<u8>>,
    /// ZMQ_ROUTER_NOTIFY (draft): ZMQ_NOTIFY_* bits; set by ROUTER, read here.
    pub router_notify: i32,
    /// ZMQ_IN_BATCH_SIZE (draft): largest read from the network in bytes. Reported as
    /// libzmq's 8192 until set; only a value set limits the reads (the library's own sizes
    /// are larger).
    pub in_batch_size: i32,
    /// ZMQ_OUT_BATCH_SIZE (draft): bytes gathered from the pipe before a write; as
    /// `in_batch_size`, it applies once set.
    pub out_batch_size: i32,
    /// Whether ZMQ_IN_BATCH_SIZE and ZMQ_OUT_BATCH_SIZE were set.
    pub batch_sizes_set: (bool, bool),
    /// ZMQ_HELLO_MSG (draft): message sent to each new peer, empty for none.
    pub hello_msg: Vec<u8>,
    /// ZMQ_DISCONNECT_MSG (draft): message received when a peer goes, empty for none.
    pub disconnect_msg: Vec<u8>,
    /// ZMQ_HICCUP_MSG (draft): message received when a connection comes back, empty for none.
    pub hiccup_msg: Vec<u8>,
    /// ZMQ_PRIORITY (draft): SO_PRIORITY of the connections.
    pub priority: i32,
    /// ZMQ_BUSY_POLL (draft): SO_BUSY_POLL of the connections.
    pub busy_poll: i32,
    /// ZMQ_STREAM_NOTIFY as a STREAM socket last accepted it: its connections announce
    /// themselves (and their end) with empty messages.
    pub stream_notify: bool,
}

impl Default for Options {
    /// libzmq's defaults, before a socket applies its context's (see `for_context`).
    fn default() -> Self {
        Options {
            sndhwm: 1000,
            rcvhwm: 1000,
            affinity: 0,
            routing_id: Vec::new(),
            rate: 100,
            recovery_ivl: 10000,
            multicast_hops: 1,
            multicast_maxtpdu: 1500,
            multicast_loop: true,
            sndbuf: -1,
            rcvbuf: -1,
            tos: 0,
            linger: -1,
            connect_timeout: 0,
            tcp_maxrt: 0,
            reconnect_stop: 0,
            reconnect_ivl: 100,
            reconnect_ivl_max: 0,
            backlog: 100,
            maxmsgsize: -1,
            rcvtimeo: -1,
            sndtimeo: -1,
            ipv6: false,
            immediate: false,
            conflate: false,
            invert_matching: false,
            tcp_keepalive: -1,
            tcp_keepalive_cnt: -1,
            tcp_keepalive_idle: -1,
            tcp_keepalive_intvl: -1,
            tcp_accept_filters: Vec::new(),
            ipc_uid_filters: BTreeSet::new(),
            ipc_gid_filters: BTreeSet::new(),
            ipc_pid_filters: BTreeSet::new(),
            mechanism: Mechanism::Null,
            as_server: false,
            plain_username: Vec::new(),
            plain_password: Vec::new(),
            curve_public_key: [0; CURVE_KEY_LEN],
            curve_secret_key: [0; CURVE_KEY_LEN],
            curve_server_key: [0; CURVE_KEY_LEN],
            zap_domain: String::new(),
            zap_enforce_domain: false,
            socks_proxy: String::new(),
            socks_username: Vec::new(),
            socks_password: Vec::new(),
            handshake_ivl: 30000,
            heartbeat_ivl: 0,
            heartbeat_ttl: 0,
            heartbeat_timeout: -1,
            use_fd: -1,
            bindtodevice: String::new(),
            loopback_fastpath: false,
            metadata: BTreeMap::new(),
            router_notify: 0,
            in_batch_size: 8192,
            batch_sizes_set: (false, false),
            out_batch_size: 8192,
            hello_msg: Vec::new(),
            disconnect_msg: Vec::new(),
            hiccup_msg: Vec::new(),
            priority: 0,
            stream_notify: true,
            busy_poll: 0,
        }
    }
}

impl Options {
    /// The options a new socket starts with in a context: linger -1 when the context is blocky
    /// (ZMQ_BLOCKY, the default) and 0 otherwise, and the context's ZMQ_IPV6. SUB and XSUB then
    /// set linger to 0 whatever the context says.
    pub fn for_context(blocky: bool, ipv6: bool) -> Self {
        Options {
            linger: if blocky { -1 } else { 0 },
            ipv6,
            ..Options::default()
        }
    }

    /// What ZMQ_PLAIN_SERVER reads: the server flag, while the mechanism is PLAIN.
    pub fn plain_server(&self) -> bool {
        self.as_server && self.mechanism == Mechanism::Plain
    }

    /// What ZMQ_CURVE_SERVER reads: the server flag, while the mechanism is CURVE.
    pub fn curve_server(&self) -> bool {
        self.as_server && self.mechanism == Mechanism::Curve
    }
}

#[cfg(test)]
mod tests;
