//! The one error type of the library, named after the errno values the libzmq man pages document.
//!
//! The mapping to C errno numbers lives in `capi::errno`; everything below the C boundary speaks
//! only `Error`.
#![forbid(unsafe_code)]

use std::fmt;

/// Every failure the library reports, one variant per documented errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// EAGAIN: non-blocking mode was requested and the operation cannot complete now.
    Again,
    /// EINVAL: an argument is invalid.
    Inval,
    /// EFAULT: a NULL, closed or otherwise invalid handle or pointer.
    Fault,
    /// ENOMEM: not enough memory.
    NoMem,
    /// ENOTSUP: the operation is not supported by this socket type or build.
    NotSup,
    /// EPROTONOSUPPORT: the transport protocol is not supported.
    ProtoNoSupport,
    /// ENOBUFS: no buffer space available.
    NoBufs,
    /// EADDRINUSE: the address is already in use.
    AddrInUse,
    /// EADDRNOTAVAIL: the address is not local.
    AddrNotAvail,
    /// ECONNREFUSED: nobody listens on the address.
    ConnRefused,
    /// ENOTSOCK: not a valid socket.
    NotSock,
    /// EMSGSIZE: a message is too large.
    MsgSize,
    /// EHOSTUNREACH: the message cannot be routed.
    HostUnreach,
    /// ENOENT: the endpoint does not exist.
    NoEnt,
    /// EMFILE: the limit on open sockets or files was reached.
    MFile,
    /// EINTR: a signal interrupted a blocking call.
    Intr,
    /// EFSM: the operation cannot be done in the socket's current state.
    Fsm,
    /// ENOCOMPATPROTO: the protocol is not compatible with the socket type.
    NoCompatProto,
    /// ETERM: the context was terminated.
    Term,
    /// EMTHREAD: no I/O thread is available.
    MThread,
    /// ENODEV: a bind address names no local interface or numeric address.
    NoDev,
    /// ENAMETOOLONG: an IPC path does not fit a socket address.
    NameTooLong,
    /// Any other operating-system error, by its raw errno value.
    Os(i32),
}

impl Error {
    /// The error for the calling thread's last OS error.
    pub fn last_os_error() -> Self {
        Self::from(std::io::Error::last_os_error())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.raw_os_error() {
            Some(code) => Error::Os(code),
            None => match e.kind() {
                std::io::ErrorKind::WouldBlock => Error::Again,
                std::io::ErrorKind::Interrupted => Error::Intr,
                std::io::ErrorKind::OutOfMemory => Error::NoMem,
                _ => Error::Inval,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// Result with the library's error type.
pub type Result<T> = std::result::Result<T, Error>;
