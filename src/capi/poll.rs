//! zmq_poll: waits on sockets and plain file descriptors together.
//!
//! A socket is watched through its ZMQ_FD (readable when its state may have changed) and its
//! readiness read from ZMQ_EVENTS, as libzmq does; plain descriptors are passed to poll(2).

use std::cell::Cell;
use std::ffi::{c_int, c_long, c_short};
use std::time::{Duration, Instant};

use super::boundary;
use super::constants::{ZMQ_POLLERR, ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLPRI};
use super::socket::with_socket;
use crate::error::{Error, Result};
use crate::mailbox::{Spinner, Watched, spin_until};
use crate::sys;

/// One item of zmq_poll, as zmq.h declares it.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct zmq_pollitem_t {
    /// A socket, or NULL to watch `fd`.
    pub socket: *mut std::ffi::c_void,
    /// A file descriptor, used when `socket` is NULL.
    pub fd: c_int,
    /// Events to watch for (ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLPRI).
    pub events: c_short,
    /// Events that happened.
    pub revents: c_short,
}

/// The poll(2) events to ask for a plain descriptor.
fn fd_events(events: c_short) -> c_short {
    let events = c_int::from(events);
    let mut out = 0;
    if events & ZMQ_POLLIN != 0 {
        out |= libc::POLLIN;
    }
    if events & ZMQ_POLLOUT != 0 {
        out |= libc::POLLOUT;
    }
    if events & ZMQ_POLLPRI != 0 {
        out |= libc::POLLPRI;
    }
    out
}

/// The zmq events a plain descriptor's poll(2) result means.
fn fd_revents(wanted: c_short, revents: c_short) -> c_short {
    let wanted = c_int::from(wanted);
    let mut out = 0;
    if revents & libc::POLLIN != 0 && wanted & ZMQ_POLLIN != 0 {
        out |= ZMQ_POLLIN;
    }
    if revents & libc::POLLOUT != 0 && wanted & ZMQ_POLLOUT != 0 {
        out |= ZMQ_POLLOUT;
    }
    if revents & libc::POLLPRI != 0 && wanted & ZMQ_POLLPRI != 0 {
        out |= ZMQ_POLLPRI;
    }
    if revents & !(libc::POLLIN | libc::POLLOUT | libc::POLLPRI) != 0 {
        out |= ZMQ_POLLERR;
    }
    out as c_short
}

/// Fills each item's `revents`; returns how many items have events.
fn check(items: &mut [zmq_pollitem_t], fds: &[libc::pollfd]) -> Result<usize> {
    let mut ready = 0;
    for (item, pfd) in items.iter_mut().zip(fds) {
        item.revents = if item.socket.is_null() {
            fd_revents(item.events, pfd.revents)
        } else {
            // SAFETY: the caller of zmq_poll passes sockets or NULL.
            let events = unsafe { with_socket(item.socket, |s| s.events()) }?;
            (c_int::from(item.events) & events & (ZMQ_POLLIN | ZMQ_POLLOUT)) as c_short
        };
        if item.revents != 0 {
            ready += 1;
        }
    }
    Ok(ready)
}

thread_local! {
    /// What this thread's zmq_poll calls learnt of spinning (see `spin_first`).
    static SPINNER: Cell<Spinner> = Cell::new(Spinner::default());
}

/// The sockets of a zmq_poll, watched for a command (see `spin_first`).
struct Items<'a>(&'a [zmq_pollitem_t]);

impl Watched for Items<'_> {
    type Found = ();

    fn pending(&mut self) -> bool {
        self.0.iter().any(|item| {
            // SAFETY: the caller of zmq_poll passes sockets (`spin_first` checked them).
            unsafe { with_socket(item.socket, |s| Ok(s.has_posted())) }.unwrap_or(true)
        })
    }

    fn spin(&mut self) -> Option<()> {
        spin_until(|| self.pending()).then_some(())
    }
}

/// Before a zmq_poll of sockets that only talk to other sockets of the process sleeps, it
/// yields and spins as their blocking calls do (`Mailbox::before_sleep`): a peer on another
/// processor that answers within the spin is seen without sleeping and being woken. Whether
/// the sockets should be looked at again now; never with a plain descriptor among the items
/// (only poll(2) can watch it).
fn spin_first(items: &[zmq_pollitem_t]) -> Result<bool> {
    for item in items {
        if item.socket.is_null() {
            return Ok(false);
        }
        // SAFETY: the caller of zmq_poll passes sockets or NULL.
        if !unsafe { with_socket(item.socket, |s| Ok(s.may_spin())) }? {
            return Ok(false);
        }
    }
    let mut spinner = SPINNER.take();
    let found = spinner.before_sleep(&mut Items(items)).is_some();
    SPINNER.set(spinner);
    Ok(found)
}

/// Waits until an item is ready or `timeout_ms` pass (< 0: forever); how many items have
/// events.
pub(crate) fn poll(items: &mut [zmq_pollitem_t], timeout_ms: c_long) -> Result<usize> {
    poll_masked(items, timeout_ms, None)
}

/// `poll`, with `mask` as the signal mask while waiting (ppoll(2)) when given.
fn poll_masked(
    items: &mut [zmq_pollitem_t],
    timeout_ms: c_long,
    mask: Option<&libc::sigset_t>,
) -> Result<usize> {
    let deadline = u64::try_from(timeout_ms)
        .ok()
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    if items.is_empty() {
        if let Some(deadline) = deadline {
            std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
        }
        return Ok(0);
    }
    let mut fds = Vec::with_capacity(items.len());
    for item in items.iter() {
        let (fd, events) = if item.socket.is_null() {
            (item.fd, fd_events(item.events))
        } else {
            // SAFETY: the caller of zmq_poll passes sockets or NULL.
            (
                unsafe { with_socket(item.socket, |s| Ok(s.fd())) }?,
                libc::POLLIN,
            )
        };
        fds.push(libc::pollfd {
            fd,
            events,
            revents: 0,
        });
    }
    let mut first = true;
    loop {
        // The first pass looks without waiting: a socket may be ready with its fd quiet.
        let wait_ms = match deadline {
            _ if first => 0,
            None => -1,
            Some(d) => i32::try_from(
                d.saturating_duration_since(Instant::now())
                    .as_micros()
                    .div_ceil(1000),
            )
            .unwrap_or(i32::MAX),
        };
        fds.iter_mut().for_each(|p| p.revents = 0);
        match sys::poll(&mut fds, wait_ms, mask) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Err(Error::Intr),
            Err(e) => return Err(Error::from(e)),
        }
        let ready = check(items, &fds)?;
        if ready > 0 || timeout_ms == 0 {
            return Ok(ready);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) && !first {
            return Ok(0);
        }
        if first && spin_first(items)? {
            let ready = check(items, &fds)?;
            if ready > 0 {
                return Ok(ready);
            }
        }
        first = false;
    }
}

/// Waits until an item is ready or `timeout` ms pass (-1: forever); returns how many items
/// have events (zmq_poll(3)).
///
/// # Safety
/// `items` must point to `nitems` items (or be NULL with `nitems` 0), each with a socket or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { poll_items(items, nitems, timeout, None) }
}

/// zmq_poll and zmq_ppoll: the checks of the C arguments, then `poll_masked`.
///
/// # Safety
/// `items` must point to `nitems` items (or be NULL with `nitems` 0), each with a socket or NULL.
pub(crate) unsafe fn poll_items(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    mask: Option<&libc::sigset_t>,
) -> c_int {
    boundary(-1, || {
        let count = usize::try_from(nitems).map_err(|_| Error::Inval)?;
        if items.is_null() && count > 0 {
            return Err(Error::Fault);
        }
        let items = if count == 0 {
            &mut [][..]
        } else {
            // SAFETY: the caller guarantees `nitems` items at `items` (checked non-NULL).
            unsafe { std::slice::from_raw_parts_mut(items, count) }
        };
        poll_masked(items, timeout, mask).map(|n| c_int::try_from(n).unwrap_or(c_int::MAX))
    })
}
