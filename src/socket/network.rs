//! The tcp and ipc transports, seen from the socket: bind makes a listener here (so that
//! errors such as EADDRINUSE are reported at once) and hands it to an I/O thread; connect
//! makes the pipe at once (unless ZMQ_IMMEDIATE) and hands a session to an I/O thread.
#![forbid(unsafe_code)]

use std::os::fd::AsRawFd;
use std::os::linux::net::SocketAddrExt;
use std::sync::Arc;

use parking_lot::Mutex;

use super::Socket;
use crate::error::{Error, Result};
use crate::reactor::IoCommand;
use crate::reactor::listener::{Listener, Listening};
use crate::reactor::session::{Session, SocketLink, errno_of, session_pipe};
use crate::reactor::udp::{UdpRole, UdpSession};
use crate::socket::monitor::{MonitorSlot, Place, event};
use crate::socket::{Command, Route};
use crate::transport::ipc::{self, IpcAddress};
use crate::transport::{ConnectTarget, tcp};

/// An endpoint the socket bound or connected over the network.
pub(super) struct NetEndpoint {
    /// The endpoint as ZMQ_LAST_ENDPOINT shows it (what unbind and disconnect match).
    key: String,
}

/// Whether a pipe made for `endpoint` still belongs to a live endpoint of the socket: a
/// session may post its pipe just as the endpoint is released, and such a pipe is ended.
pub(super) fn is_stale(socket: &Socket, endpoint: &str) -> bool {
    let network = ["tcp://", "ipc://", "udp://"]
        .iter()
        .any(|t| endpoint.starts_with(t));
    network && !socket.net_endpoints.iter().any(|e| e.key == endpoint)
}

fn io_error(e: std::io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::EADDRINUSE) => Error::AddrInUse,
        Some(libc::EADDRNOTAVAIL) => Error::AddrNotAvail,
        Some(libc::ENAMETOOLONG) => Error::NameTooLong,
        _ => Error::from(e),
    }
}

/// The socket's link for its sessions, made on first use.
pub(super) fn link(socket: &mut Socket) -> Arc<SocketLink> {
    if let Some(link) = &socket.link {
        return link.clone();
    }
    let link = Arc::new(SocketLink {
        socket: socket.id,
        ctx: socket.ctx.clone(),
        mailbox: socket.sender.clone(),
        socket_type: socket.socket_type_raw(),
        wants_ids: socket.behaviour.recv_routing_id(),
        closed: Mutex::new(false),
        monitor: MonitorSlot::default(),
    });
    socket.link = Some(link.clone());
    // Its waits are now for I/O threads too, which a yield or a spin does not help (see
    // `Mailbox::before_sleep`).
    socket.mailbox.set_yielding(false);
    link
}

/// Reports a monitor event of the socket itself.
fn event(socket: &mut Socket, event: u16, value: u32, endpoint: &str) {
    if let Some(link) = &socket.link {
        link.monitor.event(event, value, Place::Bound(endpoint));
    }
}

/// Binds "tcp://..." or "ipc://..."; returns the endpoint as ZMQ_LAST_ENDPOINT shows it.
pub(super) fn bind(socket: &mut Socket, transport: &str, address: &str) -> Result<String> {
    let options = &socket.options;
    let adopted = if options.use_fd >= 0 {
        Some(adopt_listener(options.use_fd)?)
    } else {
        None
    };
    let (endpoint, listening) = match (adopted, transport) {
        (Some(adopted), _) => adopted,
        (None, "tcp") => {
            let addr = tcp::bind_address(address, options.ipv6)?;
            let fd = crate::sys::net::tcp_socket(&addr).map_err(io_error)?;
            let raw = fd.as_raw_fd();
            let _ = crate::sys::net::set_int_option(raw, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
            if addr.is_ipv6() {
                // Dual stack, as libzmq binds with ZMQ_IPV6.
                let _ =
                    crate::sys::net::set_int_option(raw, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 0);
            }
            tcp::configure_socket(raw, options);
            let listening = crate::sys::net::bind(raw, &addr)
                .and_then(|()| crate::sys::net::listen(raw, options.backlog))
                .and_then(|()| crate::sys::net::local_address(&fd));
            let local = match listening {
                Ok(local) => local,
                Err(e) => {
                    let endpoint = format!("tcp://{address}");
                    event(socket, event::BIND_FAILED, errno_of(&e), &endpoint);
                    return Err(io_error(e));
                }
            };
            let listener = mio::net::TcpListener::from_std(std::net::TcpListener::from(fd));
            (tcp::endpoint_of(&local), Listening::Tcp(listener))
        }
        (None, "ipc") => {
            let (addr, temp_dir) = if address == "*" {
                let (dir, path) = ipc::wildcard_path()?;
                (IpcAddress::Path(path), Some(dir))
            } else {
                (IpcAddress::parse(address)?, None)
            };
            let path = match &addr {
                IpcAddress::Path(path) => {
                    // A stale socket file from an earlier run would make bind fail.
                    let _ = std::fs::remove_file(path);
                    Some(path.clone())
                }
                IpcAddress::Abstract(_) => None,
            };
            let bound = std::os::unix::net::UnixListener::bind_addr(&addr.socket_address()?);
            let listener = match bound {
                Ok(listener) => listener,
                Err(e) => {
                    event(socket, event::BIND_FAILED, errno_of(&e), &addr.endpoint());
                    return Err(io_error(e));
                }
            };
            listener.set_nonblocking(true)?;
            let path = path.and_then(|path| {
                use std::os::unix::fs::MetadataExt;
                let meta = std::fs::symlink_metadata(&path).ok()?;
                Some((path, meta.dev(), meta.ino()))
            });
            let listening = Listening::Ipc {
                listener: mio::net::UnixListener::from_std(listener),
                path,
                temp_dir,
            };
            (addr.endpoint(), listening)
        }
        _ => return Err(Error::ProtoNoSupport),
    };
    let io = socket.ctx.io_thread()?;
    let link = link(socket);
    let fd = listening.fd();
    link.monitor
        .event(event::LISTENING, fd, Place::Bound(&endpoint));
    let listener = Listener::new(
        link,
        Arc::new(socket.options.clone()),
        endpoint.clone(),
        listening,
    );
    io.send(IoCommand::Listen(Box::new(listener)));
    socket.remember_io(&io);
    socket.net_endpoints.push(NetEndpoint {
        key: endpoint.clone(),
    });
    socket.sender.send(Command::Wake);
    Ok(endpoint)
}

/// ZMQ_USE_FD: a socket the application already bound and made listen, used instead of a
/// new one (the address of the bind call is not looked at, as in libzmq). The library works on
/// a duplicate, so the application's descriptor stays its own.
fn adopt_listener(fd: i32) -> Result<(String, Listening)> {
    let owned = crate::sys::net::duplicate(fd).map_err(io_error)?;
    match crate::sys::net::socket_family(owned.as_raw_fd()).map_err(io_error)? {
        libc::AF_INET | libc::AF_INET6 => {
            let local = crate::sys::net::local_address(&owned).map_err(io_error)?;
            let listener = std::net::TcpListener::from(owned);
            listener.set_nonblocking(true)?;
            let listening = Listening::Tcp(mio::net::TcpListener::from_std(listener));
            Ok((tcp::endpoint_of(&local), listening))
        }
        libc::AF_UNIX => {
            let listener = std::os::unix::net::UnixListener::from(owned);
            listener.set_nonblocking(true)?;
            let local = listener.local_addr()?;
            let endpoint = match (local.as_pathname(), local.as_abstract_name()) {
                (Some(path), _) => format!("ipc://{}", path.display()),
                (None, Some(name)) => format!("ipc://@{}", String::from_utf8_lossy(name)),
                (None, None) => return Err(Error::Inval),
            };
            // The file belongs to whoever made the socket: it is left alone on close.
            let listening = Listening::Ipc {
                listener: mio::net::UnixListener::from_std(listener),
                path: None,
                temp_dir: None,
            };
            Ok((endpoint, listening))
        }
        _ => Err(Error::Inval),
    }
}

/// Connects to "tcp://..." or "ipc://...".
pub(super) fn connect(
    socket: &mut Socket,
    transport: &str,
    address: &str,
    endpoint: &str,
) -> Result<()> {
    let target = match transport {
        "tcp" => ConnectTarget::Tcp(tcp::connect_address(address, socket.options.ipv6)?),
        "ipc" => {
            if address == "*" {
                return Err(Error::Inval);
            }
            ConnectTarget::Ipc(IpcAddress::parse(address)?)
        }
        _ => return Err(Error::ProtoNoSupport),
    };
    let io = socket.ctx.io_thread()?;
    let link = link(socket);
    let options = Arc::new(socket.options.clone());
    // Listed first: the pipe attached below belongs to a live endpoint.
    socket.net_endpoints.push(NetEndpoint {
        key: endpoint.to_owned(),
    });
    let pipe = if socket.options.immediate {
        None
    } else {
        let (socket_side, session_side) =
            session_pipe(&options, link.socket_type, Route::pending(), endpoint, true);
        socket.attach(socket_side);
        Some(session_side)
    };
    let session = Session::connecting(link, options, endpoint.to_owned(), target, pipe);
    io.send(IoCommand::Connect(Box::new(session)));
    socket.remember_io(&io);
    socket.sender.send(Command::Wake);
    Ok(())
}

/// Binds (DISH, DGRAM) or connects (RADIO) "udp://...": a udp engine on an I/O thread, with
/// one pipe to the socket made at once.
pub(super) fn udp(
    socket: &mut Socket,
    address: &str,
    endpoint: &str,
    bind: bool,
) -> Result<String> {
    use std::net::IpAddr;
    let options = &socket.options;
    let parsed = crate::transport::udp::parse(address, bind, options.ipv6)?;
    let fd = crate::sys::net::udp_socket(&parsed.address).map_err(io_error)?;
    let raw = fd.as_raw_fd();
    if bind {
        if parsed.group.is_some() {
            // Several receivers of one group on a host share its port.
            let _ = crate::sys::net::set_int_option(raw, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
        }
        crate::sys::net::bind(raw, &parsed.address).map_err(io_error)?;
    }
    // A port chosen by the system ("*" or 0) is shown as bound, the rest as written.
    let endpoint = match crate::sys::net::local_address(&fd) {
        Ok(local) if bind && parsed.address.port() == 0 => {
            let host = address.rsplit_once(':').map_or(address, |(host, _)| host);
            format!("udp://{host}:{}", local.port())
        }
        _ => endpoint.to_owned(),
    };
    let endpoint = endpoint.as_str();
    for (size, name) in [
        (options.sndbuf, libc::SO_SNDBUF),
        (options.rcvbuf, libc::SO_RCVBUF),
    ] {
        if size > 0 {
            let _ = crate::sys::net::set_int_option(raw, libc::SOL_SOCKET, name, size);
        }
    }
    let udp = std::net::UdpSocket::from(fd);
    match (parsed.group, parsed.interface) {
        (Some(IpAddr::V4(group)), interface) => {
            let interface = match interface {
                IpAddr::V4(v4) => v4,
                IpAddr::V6(_) => std::net::Ipv4Addr::UNSPECIFIED,
            };
            if bind {
                udp.join_multicast_v4(&group, &interface)
                    .map_err(io_error)?;
            } else {
                udp.set_multicast_loop_v4(options.multicast_loop)?;
                udp.set_multicast_ttl_v4(u32::try_from(options.multicast_hops).unwrap_or(1))?;
                if !interface.is_unspecified() {
                    crate::sys::net::set_bytes_option(
                        raw,
                        libc::IPPROTO_IP,
                        libc::IP_MULTICAST_IF,
                        &interface.octets(),
                    )?;
                }
            }
        }
        (Some(IpAddr::V6(group)), _) => {
            if bind {
                udp.join_multicast_v6(&group, 0).map_err(io_error)?;
            } else {
                udp.set_multicast_loop_v6(options.multicast_loop)?;
            }
        }
        (None, _) => {}
    }
    let role = match (bind, socket.socket_type) {
        (false, _) => UdpRole::Radio(parsed.address),
        (true, crate::socket::SocketType::Dgram) => UdpRole::Dgram,
        (true, _) => UdpRole::Dish,
    };
    let io = socket.ctx.io_thread()?;
    let link = link(socket);
    let options = Arc::new(socket.options.clone());
    socket.net_endpoints.push(NetEndpoint {
        key: endpoint.to_owned(),
    });
    let (socket_side, session_side) = session_pipe(
        &options,
        link.socket_type,
        Route::pending(),
        endpoint,
        !bind,
    );
    socket.attach(socket_side);
    let engine = UdpSession::new(
        link,
        endpoint.to_owned(),
        mio::net::UdpSocket::from_std(udp),
        session_side,
        role,
    );
    io.send(IoCommand::Udp(Box::new(engine)));
    socket.remember_io(&io);
    Ok(endpoint.to_owned())
}

/// zmq_unbind / zmq_disconnect of a network endpoint (libzmq treats both alike): everything
/// bound or connected under that endpoint ends; ENOENT when there is nothing. The endpoint is
/// matched as written, else with its host resolved as for a connect (so "tcp://localhost:5555"
/// finds "tcp://127.0.0.1:5555", and "tcp://*:5555" finds nothing).
pub(super) fn term_endpoint(socket: &mut Socket, endpoint: &str) -> Result<()> {
    let key = if socket.net_endpoints.iter().any(|e| e.key == endpoint) {
        endpoint.to_owned()
    } else {
        let resolved = resolve_key(endpoint, socket.options.ipv6).ok_or(Error::NoEnt)?;
        if !socket.net_endpoints.iter().any(|e| e.key == resolved) {
            return Err(Error::NoEnt);
        }
        resolved
    };
    socket.net_endpoints.retain(|e| e.key != key);
    for io in &socket.io_threads {
        io.send(IoCommand::Close {
            socket: socket.id,
            endpoint: Some(key.clone()),
            linger: socket.options.linger,
        });
    }
    socket.terminate_pipes(|p| p.endpoint.as_deref() == Some(key.as_str()));
    Ok(())
}

/// A tcp endpoint with its host resolved as for a connect, as libzmq looks an endpoint up
/// again when it is not found as written ("tcp://localhost:5555" finds "tcp://127.0.0.1:5555";
/// "tcp://*:5555" finds nothing).
fn resolve_key(endpoint: &str, ipv6: bool) -> Option<String> {
    let address = endpoint.strip_prefix("tcp://")?;
    let target = tcp::connect_address(address, ipv6).ok()?;
    let addr = tcp::resolve(&target, ipv6).ok()?;
    Some(tcp::endpoint_of(&addr))
}

/// The socket is closing: its listeners stop, its sessions send what is queued (for up to
/// ZMQ_LINGER) and end.
pub(super) fn close(socket: &mut Socket) {
    if let Some(link) = &socket.link {
        *link.closed.lock() = true;
    }
    for io in &socket.io_threads {
        io.send(IoCommand::Close {
            socket: socket.id,
            endpoint: None,
            linger: socket.options.linger,
        });
    }
}
