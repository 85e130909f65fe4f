//! Load balancing: each message goes to the next pipe that accepts it (PUSH, DEALER, REQ).

use super::{ActiveList, PipeKey, PipeSet};
use crate::error::Error;
use crate::msg::Msg;

/// Round-robin over the pipes that accept messages; a multipart message stays on one pipe.
#[derive(Debug, Default)]
pub struct LoadBalancer {
    list: ActiveList,
    /// In the middle of a multipart message.
    more: bool,
    /// Dropping the rest of a multipart message whose pipe went away.
    dropping: bool,
}

impl LoadBalancer {
    /// A balancer with no pipes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a pipe.
    pub fn attach(&mut self, key: PipeKey) {
        self.list.attach(key);
    }

    /// A pipe accepts messages again.
    pub fn activated(&mut self, key: PipeKey) {
        self.list.activate(key);
    }

    /// Removes a pipe. If a multipart message was going out on it, its remaining frames are
    /// dropped.
    pub fn terminated(&mut self, key: PipeKey) {
        let current = self.list.pipes.get(self.list.current) == Some(&key);
        if current && self.more {
            self.dropping = true;
        }
        self.list.remove(key);
    }

    /// Sends a frame; gives it back with `Error::Again` when no pipe takes it. Returns the pipe
    /// used, if any (none when the frame was dropped).
    pub fn send(
        &mut self,
        pipes: &mut impl PipeSet,
        mut msg: Msg,
    ) -> Result<Option<PipeKey>, (Error, Msg)> {
        self.send_from(pipes, &mut msg).map_err(|e| (e, msg))
    }

    /// `send` from where the frame is: on success `msg` is left empty (a dropped frame too),
    /// on failure unchanged. The send path uses this one (see `PipeSet::write_from`).
    pub fn send_from(
        &mut self,
        pipes: &mut impl PipeSet,
        msg: &mut Msg,
    ) -> Result<Option<PipeKey>, Error> {
        if self.dropping {
            self.more = msg.more();
            self.dropping = self.more;
            *msg = Msg::new();
            return Ok(None);
        }
        let more = msg.more();
        while self.list.active > 0 {
            let key = self.list.pipes[self.list.current];
            if pipes.write_from(key, msg) {
                self.more = more;
                if !more {
                    pipes.flush(key);
                    let l = &mut self.list;
                    l.current = if l.current + 1 >= l.active {
                        0
                    } else {
                        l.current + 1
                    };
                }
                return Ok(Some(key));
            }
            if self.more {
                // The pipe went away in the middle of a message: drop what was sent of it,
                // and the rest of it as it comes.
                pipes.rollback(key);
                self.dropping = msg.more();
                self.more = false;
                return Err(Error::Again);
            }
            self.list.deactivate_current();
        }
        Err(Error::Again)
    }

    /// Whether a message could be sent now.
    pub fn has_out(&mut self, pipes: &mut impl PipeSet) -> bool {
        self.more || self.list.find_ready(|key| pipes.check_write(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::fake::{FakePipes, frame};

    #[test]
    fn round_robin_keeps_multipart_together() {
        let mut pipes = FakePipes::with(&[1, 2]);
        let mut lb = LoadBalancer::new();
        lb.attach(1);
        lb.attach(2);
        for m in [("a", true), ("b", false), ("c", false), ("d", false)] {
            lb.send(&mut pipes, frame(m.0, m.1)).unwrap();
        }
        assert_eq!(pipes.sent(1), ["a", "b", "d"]);
        assert_eq!(pipes.sent(2), ["c"]);
    }

    #[test]
    fn full_pipes_are_skipped_and_reactivated() {
        let mut pipes = FakePipes::with(&[1, 2]);
        pipes.pipe(1).room = Some(0);
        let mut lb = LoadBalancer::new();
        lb.attach(1);
        lb.attach(2);
        assert_eq!(lb.send(&mut pipes, frame("x", false)).unwrap(), Some(2));
        assert_eq!(lb.send(&mut pipes, frame("y", false)).unwrap(), Some(2));
        pipes.pipe(2).room = Some(0);
        let (err, back) = lb.send(&mut pipes, frame("z", false)).unwrap_err();
        assert_eq!((err, back.data()), (Error::Again, &b"z"[..]));
        assert!(!lb.has_out(&mut pipes));
        pipes.pipe(1).room = None;
        lb.activated(1);
        assert!(lb.has_out(&mut pipes));
        assert_eq!(lb.send(&mut pipes, frame("z", false)).unwrap(), Some(1));
    }

    #[test]
    fn removing_another_pipe_keeps_a_message_on_its_pipe() {
        let mut pipes = FakePipes::with(&[1, 2, 3]);
        let mut lb = LoadBalancer::new();
        for k in [1, 2, 3] {
            lb.attach(k);
        }
        lb.send(&mut pipes, frame("m1", false)).unwrap();
        lb.send(&mut pipes, frame("m2", false)).unwrap();
        assert_eq!(lb.send(&mut pipes, frame("x", true)).unwrap(), Some(3));
        lb.terminated(2);
        assert_eq!(lb.send(&mut pipes, frame("y", false)).unwrap(), Some(3));
        assert_eq!(pipes.sent(3), ["x", "y"]);
    }

    #[test]
    fn pipe_lost_mid_message_drops_the_rest() {
        let mut pipes = FakePipes::with(&[1, 2]);
        let mut lb = LoadBalancer::new();
        lb.attach(1);
        lb.attach(2);
        lb.send(&mut pipes, frame("part1", true)).unwrap();
        lb.terminated(1);
        assert_eq!(lb.send(&mut pipes, frame("part2", true)).unwrap(), None);
        assert_eq!(lb.send(&mut pipes, frame("last", false)).unwrap(), None);
        assert_eq!(lb.send(&mut pipes, frame("next", false)).unwrap(), Some(2));
        assert_eq!(pipes.sent(2), ["next"]);
    }

    #[test]
    fn sending_in_place_empties_the_message_or_leaves_it_as_it_was() {
        let mut pipes = FakePipes::with(&[1]);
        let mut lb = LoadBalancer::new();
        let mut msg = frame("held", false);
        // No pipe: the message stays the caller's, unchanged.
        assert_eq!(lb.send_from(&mut pipes, &mut msg), Err(Error::Again));
        assert_eq!(msg.data(), b"held");
        lb.attach(1);
        assert_eq!(lb.send_from(&mut pipes, &mut msg), Ok(Some(1)));
        assert_eq!(msg.size(), 0);
        // A frame dropped (the rest of a message whose pipe went away) is taken too.
        let mut first = frame("part1", true);
        lb.send_from(&mut pipes, &mut first).unwrap();
        lb.terminated(1);
        let mut rest = frame("part2", false);
        assert_eq!(lb.send_from(&mut pipes, &mut rest), Ok(None));
        assert_eq!(rest.size(), 0);
        assert_eq!(pipes.sent(1), ["held"]);
    }
}
