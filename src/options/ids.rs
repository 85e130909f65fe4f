//! Socket option numbers, as zmq_setsockopt and zmq_getsockopt take them, named without the
//! `ZMQ_` prefix. The C names live only in `capi::constants`; a unit test keeps both in step.
//!
//! Every option of the stable zmq.h is here, socket-type specific and read-only ones included,
//! then the old names kept for compatibility, then the draft options of libzmq 4.3.5.

/// I/O thread affinity (uint64).
pub const AFFINITY: i32 = 4;
/// The socket's routing id (binary, 1 to 255 bytes).
pub const ROUTING_ID: i32 = 5;
/// SUB: adds a subscription (type specific).
pub const SUBSCRIBE: i32 = 6;
/// SUB: removes a subscription (type specific).
pub const UNSUBSCRIBE: i32 = 7;
/// Multicast data rate in kilobits per second.
pub const RATE: i32 = 8;
/// Multicast recovery interval in milliseconds.
pub const RECOVERY_IVL: i32 = 9;
/// Kernel transmit buffer size (SO_SNDBUF), -1 for the OS default.
pub const SNDBUF: i32 = 11;
/// Kernel receive buffer size (SO_RCVBUF), -1 for the OS default.
pub const RCVBUF: i32 = 12;
/// Whether more frames of the current message follow (read only, socket state).
pub const RCVMORE: i32 = 13;
/// The file descriptor that signals socket events (read only, socket state).
pub const FD: i32 = 14;
/// ZMQ_POLLIN / ZMQ_POLLOUT readiness (read only, socket state).
pub const EVENTS: i32 = 15;
/// The socket type (read only).
pub const TYPE: i32 = 16;
/// How long pending messages linger after close, in milliseconds; -1 is forever.
pub const LINGER: i32 = 17;
/// Initial reconnection interval in milliseconds; -1 disables reconnection.
pub const RECONNECT_IVL: i32 = 18;
/// Maximum length of the queue of pending connections.
pub const BACKLOG: i32 = 19;
/// Upper bound of the exponential reconnection back-off in milliseconds; 0 disables it.
pub const RECONNECT_IVL_MAX: i32 = 21;
/// Largest inbound message in bytes (int64); -1 is no limit.
pub const MAXMSGSIZE: i32 = 22;
/// Outbound high-water mark in messages; 0 is no limit.
pub const SNDHWM: i32 = 23;
/// Inbound high-water mark in messages; 0 is no limit.
pub const RCVHWM: i32 = 24;
/// Time-to-live of multicast packets.
pub const MULTICAST_HOPS: i32 = 25;
/// Receive timeout in milliseconds; -1 blocks forever.
pub const RCVTIMEO: i32 = 27;
/// Send timeout in milliseconds; -1 blocks forever.
pub const SNDTIMEO: i32 = 28;
/// The last endpoint bound or connected (read only, socket state).
pub const LAST_ENDPOINT: i32 = 32;
/// ROUTER: fail with EHOSTUNREACH on unroutable messages (type specific).
pub const ROUTER_MANDATORY: i32 = 33;
/// SO_KEEPALIVE: -1 leaves the OS default, 0 off, 1 on.
pub const TCP_KEEPALIVE: i32 = 34;
/// TCP_KEEPCNT; -1 leaves the OS default.
pub const TCP_KEEPALIVE_CNT: i32 = 35;
/// TCP_KEEPIDLE; -1 leaves the OS default.
pub const TCP_KEEPALIVE_IDLE: i32 = 36;
/// TCP_KEEPINTVL; -1 leaves the OS default.
pub const TCP_KEEPALIVE_INTVL: i32 = 37;
/// Queue messages only to completed connections.
pub const IMMEDIATE: i32 = 39;
/// XPUB: pass every subscription upstream (type specific).
pub const XPUB_VERBOSE: i32 = 40;
/// ROUTER: raw TCP mode (type specific).
pub const ROUTER_RAW: i32 = 41;
/// Enable IPv6 (dual stack) on the socket.
pub const IPV6: i32 = 42;
/// The security mechanism in use (read only).
pub const MECHANISM: i32 = 43;
/// Act as PLAIN server.
pub const PLAIN_SERVER: i32 = 44;
/// PLAIN user name.
pub const PLAIN_USERNAME: i32 = 45;
/// PLAIN password.
pub const PLAIN_PASSWORD: i32 = 46;
/// Act as CURVE server.
pub const CURVE_SERVER: i32 = 47;
/// CURVE long-term public key.
pub const CURVE_PUBLICKEY: i32 = 48;
/// CURVE long-term secret key.
pub const CURVE_SECRETKEY: i32 = 49;
/// The CURVE server's public key, for clients.
pub const CURVE_SERVERKEY: i32 = 50;
/// ROUTER, DEALER, REQ: send an empty message on connect (type specific).
pub const PROBE_ROUTER: i32 = 51;
/// REQ: match replies with requests (type specific).
pub const REQ_CORRELATE: i32 = 52;
/// REQ: relax strict request-reply alternation (type specific).
pub const REQ_RELAXED: i32 = 53;
/// Keep only the last message in the queues.
pub const CONFLATE: i32 = 54;
/// RFC 27 ZAP authentication domain.
pub const ZAP_DOMAIN: i32 = 55;
/// ROUTER: a new peer with a known routing id takes it over (type specific).
pub const ROUTER_HANDOVER: i32 = 56;
/// IP type-of-service of outgoing packets.
pub const TOS: i32 = 57;
/// ROUTER, STREAM: routing id of the peer of the next connect (type specific).
pub const CONNECT_ROUTING_ID: i32 = 61;
/// Act as GSSAPI server.
pub const GSSAPI_SERVER: i32 = 62;
/// GSSAPI principal name.
pub const GSSAPI_PRINCIPAL: i32 = 63;
/// GSSAPI service principal name.
pub const GSSAPI_SERVICE_PRINCIPAL: i32 = 64;
/// Disable GSSAPI encryption.
pub const GSSAPI_PLAINTEXT: i32 = 65;
/// Handshake time limit in milliseconds; 0 is no limit.
pub const HANDSHAKE_IVL: i32 = 66;
/// SOCKS5 proxy address.
pub const SOCKS_PROXY: i32 = 68;
/// XPUB: fail with EAGAIN rather than drop at the high-water mark (type specific).
pub const XPUB_NODROP: i32 = 69;
/// A context option that zmq.h lists among the socket options; sockets reject it.
pub const BLOCKY: i32 = 70;
/// XPUB: the application handles subscriptions (type specific).
pub const XPUB_MANUAL: i32 = 71;
/// XPUB: message sent to each new subscriber (type specific).
pub const XPUB_WELCOME_MSG: i32 = 72;
/// STREAM: report connects and disconnects (type specific).
pub const STREAM_NOTIFY: i32 = 73;
/// PUB, SUB, XPUB, XSUB: deliver what does not match.
pub const INVERT_MATCHING: i32 = 74;
/// Interval between ZMTP PINGs in milliseconds; 0 disables heartbeats.
pub const HEARTBEAT_IVL: i32 = 75;
/// Time-to-live announced in PINGs, in milliseconds (kept in tenths of a second).
pub const HEARTBEAT_TTL: i32 = 76;
/// How long to wait for traffic after a PING, in milliseconds.
pub const HEARTBEAT_TIMEOUT: i32 = 77;
/// XPUB: pass unsubscriptions upstream as well (type specific).
pub const XPUB_VERBOSER: i32 = 78;
/// Connect timeout in milliseconds; 0 leaves it to the OS.
pub const CONNECT_TIMEOUT: i32 = 79;
/// TCP_USER_TIMEOUT in milliseconds; 0 leaves the OS default.
pub const TCP_MAXRT: i32 = 80;
/// Whether the socket may be used from several threads (read only).
pub const THREAD_SAFE: i32 = 81;
/// Largest multicast transport data unit in bytes.
pub const MULTICAST_MAXTPDU: i32 = 84;
/// VMCI buffer size (VMCI transport only).
pub const VMCI_BUFFER_SIZE: i32 = 85;
/// VMCI minimum buffer size (VMCI transport only).
pub const VMCI_BUFFER_MIN_SIZE: i32 = 86;
/// VMCI maximum buffer size (VMCI transport only).
pub const VMCI_BUFFER_MAX_SIZE: i32 = 87;
/// VMCI connect timeout (VMCI transport only).
pub const VMCI_CONNECT_TIMEOUT: i32 = 88;
/// A pre-allocated file descriptor for the next bind or connect; -1 for none.
pub const USE_FD: i32 = 89;
/// Name type of the GSSAPI principal.
pub const GSSAPI_PRINCIPAL_NAMETYPE: i32 = 90;
/// Name type of the GSSAPI service principal.
pub const GSSAPI_SERVICE_PRINCIPAL_NAMETYPE: i32 = 91;
/// SO_BINDTODEVICE interface name.
pub const BINDTODEVICE: i32 = 92;

/// Old name of ROUTING_ID.
pub const IDENTITY: i32 = ROUTING_ID;
/// Old name of CONNECT_ROUTING_ID.
pub const CONNECT_RID: i32 = CONNECT_ROUTING_ID;
/// Adds a TCP peer address filter (deprecated, still honoured).
pub const TCP_ACCEPT_FILTER: i32 = 38;
/// Adds an IPC peer process id filter (deprecated, still honoured).
pub const IPC_FILTER_PID: i32 = 58;
/// Adds an IPC peer user id filter (deprecated, still honoured).
pub const IPC_FILTER_UID: i32 = 59;
/// Adds an IPC peer group id filter (deprecated, still honoured).
pub const IPC_FILTER_GID: i32 = 60;
/// The inverse of IPV6 (deprecated).
pub const IPV4ONLY: i32 = 31;
/// Old name of IMMEDIATE.
pub const DELAY_ATTACH_ON_CONNECT: i32 = IMMEDIATE;
/// Old name of ROUTER_MANDATORY.
pub const FAIL_UNROUTABLE: i32 = ROUTER_MANDATORY;
/// Old name of ROUTER_MANDATORY.
pub const ROUTER_BEHAVIOR: i32 = ROUTER_MANDATORY;

/// Draft: PLAIN requires a non-empty ZAP domain.
pub const ZAP_ENFORCE_DOMAIN: i32 = 93;
/// Draft: Windows loopback fast path.
pub const LOOPBACK_FASTPATH: i32 = 94;
/// Draft: adds an application metadata property "X-name:value".
pub const METADATA: i32 = 95;
/// Draft: loop multicast packets back to local sockets.
pub const MULTICAST_LOOP: i32 = 96;
/// Draft, ROUTER: deliver connect and disconnect notifications.
pub const ROUTER_NOTIFY: i32 = 97;
/// Draft, XPUB: manual mode keeping the last value (type specific).
pub const XPUB_MANUAL_LAST_VALUE: i32 = 98;
/// Draft: SOCKS5 user name.
pub const SOCKS_USERNAME: i32 = 99;
/// Draft: SOCKS5 password.
pub const SOCKS_PASSWORD: i32 = 100;
/// Draft: largest batch read from the network, in bytes.
pub const IN_BATCH_SIZE: i32 = 101;
/// Draft: largest batch written to the network, in bytes.
pub const OUT_BATCH_SIZE: i32 = 102;
/// Draft: WSS private key (WSS transport only).
pub const WSS_KEY_PEM: i32 = 103;
/// Draft: WSS certificate (WSS transport only).
pub const WSS_CERT_PEM: i32 = 104;
/// Draft: WSS trusted certificate (WSS transport only).
pub const WSS_TRUST_PEM: i32 = 105;
/// Draft: WSS host name (WSS transport only).
pub const WSS_HOSTNAME: i32 = 106;
/// Draft: WSS trusts the system's certificates (WSS transport only).
pub const WSS_TRUST_SYSTEM: i32 = 107;
/// Draft, XPUB and XSUB: only the first frame of a multipart message subscribes (type specific).
pub const ONLY_FIRST_SUBSCRIBE: i32 = 108;
/// Draft: conditions that stop reconnection (ZMQ_RECONNECT_STOP_* bits).
pub const RECONNECT_STOP: i32 = 109;
/// Draft: message sent to each new peer.
pub const HELLO_MSG: i32 = 110;
/// Draft: message received when a peer disconnects.
pub const DISCONNECT_MSG: i32 = 111;
/// Draft: SO_PRIORITY of the underlying sockets.
pub const PRIORITY: i32 = 112;
/// Draft: SO_BUSY_POLL of the underlying sockets.
pub const BUSY_POLL: i32 = 113;
/// Draft: message received when a connection is re-established.
pub const HICCUP_MSG: i32 = 114;
/// Draft, XSUB: pass every unsubscription upstream (type specific).
pub const XSUB_VERBOSE_UNSUBSCRIBE: i32 = 115;
/// Draft, XPUB and XSUB: number of subscriptions (type specific, read only).
pub const TOPICS_COUNT: i32 = 116;
/// Draft: NORM congestion control mode (NORM transport only).
pub const NORM_MODE: i32 = 117;
/// Draft: NORM unicast NACKs (NORM transport only).
pub const NORM_UNICAST_NACK: i32 = 118;
/// Draft: NORM buffer size (NORM transport only).
pub const NORM_BUFFER_SIZE: i32 = 119;
/// Draft: NORM segment size (NORM transport only).
pub const NORM_SEGMENT_SIZE: i32 = 120;
/// Draft: NORM block size (NORM transport only).
pub const NORM_BLOCK_SIZE: i32 = 121;
/// Draft: NORM parity segments per block (NORM transport only).
pub const NORM_NUM_PARITY: i32 = 122;
/// Draft: NORM automatic parity segments (NORM transport only).
pub const NORM_NUM_AUTOPARITY: i32 = 123;
/// Draft: NORM stream push mode (NORM transport only).
pub const NORM_PUSH: i32 = 124;

#[cfg(test)]
mod tests;
