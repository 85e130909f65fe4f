//! Sockets: the core every socket type shares (pipes, commands, blocking and non-blocking
//! calls, time-outs, termination), and the socket types.
//!
//! A socket is used by one application thread at a time. Its peers reach it only through its
//! mailbox; messages travel in pipes that are read and written without locks.

mod command;
mod dealer;
mod inproc;
pub(crate) mod monitor;
mod network;
mod pair;
mod pipeline;
mod pipes;
mod pubsub;
mod radio_dish;
mod router;
mod threadsafe;

use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use self::command::{Command, NewPipe, PipeId, PipeIdMap, ReadNow, Route, WaitEnd};
use self::pipes::{Attached, Pipes};
use crate::ctx::{Ctx, SocketId};
use crate::error::{Error, Result};
use crate::mailbox::{Mailbox, MailboxSender};
use crate::msg::Msg;
use crate::options::{Options, codec, ids};
use crate::pipe::{PeerCommand, PipeEvent};
use crate::routing::PipeKey;

/// The socket types of libzmq 4.3, numbered as in zmq.h.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum SocketType {
    /// Exclusive pair.
    Pair = 0,
    /// Publisher.
    Pub = 1,
    /// Subscriber.
    Sub = 2,
    /// Requester.
    Req = 3,
    /// Replier.
    Rep = 4,
    /// Asynchronous requester.
    Dealer = 5,
    /// Asynchronous replier, addressing peers by routing id.
    Router = 6,
    /// Pipeline receiver.
    Pull = 7,
    /// Pipeline sender.
    Push = 8,
    /// Publisher that sees subscriptions.
    XPub = 9,
    /// Subscriber that sends subscriptions as messages.
    XSub = 10,
    /// Raw TCP.
    Stream = 11,
    /// Draft, thread-safe: replies to CLIENTs named by a message's routing id (RFC 41).
    Server = 12,
    /// Draft, thread-safe: load-balances to SERVERs (RFC 41).
    Client = 13,
    /// Draft, thread-safe: sends each message to the DISHes that joined its group (RFC 48).
    Radio = 14,
    /// Draft, thread-safe: receives the groups it joined (RFC 48).
    Dish = 15,
    /// Draft, thread-safe: fair-queues from SCATTERs.
    Gather = 16,
    /// Draft, thread-safe: load-balances to GATHERs.
    Scatter = 17,
    /// Draft: raw udp datagrams, each message the peer's "address:port" and a body.
    Dgram = 18,
    /// Draft, thread-safe: peer to peer, each peer named by a routing id.
    Peer = 19,
    /// Draft, thread-safe: exclusive pair.
    Channel = 20,
}

impl SocketType {
    /// The type numbered `raw` in zmq.h; EINVAL for an unknown number.
    pub fn from_raw(raw: i32) -> Result<SocketType> {
        use SocketType::*;
        const ALL: [SocketType; 21] = [
            Pair, Pub, Sub, Req, Rep, Dealer, Router, Pull, Push, XPub, XSub, Stream, Server,
            Client, Radio, Dish, Gather, Scatter, Dgram, Peer, Channel,
        ];
        ALL.into_iter()
            .find(|t| *t as i32 == raw)
            .ok_or(Error::Inval)
    }

    /// Whether the type sends ZMQ_HELLO_MSG to each new peer (libzmq 4.3.5's list).
    pub fn sends_hello(self) -> bool {
        use SocketType::*;
        matches!(self, Dealer | Router | Server | Client | Peer)
    }

    /// Whether the type reads ZMQ_DISCONNECT_MSG when a peer it accepted goes.
    pub fn reads_disconnect_msg(self) -> bool {
        use SocketType::*;
        matches!(self, Router | Server | Peer)
    }

    /// Whether the type reads ZMQ_HICCUP_MSG when a connection it made drops.
    pub fn reads_hiccup_msg(self) -> bool {
        use SocketType::*;
        matches!(self, Dealer | Client | Peer)
    }

    /// Whether the type goes in lockstep, one message in flight per peer (REQ, REP): a
    /// message it sends never has another behind it to batch with, so its sessions write it
    /// on the sending thread (`reactor::session::share`).
    pub fn is_lockstep(self) -> bool {
        matches!(self, SocketType::Req | SocketType::Rep)
    }

    /// Whether several threads may use a socket of this type at once (ZMQ_THREAD_SAFE).
    pub fn is_thread_safe(self) -> bool {
        self as i32 >= SocketType::Server as i32 && self != SocketType::Dgram
    }
}

/// What each socket type does with its pipes: the part of a socket that differs by type.
pub(crate) trait Behaviour: Send {
    /// A pipe was attached; `locally_initiated` when this socket connected it.
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool);
    /// A pipe has messages to read again.
    fn read_activated(&mut self, _pipes: &mut Pipes, _key: PipeKey) {}
    /// A pipe accepts messages again.
    fn write_activated(&mut self, _key: PipeKey) {}
    /// The connection behind a pipe is being remade.
    fn hiccuped(&mut self, _pipes: &mut Pipes, _key: PipeKey) {}
    /// A pipe is gone.
    fn terminated(&mut self, key: PipeKey);
    /// Sends a frame, or gives it back with the reason.
    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)>;
    /// Receives a frame.
    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg>;
    /// `send` in place: on success `msg` is left empty, on failure as it was. The socket calls
    /// this one through the trait object, so that only a small result comes back from the
    /// dynamic call, not the whole message (the copy of a result the callee wrote piecewise
    /// stalls on store forwarding).
    #[inline]
    fn send_in_place(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        match self.send(pipes, std::mem::take(msg)) {
            Ok(()) => Ok(()),
            Err((error, back)) => {
                *msg = back;
                Err(error)
            }
        }
    }
    /// `recv` into `msg`, which is replaced on success and unchanged on failure (see
    /// `send_in_place`).
    #[inline]
    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        *msg = self.recv(pipes)?;
        Ok(())
    }
    /// Whether a frame could be received now.
    fn has_in(&mut self, _pipes: &mut Pipes) -> bool {
        false
    }
    /// Whether a frame could be sent now.
    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        false
    }
    /// zmq_socket_get_peer_state: ZMQ_POLLOUT when the peer named `id` can take a message, 0
    /// when it is at its HWM, EHOSTUNREACH for no such peer; ENOTSUP but for ROUTER.
    fn peer_state(&mut self, _pipes: &mut Pipes, _id: &[u8]) -> Result<i32> {
        Err(Error::NotSup)
    }
    /// The common options changed (the type may keep copies of some).
    fn options_changed(&mut self, _options: &Options) {}
    /// Whether the type wants each peer's routing id as the first message of a connection.
    fn recv_routing_id(&self) -> bool {
        false
    }
    /// zmq_join (`join`) or zmq_leave of `group`; ENOTSUP but for DISH.
    fn join(&mut self, _pipes: &mut Pipes, _group: &[u8], _join: bool) -> Result<()> {
        Err(Error::NotSup)
    }
    /// zmq_disconnect_peer: ends the connection of the peer named `id`; ENOTSUP but for SERVER
    /// and PEER.
    fn disconnect_peer(&mut self, _pipes: &mut Pipes, _id: u32) -> Result<()> {
        Err(Error::NotSup)
    }
    /// ZMQ_TOPICS_COUNT: the subscriptions a PUB, XPUB, SUB or XSUB holds; None for others.
    fn topics_count(&self) -> Option<usize> {
        None
    }
    /// The routing id of the pipe attached last (SERVER and PEER).
    fn last_peer_id(&self) -> Option<u32> {
        None
    }
    /// Sets a type-specific option; `None` when the option is not one of the type's.
    fn set_option(&mut self, _pipes: &mut Pipes, _id: i32, _value: &[u8]) -> Option<Result<()>> {
        None
    }
}

/// The value of a type-specific flag option: an int that is not negative.
pub(crate) fn flag_option(value: &[u8]) -> Result<bool> {
    let bytes: [u8; 4] = value.try_into().map_err(|_| Error::Inval)?;
    match i32::from_ne_bytes(bytes) {
        v if v < 0 => Err(Error::Inval),
        v => Ok(v != 0),
    }
}

/// A lockstep socket waits on its connection and reads it itself (`Socket::recv`) unless the
/// last frame it received was larger than this. A large body comes in many pieces; read on
/// the waiting thread, each piece woke both that thread and the I/O thread (which leaves the
/// input to it), and 1 MiB round trips took 15-40% longer than with the I/O thread reading.
const DIRECT_READ_MAX: usize = 128 * 1024;

/// How often (in messages received) a busy receiver looks at its mailbox.
const INBOUND_POLL_RATE: u32 = 100;

/// Flags of a send or receive call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// Fail with `Error::Again` instead of blocking.
    pub dont_wait: bool,
    /// More frames of the same message follow (send only).
    pub more: bool,
}

/// A socket.
pub struct Socket {
    socket_type: SocketType,
    behaviour: Box<dyn Behaviour>,
    ctx: Arc<Ctx>,
    id: SocketId,
    mailbox: Mailbox<Command>,
    sender: MailboxSender<Command>,
    pipes: Pipes,
    options: Options,
    rcvmore: bool,
    /// The size of the last frame received (see `DIRECT_READ_MAX`).
    last_in_size: usize,
    ctx_terminated: bool,
    last_endpoint: String,
    /// inproc names this socket bound.
    bound: Vec<String>,
    ticks: u32,
    /// Commands processed (`commands_seen`).
    commands_seen: u64,
    /// What this socket's sessions and listeners know of it (made by the first tcp/ipc use).
    link: Option<Arc<crate::reactor::session::SocketLink>>,
    /// The I/O threads running this socket's listeners and sessions.
    io_threads: Vec<Arc<crate::reactor::IoThread>>,
    /// The tcp and ipc endpoints bound and connected.
    net_endpoints: Vec<network::NetEndpoint>,
}

impl Socket {
    /// A new socket of `socket_type` in `ctx`: ETERM when the context is terminating, EMFILE
    /// when it holds MAX_SOCKETS sockets, EINVAL for a type not built yet.
    pub fn new(ctx: Arc<Ctx>, socket_type: SocketType) -> Result<Socket> {
        let behaviour: Box<dyn Behaviour> = match socket_type {
            SocketType::Pair => Box::new(pair::Pair::default()),
            SocketType::Push => Box::new(pipeline::Push::default()),
            SocketType::Pull => Box::new(pipeline::Pull::default()),
            SocketType::Pub => Box::new(pubsub::XPub::new(true)),
            SocketType::XPub => Box::new(pubsub::XPub::new(false)),
            SocketType::Sub => Box::new(pubsub::XSub::new(true)),
            SocketType::XSub => Box::new(pubsub::XSub::new(false)),
            SocketType::Dealer => Box::new(dealer::Dealer::default()),
            SocketType::Req => Box::new(dealer::Req::new()),
            SocketType::Router => Box::new(router::Router::default()),
            SocketType::Rep => Box::new(router::Rep::new()),
            SocketType::Stream => Box::new(router::Stream::new()),
            SocketType::Server | SocketType::Peer => Box::new(threadsafe::Server::new()),
            SocketType::Client => Box::new(threadsafe::Single(dealer::Dealer::default())),
            SocketType::Scatter => Box::new(threadsafe::Single(pipeline::Push::default())),
            SocketType::Gather => Box::new(threadsafe::Single(pipeline::Pull::default())),
            SocketType::Channel => Box::new(threadsafe::Single(pair::Pair::default())),
            SocketType::Radio => Box::new(radio_dish::Radio::new()),
            SocketType::Dish => Box::new(radio_dish::Dish::new()),
            SocketType::Dgram => Box::new(pair::Dgram::default()),
        };
        let mailbox = Mailbox::new()?;
        let sender = mailbox.sender();
        let id = ctx.register_socket(sender.clone())?;
        let ctx_options = ctx.options();
        let mut options = Options::for_context(ctx_options.blocky, ctx_options.ipv6);
        // Subscriptions are not worth lingering for.
        if matches!(
            socket_type,
            SocketType::Sub | SocketType::XSub | SocketType::Dish
        ) {
            options.linger = 0;
        }
        Ok(Socket {
            socket_type,
            behaviour,
            ctx,
            id,
            mailbox,
            sender,
            pipes: Pipes::default(),
            options,
            rcvmore: false,
            last_in_size: 0,
            ctx_terminated: false,
            last_endpoint: String::new(),
            bound: Vec::new(),
            ticks: 0,
            commands_seen: 0,
            link: None,
            io_threads: Vec::new(),
            net_endpoints: Vec::new(),
        })
    }

    /// The socket's type.
    pub fn socket_type(&self) -> SocketType {
        self.socket_type
    }

    /// Binds to an endpoint.
    pub fn bind(&mut self, endpoint: &str) -> Result<()> {
        self.last_endpoint = match self.prepare_endpoint(endpoint)? {
            ("inproc", name) => {
                inproc::bind(self, name)?;
                endpoint.to_owned()
            }
            (transport @ ("tcp" | "ipc"), address) => network::bind(self, transport, address)?,
            ("udp", address)
                if matches!(self.socket_type, SocketType::Dish | SocketType::Dgram) =>
            {
                network::udp(self, address, endpoint, true)?
            }
            (transport, _) => return Err(unsupported(transport)),
        };
        Ok(())
    }

    /// Connects to an endpoint.
    pub fn connect(&mut self, endpoint: &str) -> Result<()> {
        match self.prepare_endpoint(endpoint)? {
            ("inproc", name) => inproc::connect(self, name)?,
            (transport @ ("tcp" | "ipc"), address) => {
                network::connect(self, transport, address, endpoint)?;
            }
            ("udp", address) if self.socket_type == SocketType::Radio => {
                network::udp(self, address, endpoint, false)?;
            }
            (transport, _) => return Err(unsupported(transport)),
        }
        self.last_endpoint = endpoint.to_owned();
        Ok(())
    }

    /// Stops listening on an endpoint bound before (zmq_unbind); libzmq treats it as
    /// zmq_disconnect for inproc names.
    pub fn unbind(&mut self, endpoint: &str) -> Result<()> {
        self.term_endpoint(endpoint, true)
    }

    /// Disconnects from an endpoint (zmq_disconnect).
    pub fn disconnect(&mut self, endpoint: &str) -> Result<()> {
        self.term_endpoint(endpoint, false)
    }

    fn term_endpoint(&mut self, endpoint: &str, _unbind: bool) -> Result<()> {
        match self.prepare_endpoint(endpoint)? {
            ("inproc", name) => inproc::term_endpoint(self, name),
            ("tcp" | "ipc" | "udp", _) => network::term_endpoint(self, endpoint),
            // As libzmq, a transport this build does not offer is refused as in zmq_bind.
            (transport, _) => Err(unsupported(transport)),
        }
    }

    /// Starts monitoring this socket on an inproc endpoint for the ZMQ_EVENT_* bits of `events`
    /// (zmq_socket_monitor, zmq_socket_monitor_versioned), in format `version` (1, whose events
    /// fit 16 bits, or 2) through a socket of `monitor_type` (PAIR, PUB or PUSH); `None` stops
    /// the monitor. A new monitor replaces the old.
    pub fn monitor_versioned(
        &mut self,
        endpoint: Option<&str>,
        events: u64,
        version: u8,
        monitor_type: SocketType,
    ) -> Result<()> {
        self.check_alive()?;
        // The checks in libzmq's order: version 1's 16 bits, then stopping, then the rest.
        if version == 1 && events >> 16 != 0 {
            return Err(Error::Inval);
        }
        let link = network::link(self);
        let Some(endpoint) = endpoint else {
            link.monitor.set(None);
            return Ok(());
        };
        if !matches!(version, 1 | 2)
            || !matches!(
                monitor_type,
                SocketType::Pair | SocketType::Pub | SocketType::Push
            )
        {
            return Err(Error::Inval);
        }
        match split_endpoint(endpoint)? {
            ("inproc", _) => {}
            (transport, _) if transport == "udp" => return Err(unsupported(transport)),
            _ => return Err(Error::ProtoNoSupport),
        }
        link.monitor.set(None);
        let mut pair = Socket::new(self.ctx.clone(), monitor_type)?;
        pair.set_option(ids::LINGER, Some(&0i32.to_ne_bytes()))?;
        pair.bind(endpoint)?;
        link.monitor
            .set(Some(monitor::Monitor::new(pair, events, version)));
        Ok(())
    }

    /// zmq_socket_monitor_pipes_stats: reports each pipe's queue lengths to the monitor
    /// (ZMQ_EVENT_PIPES_STATS, values: messages toward the peer, messages from it). EINVAL
    /// when no monitor wants the event, EAGAIN when there is no pipe. libzmq asks each peer
    /// and reports later; here both queues are read at once (they are shared).
    pub fn pipes_stats(&mut self) -> Result<()> {
        self.process_commands(Some(Duration::ZERO))?;
        let link = self.link.clone().ok_or(Error::Inval)?;
        if !link.monitor.wants(monitor::event::PIPES_STATS) {
            return Err(Error::Inval);
        }
        let keys = self.pipes.keys();
        if keys.is_empty() {
            return Err(Error::Again);
        }
        for key in keys {
            let Some(pipe) = self.pipes.get_mut(key) else {
                continue;
            };
            let (outbound, inbound) = pipe.end.queue_counts();
            let endpoint = pipe.endpoint.clone().unwrap_or_default();
            let place = if pipe.locally_initiated {
                monitor::Place::Connecting(&endpoint)
            } else {
                monitor::Place::Bound(&endpoint)
            };
            link.monitor
                .event_values(monitor::event::PIPES_STATS, &[outbound, inbound], place);
        }
        Ok(())
    }

    /// Notes that an I/O thread runs some of this socket's listeners or sessions.
    fn remember_io(&mut self, io: &Arc<crate::reactor::IoThread>) {
        if !self.io_threads.iter().any(|t| Arc::ptr_eq(t, io)) {
            self.io_threads.push(io.clone());
        }
    }

    /// What every endpoint call does first: fail once the context is terminating, bring the
    /// socket up to date, and split "transport://address".
    fn prepare_endpoint<'e>(&mut self, endpoint: &'e str) -> Result<(&'e str, &'e str)> {
        self.check_alive()?;
        self.process_commands(Some(Duration::ZERO))?;
        split_endpoint(endpoint)
    }

    fn check_alive(&self) -> Result<()> {
        if self.ctx_terminated {
            Err(Error::Term)
        } else {
            Ok(())
        }
    }

    /// Sends a frame: on success `msg` is left empty, on failure it stays with the caller.
    pub fn send(&mut self, msg: &mut Msg, flags: Flags) -> Result<()> {
        if self.ctx_terminated {
            return Err(Error::Term);
        }
        self.process_commands_fast()?;
        msg.set_more(flags.more);
        if msg.metadata().is_some() && self.socket_type != SocketType::Radio {
            // Received properties are not forwarded (a RADIO reads the group kept there).
            msg.set_metadata(None);
        }
        match self.try_send(msg) {
            Err(Error::Again) => {}
            other => return other,
        }
        if flags.dont_wait || self.options.sndtimeo == 0 {
            return Err(Error::Again);
        }
        let deadline = deadline(self.options.sndtimeo);
        loop {
            let timeout = match remaining(deadline) {
                Some(Some(t)) if t.is_zero() => return Err(Error::Again),
                Some(t) => t,
                None => None,
            };
            self.process_commands(timeout)?;
            match self.try_send(msg) {
                Err(Error::Again) => {}
                other => return other,
            }
        }
    }

    #[inline(always)]
    fn try_send(&mut self, msg: &mut Msg) -> Result<()> {
        let result = self.behaviour.send_in_place(&mut self.pipes, msg);
        self.reap_pipes();
        result
    }

    /// Takes the peer-properties reference of a message the application let go of, to give
    /// it to the next message received with the same properties (no reference-count update).
    pub fn recycle_metadata(&mut self, metadata: Option<Arc<crate::msg::Metadata>>) {
        self.pipes.recycle_metadata(metadata);
    }

    /// Gives back what `recycle_metadata` took and no message used.
    pub fn take_spare_metadata(&mut self) -> Option<Arc<crate::msg::Metadata>> {
        self.pipes.take_spare_metadata()
    }

    /// Receives a frame into `msg` (which it replaces); on failure `msg` is unchanged.
    pub fn recv(&mut self, flags: Flags, msg: &mut Msg) -> Result<()> {
        self.check_alive()?;
        self.ticks += 1;
        if self.ticks >= INBOUND_POLL_RATE {
            self.process_commands(Some(Duration::ZERO))?;
            self.ticks = 0;
        }
        match self.try_recv(msg) {
            Err(Error::Again) => {}
            other => return other,
        }
        if flags.dont_wait || self.options.rcvtimeo == 0 {
            self.process_commands(Some(Duration::ZERO))?;
            self.ticks = 0;
            return self.try_recv(msg);
        }
        let deadline = deadline(self.options.rcvtimeo);
        let mut block = self.ticks != 0;
        // A lockstep socket with one connection waits on it too, and reads it itself.
        let mut input =
            match self.socket_type.is_lockstep() && self.last_in_size <= DIRECT_READ_MAX {
                true => self.pipes.only_route(),
                false => None,
            }
            .and_then(|route| Some((route.direct()?, route)));
        loop {
            let timeout = match remaining(deadline) {
                Some(Some(t)) if t.is_zero() && block => return Err(Error::Again),
                Some(t) if block => t,
                None if block => None,
                _ => Some(Duration::ZERO),
            };
            let fd = match &input {
                Some((owner, _)) if block => owner.input_fd(),
                _ => None,
            };
            let woke = self.process_commands_or_input(timeout, fd);
            if let (Some((owner, route)), Some(_)) = (&input, fd) {
                // Whatever ended the wait ends it for the session too.
                let readable = matches!(woke, Ok(true));
                if readable {
                    self.mailbox.wake();
                }
                let end = owner.end_wait(readable);
                if end.resume {
                    route.send(PeerCommand::Resume);
                }
                if readable {
                    self.process_posted();
                    if !end.delivered {
                        // The I/O thread took the bytes first, or they need it: this call
                        // waits on the mailbox alone from now on.
                        input = None;
                    }
                }
            }
            woke?;
            match self.try_recv(msg) {
                Err(Error::Again) => block = true,
                other => {
                    self.ticks = 0;
                    return other;
                }
            }
        }
    }

    #[inline(always)]
    fn try_recv(&mut self, msg: &mut Msg) -> Result<()> {
        let result = self.behaviour.recv_into(&mut self.pipes, msg);
        self.reap_pipes();
        result?;
        self.rcvmore = msg.more();
        self.last_in_size = msg.size();
        Ok(())
    }

    /// Processes every command waiting (lowering ZMQ_FD): ETERM once the context is
    /// terminating.
    pub fn process_pending(&mut self) -> Result<()> {
        self.process_commands(Some(Duration::ZERO))
    }

    /// Processes commands already waiting, without a system call.
    fn process_commands_fast(&mut self) -> Result<()> {
        while let Some(command) = self.mailbox.try_recv() {
            self.process_command(command);
        }
        self.reap_pipes();
        self.check_alive()
    }

    /// Waits at most `timeout` (None: forever) for a command, then processes every command
    /// waiting. `Error::Intr` when a signal interrupted the wait, `Error::Term` once the
    /// context is terminating.
    fn process_commands(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.process_commands_or_input(timeout, None).map(drop)
    }

    /// `process_commands`, also woken by `input` turning readable: true then, with no
    /// command processed.
    fn process_commands_or_input(
        &mut self,
        timeout: Option<Duration>,
        input: Option<RawFd>,
    ) -> Result<bool> {
        let first = match input {
            Some(fd) => self.mailbox.recv_or_readable(timeout, fd),
            None => self.mailbox.recv(timeout).map(Some),
        };
        match first {
            Ok(Some(command)) => self.process_command(command),
            Ok(None) => return self.check_alive().map(|()| true),
            Err(Error::Again) => {}
            Err(e) => return Err(e),
        }
        self.process_posted();
        self.check_alive().map(|()| false)
    }

    /// Processes the commands posted while awake (after a wait's first, or this thread's own
    /// work, as in `ReadNow::end_wait`), without a system call.
    fn process_posted(&mut self) {
        while let Some(command) = self.mailbox.next_posted() {
            self.process_command(command);
        }
        self.reap_pipes();
    }

    fn process_command(&mut self, command: Command) {
        self.commands_seen = self.commands_seen.wrapping_add(1);
        match command {
            Command::Pipe(id, peer_command) => {
                let Some(key) = self.pipes.key_of(id) else {
                    return;
                };
                match self.pipes.process(key, peer_command) {
                    PipeEvent::ReadActivated | PipeEvent::PeerTerminating => {
                        self.behaviour.read_activated(&mut self.pipes, key)
                    }
                    PipeEvent::WriteActivated => self.behaviour.write_activated(key),
                    PipeEvent::Hiccuped => self.behaviour.hiccuped(&mut self.pipes, key),
                    PipeEvent::None | PipeEvent::Finished => {}
                }
            }
            Command::Attach(new_pipe) => self.attach(*new_pipe),
            Command::Stop => self.ctx_terminated = true,
            Command::Wake | Command::Io(_) => {}
        }
    }

    /// Attaches a pipe end to this socket.
    pub(crate) fn attach(&mut self, new_pipe: NewPipe) {
        let NewPipe {
            end,
            id,
            to_peer,
            to_self,
            endpoint,
            locally_initiated,
        } = new_pipe;
        let key = self.pipes.insert(Attached {
            end,
            id,
            to_peer,
            endpoint,
            locally_initiated,
        });
        for command in to_self.attach(self.sender.clone(), id) {
            self.process_command(Command::Pipe(id, command));
        }
        let stale = self
            .pipes
            .get_mut(key)
            .and_then(|p| p.endpoint.clone())
            .is_some_and(|e| network::is_stale(self, &e));
        self.behaviour
            .attach(&mut self.pipes, key, locally_initiated);
        if stale {
            // Its endpoint was released while the pipe was on its way.
            self.pipes.terminate(key);
        }
        self.reap_pipes();
    }

    /// Forgets the pipes that finished. Called after every send and receive: the check is
    /// inlined there, the work (rare) is not, so that the hot paths carry no stack frame for it.
    #[inline(always)]
    fn reap_pipes(&mut self) {
        if !self.pipes.none_finished() {
            self.reap_finished_pipes();
        }
    }

    #[cold]
    #[inline(never)]
    fn reap_finished_pipes(&mut self) {
        for key in self.pipes.take_finished() {
            self.behaviour.terminated(key);
            self.pipes.remove(key);
        }
    }

    /// Terminates the pipes matching `which` (all of them, or one endpoint's).
    fn terminate_pipes(&mut self, which: impl Fn(&Attached) -> bool) {
        for key in self.pipes.keys() {
            if self.pipes.get_mut(key).is_some_and(|p| which(p)) {
                self.pipes.terminate(key);
            }
        }
        self.reap_pipes();
    }

    /// Sets an option: type-specific ones first, then the common ones. `None` is a NULL value
    /// of length 0, which some options treat differently from an empty one.
    pub fn set_option(&mut self, id: i32, optval: Option<&[u8]>) -> Result<()> {
        let value = optval.unwrap_or(&[]);
        self.check_alive()?;
        if matches!(
            id,
            ids::TYPE
                | ids::RCVMORE
                | ids::FD
                | ids::EVENTS
                | ids::THREAD_SAFE
                | ids::LAST_ENDPOINT
        ) {
            return Err(Error::Inval);
        }
        if id == ids::ROUTER_NOTIFY && crate::options::DRAFT_API {
            // ROUTER only: ZMQ_NOTIFY_CONNECT and ZMQ_NOTIFY_DISCONNECT, which its sessions
            // read from the options.
            let bits = codec::int(value)?;
            if self.socket_type != SocketType::Router || !(0..=3).contains(&bits) {
                return Err(Error::Inval);
            }
            self.options.router_notify = bits;
            return Ok(());
        }
        let result = self.behaviour.set_option(&mut self.pipes, id, value);
        self.reap_pipes();
        if let Some(result) = result {
            if id == ids::STREAM_NOTIFY && result.is_ok() {
                // The sessions of later connections need it.
                self.options.stream_notify = value != 0i32.to_ne_bytes();
            }
            return result;
        }
        self.options.set_optval(id, optval)?;
        self.behaviour.options_changed(&self.options);
        Ok(())
    }

    /// Reads an option into `out`; returns the length written.
    pub fn get_option(&mut self, id: i32, out: &mut [u8]) -> Result<usize> {
        self.check_alive()?;
        match id {
            // Like the common int options: exactly an int.
            ids::TYPE if out.len() == 4 => codec::put_int_at_least(out, self.socket_type_raw()),
            ids::TYPE => Err(Error::Inval),
            // The socket's state: any buffer that holds an int, the rest of it zeroed.
            ids::RCVMORE => codec::put_int_at_least(out, i32::from(self.rcvmore)),
            ids::FD => codec::put_int_at_least(out, self.mailbox.fd()),
            ids::EVENTS => {
                let events = self.events()?;
                codec::put_int_at_least(out, events)
            }
            ids::TOPICS_COUNT => {
                let count = self.behaviour.topics_count().ok_or(Error::Inval)?;
                codec::put_int_at_least(out, i32::try_from(count).unwrap_or(i32::MAX))
            }
            ids::THREAD_SAFE => {
                codec::put_int_at_least(out, i32::from(self.socket_type.is_thread_safe()))
            }
            ids::LAST_ENDPOINT => codec::put_string(out, self.last_endpoint.as_bytes()),
            _ => self.options.get(id, out),
        }
    }

    /// Whether a wait of this socket may spin before it sleeps: while it only talks to other
    /// sockets of the process (see `Mailbox::before_sleep`).
    pub fn may_spin(&self) -> bool {
        self.mailbox.is_yielding()
    }

    /// Whether a command came since the socket last looked, without a system call: its state
    /// (ZMQ_EVENTS) may have changed.
    pub fn has_posted(&mut self) -> bool {
        self.mailbox.has_posted()
    }

    /// ZMQ_EVENTS: processes pending commands (which clears ZMQ_FD), then reports POLLIN (1)
    /// and POLLOUT (2).
    pub fn events(&mut self) -> Result<i32> {
        self.process_commands(Some(Duration::ZERO))?;
        let mut events = 0;
        if self.behaviour.has_in(&mut self.pipes) {
            events |= 1;
        }
        if self.behaviour.has_out(&mut self.pipes) {
            events |= 2;
        }
        self.reap_pipes();
        Ok(events)
    }

    /// The state of the peer named `id` (zmq_socket_get_peer_state(3), ROUTER only): ZMQ_POLLOUT
    /// (2) when it can take a message now, 0 at its HWM; EHOSTUNREACH for no such peer.
    pub fn peer_state(&mut self, id: &[u8]) -> Result<i32> {
        self.up_to_date(|b, pipes| b.peer_state(pipes, id))
    }

    /// Runs a type-specific call with the socket brought up to date first (commands taken,
    /// finished pipes forgotten), and forgets the pipes the call finished.
    fn up_to_date<R>(
        &mut self,
        call: impl FnOnce(&mut dyn Behaviour, &mut Pipes) -> Result<R>,
    ) -> Result<R> {
        self.process_commands(Some(Duration::ZERO))?;
        let result = call(self.behaviour.as_mut(), &mut self.pipes);
        self.reap_pipes();
        result
    }

    /// zmq_join (`join`) or zmq_leave (DISH): EINVAL for a group too long, joined twice or
    /// not joined; ENOTSUP for other types.
    pub fn join(&mut self, group: &[u8], join: bool) -> Result<()> {
        self.up_to_date(|b, pipes| b.join(pipes, group, join))
    }

    /// zmq_connect_peer (PEER): connects, and returns the routing id of the new peer. EFAULT
    /// with ZMQ_IMMEDIATE (the pipe would not exist yet), ENOTSUP for other types.
    pub fn connect_peer(&mut self, endpoint: &str) -> Result<u32> {
        if self.socket_type != SocketType::Peer {
            return Err(Error::NotSup);
        }
        if self.options.immediate {
            return Err(Error::Fault);
        }
        self.connect(endpoint)?;
        self.behaviour.last_peer_id().ok_or(Error::Fault)
    }

    /// zmq_disconnect_peer (SERVER, PEER): EHOSTUNREACH for no such peer.
    pub fn disconnect_peer(&mut self, id: u32) -> Result<()> {
        self.up_to_date(|b, pipes| b.disconnect_peer(pipes, id))
    }

    /// How many commands the socket has processed: a change tells the threads waiting on a
    /// thread-safe socket that its state may have changed.
    pub fn commands_seen(&self) -> u64 {
        self.commands_seen
    }

    /// Raises the socket's ZMQ_FD, to wake a thread that waits on it.
    pub fn raise_fd(&self) {
        self.mailbox.raise();
    }

    /// The descriptor that becomes readable when the socket's state may have changed.
    pub fn fd(&self) -> i32 {
        self.mailbox.fd()
    }

    fn socket_type_raw(&self) -> i32 {
        self.socket_type as i32
    }

    /// The socket's options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Whether the socket's context is a forked child's copy (`Ctx::is_inherited`).
    pub fn is_inherited(&self) -> bool {
        self.ctx.is_inherited()
    }
}

impl Drop for Socket {
    /// Closing: endpoints are released, every pipe is terminated (peers still read what was
    /// sent), and the context no longer counts the socket.
    fn drop(&mut self) {
        for name in std::mem::take(&mut self.bound) {
            self.ctx.unbind_inproc(&name, self.id);
        }
        network::close(self);
        // Pipes still on their way here (connects that found the name before it was released)
        // are attached, so that they are terminated with the others and their peers learn it.
        while let Ok(command) = self.mailbox.recv(Some(Duration::ZERO)) {
            self.process_command(command);
        }
        self.terminate_pipes(|_| true);
        // The descriptor (ZMQ_FD) says the socket changed, as libzmq's does when its pipes'
        // term acks arrive; a socket with connections has one of its I/O threads keep it open
        // a little while, for the event loop that watches it to wake up to that.
        self.mailbox.raise();
        if let Some(io) = self.io_threads.first() {
            io.send(crate::reactor::IoCommand::KeepOpen(self.mailbox.sender()));
        }
        self.ctx.unregister_socket(self.id);
    }
}

/// The error for a transport the socket cannot use: udp serves only RADIO (connect), DISH
/// and DGRAM (bind) (ENOCOMPATPROTO for the rest), other names are unknown (EPROTONOSUPPORT).
fn unsupported(transport: &str) -> Error {
    if transport == "udp" {
        Error::NoCompatProto
    } else {
        Error::ProtoNoSupport
    }
}

/// Splits "transport://address"; EINVAL when malformed.
fn split_endpoint(endpoint: &str) -> Result<(&str, &str)> {
    let (transport, address) = endpoint.split_once("://").ok_or(Error::Inval)?;
    if transport.is_empty() || address.is_empty() {
        return Err(Error::Inval);
    }
    Ok((transport, address))
}

/// The deadline of a ZMQ_SNDTIMEO/RCVTIMEO time-out in ms (negative: none).
fn deadline(timeout_ms: i32) -> Option<Instant> {
    u64::try_from(timeout_ms)
        .ok()
        .map(|ms| Instant::now() + Duration::from_millis(ms))
}

/// How long to wait for the next command: None (outer) with no deadline means "forever".
fn remaining(deadline: Option<Instant>) -> Option<Option<Duration>> {
    deadline.map(|d| Some(d.saturating_duration_since(Instant::now())))
}
