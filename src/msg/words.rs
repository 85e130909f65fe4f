//! Moves of a value a word at a time.
//!
//! A value built by narrow stores (a struct written field by field, or returned by a call that
//! wrote it so) and then moved at once is read back in 16-byte loads, each spanning two or
//! more of those stores. The CPU cannot forward such a load from its store buffer: it waits
//! for the stores to reach the cache (a store-forwarding stall, a dozen cycles or more). On a
//! message's hot paths (zmq_msg_copy, zmq_msg_close of a shared payload) those waits were most
//! of the time. Moved in 8-byte loads, each load matches one store and is forwarded.
//! (zmq_msg_copy and zmq_msg_move copy a whole `zmq_msg_t` the same way, in `capi::msg`.)

use std::mem::{MaybeUninit, align_of, size_of};

/// Words of a value `T`, checked when the functions below are instantiated.
const fn words<T>() -> usize {
    assert!(size_of::<T>() % 8 == 0 && align_of::<T>() >= 8);
    size_of::<T>() / 8
}

/// Moves the `T` at `src` out (leaving its bytes as they were, to be overwritten or forgotten).
///
/// # Safety
/// As `std::ptr::read`: `src` holds a valid, aligned `T` that is not used again as one.
#[inline(always)]
pub(crate) unsafe fn read<T>(src: *const T) -> T {
    let mut value = MaybeUninit::<T>::uninit();
    let from = src.cast::<MaybeUninit<u64>>();
    let to = value.as_mut_ptr().cast::<MaybeUninit<u64>>();
    for i in 0..const { words::<T>() } {
        // SAFETY: as in `write`.
        unsafe { to.add(i).write_volatile(from.add(i).read_volatile()) };
    }
    // SAFETY: every byte of the T at `src` was copied.
    unsafe { value.assume_init() }
}
