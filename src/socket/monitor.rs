//! Socket monitors (zmq_socket_monitor): a PAIR socket bound to an inproc endpoint, to which
//! the monitored socket, its listeners and its sessions send one two-frame message per event
//! (a 6-byte frame: the event as a native u16 and its value as a native u32; then the endpoint).
#![forbid(unsafe_code)]

use parking_lot::Mutex;

use super::{Flags, Socket};
use crate::msg::Msg;

/// ZMQ_EVENT_* numbers.
pub(crate) mod event {
    pub(crate) const CONNECTED: u16 = 0x0001;
    pub(crate) const CONNECT_DELAYED: u16 = 0x0002;
    pub(crate) const CONNECT_RETRIED: u16 = 0x0004;
    pub(crate) const LISTENING: u16 = 0x0008;
    pub(crate) const BIND_FAILED: u16 = 0x0010;
    pub(crate) const ACCEPTED: u16 = 0x0020;
    pub(crate) const ACCEPT_FAILED: u16 = 0x0040;
    pub(crate) const CLOSED: u16 = 0x0080;
    pub(crate) const DISCONNECTED: u16 = 0x0200;
    pub(crate) const MONITOR_STOPPED: u16 = 0x0400;
    pub(crate) const HANDSHAKE_FAILED_NO_DETAIL: u16 = 0x0800;
    pub(crate) const HANDSHAKE_SUCCEEDED: u16 = 0x1000;
    pub(crate) const HANDSHAKE_FAILED_PROTOCOL: u16 = 0x2000;
    pub(crate) const HANDSHAKE_FAILED_AUTH: u16 = 0x4000;
}

/// An active monitor.
pub(crate) struct Monitor {
    socket: Socket,
    events: u64,
}

impl Monitor {
    pub(crate) fn new(socket: Socket, events: u64) -> Monitor {
        Monitor { socket, events }
    }

    fn send(&mut self, event: u16, value: u32, endpoint: &str) {
        if self.events & u64::from(event) == 0 {
            return;
        }
        let mut head = [0u8; 6];
        head[..2].copy_from_slice(&event.to_ne_bytes());
        head[2..].copy_from_slice(&value.to_ne_bytes());
        let dont_wait = Flags {
            dont_wait: true,
            more: true,
        };
        // Events nobody reads in time are dropped, never waited for.
        if self
            .socket
            .send(&mut Msg::from_slice(&head), dont_wait)
            .is_ok()
        {
            let last = Flags {
                dont_wait: true,
                more: false,
            };
            let _ = self
                .socket
                .send(&mut Msg::from_slice(endpoint.as_bytes()), last);
        }
    }
}

impl Drop for Monitor {
    /// A monitor that stops says so last (ZMQ_EVENT_MONITOR_STOPPED).
    fn drop(&mut self) {
        self.send(event::MONITOR_STOPPED, 0, "");
    }
}

/// Where a socket's monitor lives, shared with the socket's listeners and sessions.
#[derive(Default)]
pub(crate) struct MonitorSlot {
    monitor: Mutex<Option<Monitor>>,
}

impl MonitorSlot {
    /// Reports an event, if a monitor wants it.
    pub(crate) fn event(&self, event: u16, value: u32, endpoint: &str) {
        if let Some(monitor) = self.monitor.lock().as_mut() {
            monitor.send(event, value, endpoint);
        }
    }

    /// Replaces the monitor (None: stops it); the old one reports that it stopped.
    pub(crate) fn set(&self, monitor: Option<Monitor>) {
        let old = std::mem::replace(&mut *self.monitor.lock(), monitor);
        drop(old);
    }
}
