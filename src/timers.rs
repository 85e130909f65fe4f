//! Timers for application event loops (zmq_timers_*). Time is an argument, in milliseconds.
#![forbid(unsafe_code)]

use std::collections::{BTreeSet, HashMap};

use crate::error::{Error, Result};

/// A set of repeating timers, each carrying a handler of type `H`.
#[derive(Debug)]
pub struct Timers<H> {
    next_id: i32,
    /// Timers by id: (interval, next expiry, handler).
    timers: HashMap<i32, Timer<H>>,
    /// (expiry, id), ordered by expiry then by id.
    queue: BTreeSet<(u64, i32)>,
}

#[derive(Debug)]
struct Timer<H> {
    interval: u64,
    expiry: u64,
    handler: H,
}

impl<H: Clone> Timers<H> {
    /// An empty set.
    pub fn new() -> Self {
        Timers {
            next_id: 0,
            timers: HashMap::new(),
            queue: BTreeSet::new(),
        }
    }

    /// Adds a timer firing every `interval` ms from `now`; returns its id (1, 2, ...).
    pub fn add(&mut self, now: u64, interval: u64, handler: H) -> Result<i32> {
        let id = self.next_id.checked_add(1).ok_or(Error::NoMem)?;
        self.next_id = id;
        let expiry = now.saturating_add(interval);
        self.timers.insert(
            id,
            Timer {
                interval,
                expiry,
                handler,
            },
        );
        self.queue.insert((expiry, id));
        Ok(id)
    }

    /// Removes a timer.
    pub fn cancel(&mut self, id: i32) -> Result<()> {
        let timer = self.timers.remove(&id).ok_or(Error::Inval)?;
        self.queue.remove(&(timer.expiry, id));
        Ok(())
    }

    /// Changes a timer's interval and restarts it from `now`.
    pub fn set_interval(&mut self, now: u64, id: i32, interval: u64) -> Result<()> {
        self.timers.get_mut(&id).ok_or(Error::Inval)?.interval = interval;
        self.reset(now, id)
    }

    /// Restarts a timer from `now`.
    pub fn reset(&mut self, now: u64, id: i32) -> Result<()> {
        let timer = self.timers.get_mut(&id).ok_or(Error::Inval)?;
        self.queue.remove(&(timer.expiry, id));
        timer.expiry = now.saturating_add(timer.interval);
        self.queue.insert((timer.expiry, id));
        Ok(())
    }

    /// Milliseconds from `now` until the next timer is due (0 when one is overdue), or `None`
    /// when there are no timers.
    pub fn timeout(&self, now: u64) -> Option<u64> {
        self.queue
            .first()
            .map(|&(expiry, _)| expiry.saturating_sub(now))
    }

    /// The ids of the timers due at `now`, earliest first.
    pub fn due(&self, now: u64) -> Vec<i32> {
        self.queue
            .iter()
            .take_while(|&&(expiry, _)| expiry <= now)
            .map(|&(_, id)| id)
            .collect()
    }

    /// If timer `id` still exists and is due at `now`, restarts it from `now` and returns its
    /// handler for the caller to run (with no borrow held, so the handler may change the set).
    pub fn fire(&mut self, now: u64, id: i32) -> Option<H> {
        let timer = self.timers.get(&id)?;
        if timer.expiry > now {
            return None;
        }
        let handler = timer.handler.clone();
        // Cannot fail: the timer exists.
        self.reset(now, id).ok()?;
        Some(handler)
    }

    /// How many timers there are.
    pub fn len(&self) -> usize {
        self.timers.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }
}

impl<H: Clone> Default for Timers<H> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_timeout_fire() {
        let mut t = Timers::new();
        assert_eq!(t.timeout(0), None);
        let a = t.add(0, 100, 'a').unwrap();
        let b = t.add(0, 50, 'b').unwrap();
        assert_eq!((a, b), (1, 2));
        assert_eq!(t.timeout(10), Some(40));
        assert_eq!(t.due(49), Vec::<i32>::new());
        assert_eq!(t.due(100), vec![b, a]);
        assert_eq!(t.fire(100, b), Some('b'));
        assert_eq!(t.timeout(100), Some(0));
        assert_eq!(t.fire(100, a), Some('a'));
        assert_eq!(t.timeout(100), Some(50));
        assert_eq!(t.fire(100, a), None);
    }

    #[test]
    fn cancel_reset_interval() {
        let mut t = Timers::new();
        let a = t.add(0, 10, ()).unwrap();
        assert_eq!(t.cancel(a), Ok(()));
        assert_eq!(t.cancel(a), Err(Error::Inval));
        assert_eq!(t.reset(0, a), Err(Error::Inval));
        assert_eq!(t.set_interval(0, a, 5), Err(Error::Inval));
        let b = t.add(0, 10, ()).unwrap();
        t.set_interval(5, b, 100).unwrap();
        assert_eq!(t.timeout(5), Some(100));
        t.reset(50, b).unwrap();
        assert_eq!(t.timeout(50), Some(100));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn zero_interval_fires_once_per_round() {
        let mut t = Timers::new();
        let a = t.add(0, 0, ()).unwrap();
        assert_eq!(t.due(0), vec![a]);
        assert!(t.fire(0, a).is_some());
        // Rescheduled at now + 0: due again next round, but the round's list was taken before.
        assert_eq!(t.due(0), vec![a]);
    }
}
