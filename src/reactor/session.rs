//! A session: one connection of a socket over tcp or ipc, run by an I/O thread.
//!
//! It joins the socket's pipe to the network through a sans-IO `zmtp::Connection`: frames read
//! from the stream go into the pipe, messages read from the pipe go out in batched writes. A
//! session made by `zmq_connect` owns its pipe from the start (messages queue while it
//! connects, and survive reconnections) and reconnects with back-off; a session accepted by a
//! listener makes its pipe once the handshake is done, and ends with its connection.

use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use mio::Interest;
use mio::net::{TcpStream, UnixStream};
use parking_lot::Mutex;

use super::Io;
use super::wire::Wire;
use super::zap::ZapClient;
use crate::ctx::{Ctx, SocketId};
use crate::mailbox::MailboxSender;
use crate::msg::Msg;
use crate::options::{Mechanism, Options};
use crate::pipe::{PeerCommand, PipeEnd, PipeEvent, hwm_limit, pipe_pair};
use crate::socket::monitor::{MonitorSlot, Place, event};
use crate::socket::{Command, NewPipe, PipeId, ReadNow, Route, SocketType, WaitEnd};
use crate::transport::socks::{SocksClient, SocksStatus};
use crate::transport::{ConnectTarget, ipc, tcp};
use crate::zmtp::{self, DataFrame, Event};

/// Bytes of encoded output copied (headers and small bodies) before writing (libzmq's out batch
/// is 8 KiB; a larger batch means fewer system calls per message).
const OUT_BATCH: usize = 64 * 1024;
/// Bytes of output the I/O thread gathers for one write, large bodies (referenced, not copied)
/// included, unless `OUT_BATCH` bytes were copied first. Bounded by `OUT_BATCH` alone, a
/// stream of 64 KiB messages took a write each, and the sending I/O thread, busy in those
/// calls, set the pace: four to a write, it spent 17-19 us of processor time per message over
/// tcp instead of 21-26.
const OUT_GATHER: usize = 256 * 1024;

/// The socket's thread writes a message itself (`Session::read_now`) only if its encoded
/// output is at most this long. A larger one may not fit the stream's send buffer (a Unix
/// socket's holds ~200 KiB): begun on the socket's thread and finished by the I/O thread
/// once the peer made room, 1 MiB round trips took 30-40% longer (ipc) than with the I/O
/// thread writing all of it, while at 128 KiB the direct write still gains 15-20%.
const DIRECT_WRITE_MAX: usize = 128 * 1024;

/// While a TCP peer streams large messages, a reader waiting for at least this many bytes of
/// a body has the stream reported readable only once they have arrived (SO_RCVLOWAT), up to
/// `LOWAT_MAX` at a time (see `Engine::await_body`).
const LOWAT_MIN: usize = 128 * 1024;
/// See `LOWAT_MIN`.
const LOWAT_MAX: usize = 256 * 1024;

/// What sessions and listeners know of their socket.
pub(crate) struct SocketLink {
    pub(crate) socket: SocketId,
    /// The context, where the session finds the ZAP handler.
    pub(crate) ctx: Arc<Ctx>,
    pub(crate) mailbox: MailboxSender<Command>,
    /// libzmq's number for the socket type.
    pub(crate) socket_type: i32,
    /// Whether the socket wants each peer's routing id as the first message of a pipe.
    pub(crate) wants_ids: bool,
    /// Set when the socket closes; held while a new pipe is posted, so that a pipe is either
    /// seen by the closing socket or never made.
    pub(crate) closed: Mutex<bool>,
    /// The socket's monitor (zmq_socket_monitor), if any.
    pub(crate) monitor: MonitorSlot,
}

/// The session's end of its pipe.
pub(crate) struct SessionPipe {
    pub(super) end: PipeEnd,
    pub(super) id: PipeId,
    to_peer: Arc<Route>,
    pub(super) to_self: Arc<Route>,
}

impl SessionPipe {
    /// Delivers what the end has to say to the socket's end.
    pub(super) fn deliver(&mut self) {
        while let Some(command) = self.end.poll_command() {
            self.to_peer.send(command);
        }
    }
}

/// A pipe pair for a session of a socket with these options: (socket's end, session's end).
/// ZMQ_CONFLATE applies to the types libzmq applies it to, and removes the limits.
pub(crate) fn session_pipe(
    options: &Options,
    socket_type: i32,
    socket_to: Arc<Route>,
    endpoint: &str,
    locally_initiated: bool,
) -> (NewPipe, SessionPipe) {
    // DEALER, PULL, PUSH, PUB, SUB.
    let conflate = options.conflate && matches!(socket_type, 5 | 7 | 8 | 1 | 2);
    let (out_hwm, in_hwm) = if conflate {
        (0, 0)
    } else {
        (hwm_limit(options.sndhwm), hwm_limit(options.rcvhwm))
    };
    let (mut socket_end, mut session_end) = pipe_pair(out_hwm, in_hwm);
    socket_end.set_conflate(conflate);
    session_end.set_conflate(conflate);
    let (socket_id, session_id) = (PipeId::next(), PipeId::next());
    let to_session = Route::pending();
    let socket_side = NewPipe {
        end: socket_end,
        id: socket_id,
        to_peer: to_session.clone(),
        to_self: socket_to.clone(),
        endpoint: Some(endpoint.to_owned()),
        locally_initiated,
    };
    let session_side = SessionPipe {
        end: session_end,
        id: session_id,
        to_peer: socket_to,
        to_self: to_session,
    };
    (socket_side, session_side)
}

/// A connected byte stream.
pub(crate) enum Stream {
    Tcp(TcpStream),
    Ipc(UnixStream),
}

impl Stream {
    pub(crate) fn fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Ipc(s) => s.as_raw_fd(),
        }
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Stream::Tcp(s) => s,
            Stream::Ipc(s) => s,
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Ipc(s) => s.read(buf),
        }
    }

    fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Ipc(s) => s.take_error(),
        }
    }

    /// The local and the remote end as endpoints ("tcp://ip:port", "ipc://path"; empty for
    /// an unnamed end), as version 2 monitor events report a connection.
    fn endpoints(&self) -> (String, String) {
        match self {
            Stream::Tcp(s) => (
                s.local_addr()
                    .map(|a| crate::transport::tcp::endpoint_of(&a))
                    .unwrap_or_default(),
                s.peer_addr()
                    .map(|a| crate::transport::tcp::endpoint_of(&a))
                    .unwrap_or_default(),
            ),
            Stream::Ipc(s) => {
                let name = |a: std::io::Result<std::os::unix::net::SocketAddr>| {
                    a.ok()
                        .and_then(|a| a.as_pathname().map(|p| format!("ipc://{}", p.display())))
                        .unwrap_or_default()
                };
                (name(s.local_addr()), name(s.peer_addr()))
            }
        }
    }

    /// The peer's address as ZAP requests and the "Peer-Address" property give it: its IP
    /// for TCP; for IPC, libzmq's "localhost:uid:gid:pid" of the peer process.
    fn peer_address(&self) -> Option<String> {
        match self {
            Stream::Tcp(s) => s.peer_addr().ok().map(|a| a.ip().to_string()),
            Stream::Ipc(s) => crate::sys::net::peer_credentials(s.as_raw_fd())
                .ok()
                .map(|(pid, uid, gid)| format!("localhost:{uid}:{gid}:{pid}")),
        }
    }
}

/// Writes a decoded frame into the session's pipe. A frame the full pipe refuses waits in
/// `pending_in`, the engine is `stalled` (reading stops) and false is returned. With no pipe (the
/// socket let go of it) the frame is dropped.
fn offer(
    pipe: Option<&mut SessionPipe>,
    pending_in: &mut Option<Msg>,
    stalled: &mut bool,
    frame: DataFrame<'_>,
) -> bool {
    let Some(pipe) = pipe else {
        return true;
    };
    let refused = match frame {
        DataFrame::Small { body, more } => match pipe.end.write_small(body, more) {
            true => return true,
            false => DataFrame::Small { body, more }.into_msg(),
        },
        DataFrame::Msg(msg) => match pipe.end.write(msg) {
            Ok(()) => return true,
            Err(msg) => msg,
        },
    };
    *pending_in = Some(refused);
    *stalled = true;
    pipe.end.flush();
    pipe.deliver();
    false
}

/// A stream and the protocol running over it.
struct Engine {
    stream: Stream,
    /// None while a TCP connect is in progress.
    conn: Option<Wire>,
    /// A decoded frame the full pipe did not take yet.
    pending_in: Option<Msg>,
    /// Reading stopped because the pipe to the socket is full.
    stalled: bool,
    /// Properties of the peer, attached to every message from it.
    metadata: Option<Arc<crate::msg::Metadata>>,
    /// When a connect in progress is abandoned (ZMQ_CONNECT_TIMEOUT).
    connect_deadline: Option<Instant>,
    /// The SOCKS5 handshake with the proxy (ZMQ_SOCKS_PROXY), before the protocol starts.
    socks: Option<SocksClient>,
    /// The proxy agreed: the stream now reaches the target.
    proxied: bool,
    /// The handshake completed (failures after it are not handshake failures).
    handshaken: bool,
    /// Whether the stream is registered for writable events too (while connecting, and while
    /// output waits for room).
    writable: bool,
    /// The poller reported the peer's end closed (or an error): a short read then does not
    /// mean the socket is drained, the end of stream waits behind it and, with edge-triggered
    /// readiness, no further event would announce it.
    read_closed: bool,
    /// The stream's SO_RCVLOWAT as last set (1, the kernel's default, until then): see
    /// `Engine::await_body`.
    lowat: usize,
    /// The socket's thread waits on the stream and reads it itself: the I/O thread's read
    /// interest is paused (`Session::set_read_interest`).
    read_paused: bool,
}

impl Engine {
    /// An engine for `stream`, registered for writable events too when `writable` (while
    /// connecting): no protocol yet, nothing read.
    fn new(stream: Stream, writable: bool) -> Engine {
        Engine {
            stream,
            conn: None,
            pending_in: None,
            stalled: false,
            metadata: None,
            connect_deadline: None,
            socks: None,
            proxied: false,
            handshaken: false,
            writable,
            read_closed: false,
            lowat: 1,
            read_paused: false,
        }
    }

    /// The events the stream is registered for, as mio registers them: edge-triggered,
    /// readable is EPOLLIN | EPOLLRDHUP.
    fn epoll_events(&self) -> u32 {
        let mut events = libc::EPOLLET as u32;
        if !self.read_paused {
            events |= (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;
        }
        if self.writable {
            events |= libc::EPOLLOUT as u32;
        }
        events
    }

    /// Registers the stream in `epoll` anew for `epoll_events`.
    fn reregister(&self, epoll: &OwnedFd, token: u64) -> io::Result<()> {
        let (fd, events) = (self.stream.fd(), self.epoll_events());
        crate::sys::epoll_control(epoll, libc::EPOLL_CTL_MOD, fd, events, token)
    }

    /// Before the reader leaves a drained stream. Over loopback a 1 MiB body arrives in
    /// 64 KiB segments, and a reader woken by each read each: 16 wake-ups and reads per
    /// message, where libzmq, slower to come back, made 2-3. So while the peer streams to us
    /// (`Connection::body_missing`), TCP is asked to report the stream readable only once
    /// `LOWAT_MAX` more bytes of the body (or all that are missing) have arrived; then back
    /// to any byte. A stream of 1 MiB messages so costs its reader 5 reads per message and a
    /// third less processor time. The end of the stream and a full receive window are
    /// reported whatever the mark.
    fn await_body(&mut self) {
        let Stream::Tcp(stream) = &self.stream else {
            return;
        };
        let missing = self.conn.as_ref().map_or(0, Wire::body_missing);
        let want = if missing >= LOWAT_MIN {
            missing.min(LOWAT_MAX)
        } else {
            1
        };
        if want != self.lowat {
            let value = libc::c_int::try_from(want).unwrap_or(libc::c_int::MAX);
            let set = crate::sys::net::set_int_option(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVLOWAT,
                value,
            );
            if set.is_ok() {
                self.lowat = want;
            }
        }
    }
}

/// How the session came to be.
enum Role {
    /// Made by zmq_connect: reconnects.
    Connect {
        target: ConnectTarget,
        /// The reconnection interval now (doubles up to ZMQ_RECONNECT_IVL_MAX).
        ivl: i32,
        /// When to try again.
        retry_at: Option<Instant>,
    },
    /// Accepted by a listener.
    Accepted,
}

/// A session. It takes whole cache lines: the socket's thread and the I/O thread both work
/// on it (`read_now`, `end_wait`). Unaligned, two unused fields added to the struct were
/// enough to make 1 MiB REQ/REP round trips take twice their time in half the runs (a line
/// shared with a neighbouring allocation, presumably); aligned, 10 runs of 10 were as fast
/// as before.
#[repr(align(64))]
pub(crate) struct Session {
    link: Arc<SocketLink>,
    options: Arc<Options>,
    /// The endpoint it serves: the connect endpoint, or the bound one for accepted sessions.
    endpoint: String,
    role: Role,
    engine: Option<Engine>,
    pipe: Option<SessionPipe>,
    /// The pipe to the ZAP handler, made when a mechanism first asks.
    zap: Option<ZapClient>,
    /// Closing: until when to keep sending what is queued (None inside: no limit).
    closing: Option<Option<Instant>>,
    /// The frames left of a message cut by a lost connection are dropped, not sent.
    skip_rest: bool,
    /// The last frame handed to the connection had more frames after it.
    out_more: bool,
    done: bool,
    /// Seed of the reconnection jitter.
    jitter: u32,
    /// How the socket's end wakes this session on the socket's thread (`Session::read_now`),
    /// given by the I/O thread when it takes the session.
    read_now: Option<Arc<dyn ReadNow>>,
    /// Whether the socket's thread waits on the connection and reads it itself
    /// (`ReadNow::input_fd`), the I/O thread leaving the input to it.
    input: Arc<InputOwner>,
    /// Where the stream is registered (the I/O thread's epoll instance and this session's
    /// token), for `set_read_interest`.
    poller: Option<(Arc<OwnedFd>, u64)>,
}

/// A session as its I/O thread holds it: behind a lock that a socket's thread may take to do
/// the session's output itself (`Session::read_now`), and beside it who owns the input, which
/// the I/O thread reads without the lock.
pub(crate) struct SharedSession {
    session: Arc<Mutex<Session>>,
    input: Arc<InputOwner>,
}

impl SharedSession {
    pub(crate) fn lock(&self) -> parking_lot::MutexGuard<'_, Session> {
        self.session.lock()
    }

    /// For a readiness event with nothing but bytes to read: leaves them to the socket's
    /// thread if it waits on the connection (true), without taking the session's lock, which
    /// that thread is about to take to read them. Taken by both, the lock had the socket's
    /// thread spin and yield in two round trips of three (1-byte REQ/REP over tcp).
    pub(crate) fn leave_input(&self) -> bool {
        self.input.defer()
    }
}

/// Who reads a session's connection: its I/O thread (`FREE`), or the socket's thread waiting
/// on it (`WAITING`), to which the I/O thread left input it was told of (`DEFERRED`).
#[derive(Default)]
struct InputOwner(AtomicU8);

impl InputOwner {
    const FREE: u8 = 0;
    const WAITING: u8 = 1;
    const DEFERRED: u8 = 2;

    /// The socket's thread starts waiting on the connection.
    fn wait(&self) {
        self.0.store(Self::WAITING, Ordering::Release);
    }

    /// The I/O thread would read: true if a waiting thread takes the input instead.
    fn defer(&self) -> bool {
        match self.0.compare_exchange(
            Self::WAITING,
            Self::DEFERRED,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => true,
            Err(state) => state == Self::DEFERRED,
        }
    }

    /// The wait ends; whether the I/O thread left input to it meanwhile.
    fn end(&self) -> bool {
        self.0.swap(Self::FREE, Ordering::AcqRel) == Self::DEFERRED
    }
}

/// The socket's way to a session on its own thread (`ReadNow`): it never waits for the lock,
/// and does nothing once the I/O thread has let the session go.
///
/// Only a message sent alone is written this way. A burst goes through the mailbox, so that
/// the I/O thread batches it while the sending thread goes on: written by the sending thread,
/// every message of a stream would cost that thread a system call, a fan-out one per
/// subscriber, and a thread feeding many sockets one per socket, all of them taken off the
/// I/O thread that would have made them in parallel. So a wake-up that the same thread gave
/// any session within `DIRECT_GAP` of the previous one, or of the end of its last write made
/// this way, is posted.
///
/// A process forked since never writes this way: the connection is its parent's.
struct ReadNowHandle {
    session: std::sync::Weak<Mutex<Session>>,
    input: Arc<InputOwner>,
    /// `sys::fork_generation()` when the handle was made.
    generation: u32,
}

/// See `ReadNowHandle`: wake-ups closer than this are a burst.
const DIRECT_GAP: Duration = Duration::from_micros(20);

thread_local! {
    /// When this thread last woke a session (see `ReadNowHandle`).
    static LAST_WAKE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

impl ReadNow for ReadNowHandle {
    fn read_now(&self) -> bool {
        if crate::sys::fork_generation() != self.generation {
            return false;
        }
        let now = Instant::now();
        let last = LAST_WAKE.replace(Some(now));
        if last.is_some_and(|at| now.saturating_duration_since(at) < DIRECT_GAP) {
            return false;
        }
        let Some(session) = self.session.upgrade() else {
            return false;
        };
        let done = session.try_lock().is_some_and(|mut s| s.read_now());
        // The time the write took does not count as a gap.
        LAST_WAKE.set(Some(Instant::now()));
        done
    }

    fn input_fd(&self) -> Option<RawFd> {
        if crate::sys::fork_generation() != self.generation {
            return None;
        }
        let session = self.session.upgrade()?;
        let mut session = session.try_lock()?;
        let fd = session.plain_input()?;
        session.input.wait();
        session.set_read_interest(false);
        Some(fd)
    }

    fn end_wait(&self, readable: bool) -> WaitEnd {
        // The I/O thread holds the lock only for its turn on this session: reading waits for
        // it.
        let Some(session) = self.session.upgrade() else {
            return WaitEnd::default();
        };
        let mut session = session.lock();
        let deferred = self.input.end();
        let received = match readable {
            true => session.receive_now(),
            false => Received {
                finished: !deferred,
                ..Received::default()
            },
        };
        // After the reads: bytes that came since are reported to the I/O thread at once.
        session.set_read_interest(true);
        // Input left unread, or read and left undecoded, goes back to the I/O thread, which
        // may never hear of it otherwise: a readiness edge is dropped when the bytes are gone
        // by the time the poller collects it.
        WaitEnd {
            delivered: received.delivered,
            resume: !received.finished,
        }
    }
}

/// Makes `session` shareable with its socket's thread, which writes its messages itself when
/// the socket goes in lockstep (REQ, REP). Other types keep batching on the I/O thread: with
/// four DEALER threads making pipelined requests of one ROUTER over tcp, writing on the
/// sending threads cost 15-20% of the requests per second (the senders then wait on the
/// network, and the I/O thread on the sessions' locks).
pub(crate) fn share(session: Session) -> SharedSession {
    let lockstep =
        SocketType::from_raw(session.link.socket_type).is_ok_and(SocketType::is_lockstep);
    let input = session.input.clone();
    let shared = Arc::new(Mutex::new(session));
    if lockstep {
        let handle: Arc<dyn ReadNow> = Arc::new(ReadNowHandle {
            session: Arc::downgrade(&shared),
            input: input.clone(),
            generation: crate::sys::fork_generation(),
        });
        shared.lock().read_now = Some(handle);
    }
    SharedSession {
        session: shared,
        input,
    }
}

impl Session {
    /// A session for zmq_connect; `pipe` is the session's end of the pipe made at connect
    /// time (None with ZMQ_IMMEDIATE: made once connected).
    pub(crate) fn connecting(
        link: Arc<SocketLink>,
        options: Arc<Options>,
        endpoint: String,
        target: ConnectTarget,
        pipe: Option<SessionPipe>,
    ) -> Session {
        let ivl = options.reconnect_ivl;
        Session::new(
            link,
            options,
            endpoint,
            Role::Connect {
                target,
                ivl,
                retry_at: None,
            },
            pipe,
            None,
        )
    }

    /// A session for a connection a listener accepted.
    pub(crate) fn accepted(
        link: Arc<SocketLink>,
        options: Arc<Options>,
        endpoint: String,
        stream: Stream,
        now: Instant,
    ) -> Session {
        let conn = wire(&link, &options, &stream, now);
        let engine = Engine {
            conn: Some(conn),
            ..Engine::new(stream, false)
        };
        Session::new(link, options, endpoint, Role::Accepted, None, Some(engine))
    }

    fn new(
        link: Arc<SocketLink>,
        options: Arc<Options>,
        endpoint: String,
        role: Role,
        pipe: Option<SessionPipe>,
        engine: Option<Engine>,
    ) -> Session {
        // A seed that differs between sessions, so that they do not retry in step.
        static SESSIONS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let count = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let clock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = (std::process::id() ^ clock ^ count.wrapping_mul(0x9e37_79b9)) | 1;
        Session {
            link,
            options,
            endpoint,
            role,
            engine,
            pipe,
            zap: None,
            closing: None,
            skip_rest: false,
            out_more: false,
            done: false,
            jitter,
            read_now: None,
            input: Arc::default(),
            poller: None,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// The socket the session works for.
    pub(crate) fn socket(&self) -> SocketId {
        self.link.socket
    }

    /// Starts on the I/O thread: takes over the pipe's route, connects or registers.
    pub(crate) fn start(&mut self, io: &mut Io<'_>) {
        if let Some(pipe) = self.pipe.as_mut() {
            let id = pipe.id;
            io.own_pipe(id);
            let queued = pipe
                .to_self
                .attach_with(io.sender.clone(), id, self.read_now.clone());
            for command in queued {
                self.pipe_command(io, id, command);
            }
            if self.done {
                // Closed before it started (zmq_connect then zmq_close at once).
                return;
            }
        }
        if let Some(engine) = self.engine.as_mut() {
            let interest = Interest::READABLE;
            if io
                .registry
                .register(engine.stream.source(), io.token, interest)
                .is_err()
            {
                self.engine = None;
                self.shutdown(io);
                return;
            }
            self.poller = Some((io.epoll.clone(), io.token.0 as u64));
            self.pump_output(io);
            // A raw connection is ready at once, with nothing to read first.
            self.pump(io);
        } else if matches!(self.role, Role::Connect { .. }) {
            self.attempt(io);
        }
    }

    /// Readiness of the stream.
    pub(crate) fn ready(
        &mut self,
        io: &mut Io<'_>,
        readable: bool,
        writable: bool,
        read_closed: bool,
    ) {
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        engine.read_closed |= read_closed;
        if engine.socks.is_some() {
            self.socks_step(io);
            return;
        }
        if engine.conn.is_none() {
            // A connect in progress ended, one way or the other.
            match engine.stream.take_error() {
                Ok(None) if writable => self.connected(io),
                Ok(None) => {}
                Ok(Some(e)) | Err(e) => self.engine_failed(io, Cause::Io(errno_of(&e))),
            }
            return;
        }
        if readable && !read_closed && self.input.defer() {
            // The socket's thread is waiting on the connection and will read it.
            if writable {
                self.pump_output(io);
            }
        } else if readable {
            self.pump(io);
        } else if writable && self.engine.is_some() {
            self.pump_output(io);
        }
        self.check_done(io);
    }

    /// A command from the socket's end of the pipe, or from the ZAP handler's.
    pub(crate) fn pipe_command(&mut self, io: &mut Io<'_>, id: PipeId, command: PeerCommand) {
        if let Some(zap) = self.zap.as_mut().filter(|z| z.id() == id) {
            if let Some(reply) = zap.command(command) {
                self.zap_reply(io, Some(&reply));
            }
            return;
        }
        let Some(pipe) = self.pipe.as_mut().filter(|p| p.id == id) else {
            return;
        };
        let event = pipe.end.process(command);
        pipe.deliver();
        let sending = self
            .engine
            .as_ref()
            .and_then(|e| e.conn.as_ref())
            .is_some_and(Wire::is_ready);
        if event == PipeEvent::PeerTerminating && !sending {
            // Nothing is being sent: if only the delimiter is left, the pipe is done now.
            pipe.end.check_read();
            pipe.deliver();
        }
        match event {
            PipeEvent::ReadActivated | PipeEvent::PeerTerminating => self.pump_output(io),
            PipeEvent::WriteActivated => self.pump(io),
            // The socket's thread began the work and left the rest (`read_now`): the end
            // is active already, and output may wait.
            PipeEvent::None if command == PeerCommand::ActivateRead => self.pump_output(io),
            // The socket's thread read the connection and left the rest.
            PipeEvent::None if command == PeerCommand::Resume => self.pump(io),
            PipeEvent::None | PipeEvent::Finished | PipeEvent::Hiccuped => {}
        }
        self.check_done(io);
    }

    /// The socket closed (endpoint None) or released this session's endpoint.
    pub(crate) fn close(
        &mut self,
        io: &mut Io<'_>,
        socket: SocketId,
        endpoint: Option<&str>,
        linger: i32,
    ) {
        if socket != self.link.socket || endpoint.is_some_and(|e| e != self.endpoint) {
            return;
        }
        let deadline = u64::try_from(linger)
            .ok()
            .map(|ms| io.now + Duration::from_millis(ms));
        self.closing = Some(deadline);
        if linger == 0 {
            // Nothing more goes out.
            self.shutdown(io);
            return;
        }
        // The socket terminates its end too; reading up to the delimiter finishes ours.
        self.pump_output(io);
        self.check_done(io);
    }

    /// The next time the session must act.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        let mut consider = |t: Option<Instant>| {
            if let Some(t) = t {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        if let Role::Connect { retry_at, .. } = &self.role {
            consider(*retry_at);
        }
        if let Some(engine) = &self.engine {
            consider(engine.connect_deadline);
            consider(engine.conn.as_ref().and_then(Wire::poll_timeout));
        }
        consider(self.closing.flatten());
        next
    }

    /// A deadline passed.
    pub(crate) fn timeout(&mut self, io: &mut Io<'_>) {
        let now = io.now;
        if self.closing.flatten().is_some_and(|d| d <= now) {
            self.shutdown(io);
            return;
        }
        if let Role::Connect { retry_at, .. } = &mut self.role {
            if retry_at.is_some_and(|t| t <= now) {
                *retry_at = None;
                self.attempt(io);
                return;
            }
        }
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        if engine.connect_deadline.is_some_and(|d| d <= now) {
            self.engine_failed(io, Cause::Io(libc::ETIMEDOUT as u32));
            return;
        }
        if let Some(conn) = engine.conn.as_mut() {
            if let Err(failure) = conn.handle_timeout(now) {
                self.engine_failed(io, Cause::Protocol(failure));
                return;
            }
            // A heartbeat may have been queued.
            self.pump_output(io);
        }
    }

    /// Starts a connection attempt; failures schedule the next one.
    fn attempt(&mut self, io: &mut Io<'_>) {
        let Role::Connect { target, .. } = &self.role else {
            return;
        };
        let stream = match open_stream(target, &self.options) {
            Ok((stream, in_progress)) => {
                if in_progress {
                    let errno = libc::EINPROGRESS as u32;
                    self.event(event::CONNECT_DELAYED, errno);
                }
                stream
            }
            Err(e) => {
                if let Some(fd) = e.fd {
                    self.event(event::CLOSED, fd);
                }
                let refused = Cause::Io(e.errno);
                if self.stops_reconnecting(&refused, false, false) {
                    self.shutdown(io);
                } else {
                    self.schedule_reconnect(io);
                }
                return;
            }
        };
        let connect_deadline = u64::try_from(self.options.connect_timeout)
            .ok()
            .filter(|&ms| ms > 0)
            .map(|ms| io.now + Duration::from_millis(ms));
        let mut engine = Engine {
            connect_deadline,
            ..Engine::new(stream, true)
        };
        let interest = Interest::READABLE | Interest::WRITABLE;
        if io
            .registry
            .register(engine.stream.source(), io.token, interest)
            .is_err()
        {
            self.schedule_reconnect(io);
            return;
        }
        self.poller = Some((io.epoll.clone(), io.token.0 as u64));
        self.engine = Some(engine);
    }

    /// Reports a monitor event about this session's endpoint: for a handshake or a
    /// disconnection, with the addresses of the connection's two ends (version 2 events).
    fn event(&self, event: u16, value: u32) {
        let of_connection = event == event::DISCONNECTED
            || event == event::HANDSHAKE_SUCCEEDED
            || event == event::HANDSHAKE_FAILED_NO_DETAIL
            || event == event::HANDSHAKE_FAILED_PROTOCOL
            || event == event::HANDSHAKE_FAILED_AUTH;
        let ends = || {
            self.engine
                .as_ref()
                .map(|e| e.stream.endpoints())
                .unwrap_or_default()
        };
        let place = match (&self.role, of_connection && self.engine.is_some()) {
            (_, true) => Place::Connection(&self.endpoint, &ends),
            (Role::Connect { .. }, false) => Place::Connecting(&self.endpoint),
            (Role::Accepted, false) => Place::Bound(&self.endpoint),
        };
        self.link.monitor.event(event, value, place);
    }

    /// The descriptor of the connection, as monitor events report it.
    fn fd(&self) -> u32 {
        self.engine
            .as_ref()
            .map_or(0, |e| u32::try_from(e.stream.fd()).unwrap_or(0))
    }

    /// The TCP (or IPC) connect completed: start the protocol, or first the SOCKS5 handshake
    /// when the connection is to a proxy.
    fn connected(&mut self, io: &mut Io<'_>) {
        if let (
            Role::Connect {
                target: ConnectTarget::Tcp(target),
                ..
            },
            Some(engine),
        ) = (&self.role, self.engine.as_mut())
        {
            if !self.options.socks_proxy.is_empty() && !engine.proxied {
                let username = &self.options.socks_username;
                let auth = (!username.is_empty())
                    .then(|| (username.clone(), self.options.socks_password.clone()));
                match SocksClient::new(&target.host, target.port, auth) {
                    Ok(client) => {
                        engine.socks = Some(client);
                        self.socks_step(io);
                    }
                    Err(_) => self.engine_failed(io, Cause::Io(libc::EINVAL as u32)),
                }
                return;
            }
        }
        self.event(event::CONNECTED, self.fd());
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        let conn = wire(&self.link, &self.options, &engine.stream, io.now);
        if let Stream::Tcp(_) = engine.stream {
            tcp::configure_connection(engine.stream.fd(), &self.options);
        }
        engine.connect_deadline = None;
        engine.conn = Some(conn);
        // From now on writable events only while output waits for room.
        let _ = io
            .registry
            .reregister(engine.stream.source(), io.token, Interest::READABLE);
        engine.writable = false;
        if let Role::Connect { ivl, .. } = &mut self.role {
            *ivl = self.options.reconnect_ivl;
        }
        self.pump_output(io);
        self.pump(io);
        self.check_done(io);
    }

    /// Moves the SOCKS5 handshake on: writes what it has to say, reads the proxy's answers;
    /// once done, the protocol starts over the same stream with what followed the reply.
    fn socks_step(&mut self, io: &mut Io<'_>) {
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        let Some(client) = engine.socks.as_mut() else {
            return;
        };
        let fd = engine.stream.fd();
        let mut buf = [0u8; 512];
        loop {
            // Each answer of the proxy may call for our next request.
            while !client.output().is_empty() {
                let slices = [std::io::IoSlice::new(client.output())];
                match crate::sys::net::send_vectored(fd, &slices) {
                    Ok(n) => client.output_consumed(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => return self.engine_failed(io, Cause::Io(errno_of(&e))),
                }
            }
            let n = match engine.stream.read(&mut buf) {
                Ok(0) => {
                    // The proxy hung up mid-handshake.
                    let _ = client.input_closed();
                    return self.engine_failed(io, Cause::Io(0));
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.engine_failed(io, Cause::Io(errno_of(&e))),
            };
            let (used, status) = client.input(&buf[..n]);
            match status {
                SocksStatus::InProgress => {}
                SocksStatus::Failed(_) => {
                    return self.engine_failed(io, Cause::Io(libc::ECONNREFUSED as u32));
                }
                SocksStatus::Done => {
                    let rest = buf[used..n].to_vec();
                    engine.socks = None;
                    engine.proxied = true;
                    self.connected(io);
                    if let Some(conn) = self.engine.as_mut().and_then(|e| e.conn.as_mut()) {
                        conn.handle_input(&rest, io.now);
                    }
                    self.pump(io);
                    return;
                }
            }
        }
    }

    fn schedule_reconnect(&mut self, io: &mut Io<'_>) {
        let options = &self.options;
        let Role::Connect { ivl, retry_at, .. } = &mut self.role else {
            return;
        };
        if options.reconnect_ivl < 0 {
            // No reconnection: the endpoint is finished.
            self.shutdown(io);
            return;
        }
        // As libzmq: the interval now plus a random part of the base interval, and doubling
        // up to ZMQ_RECONNECT_IVL_MAX when that is set above the base.
        self.jitter ^= self.jitter << 13;
        self.jitter ^= self.jitter >> 17;
        self.jitter ^= self.jitter << 5;
        let base = options.reconnect_ivl.max(1);
        let jitter = (self.jitter % base as u32) as i32;
        let wait = ivl.saturating_add(jitter);
        if options.reconnect_ivl_max > options.reconnect_ivl {
            *ivl = ivl.saturating_mul(2).min(options.reconnect_ivl_max);
        }
        *retry_at = Some(io.now + Duration::from_millis(u64::try_from(wait).unwrap_or(0)));
        self.event(event::CONNECT_RETRIED, u32::try_from(wait).unwrap_or(0));
    }

    /// The connection was lost, failed, or never came up.
    fn engine_failed(&mut self, io: &mut Io<'_>, cause: Cause) {
        let fd = self.fd();
        let started = self.engine.as_ref().and_then(|e| e.conn.as_ref());
        let had_connection = started.is_some();
        let handshaking = started.is_some() && !self.engine.as_ref().is_some_and(|e| e.handshaken);
        let protocol_error = match &cause {
            Cause::Protocol(failure) => !failure.is_timeout(),
            Cause::Io(_) => false,
        };
        if !had_connection {
            // A connect that failed: its descriptor is closed.
            self.event(event::CLOSED, fd);
        } else {
            if handshaking {
                match &cause {
                    // libzmq reports a time-out without detail, and a protocol error only
                    // where it has a code for it (an incompatible peer type has none).
                    Cause::Protocol(failure) => {
                        if let Some(status) = failure.auth_status() {
                            self.event(event::HANDSHAKE_FAILED_AUTH, status);
                        } else if let Some(code) = failure.protocol_error_code() {
                            self.event(event::HANDSHAKE_FAILED_PROTOCOL, code);
                        } else if failure.is_timeout() {
                            self.event(event::HANDSHAKE_FAILED_NO_DETAIL, 0);
                        } else if *failure == zmtp::Failure::NoZapHandler {
                            self.event(event::HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32);
                        }
                    }
                    Cause::Io(errno) => self.event(event::HANDSHAKE_FAILED_NO_DETAIL, *errno),
                }
            }
            self.event(event::DISCONNECTED, fd);
            if self.link.socket_type == STREAM && self.options.stream_notify {
                // ...and of its end, as an empty message too.
                if let Some(pipe) = self.pipe.as_mut() {
                    pipe.end.rollback();
                    let _ = pipe.end.write(Msg::new());
                    pipe.end.flush();
                    pipe.deliver();
                }
            }
        }
        self.drop_engine(io);
        if let Some(pipe) = self.pipe.as_mut() {
            // A message half written to the socket is dropped whole.
            pipe.end.rollback();
            if had_connection && !handshaking {
                self.lost_connection_messages();
            }
            if let Some(pipe) = self.pipe.as_mut() {
                pipe.deliver();
            }
        }
        self.skip_rest = self.out_more;
        self.out_more = false;
        match self.role {
            Role::Accepted => self.shutdown(io),
            // A peer that breaks the protocol is not called again, as in libzmq; the pipe
            // stays (what is queued waits there) until the socket lets go of the endpoint.
            Role::Connect { .. } if protocol_error => self.check_done(io),
            // ZMQ_RECONNECT_STOP: the application asked not to try again after this.
            Role::Connect { .. }
                if self.stops_reconnecting(&cause, had_connection, handshaking) =>
            {
                self.shutdown(io);
            }
            Role::Connect { .. } => {
                if self.options.immediate {
                    // Messages queue only to live connections: the pipe goes with this one.
                    self.terminate_pipe(io);
                } else if let Some(pipe) = self.pipe.as_mut() {
                    // SUB, XSUB: subscriptions are sent again to the next connection (only
                    // after a connection, not after each failed attempt).
                    if had_connection && matches!(self.link.socket_type, 2 | 10) {
                        pipe.to_peer.send(PeerCommand::Hiccup);
                    }
                }
                self.schedule_reconnect(io);
                self.check_done(io);
            }
        }
    }

    /// What the socket reads when an established connection is lost, written whatever the
    /// HWM, as libzmq does: a ROUTER's empty ZMQ_ROUTER_NOTIFY message, then an accepted
    /// connection's ZMQ_DISCONNECT_MSG or a connecting one's ZMQ_HICCUP_MSG.
    fn lost_connection_messages(&mut self) {
        let Some(pipe) = self.pipe.as_mut() else {
            return;
        };
        let (options, socket_type) = (&self.options, self.link.socket_type);
        if socket_type == ROUTER && options.router_notify & NOTIFY_DISCONNECT != 0 {
            pipe.end.force_write(Msg::new());
        }
        let kind = SocketType::from_raw(socket_type).ok();
        let made_up = match self.role {
            Role::Accepted if kind.is_some_and(SocketType::reads_disconnect_msg) => {
                &options.disconnect_msg
            }
            Role::Connect { .. } if kind.is_some_and(SocketType::reads_hiccup_msg) => {
                &options.hiccup_msg
            }
            _ => return pipe.end.flush(),
        };
        if !made_up.is_empty() {
            pipe.end.force_write(Msg::from_slice(made_up));
        }
        pipe.end.flush();
    }

    /// Whether ZMQ_RECONNECT_STOP rules out a new attempt after this failure: a refused
    /// connect (CONN_REFUSED), a failed handshake (HANDSHAKE_FAILED), or the loss of an
    /// established connection (AFTER_DISCONNECT).
    fn stops_reconnecting(&self, cause: &Cause, had_connection: bool, handshaking: bool) -> bool {
        let stop = self.options.reconnect_stop;
        let refused = !had_connection
            && matches!(cause, Cause::Io(errno) if *errno == libc::ECONNREFUSED as u32);
        (stop & RECONNECT_STOP_CONN_REFUSED != 0 && refused)
            || (stop & RECONNECT_STOP_HANDSHAKE_FAILED != 0 && handshaking)
            || (stop & RECONNECT_STOP_AFTER_DISCONNECT != 0 && had_connection && !handshaking)
    }

    fn drop_engine(&mut self, io: &mut Io<'_>) {
        if let Some(mut engine) = self.engine.take() {
            let _ = io.registry.deregister(engine.stream.source());
        }
        // A reply still to come would answer the next connection's request: start afresh.
        if let Some(zap) = self.zap.take_if(|z| z.is_waiting()) {
            zap.close(io);
        }
    }

    /// The ZAP handler answered (or there is none): the handshake goes on.
    fn zap_reply(&mut self, io: &mut Io<'_>, reply: Option<&[Msg]>) {
        let Some(conn) = self.engine.as_mut().and_then(|e| e.conn.as_mut()) else {
            return;
        };
        if let Err(failure) = conn.zap_reply(reply) {
            self.flush_handshake();
            self.engine_failed(io, Cause::Protocol(failure));
            return;
        }
        self.pump_output(io);
        self.pump(io);
        self.check_done(io);
    }

    fn terminate_pipe(&mut self, io: &mut Io<'_>) {
        // What was cut belongs to that pipe; the next one starts clean.
        self.skip_rest = false;
        self.out_more = false;
        if let Some(mut pipe) = self.pipe.take() {
            pipe.end.terminate();
            pipe.deliver();
            io.disown_pipe(pipe.id);
        }
    }

    /// Ends the session at once (after a bug was caught in it).
    pub(crate) fn abort(&mut self, io: &mut Io<'_>) {
        self.shutdown(io);
    }

    /// Ends the session: the connection closes and the pipe is terminated.
    fn shutdown(&mut self, io: &mut Io<'_>) {
        self.drop_engine(io);
        self.terminate_pipe(io);
        if let Some(zap) = self.zap.take() {
            zap.close(io);
        }
        self.done = true;
    }

    /// Finishes the session when its work is over: its pipe finished (the socket let go), or
    /// it is closing and everything queued went out.
    fn check_done(&mut self, io: &mut Io<'_>) {
        if self.done {
            return;
        }
        if self.pipe.as_ref().is_some_and(|p| p.end.is_finished()) {
            if let Some(pipe) = self.pipe.take() {
                io.disown_pipe(pipe.id);
            }
            if self.closing.is_none() {
                // The socket dropped this pipe: nothing more to carry.
                self.closing = Some(Some(io.now));
            }
        }
        let Some(deadline) = self.closing else {
            return;
        };
        let flushed = self
            .engine
            .as_ref()
            .and_then(|e| e.conn.as_ref())
            .is_none_or(|c| c.output_len() == 0);
        if (self.pipe.is_none() && flushed) || deadline.is_some_and(|d| d <= io.now) {
            self.shutdown(io);
        }
    }

    /// Handshake done: make the pipe if there is none, and announce the peer's routing id.
    fn on_ready(
        &mut self,
        io: &mut Io<'_>,
        peer_id: Option<Vec<u8>>,
        metadata: Arc<crate::msg::Metadata>,
    ) {
        self.event(event::HANDSHAKE_SUCCEEDED, 0);
        if let Some(engine) = self.engine.as_mut() {
            engine.handshaken = true;
            let mut properties = (*metadata).clone();
            if let Some(address) = engine.stream.peer_address() {
                properties.insert("Peer-Address", address.as_bytes());
            }
            properties.set_source_fd(engine.stream.fd());
            engine.metadata = Some(Arc::new(properties));
        }
        if self.pipe.is_none() && self.closing.is_none() {
            let closed = self.link.closed.lock();
            if *closed {
                drop(closed);
                self.shutdown(io);
                return;
            }
            let locally_initiated = matches!(self.role, Role::Connect { .. });
            let (socket_side, session_side) = session_pipe(
                &self.options,
                self.link.socket_type,
                Route::pending(),
                &self.endpoint,
                locally_initiated,
            );
            io.own_pipe(session_side.id);
            session_side.to_self.attach_with(
                io.sender.clone(),
                session_side.id,
                self.read_now.clone(),
            );
            self.link
                .mailbox
                .send(Command::Attach(Box::new(socket_side)));
            drop(closed);
            self.pipe = Some(session_side);
        }
        if let Some(pipe) = self.pipe.as_mut() {
            // The reader attaches them to every message of this connection.
            pipe.end
                .write_metadata(self.engine.as_ref().and_then(|e| e.metadata.clone()));
            if self.link.socket_type == STREAM {
                // A STREAM socket hears of each connection as an empty message.
                if self.options.stream_notify {
                    let _ = pipe.end.write(Msg::new());
                    pipe.end.flush();
                }
            } else if self.link.wants_ids {
                pipe.end.announce(peer_id.as_deref().unwrap_or(&[]));
                if self.link.socket_type == ROUTER
                    && self.options.router_notify & NOTIFY_CONNECT != 0
                {
                    // ZMQ_ROUTER_NOTIFY: the ROUTER hears of the peer as an empty message.
                    pipe.end.force_write(Msg::new());
                    pipe.end.flush();
                }
            }
            pipe.deliver();
        }
        // ZMQ_HELLO_MSG: the first message on every connection, ahead of the pipe's.
        let sends_hello =
            SocketType::from_raw(self.link.socket_type).is_ok_and(SocketType::sends_hello);
        if !self.options.hello_msg.is_empty() && sends_hello {
            if let Some(conn) = self.engine.as_mut().and_then(|e| e.conn.as_mut()) {
                conn.send_in_place(&mut Msg::from_slice(&self.options.hello_msg));
            }
        }
    }

    /// Moves decoded frames into the pipe, reading the stream as needed, until the stream has
    /// nothing more or the pipe is full.
    fn pump_input(&mut self, io: &mut Io<'_>) {
        // A read that did not fill its buffer emptied the socket: the next bytes to arrive
        // raise a new readiness event, so reading again now would only say WouldBlock.
        let mut drained = false;
        loop {
            let Some(engine) = self.engine.as_mut() else {
                return;
            };
            let Some(conn) = engine.conn.as_mut() else {
                return;
            };
            if let Some(msg) = engine.pending_in.take() {
                if !offer(
                    self.pipe.as_mut(),
                    &mut engine.pending_in,
                    &mut engine.stalled,
                    DataFrame::Msg(msg),
                ) {
                    return;
                }
            }
            engine.stalled = false;
            let pipe = &mut self.pipe;
            let (pending_in, stalled) = (&mut engine.pending_in, &mut engine.stalled);
            if !conn.deliver_data_frames(|msg| offer(pipe.as_mut(), pending_in, stalled, msg)) {
                return;
            }
            match conn.poll_event(io.now) {
                Ok(Some(Event::Ready {
                    peer_routing_id,
                    metadata,
                    ..
                })) => {
                    self.on_ready(io, peer_routing_id, metadata);
                    // The output may wait for the handshake to be over.
                    self.pump_output(io);
                }
                Ok(Some(Event::Message(msg))) => {
                    // Straight into the pipe; only a frame the pipe refuses waits.
                    if !offer(
                        self.pipe.as_mut(),
                        &mut engine.pending_in,
                        &mut engine.stalled,
                        DataFrame::Msg(msg),
                    ) {
                        return;
                    }
                }
                Ok(Some(Event::ZapRequest(request))) => {
                    if self.zap.is_none() {
                        self.zap = ZapClient::connect(&self.link, io);
                    }
                    let reply = match self.zap.as_mut() {
                        Some(zap) => zap.send(request),
                        None => None,
                    };
                    if reply.is_some() || self.zap.is_none() {
                        self.zap_reply(io, reply.as_deref());
                        return;
                    }
                }
                Ok(None) => {
                    // Everything decoded so far goes to the socket before more is read.
                    if let Some(pipe) = self.pipe.as_mut() {
                        pipe.end.flush();
                        pipe.deliver();
                    }
                    if drained {
                        engine.await_body();
                        return;
                    }
                    let fd = engine.stream.fd();
                    let mut buffer = conn.read_buffer_ready(|| crate::sys::net::bytes_readable(fd));
                    if self.options.batch_sizes_set.0 {
                        // ZMQ_IN_BATCH_SIZE: reads of at most that many bytes.
                        let limit = usize::try_from(self.options.in_batch_size).unwrap_or(1);
                        let len = buffer.len().min(limit.max(1));
                        buffer = &mut buffer[..len];
                    }
                    let room = buffer.len();
                    match engine.stream.read(buffer) {
                        Ok(0) => {
                            // libzmq reports the peer's hang-up as EPIPE.
                            self.engine_failed(io, Cause::Io(libc::EPIPE as u32));
                            return;
                        }
                        Ok(n) => {
                            drained = n < room && !engine.read_closed;
                            conn.read_done(n, io.now);
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            engine.await_body();
                            return;
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            self.engine_failed(io, Cause::Io(errno_of(&e)));
                            return;
                        }
                    }
                }
                Err(failure) => {
                    self.flush_input();
                    self.flush_handshake();
                    self.engine_failed(io, Cause::Protocol(failure));
                    return;
                }
            }
        }
    }

    /// Before a failed handshake closes the connection, one try at sending what it queued
    /// last: the ERROR that tells the peer why (a ZAP refusal).
    fn flush_handshake(&mut self) {
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        let fd = engine.stream.fd();
        if let Some(conn) = engine.conn.as_mut().filter(|c| !c.is_ready()) {
            let _ = conn.write_output(|s| crate::sys::net::send_vectored(fd, s));
        }
    }

    fn flush_input(&mut self) {
        if let Some(pipe) = self.pipe.as_mut() {
            pipe.end.flush();
            pipe.deliver();
        }
    }

    /// Encodes messages from the pipe and writes them, as many per system call as fit a
    /// batch, until the pipe is empty or the stream is full.
    /// Reads and decodes what came, then writes what that queued (the greeting's next part, a
    /// handshake command, a PONG): output goes as soon as it exists, since writable events
    /// come only while output waits for room.
    fn pump(&mut self, io: &mut Io<'_>) {
        self.pump_input(io);
        if self.engine.is_some() {
            self.pump_output(io);
        }
    }

    /// Registers the stream for writable events, or stops. Only while output waits for room:
    /// a Unix socket tells its poller it is writable each time its peer reads, so a standing
    /// interest would wake the I/O thread once more per message (libzmq sets and resets
    /// POLLOUT the same way).
    fn want_writable(engine: &mut Engine, io: &mut Io<'_>, on: bool) {
        if engine.writable == on {
            return;
        }
        // One registration for both interests (`Engine::epoll_events`): a read interest the
        // socket's thread paused stays paused, lest the bytes it waits for wake this thread too.
        engine.writable = on;
        if engine.reregister(io.epoll, io.token.0 as u64).is_err() {
            engine.writable = !on;
        }
    }

    fn pump_output(&mut self, io: &mut Io<'_>) {
        loop {
            let Some(engine) = self.engine.as_mut() else {
                return;
            };
            let Some(conn) = engine.conn.as_mut() else {
                return;
            };
            if conn.is_ready() {
                if let Some(pipe) = self.pipe.as_mut() {
                    let mut framing = Framing {
                        skip_rest: &mut self.skip_rest,
                        out_more: &mut self.out_more,
                        batch: Batch::of(&self.options),
                    };
                    framing.fill(pipe, conn, false);
                }
            }
            if conn.output_len() == 0 {
                Self::want_writable(engine, io, false);
                break;
            }
            let fd = engine.stream.fd();
            match conn.write_output(|s| crate::sys::net::send_vectored(fd, s)) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    Self::want_writable(engine, io, true);
                    break;
                }
                Err(e) => {
                    self.engine_failed(io, Cause::Io(errno_of(&e)));
                    return;
                }
            }
        }
        self.check_done(io);
    }
}

impl Session {
    /// Does on the calling thread (the socket's) what the I/O thread does for an
    /// `ActivateRead` from the socket's end, when the session is in its steady state: the
    /// connection up, no output waiting for room, not closing. It writes what the pipe holds
    /// to the connection until the pipe is empty. Anything else (the delimiter, a write that
    /// would block, an error) is left to the I/O thread: false, and the command is posted.
    fn read_now(&mut self) -> bool {
        if self.done || self.closing.is_some() {
            return false;
        }
        let (Some(engine), Some(pipe)) = (self.engine.as_mut(), self.pipe.as_mut()) else {
            return false;
        };
        if engine.writable || engine.read_closed {
            return false;
        }
        let fd = engine.stream.fd();
        let Some(conn) = engine.conn.as_mut() else {
            return false;
        };
        if !conn.is_ready() || conn.output_len() > 0 {
            return false;
        }
        pipe.end.process(PeerCommand::ActivateRead);
        let mut framing = Framing {
            skip_rest: &mut self.skip_rest,
            out_more: &mut self.out_more,
            batch: Batch::direct(&self.options),
        };
        loop {
            let filled = framing.fill(pipe, conn, true);
            if conn.output_len() > DIRECT_WRITE_MAX {
                // Left to the I/O thread, told by the command this posts.
                return false;
            }
            while conn.output_len() > 0 {
                match conn.write_output(|s| crate::sys::net::send_vectored(fd, s)) {
                    Ok(_) => {}
                    Err(_) => return false,
                }
            }
            match filled {
                Filled::Drained => return true,
                Filled::Batch => {}
                Filled::Stopped => return false,
            }
        }
    }
}

impl Session {
    /// The connection's descriptor while its input is plain data frames that the socket's
    /// thread may read itself (`receive_now`).
    fn plain_input(&self) -> Option<RawFd> {
        if self.done || self.closing.is_some() || self.pipe.is_none() {
            return None;
        }
        let engine = self.engine.as_ref()?;
        if engine.read_closed || engine.stalled || engine.pending_in.is_some() {
            return None;
        }
        engine.conn.as_ref().filter(|c| c.waits_for_bytes())?;
        Some(engine.stream.fd())
    }

    /// Pauses (false) or resumes the I/O thread's interest in reading the stream, keeping its
    /// interest in writing: while the socket's thread waits on the connection and reads it
    /// itself, the I/O thread is not woken by each arrival only to leave it (a wake-up, the
    /// session's lock and an empty read per message, and the two threads contending for the
    /// lock). Resumed, a stream with bytes waiting is reported at once (an epoll_ctl
    /// modification polls it). Called with the session locked, so the descriptor is the
    /// stream's, not a reused number.
    fn set_read_interest(&mut self, on: bool) {
        let (Some((epoll, token)), Some(engine)) = (&self.poller, &mut self.engine) else {
            return;
        };
        engine.read_paused = !on;
        let _ = engine.reregister(epoll, *token);
    }

    /// `pump_input` on the socket's thread, in the steady state only: it reads the stream and
    /// moves data frames into the pipe, and stops at anything else (a command, an oversized
    /// frame, the end of the stream, an error). Returns whether any message went into the
    /// pipe, and whether it finished: read all there was, or stopped at a full pipe (whose
    /// reader gives credit back to the I/O thread, which then reads on). What it did not
    /// finish, the I/O thread takes, sent back to it by a `PeerCommand::Resume`.
    fn receive_now(&mut self) -> Received {
        let mut received = Received::default();
        let Some(fd) = self.plain_input() else {
            return received;
        };
        let (Some(engine), Some(pipe)) = (self.engine.as_mut(), self.pipe.as_mut()) else {
            return received;
        };
        let Some(conn) = engine.conn.as_mut() else {
            return received;
        };
        let mut delivered = false;
        let mut drained = false;
        received.finished = loop {
            let (pending_in, stalled) = (&mut engine.pending_in, &mut engine.stalled);
            let taken = conn.deliver_data_frames(|msg| {
                delivered = true;
                offer(Some(&mut *pipe), pending_in, stalled, msg)
            });
            if !taken {
                break true;
            }
            if !conn.waits_for_bytes() {
                break false;
            }
            if drained {
                engine.await_body();
                break true;
            }
            let buffer = conn.read_buffer_ready(|| crate::sys::net::bytes_readable(fd));
            let room = buffer.len();
            match engine.stream.read(buffer) {
                Ok(n) if n > 0 => {
                    drained = n < room;
                    conn.read_done(n, Instant::now());
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    engine.await_body();
                    break true;
                }
                _ => break false,
            }
        };
        if delivered {
            pipe.end.flush();
            pipe.deliver();
        }
        received.delivered = delivered;
        received
    }
}

/// What `Session::receive_now` did.
#[derive(Default)]
struct Received {
    /// Messages went into the pipe.
    delivered: bool,
    /// Nothing is left for the I/O thread: all there was is read, or the pipe is full.
    finished: bool,
}

/// How far `Framing::fill` went.
enum Filled {
    /// The pipe is empty (and its reader asleep).
    Drained,
    /// A batch of output is ready; the pipe may hold more.
    Batch,
    /// At the delimiter (when asked to stop there), or the connection failed.
    Stopped,
}

/// The session's state of the messages it sends.
struct Framing<'a> {
    /// The frames left of a message cut by a lost connection are dropped.
    skip_rest: &'a mut bool,
    /// The last frame handed to the connection had more frames after it.
    out_more: &'a mut bool,
    /// How much output is gathered before writing.
    batch: Batch,
}

impl Framing<'_> {
    /// Encodes frames from the pipe into the connection's output, up to a batch; stops
    /// before the delimiter when `before_delimiter` (the I/O thread alone handles the end).
    fn fill(&mut self, pipe: &mut SessionPipe, conn: &mut Wire, before_delimiter: bool) -> Filled {
        // Frames are read into one place and encoded from there.
        let mut msg = Msg::new();
        let filled = loop {
            if self.batch.is_full(conn) {
                break Filled::Batch;
            }
            if before_delimiter && pipe.end.at_delimiter() {
                break Filled::Stopped;
            }
            if !pipe.end.read_into(&mut msg, &mut None) {
                break Filled::Drained;
            }
            let more = msg.more();
            if *self.skip_rest {
                *self.skip_rest = more;
                continue;
            }
            *self.out_more = more;
            if !conn.send_in_place(&mut msg) {
                // The connection failed meanwhile; the failure shows on input.
                break Filled::Stopped;
            }
        };
        pipe.deliver();
        filled
    }
}

/// How much encoded output is gathered from the pipe before writing.
#[derive(Debug, Clone, Copy)]
struct Batch {
    /// Bytes copied (headers and small bodies) since the last large body.
    copied: usize,
    /// Bytes in all, large bodies (referenced) included; at least `copied`.
    total: usize,
}

impl Batch {
    /// The I/O thread's batch: `OUT_BATCH` copied or `OUT_GATHER` in all, or the
    /// ZMQ_OUT_BATCH_SIZE set for the socket, which then bounds all (as in libzmq).
    fn of(options: &Options) -> Batch {
        match options.batch_sizes_set.1 {
            true => Batch::direct(options),
            false => Batch {
                copied: OUT_BATCH,
                total: OUT_GATHER,
            },
        }
    }

    /// A sending thread's batch (`Session::read_now`): one bound for copied bytes and for
    /// all, `OUT_BATCH` or the ZMQ_OUT_BATCH_SIZE set; a larger output is left to the I/O
    /// thread anyway (`DIRECT_WRITE_MAX`).
    fn direct(options: &Options) -> Batch {
        let bytes = match options.batch_sizes_set.1 {
            true => usize::try_from(options.out_batch_size).unwrap_or(OUT_BATCH),
            false => OUT_BATCH,
        };
        Batch {
            copied: bytes,
            total: bytes,
        }
    }

    /// Whether `conn`'s output makes a batch.
    fn is_full(self, conn: &Wire) -> bool {
        conn.output_copied_len() >= self.copied || conn.output_len() >= self.total
    }
}

/// The protocol of a new connection: raw bytes for STREAM sockets, else ZMTP.
fn wire(link: &SocketLink, options: &Options, stream: &Stream, now: Instant) -> Wire {
    if link.socket_type == STREAM {
        Wire::raw()
    } else {
        let mut config = config(link, options);
        config.peer_address = stream.peer_address().unwrap_or_default();
        Wire::zmtp(config, now)
    }
}

/// libzmq's number for the STREAM socket type.
const STREAM: i32 = 11;
const ROUTER: i32 = 6;
/// ZMQ_ROUTER_NOTIFY bits.
const NOTIFY_CONNECT: i32 = 1;
const NOTIFY_DISCONNECT: i32 = 2;

/// Bits of ZMQ_RECONNECT_STOP.
const RECONNECT_STOP_CONN_REFUSED: i32 = 0x1;
const RECONNECT_STOP_HANDSHAKE_FAILED: i32 = 0x2;
const RECONNECT_STOP_AFTER_DISCONNECT: i32 = 0x4;

/// The protocol settings of a session.
fn config(link: &SocketLink, options: &Options) -> zmtp::Config {
    let ms = |v: i32| {
        u64::try_from(v)
            .ok()
            .filter(|&v| v > 0)
            .map(Duration::from_millis)
    };
    zmtp::Config {
        socket_type: link.socket_type,
        routing_id: options.routing_id.clone(),
        security: security(options),
        zap_domain: options.zap_domain.as_bytes().to_vec(),
        zap_enforce_domain: options.zap_enforce_domain,
        peer_address: String::new(),
        heartbeat_ivl: ms(options.heartbeat_ivl),
        heartbeat_ttl: ms(options.heartbeat_ttl).unwrap_or_default(),
        heartbeat_timeout: ms(options.heartbeat_timeout),
        handshake_ivl: ms(options.handshake_ivl),
        maxmsgsize: u64::try_from(options.maxmsgsize).ok(),
    }
}

/// The mechanism and credentials the socket's options name.
fn security(options: &Options) -> zmtp::Security {
    match options.mechanism {
        Mechanism::Null => zmtp::Security::Null,
        Mechanism::Curve if options.as_server => zmtp::Security::CurveServer {
            public_key: options.curve_public_key,
            secret_key: options.curve_secret_key,
        },
        Mechanism::Curve => zmtp::Security::CurveClient {
            public_key: options.curve_public_key,
            secret_key: options.curve_secret_key,
            server_key: options.curve_server_key,
        },
        Mechanism::Plain if options.as_server => zmtp::Security::PlainServer,
        Mechanism::Plain => zmtp::Security::PlainClient {
            username: options.plain_username.clone(),
            password: options.plain_password.clone(),
        },
    }
}

/// Why a connection attempt failed at once: the descriptor it had opened, if any.
struct OpenError {
    fd: Option<u32>,
    errno: u32,
}

impl From<io::Error> for OpenError {
    fn from(e: io::Error) -> Self {
        OpenError {
            fd: None,
            errno: errno_of(&e),
        }
    }
}

/// Opens a non-blocking connection to a target; true when the connect is still in progress
/// (it completes when the stream is writable).
fn open_stream(target: &ConnectTarget, options: &Options) -> Result<(Stream, bool), OpenError> {
    match target {
        ConnectTarget::Tcp(address) => {
            // Through a SOCKS5 proxy, the connection goes to the proxy; the target is named
            // to it in the handshake.
            let proxy = if options.socks_proxy.is_empty() {
                None
            } else {
                let proxy =
                    tcp::connect_address(&options.socks_proxy, options.ipv6).map_err(|_| {
                        OpenError {
                            fd: None,
                            errno: libc::EINVAL as u32,
                        }
                    })?;
                Some(proxy)
            };
            let addr = tcp::resolve(proxy.as_ref().unwrap_or(address), options.ipv6)?;
            let fd: OwnedFd = crate::sys::net::tcp_socket(&addr)?;
            let raw = fd.as_raw_fd();
            let opened = |e: io::Error| OpenError {
                fd: u32::try_from(raw).ok(),
                errno: errno_of(&e),
            };
            tcp::configure_socket(raw, options);
            if let Some(source) = &address.source {
                crate::sys::net::set_int_option(raw, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)
                    .and_then(|()| crate::sys::net::bind(raw, source))
                    .map_err(opened)?;
            }
            let done = crate::sys::net::connect(raw, &addr).map_err(opened)?;
            let std_stream = std::net::TcpStream::from(fd);
            Ok((Stream::Tcp(TcpStream::from_std(std_stream)), !done))
        }
        ConnectTarget::Ipc(address) => {
            let addr = address.socket_address()?;
            let stream = UnixStream::connect_addr(&addr)?;
            ipc::configure_stream(stream.as_raw_fd());
            Ok((Stream::Ipc(stream), false))
        }
    }
}

/// errno of an I/O error, for monitor events.
pub(crate) fn errno_of(e: &io::Error) -> u32 {
    e.raw_os_error()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Why a connection ended.
enum Cause {
    /// The system said so (errno; 0 for an orderly close by the peer).
    Io(u32),
    /// The protocol failed (or timed out).
    Protocol(zmtp::Failure),
}

#[cfg(test)]
mod tests {
    use super::{Batch, Engine, InputOwner, OUT_BATCH, Stream, Wire};
    use crate::msg::Msg;
    use crate::options::Options;
    use crate::zmtp::{Config, Connection};
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::time::{Duration, Instant};

    /// Moves what `from` has to say to `to`, and lets `to` take it in.
    fn pass(from: &mut Connection, to: &mut Connection, now: Instant) {
        let bytes: Vec<u8> = from.output().iter().flat_map(|s| s.to_vec()).collect();
        from.output_consumed(bytes.len());
        to.handle_input(&bytes, now);
        while let Ok(Some(_)) = to.poll_event(now) {}
    }

    /// A PUSH connection past its handshake with a PULL one, nothing left to write.
    fn ready_push() -> Wire {
        let now = Instant::now();
        let config = |socket_type| Config {
            socket_type,
            ..Config::default()
        };
        let (mut push, mut pull) = (
            Connection::new(config(8), now),
            Connection::new(config(7), now),
        );
        for _ in 0..3 {
            pass(&mut push, &mut pull, now);
            pass(&mut pull, &mut push, now);
        }
        assert!(push.is_ready() && pull.is_ready());
        push.output_consumed(push.output_len());
        Wire::Zmtp(Box::new(push))
    }

    /// How many messages of `size` bytes make `batch`.
    fn messages_in(batch: Batch, size: usize) -> usize {
        let mut wire = ready_push();
        let mut n = 0;
        while !batch.is_full(&wire) {
            assert!(wire.send_in_place(&mut Msg::with_size(size).unwrap()));
            n += 1;
        }
        n
    }

    #[test]
    fn the_io_thread_gathers_large_bodies_beyond_the_copy_batch() {
        let options = Options::default();
        // 64 KiB bodies (referenced, not copied): four to a write on the I/O thread, one on a
        // sending thread, which leaves more to the I/O thread.
        assert_eq!(messages_in(Batch::of(&options), 64 * 1024), 4);
        assert_eq!(messages_in(Batch::direct(&options), 64 * 1024), 1);
        // Small bodies are copied with their 2-byte headers: the copy batch bounds both.
        let small = messages_in(Batch::of(&options), 100);
        assert_eq!(small, messages_in(Batch::direct(&options), 100));
        assert_eq!(small, OUT_BATCH.div_ceil(102));
        // ZMQ_OUT_BATCH_SIZE bounds all the output, large bodies included, as in libzmq.
        let mut set = Options::default();
        set.batch_sizes_set.1 = true;
        set.out_batch_size = 8192;
        assert_eq!(messages_in(Batch::of(&set), 64 * 1024), 1);
        assert_eq!(messages_in(Batch::of(&set), 100), 8192usize.div_ceil(102));
    }

    #[test]
    fn a_stream_whose_reads_are_paused_stays_quiet_as_its_write_interest_changes() {
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let mut engine = Engine {
            read_paused: true,
            ..Engine::new(Stream::Ipc(mio::net::UnixStream::from_std(ours)), false)
        };
        let epoll = crate::sys::epoll_create().unwrap();
        let fd = engine.stream.fd();
        let events = engine.epoll_events();
        crate::sys::epoll_control(&epoll, libc::EPOLL_CTL_ADD, fd, events, 1).unwrap();
        (&theirs).write_all(b"x").unwrap();
        let reported = || crate::sys::poll_readable(epoll.as_raw_fd(), Some(Duration::ZERO));
        assert!(!reported().unwrap());
        // Output waits for room, then goes (as `Session::want_writable` registers them): the
        // byte waiting is still left to the socket's thread.
        for writable in [true, false] {
            engine.writable = writable;
            engine.reregister(&epoll, 1).unwrap();
        }
        assert!(!reported().unwrap());
        // Resumed, the stream is reported at once.
        engine.read_paused = false;
        engine.reregister(&epoll, 1).unwrap();
        assert!(reported().unwrap());
    }

    #[test]
    fn input_left_to_a_waiting_thread_is_reported_when_its_wait_ends() {
        let input = InputOwner::default();
        // No thread waits: the I/O thread reads.
        assert!(!input.defer());
        // A thread waits: the I/O thread leaves the input to it, as often as it is told of it.
        input.wait();
        assert!(input.defer());
        assert!(input.defer());
        // The wait ends: it learns the input was left (to resume the I/O thread if it does
        // not read it), and the I/O thread reads again.
        assert!(input.end());
        assert!(!input.defer());
        // A wait the I/O thread left nothing to.
        input.wait();
        assert!(!input.end());
        assert!(!input.defer());
    }
}
