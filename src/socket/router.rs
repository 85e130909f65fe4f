//! ROUTER and REP: replies addressed by the routing id of the peer (RFC 28).
//!
//! Every pipe of a ROUTER has a routing id: the one the peer announced when the connection
//! started, or a generated 5-byte one (a zero byte and a counter) when it announced none. A
//! received message is prefixed with its pipe's routing id; a sent message's first frame names
//! the pipe to send it to.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use super::pipes::Pipes;
use super::{Behaviour, flag_option};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::options::ids;
use crate::routing::{FairQueue, KeyMap, PipeKey, PipeSet};

/// A seed for generated routing ids, different in each socket.
pub(super) fn random_seed() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::UNIX_EPOCH
            .elapsed()
            .map_or(0, |d| d.as_nanos() as u64),
    );
    hasher.finish() as u32
}

/// The ROUTER socket type.
#[derive(Debug)]
pub(crate) struct Router {
    fq: FairQueue,
    /// Pipes by routing id.
    out: HashMap<Vec<u8>, PipeKey>,
    /// Routing ids by pipe.
    ids: KeyMap<Vec<u8>>,
    /// Pipes whose routing id has not arrived yet.
    anonymous: KeyMap<()>,
    next_id: u32,
    /// The first frame of a message whose routing id was just received.
    prefetched: Option<Msg>,
    /// The first frame of the next message, read ahead by `has_in`, with its pipe.
    read_ahead: Option<(Msg, PipeKey)>,
    more_in: bool,
    current_in: Option<PipeKey>,
    /// The pipe the last message came from. A reply mostly goes back to it: its routing id is
    /// then found by comparing bytes, where a lookup in `out` hashed them (SipHash: peers
    /// choose the ids), 7% of a ROUTER thread answering requests.
    last_in: Option<PipeKey>,
    terminate_current_in: bool,
    more_out: bool,
    current_out: Option<PipeKey>,
    /// ZMQ_ROUTER_MANDATORY: unroutable messages fail with EHOSTUNREACH instead of vanishing.
    mandatory: bool,
    /// ZMQ_ROUTER_HANDOVER: a new peer with a routing id in use takes it over.
    handover: bool,
    /// ZMQ_PROBE_ROUTER: send an empty message to each new peer.
    probe: bool,
    /// ZMQ_ROUTER_RAW (accepted; raw peers come with the TCP transport).
    raw: bool,
    /// ZMQ_CONNECT_ROUTING_ID: the routing id given to the next peer this socket connects to.
    connect_id: Option<Vec<u8>>,
}

impl Default for Router {
    fn default() -> Self {
        Router {
            fq: FairQueue::new(),
            out: HashMap::new(),
            ids: KeyMap::default(),
            anonymous: KeyMap::default(),
            next_id: random_seed(),
            prefetched: None,
            read_ahead: None,
            more_in: false,
            current_in: None,
            last_in: None,
            terminate_current_in: false,
            more_out: false,
            current_out: None,
            mandatory: false,
            handover: false,
            probe: false,
            raw: false,
            connect_id: None,
        }
    }
}

impl Router {
    fn generated_id(&mut self) -> Vec<u8> {
        let mut id = vec![0];
        id.extend_from_slice(&self.next_id.to_be_bytes());
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Reads the peer's routing id from a new pipe; false when it has not arrived yet or the
    /// peer must be turned away (its id is taken and handover is off).
    fn identify(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) -> bool {
        if locally_initiated {
            if let Some(id) = self.connect_id.take() {
                // Chosen by the application; the peer's own announcement is skipped on receipt.
                self.out.insert(id.clone(), key);
                self.ids.insert(key, id);
                return true;
            }
        }
        let Some(msg) = pipes.read(key) else {
            return false;
        };
        let id = if msg.size() == 0 {
            self.generated_id()
        } else {
            let id = msg.data().to_vec();
            if let Some(&old) = self.out.get(&id) {
                if !self.handover {
                    return false;
                }
                // The newcomer takes the id; the old pipe gets a generated one and goes.
                let renamed = self.generated_id();
                self.out.remove(&id);
                self.out.insert(renamed.clone(), old);
                self.ids.insert(old, renamed);
                if self.current_in == Some(old) {
                    self.terminate_current_in = true;
                } else {
                    pipes.terminate(old);
                }
            }
            id
        };
        self.out.insert(id.clone(), key);
        self.ids.insert(key, id);
        true
    }

    /// Sends a frame (the first names the peer); see libzmq's router for the rules.
    pub(crate) fn send_frame(
        &mut self,
        pipes: &mut Pipes,
        mut msg: Msg,
    ) -> std::result::Result<(), (Error, Msg)> {
        self.send_frame_from(pipes, &mut msg).map_err(|e| (e, msg))
    }

    /// `send_frame` from where the frame is: on success `msg` is left empty (taken, or dropped
    /// as libzmq drops what it cannot route), on failure unchanged.
    pub(crate) fn send_frame_from(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        if !self.more_out {
            // The routing id frame of a new message.
            if msg.more() {
                self.more_out = true;
                match self.route(msg.data()) {
                    Some(key) => {
                        if pipes.check_write(key) {
                            self.current_out = Some(key);
                        } else if self.mandatory {
                            self.more_out = false;
                            // A full pipe is EAGAIN; a closed one cannot be reached.
                            let full = !pipes.get_mut(key).is_some_and(|p| p.end.is_terminating());
                            return Err(if full {
                                Error::Again
                            } else {
                                Error::HostUnreach
                            });
                        }
                    }
                    None if self.mandatory => {
                        self.more_out = false;
                        return Err(Error::HostUnreach);
                    }
                    None => {}
                }
            }
            *msg = Msg::new();
            return Ok(());
        }
        self.more_out = msg.more();
        if let Some(key) = self.current_out {
            if pipes.write_from(key, msg) {
                if !self.more_out {
                    pipes.flush(key);
                    self.current_out = None;
                }
                return Ok(());
            }
            pipes.rollback(key);
            self.current_out = None;
        }
        // Not routed, or refused in the middle of its message: dropped, as libzmq drops it.
        *msg = Msg::new();
        Ok(())
    }

    /// The pipe of the peer with routing id `id`.
    #[inline]
    fn route(&self, id: &[u8]) -> Option<PipeKey> {
        if let Some(key) = self.last_in {
            if self.ids.get(key).is_some_and(|own| own.as_slice() == id) {
                return Some(key);
            }
        }
        self.out.get(id).copied()
    }

    /// Drops the frames of the message being sent.
    pub(crate) fn rollback(&mut self, pipes: &mut Pipes) {
        if let Some(key) = self.current_out.take() {
            pipes.rollback(key);
            self.more_out = false;
        }
    }

    fn end_of_message_in(&mut self, pipes: &mut Pipes) {
        if self.terminate_current_in {
            if let Some(key) = self.current_in {
                pipes.terminate(key);
            }
            self.terminate_current_in = false;
        }
        self.current_in = None;
    }

    /// Receives a frame: the routing id of the sender first, then the message.
    pub(crate) fn recv_frame(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        let mut msg = Msg::new();
        self.recv_frame_into(pipes, &mut msg)?;
        Ok(msg)
    }

    /// As `recv_frame`, into `out` (replaced): a frame moves from the pipe straight to where
    /// the caller wants it, and the first frame of a message, kept while its routing id is
    /// handed out, is swapped in.
    pub(crate) fn recv_frame_into(&mut self, pipes: &mut Pipes, out: &mut Msg) -> Result<()> {
        if let Some(first) = self.prefetched.as_mut() {
            std::mem::swap(out, first);
            self.prefetched = None;
            self.frame_in(pipes, out.more());
            return Ok(());
        }
        let key = match self.read_ahead.take() {
            Some((first, key)) => {
                *out = first;
                key
            }
            None => self.next_frame_into(pipes, out)?,
        };
        if self.more_in {
            self.frame_in(pipes, out.more());
            return Ok(());
        }
        // A new message: its sender's routing id comes first, the frame waits.
        self.current_in = Some(key);
        self.last_in = Some(key);
        let mut id = Msg::from_slice(self.ids.get(key).map_or(&[][..], Vec::as_slice));
        id.set_more(true);
        id.set_metadata(out.metadata().cloned());
        self.prefetched = Some(std::mem::replace(out, id));
        self.more_in = true;
        Ok(())
    }

    /// A frame of the message being received was handed out; `more` if others follow.
    fn frame_in(&mut self, pipes: &mut Pipes, more: bool) {
        self.more_in = more;
        if !more {
            self.end_of_message_in(pipes);
        }
    }

    fn has_in_frames(&mut self, pipes: &mut Pipes) -> bool {
        if self.more_in || self.prefetched.is_some() || self.read_ahead.is_some() {
            return true;
        }
        // Read ahead: a pipe holding only a reconnected peer's routing id has nothing to give.
        match self.next_frame(pipes) {
            Ok(first) => {
                self.read_ahead = Some(first);
                true
            }
            Err(_) => false,
        }
    }

    /// The next frame from any pipe, skipping the routing ids reconnecting peers repeat.
    fn next_frame(&mut self, pipes: &mut Pipes) -> Result<(Msg, PipeKey)> {
        let mut msg = Msg::new();
        let key = self.next_frame_into(pipes, &mut msg)?;
        Ok((msg, key))
    }

    /// As `next_frame`, into `out` (replaced, or emptied when only a skipped routing id came).
    fn next_frame_into(&mut self, pipes: &mut Pipes, out: &mut Msg) -> Result<PipeKey> {
        loop {
            let key = self.fq.recv_into(pipes, out)?;
            if !out.is_routing_id() {
                return Ok(key);
            }
            *out = Msg::new();
        }
    }
}

impl Behaviour for Router {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) {
        if self.probe && pipes.write(key, Msg::new()).is_ok() {
            pipes.flush(key);
        }
        if self.identify(pipes, key, locally_initiated) {
            self.fq.attach(key);
        } else {
            self.anonymous.insert(key, ());
        }
    }

    fn read_activated(&mut self, pipes: &mut Pipes, key: PipeKey) {
        if !self.anonymous.contains(key) {
            self.fq.activated(key);
        } else if self.identify(pipes, key, false) {
            self.anonymous.remove(key);
            self.fq.attach(key);
        }
    }

    fn terminated(&mut self, key: PipeKey) {
        if self.anonymous.remove(key).is_none() {
            if let Some(id) = self.ids.remove(key) {
                self.out.remove(&id);
            }
            self.fq.terminated(key);
        }
        if self.current_out == Some(key) {
            self.current_out = None;
        }
        if self.current_in == Some(key) {
            self.current_in = None;
            self.terminate_current_in = false;
        }
        if self.last_in == Some(key) {
            self.last_in = None;
        }
        if self.read_ahead.as_ref().is_some_and(|(_, k)| *k == key) {
            self.read_ahead = None;
        }
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        self.send_frame(pipes, msg)
    }

    fn send_in_place(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.send_frame_from(pipes, msg)
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        self.recv_frame(pipes)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.recv_frame_into(pipes, msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.has_in_frames(pipes)
    }

    fn peer_state(&mut self, pipes: &mut Pipes, id: &[u8]) -> Result<i32> {
        let &key = self.out.get(id).ok_or(Error::HostUnreach)?;
        Ok(if pipes.check_write(key) { 2 } else { 0 })
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        if !self.mandatory {
            return true;
        }
        let keys: Vec<PipeKey> = self.out.values().copied().collect();
        keys.into_iter().any(|k| pipes.check_write(k))
    }

    fn set_option(&mut self, _pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        let flag = match id {
            ids::ROUTER_MANDATORY => &mut self.mandatory,
            ids::ROUTER_HANDOVER => &mut self.handover,
            ids::PROBE_ROUTER => &mut self.probe,
            ids::ROUTER_RAW => &mut self.raw,
            ids::CONNECT_ROUTING_ID if value.is_empty() => return Some(Err(Error::Inval)),
            ids::CONNECT_ROUTING_ID => {
                self.connect_id = Some(value.to_vec());
                return Some(Ok(()));
            }
            _ => return None,
        };
        Some(flag_option(value).map(|v| *flag = v))
    }

    fn recv_routing_id(&self) -> bool {
        true
    }
}

/// The REP socket type: a ROUTER that keeps each request's envelope for the reply.
#[derive(Debug, Default)]
pub(crate) struct Rep {
    router: Router,
    sending_reply: bool,
    /// The next frame received starts a request (its envelope is copied to the reply).
    request_begins: bool,
}

impl Rep {
    pub(crate) fn new() -> Self {
        Rep {
            request_begins: true,
            ..Self::default()
        }
    }
}

impl Behaviour for Rep {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) {
        self.router.attach(pipes, key, locally_initiated);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.router.read_activated(pipes, key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.router.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if !self.sending_reply {
            return Err((Error::Fsm, msg));
        }
        let more = msg.more();
        self.router.send_frame(pipes, msg)?;
        if !more {
            self.sending_reply = false;
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        if self.sending_reply {
            return Err(Error::Fsm);
        }
        if self.request_begins {
            // Copy the envelope (frames up to and including the empty delimiter) to the reply.
            loop {
                let frame = self.router.recv_frame(pipes)?;
                if frame.more() {
                    let bottom = frame.size() == 0;
                    // Cannot fail: the first frame only selects the pipe, later ones are queued.
                    let _ = self.router.send_frame(pipes, frame);
                    if bottom {
                        break;
                    }
                } else {
                    // An envelope without a delimiter: malformed, dropped whole.
                    self.router.rollback(pipes);
                }
            }
            self.request_begins = false;
        }
        let msg = self.router.recv_frame(pipes)?;
        if !msg.more() {
            self.sending_reply = true;
            self.request_begins = true;
        }
        Ok(msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        !self.sending_reply && self.router.has_in_frames(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        self.sending_reply && self.router.has_out(pipes)
    }

    fn set_option(&mut self, pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        self.router.set_option(pipes, id, value)
    }

    fn recv_routing_id(&self) -> bool {
        true
    }
}

/// The STREAM socket type: a ROUTER for raw connections. Peers get generated routing ids, each
/// message is one frame after the id, and sending an empty frame closes the connection.
#[derive(Debug, Default)]
pub(crate) struct Stream {
    router: Router,
    /// ZMQ_STREAM_NOTIFY: announce connections and disconnections with empty messages.
    notify: bool,
    /// The routing id frame of the message being sent was accepted.
    addressed: bool,
}

impl Stream {
    pub(crate) fn new() -> Self {
        Stream {
            notify: true,
            ..Self::default()
        }
    }
}

impl Behaviour for Stream {
    fn attach(&mut self, _pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) {
        let id = match self.router.connect_id.take().filter(|_| locally_initiated) {
            Some(id) => id,
            None => self.router.generated_id(),
        };
        self.router.out.insert(id.clone(), key);
        self.router.ids.insert(key, id);
        self.router.fq.attach(key);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, key: PipeKey) {
        self.router.fq.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.router.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, mut msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if !self.addressed {
            if !msg.more() {
                return Err((Error::HostUnreach, msg));
            }
            let Some(key) = self.router.route(msg.data()) else {
                return Err((Error::HostUnreach, msg));
            };
            if !pipes.check_write(key) {
                return Err((Error::Again, msg));
            }
            self.router.current_out = Some(key);
            self.addressed = true;
            return Ok(());
        }
        self.addressed = false;
        let Some(key) = self.router.current_out.take() else {
            return Ok(());
        };
        // Raw data: one frame per message, whatever the flag says.
        msg.set_more(false);
        if msg.size() == 0 {
            pipes.terminate(key);
            return Ok(());
        }
        if pipes.write(key, msg).is_ok() {
            pipes.flush(key);
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        self.router.recv_frame(pipes)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.router.has_in_frames(pipes)
    }

    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        true
    }

    fn set_option(&mut self, pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        match id {
            ids::STREAM_NOTIFY => Some(match flag_option(value) {
                Ok(_) if value != 0i32.to_ne_bytes() && value != 1i32.to_ne_bytes() => {
                    Err(Error::Inval)
                }
                Ok(v) => {
                    self.notify = v;
                    Ok(())
                }
                Err(e) => Err(e),
            }),
            ids::CONNECT_ROUTING_ID => self.router.set_option(pipes, id, value),
            _ => None,
        }
    }

    fn recv_routing_id(&self) -> bool {
        true
    }
}
