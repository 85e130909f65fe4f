//! The inproc transport: pipes between two sockets of one context, through the context's
//! endpoint registry. Bind and connect may come in either order; a connect before the bind
//! queues its pipe until the bind.
#![forbid(unsafe_code)]

use super::{NewPipe, PipeId, Route, Socket};
use crate::ctx::{InprocEndpoint, PendingConnect};
use crate::error::{Error, Result};
use crate::pipe::{hwm_limit as limit, pipe_pair};

/// The combined limit of a sender's SNDHWM and a receiver's RCVHWM (none if either has none),
/// as libzmq sums them for inproc.
fn combined(sndhwm: i32, rcvhwm: i32) -> u64 {
    if sndhwm <= 0 || rcvhwm <= 0 {
        0
    } else {
        limit(sndhwm).saturating_add(limit(rcvhwm))
    }
}

/// The ZMQ_HELLO_MSG a socket sends to each new peer (empty: none).
fn hello(socket: &Socket) -> Vec<u8> {
    if socket.socket_type.sends_hello() {
        socket.options.hello_msg.clone()
    } else {
        Vec::new()
    }
}

/// The ZMQ_DISCONNECT_MSG a socket reads when a connected peer goes (empty: none).
fn farewell(socket: &Socket) -> Vec<u8> {
    if socket.socket_type.reads_disconnect_msg() {
        socket.options.disconnect_msg.clone()
    } else {
        Vec::new()
    }
}

/// After the routing ids: the binder's hello toward the connecter, and the message the
/// binder reads when the connecter goes, on the binder's end.
fn greet(binder_end: &mut crate::pipe::PipeEnd, hello: &[u8], farewell: &[u8]) {
    if !hello.is_empty() {
        binder_end.force_write(crate::msg::Msg::from_slice(hello));
        binder_end.flush();
    }
    if !farewell.is_empty() {
        binder_end.set_farewell(crate::msg::Msg::from_slice(farewell));
    }
}

pub(super) fn bind(socket: &mut Socket, name: &str) -> Result<()> {
    let wants_ids = socket.behaviour.recv_routing_id();
    let (hello, farewell) = (hello(socket), farewell(socket));
    let endpoint = InprocEndpoint {
        socket: socket.id,
        mailbox: socket.sender.clone(),
        sndhwm: socket.options.sndhwm,
        rcvhwm: socket.options.rcvhwm,
        routing_id: socket.options.routing_id.clone(),
        wants_ids,
        socket_type: socket.socket_type_raw(),
        hello: hello.clone(),
        farewell: farewell.clone(),
    };
    let pending = socket.ctx.bind_inproc(name, endpoint)?;
    socket.bound.push(name.to_owned());
    for mut connect in pending {
        // The connecter announced its routing id without knowing whether we want it.
        if !wants_ids {
            let _ = connect.pipe.end.read();
        }
        if connect.connecter_wants_ids {
            connect.pipe.end.announce(&socket.options.routing_id);
        }
        greet(&mut connect.pipe.end, &hello, &farewell);
        // Now both sides are known: the limits are the sums libzmq uses.
        let (their_snd, their_rcv, conflate) = connect.connecter_hwms;
        if !conflate {
            let to_them = combined(socket.options.sndhwm, their_rcv);
            let to_us = combined(their_snd, socket.options.rcvhwm);
            connect.pipe.end.set_hwms(to_them, to_us);
        }
        socket.attach(connect.pipe);
    }
    Ok(())
}

pub(super) fn connect(socket: &mut Socket, name: &str) -> Result<()> {
    let (sndhwm, rcvhwm) = (socket.options.sndhwm, socket.options.rcvhwm);
    let wants_ids = socket.behaviour.recv_routing_id();
    let own_id = socket.options.routing_id.clone();
    // As in libzmq, the connecting socket's ZMQ_CONFLATE decides for both ends, and a
    // conflating pipe has no high-water mark.
    let conflate = socket.options.conflate;
    let own_hello = hello(socket);
    let (local_id, far_id) = (PipeId::next(), PipeId::next());
    let to_local = Route::pending();
    let id = socket.id;
    // Under the registry's lock, so that a bind cannot slip in between look-up and queueing.
    let local = socket.ctx.with_inproc(|registry| {
        let peer = registry.endpoints.get(name).cloned();
        let (to_far, limits) = match &peer {
            Some(peer) => (
                Route::to(peer.mailbox.clone(), far_id),
                (combined(sndhwm, peer.rcvhwm), combined(peer.sndhwm, rcvhwm)),
            ),
            None => (Route::pending(), (limit(sndhwm), limit(rcvhwm))),
        };
        let limits = if conflate { (0, 0) } else { limits };
        let (mut local_end, mut far_end) = pipe_pair(limits.0, limits.1);
        local_end.set_conflate(conflate);
        far_end.set_conflate(conflate);
        // Routing ids go first, each way the receiving socket wants them. A binder not there
        // yet gets ours anyway, and drops it if it does not want it.
        if peer.as_ref().is_none_or(|p| p.wants_ids) {
            local_end.announce(&own_id);
        }
        if let Some(peer) = peer.as_ref().filter(|_| wants_ids) {
            far_end.announce(&peer.routing_id);
        }
        if !own_hello.is_empty() {
            local_end.force_write(crate::msg::Msg::from_slice(&own_hello));
            local_end.flush();
        }
        if let Some(peer) = peer.as_ref() {
            greet(&mut far_end, &peer.hello, &peer.farewell);
        }
        let far = NewPipe {
            end: far_end,
            id: far_id,
            to_peer: to_local.clone(),
            to_self: to_far.clone(),
            endpoint: Some(name.to_owned()),
            locally_initiated: false,
        };
        match peer {
            Some(peer) => peer.mailbox.send(super::Command::Attach(Box::new(far))),
            None => registry
                .pending
                .entry(name.to_owned())
                .or_default()
                .push(PendingConnect {
                    connecter: id,
                    connecter_wants_ids: wants_ids,
                    connecter_hwms: (sndhwm, rcvhwm, conflate),
                    pipe: far,
                }),
        }
        NewPipe {
            end: local_end,
            id: local_id,
            to_peer: to_far,
            to_self: to_local,
            endpoint: Some(name.to_owned()),
            locally_initiated: true,
        }
    });
    socket.attach(local);
    Ok(())
}

/// zmq_unbind and zmq_disconnect of an inproc name, which libzmq treats alike: a name this
/// socket bound is released (its connections stay); otherwise the connections this socket made
/// to it are terminated; ENOENT when there are none.
pub(super) fn term_endpoint(socket: &mut Socket, name: &str) -> Result<()> {
    if let Some(position) = socket.bound.iter().position(|n| n == name) {
        socket.bound.swap_remove(position);
        socket.ctx.unbind_inproc(name, socket.id);
        return Ok(());
    }
    let id = socket.id;
    let had_pending = socket.ctx.with_inproc(|registry| {
        let Some(list) = registry.pending.get_mut(name) else {
            return false;
        };
        let before = list.len();
        list.retain(|p| p.connecter != id);
        before != list.len()
    });
    let mine =
        |p: &super::pipes::Attached| p.locally_initiated && p.endpoint.as_deref() == Some(name);
    let keys: Vec<_> = socket
        .pipes
        .keys()
        .into_iter()
        .filter(|&k| socket.pipes.get_mut(k).is_some_and(|p| mine(p)))
        .collect();
    if keys.is_empty() && !had_pending {
        return Err(Error::NoEnt);
    }
    socket.terminate_pipes(mine);
    Ok(())
}
