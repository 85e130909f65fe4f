//! Raw system calls the library makes outside mio: eventfd, poll and membarrier. All their unsafe
//! code is here.

pub mod net;

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// A new non-blocking, close-on-exec eventfd with a zero counter.
pub fn eventfd() -> io::Result<OwnedFd> {
    // SAFETY: eventfd takes no pointers; the result is checked before use.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// How many times this process was forked off another since the library was first used (0 in
/// the original process): what was made before a fork and is found with another count is the
/// parent's.
pub fn fork_generation() -> u32 {
    static FORKS: AtomicU32 = AtomicU32::new(0);
    static WATCH: Once = Once::new();
    extern "C" fn forked() {
        FORKS.fetch_add(1, Ordering::Relaxed);
    }
    WATCH.call_once(|| {
        // SAFETY: registers a handler that only touches an atomic, for the child side only.
        unsafe { libc::pthread_atfork(None, None, Some(forked)) };
    });
    FORKS.load(Ordering::Relaxed)
}

/// Whether `process_barrier` works here: registers the process for it once
/// (MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, Linux 4.14). A forked child inherits the
/// registration.
pub fn process_barrier_ready() -> bool {
    static READY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *READY.get_or_init(|| membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
}

/// Makes every running thread of the process execute a full memory barrier before it returns
/// (MEMBARRIER_CMD_PRIVATE_EXPEDITED): the heavy side of a fence whose other side, on the
/// hot path, is a compiler fence. False when it could not (not `process_barrier_ready`).
pub fn process_barrier() -> bool {
    membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)
}

/// Commands of membarrier(2), from the kernel's uapi.
const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_long = 1 << 3;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_long = 1 << 4;

fn membarrier(command: libc::c_long) -> bool {
    // SAFETY: membarrier takes no pointers (flags 0, cpu id unused).
    unsafe {
        libc::syscall(
            libc::SYS_membarrier,
            command,
            0 as libc::c_long,
            0 as libc::c_long,
        ) == 0
    }
}

/// A new close-on-exec epoll instance.
pub fn epoll_create() -> io::Result<OwnedFd> {
    // SAFETY: takes no pointers; the result is checked before use.
    let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Adds `fd` to the epoll instance (`libc::EPOLL_CTL_ADD`), changes its events
/// (`EPOLL_CTL_MOD`) or removes it (`EPOLL_CTL_DEL`); its events are reported with `data`.
pub fn epoll_control(
    epoll: &OwnedFd,
    op: i32,
    fd: RawFd,
    events: u32,
    data: u64,
) -> io::Result<()> {
    let mut event = libc::epoll_event { events, u64: data };
    // SAFETY: a live epoll descriptor we own and a live event structure.
    let rc = unsafe { libc::epoll_ctl(epoll.as_raw_fd(), op, fd, &mut event) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Registers handlers that run around every fork of this process: `prepare` in the forking
/// thread before the fork, `parent` and `child` after it on each side. Not under Miri, which
/// has no fork.
pub fn on_fork(prepare: extern "C" fn(), parent: extern "C" fn(), child: extern "C" fn()) {
    #[cfg(not(miri))]
    // SAFETY: registers three plain functions; pthread_atfork keeps no pointer to our data.
    unsafe {
        libc::pthread_atfork(Some(prepare), Some(parent), Some(child));
    }
    #[cfg(miri)]
    let _ = (prepare, parent, child);
}

/// Puts a new eventfd, signalled, in place of the one at `fd` (the same number, so a ZMQ_FD
/// the application holds stays valid): after a fork, the child's waits and signals then no
/// longer reach the parent's threads, nor take their wake-ups.
pub fn eventfd_renew(fd: &OwnedFd) -> io::Result<()> {
    let fresh = eventfd()?;
    eventfd_signal(&fresh)?;
    // SAFETY: dup2 between two descriptors we own; `fd` keeps its number and stays owned by
    // its OwnedFd, now referring to the fresh eventfd (O_CLOEXEC is set again below).
    let rc = unsafe { libc::dup3(fresh.as_raw_fd(), fd.as_raw_fd(), libc::O_CLOEXEC) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Adds 1 to an eventfd's counter. A counter at its maximum (EAGAIN) is already signalled.
pub fn eventfd_signal(fd: &OwnedFd) -> io::Result<()> {
    let one: u64 = 1;
    loop {
        // SAFETY: writes 8 bytes from a live u64 to a descriptor we own.
        let n = unsafe { libc::write(fd.as_raw_fd(), (&raw const one).cast(), 8) };
        if n == 8 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        match err.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(()),
            _ => return Err(err),
        }
    }
}

/// Reads and clears an eventfd's counter; returns whether it was signalled.
pub fn eventfd_clear(fd: &OwnedFd) -> io::Result<bool> {
    let mut value: u64 = 0;
    loop {
        // SAFETY: reads 8 bytes into a live u64 from a descriptor we own.
        let n = unsafe { libc::read(fd.as_raw_fd(), (&raw mut value).cast(), 8) };
        if n == 8 {
            return Ok(value > 0);
        }
        let err = io::Error::last_os_error();
        match err.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(false),
            _ => return Err(err),
        }
    }
}

/// A poll(2) time-out in milliseconds (-1: forever), rounded up so that a short wait does not
/// become a busy poll.
fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        Some(t) => i32::try_from(t.as_micros().div_ceil(1000)).unwrap_or(i32::MAX),
    }
}

/// Waits until `fd` is readable or `timeout` passes (None: forever). Ok(true) when readable,
/// Ok(false) on time-out; a signal interrupts the wait with `ErrorKind::Interrupted`.
pub fn poll_readable(fd: RawFd, timeout: Option<Duration>) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one live pollfd, count 1.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms(timeout)) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n > 0)
}

/// Waits until `first` or `second` is readable (or has an error or hang-up), or `timeout`
/// passes: which of them are, both false on time-out; a signal interrupts the wait with
/// `ErrorKind::Interrupted`.
pub fn poll_either(
    first: RawFd,
    second: RawFd,
    timeout: Option<Duration>,
) -> io::Result<(bool, bool)> {
    let mut fds = [first, second].map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    poll(&mut fds, timeout_ms(timeout), None)?;
    Ok((fds[0].revents != 0, fds[1].revents != 0))
}

/// Waits on several descriptors (poll(2), or ppoll(2) with `mask` as the signal mask while
/// waiting); `timeout_ms` < 0 waits forever. Returns how many have events; a signal
/// interrupts the wait with `ErrorKind::Interrupted`.
pub fn poll(
    fds: &mut [libc::pollfd],
    timeout_ms: i32,
    mask: Option<&libc::sigset_t>,
) -> io::Result<usize> {
    let count = libc::nfds_t::try_from(fds.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let n = match mask {
        // SAFETY: `fds` is a live, writable slice of `count` pollfd structures.
        None => unsafe { libc::poll(fds.as_mut_ptr(), count, timeout_ms) },
        Some(mask) => {
            let timeout = (timeout_ms >= 0).then(|| libc::timespec {
                tv_sec: libc::time_t::from(timeout_ms / 1000),
                tv_nsec: libc::c_long::from(timeout_ms % 1000) * 1_000_000,
            });
            let timeout_ptr = timeout.as_ref().map_or(std::ptr::null(), |t| t as *const _);
            // SAFETY: as poll; the timespec (or NULL) and the mask are live for the call.
            unsafe { libc::ppoll(fds.as_mut_ptr(), count, timeout_ptr, mask) }
        }
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}
