//! Commands between sockets, and routes: how one pipe end reaches the mailbox of its peer's
//! owner.
#![forbid(unsafe_code)]

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
    /// The descriptor the owner's input arrives on, while `receive_now` could take it; a
    /// thread waiting for that input may wait on it too.
    fn input_fd(&self) -> Option<RawFd>;
    /// Takes the input that arrived, on the calling thread, into the pipe toward the
    /// caller's socket: whether any message went in (the socket then hears `ActivateRead`
    /// as usual). Whatever it leaves, the owner's own thread takes.
    fn receive_now(&self) -> bool;
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
