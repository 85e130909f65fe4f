//! The draft socket functions the library offers: zmq_socket_get_peer_state. Declared in
//! `epilogue.h` under ZMQ_BUILD_DRAFT_API, as libzmq does.

use std::ffi::{c_int, c_void};

use super::boundary;
use super::socket::with_socket;
use crate::error::Error;

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
        if routing_id.is_null() && routing_id_size > 0 {
            return Err(Error::Fault);
        }
        let id = if routing_id_size == 0 {
            &[][..]
        } else {
            // SAFETY: non-NULL with `routing_id_size` readable bytes (the caller's guarantee).
            unsafe { std::slice::from_raw_parts(routing_id.cast::<u8>(), routing_id_size) }
        };
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(socket, |s| s.peer_state(id)) }
    })
}
