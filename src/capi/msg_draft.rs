//! The draft message functions: zmq_msg_init_buffer, and the routing id (SERVER, PEER) and
//! the group (RADIO, DISH) of a message. Declared in `epilogue.h` under ZMQ_BUILD_DRAFT_API,
//! as libzmq does.

use std::ffi::{c_char, c_int, c_void};

use super::boundary;
use super::msg::{init, live, zmq_msg_t};
use crate::error::Error;
use crate::msg::Msg;

/// Initialises a message with a copy of `size` bytes at `buf` (zmq_msg_init_buffer(3)).
/// EFAULT for a NULL `buf` with a non-zero size (where libzmq asserts).
///
/// # Safety
/// `msg` must be NULL or valid for writing a `zmq_msg_t`; `buf` NULL or `size` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_init_buffer(
    msg: *mut zmq_msg_t,
    buf: *const c_void,
    size: usize,
) -> c_int {
    boundary(-1, || {
        super::non_null(msg)?;
        // SAFETY: the caller guarantees `size` readable bytes at `buf`.
        let bytes = unsafe { super::bytes(buf, size) }?;
        let mut body = Msg::with_size(size)?;
        if size > 0 {
            body.data_mut().ok_or(Error::Fault)?.copy_from_slice(bytes);
        }
        // SAFETY: non-NULL, and the caller guarantees it is writable.
        unsafe { init(msg, body) };
        Ok(0)
    })
}

/// Sets the routing id a SERVER socket sends the message to (zmq_msg_set_routing_id(3));
/// EINVAL for 0, which names no peer.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_set_routing_id(msg: *mut zmq_msg_t, routing_id: u32) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let msg = unsafe { live(msg) }?;
        if routing_id == 0 {
            return Err(Error::Inval);
        }
        msg.set_routing_id(routing_id);
        Ok(0)
    })
}

/// The message's routing id, 0 when it has none (zmq_msg_routing_id(3)); 0 with EFAULT for
/// an invalid message.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_routing_id(msg: *mut zmq_msg_t) -> u32 {
    // SAFETY: forwarded from the caller.
    boundary(0, || Ok(unsafe { live(msg) }?.routing_id()))
}

/// Sets the group a RADIO sends the message to (zmq_msg_set_group(3)); EINVAL for a group
/// longer than ZMQ_GROUP_MAX_LENGTH (or NULL).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`; `group` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_set_group(msg: *mut zmq_msg_t, group: *const c_char) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let msg = unsafe { live(msg) }?;
        super::non_null(group).map_err(|_| Error::Inval)?;
        // SAFETY: non-NULL and NUL-terminated (caller's contract).
        let group = unsafe { std::ffi::CStr::from_ptr(group) };
        msg.set_group(group.to_bytes())?;
        Ok(0)
    })
}

/// The message's group, "" when it has none (zmq_msg_group(3)); valid while the message is
/// unchanged. NULL with EFAULT for an invalid message.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_group(msg: *mut zmq_msg_t) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: forwarded from the caller.
        let msg = unsafe { live(msg) }?;
        Ok(msg.group().map_or(c"".as_ptr(), |group| group.as_ptr()))
    })
}
