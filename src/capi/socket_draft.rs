//! The draft socket functions: zmq_socket_get_peer_state, zmq_socket_monitor_versioned, the
//! groups of a DISH (zmq_join, zmq_leave) and the peers of a PEER or SERVER
//! (zmq_connect_peer, zmq_disconnect_peer). Declared in `epilogue.h` under
//! ZMQ_BUILD_DRAFT_API, as libzmq does.

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

/// Asks for each pipe's queue lengths as ZMQ_EVENT_PIPES_STATS events on the socket's
/// version 2 monitor (zmq_socket_monitor_pipes_stats(3)): the messages queued toward the peer
/// and those from it. EINVAL when the monitor does not take the event, EAGAIN with no pipe.
///
/// # Safety
/// `s` must be NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_socket_monitor_pipes_stats(s: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(s, |socket| socket.pipes_stats()) }.map(|()| 0)
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

/// zmq_join or zmq_leave.
///
/// # Safety
/// `s` must be NULL or a socket; `group` NULL or a NUL-terminated string.
unsafe fn membership(s: *mut c_void, group: *const c_char, join: bool) -> c_int {
    boundary(-1, || {
        super::non_null(group).map_err(|_| Error::Inval)?;
        // SAFETY: non-NULL and NUL-terminated (caller's contract).
        let group = unsafe { std::ffi::CStr::from_ptr(group) }.to_bytes();
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(s, |socket| socket.join(group, join)) }.map(|()| 0)
    })
}

/// Joins a group: the DISH receives the messages RADIOs send to it (zmq_join(3)). EINVAL for
/// a group too long or already joined, ENOTSUP for other socket types.
///
/// # Safety
/// `s` must be NULL or a socket; `group` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_join(s: *mut c_void, group: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { membership(s, group, true) }
}

/// Leaves a group joined before (zmq_leave(3)). EINVAL for a group not joined, ENOTSUP for
/// other socket types.
///
/// # Safety
/// `s` must be NULL or a socket; `group` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_leave(s: *mut c_void, group: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { membership(s, group, false) }
}

/// Connects a PEER socket and returns the routing id that names the new peer
/// (zmq_connect_peer(3)); 0 on error: ENOTSUP for other socket types, EFAULT with
/// ZMQ_IMMEDIATE set, and zmq_connect's errors.
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_connect_peer(s: *mut c_void, addr: *const c_char) -> u32 {
    boundary(0, || {
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(s, |socket| socket.connect_peer(text(addr)?)) }
    })
}

/// Ends the connection of the peer named `routing_id` of a SERVER or PEER socket
/// (zmq_disconnect_peer(3)); EHOSTUNREACH for no such peer, ENOTSUP for other socket types.
///
/// # Safety
/// `s` must be NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_disconnect_peer(s: *mut c_void, routing_id: u32) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(s, |socket| socket.disconnect_peer(routing_id)) }.map(|()| 0)
    })
}
