//! Moves of a value a word at a time.
//!
//! A value built by narrow stores (a struct written field by field, or returned by a call that
//! wrote it so) and then moved at once is read back in 16-byte loads, each spanning two or
//! more of those stores. The CPU cannot forward such a load from its store buffer: it waits
//! for the stores to reach the cache (a store-forwarding stall, a dozen cycles or more). On a
//! message's hot paths (zmq_msg_copy, zmq_msg_close of a shared payload) those waits were most
//! of the time. Moved in 8-byte loads, each load matches one store and is forwarded.

use std::mem::{MaybeUninit, align_of, size_of};

/// Words of a value `T`, checked when the functions below are instantiated.
const fn words<T>() -> usize {
    assert!(size_of::<T>() % 8 == 0 && align_of::<T>() >= 8);
    size_of::<T>() / 8
}

/// Moves `value` to `dest` (whose old content is overwritten, not dropped).
///
/// # Safety
/// `dest` must be valid for writing a `T` and aligned for it.
#[inline(always)]
pub(crate) unsafe fn write<T>(dest: *mut T, value: T) {
    // Read where it is (wrapping it first would copy it to the stack, in wide moves).
    let from = std::ptr::addr_of!(value).cast::<MaybeUninit<u64>>();
    let to = dest.cast::<MaybeUninit<u64>>();
    for i in 0..const { words::<T>() } {
        // SAFETY: both hold a T, which is a whole number of aligned words; the volatile read
        // keeps each load one word wide (and the volatile write keeps it next to its load).
        // MaybeUninit words carry the bytes as they are.
        unsafe { to.add(i).write_volatile(from.add(i).read_volatile()) };
    }
    // Its bytes now belong to `dest`.
    std::mem::forget(value);
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
