//! Allocation of large message buffers without aborting the process when memory runs out.

use crate::error::{Error, Result};

/// A buffer of `size` bytes for the application to fill (zmq_msg_init_size), or `Error::NoMem`.
///
/// The bytes are not cleared: zmq_msg_init_size(3) leaves the content undefined, and clearing
/// would double the memory traffic of every large message. The library never interprets them; it
/// only moves them as opaque bytes (copies and system calls).
pub(super) fn uninit(size: usize) -> Result<Vec<u8>> {
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(size).map_err(|_| Error::NoMem)?;
    // SAFETY: the capacity is at least `size` (reserved above). The bytes hold whatever the
    // allocator left there; see the function's note on why they are not cleared.
    unsafe { buffer.set_len(size) };
    Ok(buffer)
}
