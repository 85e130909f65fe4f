//! Routing strategies: how a socket spreads outgoing messages over its pipes and gathers incoming
//! ones. They are pure: they see pipes only through [`PipeSet`], so unit tests use fakes.
#![forbid(unsafe_code)]

mod dist;
mod fq;
mod lb;
mod trie;

pub use self::dist::Distributor;
pub use self::fq::FairQueue;
pub use self::lb::LoadBalancer;
pub use self::trie::{MTrie, Trie};
use crate::msg::Msg;

/// A socket's pipe, as the strategies name it: an index into the socket's pipe table.
pub type PipeKey = usize;

/// Values by pipe key. Keys are small indices, reused as pipes come and go, so the values sit
/// in a vector at their key's place: no hashing (SipHash of a key was ~20 ns of each message
/// a ROUTER received).
#[derive(Debug)]
pub struct KeyMap<V> {
    slots: Vec<Option<V>>,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap { slots: Vec::new() }
    }
}

impl<V> KeyMap<V> {
    /// The value at `key`.
    #[inline]
    pub fn get(&self, key: PipeKey) -> Option<&V> {
        self.slots.get(key)?.as_ref()
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: PipeKey) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value at `key`; returns the one it replaces.
    pub fn insert(&mut self, key: PipeKey, value: V) -> Option<V> {
        if self.slots.len() <= key {
            self.slots.resize_with(key + 1, || None);
        }
        self.slots[key].replace(value)
    }

    /// Takes the value at `key` out.
    pub fn remove(&mut self, key: PipeKey) -> Option<V> {
        self.slots.get_mut(key)?.take()
    }
}

/// The pipe operations strategies need.
pub trait PipeSet {
    /// Whether a frame can be read from the pipe now.
    fn check_read(&mut self, key: PipeKey) -> bool;
    /// Reads a frame.
    fn read(&mut self, key: PipeKey) -> Option<Msg>;
    /// Reads a frame into `out` (replacing it); `false`, with `out` unchanged, when none is
    /// there. The receive path uses this one: the frame moves once, into its destination.
    fn read_into(&mut self, key: PipeKey, out: &mut Msg) -> bool {
        match self.read(key) {
            Some(msg) => {
                *out = msg;
                true
            }
            None => false,
        }
    }
    /// Whether a message can be written to the pipe now.
    fn check_write(&mut self, key: PipeKey) -> bool;
    /// Writes a frame, or gives it back.
    fn write(&mut self, key: PipeKey, msg: Msg) -> Result<(), Msg>;
    /// Writes a frame from `msg`, left empty on success and unchanged on failure. The send
    /// path uses this one (see `read_into`).
    fn write_from(&mut self, key: PipeKey, msg: &mut Msg) -> bool {
        match self.write(key, std::mem::take(msg)) {
            Ok(()) => true,
            Err(back) => {
                *msg = back;
                false
            }
        }
    }
    /// Makes written frames visible to the peer.
    fn flush(&mut self, key: PipeKey);
    /// Drops the frames of a message not completely written.
    fn rollback(&mut self, key: PipeKey);
}

/// A list of pipes whose first `active` entries are the active ones, the shape both strategies
/// keep (libzmq's array with an active prefix).
#[derive(Debug, Default)]
struct ActiveList {
    pipes: Vec<PipeKey>,
    active: usize,
    current: usize,
}

impl ActiveList {
    /// Adds a pipe as active.
    fn attach(&mut self, key: PipeKey) {
        self.pipes.push(key);
        let last = self.pipes.len() - 1;
        self.pipes.swap(self.active, last);
        self.active += 1;
    }

    /// Marks a pipe active again.
    fn activate(&mut self, key: PipeKey) {
        if let Some(i) = self.pipes.iter().position(|&k| k == key) {
            if i >= self.active {
                self.pipes.swap(i, self.active);
                self.active += 1;
            }
        }
    }

    /// Marks the pipe at `current` inactive, keeping `current` on an active pipe.
    fn deactivate_current(&mut self) {
        self.active -= 1;
        self.pipes.swap(self.current, self.active);
        if self.current >= self.active {
            self.current = 0;
        }
    }

    /// Whether some active pipe is `ready`, starting at `current`; the pipes found not ready are
    /// deactivated on the way.
    fn find_ready(&mut self, mut ready: impl FnMut(PipeKey) -> bool) -> bool {
        while self.active > 0 {
            if ready(self.pipes[self.current]) {
                return true;
            }
            self.deactivate_current();
        }
        false
    }

    /// Removes a pipe; `current` keeps pointing at the same pipe when that one stays active.
    fn remove(&mut self, key: PipeKey) {
        let Some(mut i) = self.pipes.iter().position(|&k| k == key) else {
            return;
        };
        if i < self.active {
            self.active -= 1;
            self.pipes.swap(i, self.active);
            // The pipe that was last among the active ones moved to `i`.
            if self.current == self.active {
                self.current = i;
            }
            i = self.active;
        }
        self.pipes.swap_remove(i);
        if self.current >= self.active {
            self.current = 0;
        }
    }
}

#[cfg(test)]
pub(crate) mod fake;
