//! errno: the one mapping from `Error` to C error numbers, and zmq_errno / zmq_strerror.

use std::ffi::{c_char, c_int};

use super::constants::{EFSM, EMTHREAD, ENOCOMPATPROTO, ETERM};
use crate::error::Error;

/// The C errno value of an error.
pub(crate) fn from_error(error: Error) -> c_int {
    match error {
        Error::Again => libc::EAGAIN,
        Error::Inval => libc::EINVAL,
        Error::Fault => libc::EFAULT,
        Error::NoMem => libc::ENOMEM,
        Error::NotSup => libc::ENOTSUP,
        Error::ProtoNoSupport => libc::EPROTONOSUPPORT,
        Error::NoBufs => libc::ENOBUFS,
        Error::AddrInUse => libc::EADDRINUSE,
        Error::AddrNotAvail => libc::EADDRNOTAVAIL,
        Error::ConnRefused => libc::ECONNREFUSED,
        Error::NotSock => libc::ENOTSOCK,
        Error::MsgSize => libc::EMSGSIZE,
        Error::HostUnreach => libc::EHOSTUNREACH,
        Error::NoDev => libc::ENODEV,
        Error::NameTooLong => libc::ENAMETOOLONG,
        Error::NoEnt => libc::ENOENT,
        Error::MFile => libc::EMFILE,
        Error::Intr => libc::EINTR,
        Error::Fsm => EFSM,
        Error::NoCompatProto => ENOCOMPATPROTO,
        Error::Term => ETERM,
        Error::MThread => EMTHREAD,
        Error::Os(code) => code,
    }
}

/// Writes the C `errno` of the calling thread.
pub(crate) fn set_errno(value: c_int) {
    // SAFETY: __errno_location returns the calling thread's errno slot, valid for the thread's life.
    unsafe { *libc::__errno_location() = value };
}

/// The C `errno` of the calling thread.
fn errno() -> c_int {
    // SAFETY: as in set_errno.
    unsafe { *libc::__errno_location() }
}

/// The errno left by the last failed call on this thread (zmq_errno(3)).
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_errno() -> c_int {
    errno()
}

/// A message for an errno value, native 0MQ codes included (zmq_strerror(3)).
///
/// # Safety
/// Always safe to call. The returned string is static, or libc's `strerror` buffer for OS codes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_strerror(errnum: c_int) -> *const c_char {
    // The texts of the native codes are libzmq's, which programs and bindings print and compare.
    let native: &'static [u8] = match errnum {
        EFSM => b"Operation cannot be accomplished in current state\0",
        ENOCOMPATPROTO => b"The protocol is not compatible with the socket type\0",
        ETERM => b"Context was terminated\0",
        EMTHREAD => b"No thread available\0",
        libc::EHOSTUNREACH => b"Host unreachable\0",
        // SAFETY: strerror accepts any value and returns a NUL-terminated string.
        _ => return unsafe { libc::strerror(errnum) },
    };
    native.as_ptr().cast()
}
