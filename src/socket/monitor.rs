//! Socket monitors (zmq_socket_monitor, zmq_socket_monitor_versioned): a PAIR (or PUB, or PUSH)
//! socket bound to an inproc endpoint, to which the monitored socket, its listeners and its
//! sessions send one message per event. Version 1: a 6-byte frame (the event as a native u16,
//! its value as a native u32), then the endpoint. Version 2: the event as a native u64, the
//! number of values (1, or 2 for ZMQ_EVENT_PIPES_STATS) and the values as u64s, then the local
//! and the remote endpoint.
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
    /// Version 2 only: a pipe's queue lengths (zmq_socket_monitor_pipes_stats).
    pub(crate) const PIPES_STATS: u64 = 0x10000;
}

/// Where an event happened. Version 1 reports one endpoint; version 2 the local and the
/// remote one, as libzmq does: a listener's events are local, a connecter's remote, and a
/// connection's (handshakes, disconnection) have both ends' addresses.
#[derive(Clone, Copy)]
pub(crate) enum Place<'a> {
    /// A listener's endpoint.
    Bound(&'a str),
    /// An endpoint being connected to.
    Connecting(&'a str),
    /// A connection: the endpoint it serves, and how to learn the addresses of its two ends.
    Connection(&'a str, &'a dyn Fn() -> (String, String)),
}

impl Place<'_> {
    /// The one endpoint of version 1.
    fn endpoint(&self) -> &str {
        match *self {
            Place::Bound(e) | Place::Connecting(e) | Place::Connection(e, _) => e,
        }
    }

    /// The local and remote endpoints of version 2.
    fn ends(&self) -> (String, String) {
        match *self {
            Place::Bound(e) => (e.to_owned(), String::new()),
            Place::Connecting(e) => (String::new(), e.to_owned()),
            Place::Connection(_, ends) => ends(),
        }
    }
}

/// An active monitor.
pub(crate) struct Monitor {
    socket: Socket,
    events: u64,
    /// The event format: 1 or 2.
    version: u8,
}

impl Monitor {
    pub(crate) fn new(socket: Socket, events: u64, version: u8) -> Monitor {
        Monitor {
            socket,
            events,
            version,
        }
    }

    fn send(&mut self, event: u64, values: &[u64], place: Place<'_>) {
        if self.events & event == 0 {
            return;
        }
        let frames: Vec<Vec<u8>> = if self.version == 1 {
            // Version 1 monitors take 16-bit events with one 32-bit value.
            let mut head = Vec::with_capacity(6);
            head.extend_from_slice(&(event as u16).to_ne_bytes());
            head.extend_from_slice(&(values.first().copied().unwrap_or(0) as u32).to_ne_bytes());
            vec![head, place.endpoint().as_bytes().to_vec()]
        } else {
            let (local, remote) = place.ends();
            let mut frames = vec![
                event.to_ne_bytes().to_vec(),
                (values.len() as u64).to_ne_bytes().to_vec(),
            ];
            frames.extend(values.iter().map(|v| v.to_ne_bytes().to_vec()));
            frames.extend([local.into_bytes(), remote.into_bytes()]);
            frames
        };
        let last = frames.len() - 1;
        for (i, frame) in frames.iter().enumerate() {
            let flags = Flags {
                dont_wait: true,
                more: i < last,
            };
            // Events nobody reads in time are dropped, never waited for: once the first
            // frame is taken, so are the rest.
            if self
                .socket
                .send(&mut Msg::from_slice(frame), flags)
                .is_err()
            {
                return;
            }
        }
    }
}

impl Drop for Monitor {
    /// A monitor that stops says so last (ZMQ_EVENT_MONITOR_STOPPED).
    fn drop(&mut self) {
        self.send(u64::from(event::MONITOR_STOPPED), &[0], Place::Bound(""));
    }
}

/// Where a socket's monitor lives, shared with the socket's listeners and sessions.
#[derive(Default)]
pub(crate) struct MonitorSlot {
    monitor: Mutex<Option<Monitor>>,
}

impl MonitorSlot {
    /// Reports an event, if a monitor wants it.
    pub(crate) fn event(&self, event: u16, value: u32, place: Place<'_>) {
        self.event_values(u64::from(event), &[u64::from(value)], place);
    }

    /// Reports an event with any number of values (version 2's form), if a monitor wants it.
    pub(crate) fn event_values(&self, event: u64, values: &[u64], place: Place<'_>) {
        if let Some(monitor) = self.monitor.lock().as_mut() {
            monitor.send(event, values, place);
        }
    }

    /// Whether a monitor wants `event`.
    pub(crate) fn wants(&self, event: u64) -> bool {
        self.monitor
            .lock()
            .as_ref()
            .is_some_and(|m| m.events & event != 0)
    }

    /// Replaces the monitor (None: stops it); the old one reports that it stopped.
    pub(crate) fn set(&self, monitor: Option<Monitor>) {
        let old = std::mem::replace(&mut *self.monitor.lock(), monitor);
        drop(old);
    }
}
