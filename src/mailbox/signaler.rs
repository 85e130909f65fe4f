//! Signaler: a wake-up flag a thread can wait on, backed by an eventfd. Its file descriptor is
//! what ZMQ_FD returns: readable while a signal is pending.
#![forbid(unsafe_code)]

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sys;

/// A wake-up flag with a pollable file descriptor.
#[derive(Debug)]
pub struct Signaler {
    fd: OwnedFd,
}

impl Signaler {
    /// A new, unsignalled signaler.
    pub fn new() -> Result<Self> {
        Ok(Signaler {
            fd: sys::eventfd().map_err(|e| match e.raw_os_error() {
                Some(libc::EMFILE) | Some(libc::ENFILE) => Error::MFile,
                _ => Error::from(e),
            })?,
        })
    }

    /// The descriptor: readable while a signal is pending.
    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Raises the signal.
    pub fn send(&self) {
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

    /// Lowers the signal; returns whether it was raised.
    pub fn recv(&self) -> bool {
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
