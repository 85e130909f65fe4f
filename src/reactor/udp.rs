//! The udp engine: one datagram socket on an I/O thread, between the network and a socket's
//! pipe. A RADIO's connect sends each message (a group frame, then the body) as one datagram:
//! the group's length in a byte, the group, the body. A DISH's bind receives them and writes
//! the two frames into its pipe (the DISH filters the groups; the JOINs it writes are read
//! and dropped here). A DGRAM socket's bind does both, its first frame being the peer's
//! "address:port" each way. As with udp itself, nothing is retried: a datagram that cannot be
//! sent or kept (pipe at its HWM, socket buffer full) is dropped.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use mio::Interest;
use mio::net::UdpSocket;

use super::Io;
use super::session::{SessionPipe, SocketLink};
use crate::ctx::SocketId;
use crate::msg::Msg;
use crate::pipe::{PeerCommand, PipeEvent};
use crate::socket::PipeId;
use crate::transport::udp::{MAX_DATAGRAM, peer};

/// What the engine does with its socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UdpRole {
    /// RADIO: sends every message to this address.
    Radio(SocketAddr),
    /// DISH: receives.
    Dish,
    /// DGRAM: both, each message naming its peer.
    Dgram,
}

/// A udp endpoint at work.
pub(crate) struct UdpSession {
    link: Arc<SocketLink>,
    endpoint: String,
    socket: UdpSocket,
    pipe: Option<SessionPipe>,
    role: UdpRole,
    /// The first frame (group or address) of the message being read from the pipe.
    head: Option<Msg>,
    /// Receiving waits for the pipe to take messages again.
    input_paused: bool,
    done: bool,
}

impl UdpSession {
    pub(crate) fn new(
        link: Arc<SocketLink>,
        endpoint: String,
        socket: UdpSocket,
        pipe: SessionPipe,
        role: UdpRole,
    ) -> UdpSession {
        UdpSession {
            link,
            endpoint,
            socket,
            pipe: Some(pipe),
            role,
            head: None,
            input_paused: false,
            done: false,
        }
    }

    pub(crate) fn socket(&self) -> SocketId {
        self.link.socket
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// Starts on the I/O thread: takes over the pipe's route and registers the socket.
    pub(crate) fn start(&mut self, io: &mut Io<'_>) {
        if let Some(pipe) = self.pipe.as_mut() {
            let id = pipe.id;
            io.own_pipe(id);
            for command in pipe.to_self.attach(io.sender.clone(), id) {
                self.pipe_command(io, id, command);
            }
        }
        if self.done {
            return;
        }
        // A RADIO only sends, when its pipe has messages: its socket is not polled.
        if !matches!(self.role, UdpRole::Radio(_))
            && io
                .registry
                .register(&mut self.socket, io.token, Interest::READABLE)
                .is_err()
        {
            self.shutdown(io);
            return;
        }
        self.receive();
        self.transmit();
    }

    /// The socket is readable.
    pub(crate) fn ready(&mut self) {
        self.receive();
    }

    /// A command from the socket's end of the pipe.
    pub(crate) fn pipe_command(&mut self, io: &mut Io<'_>, id: PipeId, command: PeerCommand) {
        let Some(pipe) = self.pipe.as_mut().filter(|p| p.id == id) else {
            return;
        };
        let event = pipe.end.process(command);
        pipe.deliver();
        match event {
            PipeEvent::ReadActivated | PipeEvent::PeerTerminating => self.transmit(),
            PipeEvent::WriteActivated => {
                self.input_paused = false;
                self.receive();
            }
            PipeEvent::None | PipeEvent::Finished | PipeEvent::Hiccuped => {}
        }
        if self.pipe.as_ref().is_some_and(|p| p.end.is_finished()) {
            // The socket let go of the pipe (closed, or ended the endpoint).
            self.shutdown(io);
        }
    }

    /// The socket closed (endpoint None) or released this endpoint.
    pub(crate) fn close(&mut self, io: &mut Io<'_>, socket: SocketId, endpoint: Option<&str>) {
        if socket == self.link.socket && endpoint.is_none_or(|e| e == self.endpoint) {
            self.shutdown(io);
        }
    }

    /// Ends the engine: the socket is closed and the pipe terminated.
    pub(crate) fn shutdown(&mut self, io: &mut Io<'_>) {
        if self.done {
            return;
        }
        let _ = io.registry.deregister(&mut self.socket);
        if let Some(mut pipe) = self.pipe.take() {
            pipe.end.terminate();
            pipe.deliver();
            io.disown_pipe(pipe.id);
        }
        self.done = true;
    }

    /// Sends what the pipe holds, a datagram per message (a DISH's JOINs are dropped).
    fn transmit(&mut self) {
        let Some(pipe) = self.pipe.as_mut() else {
            return;
        };
        let mut datagram = Vec::with_capacity(MAX_DATAGRAM);
        while let Some(frame) = pipe.end.read() {
            if frame.more() {
                self.head = Some(frame);
                continue;
            }
            let Some(head) = self.head.take() else {
                // A lone frame (a DISH's JOIN or LEAVE, or a malformed DGRAM message).
                continue;
            };
            let to = match self.role {
                UdpRole::Dish => continue,
                UdpRole::Radio(to) => {
                    let group = head.data();
                    let Ok(length) = u8::try_from(group.len()) else {
                        continue;
                    };
                    datagram.clear();
                    datagram.push(length);
                    datagram.extend_from_slice(group);
                    to
                }
                UdpRole::Dgram => {
                    let Some(to) = peer(head.data()) else {
                        continue;
                    };
                    datagram.clear();
                    to
                }
            };
            datagram.extend_from_slice(frame.data());
            // Too large, or no room in the socket's buffer: lost, as udp loses.
            let _ = self.socket.send_to(&datagram, to);
        }
        pipe.deliver();
    }

    /// Receives the datagrams waiting, while the pipe takes them.
    fn receive(&mut self) {
        if self.input_paused || matches!(self.role, UdpRole::Radio(_)) {
            return;
        }
        let mut buf = [0u8; MAX_DATAGRAM];
        loop {
            let Some(pipe) = self.pipe.as_mut() else {
                return;
            };
            if !pipe.end.check_write() {
                // Resumed by WriteActivated; what comes meanwhile waits in the kernel.
                self.input_paused = true;
                break;
            }
            let (n, from) = match self.socket.recv_from(&mut buf) {
                Ok(received) => received,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let datagram = &buf[..n];
            let (head, body) = match self.role {
                UdpRole::Dgram => (from.to_string().into_bytes(), datagram),
                _ => {
                    let Some((&length, rest)) = datagram.split_first() else {
                        continue;
                    };
                    let length = usize::from(length);
                    if rest.len() < length {
                        continue;
                    }
                    (rest[..length].to_vec(), &rest[length..])
                }
            };
            let mut first = Msg::from_slice(&head);
            first.set_more(true);
            if pipe.end.write(first).is_ok() && pipe.end.write(Msg::from_slice(body)).is_err() {
                pipe.end.rollback();
            }
            pipe.end.flush();
        }
        if let Some(pipe) = self.pipe.as_mut() {
            pipe.deliver();
        }
    }
}
