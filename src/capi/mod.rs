//! The C boundary: every `extern "C"` function of zmq.h, and nothing else.
//!
//! Each export checks its pointers, calls one engine method inside [`boundary`] and maps the
//! result: errno is written there, after every drop, and no panic crosses into C.

pub mod constants;
pub mod ctx;
/// cbindgen:ignore
pub mod ctx_draft;
/// cbindgen:ignore
/// cbindgen:ignore
mod draft;
pub mod errno;
mod handle;
pub mod msg;
/// cbindgen:ignore
pub mod msg_draft;
pub mod poll;
/// cbindgen:ignore
pub mod poller;
pub mod proxy;
pub mod socket;
/// cbindgen:ignore
pub mod socket_draft;
pub mod timers;
pub mod utils;
pub mod version;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::Error;

pub(crate) use self::errno::set_errno;

/// Runs `body`, turning an error into `fail` plus errno, and a panic into `fail` plus EFAULT
/// (a bug of ours, reported as an invalid call rather than an abort of the host process).
#[inline(always)]
pub(crate) fn boundary<T>(fail: T, body: impl FnOnce() -> Result<T, Error>) -> T {
    let outcome = catch_unwind(AssertUnwindSafe(body));
    match outcome {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => {
            failed(error);
            fail
        }
        Err(panic) => {
            panicked(panic);
            fail
        }
    }
}

/// The errno of a failed call, out of line: a successful call then tests one discriminant
/// instead of dispatching on every error's.
#[cold]
#[inline(never)]
fn failed(error: Error) {
    set_errno(errno::from_error(error));
}

#[cold]
#[inline(never)]
fn panicked(panic: Box<dyn std::any::Any + Send>) {
    drop(panic);
    set_errno(libc::EFAULT);
}

/// The `len` bytes at `ptr` as a slice: EFAULT for NULL with a length, empty for a length of 0
/// (any pointer).
///
/// # Safety
/// `ptr` must be NULL or point to `len` bytes readable for `'a`.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const std::ffi::c_void,
    len: usize,
) -> Result<&'a [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    non_null(ptr)?;
    // SAFETY: non-NULL with `len` readable bytes (the caller's guarantee).
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Fails with `Error::Fault` when `ptr` is NULL.
pub(crate) fn non_null<T>(ptr: *const T) -> Result<(), Error> {
    if ptr.is_null() {
        Err(Error::Fault)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// include/zmq.h is committed; it must be what build.rs generates from src/capi now.
    #[test]
    fn committed_header_is_fresh() {
        let generated = include_str!(concat!(env!("OUT_DIR"), "/zmq.h"));
        let committed = include_str!("../../include/zmq.h");
        assert!(
            generated == committed,
            "include/zmq.h is stale: run `make header`"
        );
    }

    #[test]
    fn panics_become_efault() {
        let value = super::boundary(-1, || -> Result<i32, crate::error::Error> { panic!("bug") });
        assert_eq!(value, -1);
        // SAFETY: reading errno of this thread.
        assert_eq!(unsafe { *libc::__errno_location() }, libc::EFAULT);
    }
}
