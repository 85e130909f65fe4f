//! Tests of whole connections: two of ours back to back, ours against byte streams recorded
//! from libzmq 4.3.4, hostile input, and the timers.

mod curve;
mod hostile;
mod libzmq;
mod pair;
mod plain;
mod timers;
mod zap;

use std::time::Instant;

use crate::msg::Msg;
use crate::zmtp::{Config, Connection, Event, Failure, Version};

pub(super) const PAIR: i32 = 0;
pub(super) const PUB: i32 = 1;
pub(super) const SUB: i32 = 2;
pub(super) const REQ: i32 = 3;
pub(super) const REP: i32 = 4;
pub(super) const DEALER: i32 = 5;
pub(super) const ROUTER: i32 = 6;
pub(super) const PULL: i32 = 7;
pub(super) const PUSH: i32 = 8;
pub(super) const XPUB: i32 = 9;
pub(super) const XSUB: i32 = 10;

/// Every pair of socket types libzmq lets talk.
pub(super) const COMPATIBLE: [(i32, i32); 21] = [
    (PAIR, PAIR),
    (PUB, SUB),
    (PUB, XSUB),
    (SUB, PUB),
    (SUB, XPUB),
    (REQ, REP),
    (REQ, ROUTER),
    (REP, REQ),
    (REP, DEALER),
    (DEALER, REP),
    (DEALER, DEALER),
    (DEALER, ROUTER),
    (ROUTER, REQ),
    (ROUTER, DEALER),
    (ROUTER, ROUTER),
    (PULL, PUSH),
    (PUSH, PULL),
    (XPUB, SUB),
    (XPUB, XSUB),
    (XSUB, PUB),
    (XSUB, XPUB),
];

pub(super) fn config(socket_type: i32, routing_id: &[u8]) -> Config {
    Config {
        socket_type,
        routing_id: routing_id.to_vec(),
        ..Config::default()
    }
}

pub(super) fn conn(socket_type: i32, routing_id: &[u8], now: Instant) -> Connection {
    Connection::new(config(socket_type, routing_id), now)
}

/// Takes every pending output byte.
pub(super) fn take_output(c: &mut Connection) -> Vec<u8> {
    let out: Vec<u8> = c.output().iter().flat_map(|s| s.iter().copied()).collect();
    c.output_consumed(out.len());
    assert_eq!(c.output_len(), 0);
    out
}

/// The next event as a session takes it: the data frames at hand through the fast path
/// first, then `poll_event` for the rest; so every test of a connection runs both paths.
fn next_events(c: &mut Connection, now: Instant, events: &mut Vec<Event>) -> Result<bool, Failure> {
    c.deliver_data_frames(|frame| {
        events.push(Event::Message(frame.into_msg()));
        true
    });
    match c.poll_event(now)? {
        Some(event) => {
            events.push(event);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Every event available now, or the failure that ended them.
pub(super) fn poll_all(c: &mut Connection, now: Instant) -> Result<Vec<Event>, Failure> {
    let mut events = Vec::new();
    while next_events(c, now, &mut events)? {}
    Ok(events)
}

/// Polls every event, answering ZAP requests with `zap` as they come.
pub(super) fn poll_serving(
    c: &mut Connection,
    now: Instant,
    zap: &mut Option<ZapHandler>,
    events: &mut Vec<Event>,
) -> Result<(), Failure> {
    loop {
        let before = events.len();
        let more = next_events(c, now, events)?;
        if let Some(Event::ZapRequest(request)) = events.get(before..).and_then(|e| e.last()) {
            let reply = zap.as_mut().and_then(|handler| handler(request));
            c.zap_reply(reply.as_deref())?;
        }
        if !more {
            return Ok(());
        }
    }
}

/// A command frame around `body`, short or long as its size needs.
pub(super) fn command(body: &[u8]) -> Vec<u8> {
    let mut f = match u8::try_from(body.len()) {
        Ok(n) => vec![0x04, n],
        Err(_) => {
            let mut f = vec![0x06];
            f.extend_from_slice(&(body.len() as u64).to_be_bytes());
            f
        }
    };
    f.extend_from_slice(body);
    f
}

/// Feeds bytes and returns the events they produce (panics on failure).
pub(super) fn feed(c: &mut Connection, bytes: &[u8], now: Instant) -> Vec<Event> {
    c.handle_input(bytes, now);
    poll_all(c, now).expect("no failure")
}

/// Feeds bytes and returns the failure they must cause.
pub(super) fn feed_failure(c: &mut Connection, bytes: &[u8], now: Instant) -> Failure {
    c.handle_input(bytes, now);
    poll_all(c, now).expect_err("a failure")
}

/// A frame as a comparable value: payload, more, subscription, command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Frame {
    pub data: Vec<u8>,
    pub more: bool,
    pub subscription: bool,
}

impl Frame {
    pub(super) fn new(data: &[u8], more: bool) -> Frame {
        Frame {
            data: data.to_vec(),
            more,
            subscription: false,
        }
    }

    pub(super) fn sub(data: &[u8]) -> Frame {
        Frame {
            data: data.to_vec(),
            more: false,
            subscription: true,
        }
    }

    pub(super) fn to_msg(&self) -> Msg {
        let mut msg = Msg::from_slice(&self.data);
        msg.set_more(self.more);
        msg.set_subscription(self.subscription);
        msg
    }
}

/// The Ready event's content: version, peer routing id, peer socket type.
pub(super) type Ready = (Version, Option<Vec<u8>>, Option<i32>);

/// Splits events into the Ready events and the message frames.
pub(super) fn split(events: Vec<Event>) -> (Vec<Ready>, Vec<Frame>) {
    let mut ready = Vec::new();
    let mut frames = Vec::new();
    for event in events {
        match event {
            Event::Ready {
                version,
                peer_routing_id,
                peer_socket_type,
                ..
            } => {
                assert!(frames.is_empty(), "Ready after a message");
                ready.push((version, peer_routing_id, peer_socket_type));
            }
            Event::Message(msg) => frames.push(Frame {
                data: msg.data().to_vec(),
                more: msg.more(),
                subscription: msg.is_subscription(),
            }),
            Event::ZapRequest(_) => {}
        }
    }
    (ready, frames)
}

/// A ZAP handler for a [`Link`]: the request's frames in, the reply's out (`None`: no handler
/// bound).
pub(super) type ZapHandler = Box<dyn FnMut(&[Msg]) -> Option<Vec<Msg>>>;

/// Two of our connections joined in memory.
pub(super) struct Link {
    pub a: Connection,
    pub b: Connection,
    pub now: Instant,
    /// Answers A's ZAP requests (none: A's requests are told there is no handler).
    pub zap_a: Option<ZapHandler>,
    /// Answers B's ZAP requests.
    pub zap_b: Option<ZapHandler>,
    pub a_events: Vec<Event>,
    pub b_events: Vec<Event>,
    pub a_failure: Option<Failure>,
    pub b_failure: Option<Failure>,
}

impl Link {
    pub(super) fn new(a: Config, b: Config) -> Link {
        let now = Instant::now();
        Link {
            a: Connection::new(a, now),
            b: Connection::new(b, now),
            now,
            zap_a: None,
            zap_b: None,
            a_events: Vec::new(),
            b_events: Vec::new(),
            a_failure: None,
            b_failure: None,
        }
    }

    /// Moves bytes both ways, at most `chunk` at a time, polling after each, until nothing
    /// moves. `first` limits the very first piece sent each way (to split at an offset).
    pub(super) fn run(&mut self, chunk: usize, first: Option<usize>) {
        let mut limit_a = first;
        let mut limit_b = first;
        loop {
            let moved_ab = transfer(
                &mut self.a,
                &mut self.b,
                chunk,
                &mut limit_a,
                self.now,
                Inbox {
                    events: &mut self.b_events,
                    failure: &mut self.b_failure,
                    zap: &mut self.zap_b,
                },
            );
            let moved_ba = transfer(
                &mut self.b,
                &mut self.a,
                chunk,
                &mut limit_b,
                self.now,
                Inbox {
                    events: &mut self.a_events,
                    failure: &mut self.a_failure,
                    zap: &mut self.zap_a,
                },
            );
            if !moved_ab && !moved_ba {
                break;
            }
        }
    }

    pub(super) fn send_a(&mut self, frames: &[Frame]) {
        for f in frames {
            assert!(self.a.send(f.to_msg()).is_ok());
        }
    }

    pub(super) fn send_b(&mut self, frames: &[Frame]) {
        for f in frames {
            assert!(self.b.send(f.to_msg()).is_ok());
        }
    }
}

/// Where what a connection receives goes.
struct Inbox<'a> {
    events: &'a mut Vec<Event>,
    failure: &'a mut Option<Failure>,
    zap: &'a mut Option<ZapHandler>,
}

fn transfer(
    from: &mut Connection,
    to: &mut Connection,
    chunk: usize,
    limit: &mut Option<usize>,
    now: Instant,
    inbox: Inbox<'_>,
) -> bool {
    let Inbox {
        events,
        failure,
        zap,
    } = inbox;
    let mut moved = false;
    while from.output_len() > 0 && failure.is_none() {
        let n = from
            .output_len()
            .min(chunk)
            .min(limit.take().unwrap_or(usize::MAX));
        let bytes: Vec<u8> = from
            .output()
            .iter()
            .flat_map(|s| s.iter().copied())
            .take(n)
            .collect();
        from.output_consumed(n);
        to.handle_input(&bytes, now);
        moved = true;
        if let Err(f) = poll_serving(to, now, zap, events) {
            *failure = Some(f);
        }
        // A piece of the greeting may make the peer answer before we send more.
        if n < chunk {
            break;
        }
    }
    moved
}

/// A small deterministic generator for random inputs.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Fewer than `max` random bytes.
    pub(super) fn bytes_up_to(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        (0..n).map(|_| self.next() as u8).collect()
    }
}
