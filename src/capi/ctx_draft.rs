//! zmq_ctx_set_ext and zmq_ctx_get_ext: context options with values of any size, which for
//! now means ZMQ_THREAD_NAME_PREFIX as bytes; every other option as an int, as zmq_ctx_set
//! and zmq_ctx_get. Declared in `epilogue.h` under ZMQ_BUILD_DRAFT_API, as libzmq does.

use std::ffi::{c_int, c_void};
use std::mem::size_of;

use super::boundary;
use super::constants::ZMQ_THREAD_NAME_PREFIX;
use super::ctx::{ctx_handle, option};
use crate::error::Error;

/// Sets a context option from `optvallen` bytes at `optval` (zmq_ctx_set_ext(3)): an int's
/// size for every option, or 1 to 16 bytes for ZMQ_THREAD_NAME_PREFIX.
///
/// # Safety
/// `ctx` must be NULL or a context; `optval` NULL or `optvallen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_set_ext(
    ctx: *mut c_void,
    option_id: c_int,
    optval: *const c_void,
    optvallen: usize,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_handle(ctx) }?.object(Error::Fault)?;
        if optval.is_null() {
            return Err(if optvallen == 0 {
                Error::Inval
            } else {
                Error::Fault
            });
        }
        if optvallen == size_of::<c_int>() {
            // SAFETY: non-NULL with an int's size readable (the caller's guarantee).
            let value = unsafe { optval.cast::<c_int>().read_unaligned() };
            ctx.set(option(option_id, true)?, value)?;
        } else if option_id == ZMQ_THREAD_NAME_PREFIX {
            // SAFETY: non-NULL with `optvallen` bytes readable (the caller's guarantee).
            let bytes = unsafe { std::slice::from_raw_parts(optval.cast::<u8>(), optvallen) };
            ctx.set_thread_name_prefix(bytes)?;
        } else {
            return Err(Error::Inval);
        }
        Ok(0)
    })
}

/// Reads a context option into `*optvallen` bytes at `optval` (zmq_ctx_get_ext(3)): an
/// int's size for every option; for ZMQ_THREAD_NAME_PREFIX any size that holds the prefix,
/// whose bytes are copied (`*optvallen` is left as it is, as libzmq does).
///
/// # Safety
/// `ctx` must be NULL or a context; `optvallen` NULL or readable, and `optval` NULL or
/// `*optvallen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_get_ext(
    ctx: *mut c_void,
    option_id: c_int,
    optval: *mut c_void,
    optvallen: *mut usize,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_handle(ctx) }?.object(Error::Fault)?;
        super::non_null(optvallen)?;
        super::non_null(optval)?;
        // SAFETY: checked non-NULL; the caller passes a readable size.
        let room = unsafe { *optvallen };
        if room == size_of::<c_int>() {
            let value = ctx.get(option(option_id, false)?)?;
            // SAFETY: non-NULL with an int's size writable (the caller's guarantee).
            unsafe { optval.cast::<c_int>().write_unaligned(value) };
            return Ok(0);
        }
        if option_id != ZMQ_THREAD_NAME_PREFIX {
            return Err(Error::Inval);
        }
        let prefix = ctx.options().thread_name_prefix;
        if room < prefix.len() {
            return Err(Error::Inval);
        }
        // SAFETY: `room` >= the prefix's length writable bytes (the caller's guarantee).
        unsafe {
            std::ptr::copy_nonoverlapping(prefix.as_ptr(), optval.cast::<u8>(), prefix.len())
        };
        Ok(0)
    })
}
