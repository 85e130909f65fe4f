//! Fake pipes for strategy tests: queues with an optional capacity in messages.

use std::collections::{HashMap, VecDeque};

use super::{PipeKey, PipeSet};
use crate::msg::Msg;

/// One fake pipe: frames written (and flushed) in, frames to read out.
#[derive(Default)]
pub(crate) struct FakePipe {
    pub(crate) inbound: VecDeque<Msg>,
    pub(crate) unflushed: Vec<Msg>,
    pub(crate) outbound: Vec<Msg>,
    /// Messages the pipe still accepts; None: unlimited.
    pub(crate) room: Option<usize>,
}

/// A set of fake pipes by key.
#[derive(Default)]
pub(crate) struct FakePipes(pub(crate) HashMap<PipeKey, FakePipe>);

impl FakePipes {
    pub(crate) fn with(keys: &[PipeKey]) -> Self {
        FakePipes(keys.iter().map(|&k| (k, FakePipe::default())).collect())
    }

    pub(crate) fn pipe(&mut self, key: PipeKey) -> &mut FakePipe {
        self.0.get_mut(&key).expect("fake pipe exists")
    }

    /// The payloads flushed to a pipe, as text.
    pub(crate) fn sent(&mut self, key: PipeKey) -> Vec<String> {
        self.pipe(key)
            .outbound
            .iter()
            .map(|m| String::from_utf8_lossy(m.data()).into_owned())
            .collect()
    }
}

impl PipeSet for FakePipes {
    fn check_read(&mut self, key: PipeKey) -> bool {
        !self.pipe(key).inbound.is_empty()
    }

    fn read(&mut self, key: PipeKey) -> Option<Msg> {
        self.pipe(key).inbound.pop_front()
    }

    fn check_write(&mut self, key: PipeKey) -> bool {
        self.pipe(key).room != Some(0)
    }

    fn write(&mut self, key: PipeKey, msg: Msg) -> Result<(), Msg> {
        let pipe = self.pipe(key);
        if pipe.room == Some(0) {
            return Err(msg);
        }
        if !msg.more() {
            pipe.room = pipe.room.map(|r| r - 1);
        }
        pipe.unflushed.push(msg);
        Ok(())
    }

    fn flush(&mut self, key: PipeKey) {
        let pipe = self.pipe(key);
        pipe.outbound.append(&mut pipe.unflushed);
    }

    fn rollback(&mut self, key: PipeKey) {
        self.pipe(key).unflushed.clear();
    }
}

/// A frame with text and a more flag.
pub(crate) fn frame(text: &str, more: bool) -> Msg {
    let mut msg = Msg::from_slice(text.as_bytes());
    msg.set_more(more);
    msg
}
