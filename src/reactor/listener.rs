//! A listener: a bound tcp or ipc socket whose accepted connections become sessions.

use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;

use mio::Interest;
use mio::net::{TcpListener, UnixListener};

use super::Io;
use super::session::{Session, SocketLink, Stream};
use crate::ctx::SocketId;
use crate::options::Options;
use crate::socket::monitor::{Place, event};
use crate::transport::{ipc, tcp};

/// The listening socket.
pub(crate) enum Listening {
    Tcp(TcpListener),
    Ipc {
        listener: UnixListener,
        /// The socket file and its identity (device, inode), removed on close unless another
        /// bind replaced it meanwhile (None in the abstract namespace).
        path: Option<(String, u64, u64)>,
        /// The directory made for "ipc://*", removed on close.
        temp_dir: Option<String>,
    },
}

impl Listening {
    /// The descriptor, as monitor events report it.
    pub(crate) fn fd(&self) -> u32 {
        let fd = match self {
            Listening::Tcp(l) => l.as_raw_fd(),
            Listening::Ipc { listener, .. } => listener.as_raw_fd(),
        };
        u32::try_from(fd).unwrap_or(0)
    }
}

/// A listener.
pub(crate) struct Listener {
    link: Arc<SocketLink>,
    options: Arc<Options>,
    /// The endpoint as ZMQ_LAST_ENDPOINT shows it.
    endpoint: String,
    listening: Option<Listening>,
    /// When to try accepting again after running out of descriptors or memory.
    retry_at: Option<std::time::Instant>,
}

/// How long a listener waits before accepting again when the system is out of descriptors.
const ACCEPT_RETRY: std::time::Duration = std::time::Duration::from_millis(100);

impl Listener {
    pub(crate) fn new(
        link: Arc<SocketLink>,
        options: Arc<Options>,
        endpoint: String,
        listening: Listening,
    ) -> Listener {
        Listener {
            link,
            options,
            endpoint,
            listening: Some(listening),
            retry_at: None,
        }
    }

    /// The socket the listener belongs to.
    pub(crate) fn socket(&self) -> SocketId {
        self.link.socket
    }

    /// When the listener wants to run again without an event.
    pub(crate) fn deadline(&self) -> Option<std::time::Instant> {
        self.retry_at
    }

    pub(crate) fn is_done(&self) -> bool {
        self.listening.is_none()
    }

    pub(crate) fn start(&mut self, io: &mut Io<'_>) {
        let registered = match self.listening.as_mut() {
            Some(Listening::Tcp(l)) => io.registry.register(l, io.token, Interest::READABLE),
            Some(Listening::Ipc { listener, .. }) => {
                io.registry.register(listener, io.token, Interest::READABLE)
            }
            None => return,
        };
        if registered.is_err() {
            self.stop(io);
        }
    }

    /// Accepts every waiting connection.
    pub(crate) fn accept(&mut self, io: &mut Io<'_>) {
        self.retry_at = None;
        loop {
            let accepted = match self.listening.as_ref() {
                Some(Listening::Tcp(l)) => l.accept().map(|(s, _)| {
                    tcp::configure_socket(s.as_raw_fd(), &self.options);
                    tcp::configure_connection(s.as_raw_fd(), &self.options);
                    Stream::Tcp(s)
                }),
                Some(Listening::Ipc { listener, .. }) => listener.accept().map(|(s, _)| {
                    ipc::configure_stream(s.as_raw_fd());
                    Stream::Ipc(s)
                }),
                None => return,
            };
            let accepted = accepted.map(|stream| (self.admits(&stream), stream));
            match accepted {
                // Refused by ZMQ_TCP_ACCEPT_FILTER or the IPC filters: closed at once.
                Ok((false, stream)) => drop(stream),
                Ok((true, stream)) => {
                    let fd = u32::try_from(stream.fd()).unwrap_or(0);
                    self.link
                        .monitor
                        .event(event::ACCEPTED, fd, Place::Bound(&self.endpoint));
                    io.spawned.push(Session::accepted(
                        self.link.clone(),
                        self.options.clone(),
                        self.endpoint.clone(),
                        stream,
                        io.now,
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(0);
                    let endpoint = &self.endpoint;
                    let value = u32::try_from(errno).unwrap_or(0);
                    self.link
                        .monitor
                        .event(event::ACCEPT_FAILED, value, Place::Bound(endpoint));
                    if matches!(
                        errno,
                        libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM
                    ) {
                        // The connection waits in the backlog; no new event will say so.
                        self.retry_at = Some(io.now + ACCEPT_RETRY);
                        return;
                    }
                    // That connection is lost (ECONNABORTED...); the others are taken.
                }
            }
        }
    }

    /// Whether the accept filters let this peer in: its address for tcp
    /// (ZMQ_TCP_ACCEPT_FILTER), its user, group or process id for ipc (ZMQ_IPC_FILTER_*).
    fn admits(&self, stream: &Stream) -> bool {
        let options = &self.options;
        match stream {
            Stream::Tcp(s) => {
                let filters = &options.tcp_accept_filters;
                filters.is_empty()
                    || s.peer_addr()
                        .is_ok_and(|a| filters.iter().any(|f| f.matches(a.ip())))
            }
            Stream::Ipc(_) => {
                let (uids, gids, pids) = (
                    &options.ipc_uid_filters,
                    &options.ipc_gid_filters,
                    &options.ipc_pid_filters,
                );
                if uids.is_empty() && gids.is_empty() && pids.is_empty() {
                    return true;
                }
                let Ok((pid, uid, gid)) = crate::sys::net::peer_credentials(stream.fd()) else {
                    return false;
                };
                // Any one match lets the peer in, as in libzmq: its user, its process, its
                // primary group, or a group that lists the user as a member.
                uids.contains(&uid)
                    || pids.contains(&pid)
                    || gids.contains(&gid)
                    || gids.iter().any(|&g| crate::sys::net::user_in_group(uid, g))
            }
        }
    }

    /// Stops listening if the socket closed or unbound this endpoint.
    pub(crate) fn close(&mut self, io: &mut Io<'_>, socket: SocketId, endpoint: Option<&str>) {
        if socket != self.link.socket {
            return;
        }
        if endpoint.is_some_and(|e| e != self.endpoint) {
            return;
        }
        self.stop(io);
    }

    fn stop(&mut self, io: &mut Io<'_>) {
        if let Some(listening) = &self.listening {
            let fd = listening.fd();
            self.link
                .monitor
                .event(event::CLOSED, fd, Place::Bound(&self.endpoint));
        }
        match self.listening.take() {
            Some(Listening::Tcp(mut l)) => {
                let _ = io.registry.deregister(&mut l);
            }
            Some(Listening::Ipc {
                mut listener,
                path,
                temp_dir,
            }) => {
                let _ = io.registry.deregister(&mut listener);
                if let Some((path, dev, ino)) = path {
                    use std::os::unix::fs::MetadataExt;
                    let ours = std::fs::symlink_metadata(&path)
                        .is_ok_and(|m| m.dev() == dev && m.ino() == ino);
                    if ours {
                        let _ = std::fs::remove_file(path);
                    }
                }
                if let Some(dir) = temp_dir {
                    let _ = std::fs::remove_dir(dir);
                }
            }
            None => {}
        }
    }
}
