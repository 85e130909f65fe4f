//! What runs over a session's stream: ZMTP, or raw bytes for STREAM sockets (no handshake,
//! each read becomes a message, each message is written as it is).
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::sync::Arc;
use std::time::Instant;

use crate::msg::{Metadata, Msg};
use crate::zmtp::{Config, Connection, DataFrame, Event, Failure, Version};

/// Bytes read from the stream at a time in raw mode.
const RAW_READ: usize = 8192;
/// Messages written per system call at most in raw mode.
const RAW_SLICES: usize = 64;

/// The raw protocol: none.
pub(crate) struct Raw {
    input: Box<[u8]>,
    /// Bytes of `input` read and not yet handed out.
    filled: usize,
    announced: bool,
    output: VecDeque<Msg>,
    /// Bytes of the first output message already written.
    written: usize,
    output_len: usize,
}

impl Raw {
    fn new() -> Raw {
        Raw {
            input: vec![0; RAW_READ].into_boxed_slice(),
            filled: 0,
            announced: false,
            output: VecDeque::new(),
            written: 0,
            output_len: 0,
        }
    }
}

/// A session's protocol.
pub(crate) enum Wire {
    Zmtp(Box<Connection>),
    Raw(Raw),
}

impl Wire {
    pub(crate) fn zmtp(config: Config, now: Instant) -> Wire {
        Wire::Zmtp(Box::new(Connection::new(config, now)))
    }

    pub(crate) fn raw() -> Wire {
        Wire::Raw(Raw::new())
    }

    /// Where the next bytes read from the stream go. `ready` tells how many are ready when a
    /// large frame body's buffer must grow (see `Connection::read_buffer_ready`).
    pub(crate) fn read_buffer_ready(&mut self, ready: impl FnOnce() -> usize) -> &mut [u8] {
        match self {
            Wire::Zmtp(c) => c.read_buffer_ready(ready),
            Wire::Raw(r) => &mut r.input,
        }
    }

    /// Bytes of a frame body under way that have not arrived yet (`Connection::body_missing`).
    pub(crate) fn body_missing(&self) -> usize {
        match self {
            Wire::Zmtp(c) => c.body_missing(),
            Wire::Raw(_) => 0,
        }
    }

    /// `n` bytes were read into `read_buffer`.
    pub(crate) fn read_done(&mut self, n: usize, now: Instant) {
        match self {
            Wire::Zmtp(c) => c.read_done(n, now),
            Wire::Raw(r) => r.filled = n.min(r.input.len()),
        }
    }

    /// Bytes received some other way (after a SOCKS handshake), as if read. In raw mode they
    /// are one read, cut to its buffer (a SOCKS reply's tail is far shorter).
    pub(crate) fn handle_input(&mut self, bytes: &[u8], now: Instant) {
        match self {
            Wire::Zmtp(c) => c.handle_input(bytes, now),
            Wire::Raw(r) => {
                let n = bytes.len().min(r.input.len());
                r.input[..n].copy_from_slice(&bytes[..n]);
                r.filled = n;
            }
        }
    }

    /// The next event; in raw mode, the connection is ready at once and each read is one
    /// message.
    pub(crate) fn poll_event(&mut self, now: Instant) -> Result<Option<Event>, Failure> {
        match self {
            Wire::Zmtp(c) => c.poll_event(now),
            Wire::Raw(r) => {
                if !r.announced {
                    r.announced = true;
                    return Ok(Some(Event::Ready {
                        version: Version::V3_1,
                        peer_routing_id: None,
                        metadata: Arc::new(Metadata::new()),
                        peer_socket_type: None,
                    }));
                }
                if r.filled == 0 {
                    return Ok(None);
                }
                let msg = Msg::from_slice(&r.input[..r.filled]);
                r.filled = 0;
                Ok(Some(Event::Message(msg)))
            }
        }
    }

    /// Gives a ZMTP connection the ZAP handler's reply (raw streams never ask).
    pub(crate) fn zap_reply(&mut self, reply: Option<&[Msg]>) -> Result<(), Failure> {
        match self {
            Wire::Zmtp(conn) => conn.zap_reply(reply),
            Wire::Raw(_) => Ok(()),
        }
    }

    /// The fast path of `poll_event` (see `Connection::deliver_data_frames`); raw streams
    /// take the general one.
    #[inline]
    pub(crate) fn deliver_data_frames(
        &mut self,
        deliver: impl FnMut(DataFrame<'_>) -> bool,
    ) -> bool {
        match self {
            Wire::Zmtp(conn) => conn.deliver_data_frames(deliver),
            Wire::Raw(_) => true,
        }
    }

    /// Whether the fast path did all there is to do until more bytes arrive (see
    /// `Connection::waits_for_bytes`); never for raw streams.
    pub(crate) fn waits_for_bytes(&self) -> bool {
        match self {
            Wire::Zmtp(conn) => conn.waits_for_bytes(),
            Wire::Raw(_) => false,
        }
    }

    /// Queues a frame for the peer, read from where it is (see `Connection::send_in_place`);
    /// `false`, leaving it there, before the handshake is over.
    pub(crate) fn send_in_place(&mut self, msg: &mut Msg) -> bool {
        match self {
            Wire::Zmtp(c) => c.send_in_place(msg),
            Wire::Raw(r) => {
                r.output_len += msg.size();
                if msg.size() > 0 {
                    r.output.push_back(std::mem::take(msg));
                }
                true
            }
        }
    }

    /// Writes what is queued with one call of `write`; returns what it wrote.
    pub(crate) fn write_output<F>(&mut self, write: F) -> io::Result<usize>
    where
        F: FnOnce(&[IoSlice<'_>]) -> io::Result<usize>,
    {
        match self {
            Wire::Zmtp(c) => c.write_output(write),
            Wire::Raw(r) => {
                let mut slices = Vec::with_capacity(r.output.len().min(RAW_SLICES));
                for (i, msg) in r.output.iter().take(RAW_SLICES).enumerate() {
                    let skip = if i == 0 { r.written } else { 0 };
                    slices.push(IoSlice::new(&msg.data()[skip..]));
                }
                let mut n = write(&slices)?;
                let written = n;
                r.output_len = r.output_len.saturating_sub(n);
                while n > 0 {
                    let Some(front) = r.output.front() else {
                        break;
                    };
                    let left = front.size() - r.written;
                    if n >= left {
                        n -= left;
                        r.written = 0;
                        r.output.pop_front();
                    } else {
                        r.written += n;
                        n = 0;
                    }
                }
                Ok(written)
            }
        }
    }

    /// Bytes queued for the peer that were copied since the last large body (all of them
    /// for a raw stream, which keeps its messages).
    pub(crate) fn output_copied_len(&self) -> usize {
        match self {
            Wire::Zmtp(c) => c.output_copied_len(),
            Wire::Raw(r) => r.output_len,
        }
    }

    /// Bytes queued for the peer.
    pub(crate) fn output_len(&self) -> usize {
        match self {
            Wire::Zmtp(c) => c.output_len(),
            Wire::Raw(r) => r.output_len,
        }
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        match self {
            Wire::Zmtp(c) => c.poll_timeout(),
            Wire::Raw(_) => None,
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant) -> Result<(), Failure> {
        match self {
            Wire::Zmtp(c) => c.handle_timeout(now),
            Wire::Raw(_) => Ok(()),
        }
    }

    /// Whether messages may flow.
    pub(crate) fn is_ready(&self) -> bool {
        match self {
            Wire::Zmtp(c) => c.is_ready(),
            Wire::Raw(r) => r.announced,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_reads_become_messages_and_writes_resume_where_they_stopped() {
        let now = Instant::now();
        let mut wire = Wire::raw();
        assert!(matches!(
            wire.poll_event(now),
            Ok(Some(Event::Ready { .. }))
        ));
        assert!(matches!(wire.poll_event(now), Ok(None)));
        wire.read_buffer_ready(|| 0)[..3].copy_from_slice(b"abc");
        wire.read_done(3, now);
        match wire.poll_event(now) {
            Ok(Some(Event::Message(m))) => assert_eq!(m.data(), b"abc"),
            _ => panic!("a message"),
        }
        assert!(wire.send_in_place(&mut Msg::from_slice(b"hello")));
        assert!(wire.send_in_place(&mut Msg::from_slice(b"world")));
        assert_eq!(wire.output_len(), 10);
        let mut out = Vec::new();
        wire.write_output(|s| {
            out.extend_from_slice(&s[0][..3]);
            Ok(3)
        })
        .unwrap();
        wire.write_output(|s| {
            for slice in s {
                out.extend_from_slice(slice);
            }
            Ok(7)
        })
        .unwrap();
        assert_eq!(out, b"helloworld");
        assert_eq!(wire.output_len(), 0);
    }
}
