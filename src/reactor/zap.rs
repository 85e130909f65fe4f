//! A session's pipe to the ZAP handler (RFC 27): the socket the application bound at
//! `inproc://zeromq.zap.01` in the same context, as libzmq's session_base_t::zap_connect makes
//! it. The session writes a mechanism's request into the pipe and hands the reply back to the
//! mechanism; the handler sees an ordinary inproc peer.
#![forbid(unsafe_code)]

use std::sync::Arc;

use super::Io;
use super::session::SocketLink;
use crate::msg::Msg;
use crate::pipe::{PeerCommand, PipeEnd, pipe_pair};
use crate::socket::{Command, NewPipe, PipeId, Route};
use crate::zmtp::zap::HANDLER_NAME;

const REP: i32 = 4;
const ROUTER: i32 = 6;

/// The session's end of its pipe to the handler.
pub(crate) struct ZapClient {
    end: PipeEnd,
    id: PipeId,
    to_peer: Arc<Route>,
    /// The frames of the reply read so far.
    reply: Vec<Msg>,
    waiting: bool,
}

impl ZapClient {
    /// Connects to the handler, if one is bound: a REP or ROUTER socket, the types libzmq
    /// accepts there (it aborts on others; we count them as no handler).
    pub(crate) fn connect(link: &SocketLink, io: &mut Io<'_>) -> Option<ZapClient> {
        let (local_id, far_id) = (PipeId::next(), PipeId::next());
        let to_local = Route::to(io.sender.clone(), local_id);
        // Under the registry's lock, so that the handler cannot unbind in between.
        let (end, to_peer) = link.ctx.with_inproc(|registry| {
            let handler = registry.endpoints.get(HANDLER_NAME)?;
            if !matches!(handler.socket_type, REP | ROUTER) {
                return None;
            }
            // No limits either way: a request must never wait (libzmq's ZAP pipe has none).
            let (mut local_end, far_end) = pipe_pair(0, 0);
            if handler.wants_ids {
                // An empty routing id: a ROUTER handler makes one up.
                local_end.announce(b"");
            }
            let to_far = Route::to(handler.mailbox.clone(), far_id);
            let far = NewPipe {
                end: far_end,
                id: far_id,
                to_peer: to_local.clone(),
                to_self: to_far.clone(),
                endpoint: None,
                locally_initiated: false,
            };
            handler.mailbox.send(Command::Attach(Box::new(far)));
            Some((local_end, to_far))
        })?;
        io.own_pipe(local_id);
        let mut client = ZapClient {
            end,
            id: local_id,
            to_peer,
            reply: Vec::new(),
            waiting: false,
        };
        client.deliver();
        Some(client)
    }

    /// The id of the session's end, to route the pipe's commands here.
    pub(crate) fn id(&self) -> PipeId {
        self.id
    }

    /// Whether a request waits for its reply.
    pub(crate) fn is_waiting(&self) -> bool {
        self.waiting
    }

    /// Sends a request (the pipe has no limit, so every frame goes), and looks for the reply
    /// at once: a read that finds nothing is what makes the handler wake us when it answers.
    pub(crate) fn send(&mut self, request: Vec<Msg>) -> Option<Vec<Msg>> {
        self.reply.clear();
        self.waiting = true;
        for frame in request {
            let _ = self.end.write(frame);
        }
        self.end.flush();
        self.deliver();
        self.read_reply()
    }

    /// Handles a command from the handler's end; returns the reply once all of it came. A
    /// reply of more than the seven frames RFC 27 defines is cut there: the mechanism refuses
    /// it as malformed, and the handler cannot make us hold more.
    pub(crate) fn command(&mut self, command: PeerCommand) -> Option<Vec<Msg>> {
        self.end.process(command);
        self.deliver();
        self.read_reply()
    }

    fn read_reply(&mut self) -> Option<Vec<Msg>> {
        while let Some(frame) = self.end.read() {
            let last = !frame.more();
            if self.reply.len() < 8 {
                self.reply.push(frame);
            }
            if last {
                self.waiting = false;
                self.deliver();
                return Some(std::mem::take(&mut self.reply));
            }
        }
        self.deliver();
        None
    }

    /// Lets go of the pipe (the handler's end finishes on its own).
    pub(crate) fn close(mut self, io: &mut Io<'_>) {
        self.end.terminate();
        self.deliver();
        io.disown_pipe(self.id);
    }

    fn deliver(&mut self) {
        while let Some(command) = self.end.poll_command() {
            self.to_peer.send(command);
        }
    }
}
