//! A socket's pipe table: its attached pipe ends, by key, with the commands they produce
//! delivered to their peers as soon as they are produced.
#![forbid(unsafe_code)]

use std::sync::Arc;

use super::command::{PipeId, PipeIdMap, Route};
use crate::msg::{Metadata, Msg};
use crate::pipe::{PeerCommand, PipeEnd, PipeEvent};
use crate::routing::{PipeKey, PipeSet};

/// One attached pipe end.
pub(crate) struct Attached {
    /// The end.
    pub(crate) end: PipeEnd,
    /// Its identity.
    pub(crate) id: PipeId,
    /// How it reaches its peer.
    pub(crate) to_peer: Arc<Route>,
    /// The inproc endpoint it was made for.
    pub(crate) endpoint: Option<String>,
    /// Whether this socket made the connection (connect) rather than accepted it (bind).
    pub(crate) locally_initiated: bool,
}

/// The pipe table.
#[derive(Default)]
pub(crate) struct Pipes {
    slots: Vec<Option<Attached>>,
    free: Vec<PipeKey>,
    by_id: PipeIdMap<PipeKey>,
    finished: Vec<PipeKey>,
    /// A reference to peer properties given back by a message the application let go of,
    /// for the next message read with the same properties (see `PipeEnd::read_reusing`).
    spare_metadata: Option<Arc<Metadata>>,
}

impl Pipes {
    /// Adds a pipe; returns its key.
    pub(crate) fn insert(&mut self, pipe: Attached) -> PipeKey {
        let id = pipe.id;
        let key = match self.free.pop() {
            Some(key) => {
                self.slots[key] = Some(pipe);
                key
            }
            None => {
                self.slots.push(Some(pipe));
                self.slots.len() - 1
            }
        };
        self.by_id.insert(id, key);
        // Commands the end produced before it was attached (a wake-up for its peer).
        self.deliver(key);
        key
    }

    /// The route to the peer of the only pipe, if there is just one.
    pub(crate) fn only_route(&self) -> Option<Arc<Route>> {
        if self.by_id.len() != 1 {
            return None;
        }
        let key = *self.by_id.values().next()?;
        Some(self.slots.get(key)?.as_ref()?.to_peer.clone())
    }

    /// Removes a pipe.
    pub(crate) fn remove(&mut self, key: PipeKey) -> Option<Attached> {
        let pipe = self.slots.get_mut(key)?.take()?;
        self.by_id.remove(&pipe.id);
        self.free.push(key);
        Some(pipe)
    }

    /// The key of the end with this identity, if it is still attached.
    pub(crate) fn key_of(&self, id: PipeId) -> Option<PipeKey> {
        self.by_id.get(&id).copied()
    }

    /// An attached pipe.
    pub(crate) fn get_mut(&mut self, key: PipeKey) -> Option<&mut Attached> {
        self.slots.get_mut(key)?.as_mut()
    }

    /// The keys of every attached pipe.
    pub(crate) fn keys(&self) -> Vec<PipeKey> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .map(|(k, _)| k)
            .collect()
    }

    /// Feeds a command from the peer to an end; delivers what it answers.
    pub(crate) fn process(&mut self, key: PipeKey, command: PeerCommand) -> PipeEvent {
        let Some(pipe) = self.get_mut(key) else {
            return PipeEvent::None;
        };
        let event = pipe.end.process(command);
        self.deliver(key);
        event
    }

    /// Whether an end delivers what is left after its peer terminates.
    pub(crate) fn set_delay(&mut self, key: PipeKey, delay: bool) {
        if let Some(pipe) = self.get_mut(key) {
            pipe.end.set_delay(delay);
        }
    }

    /// Terminates an end (it is finished at once) and tells its peer.
    pub(crate) fn terminate(&mut self, key: PipeKey) {
        if let Some(pipe) = self.get_mut(key) {
            pipe.end.terminate();
            self.deliver(key);
        }
    }

    /// Whether no end finished since the last `take_finished` (the common case, checked
    /// after every send and receive).
    #[inline]
    pub(crate) fn none_finished(&self) -> bool {
        self.finished.is_empty()
    }

    /// Ends that finished since the last call: the socket forgets and removes them.
    pub(crate) fn take_finished(&mut self) -> Vec<PipeKey> {
        std::mem::take(&mut self.finished)
    }

    /// Sends the commands an end produced to its peer; notes it when it finished. Inlined for
    /// the common case, an end with nothing to deliver (most reads and writes).
    #[inline]
    fn deliver(&mut self, key: PipeKey) {
        if self
            .slots
            .get(key)
            .and_then(Option::as_ref)
            .is_some_and(|pipe| pipe.end.needs_delivery())
        {
            self.deliver_now(key);
        }
    }

    fn deliver_now(&mut self, key: PipeKey) {
        let Some(pipe) = self.slots.get_mut(key).and_then(Option::as_mut) else {
            return;
        };
        while let Some(command) = pipe.end.poll_command() {
            pipe.to_peer.send(command);
        }
        if pipe.end.is_finished() && !self.finished.contains(&key) {
            self.finished.push(key);
        }
    }

    /// Keeps the properties reference of a message the application let go of.
    pub(crate) fn recycle_metadata(&mut self, metadata: Option<Arc<Metadata>>) {
        if metadata.is_some() {
            self.spare_metadata = metadata;
        }
    }

    /// Takes back what `recycle_metadata` kept.
    pub(crate) fn take_spare_metadata(&mut self) -> Option<Arc<Metadata>> {
        self.spare_metadata.take()
    }

    fn end(&mut self, key: PipeKey) -> Option<&mut PipeEnd> {
        Some(&mut self.get_mut(key)?.end)
    }
}

impl PipeSet for Pipes {
    fn check_read(&mut self, key: PipeKey) -> bool {
        let ready = self.end(key).is_some_and(|end| end.check_read());
        if !ready {
            self.deliver(key);
        }
        ready
    }

    fn read(&mut self, key: PipeKey) -> Option<Msg> {
        let mut msg = Msg::new();
        self.read_into(key, &mut msg).then_some(msg)
    }

    #[inline]
    fn read_into(&mut self, key: PipeKey, out: &mut Msg) -> bool {
        let Some(Some(slot)) = self.slots.get_mut(key) else {
            return false;
        };
        let read = slot.end.read_into(out, &mut self.spare_metadata);
        if slot.end.needs_delivery() {
            self.deliver_now(key);
        }
        read
    }

    fn check_write(&mut self, key: PipeKey) -> bool {
        self.end(key).is_some_and(|end| end.check_write())
    }

    fn write(&mut self, key: PipeKey, msg: Msg) -> Result<(), Msg> {
        match self.end(key) {
            Some(end) => end.write(msg),
            None => Err(msg),
        }
    }

    #[inline]
    fn write_from(&mut self, key: PipeKey, msg: &mut Msg) -> bool {
        self.end(key).is_some_and(|end| end.write_from(msg))
    }

    fn flush(&mut self, key: PipeKey) {
        if let Some(end) = self.end(key) {
            end.flush();
            if end.needs_delivery() {
                self.deliver_now(key);
            }
        }
    }

    fn rollback(&mut self, key: PipeKey) {
        if let Some(end) = self.end(key) {
            end.rollback();
        }
    }
}
