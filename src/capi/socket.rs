//! Sockets: zmq_socket, zmq_close, bind/connect, send/receive and options.

use std::cell::Cell;
use std::cell::UnsafeCell;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::os::fd::RawFd;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering, compiler_fence};
use std::time::Instant;

use parking_lot::{Condvar, Mutex, MutexGuard, ReentrantMutex, ReentrantMutexGuard};

use super::constants::*;
use super::ctx::ctx_handle;
use super::msg::{live, zmq_msg_t};
use super::{boundary, non_null};
use crate::error::{Error, Result};
use crate::msg::{Foreign, Msg};
use crate::socket::{Flags, Socket, SocketType};

/// First word of every live socket handle.
const SOCKET_TAG: u32 = 0xbadd_ecaf;
/// Tag of a closed socket's handle.
const CLOSED: u32 = 0xdead_decf;

/// A socket as C sees it. Sockets are used by one thread at a time; the `busy` flag makes a
/// call that overlaps another on the same socket (from a second thread, or from a free function
/// run inside a call) fail with EAGAIN instead of racing or deadlocking. A socket used by one
/// thread is biased to it (`owner`): that thread's calls mark themselves `inside` with plain
/// stores instead of taking `busy` (see `with_plain_socket`). A thread-safe socket
/// (SERVER, CLIENT, RADIO, ...) also has a `Sharing`: its calls take turns, and a blocked call
/// waits without holding the socket. The handle is never freed, so a closed socket's pointer
/// stays readable and answers ENOTSOCK.
#[repr(C)]
struct SocketHandle {
    tag: AtomicU32,
    /// 0 when free, else bit 31 and the fork generation (`sys::fork_generation`) of the process
    /// whose thread holds it: a forked child can tell a flag left set by a thread it does not
    /// have.
    busy: AtomicU32,
    /// The thread whose calls skip `busy` (its `thread_token`), 0 for none. Set by that thread
    /// at the end of a call that held `busy`; cleared by any call that takes `busy`
    /// (`take_bias_back`).
    owner: AtomicU64,
    /// Whether the owner is in a call that skipped `busy`. Written by the owner only.
    inside: AtomicBool,
    /// How many times another thread took the bias back (see `BIAS_REVOKES`).
    revoked: AtomicU32,
    /// Boxed, so that a closed handle keeps its few bytes only, not the socket's ~900.
    socket: UnsafeCell<Option<Box<Socket>>>,
    /// For the thread-safe types only.
    sharing: Option<Box<Sharing>>,
}

// SAFETY: the socket inside is reached only by the one thread that holds `busy`, or by its
// owner while `inside` (see `enter_biased`).
unsafe impl Sync for SocketHandle {}

/// What lets several threads use a thread-safe socket: each call takes a turn (the lock), and
/// a call that must wait gives its turn up while it waits.
///
/// Waiting works as libzmq's condition variable does, over the socket's ZMQ_FD. One waiting
/// thread at a time (the watcher) polls ZMQ_FD; the others sleep on `changed`. Whoever
/// processes commands during its turn (which may make another thread's call possible) moves
/// `epoch` on and wakes the sleepers, and the watcher through ZMQ_FD; a watcher woken by
/// ZMQ_FD takes its turn, which processes the commands that came. Every thread then tries its
/// call again. Nothing here is held across a turn, so two thread-safe sockets that signal each
/// other cannot deadlock (libzmq's mailbox takes the receiving socket's lock to post).
struct Sharing {
    turn: ReentrantMutex<()>,
    waits: Mutex<Waits>,
    changed: Condvar,
}

#[derive(Default)]
struct Waits {
    /// Moves on whenever a turn processed commands.
    epoch: u64,
    /// Threads between giving up their turn to wait and returning to try again.
    waiting: u32,
    /// Whether a waiting thread polls ZMQ_FD.
    watcher: bool,
    /// The socket was closed: waiting threads leave (and find it closed).
    closed: bool,
}

impl Sharing {
    /// Records that a turn processed commands, and wakes the waiting threads.
    fn changed(&self, socket: &Socket) {
        let mut waits = self.waits.lock();
        waits.epoch = waits.epoch.wrapping_add(1);
        if waits.waiting > 0 {
            self.changed.notify_all();
            if waits.watcher {
                socket.raise_fd();
            }
        }
    }

    /// Waits, counted in `waiting` by `Busy::begin_wait`, until the epoch moves on from
    /// `seen`, ZMQ_FD (`fd`) becomes readable, the socket is closed or `deadline` passes; the
    /// caller then tries again. EINTR when a signal interrupted the poll.
    fn wait(&self, seen: u64, fd: RawFd, deadline: Option<Instant>) -> Result<()> {
        let mut waits = self.waits.lock();
        let result = loop {
            if waits.epoch != seen || waits.closed {
                break Ok(());
            }
            let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if timeout.is_some_and(|t| t.is_zero()) {
                break Ok(());
            }
            if !waits.watcher {
                waits.watcher = true;
                let polled =
                    MutexGuard::unlocked(&mut waits, || crate::sys::poll_readable(fd, timeout));
                waits.watcher = false;
                // Someone else may have to watch now.
                self.changed.notify_all();
                break match polled {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(Error::Intr),
                    _ => Ok(()),
                };
            }
            match deadline {
                Some(deadline) => {
                    self.changed.wait_until(&mut waits, deadline);
                }
                None => self.changed.wait(&mut waits),
            }
        };
        waits.waiting -= 1;
        if waits.closed {
            self.changed.notify_all();
        }
        result
    }

    /// The socket was taken out of its handle: the waiting threads are woken and leave; their
    /// `fd` stays open until the last has.
    fn close(&self, socket: &Socket) {
        let mut waits = self.waits.lock();
        waits.closed = true;
        while waits.waiting > 0 {
            socket.raise_fd();
            self.changed.notify_all();
            self.changed
                .wait_for(&mut waits, std::time::Duration::from_millis(10));
        }
    }
}

/// A call's hold on a socket: clears the handle's `busy` flag when the call ends, however it
/// ends, and for a thread-safe socket tells the waiting threads about the commands the call
/// processed, then ends the turn.
struct Busy<'a> {
    handle: &'a SocketHandle,
    commands_before: u64,
    /// Released after `drop` ran (fields drop after the body).
    _turn: Option<ReentrantMutexGuard<'a, ()>>,
}

impl Busy<'_> {
    /// The open socket.
    fn socket(&mut self) -> Result<&mut Socket> {
        // SAFETY: `busy` is held: no other reference to the socket exists until it is released.
        unsafe { &mut *self.handle.socket.get() }
            .as_deref_mut()
            .ok_or(Error::NotSock)
    }

    /// For a thread-safe socket, reports the commands processed since the turn began (or
    /// since the last report).
    #[cold]
    #[inline(never)]
    fn report(&mut self) {
        let Some(sharing) = self.handle.sharing.as_deref() else {
            return;
        };
        // SAFETY: as in `socket`.
        if let Some(socket) = unsafe { &*self.handle.socket.get() }.as_deref() {
            let now = socket.commands_seen();
            if now != self.commands_before {
                self.commands_before = now;
                sharing.changed(socket);
            }
        }
    }

    /// Counts the caller among the waiting threads, before the turn ends (so that a close
    /// waits for it), and returns the epoch its wait starts from.
    fn begin_wait(mut self, sharing: &Sharing) -> u64 {
        self.report();
        let mut waits = sharing.waits.lock();
        waits.waiting += 1;
        waits.epoch
    }
}

impl Drop for Busy<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.handle.sharing.is_some() {
            self.report();
        }
        self.handle.busy.store(0, Ordering::Release);
    }
}

/// The live socket handle behind `s`, held busy for the caller; ENOTSOCK for NULL, closed or
/// foreign pointers, EAGAIN when a call on it is under way (on a thread-safe socket, when
/// the calling thread itself is in a call on it).
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
unsafe fn acquire<'a>(s: *mut c_void) -> Result<Busy<'a>> {
    // SAFETY: forwarded from the caller.
    unsafe { acquire_for(s, false) }
}

/// `acquire`, and for `closing`, also a handle left busy by a thread of the process this one
/// was forked from: that thread does not exist here and will never release it, and a close
/// in a forked child only abandons the socket (see `zmq_close`), never reads its state.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
#[inline]
unsafe fn acquire_for<'a>(s: *mut c_void, closing: bool) -> Result<Busy<'a>> {
    // SAFETY: forwarded from the caller.
    let handle = unsafe { checked_handle(s) }?;
    if let Some(sharing) = handle.sharing.as_deref() {
        return take_turn(handle, sharing, closing);
    }
    take_busy(handle, closing)?;
    Ok(Busy {
        handle,
        commands_before: 0,
        _turn: None,
    })
}

/// The live socket handle behind `s`; ENOTSOCK for NULL, closed or foreign pointers.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
#[inline]
unsafe fn checked_handle<'a>(s: *mut c_void) -> Result<&'a SocketHandle> {
    if s.is_null() {
        return Err(Error::NotSock);
    }
    let handle = s.cast::<SocketHandle>();
    // SAFETY: the caller passes a zmq handle, whose first 4 bytes are its tag.
    if unsafe { (*handle).tag.load(Ordering::Acquire) } != SOCKET_TAG {
        return Err(Error::NotSock);
    }
    // SAFETY: the tag matched: a socket handle, never freed.
    Ok(unsafe { &*handle })
}

/// The hold of a call on a socket that is not thread-safe, which biases the socket to the
/// calling thread (`me`) as it ends, unless biases keep being taken back or cannot be.
struct Held<'a> {
    handle: &'a SocketHandle,
    me: u64,
}

impl Drop for Held<'_> {
    #[inline]
    fn drop(&mut self) {
        let handle = self.handle;
        if handle.revoked.load(Ordering::Relaxed) < BIAS_REVOKES
            && crate::sys::process_barrier_ready()
        {
            handle.owner.store(self.me, Ordering::Relaxed);
        }
        handle.busy.store(0, Ordering::Release);
    }
}

/// Runs `f` on a socket that is not thread-safe, or returns `f` for the caller to run on a
/// thread-safe one through `Busy`.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
#[inline]
unsafe fn with_plain_socket<R, F: FnOnce(&mut Socket) -> Result<R>>(
    s: *mut c_void,
    f: F,
) -> std::result::Result<Result<R>, F> {
    // SAFETY: forwarded from the caller.
    let handle = match unsafe { checked_handle(s) } {
        Ok(handle) => handle,
        Err(e) => return Ok(Err(e)),
    };
    if handle.sharing.is_some() {
        return Err(f);
    }
    let me = thread_token();
    if handle.owner.load(Ordering::Relaxed) == me && enter_biased(handle, me) {
        let _inside = Inside(&handle.inside);
        // SAFETY: the owner is inside, and seen as such by any call that would take the bias
        // back (`enter_biased`): no other reference to the socket exists until it leaves.
        return Ok(match unsafe { &mut *handle.socket.get() }.as_deref_mut() {
            Some(socket) => f(socket),
            None => Err(Error::NotSock),
        });
    }
    if let Err(e) = take_busy(handle, false) {
        return Ok(Err(e));
    }
    let _held = Held { handle, me };
    // SAFETY: `busy` is held: no other reference to the socket exists until it is released.
    Ok(match unsafe { &mut *handle.socket.get() }.as_deref_mut() {
        Some(socket) => f(socket),
        None => Err(Error::NotSock),
    })
}

/// Ends a call of the owner that skipped `busy`.
struct Inside<'a>(&'a AtomicBool);

impl Drop for Inside<'_> {
    #[inline]
    fn drop(&mut self) {
        // Orders the call's accesses before a revoker's look at `inside`.
        self.0.store(false, Ordering::Release);
    }
}

/// Biases a socket takes back before it stops biasing them: past it, a socket passed
/// between threads (a pool of threads taking turns under a lock of their own) takes `busy`
/// on every call, as it did before, rather than paying a barrier each time.
const BIAS_REVOKES: u32 = 4;

/// This thread's token for `SocketHandle::owner`: a number no other thread of this process
/// has, with the fork generation in the high bits, so that a forked child never takes a
/// parent thread's bias for its own.
#[inline]
fn thread_token() -> u64 {
    thread_local! {
        static ID: Cell<u64> = const { Cell::new(0) };
    }
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = ID.with(|id| {
        if id.get() == 0 {
            id.set(NEXT.fetch_add(1, Ordering::Relaxed) & TOKEN_ID);
        }
        id.get()
    });
    u64::from(crate::sys::fork_generation()) << 40 | id
}

/// The bits of a token that number the thread (the rest is the fork generation).
const TOKEN_ID: u64 = (1 << 40) - 1;

/// The owner's side of the bias: marks it inside, then checks that it still owns the socket.
/// Together with the revoker's side (`take_bias_back`: clears `owner`, then a barrier on
/// every thread, then reads `inside`) it makes sure that they cannot both go on: either the
/// owner sees `owner` cleared and leaves, or the revoker sees it inside. The owner's store
/// and load may only be reordered by the processor, and the barrier orders them. False (not
/// inside) when the bias was taken back, or when the owner is already inside: a call from a
/// free function run inside its own call, which `take_busy` refuses.
#[inline]
fn enter_biased(handle: &SocketHandle, me: u64) -> bool {
    if handle.inside.load(Ordering::Relaxed) {
        return false;
    }
    handle.inside.store(true, Ordering::Relaxed);
    compiler_fence(Ordering::SeqCst);
    if handle.owner.load(Ordering::Acquire) == me {
        return true;
    }
    handle.inside.store(false, Ordering::Release);
    false
}

/// After `busy` was taken: clears the bias, so that its owner's next calls take `busy` too.
/// EAGAIN when the owner is in a call now (for the owner itself, a call from a free function
/// run inside its own), unless `closing` a socket a thread of the parent process was in at
/// the fork.
fn take_bias_back(handle: &SocketHandle, closing: bool) -> Result<()> {
    let owner = handle.owner.load(Ordering::Acquire);
    if owner == 0 {
        return Ok(());
    }
    let me = thread_token();
    if owner == me {
        // `inside` is this thread's own.
        if handle.inside.load(Ordering::Relaxed) {
            return Err(Error::Again);
        }
        handle.owner.store(0, Ordering::Relaxed);
        return Ok(());
    }
    if owner >> 40 != me >> 40 {
        // A thread of the process this one was forked from: it does not run here.
        if handle.inside.load(Ordering::Acquire) && !closing {
            return Err(Error::Again);
        }
        handle.owner.store(0, Ordering::Relaxed);
        return Ok(());
    }
    handle.owner.store(0, Ordering::Relaxed);
    if !crate::sys::process_barrier() {
        // The owner cannot be seen to be outside: the bias stays.
        handle.owner.store(owner, Ordering::Relaxed);
        return Err(Error::Again);
    }
    if handle.inside.load(Ordering::Acquire) {
        // In a call now. The bias stays, so that the next call to take `busy` looks again
        // (cleared, it would let that call in beside the owner's).
        handle.owner.store(owner, Ordering::Relaxed);
        return Err(Error::Again);
    }
    handle.revoked.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// Sets the handle's `busy` flag (see `acquire_for`), and takes back the socket's bias.
#[inline]
fn take_busy(handle: &SocketHandle, closing: bool) -> Result<()> {
    let mine = crate::sys::fork_generation() | 1 << 31;
    match handle
        .busy
        .compare_exchange(0, mine, Ordering::Acquire, Ordering::Relaxed)
    {
        Ok(_) => {}
        Err(holder) if closing && holder != mine => handle
            .busy
            .compare_exchange(holder, mine, Ordering::Acquire, Ordering::Relaxed)
            .map(drop)
            .map_err(|_| Error::Again)?,
        Err(_) => return Err(Error::Again),
    }
    take_bias_back(handle, closing).inspect_err(|_| handle.busy.store(0, Ordering::Release))
}

/// `acquire_for` of a thread-safe socket: waits for its turn first. Out of line, so that the
/// other sockets' calls carry none of it.
#[cold]
#[inline(never)]
fn take_turn<'a>(
    handle: &'a SocketHandle,
    sharing: &'a Sharing,
    closing: bool,
) -> Result<Busy<'a>> {
    let turn = sharing.turn.try_lock().or_else(|| {
        let holder = handle.busy.load(Ordering::Relaxed);
        let mine = crate::sys::fork_generation() | 1 << 31;
        // A child closing a socket whose turn a thread of its parent held at the fork.
        let orphaned = closing && holder != 0 && holder != mine;
        (!orphaned).then(|| sharing.turn.lock())
    });
    take_busy(handle, closing)?;
    // SAFETY: `busy` is held.
    let commands_before = unsafe { &*handle.socket.get() }
        .as_deref()
        .map_or(0, Socket::commands_seen);
    Ok(Busy {
        handle,
        commands_before,
        _turn: turn,
    })
}

/// Runs `f` on the open socket behind `s`; ENOTSOCK for NULL, closed or foreign pointers.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
pub(crate) unsafe fn with_socket<R>(
    s: *mut c_void,
    f: impl FnOnce(&mut Socket) -> Result<R>,
) -> Result<R> {
    // SAFETY: forwarded from the caller.
    match unsafe { with_plain_socket(s, f) } {
        Ok(result) => result,
        Err(f) => {
            // SAFETY: forwarded from the caller.
            let mut busy = unsafe { acquire(s) }?;
            f(busy.socket()?)
        }
    }
}

/// Runs a send (`sending`) or receive `f` that may block, with `flags`. On a thread-safe
/// socket `f` is only ever asked not to block: between tries the thread waits without its
/// turn, so that other threads can use the socket meanwhile, within ZMQ_SNDTIMEO or
/// ZMQ_RCVTIMEO as the socket would.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket (or another zmq handle).
#[inline]
unsafe fn with_socket_io<R>(
    s: *mut c_void,
    flags: Flags,
    sending: bool,
    mut f: impl FnMut(&mut Socket, Flags) -> Result<R>,
) -> Result<R> {
    // SAFETY: forwarded from the caller.
    match unsafe { with_plain_socket(s, |socket| f(socket, flags)) } {
        Ok(result) => result,
        // SAFETY: forwarded from the caller.
        Err(_) => unsafe { shared_io(s, flags, sending, f) },
    }
}

/// `with_socket_io` of a thread-safe socket.
///
/// # Safety
/// As `with_socket_io`.
#[inline(never)]
unsafe fn shared_io<R>(
    s: *mut c_void,
    flags: Flags,
    sending: bool,
    mut f: impl FnMut(&mut Socket, Flags) -> Result<R>,
) -> Result<R> {
    let mut deadline = None;
    loop {
        // SAFETY: forwarded from the caller.
        let mut busy = unsafe { acquire(s) }?;
        let handle = busy.handle;
        let Some(sharing) = handle.sharing.as_deref() else {
            return f(busy.socket()?, flags);
        };
        let socket = busy.socket()?;
        let quick = Flags {
            dont_wait: true,
            ..flags
        };
        let mut result = f(socket, quick);
        if matches!(result, Err(Error::Again)) {
            // Takes what came meanwhile, which lowers ZMQ_FD for the wait, and tries again.
            socket.process_pending()?;
            result = f(socket, quick);
        }
        let timeout = if sending {
            socket.options().sndtimeo
        } else {
            socket.options().rcvtimeo
        };
        if !matches!(result, Err(Error::Again)) || flags.dont_wait || timeout == 0 {
            return result;
        }
        let deadline = *deadline.get_or_insert_with(|| {
            u64::try_from(timeout)
                .ok()
                .map(|ms| Instant::now() + std::time::Duration::from_millis(ms))
        });
        if deadline.is_some_and(|d| d <= Instant::now()) {
            return Err(Error::Again);
        }
        let fd = socket.fd();
        let seen = busy.begin_wait(sharing);
        sharing.wait(seen, fd, deadline)?;
    }
}

pub(super) fn socket_type(raw: c_int) -> Result<SocketType> {
    SocketType::from_raw(raw)
}

fn flags(raw: c_int) -> Flags {
    Flags {
        dont_wait: raw & ZMQ_DONTWAIT != 0,
        more: raw & ZMQ_SNDMORE != 0,
    }
}

/// A size as the int the send and receive calls return.
fn size_result(size: usize) -> c_int {
    c_int::try_from(size).unwrap_or(c_int::MAX)
}

/// A C string argument.
///
/// # Safety
/// `text` must be NULL or NUL-terminated.
pub(super) unsafe fn text<'a>(text: *const c_char) -> Result<&'a str> {
    non_null(text).map_err(|_| Error::Inval)?;
    // SAFETY: non-NULL and NUL-terminated (caller's contract).
    unsafe { CStr::from_ptr(text) }
        .to_str()
        .map_err(|_| Error::Inval)
}

/// Runs an endpoint operation (bind, connect, unbind, disconnect) for C.
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
unsafe fn endpoint_call(
    s: *mut c_void,
    addr: *const c_char,
    op: fn(&mut Socket, &str) -> Result<()>,
) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(s, |socket| op(socket, text(addr)?)) }.map(|()| 0)
    })
}

/// Creates a socket of `type_` in `ctx` (zmq_socket(3)).
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by zmq_ctx_new / zmq_init.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_socket(ctx: *mut c_void, type_: c_int) -> *mut c_void {
    boundary(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_handle(ctx) }?.object(Error::Fault)?;
        let socket = Socket::new(ctx, socket_type(type_)?)?;
        let sharing = socket.socket_type().is_thread_safe().then(|| {
            Box::new(Sharing {
                turn: ReentrantMutex::new(()),
                waits: Mutex::new(Waits::default()),
                changed: Condvar::new(),
            })
        });
        let handle = SocketHandle {
            tag: AtomicU32::new(SOCKET_TAG),
            busy: AtomicU32::new(0),
            owner: AtomicU64::new(0),
            inside: AtomicBool::new(false),
            revoked: AtomicU32::new(0),
            socket: UnsafeCell::new(Some(Box::new(socket))),
            sharing,
        };
        Ok(Box::into_raw(Box::new(handle)).cast())
    })
}

/// Closes a socket (zmq_close(3)). Messages already sent are still delivered to inproc peers.
///
/// # Safety
/// `s` must be NULL or a pointer returned by zmq_socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_close(s: *mut c_void) -> c_int {
    boundary(-1, || {
        let (socket, sharing) = {
            // SAFETY: forwarded from the caller.
            let busy = unsafe { acquire_for(s, true) }?;
            let handle = busy.handle;
            // SAFETY: `busy` is held: no other reference to the socket exists.
            let socket = unsafe { &mut *handle.socket.get() }
                .take()
                .ok_or(Error::NotSock)?;
            handle.tag.store(CLOSED, Ordering::Release);
            (socket, handle.sharing.as_deref())
        };
        if socket.is_inherited() {
            // A forked child closing what it inherited: the parent's threads that share the
            // socket's pipes and locks are not in this process, and may have held those locks
            // at the fork. The socket is left as it is (its memory and descriptors go with the
            // child's exit or exec; the parent's copy is untouched).
            std::mem::forget(socket);
            return Ok(0);
        }
        if let Some(sharing) = sharing {
            // Threads waiting in a call on it leave first: they poll its descriptor.
            sharing.close(&socket);
        }
        // Dropped once the handle is released: closing may run free functions that call the library.
        drop(socket);
        Ok(0)
    })
}

/// Binds the socket to an endpoint (zmq_bind(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_bind(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s, addr, Socket::bind) }
}

/// Connects the socket to an endpoint (zmq_connect(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_connect(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s, addr, Socket::connect) }
}

/// Stops listening on an endpoint (zmq_unbind(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_unbind(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s, addr, Socket::unbind) }
}

/// Disconnects from an endpoint (zmq_disconnect(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_disconnect(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s, addr, Socket::disconnect) }
}

/// Monitors a socket's connection events on an inproc PAIR endpoint, or stops monitoring
/// when `addr` is NULL (zmq_socket_monitor(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `addr` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_socket_monitor(
    s: *mut c_void,
    addr: *const c_char,
    events: c_int,
) -> c_int {
    // Version 1 events through a PAIR; the mask is read as the unsigned bits it is.
    // SAFETY: forwarded from the caller.
    unsafe {
        super::socket_draft::zmq_socket_monitor_versioned(
            s,
            addr,
            u64::from(events as u32),
            1,
            ZMQ_PAIR,
        )
    }
}

/// Sends a frame copied from a buffer; returns its size (zmq_send(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `buf` must hold `len` bytes (or be NULL with `len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_send(
    s: *mut c_void,
    buf: *const c_void,
    len: usize,
    flags_: c_int,
) -> c_int {
    boundary(-1, || {
        // SAFETY: the caller guarantees `len` readable bytes at `buf`.
        let data = unsafe { super::bytes(buf, len) }?;
        let mut msg = Msg::from_slice(data);
        // SAFETY: forwarded from the caller.
        unsafe { with_socket_io(s, flags(flags_), true, |socket, f| socket.send(&mut msg, f)) }?;
        Ok(size_result(len))
    })
}

/// Sends a frame over a buffer that stays valid and unchanged for ever, without copying it
/// (zmq_send_const(3)).
///
/// # Safety
/// As zmq_send; the buffer must outlive every use of the message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_send_const(
    s: *mut c_void,
    buf: *const c_void,
    len: usize,
    flags_: c_int,
) -> c_int {
    boundary(-1, || {
        if buf.is_null() && len > 0 {
            return Err(Error::Fault);
        }
        // SAFETY: zmq_send_const(3): the application keeps the buffer valid for ever.
        let mut msg =
            Msg::foreign(unsafe { Foreign::new(buf.cast_mut(), len, None, ptr::null_mut()) });
        // SAFETY: forwarded from the caller.
        unsafe { with_socket_io(s, flags(flags_), true, |socket, f| socket.send(&mut msg, f)) }?;
        Ok(size_result(len))
    })
}

/// Receives a frame into a buffer, truncating it to `len`; returns the frame's full size
/// (zmq_recv(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `buf` must have room for `len` bytes (or be NULL with `len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_recv(
    s: *mut c_void,
    buf: *mut c_void,
    len: usize,
    flags_: c_int,
) -> c_int {
    boundary(-1, || {
        if buf.is_null() && len > 0 {
            return Err(Error::Fault);
        }
        // SAFETY: forwarded from the caller.
        unsafe {
            with_socket_io(s, flags(flags_), false, |socket, f| {
                let mut msg = Msg::new();
                socket.recv(f, &mut msg)?;
                let n = msg.size().min(len);
                if n > 0 {
                    // SAFETY: the caller guarantees room for `len` >= n bytes at `buf`.
                    ptr::copy_nonoverlapping(msg.data().as_ptr(), buf.cast::<u8>(), n);
                }
                socket.recycle_metadata(msg.take_metadata());
                Ok(size_result(msg.size()))
            })
        }
    })
}

/// Sends a message; on success it is left empty (zmq_msg_send(3)).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`; `s` NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_send(msg: *mut zmq_msg_t, s: *mut c_void, flags_: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        unsafe { live(msg) }?;
        // SAFETY: forwarded from the caller; the message is taken only once the socket is known
        // to be valid, and put back when the send fails: a failed send leaves it with the caller.
        unsafe {
            with_socket_io(s, flags(flags_), true, |socket, f| {
                let msg = live(msg)?;
                let size = msg.size();
                socket.send(msg, f)?;
                Ok(size_result(size))
            })
        }
    })
}

/// Receives a message, replacing what `msg` held (zmq_msg_recv(3)).
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`; `s` NULL or a socket.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_msg_recv(msg: *mut zmq_msg_t, s: *mut c_void, flags_: c_int) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let old = unsafe { live(msg) }?;
        // SAFETY: forwarded from the caller.
        let received = unsafe {
            with_socket_io(s, flags(flags_), false, |socket, f| {
                // The old message's properties reference goes to the next message (see
                // `Socket::recycle_metadata`); a failed call gives it back.
                let spare = old.take_metadata();
                let had_spare = spare.is_some();
                socket.recycle_metadata(spare);
                let received = socket.recv(f, old);
                if let Err(error) = received {
                    recv_failed(socket, old, error, had_spare);
                }
                received
            })
        };
        received?;
        Ok(size_result(old.size()))
    })
}

/// What a failed zmq_msg_recv leaves in the message. As libzmq: a receive that found nothing
/// (EAGAIN, EINTR) leaves an empty message, but for an XPUB, which leaves the old one as it
/// was; other failures leave it as it was, with the properties reference it lent the socket.
/// Out of line, so the receive that succeeds stays small.
#[cold]
#[inline(never)]
fn recv_failed(socket: &mut Socket, msg: &mut Msg, error: Error, had_spare: bool) {
    if matches!(error, Error::Again | Error::Intr) && socket.socket_type() != SocketType::XPub {
        *msg = Msg::new();
    } else if had_spare {
        msg.set_metadata(socket.take_spare_metadata());
    }
}

/// Old name of zmq_msg_send with the arguments of zmq_send (zmq_sendmsg(3)).
///
/// # Safety
/// As zmq_msg_send.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_sendmsg(s: *mut c_void, msg: *mut zmq_msg_t, flags_: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_msg_send(msg, s, flags_) }
}

/// Old name of zmq_msg_recv with the arguments of zmq_recv (zmq_recvmsg(3)).
///
/// # Safety
/// As zmq_msg_recv.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_recvmsg(s: *mut c_void, msg: *mut zmq_msg_t, flags_: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_msg_recv(msg, s, flags_) }
}

/// Sets a socket option (zmq_setsockopt(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `optval` must hold `optvallen` bytes (or be NULL with 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_setsockopt(
    s: *mut c_void,
    option: c_int,
    optval: *const c_void,
    optvallen: usize,
) -> c_int {
    boundary(-1, || {
        if optval.is_null() && optvallen > 0 {
            return Err(Error::Inval);
        }
        let value = if optval.is_null() {
            None
        } else if optvallen == 0 {
            Some(&[][..])
        } else {
            // SAFETY: the caller guarantees `optvallen` readable bytes (checked non-NULL).
            Some(unsafe { std::slice::from_raw_parts(optval.cast::<u8>(), optvallen) })
        };
        // SAFETY: forwarded from the caller.
        unsafe { with_socket(s, |socket| socket.set_option(option, value)) }.map(|()| 0)
    })
}

/// Reads a socket option; `*optvallen` is the buffer size on entry and the value's size on
/// return (zmq_getsockopt(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `optvallen` NULL or valid; `optval` must have room for
/// `*optvallen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_getsockopt(
    s: *mut c_void,
    option: c_int,
    optval: *mut c_void,
    optvallen: *mut usize,
) -> c_int {
    boundary(-1, || {
        non_null(optvallen).map_err(|_| Error::Inval)?;
        // SAFETY: non-NULL (checked) and readable (caller's contract).
        let room = unsafe { *optvallen };
        if optval.is_null() && room > 0 {
            return Err(Error::Inval);
        }
        let out = if room == 0 {
            &mut [][..]
        } else {
            // SAFETY: the caller guarantees room for `room` bytes at `optval` (checked non-NULL).
            unsafe { std::slice::from_raw_parts_mut(optval.cast::<u8>(), room) }
        };
        // SAFETY: forwarded from the caller.
        let written = unsafe { with_socket(s, |socket| socket.get_option(option, out)) }?;
        // SAFETY: as above.
        unsafe { *optvallen = written };
        Ok(0)
    })
}

/// C's `struct iovec` from <sys/uio.h>, opaque here (the functions read it as `libc::iovec`).
#[allow(non_camel_case_types)]
pub struct iovec {
    _opaque: [u8; 0],
}

/// Sends `count` buffers as frames: all but the last with `flags`, the last without
/// ZMQ_SNDMORE; returns the last frame's size (zmq_sendiov(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `iov` must point to `count` valid buffers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_sendiov(
    s: *mut c_void,
    iov: *mut iovec,
    count: usize,
    flags_: c_int,
) -> c_int {
    boundary(-1, || {
        if iov.is_null() || count == 0 {
            return Err(Error::Inval);
        }
        // SAFETY: the caller guarantees `count` iovecs at `iov` (checked non-NULL).
        let parts = unsafe { std::slice::from_raw_parts(iov.cast::<libc::iovec>(), count) };
        let mut last = 0;
        for (i, part) in parts.iter().enumerate() {
            if part.iov_base.is_null() && part.iov_len > 0 {
                return Err(Error::Fault);
            }
            let data = if part.iov_len == 0 {
                &[][..]
            } else {
                // SAFETY: the caller guarantees `iov_len` readable bytes at `iov_base`.
                unsafe { std::slice::from_raw_parts(part.iov_base.cast::<u8>(), part.iov_len) }
            };
            let frame_flags = if i + 1 == count {
                flags_ & !ZMQ_SNDMORE
            } else {
                flags_
            };
            let mut msg = Msg::from_slice(data);
            // SAFETY: forwarded from the caller.
            unsafe {
                with_socket_io(s, flags(frame_flags), true, |socket, f| {
                    socket.send(&mut msg, f)
                })
            }?;
            last = size_result(part.iov_len);
        }
        Ok(last)
    })
}

/// Receives up to `*count` frames of a message into buffers allocated with malloc (the caller
/// frees them); sets `*count` and returns the number received (zmq_recviov(3)).
///
/// # Safety
/// `s` must be NULL or a socket; `count` must point to the number of iovecs at `iov`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_recviov(
    s: *mut c_void,
    iov: *mut iovec,
    count: *mut usize,
    flags_: c_int,
) -> c_int {
    boundary(-1, || {
        if iov.is_null() || count.is_null() {
            return Err(Error::Inval);
        }
        // SAFETY: non-NULL (checked) and readable (caller's contract).
        let room = unsafe { *count };
        if room == 0 {
            return Err(Error::Inval);
        }
        // SAFETY: as above.
        unsafe { *count = 0 };
        // SAFETY: the caller guarantees `room` iovecs at `iov`.
        let parts = unsafe { std::slice::from_raw_parts_mut(iov.cast::<libc::iovec>(), room) };
        let mut received = 0;
        for part in parts.iter_mut() {
            let mut msg = Msg::new();
            // SAFETY: forwarded from the caller.
            unsafe {
                with_socket_io(s, flags(flags_), false, |socket, f| {
                    socket.recv(f, &mut msg)
                })
            }?;
            // SAFETY: malloc of any size; checked below. At least 1 byte, so that an empty
            // frame still gets a pointer the caller can free.
            let buffer = unsafe { libc::malloc(msg.size().max(1)) };
            if buffer.is_null() {
                return Err(Error::NoMem);
            }
            // SAFETY: `buffer` holds at least `msg.size()` bytes.
            unsafe {
                ptr::copy_nonoverlapping(msg.data().as_ptr(), buffer.cast::<u8>(), msg.size())
            };
            part.iov_base = buffer;
            part.iov_len = msg.size();
            received += 1;
            // SAFETY: as above.
            unsafe { *count = received };
            if !msg.more() {
                break;
            }
        }
        Ok(size_result(received))
    })
}
