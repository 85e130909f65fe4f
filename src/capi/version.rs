//! zmq_version and zmq_has: what this library is and what it was built with.

use std::ffi::{CStr, c_char, c_int};

use super::constants::{ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH};

/// Capabilities this build has, by zmq_has name. Transports and mechanisms join the list when
/// they are built; "curve" and "draft" follow the options' switches, so they cannot disagree.
const CAPABILITIES: &[&[u8]] = match (crate::options::CURVE, crate::options::DRAFT_API) {
    (true, true) => &[b"ipc", b"curve", b"draft"],
    (true, false) => &[b"ipc", b"curve"],
    (false, true) => &[b"ipc", b"draft"],
    (false, false) => &[b"ipc"],
};

/// Reports the library version (zmq_version(3)). NULL pointers are skipped.
///
/// # Safety
/// Each non-NULL pointer must be valid for writing an int.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_version(major: *mut c_int, minor: *mut c_int, patch: *mut c_int) {
    for (out, value) in [
        (major, ZMQ_VERSION_MAJOR),
        (minor, ZMQ_VERSION_MINOR),
        (patch, ZMQ_VERSION_PATCH),
    ] {
        if !out.is_null() {
            // SAFETY: the caller passes writable pointers or NULL (checked).
            unsafe { out.write(value) };
        }
    }
}

/// Whether the library supports a capability such as "ipc" or "curve" (zmq_has(3)).
///
/// # Safety
/// `capability` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_has(capability: *const c_char) -> c_int {
    if capability.is_null() {
        return 0;
    }
    // SAFETY: the caller passes a NUL-terminated string (checked non-NULL above).
    let name = unsafe { CStr::from_ptr(capability) }.to_bytes();
    c_int::from(CAPABILITIES.contains(&name))
}
