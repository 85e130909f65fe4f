//! I/O threads: each runs one mio poll loop over its listeners and sessions, with a mailbox for
//! commands (from sockets, and from the sockets' ends of the sessions' pipes) and a timer queue.
//!
//! A handler (listener or session) is driven by readiness events, pipe commands, commands from
//! its socket and its own deadline; after each call the loop asks for its next deadline and
//! whether it is done. mio is edge-triggered, so handlers read and write until the system says
//! WouldBlock, and resume on their own when a pipe that stopped them drains.
#![forbid(unsafe_code)]

pub(crate) mod listener;
pub(crate) mod session;
pub(crate) mod udp;
pub(crate) mod wire;
pub(crate) mod zap;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token};
use parking_lot::Mutex;

use self::listener::Listener;
use self::session::{Session, SharedSession};
use crate::ctx::SocketId;
use crate::error::Result;
use crate::mailbox::{Mailbox, MailboxSender};
use crate::socket::{Command, PipeId, PipeIdMap};

/// What an I/O thread is asked to do.
pub(crate) enum IoCommand {
    /// Accept connections on a bound listener.
    Listen(Box<Listener>),
    /// Run a connecting session.
    Connect(Box<Session>),
    /// Run a udp endpoint.
    Udp(Box<udp::UdpSession>),
    /// Close what a socket has on this thread: everything (socket closed, `endpoint` None) or
    /// the listeners and sessions of one endpoint (zmq_unbind, zmq_disconnect). Sessions with
    /// messages still queued keep sending them for up to `linger` ms (-1: until done).
    Close {
        socket: SocketId,
        endpoint: Option<String>,
        linger: i32,
    },
    /// A closed socket's mailbox, raised: its descriptor (ZMQ_FD) stays open for
    /// `CLOSED_FD_GRACE`, so that an event loop watching it sees the close (see `Socket::drop`).
    KeepOpen(MailboxSender<Command>),
    /// The context is terminating: exit once the last session is done.
    Stop,
}

/// How long the I/O thread keeps a closed socket's descriptor open. libzmq's stays open, and
/// is signalled by the pipes' term acks, until its reaper has finished the socket; ours
/// would close it as soon as the last session lets go of the mailbox, often before an event
/// loop that watches it (pyzmq's ZMQStream on a shadow socket) woke up to the signal.
const CLOSED_FD_GRACE: Duration = Duration::from_millis(50);

/// An `IoCommand` as it travels in a mailbox.
pub struct IoWork(pub(crate) IoCommand);

/// The mailbox token; handlers use their slot index + 1.
const MAILBOX: Token = Token(0);

/// What a handler sees of its I/O thread while it runs.
pub(crate) struct Io<'a> {
    pub(crate) registry: &'a Registry,
    /// The same epoll instance, for a socket's thread to pause and resume a session's read
    /// interest while it reads the connection itself (`Session::set_read_interest`).
    pub(crate) epoll: &'a Arc<OwnedFd>,
    pub(crate) token: Token,
    pub(crate) sender: &'a MailboxSender<Command>,
    pub(crate) now: Instant,
    /// Pipe ends whose commands must reach this handler.
    pipes: &'a mut PipeIdMap<Token>,
    /// Sessions a listener accepted, to be started by the loop.
    pub(crate) spawned: Vec<Session>,
}

impl Io<'_> {
    /// Routes the commands for pipe end `id` to the running handler.
    pub(crate) fn own_pipe(&mut self, id: PipeId) {
        self.pipes.insert(id, self.token);
    }

    /// Stops routing commands for pipe end `id`.
    pub(crate) fn disown_pipe(&mut self, id: PipeId) {
        self.pipes.remove(&id);
    }
}

/// A listener or a session.
enum Handler {
    Listener(Box<Listener>),
    Session(SharedSession),
    Udp(Box<udp::UdpSession>),
}

impl Handler {
    fn ready(&mut self, io: &mut Io<'_>, event: &mio::event::Event) {
        match self {
            Handler::Listener(l) => l.accept(io),
            Handler::Session(s) => s.lock().ready(
                io,
                event.is_readable(),
                event.is_writable(),
                event.is_read_closed() || event.is_error(),
            ),
            Handler::Udp(u) => u.ready(),
        }
    }

    fn timeout(&mut self, io: &mut Io<'_>) {
        match self {
            Handler::Listener(l) => l.accept(io),
            Handler::Session(s) => s.lock().timeout(io),
            Handler::Udp(_) => {}
        }
    }

    fn deadline(&self) -> Option<Instant> {
        match self {
            Handler::Listener(l) => l.deadline(),
            Handler::Session(s) => s.lock().deadline(),
            Handler::Udp(_) => None,
        }
    }

    fn is_done(&self) -> bool {
        match self {
            Handler::Listener(l) => l.is_done(),
            Handler::Session(s) => s.lock().is_done(),
            Handler::Udp(u) => u.is_done(),
        }
    }

    /// The socket the handler works for.
    fn socket(&self) -> SocketId {
        match self {
            Handler::Listener(l) => l.socket(),
            Handler::Session(s) => s.lock().socket(),
            Handler::Udp(u) => u.socket(),
        }
    }

    /// Ends the handler after a panic: connections closed, pipes terminated.
    fn abort(&mut self, io: &mut Io<'_>) {
        match self {
            Handler::Listener(l) => l.close(io, l.socket(), None),
            Handler::Session(s) => s.lock().abort(io),
            Handler::Udp(u) => u.shutdown(io),
        }
    }

    fn close(&mut self, io: &mut Io<'_>, socket: SocketId, endpoint: Option<&str>, linger: i32) {
        match self {
            Handler::Listener(l) => l.close(io, socket, endpoint),
            Handler::Session(s) => s.lock().close(io, socket, endpoint, linger),
            Handler::Udp(u) => u.close(io, socket, endpoint),
        }
    }
}

struct Slot {
    handler: Handler,
    /// The deadline last put in the timer queue for this handler.
    scheduled: Option<Instant>,
}

/// The state of one I/O thread's loop.
struct Reactor {
    poll: Poll,
    /// `poll`'s epoll instance, kept open by whichever session still needs it (see `Io`).
    epoll: Arc<OwnedFd>,
    mailbox: Mailbox<Command>,
    sender: MailboxSender<Command>,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    /// Slots emptied during the current batch of events: reused only after it, so that an
    /// event gathered for the old handler never reaches a new one.
    freed: Vec<usize>,
    pipes: PipeIdMap<Token>,
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
    /// Closed sockets' mailboxes with the time their descriptor may close, oldest first.
    kept: VecDeque<(Instant, MailboxSender<Command>)>,
    stopping: bool,
}

impl Reactor {
    fn run(mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            if self.stopping && self.slots.iter().all(Option::is_none) {
                return;
            }
            let timeout = self.next_timeout();
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return;
                }
            }
            for event in &events {
                if event.token() == MAILBOX {
                    self.drain_mailbox();
                } else {
                    let index = event.token().0 - 1;
                    if self.leaves_input(index, event) {
                        continue;
                    }
                    self.with_handler(index, |h, io| h.ready(io, event));
                }
            }
            self.fire_timers();
            self.free.append(&mut self.freed);
        }
    }

    fn next_timeout(&mut self) -> Option<Duration> {
        let now = Instant::now();
        let timer = self.timers.peek().map(|Reverse((at, _))| *at);
        let kept = self.kept.front().map(|(at, _)| *at);
        let next = match (timer, kept) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        next.map(|at| at.saturating_duration_since(now))
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        while self.kept.front().is_some_and(|(at, _)| *at <= now) {
            self.kept.pop_front();
        }
        while let Some(&Reverse((at, index))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let current = self.slots.get(index).and_then(Option::as_ref);
            if current.is_some_and(|s| s.scheduled == Some(at)) {
                if let Some(slot) = self.slots[index].as_mut() {
                    slot.scheduled = None;
                }
                self.with_handler(index, |h, io| h.timeout(io));
            }
        }
    }

    fn drain_mailbox(&mut self) {
        // epoll said the signal is up: lower it, then read the commands it announced.
        let mut next = self.mailbox.recv_signalled();
        while let Some(command) = next {
            match command {
                Command::Pipe(id, peer_command) => {
                    if let Some(token) = self.pipes.get(&id).copied() {
                        self.with_handler(token.0 - 1, |h, io| match h {
                            Handler::Session(s) => s.lock().pipe_command(io, id, peer_command),
                            Handler::Udp(u) => u.pipe_command(io, id, peer_command),
                            Handler::Listener(_) => {}
                        });
                    }
                }
                Command::Io(IoWork(io_command)) => self.io_command(io_command),
                Command::Attach(_) | Command::Stop | Command::Wake => {}
            }
            next = self.mailbox.next_posted();
        }
    }

    fn io_command(&mut self, command: IoCommand) {
        match command {
            IoCommand::Listen(listener) => {
                let index = self.insert(Handler::Listener(listener));
                self.with_handler(index, |h, io| {
                    if let Handler::Listener(l) = h {
                        l.start(io);
                    }
                });
            }
            IoCommand::Connect(session) => self.start_session(*session),
            IoCommand::Udp(engine) => {
                let index = self.insert(Handler::Udp(engine));
                self.with_handler(index, |h, io| {
                    if let Handler::Udp(u) = h {
                        u.start(io);
                    }
                });
            }
            IoCommand::Close {
                socket,
                endpoint,
                linger,
            } => {
                // Only the handlers of that socket are woken.
                let theirs: Vec<usize> = (0..self.slots.len())
                    .filter(|&i| {
                        self.slots[i]
                            .as_ref()
                            .is_some_and(|slot| slot.handler.socket() == socket)
                    })
                    .collect();
                for index in theirs {
                    self.with_handler(index, |h, io| {
                        h.close(io, socket, endpoint.as_deref(), linger);
                    });
                }
            }
            IoCommand::KeepOpen(mailbox) => {
                self.kept
                    .push_back((Instant::now() + CLOSED_FD_GRACE, mailbox));
            }
            IoCommand::Stop => self.stopping = true,
        }
    }

    fn start_session(&mut self, session: Session) {
        let index = self.insert(Handler::Session(session::share(session)));
        self.with_handler(index, |h, io| {
            if let Handler::Session(s) = h {
                s.lock().start(io);
            }
        });
    }

    fn insert(&mut self, handler: Handler) -> usize {
        let slot = Slot {
            handler,
            scheduled: None,
        };
        match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(slot);
                index
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        }
    }

    /// Whether the event only says a session's connection has bytes to read, which the
    /// socket's thread waiting on it takes (`SharedSession::leave_input`): nothing to do.
    fn leaves_input(&self, index: usize, event: &mio::event::Event) -> bool {
        let only_readable = event.is_readable()
            && !event.is_writable()
            && !event.is_read_closed()
            && !event.is_error();
        only_readable
            && matches!(
                self.slots.get(index),
                Some(Some(Slot { handler: Handler::Session(s), .. })) if s.leave_input()
            )
    }

    /// Runs `f` on a handler, then starts what it spawned, reschedules it, and removes it
    /// when it is done.
    fn with_handler(&mut self, index: usize, f: impl FnOnce(&mut Handler, &mut Io<'_>)) {
        let Some(slot) = self.slots.get_mut(index).and_then(Option::as_mut) else {
            return;
        };
        let mut io = Io {
            registry: self.poll.registry(),
            epoll: &self.epoll,
            token: Token(index + 1),
            sender: &self.sender,
            now: Instant::now(),
            pipes: &mut self.pipes,
            spawned: Vec::new(),
        };
        // A bug in one handler ends that handler, not the thread and all its connections.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            f(&mut slot.handler, &mut io);
        }));
        if outcome.is_err() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                slot.handler.abort(&mut io);
            }));
        }
        let spawned = std::mem::take(&mut io.spawned);
        if outcome.is_err() || slot.handler.is_done() {
            self.pipes.retain(|_, t| t.0 != index + 1);
            self.slots[index] = None;
            self.freed.push(index);
        } else {
            let deadline = slot.handler.deadline();
            if deadline != slot.scheduled {
                slot.scheduled = deadline;
                if let Some(at) = deadline {
                    self.timers.push(Reverse((at, index)));
                }
            }
        }
        for session in spawned {
            self.start_session(session);
        }
    }
}

/// An I/O thread, as the context holds it.
pub(crate) struct IoThread {
    sender: MailboxSender<Command>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// `sys::fork_generation()` when it started: a child forked since has no such thread.
    generation: u32,
}

impl IoThread {
    /// Starts a thread.
    pub(crate) fn start(name: String) -> Result<Arc<IoThread>> {
        let poll = Poll::new()?;
        let mailbox = Mailbox::new()?;
        let sender = mailbox.sender();
        poll.registry()
            .register(&mut SourceFd(&mailbox.fd()), MAILBOX, Interest::READABLE)?;
        let epoll = Arc::new(crate::sys::net::duplicate(poll.registry().as_raw_fd())?);
        let reactor = Reactor {
            poll,
            epoll,
            mailbox,
            sender: sender.clone(),
            slots: Vec::new(),
            free: Vec::new(),
            freed: Vec::new(),
            pipes: PipeIdMap::default(),
            timers: BinaryHeap::new(),
            kept: VecDeque::new(),
            stopping: false,
        };
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || reactor.run())?;
        Ok(Arc::new(IoThread {
            sender,
            thread: Mutex::new(Some(thread)),
            generation: crate::sys::fork_generation(),
        }))
    }

    /// Posts a command to the thread.
    pub(crate) fn send(&self, command: IoCommand) {
        self.sender.send(Command::Io(IoWork(command)));
    }

    /// Asks the thread to finish its sessions and exit, and waits for it. In a process forked
    /// since the thread started, there is no thread: the copy of its handle is forgotten (joining
    /// it would wait for a thread of the parent), and nothing is posted to its mailbox, whose
    /// eventfd the parent's thread still reads (as libzmq, a forked child's ctx term leaves the
    /// parent's I/O alone).
    pub(crate) fn stop(&self) {
        let handle = self.thread.lock().take();
        if crate::sys::fork_generation() != self.generation {
            std::mem::forget(handle);
            return;
        }
        self.send(IoCommand::Stop);
        if let Some(thread) = handle {
            let _ = thread.join();
        }
    }
}
