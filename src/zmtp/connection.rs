//! One end of a ZMTP stream, as libzmq's zmtp_engine_t without the I/O: the greeting, the
//! mechanism's handshake (ZMTP 3) or the routing-id exchange (1.0, 2.0), then frames both ways,
//! heartbeats and the handshake time-out.

use std::io::{self, IoSlice};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::msg::{Metadata, Msg};
use crate::zmtp::command::{self, Command};
use crate::zmtp::decoder::{DataFrame, Input};
use crate::zmtp::encoder::{Framing, OutQueue};
use crate::zmtp::greeting::{self, Greeting, Outcome, Step};
use crate::zmtp::mechanism::{self, Mechanism, Status};
use crate::zmtp::{Config, Event, Failure, Security, Version, zap};

const PUB: i32 = 1;
const XPUB: i32 = 9;

/// The most slices [`Connection::write_output`] hands to one write (well under IOV_MAX).
pub const WRITE_SLICES: usize = 64;

/// A ZMTP connection: push received bytes in, pull events out; push messages in, pull bytes
/// out; tell it the time.
///
/// Input is decoded lazily: the caller reads into [`read_buffer`](Self::read_buffer), reports
/// it with [`read_done`](Self::read_done), then calls [`poll_event`](Self::poll_event) until it
/// returns `None` (or until its pipe is full, to resume later). After a [`Failure`] every call
/// that can report one returns it again; the caller closes the stream.
#[derive(Debug)]
pub struct Connection {
    socket_type: i32,
    routing_id: Vec<u8>,
    heartbeat_ivl: Option<Duration>,
    /// Our TTL in deciseconds, as PING carries it.
    heartbeat_ttl: u16,
    heartbeat_timeout: Option<Duration>,
    maxmsgsize: Option<u64>,
    mechanism: Box<dyn Mechanism>,
    /// `mechanism.transforms()`, asked once: a dynamic call per frame sent cost more than the
    /// rest of the check.
    transforms: bool,
    /// Security or ZAP is on: peers older than ZMTP 3 are refused, as libzmq refuses them.
    secure: bool,
    zap_domain: Vec<u8>,
    peer_address: String,
    /// The ZAP handler's properties for the peer ("User-Id" and its metadata).
    zap_properties: Option<Metadata>,
    greeting: Greeting,
    stage: Stage,
    input: Input,
    output: OutQueue,
    failure: Option<Failure>,
    /// After Ready, a subscription to everything to deliver (a PUB's unversioned peer cannot
    /// subscribe, so libzmq subscribes for it).
    phantom_subscription: bool,
    /// Whether every received byte was decoded when `poll_event` last looked (the caller is not
    /// holding input back).
    drained: bool,
    handshake_deadline: Option<Instant>,
    next_ping: Option<Instant>,
    /// A PING went out: something must come back by then.
    ping_deadline: Option<Instant>,
    /// The peer's PING asked to hear from it by then.
    ttl_deadline: Option<Instant>,
    /// The peer's PINGs carry a TTL: it expects to hear from us while we hear from it.
    peer_ttl: bool,
    /// Nothing was written since the peer's last whole message: it streams to us
    /// (`body_missing`).
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Greeting,
    /// ZMTP 1.0 or 2.0: the peer's first frame is its routing id.
    RoutingId {
        version: Version,
        socket_type: Option<i32>,
    },
    /// ZMTP 3: the mechanism's handshake.
    Handshake {
        version: Version,
    },
    Ready {
        version: Version,
    },
}

impl Connection {
    /// A connection with the mechanism its configuration names; the signature is queued for
    /// output at once.
    pub fn new(config: Config, now: Instant) -> Connection {
        let mechanism = mechanism::for_config(&config);
        Self::with_mechanism(config, mechanism, now)
    }

    /// A connection with the given security mechanism.
    pub fn with_mechanism(config: Config, mechanism: Box<dyn Mechanism>, now: Instant) -> Self {
        let mut output = OutQueue::default();
        output.push_copy(&greeting::signature(config.routing_id.len()));
        let ttl_ds = config.heartbeat_ttl.as_millis() / 100;
        Connection {
            socket_type: config.socket_type,
            heartbeat_ivl: config.heartbeat_ivl.filter(|d| !d.is_zero()),
            heartbeat_ttl: u16::try_from(ttl_ds).unwrap_or(u16::MAX),
            heartbeat_timeout: config.heartbeat_timeout,
            maxmsgsize: config.maxmsgsize,
            routing_id: config.routing_id,
            transforms: mechanism.transforms(),
            mechanism,
            secure: config.security != Security::Null || !config.zap_domain.is_empty(),
            zap_domain: config.zap_domain,
            peer_address: config.peer_address,
            zap_properties: None,
            greeting: Greeting::default(),
            stage: Stage::Greeting,
            input: Input::new(),
            output,
            failure: None,
            phantom_subscription: false,
            drained: true,
            handshake_deadline: config.handshake_ivl.and_then(|d| now.checked_add(d)),
            next_ping: None,
            ping_deadline: None,
            ttl_deadline: None,
            peer_ttl: false,
            quiet: false,
        }
    }

    /// Where to read the next bytes from the peer; never empty. For a large frame body it is the
    /// message's own buffer, so the body is not copied again.
    pub fn read_buffer(&mut self) -> &mut [u8] {
        self.input.read_buffer()
    }

    /// [`read_buffer`](Self::read_buffer) for a caller that can tell how many bytes are
    /// ready to be read: `ready` is asked when a large body's buffer must grow, which it then
    /// does to hold them all at once.
    pub fn read_buffer_ready(&mut self, ready: impl FnOnce() -> usize) -> &mut [u8] {
        self.input.read_buffer_ready(ready)
    }

    /// Bytes of the frame body being received that have not arrived yet, while the peer
    /// streams to us: the caller may leave the stream unread until they have (SO_RCVLOWAT).
    /// 0 when no large body is under way; while we wrote since the peer's last message (a
    /// request, a reply: the peer may be waiting for the answer, whose last bytes are then
    /// best read as they arrive; 1 MiB round trips took 20-60% longer when read 256 KiB or
    /// 1 MiB at a time); and while either side's heartbeats run, for which every read shows
    /// the peer alive.
    pub fn body_missing(&self) -> usize {
        if !self.quiet || self.heartbeat_ivl.is_some() || self.peer_ttl {
            return 0;
        }
        self.input.body_missing()
    }

    /// Records that `n` bytes were read into the last [`read_buffer`](Self::read_buffer).
    pub fn read_done(&mut self, n: usize, _now: Instant) {
        if n > 0 {
            self.input.read_done(n);
            self.drained = false;
            // Anything from the peer shows it is alive.
            self.ping_deadline = None;
            self.ttl_deadline = None;
        }
    }

    /// Feeds received bytes (a copying convenience over `read_buffer` and `read_done`).
    pub fn handle_input(&mut self, mut bytes: &[u8], now: Instant) {
        while !bytes.is_empty() {
            let buf = self.read_buffer();
            let n = buf.len().min(bytes.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            self.read_done(n, now);
            bytes = &bytes[n..];
        }
    }

    /// The next event decoded from the bytes received; `None` when they are all used up (read
    /// more then).
    pub fn poll_event(&mut self, now: Instant) -> Result<Option<Event>, Failure> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        match self.next_event(now) {
            Ok(None) => {
                self.drained = true;
                Ok(None)
            }
            Ok(Some(event)) => {
                if let Event::Message(msg) = &event {
                    self.quiet |= !msg.more();
                }
                Ok(Some(event))
            }
            Err(failure) => Err(self.fail(failure)),
        }
    }

    /// Hands the data frames at hand to `deliver`, in order, while it takes them: the fast
    /// path of [`poll_event`](Self::poll_event) for an established connection whose mechanism
    /// leaves messages as they are (NULL, PLAIN): a small frame as its bytes, for `deliver` to
    /// copy where the message stays, a larger one built once and moved once, a large body read
    /// straight into its own buffer. Whatever else comes (commands, oversized frames, errors)
    /// is left for `poll_event`. `false` when `deliver` refused a frame (it keeps that frame).
    #[inline]
    pub fn deliver_data_frames(&mut self, mut deliver: impl FnMut(DataFrame<'_>) -> bool) -> bool {
        let Some(version) = self.plain_data() else {
            return true;
        };
        let framing = framing(version);
        while let Some(frame) = self.input.next_plain_frame(framing, self.maxmsgsize) {
            if is_v3(version) {
                self.ping_deadline = None;
                self.ttl_deadline = None;
            }
            self.quiet |= !frame.more();
            if !deliver(frame) {
                return false;
            }
        }
        true
    }

    /// The protocol revision while the input is plain data frames (`deliver_data_frames`
    /// decodes them): ready, not failed, no encryption and no pending subscription to insert.
    fn plain_data(&self) -> Option<Version> {
        let Stage::Ready { version } = self.stage else {
            return None;
        };
        if self.failure.is_some() || self.phantom_subscription || self.transforms {
            return None;
        }
        Some(version)
    }

    /// Whether `deliver_data_frames` did all there is to do until more bytes arrive (see
    /// `Input::waits_for_bytes`); false when the input is not plain data frames.
    pub fn waits_for_bytes(&self) -> bool {
        self.plain_data().is_some_and(|version| {
            self.input
                .waits_for_bytes(framing(version), self.maxmsgsize)
        })
    }

    /// Queues one frame of a message for the peer. Only once ready: before that (or after a
    /// failure) the message is handed back.
    pub fn send(&mut self, mut msg: Msg) -> Result<(), Msg> {
        if self.send_in_place(&mut msg) {
            Ok(())
        } else {
            Err(msg)
        }
    }

    /// As `send`, from where the message is: `false` (and the message untouched) when it
    /// cannot be queued; once queued, what is left of `msg` is unspecified (a small body is
    /// copied out of it, a large one taken).
    pub fn send_in_place(&mut self, msg: &mut Msg) -> bool {
        let Stage::Ready { version } = self.stage else {
            return false;
        };
        if self.failure.is_some() {
            return false;
        }
        // Most frames: no mechanism encodes them and none becomes a SUBSCRIBE command.
        let subscribe = version == Version::V3_1 && msg.is_subscription();
        if !self.transforms && !subscribe {
            self.output.push_frame_from(framing(version), msg);
            return true;
        }
        // Here the peer speaks ZMTP 3: a mechanism that transforms refuses older peers, and
        // subscriptions become commands from 3.1 on.
        debug_assert!(is_v3(version));
        let body = subscribe
            .then(|| command::subscription(msg.data()))
            .flatten();
        let result = match body {
            Some(body) => self.send_command(&body),
            None => self.send_encoded(msg),
        };
        // The mechanism refused the message: the failure surfaces from the next poll.
        if let Err(failure) = result {
            self.fail(failure);
        }
        true
    }

    /// Gives the mechanism the ZAP handler's reply to the last [`Event::ZapRequest`] (all its
    /// frames), or `None` when no handler is bound; the handshake then goes on.
    pub fn zap_reply(&mut self, reply: Option<&[Msg]>) -> Result<(), Failure> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        let reply = match reply.map(zap::parse_reply).transpose() {
            Ok(reply) => reply,
            Err(failure) => return Err(self.fail(failure)),
        };
        if let Err(failure) = self.mechanism.zap_verdict(reply.as_ref()) {
            return Err(self.fail(failure));
        }
        self.zap_properties = reply.map(|r| r.properties.metadata);
        self.send_handshake_commands();
        Ok(())
    }

    /// The bytes waiting to be written, in order (for one vectored write).
    pub fn output_slices<'a>(&'a self, out: &mut Vec<IoSlice<'a>>) {
        self.output.slices(out);
    }

    /// The bytes waiting to be written, in order.
    pub fn output(&self) -> Vec<IoSlice<'_>> {
        let mut out = Vec::new();
        self.output.slices(&mut out);
        out
    }

    /// Writes pending bytes with one call of `write` (given up to [`WRITE_SLICES`] slices, on
    /// the stack), and drops what it reports written.
    pub fn write_output<F>(&mut self, write: F) -> io::Result<usize>
    where
        F: FnOnce(&[IoSlice<'_>]) -> io::Result<usize>,
    {
        let mut slices = [IoSlice::new(&[]); WRITE_SLICES];
        let count = self.output.slices_into(&mut slices);
        let written = write(&slices[..count])?;
        self.output.consume(written);
        self.quiet &= written == 0;
        Ok(written)
    }

    /// Records that the first `n` pending bytes were written.
    pub fn output_consumed(&mut self, n: usize) {
        self.output.consume(n);
        self.quiet &= n == 0;
    }

    /// How many of the bytes waiting to be written were copied since the last large body
    /// (headers and small bodies; large bodies are referenced).
    pub fn output_copied_len(&self) -> usize {
        self.output.tail_len()
    }

    /// How many bytes wait to be written.
    pub fn output_len(&self) -> usize {
        self.output.len()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.failure.is_some() {
            return None;
        }
        [
            self.handshake_deadline,
            self.next_ping,
            self.ping_deadline,
            self.ttl_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Acts on the timers due at `now`: fails the connection, or queues a PING.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Failure> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        let due = |deadline: Option<Instant>| deadline.is_some_and(|d| d <= now);
        if due(self.handshake_deadline) {
            return Err(self.fail(Failure::HandshakeTimeout));
        }
        if due(self.ttl_deadline) || due(self.ping_deadline) {
            return Err(self.fail(Failure::HeartbeatTimeout));
        }
        if due(self.next_ping) {
            if let Err(failure) = self.send_ping(now) {
                return Err(self.fail(failure));
            }
        }
        Ok(())
    }

    /// Whether the handshake is over and messages may be sent.
    pub fn is_ready(&self) -> bool {
        matches!(self.stage, Stage::Ready { .. }) && self.failure.is_none()
    }

    /// The protocol revision, once the greeting is over.
    pub fn version(&self) -> Option<Version> {
        match self.stage {
            Stage::Greeting => None,
            Stage::RoutingId { version, .. }
            | Stage::Handshake { version }
            | Stage::Ready { version } => Some(version),
        }
    }

    fn fail(&mut self, failure: Failure) -> Failure {
        self.failure = Some(failure.clone());
        self.handshake_deadline = None;
        self.next_ping = None;
        self.ping_deadline = None;
        self.ttl_deadline = None;
        failure
    }

    fn next_event(&mut self, now: Instant) -> Result<Option<Event>, Failure> {
        loop {
            match self.stage {
                Stage::Greeting => {
                    if !self.greet()? {
                        return Ok(None);
                    }
                }
                Stage::RoutingId {
                    version,
                    socket_type,
                } => {
                    let Some(frame) = self.input.next_frame(framing(version), self.maxmsgsize)?
                    else {
                        return Ok(None);
                    };
                    let id = frame.data().to_vec();
                    let event = self.become_ready(version, id, Metadata::new(), socket_type, now);
                    return Ok(Some(event));
                }
                Stage::Handshake { version } => {
                    if let Some(credentials) = self.mechanism.take_zap_request() {
                        let request = zap::request(
                            &self.zap_domain,
                            self.peer_address.as_bytes(),
                            &self.routing_id,
                            self.mechanism.name(),
                            &credentials,
                        );
                        return Ok(Some(Event::ZapRequest(request)));
                    }
                    match self.mechanism.status() {
                        Status::Handshaking => {}
                        Status::Ready => {
                            let peer = self.mechanism.peer();
                            let id = peer.routing_id.clone().unwrap_or_default();
                            let mut metadata = peer.metadata.clone();
                            // The handler's properties win over the peer's own, as in libzmq.
                            if let Some(zap) = &self.zap_properties {
                                metadata.merge(zap);
                            }
                            let socket_type = peer.socket_type;
                            let event = self.become_ready(version, id, metadata, socket_type, now);
                            return Ok(Some(event));
                        }
                        Status::Error(failure) => return Err(failure),
                    }
                    let Some(frame) = self.input.next_frame(Framing::V2, self.maxmsgsize)? else {
                        return Ok(None);
                    };
                    self.mechanism.process_handshake_command(frame)?;
                    self.send_handshake_commands();
                }
                Stage::Ready { version } => {
                    if self.phantom_subscription {
                        self.phantom_subscription = false;
                        return Ok(Some(Event::Message(Msg::from_slice(&[1]))));
                    }
                    let Some(frame) = self.input.next_frame(framing(version), self.maxmsgsize)?
                    else {
                        return Ok(None);
                    };
                    if let Some(event) = self.received(version, frame, now)? {
                        return Ok(Some(event));
                    }
                }
            }
        }
    }

    /// Advances the greeting; true once it is over.
    fn greet(&mut self) -> Result<bool, Failure> {
        let mut out = Vec::new();
        let socket_type = u8::try_from(self.socket_type).unwrap_or(0);
        let step = self.greeting.advance(
            self.input.available(),
            socket_type,
            self.mechanism.name(),
            &mut out,
        );
        self.output.push_copy(&out);
        let Step::Done { consumed, outcome } = step else {
            return Ok(false);
        };
        self.input.consume(consumed);
        if self.secure && !matches!(outcome, Outcome::V3 { .. }) {
            return Err(Failure::Malformed(
                "a peer older than ZMTP 3 cannot be authenticated",
            ));
        }
        match outcome {
            Outcome::Unversioned => {
                // Our signature was the header of a ZMTP 1.0 routing-id frame: its body follows.
                self.output.push_copy(&self.routing_id);
                self.phantom_subscription = matches!(self.socket_type, PUB | XPUB);
                self.stage = Stage::RoutingId {
                    version: Version::V1,
                    socket_type: None,
                };
            }
            Outcome::Old {
                version,
                socket_type,
            } => {
                let id = Msg::from_slice(&self.routing_id);
                self.output.push_frame(framing(version), id);
                self.stage = Stage::RoutingId {
                    version,
                    socket_type: Some(i32::from(socket_type)),
                };
            }
            Outcome::V3 { version, mechanism } => {
                // libzmq closes without a word to a peer of another mechanism.
                if !greeting::same_mechanism(&mechanism, self.mechanism.name()) {
                    return Err(Failure::MechanismMismatch);
                }
                self.stage = Stage::Handshake { version };
                self.send_handshake_commands();
            }
        }
        Ok(true)
    }

    fn send_handshake_commands(&mut self) {
        while let Some(body) = self.mechanism.next_handshake_command() {
            self.output.push_frame(Framing::V2, command_msg(&body));
        }
    }

    fn become_ready(
        &mut self,
        version: Version,
        peer_routing_id: Vec<u8>,
        metadata: Metadata,
        peer_socket_type: Option<i32>,
        now: Instant,
    ) -> Event {
        self.stage = Stage::Ready { version };
        self.handshake_deadline = None;
        if is_v3(version) {
            self.next_ping = self.heartbeat_ivl.and_then(|ivl| now.checked_add(ivl));
        }
        Event::Ready {
            version,
            peer_routing_id: Some(peer_routing_id).filter(|id| !id.is_empty()),
            metadata: Arc::new(metadata),
            peer_socket_type,
        }
    }

    /// Handles a frame received once ready; commands are consumed here.
    fn received(
        &mut self,
        version: Version,
        frame: Msg,
        now: Instant,
    ) -> Result<Option<Event>, Failure> {
        if !is_v3(version) {
            // ZMTP 2.0 has no commands: libzmq's session drops a frame flagged as one.
            return Ok((!frame.is_command()).then_some(Event::Message(frame)));
        }
        self.ping_deadline = None;
        self.ttl_deadline = None;
        let msg = self.mechanism.decode(frame)?;
        if !msg.is_command() {
            return Ok(Some(Event::Message(msg)));
        }
        let subscribe = match Command::parse(msg.data()) {
            Command::Ping { ttl, context } => {
                let pong = command::pong(context);
                if ttl > 0 {
                    self.peer_ttl = true;
                    let ttl = Duration::from_millis(u64::from(ttl) * 100);
                    self.ttl_deadline = now.checked_add(ttl);
                }
                self.send_command(&pong)?;
                return Ok(None);
            }
            Command::Subscribe(topic) => (1, topic),
            Command::Cancel(topic) => (0, topic),
            // A RADIO's pipe carries its DISHes' JOIN and LEAVE commands as they came.
            Command::Membership if self.socket_type == crate::zmtp::properties::RADIO => {
                return Ok(Some(Event::Message(msg)));
            }
            // Other commands are dropped, as libzmq's session does.
            Command::Pong | Command::Membership | Command::Other => return Ok(None),
        };
        let (flag, topic) = subscribe;
        let mut payload = Vec::with_capacity(1 + topic.len());
        payload.push(flag);
        payload.extend_from_slice(topic);
        let mut sub = Msg::from_slice(&payload);
        sub.set_subscription(true);
        Ok(Some(Event::Message(sub)))
    }

    fn send_ping(&mut self, now: Instant) -> Result<(), Failure> {
        let Some(ivl) = self.heartbeat_ivl else {
            self.next_ping = None;
            return Ok(());
        };
        self.send_command(&command::ping(self.heartbeat_ttl))?;
        self.next_ping = now.checked_add(ivl);
        // Not while the caller holds input back: we could not tell that the peer answered.
        if self.ping_deadline.is_none() && self.drained {
            let timeout = self.heartbeat_timeout.unwrap_or(ivl);
            if !timeout.is_zero() {
                self.ping_deadline = now.checked_add(timeout);
            }
        }
        Ok(())
    }

    /// Sends a command through the mechanism.
    fn send_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        let msg = self.mechanism.encode(command_msg(body))?;
        self.output.push_frame(Framing::V2, msg);
        Ok(())
    }

    /// Sends a message through the mechanism.
    fn send_encoded(&mut self, msg: &mut Msg) -> Result<(), Failure> {
        if self.transforms {
            let msg = self.mechanism.encode(std::mem::take(msg))?;
            self.output.push_frame(Framing::V2, msg);
        } else {
            self.output.push_frame_from(Framing::V2, msg);
        }
        Ok(())
    }
}

fn framing(version: Version) -> Framing {
    match version {
        Version::V1 => Framing::V1,
        _ => Framing::V2,
    }
}

fn is_v3(version: Version) -> bool {
    matches!(version, Version::V3_0 | Version::V3_1)
}

fn command_msg(body: &[u8]) -> Msg {
    let mut msg = Msg::from_slice(body);
    msg.set_command(true);
    msg
}
