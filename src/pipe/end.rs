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
//! Termination is libzmq's handshake: the end that terminates writes a delimiter after its last
//! message and sends `Term`; the peer acknowledges once it has read up to the delimiter (or at
//! once, when it does not want pending messages); the first end acknowledges back. Each end is
//! finished when it has received its `TermAck`.
#![forbid(unsafe_code)]

use std::collections::VecDeque;

use crate::msg::Msg;
use crate::pipe::ypipe::{Reader, Writer, ypipe};

/// What travels in a pipe: messages, and the delimiter that ends them.
#[derive(Debug)]
enum Item {
    Msg(Msg),
    Delimiter,
}

/// What one end tells the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerCommand {
    /// Messages were flushed while the reader slept: read again.
    ActivateRead,
    /// The reader has read this many messages in total: write credit is back.
    ActivateWrite(u64),
    /// The sender is terminating; a delimiter follows its last message.
    Term,
    /// Termination acknowledged: the sender will not touch the pipe again.
    TermAck,
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
    /// The peer started termination (the owner usually terminates its side in turn).
    PeerTerminating,
    /// Both sides are done: the owner drops the end.
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Both directions open.
    Active,
    /// The delimiter was read before the peer's `Term` arrived.
    DelimiterReceived,
    /// The peer asked to terminate; pending messages are read up to the delimiter first.
    WaitingForDelimiter,
    /// We acknowledged the peer's termination and wait for its ack.
    TermAckSent,
    /// We asked to terminate and wait for the peer's ack.
    TermReqSent1,
    /// Both asked at once; we acknowledged and wait for the peer's ack.
    TermReqSent2,
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
    outbox: VecDeque<PeerCommand>,
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
        outbox: VecDeque::new(),
    };
    (
        end(a_in, a_out, hwm_b_to_a, hwm_a_to_b),
        end(b_in, b_out, hwm_a_to_b, hwm_b_to_a),
    )
}

impl PipeEnd {
    /// Whether pending inbound messages are delivered after the peer terminates (true by
    /// default; false drops them, as when the peer should not linger).
    pub fn set_delay(&mut self, delay: bool) {
        self.delay = delay;
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
        match self.inbound.peek() {
            None => {
                self.in_active = false;
                false
            }
            Some(Item::Delimiter) => {
                let _ = self.inbound.read();
                self.process_delimiter();
                false
            }
            Some(Item::Msg(_)) => true,
        }
    }

    /// Reads one frame.
    pub fn read(&mut self) -> Option<Msg> {
        if !self.in_active || !self.readable_state() {
            return None;
        }
        match self.inbound.read() {
            None => {
                self.in_active = false;
                None
            }
            Some(Item::Delimiter) => {
                self.process_delimiter();
                None
            }
            Some(Item::Msg(msg)) => {
                if !msg.more() {
                    self.msgs_read += 1;
                    if self.lwm > 0 && self.msgs_read % self.lwm == 0 {
                        self.outbox
                            .push_back(PeerCommand::ActivateWrite(self.msgs_read));
                    }
                }
                Some(msg)
            }
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
        if !self.check_write() {
            return Err(msg);
        }
        let Some(outbound) = self.outbound.as_mut() else {
            return Err(msg);
        };
        let more = msg.more();
        outbound.write(Item::Msg(msg), more);
        if !more {
            self.msgs_written += 1;
        }
        Ok(())
    }

    /// Makes written messages visible to the peer, asking it to wake if it slept.
    pub fn flush(&mut self) {
        if self.state == State::TermAckSent {
            return;
        }
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

    /// Whether the end was asked to terminate or is terminating.
    pub fn is_terminating(&self) -> bool {
        self.state != State::Active
    }

    /// Starts terminating this end: no more writes; the peer reads what was sent, then acks.
    /// `delay` false drops the inbound messages not read yet.
    pub fn terminate(&mut self, delay: bool) {
        self.delay = delay;
        match self.state {
            State::TermReqSent1 | State::TermReqSent2 | State::TermAckSent => return,
            State::Active | State::DelimiterReceived => {
                self.outbox.push_back(PeerCommand::Term);
                self.state = State::TermReqSent1;
            }
            State::WaitingForDelimiter if !self.delay => {
                self.rollback();
                self.outbound = None;
                self.outbox.push_back(PeerCommand::TermAck);
                self.state = State::TermAckSent;
            }
            // Pending messages are still to be read: the ack goes when the delimiter is.
            State::WaitingForDelimiter => {}
        }
        self.out_active = false;
        if let Some(outbound) = self.outbound.as_mut() {
            while outbound.unwrite().is_some() {}
            // The delimiter is written whatever the high-water mark.
            outbound.write(Item::Delimiter, false);
            self.flush();
        }
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
            PeerCommand::Term => self.process_term(),
            PeerCommand::TermAck => self.process_term_ack(),
        }
    }

    fn process_term(&mut self) -> PipeEvent {
        match self.state {
            State::Active if self.delay => self.state = State::WaitingForDelimiter,
            State::Active | State::DelimiterReceived => self.ack_peer(State::TermAckSent),
            State::TermReqSent1 => self.ack_peer(State::TermReqSent2),
            // A second Term is a protocol error of the peer: ignore it.
            _ => return PipeEvent::None,
        }
        PipeEvent::PeerTerminating
    }

    fn process_term_ack(&mut self) -> PipeEvent {
        match self.state {
            State::TermReqSent1 => self.ack_peer(State::TermReqSent1),
            State::TermAckSent | State::TermReqSent2 => {}
            // An ack we did not ask for: ignore it.
            _ => return PipeEvent::None,
        }
        self.in_active = false;
        self.out_active = false;
        PipeEvent::Terminated
    }

    fn process_delimiter(&mut self) {
        match self.state {
            State::Active => self.state = State::DelimiterReceived,
            State::WaitingForDelimiter => {
                self.rollback();
                self.ack_peer(State::TermAckSent);
            }
            _ => {}
        }
    }

    /// Closes our writing side and acknowledges the peer's termination.
    fn ack_peer(&mut self, next: State) {
        self.outbound = None;
        self.outbox.push_back(PeerCommand::TermAck);
        self.state = next;
    }
}

#[cfg(test)]
mod tests;
