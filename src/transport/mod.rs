//! Network endpoints: "tcp://", "ipc://" and "udp://" addresses parsed and resolved as libzmq
//! does.
#![forbid(unsafe_code)]

pub(crate) mod ipc;
pub(crate) mod socks;
pub(crate) mod tcp;
pub(crate) mod udp;

/// Where a connecting session goes (resolved anew at each attempt, as names may move).
#[derive(Debug, Clone)]
pub(crate) enum ConnectTarget {
    Tcp(tcp::ConnectAddress),
    Ipc(ipc::IpcAddress),
}
