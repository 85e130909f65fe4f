//! The context: the container of sockets and I/O threads, and its options.
#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;

use crate::error::{Error, Result};

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
    /// ZMQ_THREAD_NAME_PREFIX.
    pub thread_name_prefix: i32,
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
            thread_name_prefix: 0,
            zero_copy_recv: true,
            ipv6: false,
            blocky: true,
        }
    }
}

impl CtxOptions {
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
            CtxOption::ThreadNamePrefix => self.thread_name_prefix = value,
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
            CtxOption::ThreadNamePrefix => self.thread_name_prefix,
            CtxOption::ZeroCopyRecv => i32::from(self.zero_copy_recv),
            CtxOption::Ipv6 => i32::from(self.ipv6),
            CtxOption::Blocky => i32::from(self.blocky),
            CtxOption::ThreadPriority
            | CtxOption::ThreadAffinityCpuAdd
            | CtxOption::ThreadAffinityCpuRemove => return Err(Error::Inval),
        })
    }
}

/// A context.
#[derive(Debug, Default)]
pub struct Ctx {
    options: Mutex<CtxOptions>,
    shut_down: AtomicBool,
}

impl Ctx {
    /// A new context with default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a context option.
    pub fn set(&self, option: CtxOption, value: i32) -> Result<()> {
        self.options.lock().set(option, value)
    }

    /// Reads a context option.
    pub fn get(&self, option: CtxOption) -> Result<i32> {
        self.options.lock().get(option)
    }

    /// A snapshot of all options.
    pub fn options(&self) -> CtxOptions {
        self.options.lock().clone()
    }

    /// Starts shutting down: blocking calls on this context's sockets now fail with ETERM.
    pub fn shutdown(&self) {
        self.shut_down.store(true, Ordering::Release);
    }

    /// Whether shutdown has started.
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    /// Shuts down and waits until every socket is closed and has lingered.
    pub fn terminate(&self) -> Result<()> {
        self.shutdown();
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
