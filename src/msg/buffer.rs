//! Allocation of large message buffers without aborting the process when memory runs out.

use std::alloc::{Layout, alloc_zeroed};

use bytes::BytesMut;

use crate::error::{Error, Result};

/// A zero-filled buffer of `size` bytes, or `Error::NoMem`.
///
/// Zeroed allocation lets the allocator hand out fresh pages without touching them, so a huge
/// request that the system overcommits does not fault in every page here.
pub(super) fn zeroed(size: usize) -> Result<BytesMut> {
    if size == 0 {
        return Ok(BytesMut::new());
    }
    let layout = Layout::array::<u8>(size).map_err(|_| Error::NoMem)?;
    // SAFETY: the layout has a non-zero size (checked above).
    let ptr = unsafe { alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(Error::NoMem);
    }
    // SAFETY: `ptr` was allocated by the global allocator with exactly the layout of a
    // `Vec<u8>` of capacity `size`, and all `size` bytes are initialised (zeroed).
    let vec = unsafe { Vec::from_raw_parts(ptr, size, size) };
    // Zero-copy: a unique Bytes turns back into a BytesMut without copying.
    Ok(BytesMut::from(bytes::Bytes::from(vec)))
}
