//! tcp and ipc through the Rust API: what the C tests cannot pin because it is ours alone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use zmq::ctx::Ctx;
use zmq::msg::Msg;
use zmq::options::ids;
use zmq::socket::{Flags, Socket, SocketType};

fn recv(socket: &mut Socket) -> Vec<u8> {
    let mut msg = Msg::new();
    socket.recv(Flags::default(), &mut msg).unwrap();
    msg.data().to_vec()
}

fn last_endpoint(socket: &mut Socket) -> String {
    let mut buf = [0u8; 256];
    let n = socket.get_option(32, &mut buf).unwrap();
    String::from_utf8(buf[..n - 1].to_vec()).unwrap()
}

/// Waits until `done` holds, for at most two seconds.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    done()
}

/// The socket file of an ipc path goes when its listener does (libzmq 4.3.4 leaves it), but
/// not when another bind replaced it meanwhile.
#[test]
fn ipc_socket_files_are_removed_unless_replaced() {
    let ctx = Arc::new(Ctx::new());
    let path = std::env::temp_dir().join(format!("zmq-rust-ipc-{}", std::process::id()));
    let endpoint = format!("ipc://{}", path.display());
    let mut a = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
    a.bind(&endpoint).unwrap();
    assert!(path.exists());
    a.unbind(&endpoint).unwrap();
    assert!(eventually(|| !path.exists()), "unbind removes the file");

    a.bind(&endpoint).unwrap();
    let mut b = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
    b.bind(&endpoint).unwrap();
    drop(a);
    std::thread::sleep(Duration::from_millis(50));
    assert!(
        path.exists(),
        "the first socket leaves the second one's file alone"
    );
    drop(b);
    assert!(eventually(|| !path.exists()), "close removes the file");
    ctx.terminate().unwrap();
}

/// A message crosses tcp and comes back, and the last endpoint names the real port.
#[test]
fn tcp_round_trip() {
    let ctx = Arc::new(Ctx::new());
    let mut rep = Socket::new(ctx.clone(), SocketType::Rep).unwrap();
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = last_endpoint(&mut rep);
    assert!(endpoint.starts_with("tcp://127.0.0.1:") && !endpoint.ends_with(":0"));
    let mut req = Socket::new(ctx.clone(), SocketType::Req).unwrap();
    req.connect(&endpoint).unwrap();
    req.send(&mut Msg::from_slice(b"ping"), Flags::default())
        .unwrap();
    assert_eq!(recv(&mut rep), b"ping");
    rep.send(&mut Msg::from_slice(b"pong"), Flags::default())
        .unwrap();
    assert_eq!(recv(&mut req), b"pong");
    drop((req, rep));
    ctx.terminate().unwrap();
}

/// An epoll instance watching one descriptor for input, as an event loop does.
struct Epoll(std::os::fd::OwnedFd);

impl Epoll {
    fn watching(fd: std::os::fd::RawFd) -> Epoll {
        use std::os::fd::{AsRawFd, FromRawFd};
        // SAFETY: no pointer arguments; the result is checked before it is owned.
        let raw = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        assert!(raw >= 0);
        // SAFETY: `raw` is a fresh descriptor that nothing else owns.
        let epoll = Epoll(unsafe { std::os::fd::OwnedFd::from_raw_fd(raw) });
        let mut event = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: 0,
        };
        // SAFETY: `event` is a valid epoll_event for the call's duration.
        let rc =
            unsafe { libc::epoll_ctl(epoll.0.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
        assert_eq!(rc, 0);
        epoll
    }

    /// Whether the descriptor is reported readable now.
    fn ready(&self) -> bool {
        use std::os::fd::AsRawFd;
        let mut event = libc::epoll_event { events: 0, u64: 0 };
        // SAFETY: room for the one event asked for.
        let n = unsafe { libc::epoll_wait(self.0.as_raw_fd(), &mut event, 1, 0) };
        n == 1
    }
}

/// An event loop that watches a socket's ZMQ_FD learns that the socket was closed: the
/// descriptor is readable right after the close and stays open a while (libzmq's is
/// signalled by its pipes' term acks and closed by its reaper). pyzmq's ZMQStream relies on
/// it to notice a shadow socket closed under it.
#[test]
fn a_closed_socket_s_descriptor_wakes_its_watcher_then_closes() {
    let ctx = Arc::new(Ctx::new());
    let mut push = Socket::new(ctx.clone(), SocketType::Push).unwrap();
    push.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = last_endpoint(&mut push);
    let mut pull = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
    pull.connect(&endpoint).unwrap();
    push.send(&mut Msg::from_slice(b"x"), Flags::default())
        .unwrap();
    assert_eq!(recv(&mut pull), b"x");

    let epoll = Epoll::watching(pull.fd());
    // ZMQ_EVENTS reads what the descriptor announced, and lowers it.
    let mut events = [0u8; 4];
    assert!(eventually(|| {
        pull.get_option(15, &mut events).unwrap();
        !epoll.ready()
    }));

    drop(pull);
    assert!(epoll.ready(), "readable at once after the close");
    // Closing the descriptor takes it out of the epoll set.
    assert!(eventually(|| !epoll.ready()), "closed soon after");
    drop(push);
    ctx.terminate().unwrap();
}

/// A SOCKS5 proxy from capi-tests/socks5_proxy.py, stopped when dropped; None without python3.
struct Proxy(std::process::Child);

impl Proxy {
    fn start(args: &[&str]) -> Option<(Proxy, u16)> {
        let portfile = std::env::temp_dir().join(format!(
            "zmq-rust-socks-{}-{}",
            std::process::id(),
            args.len()
        ));
        let _ = std::fs::remove_file(&portfile);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/capi-tests/socks5_proxy.py");
        let child = std::process::Command::new("python3")
            .arg(script)
            .arg(&portfile)
            .args(args)
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let proxy = Proxy(child);
        let mut port = None;
        eventually(|| {
            port = std::fs::read_to_string(&portfile)
                .ok()
                .and_then(|s| s.trim().parse().ok());
            port.is_some()
        });
        let _ = std::fs::remove_file(&portfile);
        Some((proxy, port?))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Failed SOCKS5 handshakes (wrong password, a proxy refusing the target) leave the socket
/// retrying and the process alive; libzmq 4.3.4 aborts on them.
#[test]
fn failed_socks_handshakes_are_survived() {
    for args in [
        &["--user", "alice", "--password", "secret"][..],
        &["--reply-code", "5"][..],
    ] {
        let Some((_proxy, port)) = Proxy::start(args) else {
            eprintln!("skipped: python3 cannot run capi-tests/socks5_proxy.py");
            return;
        };
        let ctx = Arc::new(Ctx::new());
        let mut pull = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = last_endpoint(&mut pull);
        let mut push = Socket::new(ctx.clone(), SocketType::Push).unwrap();
        let proxy = format!("127.0.0.1:{port}");
        push.set_option(ids::SOCKS_PROXY, Some(proxy.as_bytes()))
            .unwrap();
        push.set_option(ids::SOCKS_USERNAME, Some(b"alice"))
            .unwrap();
        push.set_option(ids::SOCKS_PASSWORD, Some(b"wrong"))
            .unwrap();
        push.set_option(ids::LINGER, Some(&0i32.to_ne_bytes()))
            .unwrap();
        push.connect(&endpoint).unwrap();
        push.send(&mut Msg::from_slice(b"x"), Flags::default())
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let nothing = pull.recv(
            Flags {
                dont_wait: true,
                ..Flags::default()
            },
            &mut Msg::new(),
        );
        assert!(nothing.is_err(), "nothing gets through");
        drop((push, pull));
        ctx.terminate().unwrap();
    }
}

/// ZMQ_RECONNECT_STOP_CONN_REFUSED: a refused connect ends the endpoint (its pipe goes, so a
/// PUSH has nowhere to queue); without it, messages keep queueing for a later peer.
#[test]
fn reconnect_stop_on_refusal() {
    let ctx = Arc::new(Ctx::new());
    // A port nobody listens on: bound once, then released.
    let endpoint = {
        let mut probe = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
        probe.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = last_endpoint(&mut probe);
        probe.unbind(&endpoint).unwrap();
        endpoint
    };
    std::thread::sleep(Duration::from_millis(50));
    let dont_wait = Flags {
        dont_wait: true,
        ..Flags::default()
    };
    let mut stubborn = Socket::new(ctx.clone(), SocketType::Push).unwrap();
    let mut giving_up = Socket::new(ctx.clone(), SocketType::Push).unwrap();
    giving_up
        .set_option(ids::RECONNECT_STOP, Some(&1i32.to_ne_bytes()))
        .unwrap();
    for socket in [&mut stubborn, &mut giving_up] {
        socket
            .set_option(ids::LINGER, Some(&0i32.to_ne_bytes()))
            .unwrap();
        socket.connect(&endpoint).unwrap();
    }
    assert!(eventually(|| giving_up
        .send(&mut Msg::from_slice(b"x"), dont_wait)
        .is_err()));
    assert!(stubborn.send(&mut Msg::from_slice(b"x"), dont_wait).is_ok());
    drop((stubborn, giving_up));
    ctx.terminate().unwrap();
}
