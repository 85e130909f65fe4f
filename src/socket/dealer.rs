//! DEALER and REQ: asynchronous and strict request-reply (RFC 28).
#![forbid(unsafe_code)]

use super::pipes::Pipes;
use super::{Behaviour, flag_option};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::options::ids;
use crate::routing::{FairQueue, LoadBalancer, PipeKey};

/// The DEALER socket type: load-balances out, fair-queues in.
#[derive(Debug, Default)]
pub(crate) struct Dealer {
    lb: LoadBalancer,
    fq: FairQueue,
    /// ZMQ_PROBE_ROUTER: send an empty message to each new peer.
    probe: bool,
}

impl Dealer {
    fn send_frame(
        &mut self,
        pipes: &mut Pipes,
        msg: Msg,
    ) -> std::result::Result<Option<PipeKey>, (Error, Msg)> {
        self.lb.send(pipes, msg)
    }

    fn recv_frame(&mut self, pipes: &mut Pipes) -> Result<(Msg, PipeKey)> {
        self.fq.recv(pipes)
    }
}

impl Behaviour for Dealer {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        if self.probe {
            use crate::routing::PipeSet;
            if pipes.write(key, Msg::new()).is_ok() {
                pipes.flush(key);
            }
        }
        self.fq.attach(key);
        self.lb.attach(key);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, key: PipeKey) {
        self.fq.activated(key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.lb.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.fq.terminated(key);
        self.lb.terminated(key);
    }

    fn send_in_place(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.lb.send_from(pipes, msg).map(|_| ())
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        self.send_frame(pipes, msg).map(|_| ())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        self.recv_frame(pipes).map(|(msg, _)| msg)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.fq.recv_into(pipes, msg).map(|_| ())
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.fq.has_in(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        self.lb.has_out(pipes)
    }

    fn set_option(&mut self, _pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        match id {
            ids::PROBE_ROUTER => Some(flag_option(value).map(|v| self.probe = v)),
            _ => None,
        }
    }
}

/// The REQ socket type: one request, then its reply, in strict alternation.
#[derive(Debug)]
pub(crate) struct Req {
    dealer: Dealer,
    /// A request was sent and its reply not yet received.
    receiving_reply: bool,
    /// The next frame sent or received starts a message.
    message_begins: bool,
    /// The pipe the current request went to: replies from elsewhere are dropped.
    reply_pipe: Option<PipeKey>,
    /// ZMQ_REQ_CORRELATE: prefix requests with an id and accept only the matching reply.
    correlate: bool,
    /// Not ZMQ_REQ_RELAXED: a second request before the reply is EFSM.
    strict: bool,
    request_id: u32,
}

impl Req {
    pub(crate) fn new() -> Self {
        Req {
            dealer: Dealer::default(),
            receiving_reply: false,
            message_begins: true,
            reply_pipe: None,
            correlate: false,
            strict: true,
            request_id: 0,
        }
    }

    fn frame(data: &[u8], more: bool) -> Msg {
        let mut msg = Msg::from_slice(data);
        msg.set_more(more);
        msg
    }

    /// The next frame from the pipe the request went to; frames from others are dropped.
    fn recv_reply_frame(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        loop {
            let (msg, key) = self.dealer.recv_frame(pipes)?;
            if self.reply_pipe.is_none_or(|reply| reply == key) {
                return Ok(msg);
            }
        }
    }

    /// Drops the rest of a message whose first frame was `msg`.
    fn skip_rest(&mut self, pipes: &mut Pipes, mut msg: Msg) -> Result<()> {
        while msg.more() {
            msg = self.recv_reply_frame(pipes)?;
        }
        Ok(())
    }
}

impl Behaviour for Req {
    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, locally_initiated: bool) {
        self.dealer.attach(pipes, key, locally_initiated);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.dealer.read_activated(pipes, key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.dealer.write_activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        if self.reply_pipe == Some(key) {
            self.reply_pipe = None;
        }
        self.dealer.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if self.receiving_reply {
            if self.strict {
                return Err((Error::Fsm, msg));
            }
            self.receiving_reply = false;
            self.message_begins = true;
        }
        if self.message_begins {
            self.reply_pipe = None;
            if self.correlate {
                self.request_id = self.request_id.wrapping_add(1);
                let id = Self::frame(&self.request_id.to_ne_bytes(), true);
                match self.dealer.send_frame(pipes, id) {
                    Ok(key) => self.reply_pipe = key,
                    Err((e, _)) => return Err((e, msg)),
                }
            }
            match self.dealer.send_frame(pipes, Self::frame(&[], true)) {
                Ok(key) => self.reply_pipe = self.reply_pipe.or(key),
                Err((e, _)) => return Err((e, msg)),
            }
            self.message_begins = false;
            // Replies to earlier requests that are still queued are stale: drop them.
            while self.dealer.recv_frame(pipes).is_ok() {}
        }
        let more = msg.more();
        self.dealer.send_frame(pipes, msg)?;
        if !more {
            self.receiving_reply = true;
            self.message_begins = true;
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        if !self.receiving_reply {
            return Err(Error::Fsm);
        }
        while self.message_begins {
            if self.correlate {
                let id = self.recv_reply_frame(pipes)?;
                if !id.more() || id.data() != self.request_id.to_ne_bytes() {
                    self.skip_rest(pipes, id)?;
                    continue;
                }
            }
            let bottom = self.recv_reply_frame(pipes)?;
            if !bottom.more() || bottom.size() != 0 {
                self.skip_rest(pipes, bottom)?;
                continue;
            }
            self.message_begins = false;
        }
        let msg = self.recv_reply_frame(pipes)?;
        if !msg.more() {
            self.receiving_reply = false;
            self.message_begins = true;
        }
        Ok(msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        self.receiving_reply && self.dealer.has_in(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        !(self.receiving_reply && self.strict) && self.dealer.has_out(pipes)
    }

    fn set_option(&mut self, pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        match id {
            ids::REQ_CORRELATE => Some(flag_option(value).map(|v| self.correlate = v)),
            ids::REQ_RELAXED => Some(flag_option(value).map(|v| self.strict = !v)),
            _ => self.dealer.set_option(pipes, id, value),
        }
    }
}
