//! One end of a bidirectional pipe between two sockets (or a socket and a session): libzmq's
//! `pipe_t`, written sans-IO.
//!
//! Messages flow through two `ypipe`s. Everything the two ends must tell each other (wake the
//! reader, return write credit, terminate) is produced here as a [`PeerCommand`] in the end's
//! outbox, for the owner to deliver to the peer end by whatever carries commands (a mailbox), and
//! fed to the peer with [`PipeEnd::process`]. Tests drive two ends back to back in memory.
//!
//! High-water marks count whole messages: the writer may have `hwm` messages in flight that the
//! reader has not taken; the reader returns credit every `lwm` messages it reads.
//!
//! Termination: the end that terminates stops reading and writing at once, writes a delimiter
//! after its last message and sends `Term`; it is finished. The peer keeps delivering what was
//! sent up to the delimiter (or drops it, when it does not delay), then it is finished too.
//! libzmq also has the two ends acknowledge each other, because one of them must free the shared
//! queues; here both ends own them jointly, so no acknowledgement is needed and a socket that is
//! closed never has to answer again.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::sync::Arc;

use crate::msg::{Metadata, Msg};
use crate::pipe::ypipe::{Reader, Writer, ypipe};

/// What travels in a pipe: messages, the delimiter that ends them, and the peer properties
/// of the messages that follow (a session sends them once per connection, so the reader, not
/// the I/O thread, attaches them to each message: the reference count is then only touched by
/// the thread that drops the messages, instead of bouncing between two cores per message).
#[derive(Debug)]
enum Item {
    Msg(Msg),
    Delimiter,
    Metadata(Option<Arc<Metadata>>),
}

/// An empty message as an item, for `PipeEnd::write_small` to fill in its slot. A constant,
/// so that it is copied from where it was stored long ago: built on the stack in stores of
/// mixed widths and copied at once in wider loads, it stalled as the copy it replaces did.
const EMPTY: Item = Item::Msg(Msg::new());

/// What one end tells the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerCommand {
    /// Messages were flushed while the reader slept: read again.
    ActivateRead,
    /// The reader has read this many messages in total: write credit is back.
    ActivateWrite(u64),
    /// The sender terminated its end; a delimiter follows its last message.
    Term,
    /// The receiver sets how many messages may be in flight toward it (0: no limit), as when
    /// an inproc connect made before its bind learns the binder's high-water mark.
    SetHwm(u64),
    /// The connection behind the peer was lost and is being remade (libzmq's hiccup): a
    /// subscriber sends its subscriptions again.
    Hiccup,
    /// The end's owner should take up its input again: another thread read its connection
    /// for it and left some (`ReadNow::end_wait`).
    Resume,
}

/// What processing a peer command means for the end's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeEvent {
    /// Nothing the owner must act on.
    None,
    /// The pipe has messages to read again.
    ReadActivated,
    /// The pipe accepts messages again.
    WriteActivated,
    /// The peer terminated; this end delivers what is left and then finishes.
    PeerTerminating,
    /// The end is finished: the owner drops it.
    Finished,
    /// The peer's connection is being remade (see `PeerCommand::Hiccup`).
    Hiccuped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Both directions open.
    Active,
    /// The delimiter was read before the peer's `Term` arrived.
    DelimiterReceived,
    /// The peer terminated; pending messages are read up to the delimiter first.
    WaitingForDelimiter,
    /// Done: nothing more to read or write.
    Finished,
}

/// One end of a pipe.
pub struct PipeEnd {
    inbound: Reader<Item>,
    outbound: Option<Writer<Item>>,
    in_active: bool,
    out_active: bool,
    /// Messages this end may have in flight toward the peer (0: no limit).
    hwm: u64,
    /// Return write credit to the peer every this many messages read.
    lwm: u64,
    msgs_read: u64,
    msgs_written: u64,
    /// The peer's `msgs_read` as last reported.
    peers_msgs_read: u64,
    state: State,
    /// Whether pending inbound messages are still delivered after the peer terminates.
    delay: bool,
    /// ZMQ_CONFLATE: a read returns only the newest message waiting.
    conflate: bool,
    /// Messages read until credit is returned to the peer next (counts down from `lwm`).
    until_credit: u64,
    /// The peer properties attached to the messages read (`Item::Metadata`).
    metadata: Option<Arc<Metadata>>,
    outbox: VecDeque<PeerCommand>,
    /// A message read in place of the delimiter: the peer's last word, as the reader's socket
    /// wants it (ZMQ_DISCONNECT_MSG of a binder, for an inproc connecter that goes).
    farewell: Option<Box<Msg>>,
}

/// Largest distance between the high and low water marks (libzmq's value).
const MAX_WM_DELTA: u64 = 1024;

fn low_water_mark(hwm: u64) -> u64 {
    if hwm > 2 * MAX_WM_DELTA {
        hwm - MAX_WM_DELTA
    } else {
        hwm.div_ceil(2)
    }
}

/// A ZMQ_SNDHWM / ZMQ_RCVHWM value as a pipe limit: 0 and negative values mean none.
pub fn hwm_limit(hwm: i32) -> u64 {
    u64::try_from(hwm).unwrap_or(0)
}

/// A new pipe: end A may have `hwm_a_to_b` messages in flight toward B, B `hwm_b_to_a` toward A
/// (0: no limit).
pub fn pipe_pair(hwm_a_to_b: u64, hwm_b_to_a: u64) -> (PipeEnd, PipeEnd) {
    let (a_out, b_in) = ypipe();
    let (b_out, a_in) = ypipe();
    let end = |inbound, outbound, in_hwm, out_hwm| PipeEnd {
        inbound,
        outbound: Some(outbound),
        in_active: true,
        out_active: true,
        hwm: out_hwm,
        lwm: low_water_mark(in_hwm),
        msgs_read: 0,
        msgs_written: 0,
        peers_msgs_read: 0,
        state: State::Active,
        delay: true,
        conflate: false,
        until_credit: low_water_mark(in_hwm),
        metadata: None,
        outbox: VecDeque::new(),
        farewell: None,
    };
    (
        end(a_in, a_out, hwm_b_to_a, hwm_a_to_b),
        end(b_in, b_out, hwm_a_to_b, hwm_b_to_a),
    )
}

impl PipeEnd {
    /// The queues' lengths in messages, for ZMQ_EVENT_PIPES_STATS: those written and not yet
    /// read by the peer as far as this end knows (the peer reports its reads every low-water
    /// mark, as in libzmq), and those waiting to be read here.
    pub fn queue_counts(&mut self) -> (u64, u64) {
        let outbound = self.msgs_written.saturating_sub(self.peers_msgs_read);
        let inbound = self.inbound.count_ready(
            |item| matches!(item, Item::Msg(msg) if !msg.more() && !msg.is_routing_id()),
        );
        (outbound, inbound)
    }

    /// Sets the message read once the peer has terminated, after everything it sent.
    pub fn set_farewell(&mut self, msg: Msg) {
        self.farewell = Some(Box::new(msg));
    }

    /// Writes a frame whatever the high-water mark (a message the session makes up, such as
    /// ZMQ_DISCONNECT_MSG, which libzmq writes the same way); false once the end is closed.
    pub fn force_write(&mut self, msg: Msg) -> bool {
        let Some(outbound) = self.outbound.as_mut() else {
            return false;
        };
        if self.state != State::Active {
            return false;
        }
        let counted = !msg.more() && !msg.is_routing_id();
        outbound.write(Item::Msg(msg), false);
        if counted {
            self.msgs_written += 1;
        }
        true
    }

    /// Whether pending inbound messages are delivered after the peer terminates (true by
    /// default; false drops them).
    pub fn set_delay(&mut self, delay: bool) {
        self.delay = delay;
    }

    /// Makes reads return only the newest message waiting (ZMQ_CONFLATE; single-frame
    /// messages only, as in libzmq).
    pub fn set_conflate(&mut self, conflate: bool) {
        self.conflate = conflate;
    }

    /// Sets how many messages may be in flight from this end (0: no limit), and tells the peer
    /// end its own limit toward this one.
    pub fn set_hwms(&mut self, out_hwm: u64, in_hwm: u64) {
        self.hwm = out_hwm;
        self.lwm = low_water_mark(in_hwm);
        self.until_credit = self.lwm - self.msgs_read % self.lwm.max(1);
        self.outbox.push_back(PeerCommand::SetHwm(in_hwm));
    }

    /// The next command for the peer end, if any.
    pub fn poll_command(&mut self) -> Option<PeerCommand> {
        self.outbox.pop_front()
    }

    fn readable_state(&self) -> bool {
        matches!(self.state, State::Active | State::WaitingForDelimiter)
    }

    /// Whether a message can be read now. When none can, the end goes passive and the owner
    /// hears `ReadActivated` once one arrives.
    pub fn check_read(&mut self) -> bool {
        if !self.in_active || !self.readable_state() {
            return false;
        }
        loop {
            match self.inbound.peek() {
                None => {
                    self.in_active = false;
                    return false;
                }
                // Read in its place first; the delimiter stays for `read_one`.
                Some(Item::Delimiter) if self.farewell.is_some() => return true,
                Some(Item::Delimiter) => {
                    let _ = self.inbound.read();
                    self.process_delimiter();
                    return false;
                }
                Some(Item::Metadata(_)) => {
                    if let Some(Item::Metadata(metadata)) = self.inbound.read() {
                        self.metadata = metadata;
                    }
                }
                Some(Item::Msg(_)) => return true,
            }
        }
    }

    /// Whether the next item to read is the delimiter (the peer's last word).
    pub fn at_delimiter(&mut self) -> bool {
        matches!(self.inbound.peek(), Some(Item::Delimiter))
    }

    /// Reads one frame (with conflation, the newest complete message waiting).
    pub fn read(&mut self) -> Option<Msg> {
        self.read_reusing(&mut None)
    }

    /// As `read`; when `spare` holds a reference to the properties the frame gets, the frame
    /// takes that one instead of a new one. A receiver that hands back the reference of each
    /// message it drops so makes no atomic reference-count update per message.
    pub fn read_reusing(&mut self, spare: &mut Option<Arc<Metadata>>) -> Option<Msg> {
        let mut msg = Msg::new();
        self.read_into(&mut msg, spare).then_some(msg)
    }

    /// As `read_reusing`, into `out` (replaced; unchanged when there is nothing to read): the
    /// frame moves from the queue straight to where the caller wants it.
    #[inline]
    pub fn read_into(&mut self, out: &mut Msg, spare: &mut Option<Arc<Metadata>>) -> bool {
        if !self.read_one(out, spare) {
            return false;
        }
        if self.conflate {
            while matches!(self.inbound.peek(), Some(Item::Msg(_) | Item::Metadata(_))) {
                if !self.read_one(out, spare) {
                    break;
                }
            }
        }
        true
    }

    #[inline]
    fn read_one(&mut self, out: &mut Msg, spare: &mut Option<Arc<Metadata>>) -> bool {
        if !self.in_active || !self.readable_state() {
            return false;
        }
        loop {
            // A message goes straight into `out` (see `Reader::read_swapping`).
            let taken = self.inbound.read_swapping(out, |item| match item {
                Item::Msg(msg) => Some(msg),
                _ => None,
            });
            match taken {
                None => {
                    self.in_active = false;
                    return false;
                }
                Some(Some(Item::Delimiter)) => {
                    self.process_delimiter();
                    return match self.farewell.take() {
                        Some(farewell) => {
                            *out = *farewell;
                            true
                        }
                        None => false,
                    };
                }
                Some(Some(Item::Metadata(metadata))) => {
                    self.metadata = metadata;
                    continue;
                }
                // (Never: messages are swapped in place.)
                Some(Some(Item::Msg(msg))) => *out = msg,
                // Only the discriminant is read here: a message bound by value would be
                // copied off the stack in wide loads, just after the narrow stores of the
                // closure's result.
                Some(None) => {}
            }
            if !out.more() && !out.is_routing_id() {
                self.msgs_read += 1;
                self.until_credit = self.until_credit.wrapping_sub(1);
                if self.until_credit == 0 {
                    self.until_credit = self.lwm;
                    self.outbox
                        .push_back(PeerCommand::ActivateWrite(self.msgs_read));
                }
            }
            if let Some(current) = &self.metadata {
                let metadata = match spare.take() {
                    Some(same) if Arc::ptr_eq(&same, current) => same,
                    other => {
                        *spare = other;
                        current.clone()
                    }
                };
                out.set_metadata(Some(metadata));
            }
            return true;
        }
    }

    /// Whether a message can be written now (below the high-water mark). When not, the end goes
    /// passive and the owner hears `WriteActivated` once the peer returns credit.
    pub fn check_write(&mut self) -> bool {
        if !self.out_active || self.state != State::Active {
            return false;
        }
        if self.hwm > 0 && self.msgs_written - self.peers_msgs_read >= self.hwm {
            self.out_active = false;
            return false;
        }
        true
    }

    /// Writes one frame; gives it back when the pipe does not accept it. A frame with `more` set
    /// is not visible to the reader until the message's last frame is written and flushed.
    pub fn write(&mut self, msg: Msg) -> Result<(), Msg> {
        let more = msg.more();
        match self.admit(&msg) {
            Some(outbound) => {
                outbound.write(Item::Msg(msg), more);
                Ok(())
            }
            None => Err(msg),
        }
    }

    /// `write` from where the frame is: on success `msg` is left empty, else unchanged. The
    /// send path uses this one: the frame moves once, from the caller's message into its slot.
    #[inline]
    pub fn write_from(&mut self, msg: &mut Msg) -> bool {
        let more = msg.more();
        match self.admit(msg) {
            Some(outbound) => {
                outbound.write(Item::Msg(std::mem::take(msg)), more);
                true
            }
            None => false,
        }
    }

    /// Writes a frame of `body`'s bytes (at most `INLINE_MAX`), copied straight into its slot;
    /// `false`, writing nothing, when the pipe does not take it now.
    #[inline]
    pub fn write_small(&mut self, body: &[u8], more: bool) -> bool {
        match self.admit_frame(more, false) {
            Some(outbound) => {
                outbound.write_with(EMPTY, more, |item| {
                    if let Item::Msg(msg) = item {
                        msg.set_small_data(body);
                        msg.set_more(more);
                    }
                });
                true
            }
            None => false,
        }
    }

    /// The queue a frame goes to if the pipe takes it now, counted as written.
    #[inline]
    fn admit(&mut self, msg: &Msg) -> Option<&mut Writer<Item>> {
        self.admit_frame(msg.more(), msg.is_routing_id())
    }

    /// `admit` for a frame with these flags.
    #[inline]
    fn admit_frame(&mut self, more: bool, routing_id: bool) -> Option<&mut Writer<Item>> {
        if !self.check_write() {
            return None;
        }
        let outbound = self.outbound.as_mut()?;
        if !more && !routing_id {
            self.msgs_written += 1;
        }
        Some(outbound)
    }

    /// Sets the peer properties the reader attaches to the messages written after this (None:
    /// none). They travel with the next message, so a message rolled back takes them along.
    pub fn write_metadata(&mut self, metadata: Option<Arc<Metadata>>) {
        if let Some(outbound) = self.outbound.as_mut() {
            outbound.write(Item::Metadata(metadata), true);
        }
    }

    /// Writes a routing-id announcement toward the peer (the first message of a connection, for
    /// the socket types that want it) and makes it visible. A fresh pipe always takes it.
    pub fn announce(&mut self, routing_id: &[u8]) {
        let mut msg = Msg::from_slice(routing_id);
        msg.set_routing_id_flag(true);
        let _ = self.write(msg);
        self.flush();
    }

    /// Makes written messages visible to the peer, asking it to wake if it slept.
    pub fn flush(&mut self) {
        if let Some(outbound) = self.outbound.as_mut() {
            if !outbound.flush() {
                self.outbox.push_back(PeerCommand::ActivateRead);
            }
        }
    }

    /// Drops the frames of a message not completely written yet.
    pub fn rollback(&mut self) {
        if let Some(outbound) = self.outbound.as_mut() {
            while outbound.unwrite().is_some() {}
        }
    }

    /// Whether the end was terminated or its peer terminated.
    pub fn is_terminating(&self) -> bool {
        self.state != State::Active
    }

    /// Whether the end is done: the owner should drop it.
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished
    }

    /// Whether the owner has something to deliver (`poll_command`) or to note (finished).
    #[inline]
    pub fn needs_delivery(&self) -> bool {
        !self.outbox.is_empty() || self.is_finished()
    }

    /// Terminates this end: it neither reads nor writes any more; the peer is told, and reads
    /// what was sent before the delimiter. The end is finished on return.
    pub fn terminate(&mut self) {
        if self.state == State::Finished {
            return;
        }
        if self.state != State::WaitingForDelimiter {
            // The peer has not terminated: tell it.
            self.outbox.push_back(PeerCommand::Term);
        }
        if let Some(mut outbound) = self.outbound.take() {
            while outbound.unwrite().is_some() {}
            // The delimiter is written whatever the high-water mark.
            outbound.write(Item::Delimiter, false);
            if !outbound.flush() {
                self.outbox.push_back(PeerCommand::ActivateRead);
            }
        }
        self.finish();
    }

    fn finish(&mut self) {
        self.state = State::Finished;
        self.in_active = false;
        self.out_active = false;
        self.outbound = None;
    }

    /// Feeds a command from the peer end.
    pub fn process(&mut self, command: PeerCommand) -> PipeEvent {
        match command {
            PeerCommand::ActivateRead => {
                if !self.in_active && self.readable_state() {
                    self.in_active = true;
                    return PipeEvent::ReadActivated;
                }
                PipeEvent::None
            }
            PeerCommand::ActivateWrite(peers_msgs_read) => {
                self.peers_msgs_read = peers_msgs_read;
                if !self.out_active && self.state == State::Active {
                    self.out_active = true;
                    return PipeEvent::WriteActivated;
                }
                PipeEvent::None
            }
            PeerCommand::SetHwm(hwm) => {
                self.hwm = hwm;
                if !self.out_active && self.state == State::Active {
                    self.out_active = true;
                    return PipeEvent::WriteActivated;
                }
                PipeEvent::None
            }
            PeerCommand::Hiccup if self.state == State::Active => PipeEvent::Hiccuped,
            PeerCommand::Hiccup | PeerCommand::Resume => PipeEvent::None,
            PeerCommand::Term => match self.state {
                State::Active if self.delay => {
                    self.state = State::WaitingForDelimiter;
                    // The owner must look again: the delimiter may already be waiting.
                    self.in_active = true;
                    self.out_active = false;
                    PipeEvent::PeerTerminating
                }
                State::Active | State::DelimiterReceived => {
                    self.finish();
                    PipeEvent::Finished
                }
                // Already finished, or a repeated Term: nothing to do.
                State::WaitingForDelimiter | State::Finished => PipeEvent::None,
            },
        }
    }

    fn process_delimiter(&mut self) {
        match self.state {
            State::Active => self.state = State::DelimiterReceived,
            State::WaitingForDelimiter => self.finish(),
            State::DelimiterReceived | State::Finished => {}
        }
    }
}

#[cfg(test)]
mod tests;
