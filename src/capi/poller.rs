//! The draft poller (zmq_poller_*) and zmq_ppoll.
//!
//! A poller is a set of sockets and descriptors with the events wanted from each and the
//! caller's `user_data`; waiting on it is one `zmq_poll` over the set (`poll::poll`), the
//! items that became ready reported as `zmq_poller_event_t`s. Declared in `epilogue.h` under
//! ZMQ_BUILD_DRAFT_API, as libzmq does.
//!
//! zmq_poller_fd goes further than libzmq's, which has a descriptor only for thread-safe
//! sockets: it is an epoll instance holding every item's descriptor (a socket's ZMQ_FD, a
//! plain descriptor with its events), made on first request and kept in step with the items.
//! It is readable when any of them may be ready; `zmq_poller_wait` with timeout 0 then says
//! which. As with ZMQ_FD, a socket's descriptor signals changes, not levels.

use std::ffi::{c_int, c_long, c_short, c_void};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use parking_lot::Mutex;

use super::boundary;
use super::constants::{ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLPRI};
use super::handle::Handle;
use super::poll::{self, zmq_pollitem_t};
use super::socket::with_socket;
use crate::error::{Error, Result};
use crate::sys;

/// Tag of a live poller handle.
const POLLER_TAG: u32 = 0x5011_e7a6;

/// One event of zmq_poller_wait, as zmq.h declares it.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct zmq_poller_event_t {
    /// The socket, or NULL for a descriptor.
    pub socket: *mut c_void,
    /// The descriptor, or -1 for a socket.
    pub fd: c_int,
    /// What the item was added with.
    pub user_data: *mut c_void,
    /// The events that happened.
    pub events: c_short,
}

/// A socket (`socket` non-zero) or a descriptor, with what its caller wants.
#[derive(Clone, Copy)]
struct Item {
    socket: usize,
    fd: c_int,
    user_data: usize,
    events: c_short,
}

/// The poller behind a handle. Pointers are kept as addresses: the poller only hands them
/// back, and reaches a socket through the checked `with_socket`.
struct Poller {
    items: Mutex<Vec<Item>>,
    /// The epoll instance of zmq_poller_fd, once asked for.
    epoll: Mutex<Option<OwnedFd>>,
}

/// The poller behind `p`; EFAULT for NULL, foreign or destroyed pointers.
///
/// # Safety
/// `p` must be NULL or a pointer returned by one of the library's constructors.
unsafe fn poller(p: *mut c_void) -> Result<std::sync::Arc<Poller>> {
    // SAFETY: forwarded from the caller.
    let handle: &Handle<Poller> = unsafe { Handle::from_raw(p, POLLER_TAG, Error::Fault) }?;
    handle.object(Error::Fault)
}

/// Fails with ENOTSOCK unless `s` is an open socket.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
unsafe fn check_socket(s: *mut c_void) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s, |_| Ok(())) }
}

impl Poller {
    fn add(&self, item: Item) -> Result<()> {
        let mut items = self.items.lock();
        if items.iter().any(|i| same(i, &item)) {
            return Err(Error::Inval);
        }
        self.watch(libc::EPOLL_CTL_ADD, &item)?;
        items.push(item);
        Ok(())
    }

    fn modify(&self, key: Item, events: c_short) -> Result<()> {
        let mut items = self.items.lock();
        let item = items
            .iter_mut()
            .find(|i| same(i, &key))
            .ok_or(Error::Inval)?;
        item.events = events;
        self.watch(libc::EPOLL_CTL_MOD, item)
    }

    fn remove(&self, key: Item) -> Result<()> {
        let mut items = self.items.lock();
        let at = items
            .iter()
            .position(|i| same(i, &key))
            .ok_or(Error::Inval)?;
        let item = items.remove(at);
        // A closed socket's descriptor has left the epoll instance by itself.
        let _ = self.watch(libc::EPOLL_CTL_DEL, &item);
        Ok(())
    }

    /// Applies `op` for `item` to the epoll instance, if zmq_poller_fd made one.
    fn watch(&self, op: c_int, item: &Item) -> Result<()> {
        match &*self.epoll.lock() {
            Some(epoll) => watch(epoll, op, item),
            None => Ok(()),
        }
    }

    /// The epoll instance of zmq_poller_fd, made with every item on first use.
    fn fd(&self) -> Result<c_int> {
        let items = self.items.lock();
        let mut epoll = self.epoll.lock();
        if epoll.is_none() {
            let fresh = sys::epoll_create().map_err(Error::from)?;
            for item in items.iter() {
                watch(&fresh, libc::EPOLL_CTL_ADD, item)?;
            }
            *epoll = Some(fresh);
        }
        Ok(epoll.as_ref().map_or(-1, AsRawFd::as_raw_fd))
    }

    /// Waits up to `timeout_ms` (-1: forever) and fills `out` with the ready items, in the
    /// order they were added; how many. EAGAIN when none became ready in time.
    fn wait(&self, out: &mut [zmq_poller_event_t], timeout_ms: c_long) -> Result<usize> {
        let items = self.items.lock().clone();
        // Items that want nothing are not watched.
        let watched: Vec<&Item> = items.iter().filter(|i| i.events != 0).collect();
        if watched.is_empty() {
            // Nothing to wait for, forever, is a mistake (EFAULT, zmq_poller(3)); otherwise
            // the time passes.
            if timeout_ms < 0 {
                return Err(Error::Fault);
            }
            std::thread::sleep(Duration::from_millis(timeout_ms.unsigned_abs()));
            return Err(Error::Again);
        }
        let mut polled: Vec<zmq_pollitem_t> = watched
            .iter()
            .map(|i| zmq_pollitem_t {
                socket: i.socket as *mut c_void,
                fd: i.fd,
                events: i.events,
                revents: 0,
            })
            .collect();
        if poll::poll(&mut polled, timeout_ms)? == 0 {
            return Err(Error::Again);
        }
        let ready = watched
            .iter()
            .zip(&polled)
            .filter(|(_, p)| p.revents != 0)
            .map(|(item, p)| zmq_poller_event_t {
                socket: item.socket as *mut c_void,
                fd: if item.socket == 0 { item.fd } else { -1 },
                user_data: item.user_data as *mut c_void,
                events: p.revents,
            });
        let mut filled = 0;
        for (slot, event) in out.iter_mut().zip(ready) {
            *slot = event;
            filled += 1;
        }
        // The rest of the caller's array is cleared, as libzmq does.
        for slot in &mut out[filled..] {
            *slot = empty_event();
        }
        Ok(filled)
    }
}

/// Adds, changes or removes `item`'s descriptor in `epoll`: a socket's ZMQ_FD for input, a
/// plain descriptor for what its item wants.
fn watch(epoll: &OwnedFd, op: c_int, item: &Item) -> Result<()> {
    let (fd, events) = if item.socket != 0 {
        // SAFETY: the socket was checked when added; a closed one answers ENOTSOCK.
        let fd = unsafe { with_socket(item.socket as *mut c_void, |s| Ok(s.fd())) }?;
        (fd, libc::EPOLLIN as u32)
    } else {
        let wanted = c_int::from(item.events);
        let mut events = 0;
        if wanted & ZMQ_POLLIN != 0 {
            events |= libc::EPOLLIN as u32;
        }
        if wanted & ZMQ_POLLOUT != 0 {
            events |= libc::EPOLLOUT as u32;
        }
        if wanted & ZMQ_POLLPRI != 0 {
            events |= libc::EPOLLPRI as u32;
        }
        (item.fd, events)
    };
    let data = u64::try_from(fd).unwrap_or(0);
    sys::epoll_control(epoll, op, fd, events, data).map_err(Error::from)
}

/// Whether two items name the same socket or the same descriptor.
fn same(a: &Item, b: &Item) -> bool {
    if a.socket != 0 || b.socket != 0 {
        a.socket == b.socket
    } else {
        a.fd == b.fd
    }
}

fn empty_event() -> zmq_poller_event_t {
    zmq_poller_event_t {
        socket: std::ptr::null_mut(),
        fd: -1,
        user_data: std::ptr::null_mut(),
        events: 0,
    }
}

fn socket_item(s: *mut c_void, user_data: *mut c_void, events: c_short) -> Item {
    Item {
        socket: s as usize,
        fd: -1,
        user_data: user_data as usize,
        events,
    }
}

fn fd_item(fd: c_int, user_data: *mut c_void, events: c_short) -> Result<Item> {
    if fd < 0 {
        return Err(Error::Os(libc::EBADF));
    }
    Ok(Item {
        socket: 0,
        fd,
        user_data: user_data as usize,
        events,
    })
}

/// A new, empty poller (zmq_poller_new(3)).
///
/// # Safety
/// Always safe to call; the result is released with zmq_poller_destroy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_new() -> *mut c_void {
    boundary(std::ptr::null_mut(), || {
        Ok(Handle::into_raw(
            POLLER_TAG,
            Poller {
                items: Mutex::new(Vec::new()),
                epoll: Mutex::new(None),
            },
        ))
    })
}

/// Destroys the poller at `*poller_p` and sets `*poller_p` to NULL (zmq_poller_destroy(3)).
///
/// # Safety
/// `poller_p` must be NULL or point to a pointer that is NULL or a poller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_destroy(poller_p: *mut *mut c_void) -> c_int {
    boundary(-1, || {
        super::non_null(poller_p)?;
        // SAFETY: checked non-NULL; the caller passes a readable, writable pointer.
        let p = unsafe { *poller_p };
        // SAFETY: forwarded from the caller.
        let handle: &Handle<Poller> = unsafe { Handle::from_raw(p, POLLER_TAG, Error::Fault) }?;
        handle.close(POLLER_TAG, Error::Fault)?;
        // SAFETY: as above.
        unsafe { *poller_p = std::ptr::null_mut() };
        Ok(0)
    })
}

/// How many sockets and descriptors the poller holds (zmq_poller_size(3)).
///
/// # Safety
/// `poller` must be NULL or a poller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_size(poller: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        let len = p.items.lock().len();
        Ok(c_int::try_from(len).unwrap_or(c_int::MAX))
    })
}

/// Adds a socket with the events wanted from it (zmq_poller_add(3)); EINVAL if it is there
/// already.
///
/// # Safety
/// `poller` must be NULL or a poller; `socket` NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_add(
    poller: *mut c_void,
    socket: *mut c_void,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        // SAFETY: forwarded from the caller.
        unsafe { check_socket(socket) }?;
        p.add(socket_item(socket, user_data, events))?;
        Ok(0)
    })
}

/// Changes the events wanted from a socket (zmq_poller_modify(3)); EINVAL if it is not there.
///
/// # Safety
/// `poller` must be NULL or a poller; `socket` NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_modify(
    poller: *mut c_void,
    socket: *mut c_void,
    events: c_short,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        // SAFETY: forwarded from the caller.
        unsafe { check_socket(socket) }?;
        p.modify(socket_item(socket, std::ptr::null_mut(), 0), events)?;
        Ok(0)
    })
}

/// Takes a socket out (zmq_poller_remove(3)); EINVAL if it is not there.
///
/// # Safety
/// `poller` must be NULL or a poller; `socket` NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_remove(poller: *mut c_void, socket: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        // SAFETY: forwarded from the caller.
        unsafe { check_socket(socket) }?;
        p.remove(socket_item(socket, std::ptr::null_mut(), 0))?;
        Ok(0)
    })
}

/// Adds a descriptor with the events wanted from it (zmq_poller_add_fd(3)); EBADF for -1,
/// EINVAL if it is there already.
///
/// # Safety
/// `poller` must be NULL or a poller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_add_fd(
    poller: *mut c_void,
    fd: c_int,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        p.add(fd_item(fd, user_data, events)?)?;
        Ok(0)
    })
}

/// Changes the events wanted from a descriptor (zmq_poller_modify_fd(3)).
///
/// # Safety
/// `poller` must be NULL or a poller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_modify_fd(
    poller: *mut c_void,
    fd: c_int,
    events: c_short,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        p.modify(fd_item(fd, std::ptr::null_mut(), 0)?, events)?;
        Ok(0)
    })
}

/// Takes a descriptor out (zmq_poller_remove_fd(3)).
///
/// # Safety
/// `poller` must be NULL or a poller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_remove_fd(poller: *mut c_void, fd: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        p.remove(fd_item(fd, std::ptr::null_mut(), 0)?)?;
        Ok(0)
    })
}

/// Waits for up to `n_events` ready items, `timeout` ms at most (-1: forever); how many were
/// written to `events` (zmq_poller_wait_all(3)). -1 with EAGAIN when none became ready.
///
/// # Safety
/// `poller` must be NULL or a poller; `events` NULL or `n_events` writable events.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_wait_all(
    poller: *mut c_void,
    events: *mut zmq_poller_event_t,
    n_events: c_int,
    timeout: c_long,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        super::non_null(events)?;
        let n = usize::try_from(n_events).map_err(|_| Error::Inval)?;
        // SAFETY: the caller guarantees `n_events` writable events at `events` (non-NULL).
        let out = unsafe { std::slice::from_raw_parts_mut(events, n) };
        Ok(c_int::try_from(p.wait(out, timeout)?).unwrap_or(c_int::MAX))
    })
}

/// Waits for one ready item (zmq_poller_wait(3)): 0 when `event` was filled; -1 with EAGAIN
/// when none became ready, `event` then cleared.
///
/// # Safety
/// `poller` must be NULL or a poller; `event` NULL or one writable event.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_wait(
    poller: *mut c_void,
    event: *mut zmq_poller_event_t,
    timeout: c_long,
) -> c_int {
    // SAFETY: forwarded from the caller, one event.
    let rc = unsafe { zmq_poller_wait_all(poller, event, 1, timeout) };
    if rc < 0 && !event.is_null() {
        // SAFETY: checked non-NULL; the caller passes one writable event.
        unsafe { *event = empty_event() };
    }
    rc.min(0)
}

/// A descriptor that is readable when any item of the poller may be ready
/// (zmq_poller_fd(3)); for every socket type, where libzmq has one for thread-safe sockets
/// only. Valid until the poller is destroyed.
///
/// # Safety
/// `poller` must be NULL or a poller; `fd` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_poller_fd(poller: *mut c_void, fd: *mut c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self::poller(poller) }?;
        super::non_null(fd)?;
        let value = p.fd()?;
        // SAFETY: checked non-NULL; the caller passes a writable int.
        unsafe { *fd = value };
        Ok(0)
    })
}

/// zmq_poll with `sigmask` as the signal mask while waiting, as ppoll(2) (zmq_ppoll(3)).
///
/// # Safety
/// As zmq_poll; `sigmask` NULL or a signal set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_ppoll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    sigmask: *const libc::sigset_t,
) -> c_int {
    // SAFETY: the caller passes NULL or a signal set.
    let mask = unsafe { sigmask.as_ref() };
    // SAFETY: forwarded from the caller.
    unsafe { poll::poll_items(items, nitems, timeout, mask) }
}
