//! Fair queuing: incoming messages are taken from the pipes in turn (PULL, DEALER, SUB, ...).

use super::{ActiveList, PipeKey, PipeSet};
use crate::error::Error;
use crate::msg::Msg;

/// Round-robin over the pipes that have messages; a multipart message is read whole from one.
#[derive(Debug, Default)]
pub struct FairQueue {
    list: ActiveList,
    /// In the middle of a multipart message.
    more: bool,
}

impl FairQueue {
    /// A queue with no pipes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a pipe.
    pub fn attach(&mut self, key: PipeKey) {
        self.list.attach(key);
    }

    /// A pipe has messages again.
    pub fn activated(&mut self, key: PipeKey) {
        self.list.activate(key);
    }

    /// Removes a pipe.
    pub fn terminated(&mut self, key: PipeKey) {
        if self.more && self.list.pipes.get(self.list.current) == Some(&key) {
            // The rest of the message will never come.
            self.more = false;
        }
        self.list.remove(key);
    }

    /// Receives a frame, with the pipe it came from; `Error::Again` when none is ready.
    pub fn recv(&mut self, pipes: &mut impl PipeSet) -> Result<(Msg, PipeKey), Error> {
        let mut msg = Msg::new();
        let key = self.recv_into(pipes, &mut msg)?;
        Ok((msg, key))
    }

    /// As `recv`, into `out` (replaced; unchanged on failure); returns the pipe.
    #[inline]
    pub fn recv_into(&mut self, pipes: &mut impl PipeSet, out: &mut Msg) -> Result<PipeKey, Error> {
        let l = &mut self.list;
        while l.active > 0 {
            let key = l.pipes[l.current];
            if pipes.read_into(key, out) {
                self.more = out.more();
                if !self.more {
                    l.current = if l.current + 1 >= l.active {
                        0
                    } else {
                        l.current + 1
                    };
                }
                return Ok(key);
            }
            // Frames of one message are flushed together, so a pipe cannot run dry inside one.
            self.more = false;
            l.deactivate_current();
        }
        Err(Error::Again)
    }

    /// Whether a frame could be received now.
    pub fn has_in(&mut self, pipes: &mut impl PipeSet) -> bool {
        self.more || self.list.find_ready(|key| pipes.check_read(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::fake::{FakePipes, frame};

    #[test]
    fn takes_turns_and_keeps_messages_whole() {
        let mut pipes = FakePipes::with(&[1, 2]);
        pipes
            .pipe(1)
            .inbound
            .extend([frame("1a", true), frame("1b", false), frame("1c", false)]);
        pipes.pipe(2).inbound.extend([frame("2a", false)]);
        let mut fq = FairQueue::new();
        fq.attach(1);
        fq.attach(2);
        let mut got = Vec::new();
        while let Ok((msg, key)) = fq.recv(&mut pipes) {
            got.push((String::from_utf8_lossy(msg.data()).into_owned(), key));
        }
        let want: Vec<(String, PipeKey)> = [("1a", 1), ("1b", 1), ("2a", 2), ("1c", 1)]
            .iter()
            .map(|(s, k)| (s.to_string(), *k))
            .collect();
        assert_eq!(got, want);
        assert!(!fq.has_in(&mut pipes));
        pipes.pipe(2).inbound.push_back(frame("2b", false));
        fq.activated(2);
        assert!(fq.has_in(&mut pipes));
        fq.terminated(2);
        assert!(!fq.has_in(&mut pipes));
    }
}
