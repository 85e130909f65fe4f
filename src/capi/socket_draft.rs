//! The draft socket functions the library offers: zmq_socket_get_peer_state and
//! zmq_socket_monitor_versioned. Declared in `epilogue.h` under ZMQ_BUILD_DRAFT_API, as libzmq
//! does.

use std::ffi::{c_char, c_int, c_void};

use super::boundary;
use super::socket::{socket_type, text, with_socket};
use crate::error::Error;
use crate::socket::SocketType;

/// Monitors a socket's events in format `event_version` (1: as zmq_socket_monitor; 2: 64-bit
/// event and values, then the local and the remote endpoint) through a socket of `type_`
/// (ZMQ_PAIR, ZMQ_PUB or ZMQ_PUSH) bound to `addr`; a NULL `addr` stops the monitor
/// (zmq_socket_monitor_versioned(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    s: *mut c_void,
    addr: *const c_char,
    events: u64,
    event_version: c_int,
    type_: c_int,
) -> c_int {
    boundary(-1, || {
        // Any version not 1 or 2 is refused (EINVAL) when a monitor starts.
        let version = u8::try_from(event_version).unwrap_or(0);
        // SAFETY: forwarded from the caller.
        unsafe {
            with_socket(s, |socket| {
                if addr.is_null() {
                    return socket.monitor_versioned(None, events, version, SocketType::Pair);
                }
                let endpoint = text(addr)?;
                let monitor_type = socket_type(type_).map_err(|_| Error::Inval)?;
                socket.monitor_versioned(Some(endpoint), events, version, monitor_type)
            })
        }
        .map(|()| 0)
    })
}

/// Whether the ROUTER's peer named by `routing_id_size` bytes at `routing_id` can take a
/// message now (zmq_socket_get_peer_state(3)): ZMQ_POLLOUT, or 0 at its HWM; -1 with
/// EHOSTUNREACH for no such peer, ENOTSUP for other socket types.
///
/// # Safety
/// `socket` must be NULL or a socket; `routing_id` NULL or `routing_id_size` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    socket: *mut c_void,
    routing_id: *const c_void,
    routing_id_size: usize,
) -> c_int {
    boundary(-1, || {
        // SAFETY: the caller guarantees `routing_id_size` readable bytes at `routing_id`.
        let id = unsafe { super::bytes(routing_id, routing_id_size) }?;
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(socket, |s| s.peer_state(id)) }
    })
}
