//! Distribution: a message goes to every matching pipe at once (PUB, XPUB, RADIO).
//!
//! Pipes are kept in one list split in four regions: matching (chosen for the message being
//! sent), active (may receive messages), eligible (will be active once the current multipart
//! message is finished: pipes attached or reactivated in its middle must not get half of it),
//! and inactive (full).

use super::{PipeKey, PipeSet};
use crate::msg::Msg;

/// Sends each message to all matching pipes; full pipes miss it.
#[derive(Debug, Default)]
pub struct Distributor {
    pipes: Vec<PipeKey>,
    matching: usize,
    active: usize,
    eligible: usize,
    /// In the middle of a multipart message.
    more: bool,
}

impl Distributor {
    /// A distributor with no pipes.
    pub fn new() -> Self {
        Self::default()
    }

    fn index(&self, key: PipeKey) -> Option<usize> {
        self.pipes.iter().position(|&k| k == key)
    }

    /// Adds a pipe: active at once, or from the next message when a multipart message is
    /// going out.
    pub fn attach(&mut self, key: PipeKey) {
        self.pipes.push(key);
        let last = self.pipes.len() - 1;
        self.pipes.swap(self.eligible, last);
        self.eligible += 1;
        if !self.more {
            self.pipes.swap(self.active, self.eligible - 1);
            self.active += 1;
        }
    }

    /// Chooses a pipe for the message about to be sent (if it is active).
    pub fn match_pipe(&mut self, key: PipeKey) {
        let Some(i) = self.index(key) else { return };
        if i < self.matching || i >= self.eligible {
            return;
        }
        self.pipes.swap(i, self.matching);
        self.matching += 1;
    }

    /// Chooses exactly the eligible pipes not chosen so far (for inverted matching).
    pub fn reverse_match(&mut self) {
        let previous = self.matching;
        self.matching = 0;
        for i in previous..self.eligible {
            self.pipes.swap(i, self.matching);
            self.matching += 1;
        }
    }

    /// Chooses no pipe.
    pub fn unmatch(&mut self) {
        self.matching = 0;
    }

    /// A full pipe has room again.
    pub fn activated(&mut self, key: PipeKey) {
        let Some(i) = self.index(key) else { return };
        if i < self.eligible {
            return;
        }
        self.pipes.swap(i, self.eligible);
        self.eligible += 1;
        if !self.more {
            self.pipes.swap(self.eligible - 1, self.active);
            self.active += 1;
        }
    }

    /// Removes a pipe.
    pub fn terminated(&mut self, key: PipeKey) {
        let Some(mut i) = self.index(key) else { return };
        for bound in [&mut self.matching, &mut self.active, &mut self.eligible] {
            if i < *bound {
                *bound -= 1;
                self.pipes.swap(i, *bound);
                i = *bound;
            }
        }
        self.pipes.remove(i);
    }

    /// Sends to every active pipe.
    pub fn send_to_all(&mut self, pipes: &mut impl PipeSet, msg: Msg) {
        self.matching = self.active;
        self.send_to_matching(pipes, msg);
    }

    /// Sends to the matching pipes; a message no pipe matches is dropped.
    pub fn send_to_matching(&mut self, pipes: &mut impl PipeSet, mut msg: Msg) {
        let more = msg.more();
        let mut i = 0;
        while i < self.matching {
            let key = self.pipes[i];
            let copy = if i + 1 == self.matching {
                msg.take()
            } else {
                msg.share()
            };
            match pipes.write(key, copy) {
                Ok(()) => {
                    if !more {
                        pipes.flush(key);
                    }
                    i += 1;
                }
                // Full: the pipe misses this message and leaves the active ones; the same
                // index now holds another pipe.
                Err(back) => {
                    if i + 1 == self.matching {
                        msg = back;
                    }
                    self.deactivate(i);
                }
            }
        }
        if !more {
            self.active = self.eligible;
        }
        self.more = more;
    }

    /// Moves the pipe at `i` (a matching one) to the inactive region.
    fn deactivate(&mut self, mut i: usize) {
        for bound in [&mut self.matching, &mut self.active, &mut self.eligible] {
            *bound -= 1;
            self.pipes.swap(i, *bound);
            i = *bound;
        }
    }

    /// Whether every matching pipe has room (for XPUB_NODROP).
    pub fn check_hwm(&self, pipes: &mut impl PipeSet) -> bool {
        self.pipes[..self.matching]
            .iter()
            .all(|&k| pipes.check_write(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::fake::{FakePipes, frame};

    #[test]
    fn sends_to_all_and_to_matching() {
        let mut pipes = FakePipes::with(&[1, 2, 3]);
        let mut dist = Distributor::new();
        for k in [1, 2, 3] {
            dist.attach(k);
        }
        dist.send_to_all(&mut pipes, frame("all", false));
        dist.unmatch();
        dist.match_pipe(2);
        dist.send_to_matching(&mut pipes, frame("two", false));
        dist.unmatch();
        dist.send_to_matching(&mut pipes, frame("none", false));
        assert_eq!(pipes.sent(1), ["all"]);
        assert_eq!(pipes.sent(2), ["all", "two"]);
        assert_eq!(pipes.sent(3), ["all"]);
    }

    #[test]
    fn full_pipes_miss_messages_until_reactivated() {
        let mut pipes = FakePipes::with(&[1, 2]);
        pipes.pipe(1).room = Some(1);
        let mut dist = Distributor::new();
        dist.attach(1);
        dist.attach(2);
        dist.send_to_all(&mut pipes, frame("a", false));
        dist.send_to_all(&mut pipes, frame("b", false));
        pipes.pipe(1).room = None;
        dist.send_to_all(&mut pipes, frame("c", false));
        dist.activated(1);
        dist.send_to_all(&mut pipes, frame("d", false));
        assert_eq!(pipes.sent(1), ["a", "d"]);
        assert_eq!(pipes.sent(2), ["a", "b", "c", "d"]);
    }

    #[test]
    fn pipe_attached_mid_message_waits_for_the_next() {
        let mut pipes = FakePipes::with(&[1, 2]);
        let mut dist = Distributor::new();
        dist.attach(1);
        dist.send_to_all(&mut pipes, frame("head", true));
        dist.attach(2);
        dist.send_to_all(&mut pipes, frame("tail", false));
        dist.send_to_all(&mut pipes, frame("next", false));
        assert_eq!(pipes.sent(1), ["head", "tail", "next"]);
        assert_eq!(pipes.sent(2), ["next"]);
        dist.terminated(1);
        dist.send_to_all(&mut pipes, frame("last", false));
        assert_eq!(pipes.sent(2), ["next", "last"]);
    }
}
