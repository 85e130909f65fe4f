//! Contexts: zmq_ctx_new, _term, _shutdown, _set, _get, _destroy and the legacy zmq_init/zmq_term.

use std::ffi::{c_int, c_void};
use std::ptr;

use super::boundary;
use super::constants::*;
use super::draft::ZMQ_ZERO_COPY_RECV;
use super::handle::Handle;
use crate::ctx::{Ctx, CtxOption};
use crate::error::{Error, Result};

/// First word of every live context handle.
const CTX_TAG: u32 = 0xabad_cafe;

/// The live context behind a C pointer: a NULL or closed context is EFAULT, as in libzmq.
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by zmq_ctx_new / zmq_init.
pub(crate) unsafe fn ctx_handle<'a>(ctx: *mut c_void) -> Result<&'a Handle<Ctx>> {
    // SAFETY: forwarded from the caller.
    unsafe { Handle::from_raw(ctx, CTX_TAG, Error::Fault) }
}

/// The option named by a zmq_ctx_set or zmq_ctx_get id (3 means THREAD_PRIORITY when set and
/// SOCKET_LIMIT when read, as in libzmq).
pub(super) fn option(id: c_int, setting: bool) -> Result<CtxOption> {
    Ok(match id {
        ZMQ_IO_THREADS => CtxOption::IoThreads,
        ZMQ_MAX_SOCKETS => CtxOption::MaxSockets,
        ZMQ_THREAD_PRIORITY if setting => CtxOption::ThreadPriority,
        ZMQ_SOCKET_LIMIT => CtxOption::SocketLimit,
        ZMQ_THREAD_SCHED_POLICY => CtxOption::ThreadSchedPolicy,
        ZMQ_MAX_MSGSZ => CtxOption::MaxMsgSz,
        ZMQ_MSG_T_SIZE => CtxOption::MsgTSize,
        ZMQ_THREAD_AFFINITY_CPU_ADD => CtxOption::ThreadAffinityCpuAdd,
        ZMQ_THREAD_AFFINITY_CPU_REMOVE => CtxOption::ThreadAffinityCpuRemove,
        ZMQ_THREAD_NAME_PREFIX => CtxOption::ThreadNamePrefix,
        ZMQ_ZERO_COPY_RECV => CtxOption::ZeroCopyRecv,
        ZMQ_IPV6 => CtxOption::Ipv6,
        ZMQ_BLOCKY => CtxOption::Blocky,
        _ => return Err(Error::Inval),
    })
}

/// Creates a context (zmq_ctx_new(3)).
///
/// # Safety
/// Always safe to call; the result is released with zmq_ctx_term.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_new() -> *mut c_void {
    boundary(ptr::null_mut(), || {
        Ok(Handle::into_raw(CTX_TAG, Ctx::new()))
    })
}

/// Terminates a context: waits for its sockets to close, then releases it (zmq_ctx_term(3)).
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by zmq_ctx_new / zmq_init.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_term(ctx: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let handle = unsafe { ctx_handle(ctx) }?;
        handle.object(Error::Fault)?.terminate()?;
        handle.close(CTX_TAG, Error::Fault)?;
        Ok(0)
    })
}

/// Starts shutting a context down: blocking calls fail with ETERM (zmq_ctx_shutdown(3)).
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by zmq_ctx_new / zmq_init.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_shutdown(ctx: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { ctx_handle(ctx) }?.object(Error::Fault)?.shutdown();
        Ok(0)
    })
}

/// Sets a context option (zmq_ctx_set(3)).
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by zmq_ctx_new / zmq_init.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_set(ctx: *mut c_void, option_id: c_int, optval: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_handle(ctx) }?.object(Error::Fault)?;
        ctx.set(option(option_id, true)?, optval)?;
        Ok(0)
    })
}

/// Reads a context option (zmq_ctx_get(3)).
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by zmq_ctx_new / zmq_init.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_get(ctx: *mut c_void, option_id: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_handle(ctx) }?.object(Error::Fault)?;
        ctx.get(option(option_id, false)?)
    })
}

/// Old name of zmq_ctx_term (zmq_ctx_destroy(3)).
///
/// # Safety
/// As zmq_ctx_term.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ctx_destroy(ctx: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_ctx_term(ctx) }
}

/// Creates a context with `io_threads` I/O threads (zmq_init(3), deprecated).
///
/// # Safety
/// Always safe to call; the result is released with zmq_term.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_init(io_threads: c_int) -> *mut c_void {
    boundary(ptr::null_mut(), || {
        if io_threads < 0 {
            return Err(Error::Inval);
        }
        let ctx = Ctx::new();
        ctx.set(CtxOption::IoThreads, io_threads)?;
        Ok(Handle::into_raw(CTX_TAG, ctx))
    })
}

/// Old name of zmq_ctx_term (zmq_term(3)).
///
/// # Safety
/// As zmq_ctx_term.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_term(ctx: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_ctx_term(ctx) }
}
