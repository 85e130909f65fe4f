//! PAIR: exclusive pair (RFC 31). One peer at a time; further connections are refused. And
//! DGRAM, whose one pipe leads to its udp engine.
#![forbid(unsafe_code)]

use super::Behaviour;
use super::pipes::Pipes;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::routing::{PipeKey, PipeSet};

/// The PAIR socket type.
#[derive(Debug, Default)]
pub(crate) struct Pair {
    pipe: Option<PipeKey>,
}

impl Behaviour for Pair {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        if self.pipe.is_some() {
            // Already paired: the newcomer is turned away.
            pipes.terminate(key);
        } else {
            self.pipe = Some(key);
        }
    }

    fn terminated(&mut self, key: PipeKey) {
        if self.pipe == Some(key) {
            self.pipe = None;
        }
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        let Some(key) = self.pipe else {
            return Err((Error::Again, msg));
        };
        let more = msg.more();
        pipes.write(key, msg).map_err(|msg| (Error::Again, msg))?;
        if !more {
            pipes.flush(key);
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        let mut msg = Msg::new();
        self.recv_into(pipes, &mut msg).map(|()| msg)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        let key = self.pipe.ok_or(Error::Again)?;
        if pipes.read_into(key, msg) {
            Ok(())
        } else {
            Err(Error::Again)
        }
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.pipe.is_some_and(|key| pipes.check_read(key))
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        self.pipe.is_some_and(|key| pipes.check_write(key))
    }
}

/// The DGRAM socket type (draft): messages of two frames, the peer's "address:port" then the
/// body, through its one udp endpoint.
#[derive(Debug, Default)]
pub(crate) struct Dgram {
    pair: Pair,
    /// The address frame was sent; the body comes next.
    more_out: bool,
}

impl Behaviour for Dgram {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) {
        self.pair.attach(pipes, key, locally_initiated);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.pair.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        // Exactly two frames: the address with ZMQ_SNDMORE, the body without.
        if msg.more() == self.more_out {
            return Err((Error::Inval, msg));
        }
        let more = msg.more();
        self.pair.send(pipes, msg)?;
        self.more_out = more;
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        self.pair.recv(pipes)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.pair.recv_into(pipes, msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.pair.has_in(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        self.pair.has_out(pipes)
    }
}
