//! RADIO and DISH: publish-subscribe by exact group (RFC 48), thread-safe draft types.
//!
//! A DISH tells its RADIOs the groups it joins and leaves with JOIN and LEAVE commands (a
//! command frame "\4JOIN" or "\5LEAVE" and the group); a RADIO sends each message, as two
//! frames, the group then the body, to the pipes whose peer joined the message's group. The
//! same frames travel in inproc pipes and on the wire (where the session passes them through),
//! so the two types are one mechanism for every transport.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::Arc;

use super::pipes::Pipes;
use super::{Behaviour, flag_option};
use crate::error::{Error, Result};
use crate::msg::{GROUP_MAX_LENGTH, Metadata, Msg};
use crate::options::ids;
use crate::routing::{Distributor, FairQueue, PipeKey, PipeSet};
use crate::zmtp::{JOIN, LEAVE};

/// The command frame joining (or leaving) `group`.
fn membership(group: &[u8], join: bool) -> Msg {
    let name = if join { JOIN } else { LEAVE };
    let mut body = Vec::with_capacity(name.len() + group.len());
    body.extend_from_slice(name);
    body.extend_from_slice(group);
    let mut msg = Msg::from_slice(&body);
    msg.set_command(true);
    msg
}

/// The RADIO socket type.
#[derive(Debug)]
pub(crate) struct Radio {
    dist: Distributor,
    /// The pipes that joined each group, once per join.
    groups: HashMap<Vec<u8>, Vec<PipeKey>>,
    /// The pipes to udp engines, which take every group.
    udp: Vec<PipeKey>,
    /// Not ZMQ_XPUB_NODROP: a message that a full pipe cannot take is dropped for that pipe.
    lossy: bool,
}

impl Radio {
    pub(crate) fn new() -> Self {
        Radio {
            dist: Distributor::new(),
            groups: HashMap::new(),
            udp: Vec::new(),
            lossy: true,
        }
    }

    /// Applies the JOIN and LEAVE commands waiting in a pipe.
    fn read_memberships(&mut self, pipes: &mut Pipes, key: PipeKey) {
        while let Some(msg) = pipes.read(key) {
            if !msg.is_command() {
                continue;
            }
            if let Some(group) = msg.data().strip_prefix(JOIN) {
                self.groups.entry(group.to_vec()).or_default().push(key);
            } else if let Some(group) = msg.data().strip_prefix(LEAVE)
                && let Some(members) = self.groups.get_mut(group)
            {
                if let Some(i) = members.iter().position(|&k| k == key) {
                    members.swap_remove(i);
                }
                if members.is_empty() {
                    self.groups.remove(group);
                }
            }
        }
    }
}

impl Behaviour for Radio {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        // Nothing but memberships is read: when the peer goes, so does the pipe.
        pipes.set_delay(key, false);
        self.dist.attach(key);
        let endpoint = pipes.get_mut(key).and_then(|p| p.endpoint.as_deref());
        if endpoint.is_some_and(|e| e.starts_with("udp://")) {
            self.udp.push(key);
        }
        self.read_memberships(pipes, key);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.read_memberships(pipes, key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.dist.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.groups.retain(|_, members| {
            members.retain(|&k| k != key);
            !members.is_empty()
        });
        self.udp.retain(|&k| k != key);
        self.dist.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, mut msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if msg.more() {
            return Err((Error::Inval, msg));
        }
        // The group frame, made before the message lets go of its metadata.
        let mut head = Msg::from_slice(msg.group().map_or(&[][..], |g| g.to_bytes()));
        head.set_more(true);
        self.dist.unmatch();
        if let Some(members) = self.groups.get(head.data()) {
            for &key in members {
                self.dist.match_pipe(key);
            }
        }
        for &key in &self.udp {
            self.dist.match_pipe(key);
        }
        if !self.lossy && !self.dist.check_hwm(pipes) {
            return Err((Error::Again, msg));
        }
        msg.set_metadata(None);
        self.dist.send_to_matching(pipes, head);
        self.dist.send_to_matching(pipes, msg);
        Ok(())
    }

    fn recv(&mut self, _pipes: &mut Pipes) -> Result<Msg> {
        Err(Error::NotSup)
    }

    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        true
    }

    fn set_option(&mut self, _pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        match id {
            ids::XPUB_NODROP => Some(flag_option(value).map(|v| self.lossy = !v)),
            _ => None,
        }
    }
}

/// The DISH socket type.
#[derive(Debug)]
pub(crate) struct Dish {
    fq: FairQueue,
    dist: Distributor,
    /// The groups joined, each with the metadata its messages carry (so that a received message
    /// takes a reference, not an allocation).
    joined: HashMap<Vec<u8>, Arc<Metadata>>,
    /// A message read ahead by `has_in`.
    read_ahead: Option<Msg>,
}

impl Dish {
    pub(crate) fn new() -> Self {
        Dish {
            fq: FairQueue::new(),
            dist: Distributor::new(),
            joined: HashMap::new(),
            read_ahead: None,
        }
    }

    fn send_memberships(&mut self, pipes: &mut Pipes, key: PipeKey) {
        for group in self.joined.keys() {
            if pipes.write(key, membership(group, true)).is_err() {
                break;
            }
        }
        pipes.flush(key);
    }

    /// The next message of a joined group: frames in pairs, group then body; anything else
    /// (a lone frame, a longer message, an unknown group) is dropped.
    fn next(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        let mut group = Msg::new();
        let mut body = Msg::new();
        loop {
            self.fq.recv_into(pipes, &mut group)?;
            if !group.more() {
                continue;
            }
            self.fq.recv_into(pipes, &mut body)?;
            if body.more() {
                while body.more() {
                    self.fq.recv_into(pipes, &mut body)?;
                }
                continue;
            }
            if let Some(metadata) = self.joined.get(group.data()) {
                body.set_metadata(Some(metadata.clone()));
                return Ok(body);
            }
        }
    }
}

impl Behaviour for Dish {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        self.fq.attach(key);
        self.dist.attach(key);
        self.send_memberships(pipes, key);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, key: PipeKey) {
        self.fq.activated(key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.dist.activated(key);
    }

    fn hiccuped(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.send_memberships(pipes, key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.fq.terminated(key);
        self.dist.terminated(key);
    }

    fn send(&mut self, _pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        Err((Error::NotSup, msg))
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        match self.read_ahead.take() {
            Some(msg) => Ok(msg),
            None => self.next(pipes),
        }
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if self.read_ahead.is_none() {
            self.read_ahead = self.next(pipes).ok();
        }
        self.read_ahead.is_some()
    }

    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        // As libzmq: joining and leaving are always possible.
        true
    }

    fn join(&mut self, pipes: &mut Pipes, group: &[u8], join: bool) -> Result<()> {
        // A group joined twice, or left without being joined, is refused, as in libzmq.
        let known = self.joined.contains_key(group);
        if group.len() > GROUP_MAX_LENGTH || known == join {
            return Err(Error::Inval);
        }
        if join {
            let mut metadata = Metadata::new();
            metadata.set_group(group)?;
            self.joined.insert(group.to_vec(), Arc::new(metadata));
        } else {
            self.joined.remove(group);
        }
        self.dist.send_to_all(pipes, membership(group, join));
        Ok(())
    }
}
