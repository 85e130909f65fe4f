//! Timers: zmq_timers_*, a timer set for application event loops.

use std::ffi::{c_int, c_long, c_void};
use std::ptr;
use std::sync::OnceLock;
use std::time::Instant;

use parking_lot::Mutex;

use super::{boundary, non_null};
use crate::error::{Error, Result};
use crate::timers::Timers;

/// A timer handler and its argument, as C gave them.
#[derive(Clone, Copy)]
struct Handler {
    func: unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void),
    arg: *mut c_void,
}

/// A timer set as C sees it: a tag, then the set. The lock is never held while a handler runs,
/// so handlers may add, cancel and reset timers of the same set.
#[repr(C)]
struct TimerSet {
    tag: u32,
    timers: Mutex<Timers<Handler>>,
}

const TIMERS_TAG: u32 = 0xcafe_dead;

/// Milliseconds on a monotonic clock.
fn now_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The timer set behind a C pointer, or EFAULT.
///
/// # Safety
/// `timers` must be NULL or a live pointer from zmq_timers_new.
unsafe fn timer_set<'a>(timers: *mut c_void) -> Result<&'a TimerSet> {
    non_null(timers)?;
    // SAFETY: the caller passes a live timer set; the tag is its first field.
    let set = unsafe { &*timers.cast::<TimerSet>() };
    if set.tag == TIMERS_TAG {
        Ok(set)
    } else {
        Err(Error::Fault)
    }
}

/// A new, empty timer set.
///
/// # Safety
/// Always safe to call; release the result with zmq_timers_destroy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_new() -> *mut c_void {
    let set = TimerSet {
        tag: TIMERS_TAG,
        timers: Mutex::new(Timers::new()),
    };
    Box::into_raw(Box::new(set)).cast()
}

/// Releases a timer set and sets `*timers_p` to NULL.
///
/// # Safety
/// `timers_p` must be NULL or point to NULL or to a live timer set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_destroy(timers_p: *mut *mut c_void) -> c_int {
    boundary(-1, || {
        non_null(timers_p)?;
        // SAFETY: non-NULL and readable (caller's contract).
        let timers = unsafe { *timers_p };
        // SAFETY: forwarded from the caller.
        unsafe { timer_set(timers) }?;
        // SAFETY: as above; the pointer is cleared before the set is released.
        unsafe { *timers_p = ptr::null_mut() };
        // SAFETY: a live set from zmq_timers_new (checked), released once.
        drop(unsafe { Box::from_raw(timers.cast::<TimerSet>()) });
        Ok(0)
    })
}

/// Adds a timer calling `handler(id, arg)` every `interval` ms; returns its id.
///
/// # Safety
/// `timers` must be NULL or a live timer set; `handler` safe to call with `arg`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_add(
    timers: *mut c_void,
    interval: usize,
    handler: Option<unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void)>,
    arg: *mut c_void,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let set = unsafe { timer_set(timers) }?;
        let func = handler.ok_or(Error::Fault)?;
        let interval = u64::try_from(interval).unwrap_or(u64::MAX);
        set.timers
            .lock()
            .add(now_ms(), interval, Handler { func, arg })
    })
}

/// Cancels a timer.
///
/// # Safety
/// `timers` must be NULL or a live timer set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_cancel(timers: *mut c_void, timer_id: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { timer_set(timers) }?
            .timers
            .lock()
            .cancel(timer_id)
            .map(|()| 0)
    })
}

/// Changes a timer's interval and restarts it.
///
/// # Safety
/// `timers` must be NULL or a live timer set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_set_interval(
    timers: *mut c_void,
    timer_id: c_int,
    interval: usize,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let set = unsafe { timer_set(timers) }?;
        let interval = u64::try_from(interval).unwrap_or(u64::MAX);
        set.timers
            .lock()
            .set_interval(now_ms(), timer_id, interval)
            .map(|()| 0)
    })
}

/// Restarts a timer.
///
/// # Safety
/// `timers` must be NULL or a live timer set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_reset(timers: *mut c_void, timer_id: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { timer_set(timers) }?
            .timers
            .lock()
            .reset(now_ms(), timer_id)
            .map(|()| 0)
    })
}

/// Milliseconds until the next timer is due: 0 if one is overdue, -1 if there are none.
///
/// # Safety
/// `timers` must be NULL or a live timer set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_timeout(timers: *mut c_void) -> c_long {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let timeout = unsafe { timer_set(timers) }?
            .timers
            .lock()
            .timeout(now_ms());
        Ok(timeout.map_or(-1, |ms| c_long::try_from(ms).unwrap_or(c_long::MAX)))
    })
}

/// Runs the handlers of every due timer and restarts those timers.
///
/// # Safety
/// `timers` must be NULL or a live timer set; handlers must not destroy the set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_timers_execute(timers: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let set = unsafe { timer_set(timers) }?;
        let now = now_ms();
        let due = set.timers.lock().due(now);
        for id in due {
            // Fetched one at a time with the lock released, so a handler may cancel a later one.
            let Some(handler) = set.timers.lock().fire(now, id) else {
                continue;
            };
            // SAFETY: the application's handler with its own argument.
            unsafe { (handler.func)(id, handler.arg) };
        }
        Ok(0)
    })
}
