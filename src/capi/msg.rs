//! Messages: the `zmq_msg_*` functions over a `Msg` stored in place inside the C `zmq_msg_t`.
//!
//! C owns the 64 bytes and moves them with memcpy, so the stored value holds no pointer into
//! itself. A tag word in front of the `Msg` tells a live message from a closed or never
//! initialised one; every function checks it and answers EFAULT where libzmq would.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::mem::{align_of, size_of};
use std::ptr;

use super::boundary;
use super::constants::{ZMQ_MORE, ZMQ_SHARED, ZMQ_SRCFD};
use crate::error::{Error, Result};
use crate::msg::{Foreign, INLINE_MAX, Msg};

/// The C message type: 64 opaque bytes, pointer-aligned (declared in the prologue of zmq.h).
#[repr(C, align(8))]
#[allow(non_camel_case_types)]
pub struct zmq_msg_t {
    _opaque: [u8; 64],
}

/// What the 64 bytes of a live `zmq_msg_t` hold.
#[repr(C)]
struct Slot {
    tag: u32,
    msg: Msg,
}

/// Tag of a live message; anything else is closed or uninitialised.
const LIVE: u32 = 0x6d73_6721;
/// Tag written when a message is closed.
const CLOSED: u32 = 0x6d73_6700;

const _: () = assert!(size_of::<Slot>() <= size_of::<zmq_msg_t>());
const _: () = assert!(align_of::<Slot>() <= align_of::<zmq_msg_t>());

/// Stores `msg` as a live message in `ptr`, whatever the bytes held before.
///
/// # Safety
/// `ptr` must be non-NULL and valid for writing a `zmq_msg_t`.
pub(crate) unsafe fn init(ptr: *mut zmq_msg_t, msg: Msg) {
    // SAFETY: the caller guarantees room for a zmq_msg_t, which fits a Slot (asserted above);
    // the old contents are not dropped, as C may pass uninitialised memory.
    unsafe { ptr::write(ptr.cast::<Slot>(), Slot { tag: LIVE, msg }) };
}

/// The live message in `ptr`, or EFAULT.
///
/// # Safety
/// `ptr` must be NULL or valid for reading (and, through the result, writing) a `zmq_msg_t`,
/// not aliased by another reference for the returned lifetime.
pub(crate) unsafe fn live<'a>(ptr: *const zmq_msg_t) -> Result<&'a mut Msg> {
    if ptr.is_null() {
        return Err(Error::Fault);
    }
    let slot = ptr.cast_mut().cast::<Slot>();
    // SAFETY: the caller guarantees 64 readable bytes; the tag is the first 4.
    if unsafe { ptr::addr_of!((*slot).tag).read() } != LIVE {
        return Err(Error::Fault);
    }
    // SAFETY: a LIVE tag is written only together with a valid Msg (see `init`).
    Ok(unsafe { &mut (*slot).msg })
}

/// Drops the live message in `ptr` and marks it closed.
///
/// # Safety
/// As `live`.
#[inline]
pub(crate) unsafe fn close(ptr: *mut zmq_msg_t) -> Result<()> {
    // SAFETY: forwarded from the caller.
    let msg: *mut Msg = unsafe { live(ptr) }?;
    // SAFETY: live (checked).
    if unsafe { (*msg).is_plain() } {
        // Nothing to drop: the tag alone marks it closed.
        // SAFETY: live, so valid for writing.
        unsafe { ptr::addr_of_mut!((*ptr.cast::<Slot>()).tag).write(CLOSED) };
        return Ok(());
    }
    // SAFETY: forwarded from the caller; live (checked).
    unsafe { close_holding(ptr, msg) }
}

/// `close` of a message that holds something to release, out of line: the plain ones then
/// take no register saves.
///
/// # Safety
/// `msg` is the live message in `ptr`.
#[inline(never)]
unsafe fn close_holding(ptr: *mut zmq_msg_t, msg: *mut Msg) -> Result<()> {
    // SAFETY: live (the caller's); a message whose drop runs no code of the application's is
    // dropped where it is, after the tag marks it closed, without reading it out first.
    unsafe {
        if (*msg).drops_quietly() {
            ptr::addr_of_mut!((*ptr.cast::<Slot>()).tag).write(CLOSED);
            ptr::drop_in_place(msg);
            return Ok(());
        }
    }
    // SAFETY: the slot is live (checked by `live`): its Msg is moved out by words (see
    // `msg::words`), and the tag then marks the slot closed, so the bytes left there are never
    // used as a message again.
    let taken = unsafe {
        let taken = crate::msg::words::read(msg);
        ptr::addr_of_mut!((*ptr.cast::<Slot>()).tag).write(CLOSED);
        taken
    };
    // Dropped last: a free function may run here and may itself call into the library.
    drop(taken);
    Ok(())
}

/// Copies the 64 bytes of `src` over those of `dest`, a word at a time (see `msg::words`: the
/// source was usually written piecewise just before). A message holds no pointer into itself,
/// so the bytes are the same message in their new place.
///
/// # Safety
/// Both valid `zmq_msg_t`s. What `dest` held is overwritten, not dropped (it must need no
/// drop: plain, see `Msg::is_plain`), and what `src` holds is then in both places: either it
/// is plain, or `src` is overwritten next without being dropped (a move).
#[inline(always)]
unsafe fn copy_slot(dest: *mut zmq_msg_t, src: *const zmq_msg_t) {
    let (from, to) = (src.cast::<u64>(), dest.cast::<u64>());
    for i in 0..size_of::<zmq_msg_t>() / 8 {
        // SAFETY: both are 64 bytes, 8-aligned (zmq_msg_t's alignment); the rest is the
        // caller's. Volatile, so that each load stays one word wide, next to its store.
        unsafe { to.add(i).write_volatile(from.add(i).read_volatile()) };
    }
}

/// Closes the live message in `ptr` and stores `msg` there in its place.
///
/// # Safety
/// As `live`.
unsafe fn replace(ptr: *mut zmq_msg_t, msg: Msg) -> Result<()> {
    // SAFETY: forwarded from the caller.
    let old: *mut Msg = unsafe { live(ptr) }?;
    // SAFETY: live (checked); a message whose drop runs no code of the application's is
    // replaced where it is, its tag left live.
    unsafe {
        if (*old).drops_quietly() {
            *old = msg;
            return Ok(());
        }
    }
    // SAFETY: forwarded from the caller.
    unsafe { close(ptr) }?;
    // SAFETY: `ptr` held a live message, so it is valid for writing.
    unsafe { init(ptr, msg) };
    Ok(())
}

/// Initialises an empty message (zmq_msg_init(3)).
///
/// # Safety
/// `msg` must be NULL or valid for writing a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_init(msg: *mut zmq_msg_t) -> c_int {
    boundary(-1, || {
        super::non_null(msg)?;
        // SAFETY: non-NULL, and the caller guarantees it is writable.
        unsafe { init(msg, Msg::new()) };
        Ok(0)
    })
}

/// Initialises a message of `size` bytes for the caller to fill (zmq_msg_init_size(3)).
///
/// # Safety
/// `msg` must be NULL or valid for writing a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_init_size(msg: *mut zmq_msg_t, size: usize) -> c_int {
    boundary(-1, || {
        super::non_null(msg)?;
        if size <= INLINE_MAX {
            // Stored as zmq_msg_init stores it, then given its length. Written as one
            // message, the compiler's stores (shared with the large case) overlapped the word
            // zmq_msg_close reads first, which then waited for them to reach the cache (a
            // store-forwarding stall, most of a 1-byte init_size + close).
            // SAFETY: non-NULL, and the caller guarantees it is writable.
            unsafe { init(msg, Msg::new()) };
            // SAFETY: just made live.
            unsafe { live(msg) }?.set_small_size(size);
            return Ok(0);
        }
        // SAFETY: non-NULL, and the caller guarantees it is writable.
        unsafe { init_large(msg, size) }.map(|()| 0)
    })
}

/// zmq_msg_init_size's large messages, out of line: the small ones then take no register
/// saves.
///
/// # Safety
/// `msg` must be valid for writing a `zmq_msg_t`.
#[inline(never)]
unsafe fn init_large(msg: *mut zmq_msg_t, size: usize) -> Result<()> {
    let body = Msg::with_size(size)?;
    // SAFETY: forwarded from the caller.
    unsafe { init(msg, body) };
    Ok(())
}

/// Initialises a message over the caller's buffer, without copying it (zmq_msg_init_data(3)).
///
/// `ffn`, if not NULL, is called once with `data` and `hint` when the last copy is closed.
///
/// # Safety
/// `msg` must be NULL or valid for writing a `zmq_msg_t`; `data` must hold `size` bytes that stay
/// valid until `ffn` is called (or for as long as any copy lives, when `ffn` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_init_data(
    msg: *mut zmq_msg_t,
    data: *mut c_void,
    size: usize,
    ffn: Option<unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void)>,
    hint: *mut c_void,
) -> c_int {
    boundary(-1, || {
        super::non_null(msg)?;
        if data.is_null() && size > 0 {
            return Err(Error::Inval);
        }
        // SAFETY: the caller lends `size` bytes at `data` until `ffn` is called with them and
        // `hint` (zmq_msg_init_data(3)), for ever without `ffn`.
        let foreign = unsafe { Foreign::new(data, size, ffn, hint) };
        // SAFETY: non-NULL, and the caller guarantees it is writable.
        unsafe { init(msg, Msg::foreign(foreign)) };
        Ok(0)
    })
}

/// Releases a message (zmq_msg_close(3)).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_close(msg: *mut zmq_msg_t) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(-1, || unsafe { close(msg) }.map(|()| 0))
}

/// Moves `src` into `dest` (closing what `dest` held); `src` becomes empty (zmq_msg_move(3)).
///
/// # Safety
/// Both must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_move(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    boundary(-1, || {
        // Both are checked before either changes, source first, as libzmq does.
        // SAFETY: forwarded from the caller; each reference is used before the next is taken.
        unsafe { live(src) }?;
        // SAFETY: as above.
        if unsafe { live(dest) }?.is_plain() && dest != src {
            // Onto a message that holds nothing: the bytes move, and `src` starts empty.
            // SAFETY: both live, `dest` plain (checked); `src` is overwritten right after
            // without being dropped, so what it held is in `dest` alone.
            unsafe {
                copy_slot(dest, src);
                init(src, Msg::new());
            }
            return Ok(0);
        }
        // SAFETY: as above.
        let moved = unsafe { live(src) }?.take();
        if dest != src {
            // SAFETY: forwarded from the caller.
            unsafe { replace(dest, moved) }?;
        } else {
            // SAFETY: as above, the message is put back where it was.
            *unsafe { live(src) }? = moved;
        }
        Ok(0)
    })
}

/// Makes `dest` a copy of `src`, sharing large payloads (zmq_msg_copy(3)).
///
/// # Safety
/// Both must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_copy(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    boundary(-1, || {
        // Both are checked before either changes, source first, as libzmq does.
        // SAFETY: forwarded from the caller; each reference is used before the next is taken.
        unsafe { live(src) }?;
        // SAFETY: as above.
        unsafe { live(dest) }?;
        // SAFETY: as above (one reference at a time).
        if dest != src && unsafe { live(dest) }?.is_plain() && unsafe { live(src) }?.share_bitwise()
        {
            // Onto a message that holds nothing: the source's bytes are the copy, its shared
            // payload and metadata counted once more by `share_bitwise`.
            // SAFETY: both live, `dest` plain (checked).
            unsafe { copy_slot(dest, src) };
            return Ok(0);
        }
        // SAFETY: as above.
        let source = unsafe { live(src) }?;
        if dest == src {
            // A copy onto itself only marks a large payload shared.
            drop(source.share());
            return Ok(0);
        }
        // SAFETY: forwarded from the caller; `dest` is not `src`, so the two do not alias.
        let target = unsafe { live(dest) }?;
        if target.drops_quietly() {
            // The old message runs no application code when dropped: the copy goes in place.
            source.share_into(target);
            return Ok(0);
        }
        let copy = source.share();
        // SAFETY: forwarded from the caller.
        unsafe { replace(dest, copy) }?;
        Ok(0)
    })
}

/// The payload's address (zmq_msg_data(3)); NULL with EFAULT for an invalid message.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_data(msg: *mut zmq_msg_t) -> *mut c_void {
    boundary(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        Ok(unsafe { live(msg) }?.data_ptr().cast())
    })
}

/// The payload's size (zmq_msg_size(3)); 0 with EFAULT for an invalid message.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_size(msg: *const zmq_msg_t) -> usize {
    // SAFETY: forwarded from the caller.
    boundary(0, || Ok(unsafe { live(msg) }?.size()))
}

/// Whether more frames follow (zmq_msg_more(3)); 0 with EFAULT for an invalid message.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_more(msg: *const zmq_msg_t) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(0, || Ok(c_int::from(unsafe { live(msg) }?.more())))
}

/// Reads a message property: ZMQ_MORE, ZMQ_SHARED or ZMQ_SRCFD (zmq_msg_get(3)).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_get(msg: *const zmq_msg_t, property: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let msg = unsafe { live(msg) }?;
        match property {
            ZMQ_MORE => Ok(c_int::from(msg.more())),
            ZMQ_SHARED => Ok(c_int::from(msg.is_shared())),
            // Deprecated, but libzmq still answers it; EINVAL when not from a connection.
            ZMQ_SRCFD => msg
                .metadata()
                .and_then(|m| m.source_fd())
                .ok_or(Error::Inval),
            _ => Err(Error::Inval),
        }
    })
}

/// Sets a message property: none is settable, as in libzmq (zmq_msg_set(3)).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_set(msg: *mut zmq_msg_t, property: c_int, optval: c_int) -> c_int {
    let _ = (msg, property, optval);
    boundary(-1, || Err(Error::Inval))
}

/// Reads a metadata property of the peer a message came from (zmq_msg_gets(3)).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`; `property` NULL or a NUL-terminated string.
/// The result stays valid while the message lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_gets(
    msg: *const zmq_msg_t,
    property: *const c_char,
) -> *const c_char {
    boundary(ptr::null(), || {
        // SAFETY: forwarded from the caller.
        let msg = unsafe { live(msg) }?;
        if property.is_null() {
            return Err(Error::Inval);
        }
        // SAFETY: non-NULL and NUL-terminated (caller's contract).
        let name = unsafe { CStr::from_ptr(property) }
            .to_str()
            .map_err(|_| Error::Inval)?;
        let value = msg
            .metadata()
            .and_then(|m| m.get(name))
            .ok_or(Error::Inval)?;
        Ok(value.as_ptr())
    })
}
