//! The thread-safe draft types that exchange single-frame messages: CLIENT and SERVER (RFC 41),
//! SCATTER and GATHER, CHANNEL, and PEER. (RADIO and DISH are in `radio_dish`.)
//!
//! None of them sends multipart messages (ZMQ_SNDMORE fails with EINVAL), and each drops a
//! multipart message that reaches it whole. CLIENT, SCATTER, GATHER and CHANNEL route as DEALER,
//! PUSH, PULL and PAIR do, behind `Single`. SERVER and PEER name each peer by a 32-bit routing
//! id, carried by the message (zmq_msg_routing_id) instead of a frame.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use super::Behaviour;
use super::pipes::Pipes;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::options::Options;
use crate::routing::{FairQueue, PipeKey, PipeSet};

/// A stable type restricted to single-frame messages.
#[derive(Debug, Default)]
pub(crate) struct Single<B>(pub(crate) B);

/// Receives the next single-frame message through `recv` (which reads one frame), dropping
/// whole the multipart messages met on the way. `msg` is replaced only on success.
fn recv_single(
    msg: &mut Msg,
    mut recv: impl FnMut(&mut Msg) -> Result<PipeKey>,
) -> Result<PipeKey> {
    let mut frame = Msg::new();
    loop {
        let key = recv(&mut frame)?;
        if !frame.more() {
            *msg = frame;
            return Ok(key);
        }
        // Complete messages only are visible, so the rest of this one is there.
        while frame.more() {
            recv(&mut frame)?;
        }
    }
}

impl<B: Behaviour> Behaviour for Single<B> {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) {
        self.0.attach(pipes, key, locally_initiated);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.0.read_activated(pipes, key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.0.write_activated(key);
    }

    fn hiccuped(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.0.hiccuped(pipes, key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.0.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if msg.more() {
            return Err((Error::Inval, msg));
        }
        self.0.send(pipes, msg)
    }

    fn send_in_place(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        if msg.more() {
            return Err(Error::Inval);
        }
        self.0.send_in_place(pipes, msg)
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        let mut msg = Msg::new();
        self.recv_into(pipes, &mut msg).map(|()| msg)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        let inner = &mut self.0;
        recv_single(msg, |frame| inner.recv_into(pipes, frame).map(|()| 0)).map(|_| ())
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.0.has_in(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        self.0.has_out(pipes)
    }

    fn options_changed(&mut self, options: &Options) {
        self.0.options_changed(options);
    }
}

/// SERVER, and PEER: every pipe gets a routing id, never 0, from a counter that starts at a
/// random value; a received message carries its pipe's id, and a sent one goes to the pipe its
/// id names.
#[derive(Debug)]
pub(crate) struct Server {
    fq: FairQueue,
    out: HashMap<u32, PipeKey>,
    ids: HashMap<PipeKey, u32>,
    next_id: u32,
    /// The id of the pipe attached last (what zmq_connect_peer returns).
    last: Option<u32>,
}

impl Server {
    pub(crate) fn new() -> Self {
        Server {
            fq: FairQueue::new(),
            out: HashMap::new(),
            ids: HashMap::new(),
            next_id: super::router::random_seed(),
            last: None,
        }
    }
}

impl Behaviour for Server {
    fn attach(&mut self, _pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        let mut id = self.next_id;
        while id == 0 || self.out.contains_key(&id) {
            id = id.wrapping_add(1);
        }
        self.next_id = id.wrapping_add(1);
        self.out.insert(id, key);
        self.ids.insert(key, id);
        self.last = Some(id);
        self.fq.attach(key);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, key: PipeKey) {
        self.fq.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        if let Some(id) = self.ids.remove(&key) {
            self.out.remove(&id);
        }
        self.fq.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, mut msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if msg.more() {
            return Err((Error::Inval, msg));
        }
        let id = msg.routing_id();
        let Some(&key) = self.out.get(&id) else {
            return Err((Error::HostUnreach, msg));
        };
        // The peer may be an inproc socket: the id is ours, not its.
        msg.set_routing_id(0);
        match pipes.write(key, msg) {
            Ok(()) => {
                pipes.flush(key);
                Ok(())
            }
            Err(mut back) => {
                back.set_routing_id(id);
                Err((Error::Again, back))
            }
        }
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        let mut msg = Msg::new();
        self.recv_into(pipes, &mut msg).map(|()| msg)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        let fq = &mut self.fq;
        let key = recv_single(msg, |frame| fq.recv_into(pipes, frame))?;
        msg.set_routing_id(self.ids.get(&key).copied().unwrap_or(0));
        Ok(())
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.fq.has_in(pipes)
    }

    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        // Whether a send succeeds depends on the peer it names.
        true
    }

    fn disconnect_peer(&mut self, pipes: &mut Pipes, id: u32) -> Result<()> {
        let &key = self.out.get(&id).ok_or(Error::HostUnreach)?;
        pipes.terminate(key);
        Ok(())
    }

    fn last_peer_id(&self) -> Option<u32> {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_messages_are_skipped_whole() {
        let mut frames = vec![(b"a".as_slice(), true), (b"b", false), (b"c", false)].into_iter();
        let mut msg = Msg::from_slice(b"before");
        let key = recv_single(&mut msg, |m| {
            let (data, more) = frames.next().ok_or(Error::Again)?;
            *m = Msg::from_slice(data);
            m.set_more(more);
            Ok(7)
        });
        assert_eq!(key, Ok(7));
        assert_eq!(msg.data(), b"c");
    }

    #[test]
    fn a_failed_receive_leaves_the_message() {
        let mut frames = vec![(b"a".as_slice(), true), (b"b", false)].into_iter();
        let mut msg = Msg::from_slice(b"before");
        let result = recv_single(&mut msg, |m| {
            let (data, more) = frames.next().ok_or(Error::Again)?;
            *m = Msg::from_slice(data);
            m.set_more(more);
            Ok(1)
        });
        assert_eq!(result, Err(Error::Again));
        assert_eq!(msg.data(), b"before");
    }
}
