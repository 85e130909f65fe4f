//! PUSH and PULL: the pipeline pattern (RFC 30). PUSH load-balances, PULL fair-queues.
#![forbid(unsafe_code)]

use super::Behaviour;
use super::pipes::Pipes;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::routing::{FairQueue, LoadBalancer, PipeKey};

/// The PUSH socket type.
#[derive(Debug, Default)]
pub(crate) struct Push {
    lb: LoadBalancer,
}

impl Behaviour for Push {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        // Nothing is ever read from a PUSH's pipes: when the peer goes, so does the pipe.
        pipes.set_delay(key, false);
        self.lb.attach(key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.lb.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.lb.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        self.lb.send(pipes, msg).map(|_| ())
    }

    fn send_in_place(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.lb.send_from(pipes, msg).map(|_| ())
    }

    fn recv(&mut self, _pipes: &mut Pipes) -> Result<Msg> {
        Err(Error::NotSup)
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        self.lb.has_out(pipes)
    }
}

/// The PULL socket type.
#[derive(Debug, Default)]
pub(crate) struct Pull {
    fq: FairQueue,
}

impl Behaviour for Pull {
    fn attach(&mut self, _pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        self.fq.attach(key);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, key: PipeKey) {
        self.fq.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.fq.terminated(key);
    }

    fn send(&mut self, _pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        Err((Error::NotSup, msg))
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        self.fq.recv(pipes).map(|(msg, _)| msg)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.fq.recv_into(pipes, msg).map(|_| ())
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.fq.has_in(pipes)
    }
}
