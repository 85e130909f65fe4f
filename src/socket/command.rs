//! Commands between sockets, and routes: how one pipe end reaches the mailbox of its peer's
//! owner.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::os::fd::RawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::mailbox::MailboxSender;
use crate::pipe::{PeerCommand, PipeEnd};

/// A pipe end's identity, unique in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PipeId(u64);

impl PipeId {
    /// A fresh identity.
    pub fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        PipeId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A map by pipe identity. Identities are the process's own counter, never a peer's bytes, so
/// they need no keyed (DoS-resistant) hash: one multiplication spreads them, where SipHash
/// took ~20 ns of every pipe command an I/O thread or a socket received.
pub type PipeIdMap<V> = HashMap<PipeId, V, BuildHasherDefault<PipeIdHasher>>;

/// The hasher of [`PipeIdMap`].
#[derive(Default)]
pub struct PipeIdHasher(u64);

impl Hasher for PipeIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the high bits (the table's control bytes) and the low bits (its
        // index) both vary with every bit of a counter.
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
}

/// What a socket's mailbox carries.
pub enum Command {
    /// A command for one of the socket's pipe ends, from its peer.
    Pipe(PipeId, PeerCommand),
    /// A new pipe for the socket to attach (the far end of an inproc connection).
    Attach(Box<NewPipe>),
    /// The context is terminating: blocking calls must fail with ETERM.
    Stop,
    /// Nothing to do. A tcp or ipc bind or connect posts it to the socket itself, as libzmq's
    /// own commands do there: ZMQ_FD turns readable, so an event loop that registered the
    /// descriptor before reads ZMQ_EVENTS, which arms the new pipes (their first message will
    /// signal the descriptor).
    Wake,
    /// Work for an I/O thread (only I/O threads receive these).
    Io(crate::reactor::IoWork),
}

/// A pipe end on its way to the socket that will own it.
pub struct NewPipe {
    /// The end itself.
    pub end: PipeEnd,
    /// Its identity.
    pub id: PipeId,
    /// How it reaches its peer.
    pub to_peer: Arc<Route>,
    /// How its peer reaches it: the new owner attaches this route to its mailbox.
    pub to_self: Arc<Route>,
    /// The inproc endpoint the pipe was made for.
    pub endpoint: Option<String>,
    /// Whether the owner made the connection (connect) rather than accepted it (bind).
    pub locally_initiated: bool,
}

/// Where commands for one pipe end go: the mailbox of the socket that owns it, or a queue while
/// no socket owns it yet (an inproc connect waiting for its bind).
pub struct Route {
    dest: Mutex<Dest>,
}

enum Dest {
    Pending(Vec<PeerCommand>),
    Attached {
        mailbox: MailboxSender<Command>,
        id: PipeId,
        /// The owner's way of taking a wake-up on the sender's thread.
        direct: Option<Arc<dyn ReadNow>>,
    },
}

/// An end whose owner can do the work of an `ActivateRead` on the thread that sends it,
/// instead of being woken to do it (a session writes a socket's message to its connection
/// from the application's thread); and whose input that thread can take itself while it
/// waits for it (a session reads its connection on the application's thread).
pub trait ReadNow: Send + Sync {
    /// Processes `ActivateRead` for the end now, on the calling thread, when it can do all
    /// the work that follows without its own thread (false: the command must be posted,
    /// whatever part of the work was done).
    fn read_now(&self) -> bool;
    /// Begins a wait of the calling thread for the owner's input: the descriptor it arrives
    /// on, while the caller can read it (`end_wait`). Until the wait ends, the owner's own
    /// thread leaves that input to the caller.
    fn input_fd(&self) -> Option<RawFd>;
    /// Ends a wait begun by `input_fd`, reading the input that arrived into the pipe toward
    /// the caller's socket when `readable`.
    fn end_wait(&self, readable: bool) -> WaitEnd;
}

/// How a wait on a `ReadNow` owner's input ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitEnd {
    /// Messages went into the pipe (the socket hears `ActivateRead` as usual).
    pub delivered: bool,
    /// Input is left that only the owner's thread can take (it left it to the waiting
    /// thread, or that thread read bytes it cannot decode): the caller sends the owner
    /// `PeerCommand::Resume`.
    pub resume: bool,
}

impl Route {
    /// A route to an end that no socket owns yet.
    pub fn pending() -> Arc<Route> {
        Arc::new(Route {
            dest: Mutex::new(Dest::Pending(Vec::new())),
        })
    }

    /// A route to end `id` owned by the socket behind `mailbox`.
    pub fn to(mailbox: MailboxSender<Command>, id: PipeId) -> Arc<Route> {
        Arc::new(Route {
            dest: Mutex::new(Dest::Attached {
                mailbox,
                id,
                direct: None,
            }),
        })
    }

    /// Delivers a command to the end (or queues it until the end is attached).
    pub fn send(&self, command: PeerCommand) {
        let mut dest = self.dest.lock();
        match &mut *dest {
            Dest::Pending(queue) => queue.push(command),
            Dest::Attached {
                direct: Some(owner),
                ..
            } if command == PeerCommand::ActivateRead => {
                let owner = owner.clone();
                // The owner's work runs without this lock: it sends commands of its own.
                drop(dest);
                if owner.read_now() {
                    return;
                }
                if let Dest::Attached { mailbox, id, .. } = &*self.dest.lock() {
                    mailbox.send(Command::Pipe(*id, command));
                }
            }
            Dest::Attached { mailbox, id, .. } => mailbox.send(Command::Pipe(*id, command)),
        }
    }

    /// The owner's `ReadNow`, if it has one.
    pub fn direct(&self) -> Option<Arc<dyn ReadNow>> {
        match &*self.dest.lock() {
            Dest::Attached { direct, .. } => direct.clone(),
            Dest::Pending(_) => None,
        }
    }

    /// Points the route at end `id` of the socket behind `mailbox`; returns the commands that
    /// were queued for it meanwhile, for the new owner to process.
    pub fn attach(&self, mailbox: MailboxSender<Command>, id: PipeId) -> Vec<PeerCommand> {
        self.attach_with(mailbox, id, None)
    }

    /// As `attach`, for an owner that can take wake-ups on the sender's thread (`ReadNow`).
    pub fn attach_with(
        &self,
        mailbox: MailboxSender<Command>,
        id: PipeId,
        owner: Option<Arc<dyn ReadNow>>,
    ) -> Vec<PeerCommand> {
        let mut dest = self.dest.lock();
        let queued = match &mut *dest {
            Dest::Pending(queue) => std::mem::take(queue),
            Dest::Attached { .. } => Vec::new(),
        };
        *dest = Dest::Attached {
            mailbox,
            id,
            direct: owner,
        };
        queued
    }
}
