//! Sockets over inproc through the Rust API: the patterns, in two threads where it matters.

use std::sync::Arc;
use std::thread;

use zmq::ctx::Ctx;
use zmq::error::Error;
use zmq::msg::Msg;
use zmq::socket::{Flags, Socket, SocketType};

fn frame(data: &[u8]) -> Msg {
    Msg::from_slice(data)
}

fn send(socket: &mut Socket, data: &[u8], more: bool) {
    socket
        .send(
            &mut frame(data),
            Flags {
                more,
                ..Flags::default()
            },
        )
        .unwrap();
}

fn recv(socket: &mut Socket) -> Vec<u8> {
    let mut msg = Msg::new();
    socket.recv(Flags::default(), &mut msg).unwrap();
    msg.data().to_vec()
}

#[test]
fn push_pull_across_threads_in_order() {
    const COUNT: usize = 100_000;
    let ctx = Arc::new(Ctx::new());
    let mut pull = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
    pull.bind("inproc://rust-pipeline").unwrap();
    let sender = {
        let ctx = ctx.clone();
        thread::spawn(move || {
            let mut push = Socket::new(ctx, SocketType::Push).unwrap();
            push.connect("inproc://rust-pipeline").unwrap();
            for i in 0..COUNT {
                send(&mut push, &(i as u64).to_le_bytes(), false);
            }
        })
    };
    for i in 0..COUNT {
        assert_eq!(recv(&mut pull), (i as u64).to_le_bytes());
    }
    sender.join().unwrap();
    drop(pull);
    ctx.terminate().unwrap();
}

#[test]
fn req_rep_round_trips_and_state_machine() {
    let ctx = Arc::new(Ctx::new());
    let mut rep = Socket::new(ctx.clone(), SocketType::Rep).unwrap();
    let mut req = Socket::new(ctx.clone(), SocketType::Req).unwrap();
    rep.bind("inproc://rust-rr").unwrap();
    req.connect("inproc://rust-rr").unwrap();
    assert_eq!(
        req.recv(Flags::default(), &mut Msg::new()).unwrap_err(),
        Error::Fsm
    );
    for i in 0..10u8 {
        send(&mut req, &[i], false);
        assert_eq!(recv(&mut rep), [i]);
        send(&mut rep, &[i, i], false);
        assert_eq!(recv(&mut req), [i, i]);
    }
}

#[test]
fn router_addresses_dealers_by_routing_id() {
    let ctx = Arc::new(Ctx::new());
    let mut router = Socket::new(ctx.clone(), SocketType::Router).unwrap();
    router.bind("inproc://rust-router").unwrap();
    let mut dealers: Vec<Socket> = (0..3u8)
        .map(|i| {
            let mut d = Socket::new(ctx.clone(), SocketType::Dealer).unwrap();
            d.set_option(5, Some(&[b'd', i])).unwrap();
            d.connect("inproc://rust-router").unwrap();
            d
        })
        .collect();
    for (i, d) in dealers.iter_mut().enumerate() {
        send(d, format!("from {i}").as_bytes(), false);
    }
    for _ in 0..3 {
        let id = recv(&mut router);
        let body = recv(&mut router);
        assert_eq!(body, format!("from {}", id[1]).into_bytes());
        send(&mut router, &id, true);
        send(&mut router, b"back", false);
    }
    for d in &mut dealers {
        assert_eq!(recv(d), b"back");
    }
}

#[test]
fn termination_fails_blocked_calls_with_eterm() {
    let ctx = Arc::new(Ctx::new());
    // Made here, used there: a socket may move to another thread.
    let mut pull = Socket::new(ctx.clone(), SocketType::Pull).unwrap();
    let blocked = thread::spawn(move || pull.recv(Flags::default(), &mut Msg::new()).unwrap_err());
    thread::sleep(std::time::Duration::from_millis(50));
    ctx.shutdown();
    assert_eq!(blocked.join().unwrap(), Error::Term);
    ctx.terminate().unwrap();
    assert!(matches!(
        Socket::new(ctx, SocketType::Pair),
        Err(Error::Term)
    ));
}
