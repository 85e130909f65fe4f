//! Signaler: a wake-up flag a thread can wait on, backed by an eventfd. Its file descriptor is
//! what ZMQ_FD returns: readable while a signal is pending.
#![forbid(unsafe_code)]

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sys;

/// A wake-up flag with a pollable file descriptor.
///
/// A forked child inherits the parent's eventfd: the same kernel object, which the parent's
/// threads still wait on. Reading it in the child would take the parent's wake-ups (libzmq
/// closes such descriptors in the child for that reason), so the first use in a child gives
/// the signaler an eventfd of its own under the same number, signalled, since a signal may have
/// been due when the process forked.
#[derive(Debug)]
pub struct Signaler {
    fd: OwnedFd,
    /// `sys::fork_generation()` when `fd` was made.
    generation: AtomicU32,
}

impl Signaler {
    /// A new, unsignalled signaler.
    pub fn new() -> Result<Self> {
        Ok(Signaler {
            generation: AtomicU32::new(sys::fork_generation()),
            fd: sys::eventfd().map_err(|e| match e.raw_os_error() {
                Some(libc::EMFILE) | Some(libc::ENFILE) => Error::MFile,
                _ => Error::from(e),
            })?,
        })
    }

    /// The descriptor: readable while a signal is pending.
    pub fn fd(&self) -> RawFd {
        self.own();
        self.fd.as_raw_fd()
    }

    /// In a process forked since the eventfd was made, replaces it (see the type).
    fn own(&self) {
        let now = sys::fork_generation();
        let made = self.generation.load(Ordering::Relaxed);
        if made != now
            && self
                .generation
                .compare_exchange(made, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let _ = sys::eventfd_renew(&self.fd);
        }
    }

    /// Raises the signal.
    pub fn send(&self) {
        self.own();
        // Cannot fail on a valid eventfd but for a full counter, which is already signalled.
        let _ = sys::eventfd_signal(&self.fd);
    }

    /// Waits for the signal, at most `timeout` (None: forever). `Error::Again` on time-out,
    /// `Error::Intr` when a signal handler ran.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<()> {
        match sys::poll_readable(self.fd(), timeout) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::Again),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(Error::Intr),
            Err(e) => Err(Error::from(e)),
        }
    }

    /// As `wait`, also ending when `other` turns readable: whether the signal is raised
    /// (false: only `other` is ready).
    pub fn wait_or(&self, other: RawFd, timeout: Option<Duration>) -> Result<bool> {
        match sys::poll_either(self.fd(), other, timeout) {
            Ok((true, _)) => Ok(true),
            Ok((false, true)) => Ok(false),
            Ok((false, false)) => Err(Error::Again),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(Error::Intr),
            Err(e) => Err(Error::from(e)),
        }
    }

    /// Lowers the signal; returns whether it was raised.
    pub fn recv(&self) -> bool {
        self.own();
        sys::eventfd_clear(&self.fd).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_wait_recv() {
        let s = Signaler::new().unwrap();
        assert_eq!(s.wait(Some(Duration::ZERO)), Err(Error::Again));
        assert!(!s.recv());
        s.send();
        s.send();
        assert_eq!(s.wait(Some(Duration::ZERO)), Ok(()));
        assert!(s.recv());
        assert_eq!(s.wait(Some(Duration::from_millis(5))), Err(Error::Again));
    }

    #[test]
    fn wakes_a_waiting_thread() {
        let s = std::sync::Arc::new(Signaler::new().unwrap());
        let t = {
            let s = s.clone();
            std::thread::spawn(move || s.wait(None))
        };
        std::thread::sleep(Duration::from_millis(20));
        s.send();
        assert_eq!(t.join().unwrap(), Ok(()));
    }
}
