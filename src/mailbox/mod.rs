//! Mailboxes: how threads talk. Any thread may post a command; only the owner receives.
//!
//! Commands travel through a `ypipe` whose writing end is shared under a lock; the owner is
//! woken through its `Signaler` only when it had gone to sleep (found the pipe empty), so a busy
//! owner receives commands without any system call. The signaler's descriptor is the socket's
//! ZMQ_FD: readable while commands may be waiting, cleared when the owner drains them.
#![forbid(unsafe_code)]

mod signaler;

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

pub use self::signaler::Signaler;
use crate::error::{Error, Result};
use crate::pipe::ypipe::{Reader, Writer, ypipe};

/// How long a wait watches for what it waits for before it sleeps (see `Spinner`): a command
/// in its mailbox, or its connection turning readable (`Mailbox::recv_or_readable`). On this
/// virtual machine a thread woken on another processor waits for it to leave its idle halt
/// (20-70 µs): a spin shorter than that ends before a sleeping peer has even woken to answer,
/// so both sides sleep on every round trip. With 10 µs, inproc request-reply took 4-28 µs one
/// way (libzmq 2-20); with 50 µs, 0.5-0.9 µs. Over ipc and tcp a 10 µs spin did not shorten
/// round trips at all (ipc 64 KiB: 80-190 µs one way), 50 µs took them to 28-53.
const SPIN: Duration = Duration::from_micros(50);
/// A yield that took longer ran another thread: this processor is wanted. A yield with no
/// other thread to run is a system call (~0.6 µs here); handing over takes several µs.
const ALONE: Duration = Duration::from_micros(2);
/// Spins after a yield that came back at once, before the next that yields first.
const ALONE_FOR: u32 = 15;
/// How many checks of the mailbox between two looks at the clock while spinning.
const SPIN_CHECKS: u32 = 32;

/// The posting side of a mailbox; cheap to clone, usable from any thread.
pub struct MailboxSender<C> {
    shared: Arc<Shared<C>>,
}

struct Shared<C> {
    writer: Mutex<Writer<C>>,
    signaler: Signaler,
}

/// The receiving side of a mailbox, held by its owner alone.
pub struct Mailbox<C> {
    shared: Arc<Shared<C>>,
    reader: Reader<C>,
    /// Whether the owner is draining commands (awake); when false it must wait on the signaler.
    active: bool,
    /// Whether waits yield and spin first (see `before_sleep`).
    yielding: bool,
    /// Whether and how waits yield and spin first.
    spinner: Spinner,
    /// The same for waits on a connection as well (`recv_or_readable`).
    input_spinner: Spinner,
}

impl<C: Send> Mailbox<C> {
    /// A new mailbox.
    pub fn new() -> Result<Self> {
        let (writer, mut reader) = ypipe();
        // Put the reader to sleep now, so that the first post signals an owner that starts by
        // waiting (or polling ZMQ_FD).
        let ready = reader.check_read();
        debug_assert!(!ready);
        let shared = Arc::new(Shared {
            writer: Mutex::new(writer),
            signaler: Signaler::new()?,
        });
        Ok(Mailbox {
            shared,
            reader,
            active: false,
            yielding: true,
            spinner: Spinner::default(),
            input_spinner: Spinner::default(),
        })
    }

    /// A sender for this mailbox.
    pub fn sender(&self) -> MailboxSender<C> {
        MailboxSender {
            shared: self.shared.clone(),
        }
    }

    /// The descriptor that is readable while commands may be waiting (ZMQ_FD).
    pub fn fd(&self) -> std::os::fd::RawFd {
        self.shared.signaler.fd()
    }

    /// The next command, waiting at most `timeout` for one (None: forever; zero: not at all).
    /// `Error::Again` when none came in time, `Error::Intr` when a signal handler ran.
    pub fn recv(&mut self, timeout: Option<Duration>) -> Result<C> {
        // Found empty, the reader is left asleep: the next post will signal.
        if let Some(command) = self.next_posted() {
            return Ok(command);
        }
        if timeout != Some(Duration::ZERO) {
            if let Some(command) = self.before_sleep() {
                return Ok(command);
            }
        }
        self.wait_signalled(timeout, |signaler, left| signaler.wait(left).map(|()| true))?
            .ok_or(Error::Again)
    }

    /// Waits with `wait` (false: something else than the signal woke it) for at most `timeout`
    /// until a signal brings a command, past stale signals (see `take_signalled`): the
    /// command, or None when `wait` said false.
    fn wait_signalled(
        &mut self,
        timeout: Option<Duration>,
        mut wait: impl FnMut(&Signaler, Option<Duration>) -> Result<bool>,
    ) -> Result<Option<C>> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            if !wait(&self.shared.signaler, remaining(deadline))? {
                return Ok(None);
            }
            if let Some(command) = self.take_signalled() {
                return Ok(Some(command));
            }
            if deadline.is_some_and(|at| Instant::now() >= at) {
                return Err(Error::Again);
            }
        }
    }

    /// After a wait that found the signal raised: lowers it and takes the command behind it.
    /// None when the signal was stale: raised by a post whose command was taken without a
    /// wait (`try_recv`, or a spin that woke the reader while the post was signalling). The
    /// reader is then asleep again, and the caller waits on.
    fn take_signalled(&mut self) -> Option<C> {
        self.shared.signaler.recv();
        self.active = true;
        self.next_posted()
    }
}

/// What is left of the time until `deadline` (None: forever, as for a timeout too long to
/// have an end).
fn remaining(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|at| at.saturating_duration_since(Instant::now()))
}

impl<C: Send> Mailbox<C> {
    /// As `recv`, also waking when `input` turns readable (a connection the owner may read
    /// itself): `Ok(None)` then, with no command read.
    ///
    /// Before it sleeps it yields and spins as an inproc wait does (`Spinner`), watching the
    /// connection too, for up to `SPIN`, whatever the socket's endpoints: the answer it
    /// waits for comes from the peer, not from an I/O thread of ours. A thread woken on
    /// another processor of a virtual machine waits for it to leave its idle halt: over ipc a
    /// 64 KiB request-reply took 63-74 µs one way, 28-53 with the spin (libzmq 73-125). As
    /// there, it spins only where the yield found the processor free, and vain spins make the
    /// next waits skip it (up to 64 of them).
    pub fn recv_or_readable(
        &mut self,
        timeout: Option<Duration>,
        input: std::os::fd::RawFd,
    ) -> Result<Option<C>> {
        if let Some(command) = self.next_posted() {
            return Ok(Some(command));
        }
        if timeout != Some(Duration::ZERO) {
            let mut spinner = std::mem::take(&mut self.input_spinner);
            let found = spinner.before_sleep(&mut InputWatch {
                mailbox: self,
                input,
            });
            self.input_spinner = spinner;
            if let Some(found) = found {
                return Ok(found);
            }
        }
        self.wait_signalled(timeout, |signaler, left| signaler.wait_or(input, left))
    }
}

/// A mailbox and a connection its owner reads itself, watched together before a sleep: what
/// a spin finds is a command, or None when the connection turned readable.
struct InputWatch<'a, C> {
    mailbox: &'a mut Mailbox<C>,
    input: std::os::fd::RawFd,
}

impl<C> InputWatch<'_, C> {
    fn readable(&self) -> bool {
        crate::sys::poll_readable(self.input, Some(Duration::ZERO)).unwrap_or(false)
    }
}

impl<C: Send> Watched for InputWatch<'_, C> {
    type Found = Option<C>;

    fn pending(&mut self) -> bool {
        self.mailbox.has_posted() || self.readable()
    }

    /// Watches both with the reader awake; asleep again when no command came.
    fn spin(&mut self) -> Option<Option<C>> {
        self.mailbox.wake();
        spin_until(|| self.mailbox.reader.has_new() || self.readable());
        match self.mailbox.next_posted() {
            Some(command) => Some(Some(command)),
            None => self.readable().then_some(None),
        }
    }
}

impl<C: Send> Mailbox<C> {
    /// Wakes the owner from within, after a wait: commands posted from now on (by this
    /// thread's own work) come without a signal, for `next_posted` to take.
    pub fn wake(&mut self) {
        if self.active {
            return;
        }
        if !self.reader.wake() {
            // A post found the owner asleep and signalled: lower the signal.
            self.shared.signaler.recv();
        }
        self.active = true;
    }

    /// Whether waits yield and spin first: a socket's mailbox does while the socket only talks to
    /// other sockets of the process (inproc).
    pub fn set_yielding(&mut self, on: bool) {
        self.yielding = on;
    }

    /// Whether waits yield and spin first (`set_yielding`).
    pub fn is_yielding(&self) -> bool {
        self.yielding
    }

    /// Whether a command was posted since the last read, with a single atomic load (the
    /// reader stays as it is).
    pub fn has_posted(&mut self) -> bool {
        self.reader.has_new()
    }

    /// Before a wait that would put the thread to sleep, an inproc-only socket's thread tries
    /// two cheaper ways to get the command it waits for.
    ///
    /// It gives the processor up once (`sched_yield`): where more threads than processors take
    /// turns (a ROUTER and its DEALER threads, a publisher and its subscribers), the thread
    /// that will post the next command often runs then, and the wait finds it instead of
    /// sleeping and being woken (two context switches and a system call each way).
    ///
    /// When the yield came back at once (no other thread wanted this processor), it then
    /// watches the mailbox for a while (`SPIN`) with the reader awake: a peer on another
    /// processor that answers within it posts without signalling, and neither side makes a
    /// system call or waits for the scheduler (an inproc round trip through sleeps and
    /// wake-ups takes ~20 µs on this machine; spinning, ~1 µs). Where another thread did run
    /// during the yield, spinning would take its processor, so the thread sleeps. Once a yield
    /// found the processor free, the next `ALONE_FOR` spins go without one (a yield is a
    /// system call, ~0.6 µs here).
    ///
    /// Each costs for nothing when it finds nothing, so after each vain yield, or vain (or
    /// forgone) spin, the next ones are skipped for twice as many waits, up to 64, until one
    /// pays again. A socket with tcp or ipc endpoints does neither (`set_yielding`): what it
    /// waits for comes from an I/O thread, and handing the processor to it made tcp throughput
    /// a quarter slower (a wait on a connection the thread reads itself does both:
    /// `recv_or_readable`). Returns the command the spin found, or None with the reader asleep
    /// (the wait then finds at once what came during the yield).
    fn before_sleep(&mut self) -> Option<C> {
        if !self.yielding {
            return None;
        }
        let mut spinner = std::mem::take(&mut self.spinner);
        let command = spinner.before_sleep(self);
        self.spinner = spinner;
        command
    }
}

impl<C: Send> Watched for Mailbox<C> {
    type Found = C;

    fn pending(&mut self) -> bool {
        self.has_posted()
    }

    /// Watches the mailbox with the reader awake (posts do not signal); the reader is asleep
    /// again when nothing came.
    fn spin(&mut self) -> Option<C> {
        // A post that signalled since the reader fell asleep is taken now.
        self.wake();
        spin_until(|| self.reader.has_new());
        // What came, or asleep again (unless a command came at the last moment).
        self.next_posted()
    }
}

/// What a thread about to sleep watches (see `Spinner`).
pub trait Watched {
    /// What a spin finds.
    type Found;
    /// Whether what the thread waits for has come, without a system call.
    fn pending(&mut self) -> bool;
    /// Watches for it for `SPIN` at most (with `spin_until`).
    fn spin(&mut self) -> Option<Self::Found>;
}

/// Checks `ready` for `SPIN` at most, without a system call; whether it turned true.
pub fn spin_until(mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..SPIN_CHECKS {
            if ready() {
                return true;
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= SPIN {
            return false;
        }
    }
}

/// The yield, then spin, that an inproc-only wait tries before it sleeps (see
/// `Mailbox::before_sleep`), with what it learnt from the last tries.
#[derive(Default)]
pub struct Spinner {
    /// When waits yield first.
    yields: Backoff,
    /// When waits spin first.
    spins: Backoff,
    /// Spins to come before the next that yields first, to learn whether other threads want
    /// this processor.
    alone_for: u32,
}

impl Spinner {
    /// Yields, then spins on `watched` where that may pay (see `Mailbox::before_sleep`):
    /// what the spin found, or None (the caller then sleeps, and finds at once what came
    /// during the yield).
    pub fn before_sleep<W: Watched>(&mut self, watched: &mut W) -> Option<W::Found> {
        let spin = self.spins.due() && several_processors();
        if spin && self.alone_for > 0 {
            // A recent yield found this processor free: spin without asking again.
            self.alone_for -= 1;
        } else {
            let yields = self.yields.due();
            if !spin && !yields {
                return None;
            }
            let start = Instant::now();
            std::thread::yield_now();
            let alone = start.elapsed() <= ALONE;
            let found = watched.pending();
            if yields {
                self.yields.record(found);
            }
            if alone {
                self.alone_for = ALONE_FOR;
            }
            if found || !spin {
                return None;
            }
            if !alone {
                self.spins.record(false);
                return None;
            }
        }
        let found = watched.spin();
        self.spins.record(found.is_some());
        found
    }
}

/// Whether this process may run on more than one processor: on one, whatever a spin waits for
/// cannot happen while it spins.
fn several_processors() -> bool {
    static SEVERAL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SEVERAL.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Waits that skip a way of getting a command early (a yield, a spin) after it found nothing:
/// each vain try doubles them, up to 64; one that pays resets them.
#[derive(Default)]
struct Backoff {
    /// Waits to come before the next try.
    skip: u32,
    /// Vain tries in a row.
    vain: u32,
}

impl Backoff {
    /// Whether this wait tries (or skips, counting it).
    fn due(&mut self) -> bool {
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        true
    }

    /// What a try found.
    fn record(&mut self, paid: bool) {
        if paid {
            self.vain = 0;
        } else {
            self.vain = (self.vain + 1).min(6);
            self.skip = 1 << self.vain;
        }
    }
}

impl<C: Send> Mailbox<C> {
    /// Raises the signal with no command behind it: wakes whoever polls the descriptor; the
    /// next `recv` finds nothing and lowers it.
    pub fn raise(&self) {
        self.shared.signaler.send();
    }

    /// The next of the commands a `recv` woke up to, without any system call; None once they
    /// are all read (the reader then sleeps, and the next post signals). Draining with this
    /// after a `recv` saves the zero-time-out poll that would only find the signal cleared.
    pub fn next_posted(&mut self) -> Option<C> {
        if self.active {
            if let Some(command) = self.reader.read() {
                return Some(command);
            }
            self.active = false;
        }
        None
    }

    /// The first command after the descriptor was reported readable (by epoll): lowers the
    /// signal without polling it again; the rest come from `next_posted`.
    pub fn recv_signalled(&mut self) -> Option<C> {
        if self.shared.signaler.recv() {
            self.active = true;
        }
        self.next_posted()
    }

    /// A command if one is waiting, without any system call: the fast check made on every send
    /// and receive. It leaves the signaler raised when it finds commands after a sleep; the next
    /// `recv` clears it (at worst one spurious wake-up of a ZMQ_FD watcher).
    pub fn try_recv(&mut self) -> Option<C> {
        // A load, not a read-modify-write, on the common path where nothing came.
        if !self.reader.has_new() {
            return None;
        }
        if let Some(command) = self.reader.read() {
            self.active = true;
            return Some(command);
        }
        None
    }
}

impl<C: Send> MailboxSender<C> {
    /// Posts a command, waking the owner if it sleeps.
    pub fn send(&self, command: C) {
        let sleeping = {
            let mut writer = self.shared.writer.lock();
            writer.write(command, false);
            !writer.flush()
        };
        if sleeping {
            self.shared.signaler.send();
        }
    }
}

impl<C> Clone for MailboxSender<C> {
    fn clone(&self) -> Self {
        MailboxSender {
            shared: self.shared.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_arrive_in_order_and_fd_follows() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        let sender = mailbox.sender();
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Err(Error::Again));
        sender.send(1);
        sender.send(2);
        // Signalled: the descriptor is readable.
        assert!(crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Ok(1));
        // Draining clears the signal.
        assert!(!crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Ok(2));
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Err(Error::Again));
        sender.send(3);
        assert!(crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.recv(None), Ok(3));
    }

    #[test]
    fn waits_on_another_descriptor_and_wakes_from_within() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        let sender = mailbox.sender();
        let other = Signaler::new().unwrap();
        let short = Some(Duration::from_millis(1));
        assert_eq!(
            mailbox.recv_or_readable(short, other.fd()),
            Err(Error::Again)
        );
        other.send();
        assert_eq!(mailbox.recv_or_readable(None, other.fd()), Ok(None));
        other.recv();
        // Woken from within: a post makes no signal, and comes without a system call.
        mailbox.wake();
        sender.send(1);
        assert!(!crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.next_posted(), Some(1));
        assert_eq!(mailbox.next_posted(), None);
        // Asleep again: a post signals, and a command beats the other descriptor.
        sender.send(2);
        other.send();
        assert_eq!(mailbox.recv_or_readable(None, other.fd()), Ok(Some(2)));
        // A post that found it asleep before the wake: the signal is lowered.
        assert_eq!(mailbox.next_posted(), None);
        sender.send(3);
        mailbox.wake();
        assert!(!crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.next_posted(), Some(3));
    }

    #[test]
    fn a_spin_before_sleeping_watches_the_connection_and_the_mailbox() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        let sender = mailbox.sender();
        let input = Signaler::new().unwrap();
        let watch = |mailbox: &mut Mailbox<u32>| {
            InputWatch {
                mailbox,
                input: input.fd(),
            }
            .spin()
        };
        // Nothing comes: the spin ends after SPIN with the reader asleep again, so that
        // the next post signals.
        let start = Instant::now();
        assert_eq!(watch(&mut mailbox), None);
        assert!(start.elapsed() >= SPIN);
        sender.send(1);
        assert!(crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        // A command (its signal lowered), then the connection readable: each ends it.
        assert_eq!(watch(&mut mailbox), Some(Some(1)));
        assert!(!crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        input.send();
        assert_eq!(watch(&mut mailbox), Some(None));
        sender.send(2);
        assert!(crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.recv_or_readable(None, input.fd()), Ok(Some(2)));
    }

    #[test]
    fn tries_back_off_while_they_find_nothing() {
        // Each vain try doubles the waits that skip it after, up to 64: of 200 waits, those
        // numbered 1, 4, 9, 18, 35, 68, 133 and 198 try.
        let mut backoff = Backoff::default();
        let mut tried = Vec::new();
        for wait in 1..=200 {
            if backoff.due() {
                tried.push(wait);
                backoff.record(false);
            }
        }
        assert_eq!(tried, [1, 4, 9, 18, 35, 68, 133, 198]);
        // One that pays makes the next wait try again.
        backoff.skip = 0;
        assert!(backoff.due());
        backoff.record(true);
        assert!(backoff.due());
        assert_eq!((backoff.skip, backoff.vain), (0, 0));
    }

    #[test]
    fn a_spin_takes_posts_that_did_not_signal() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        let sender = mailbox.sender();
        let readable = |mailbox: &Mailbox<u32>| {
            crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap()
        };
        // Nothing comes: the spin ends after SPIN (as a wait on a connection does) with the
        // reader asleep, so the next post signals.
        let start = Instant::now();
        assert_eq!(mailbox.spin(), None);
        assert!(start.elapsed() >= SPIN);
        sender.send(1);
        assert!(readable(&mailbox));
        // A spin starting after that post takes it and lowers the signal.
        assert_eq!(mailbox.spin(), Some(1));
        assert!(!readable(&mailbox));
        // While the reader is awake (as during a spin), posts from another thread do not
        // signal, and the spin finds them.
        assert_eq!(mailbox.next_posted(), None);
        mailbox.wake();
        std::thread::spawn(move || sender.send(2)).join().unwrap();
        assert!(!readable(&mailbox));
        assert_eq!(mailbox.spin(), Some(2));
    }

    #[test]
    fn try_recv_sees_commands_without_waiting() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        let sender = mailbox.sender();
        assert_eq!(mailbox.try_recv(), None);
        sender.send(5);
        assert_eq!(mailbox.try_recv(), Some(5));
        assert_eq!(mailbox.try_recv(), None);
        // The signal raised for 5 is still up; recv clears it and reports nothing new.
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Err(Error::Again));
        assert!(!crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        sender.send(6);
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Ok(6));
    }

    #[test]
    fn next_posted_drains_without_losing_a_wake_up() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        let sender = mailbox.sender();
        // Asleep: nothing without the signal.
        sender.send(7);
        assert_eq!(mailbox.next_posted(), None);
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Ok(7));
        sender.send(8);
        sender.send(9);
        assert_eq!(mailbox.next_posted(), Some(8));
        assert_eq!(mailbox.next_posted(), Some(9));
        assert_eq!(mailbox.next_posted(), None);
        // Drained: the reader sleeps, so the next post raises the signal again.
        assert!(!crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        sender.send(10);
        assert!(crate::sys::poll_readable(mailbox.fd(), Some(Duration::ZERO)).unwrap());
        assert_eq!(mailbox.recv(None), Ok(10));
        // As the I/O threads drain it once epoll reports the descriptor.
        assert_eq!(mailbox.recv_signalled(), None);
        sender.send(11);
        assert_eq!(mailbox.next_posted(), None);
        assert_eq!(mailbox.recv_signalled(), Some(11));
        assert_eq!(mailbox.next_posted(), None);
        sender.send(12);
        sender.send(13);
        assert_eq!(mailbox.recv_signalled(), Some(12));
        assert_eq!(mailbox.next_posted(), Some(13));
        assert_eq!(mailbox.recv_signalled(), None);
    }

    #[test]
    fn a_stale_signal_is_waited_past() {
        let mut mailbox = Mailbox::<u32>::new().unwrap();
        mailbox.set_yielding(false);
        let sender = mailbox.sender();
        // Posted to a sleeping reader (signalled), then taken without a wait: the signal stays.
        sender.send(1);
        assert_eq!(mailbox.try_recv(), Some(1));
        // A wait wakes on it, finds nothing, and waits on for the time it was given.
        let start = Instant::now();
        assert_eq!(
            mailbox.recv(Some(Duration::from_millis(30))),
            Err(Error::Again)
        );
        assert!(start.elapsed() >= Duration::from_millis(30));
        // Stale again, then a post during the wait: received.
        sender.send(2);
        assert_eq!(mailbox.try_recv(), Some(2));
        let late = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            sender.send(3);
        });
        assert_eq!(mailbox.recv(Some(Duration::from_secs(10))), Ok(3));
        late.join().unwrap();
    }

    #[test]
    fn many_senders_one_receiver() {
        const PER: u32 = 50_000;
        let mut mailbox = Mailbox::<(u32, u32)>::new().unwrap();
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let sender = mailbox.sender();
                std::thread::spawn(move || (0..PER).for_each(|i| sender.send((t, i))))
            })
            .collect();
        let mut next = [0u32; 3];
        for _ in 0..3 * PER {
            let (t, i) = mailbox.recv(Some(Duration::from_secs(10))).unwrap();
            assert_eq!(next[t as usize], i);
            next[t as usize] += 1;
        }
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(mailbox.recv(Some(Duration::ZERO)), Err(Error::Again));
    }
}
