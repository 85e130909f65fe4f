//! PUB, SUB, XPUB and XSUB: publish-subscribe (RFC 29).
//!
//! Subscriptions travel upstream, from subscriber to publisher, as messages whose first byte is
//! 1 (subscribe) or 0 (unsubscribe) followed by the topic prefix. The publisher keeps them in an
//! [`MTrie`] and sends each message only to the pipes with a matching prefix; the subscriber
//! keeps its own in a [`Trie`], to resend them to every new publisher and to filter what it
//! receives.
#![forbid(unsafe_code)]

use std::collections::VecDeque;

use super::pipes::Pipes;
use super::{Behaviour, flag_option};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::options::{Options, ids};
use crate::routing::{Distributor, FairQueue, MTrie, PipeKey, PipeSet, Trie};

/// A subscription message: `1` + topic, or `0` + topic to unsubscribe.
fn subscription(subscribe: bool, topic: &[u8]) -> Msg {
    let mut data = Vec::with_capacity(topic.len() + 1);
    data.push(u8::from(subscribe));
    data.extend_from_slice(topic);
    Msg::from_slice(&data)
}

/// Where a message an XPUB reports came from: it decides the pipe a manual ZMQ_SUBSCRIBE acts on.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// A (un)subscription from this subscriber.
    Subscriber(PipeKey),
    /// The unsubscription of a subscriber that is gone.
    Gone,
    /// Any other message from a subscriber.
    Data,
}

/// The XPUB and PUB socket types.
#[derive(Debug, Default)]
pub(crate) struct XPub {
    /// PUB: subscriptions are used but never shown to the application.
    quiet: bool,
    dist: Distributor,
    subscriptions: MTrie,
    /// Subscription (and other upstream) messages for the application to receive, with where
    /// each came from.
    pending: VecDeque<(Msg, Origin)>,
    /// ZMQ_XPUB_MANUAL: the application decides which subscriptions take effect.
    manual: bool,
    /// In manual mode, what each subscriber asked for (to report when it goes).
    requested: MTrie,
    /// The pipe of the last subscription the application received (manual mode).
    last_pipe: Option<PipeKey>,
    /// ZMQ_XPUB_MANUAL_LAST_VALUE: the first message after a subscription was received goes to
    /// its subscriber alone (to send it the last value of the topic).
    send_last_pipe: bool,
    /// ZMQ_ONLY_FIRST_SUBSCRIBE: only a message's first frame may be a subscription.
    only_first: bool,
    /// ZMQ_XPUB_VERBOSE: report every subscription, not only the first to a topic.
    verbose_subs: bool,
    /// ZMQ_XPUB_VERBOSER: report every unsubscription too.
    verbose_unsubs: bool,
    /// ZMQ_XPUB_NODROP: fail with EAGAIN instead of dropping at the high-water mark.
    nodrop: bool,
    /// ZMQ_INVERT_MATCHING.
    invert: bool,
    /// ZMQ_XPUB_WELCOME_MSG, sent to each new subscriber.
    welcome: Option<Vec<u8>>,
    /// In the middle of sending a multipart message.
    more_send: bool,
    /// In the middle of reading a multipart message from a subscriber.
    more_recv: bool,
    /// Whether the frames of the message being read may be subscriptions (ZMQ_ONLY_FIRST_SUBSCRIBE:
    /// only when its first frame was one).
    process_subscribe: bool,
    /// The pipes attached, to read subscriptions from.
    pipes: Vec<PipeKey>,
}

impl XPub {
    pub(crate) fn new(quiet: bool) -> Self {
        XPub {
            quiet,
            ..Self::default()
        }
    }

    /// Reads the subscriptions waiting in a pipe.
    fn read_subscriptions(&mut self, pipes: &mut Pipes, key: PipeKey) {
        while let Some(mut msg) = pipes.read(key) {
            let first = !self.more_recv;
            self.more_recv = msg.more();
            let subscribing = match msg.data().first() {
                Some(&b) if b <= 1 && (first || self.process_subscribe) => Some(b == 1),
                _ => None,
            };
            if first {
                self.process_subscribe = !self.only_first || subscribing.is_some();
            }
            let Some(subscribe) = subscribing else {
                // Any other message from a subscriber goes to the application (XPUB only).
                self.report(msg, Origin::Data);
                continue;
            };
            // A notification stands alone, whatever frame it came in.
            msg.set_more(false);
            if self.manual {
                // The application decides, with ZMQ_SUBSCRIBE / ZMQ_UNSUBSCRIBE after receiving.
                if subscribe {
                    self.requested.add(&msg.data()[1..], key);
                } else {
                    self.requested.remove(&msg.data()[1..], key);
                }
                self.report(msg, Origin::Subscriber(key));
                continue;
            }
            let topic = &msg.data()[1..];
            let notify = if subscribe {
                self.subscriptions.add(topic, key) || self.verbose_subs
            } else {
                // Reported unless other subscribers keep the topic (even one never subscribed).
                self.subscriptions.remove(topic, key) != Some(false) || self.verbose_unsubs
            };
            if notify {
                self.report(msg, Origin::Subscriber(key));
            }
        }
    }

    fn report(&mut self, msg: Msg, origin: Origin) {
        if !self.quiet {
            self.pending.push_back((msg, origin));
        }
    }

    fn take_pending(&mut self) -> Option<Msg> {
        let (msg, origin) = self.pending.pop_front()?;
        match origin {
            Origin::Subscriber(key) => self.last_pipe = Some(key),
            Origin::Gone => self.last_pipe = None,
            Origin::Data => {}
        }
        Some(msg)
    }
}

impl Behaviour for XPub {
    fn topics_count(&self) -> Option<usize> {
        Some(self.subscriptions.num_prefixes())
    }

    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        // Subscriptions still queued when a subscriber goes no longer matter.
        pipes.set_delay(key, false);
        self.dist.attach(key);
        self.pipes.push(key);
        if let Some(welcome) = &self.welcome {
            if pipes.write(key, Msg::from_slice(welcome)).is_ok() {
                pipes.flush(key);
            }
        }
        self.read_subscriptions(pipes, key);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, key: PipeKey) {
        self.read_subscriptions(pipes, key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.dist.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        let removed = self.subscriptions.remove_pipe_all(key);
        if self.manual {
            // The application hears about every topic the subscriber had asked for.
            for (topic, _) in self.requested.remove_pipe_all(key) {
                self.report(subscription(false, &topic), Origin::Gone);
            }
        } else {
            // The last subscriber of a topic left (or any, when verbose): an unsubscription.
            for (topic, last) in removed {
                if last || self.verbose_unsubs {
                    self.report(subscription(false, &topic), Origin::Gone);
                }
            }
        }
        self.dist.terminated(key);
        self.pipes.retain(|&k| k != key);
        // A subscription received later must not act on the gone pipe's key (it may be reused).
        for (_, origin) in &mut self.pending {
            if matches!(origin, Origin::Subscriber(k) if *k == key) {
                *origin = Origin::Gone;
            }
        }
        if self.last_pipe == Some(key) {
            self.last_pipe = None;
        }
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        let more = msg.more();
        if !self.more_send {
            self.dist.unmatch();
            let dist = &mut self.dist;
            match self.last_pipe.take() {
                Some(last) if self.manual && self.send_last_pipe => {
                    self.subscriptions.matching(msg.data(), |key| {
                        if key == last {
                            dist.match_pipe(key);
                        }
                    });
                }
                last => {
                    self.last_pipe = last;
                    self.subscriptions
                        .matching(msg.data(), |key| dist.match_pipe(key));
                }
            }
            if self.invert {
                self.dist.reverse_match();
            }
        }
        if self.nodrop && !self.dist.check_hwm(pipes) {
            return Err((Error::Again, msg));
        }
        self.dist.send_to_matching(pipes, msg);
        self.more_send = more;
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        if self.quiet {
            return Err(Error::NotSup);
        }
        for key in self.pipes.clone() {
            self.read_subscriptions(pipes, key);
        }
        self.take_pending().ok_or(Error::Again)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if self.quiet {
            return false;
        }
        for key in self.pipes.clone() {
            self.read_subscriptions(pipes, key);
        }
        !self.pending.is_empty()
    }

    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        true
    }

    fn set_option(&mut self, _pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        match id {
            ids::XPUB_WELCOME_MSG => {
                self.welcome = if value.is_empty() {
                    None
                } else {
                    Some(value.to_vec())
                };
                Some(Ok(()))
            }
            ids::SUBSCRIBE | ids::UNSUBSCRIBE if self.manual => {
                if let Some(key) = self.last_pipe {
                    if id == ids::SUBSCRIBE {
                        self.subscriptions.add(value, key);
                    } else {
                        self.subscriptions.remove(value, key);
                    }
                }
                Some(Ok(()))
            }
            ids::XPUB_VERBOSE
            | ids::XPUB_VERBOSER
            | ids::XPUB_NODROP
            | ids::XPUB_MANUAL
            | ids::XPUB_MANUAL_LAST_VALUE
            | ids::ONLY_FIRST_SUBSCRIBE => Some(flag_option(value).map(|v| match id {
                ids::XPUB_VERBOSE => self.verbose_subs = v,
                // VERBOSER reports unsubscriptions as well as subscriptions.
                ids::XPUB_VERBOSER => (self.verbose_subs, self.verbose_unsubs) = (v, v),
                ids::XPUB_NODROP => self.nodrop = v,
                ids::ONLY_FIRST_SUBSCRIBE => self.only_first = v,
                ids::XPUB_MANUAL_LAST_VALUE => (self.manual, self.send_last_pipe) = (v, v),
                _ => self.manual = v,
            })),
            _ => None,
        }
    }

    fn options_changed(&mut self, options: &Options) {
        self.invert = options.invert_matching;
    }
}

/// The XSUB and SUB socket types.
#[derive(Debug, Default)]
pub(crate) struct XSub {
    /// SUB: subscriptions come from ZMQ_SUBSCRIBE, and the application cannot send.
    sub: bool,
    fq: FairQueue,
    dist: Distributor,
    subscriptions: Trie,
    /// A message read ahead by has_in, waiting to be received.
    prefetched: VecDeque<Msg>,
    /// In the middle of receiving a multipart message (its later frames are not filtered).
    more_recv: bool,
    /// In the middle of sending a multipart message.
    more_send: bool,
    /// ZMQ_ONLY_FIRST_SUBSCRIBE (XSUB): only a message's first frame may be a subscription.
    only_first: bool,
    /// Whether the frames of the message being sent may be subscriptions.
    process_subscribe: bool,
    invert: bool,
    /// ZMQ_XSUB_VERBOSE_UNSUBSCRIBE: every unsubscription goes upstream, not only the last.
    verbose_unsubscribe: bool,
    /// Subscriptions held, each ZMQ_SUBSCRIBE counted (ZMQ_TOPICS_COUNT, as libzmq's radix
    /// tree counts them).
    topics: usize,
}

impl XSub {
    pub(crate) fn new(sub: bool) -> Self {
        XSub {
            sub,
            ..Self::default()
        }
    }

    /// Whether a received message passes: SUB filters by its subscriptions; XSUB passes
    /// everything, as the publisher already matched it (libzmq filters only for SUB).
    fn matches(&self, msg: &Msg) -> bool {
        !self.sub || self.subscriptions.check(msg.data()) ^ self.invert
    }

    /// Sends every current subscription to a publisher (new, or reconnected).
    fn send_subscriptions(&mut self, pipes: &mut Pipes, key: PipeKey) {
        let mut topics = Vec::new();
        self.subscriptions
            .for_each(|topic| topics.push(topic.to_vec()));
        for topic in topics {
            let mut msg = subscription(true, &topic);
            msg.set_subscription(true);
            let _ = pipes.write(key, msg);
        }
        pipes.flush(key);
    }

    /// Processes a frame the application sends upstream (XSUB) or a ZMQ_SUBSCRIBE /
    /// ZMQ_UNSUBSCRIBE (SUB).
    fn upstream(&mut self, pipes: &mut Pipes, msg: Msg) {
        // A frame that starts with 1 or 0 is a (un)subscription, as libzmq 4.3 reads them;
        // with ZMQ_ONLY_FIRST_SUBSCRIBE, only while the message's frames so far were ones.
        let first = !self.more_send;
        self.more_send = msg.more();
        if first {
            self.process_subscribe = !self.only_first;
        }
        let data = msg.data();
        if first || self.process_subscribe {
            if data.first() == Some(&1) {
                self.subscriptions.add(&data[1..]);
                self.topics += 1;
                self.process_subscribe = true;
            } else if data.first() == Some(&0) {
                self.process_subscribe = true;
                if self.subscriptions.contains(&data[1..]) {
                    self.topics -= 1;
                }
                if !self.subscriptions.remove(&data[1..]) && !self.verbose_unsubscribe {
                    // Not the last subscription to the topic: the publisher keeps sending.
                    return;
                }
            }
        }
        self.dist.send_to_all(pipes, msg);
    }

    /// The next message that passes the filter, if one is waiting.
    fn fetch(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        let mut msg = Msg::new();
        self.fetch_into(pipes, &mut msg)?;
        Ok(msg)
    }

    /// As `fetch`, into `out` (replaced; on failure unchanged, or emptied once a message no
    /// subscription matched went through it): frames move from the pipe straight to the caller.
    fn fetch_into(&mut self, pipes: &mut Pipes, out: &mut Msg) -> Result<()> {
        if let Some(msg) = self.prefetched.pop_front() {
            *out = msg;
            return Ok(());
        }
        loop {
            self.fq.recv_into(pipes, out)?;
            if self.more_recv || self.matches(out) {
                self.more_recv = out.more();
                return Ok(());
            }
            // Not subscribed: drop the whole message.
            let mut more = out.more();
            while more && self.fq.recv_into(pipes, out).is_ok() {
                more = out.more();
            }
            *out = Msg::new();
        }
    }
}

impl Behaviour for XSub {
    fn topics_count(&self) -> Option<usize> {
        Some(self.topics)
    }

    fn attach(&mut self, pipes: &mut Pipes, key: PipeKey, _locally_initiated: bool) {
        self.fq.attach(key);
        self.dist.attach(key);
        self.send_subscriptions(pipes, key);
    }

    fn hiccuped(&mut self, pipes: &mut Pipes, key: PipeKey) {
        // A reconnected publisher knows nothing of us yet.
        self.send_subscriptions(pipes, key);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, key: PipeKey) {
        self.fq.activated(key);
    }

    fn write_activated(&mut self, key: PipeKey) {
        self.dist.activated(key);
    }

    fn terminated(&mut self, key: PipeKey) {
        self.fq.terminated(key);
        self.dist.terminated(key);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> std::result::Result<(), (Error, Msg)> {
        if self.sub {
            return Err((Error::NotSup, msg));
        }
        self.upstream(pipes, msg);
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes) -> Result<Msg> {
        self.fetch(pipes)
    }

    fn recv_into(&mut self, pipes: &mut Pipes, msg: &mut Msg) -> Result<()> {
        self.fetch_into(pipes, msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if !self.prefetched.is_empty() || self.more_recv {
            return true;
        }
        match self.fetch(pipes) {
            Ok(msg) => {
                self.prefetched.push_back(msg);
                true
            }
            Err(_) => false,
        }
    }

    fn has_out(&mut self, _pipes: &mut Pipes) -> bool {
        !self.sub
    }

    fn set_option(&mut self, pipes: &mut Pipes, id: i32, value: &[u8]) -> Option<Result<()>> {
        match id {
            ids::SUBSCRIBE | ids::UNSUBSCRIBE if self.sub => {
                let mut msg = subscription(id == ids::SUBSCRIBE, value);
                msg.set_subscription(true);
                self.upstream(pipes, msg);
                Some(Ok(()))
            }
            ids::ONLY_FIRST_SUBSCRIBE if !self.sub => {
                Some(flag_option(value).map(|v| self.only_first = v))
            }
            ids::XSUB_VERBOSE_UNSUBSCRIBE if !self.sub && crate::options::DRAFT_API => {
                Some(crate::options::codec::int(value).map(|v| self.verbose_unsubscribe = v != 0))
            }
            _ => None,
        }
    }

    fn options_changed(&mut self, options: &Options) {
        self.invert = options.invert_matching;
    }
}
