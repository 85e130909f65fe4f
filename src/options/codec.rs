//! How option values travel as bytes: reading zmq_setsockopt's `(optval, optvallen)` and filling
//! zmq_getsockopt's `(optval, *optvallen)`, with libzmq's size rules.
//!
//! The socket layer uses these too, for its type-specific and read-only options, so that every
//! option follows the same rules.
#![forbid(unsafe_code)]

use crate::error::{Error, Result};

/// Reads a C int: exactly 4 bytes in native byte order, anything else is `Error::Inval`.
pub fn int(value: &[u8]) -> Result<i32> {
    let bytes: [u8; 4] = value.try_into().map_err(|_| Error::Inval)?;
    Ok(i32::from_ne_bytes(bytes))
}

/// Reads a C int that must satisfy `valid` (`Error::Inval` when it does not).
pub fn int_if(value: &[u8], valid: impl FnOnce(i32) -> bool) -> Result<i32> {
    let v = int(value)?;
    if valid(v) { Ok(v) } else { Err(Error::Inval) }
}

/// Reads an int64_t: exactly 8 bytes in native byte order.
pub fn int64(value: &[u8]) -> Result<i64> {
    let bytes: [u8; 8] = value.try_into().map_err(|_| Error::Inval)?;
    Ok(i64::from_ne_bytes(bytes))
}

/// Reads a uint64_t: exactly 8 bytes in native byte order.
pub fn uint64(value: &[u8]) -> Result<u64> {
    let bytes: [u8; 8] = value.try_into().map_err(|_| Error::Inval)?;
    Ok(u64::from_ne_bytes(bytes))
}

/// Reads a boolean the strict way: an int that is 0 or 1.
pub fn strict_bool(value: &[u8]) -> Result<bool> {
    int_if(value, |v| v == 0 || v == 1).map(|v| v == 1)
}

/// Reads a boolean the relaxed way: an int, any non-zero value (negative too) meaning true.
pub fn relaxed_bool(value: &[u8]) -> Result<bool> {
    int(value).map(|v| v != 0)
}

/// Reads a boolean the way the type-specific ROUTER, REQ and XPUB flags are read: an int that is
/// not negative, any positive value meaning true.
pub fn non_negative_bool(value: &[u8]) -> Result<bool> {
    int_if(value, |v| v >= 0).map(|v| v != 0)
}

/// Writes a C int into a buffer of exactly 4 bytes, the rule of the generic int options.
/// Returns the size written.
pub fn put_int(out: &mut [u8], value: i32) -> Result<usize> {
    put_exact(out, &value.to_ne_bytes())
}

/// Writes an int64_t into a buffer of exactly 8 bytes.
pub fn put_int64(out: &mut [u8], value: i64) -> Result<usize> {
    put_exact(out, &value.to_ne_bytes())
}

/// Writes a uint64_t into a buffer of exactly 8 bytes.
pub fn put_uint64(out: &mut [u8], value: u64) -> Result<usize> {
    put_exact(out, &value.to_ne_bytes())
}

/// Writes a C int into a buffer of at least 4 bytes, zeroing the rest: the looser rule libzmq
/// applies to the socket-state options (RCVMORE, FD, EVENTS, THREAD_SAFE). Returns 4.
pub fn put_int_at_least(out: &mut [u8], value: i32) -> Result<usize> {
    put_bytes(out, &value.to_ne_bytes())
}

/// Writes binary data into a buffer at least as long, zeroing the rest of the buffer.
/// Returns the length of the data.
pub fn put_bytes(out: &mut [u8], data: &[u8]) -> Result<usize> {
    let (head, tail) = out.split_at_mut_checked(data.len()).ok_or(Error::Inval)?;
    head.copy_from_slice(data);
    tail.fill(0);
    Ok(data.len())
}

/// Writes a string and its NUL terminator into a buffer with room for both, zeroing the rest.
/// Returns the length including the terminator, as zmq_getsockopt reports it.
pub fn put_string(out: &mut [u8], text: &[u8]) -> Result<usize> {
    if out.len() <= text.len() {
        return Err(Error::Inval);
    }
    let (head, tail) = out.split_at_mut(text.len());
    head.copy_from_slice(text);
    // The terminator is the first byte of the zeroed tail.
    tail.fill(0);
    Ok(text.len() + 1)
}

/// Copies `data` into a buffer of exactly its size.
fn put_exact(out: &mut [u8], data: &[u8]) -> Result<usize> {
    if out.len() != data.len() {
        return Err(Error::Inval);
    }
    out.copy_from_slice(data);
    Ok(data.len())
}
