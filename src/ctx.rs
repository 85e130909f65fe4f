//! The context: the container of sockets and I/O threads, and its options.
#![forbid(unsafe_code)]

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::{Condvar, Mutex};

use crate::error::{Error, Result};
use crate::mailbox::MailboxSender;
use crate::reactor::IoThread;
use crate::socket::{Command, NewPipe};

/// The size of the C `zmq_msg_t`, reported by the MSG_T_SIZE option.
pub const MSG_T_SIZE: i32 = 64;

/// How many sockets a context could ever hold, whatever MAX_SOCKETS says (SOCKET_LIMIT).
pub const SOCKET_LIMIT: i32 = 65535;

/// The context options of libzmq 4.3 (zmq_ctx_set / zmq_ctx_get).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtxOption {
    /// Size of the I/O thread pool.
    IoThreads,
    /// Largest number of sockets.
    MaxSockets,
    /// Upper bound of MaxSockets (read only).
    SocketLimit,
    /// Scheduling priority of the I/O threads (write only).
    ThreadPriority,
    /// Scheduling policy of the I/O threads.
    ThreadSchedPolicy,
    /// Largest message size accepted from the network.
    MaxMsgSz,
    /// Size of `zmq_msg_t` (read only).
    MsgTSize,
    /// Adds a CPU to the I/O threads' affinity set (write only).
    ThreadAffinityCpuAdd,
    /// Removes a CPU from the I/O threads' affinity set (write only).
    ThreadAffinityCpuRemove,
    /// Prefix of the I/O threads' names.
    ThreadNamePrefix,
    /// Whether received messages may reference the receive buffer.
    ZeroCopyRecv,
    /// Whether new sockets use IPv6.
    Ipv6,
    /// Whether termination blocks on unsent messages (the default linger of new sockets).
    Blocky,
}

/// Context settings, with libzmq's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtxOptions {
    /// ZMQ_IO_THREADS.
    pub io_threads: i32,
    /// ZMQ_MAX_SOCKETS.
    pub max_sockets: i32,
    /// ZMQ_THREAD_PRIORITY; -1 leaves the OS default.
    pub thread_priority: i32,
    /// ZMQ_THREAD_SCHED_POLICY; -1 leaves the OS default.
    pub thread_sched_policy: i32,
    /// ZMQ_MAX_MSGSZ.
    pub max_msgsz: i32,
    /// ZMQ_THREAD_AFFINITY_CPU_ADD/REMOVE.
    pub thread_affinity_cpus: BTreeSet<i32>,
    /// ZMQ_THREAD_NAME_PREFIX: the bytes given to zmq_ctx_set_ext, or an int's decimal form.
    pub thread_name_prefix: Vec<u8>,
    /// ZMQ_ZERO_COPY_RECV.
    pub zero_copy_recv: bool,
    /// ZMQ_IPV6.
    pub ipv6: bool,
    /// ZMQ_BLOCKY.
    pub blocky: bool,
}

impl Default for CtxOptions {
    fn default() -> Self {
        CtxOptions {
            io_threads: 1,
            max_sockets: 1023,
            thread_priority: -1,
            thread_sched_policy: -1,
            max_msgsz: i32::MAX,
            thread_affinity_cpus: BTreeSet::new(),
            thread_name_prefix: Vec::new(),
            zero_copy_recv: true,
            ipv6: false,
            blocky: true,
        }
    }
}

/// The integer at the start of `bytes`, as C's atoi reads it (0 when there is none).
fn leading_int(bytes: &[u8]) -> i32 {
    let text = bytes.trim_ascii_start();
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1 << 32));
    let value = if negative { -magnitude } else { magnitude };
    i32::try_from(value).unwrap_or(if negative { i32::MIN } else { i32::MAX })
}

impl CtxOptions {
    /// ZMQ_THREAD_NAME_PREFIX as bytes (zmq_ctx_set_ext): 1 to 16 of them, as in libzmq.
    pub fn set_thread_name_prefix(&mut self, prefix: &[u8]) -> Result<()> {
        if prefix.is_empty() || prefix.len() > 16 {
            return Err(Error::Inval);
        }
        self.thread_name_prefix = prefix.to_vec();
        Ok(())
    }

    /// The name of a library thread: `prefix/ZMQbg/name`, the prefix up to its first NUL.
    pub fn thread_name(&self, name: &str) -> String {
        let prefix = self
            .thread_name_prefix
            .split(|&b| b == 0)
            .next()
            .unwrap_or(&[]);
        if prefix.is_empty() {
            format!("ZMQbg/{name}")
        } else {
            format!("{}/ZMQbg/{name}", String::from_utf8_lossy(prefix))
        }
    }

    /// Sets one option, validated as libzmq validates it.
    pub fn set(&mut self, option: CtxOption, value: i32) -> Result<()> {
        let non_negative = |v: i32| if v >= 0 { Ok(v) } else { Err(Error::Inval) };
        match option {
            CtxOption::IoThreads => self.io_threads = non_negative(value)?,
            CtxOption::MaxSockets if value >= 1 => self.max_sockets = value,
            CtxOption::ThreadPriority => self.thread_priority = non_negative(value)?,
            CtxOption::ThreadSchedPolicy => self.thread_sched_policy = non_negative(value)?,
            CtxOption::MaxMsgSz => self.max_msgsz = non_negative(value)?,
            CtxOption::ThreadAffinityCpuAdd => {
                self.thread_affinity_cpus.insert(non_negative(value)?);
            }
            CtxOption::ThreadAffinityCpuRemove => {
                if !self.thread_affinity_cpus.remove(&non_negative(value)?) {
                    return Err(Error::Inval);
                }
            }
            CtxOption::ThreadNamePrefix => self.thread_name_prefix = value.to_string().into_bytes(),
            CtxOption::ZeroCopyRecv => self.zero_copy_recv = non_negative(value)? != 0,
            CtxOption::Ipv6 => self.ipv6 = non_negative(value)? != 0,
            CtxOption::Blocky => self.blocky = non_negative(value)? != 0,
            CtxOption::MaxSockets | CtxOption::SocketLimit | CtxOption::MsgTSize => {
                return Err(Error::Inval);
            }
        }
        Ok(())
    }

    /// Reads one option.
    pub fn get(&self, option: CtxOption) -> Result<i32> {
        Ok(match option {
            CtxOption::IoThreads => self.io_threads,
            CtxOption::MaxSockets => self.max_sockets,
            CtxOption::SocketLimit => SOCKET_LIMIT,
            CtxOption::ThreadSchedPolicy => self.thread_sched_policy,
            CtxOption::MaxMsgSz => self.max_msgsz,
            CtxOption::MsgTSize => MSG_T_SIZE,
            CtxOption::ThreadNamePrefix => leading_int(&self.thread_name_prefix),
            CtxOption::ZeroCopyRecv => i32::from(self.zero_copy_recv),
            CtxOption::Ipv6 => i32::from(self.ipv6),
            CtxOption::Blocky => i32::from(self.blocky),
            CtxOption::ThreadPriority
            | CtxOption::ThreadAffinityCpuAdd
            | CtxOption::ThreadAffinityCpuRemove => return Err(Error::Inval),
        })
    }
}

/// A socket's identity within its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SocketId(u64);

/// A bound inproc endpoint: how connecters reach the binding socket.
#[derive(Clone)]
pub struct InprocEndpoint {
    /// The binding socket.
    pub socket: SocketId,
    /// Its mailbox.
    pub mailbox: MailboxSender<Command>,
    /// Its ZMQ_SNDHWM when it bound.
    pub sndhwm: i32,
    /// Its ZMQ_RCVHWM when it bound.
    pub rcvhwm: i32,
    /// Its ZMQ_ROUTING_ID when it bound.
    pub routing_id: Vec<u8>,
    /// Whether it wants each peer's routing id first (ROUTER, REP).
    pub wants_ids: bool,
    /// Its type, in libzmq's numbering (a ZAP handler must be a REP or a ROUTER).
    pub socket_type: i32,
    /// Its ZMQ_HELLO_MSG, for each connecter (empty: none).
    pub hello: Vec<u8>,
    /// Its ZMQ_DISCONNECT_MSG, read when a connecter goes (empty: none).
    pub farewell: Vec<u8>,
}

/// A connect to an inproc name nobody has bound yet: the pipe end the binder will attach.
pub struct PendingConnect {
    /// The connecting socket.
    pub connecter: SocketId,
    /// Whether the connecting socket wants the binder's routing id first.
    pub connecter_wants_ids: bool,
    /// The connecting socket's ZMQ_SNDHWM and ZMQ_RCVHWM (and whether it conflates).
    pub connecter_hwms: (i32, i32, bool),
    /// The end for the binder; the connecter's routing id is its first message.
    pub pipe: NewPipe,
}

/// The inproc endpoint registry.
#[derive(Default)]
pub struct InprocRegistry {
    /// Bound names.
    pub endpoints: HashMap<String, InprocEndpoint>,
    /// Connects waiting for a bind, by name.
    pub pending: HashMap<String, Vec<PendingConnect>>,
}

#[derive(Default)]
struct Sockets {
    open: HashMap<SocketId, MailboxSender<Command>>,
    next: u64,
    terminating: bool,
}

/// A context.
#[derive(Default)]
pub struct Ctx {
    options: Mutex<CtxOptions>,
    shut_down: AtomicBool,
    sockets: Mutex<Sockets>,
    all_closed: Condvar,
    inproc: Mutex<InprocRegistry>,
    /// I/O threads, started by the first tcp or ipc endpoint.
    io: Mutex<IoThreads>,
    /// `sys::fork_generation()` when the context was made.
    generation: u32,
}

#[derive(Default)]
struct IoThreads {
    threads: Vec<Arc<IoThread>>,
    next: usize,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("options", &*self.options.lock())
            .finish_non_exhaustive()
    }
}

impl Ctx {
    /// A new context with default options.
    pub fn new() -> Self {
        Self {
            generation: crate::sys::fork_generation(),
            ..Self::default()
        }
    }

    /// Whether this is a forked child's copy of its parent's context. Its I/O threads are not
    /// in this process, and the locks they or the parent's other threads held at the fork stay
    /// held: such a copy is only ever shut down or terminated, without waiting or locking.
    pub fn is_inherited(&self) -> bool {
        self.generation != crate::sys::fork_generation()
    }

    /// Sets a context option.
    pub fn set(&self, option: CtxOption, value: i32) -> Result<()> {
        self.options.lock().set(option, value)
    }

    /// Reads a context option.
    pub fn get(&self, option: CtxOption) -> Result<i32> {
        self.options.lock().get(option)
    }

    /// Sets ZMQ_THREAD_NAME_PREFIX to bytes (zmq_ctx_set_ext).
    pub fn set_thread_name_prefix(&self, prefix: &[u8]) -> Result<()> {
        self.options.lock().set_thread_name_prefix(prefix)
    }

    /// A snapshot of all options.
    pub fn options(&self) -> CtxOptions {
        self.options.lock().clone()
    }

    /// Counts a new socket in: ETERM once shutdown started, EMFILE at MAX_SOCKETS.
    pub fn register_socket(&self, mailbox: MailboxSender<Command>) -> Result<SocketId> {
        let max = self.options.lock().max_sockets;
        let mut sockets = self.sockets.lock();
        if sockets.terminating || self.is_shut_down() {
            return Err(Error::Term);
        }
        if sockets.open.len() >= usize::try_from(max).unwrap_or(0) {
            return Err(Error::MFile);
        }
        sockets.next += 1;
        let id = SocketId(sockets.next);
        sockets.open.insert(id, mailbox);
        Ok(id)
    }

    /// Counts a closed socket out.
    pub fn unregister_socket(&self, id: SocketId) {
        let mut sockets = self.sockets.lock();
        sockets.open.remove(&id);
        if sockets.open.is_empty() {
            self.all_closed.notify_all();
        }
    }

    /// Runs `f` on the inproc registry, under its lock.
    pub fn with_inproc<R>(&self, f: impl FnOnce(&mut InprocRegistry) -> R) -> R {
        f(&mut self.inproc.lock())
    }

    /// Registers a bound inproc name; returns the connects that were waiting for it.
    pub fn bind_inproc(&self, name: &str, endpoint: InprocEndpoint) -> Result<Vec<PendingConnect>> {
        let mut registry = self.inproc.lock();
        if registry.endpoints.contains_key(name) {
            return Err(Error::AddrInUse);
        }
        registry.endpoints.insert(name.to_owned(), endpoint);
        Ok(registry.pending.remove(name).unwrap_or_default())
    }

    /// Forgets a bound inproc name, if `socket` bound it.
    pub fn unbind_inproc(&self, name: &str, socket: SocketId) {
        let mut registry = self.inproc.lock();
        if registry
            .endpoints
            .get(name)
            .is_some_and(|e| e.socket == socket)
        {
            registry.endpoints.remove(name);
        }
    }

    /// An I/O thread for a new listener or session (ZMQ_IO_THREADS of them, started on first
    /// use, taken in turn). EMTHREAD when the context has none; ETERM once it terminates.
    pub(crate) fn io_thread(&self) -> Result<Arc<IoThread>> {
        if self.is_shut_down() {
            return Err(Error::Term);
        }
        let options = self.options();
        let count = usize::try_from(options.io_threads).unwrap_or(0);
        let mut io = self.io.lock();
        if io.threads.is_empty() {
            for i in 0..count {
                io.threads
                    .push(IoThread::start(options.thread_name(&format!("IO/{i}")))?);
            }
        }
        if io.threads.is_empty() {
            return Err(Error::MThread);
        }
        io.next = (io.next + 1) % io.threads.len();
        Ok(io.threads[io.next].clone())
    }

    /// Starts shutting down: every socket's blocking calls now fail with ETERM, and no new
    /// socket can be made.
    pub fn shutdown(&self) {
        self.shut_down.store(true, Ordering::Release);
        if self.is_inherited() {
            return;
        }
        let mut sockets = self.sockets.lock();
        if !sockets.terminating {
            sockets.terminating = true;
            for mailbox in sockets.open.values() {
                mailbox.send(Command::Stop);
            }
        }
    }

    /// Whether shutdown has started.
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    /// Shuts down and waits until every socket is closed.
    pub fn terminate(&self) -> Result<()> {
        self.shutdown();
        if self.is_inherited() {
            // Its sockets closed in this child were abandoned (zmq_close), and the rest belong
            // to threads this child does not have.
            return Ok(());
        }
        let mut sockets = self.sockets.lock();
        while !sockets.open.is_empty() {
            self.all_closed.wait(&mut sockets);
        }
        drop(sockets);
        // Connects that never found their bind die with the context.
        let pending = std::mem::take(&mut self.inproc.lock().pending);
        drop(pending);
        // Sessions still sending what closed sockets left (ZMQ_LINGER) finish, then the I/O
        // threads exit.
        let threads = std::mem::take(&mut self.io.lock().threads);
        for thread in threads {
            thread.stop();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_libzmq() {
        let o = CtxOptions::default();
        assert_eq!(o.get(CtxOption::IoThreads), Ok(1));
        assert_eq!(o.get(CtxOption::MaxSockets), Ok(1023));
        assert_eq!(o.get(CtxOption::SocketLimit), Ok(65535));
        assert_eq!(o.get(CtxOption::ThreadSchedPolicy), Ok(-1));
        assert_eq!(o.get(CtxOption::MaxMsgSz), Ok(i32::MAX));
        assert_eq!(o.get(CtxOption::MsgTSize), Ok(64));
        assert_eq!(o.get(CtxOption::ThreadNamePrefix), Ok(0));
        assert_eq!(o.get(CtxOption::ZeroCopyRecv), Ok(1));
        assert_eq!(o.get(CtxOption::Ipv6), Ok(0));
        assert_eq!(o.get(CtxOption::Blocky), Ok(1));
        assert_eq!(o.get(CtxOption::ThreadPriority), Err(Error::Inval));
    }

    #[test]
    fn validation() {
        let mut o = CtxOptions::default();
        assert_eq!(o.set(CtxOption::IoThreads, -1), Err(Error::Inval));
        assert_eq!(o.set(CtxOption::IoThreads, 0), Ok(()));
        assert_eq!(o.set(CtxOption::MaxSockets, 0), Err(Error::Inval));
        assert_eq!(o.set(CtxOption::MaxSockets, 70000), Ok(()));
        assert_eq!(o.set(CtxOption::MsgTSize, 64), Err(Error::Inval));
        assert_eq!(o.set(CtxOption::Ipv6, 5), Ok(()));
        assert_eq!(o.get(CtxOption::Ipv6), Ok(1));
        assert_eq!(o.set(CtxOption::ThreadNamePrefix, -2), Ok(()));
        assert_eq!(o.get(CtxOption::ThreadNamePrefix), Ok(-2));
        assert_eq!(o.set(CtxOption::ThreadAffinityCpuAdd, 1), Ok(()));
        assert!(o.thread_affinity_cpus.contains(&1));
        assert_eq!(o.set(CtxOption::ThreadAffinityCpuRemove, 1), Ok(()));
        assert!(o.thread_affinity_cpus.is_empty());
        assert_eq!(
            o.set(CtxOption::ThreadAffinityCpuRemove, 1),
            Err(Error::Inval)
        );
    }
}
