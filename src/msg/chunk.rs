//! A receive buffer whose complete frames become messages without a copy.
//!
//! A connection reads the peer's bytes into a chunk and decodes frames from it. A data frame's
//! body is then handed out as a message that shares the chunk (one count of its owner) and
//! reads its own range, instead of a buffer taken from the pool and filled by a copy: for a
//! 64-byte message that take and copy into memory last used by another thread were a quarter
//! of an I/O thread serving eight subscribers. The chunk goes back to the pool when the last
//! message sharing it is dropped, on whatever thread that is.
//!
//! The chunk's bytes are in two parts. Below `sealed` they may be shared: messages read them
//! (and a C caller may write its own message's range, as libzmq allows), so the chunk neither
//! reads nor writes them again until no message shares it (`reclaim`). From `sealed` on they
//! are the chunk's alone: the reader fills them and decodes them there.

use std::ops::Range;

use super::buffer::Buffer;
use super::{Body, Msg, Owner, OwnerRef, Shared};
use crate::error::Result;

/// A receive buffer of a fixed capacity (see the module's note).
pub struct Chunk {
    /// The first byte; the memory is the owner's buffer, which never moves.
    base: *mut u8,
    cap: usize,
    /// Bytes below this may be shared by messages.
    sealed: usize,
    owner: OwnerRef,
    /// Counts of `owner` taken ahead for the messages to come (see `msg::owner`).
    reserved: usize,
}

/// Counts of the owner a chunk takes at a time for its messages.
const RESERVE: usize = 128;

// SAFETY: the chunk's own bytes (from `sealed` on) are reached only through `&self`/`&mut self`,
// and the owner is Send and Sync.
unsafe impl Send for Chunk {}
// SAFETY: as above; `&self` only reads.
unsafe impl Sync for Chunk {}

impl Chunk {
    /// A chunk of `cap` bytes (more than zero), whose content is undefined until written.
    pub fn new(cap: usize) -> Result<Chunk> {
        let mut buffer = Buffer::new(cap)?;
        let base = buffer.as_mut_ptr();
        Ok(Chunk {
            base,
            cap,
            sealed: 0,
            owner: OwnerRef::new(Owner::Buffer(buffer)),
            reserved: 0,
        })
    }

    /// The capacity in bytes.
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Where the chunk's own bytes begin: those below are shared, or were.
    pub fn sealed(&self) -> usize {
        self.sealed
    }

    /// Makes every byte the chunk's own again if no message shares it any more; whether so.
    pub fn reclaim(&mut self) -> bool {
        // The check synchronises with the drop of every other count (acquire), so the bytes
        // the messages read are done with before they are written again.
        if self.owner.only_with(self.reserved) {
            self.sealed = 0;
            true
        } else {
            false
        }
    }

    /// Checks that `range` lies within the chunk's own bytes.
    #[inline]
    fn own(&self, range: &Range<usize>) {
        assert!(
            self.sealed <= range.start && range.start <= range.end && range.end <= self.cap,
            "chunk range {range:?} outside {}..{}",
            self.sealed,
            self.cap
        );
    }

    /// The chunk's own bytes in `range`.
    #[inline]
    pub fn bytes(&self, range: Range<usize>) -> &[u8] {
        self.own(&range);
        // SAFETY: within the buffer (checked), and not shared: only this chunk reaches them,
        // and `&self` keeps them from being written meanwhile.
        unsafe { std::slice::from_raw_parts(self.base.add(range.start), range.len()) }
    }

    /// The chunk's own bytes in `range`, writable.
    #[inline]
    pub fn bytes_mut(&mut self, range: Range<usize>) -> &mut [u8] {
        self.own(&range);
        // SAFETY: as in `bytes`, with `&mut self` keeping every other reference away.
        unsafe { std::slice::from_raw_parts_mut(self.base.add(range.start), range.len()) }
    }

    /// Moves the own bytes in `src` to `dest` (also own bytes).
    pub fn copy_within(&mut self, src: Range<usize>, dest: usize) {
        let (low, high) = (src.start.min(dest), src.end.max(dest + src.len()));
        self.bytes_mut(low..high)
            .copy_within(src.start - low..src.end - low, dest - low);
    }

    /// A message of the own bytes in `range`, which then become shared (with the bytes below
    /// them, which stay so).
    #[inline]
    pub fn share(&mut self, range: Range<usize>) -> Msg {
        self.own(&range);
        self.sealed = range.end;
        if self.reserved == 0 {
            self.owner.reserve(RESERVE);
            self.reserved = RESERVE;
        }
        self.reserved -= 1;
        Msg::with_body(Body::Shared(Shared {
            // SAFETY: within the buffer (checked).
            ptr: unsafe { self.base.add(range.start) }.cast_const(),
            len: range.len(),
            // SAFETY: a count reserved above or before, handed out once (`reserved` drops).
            owner: unsafe { self.owner.take_reserved() },
        }))
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        if self.reserved > 0 {
            self.owner.unreserve(self.reserved);
        }
    }
}

impl std::fmt::Debug for Chunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunk")
            .field("cap", &self.cap)
            .field("sealed", &self.sealed)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(cap: usize) -> Chunk {
        let mut chunk = Chunk::new(cap).unwrap();
        for (i, b) in chunk.bytes_mut(0..cap).iter_mut().enumerate() {
            *b = i as u8;
        }
        chunk
    }

    #[test]
    fn messages_keep_their_bytes_while_the_rest_is_written() {
        let mut chunk = filled(256);
        let first = chunk.share(0..40);
        let second = chunk.share(40..100);
        assert_eq!(chunk.sealed(), 100);
        chunk.bytes_mut(100..256).fill(0xEE);
        assert!(first.data().iter().enumerate().all(|(i, &b)| b == i as u8));
        assert!(
            second
                .data()
                .iter()
                .enumerate()
                .all(|(i, &b)| b == (i + 40) as u8)
        );
        assert_eq!(chunk.bytes(100..102), [0xEE, 0xEE]);
        // Shared: not reclaimed, even by one message.
        assert!(!chunk.reclaim());
        drop(first);
        assert!(!chunk.reclaim());
        drop(second);
        assert!(chunk.reclaim());
        assert_eq!(chunk.sealed(), 0);
        chunk.bytes_mut(0..256).fill(1);
    }

    #[test]
    fn counts_taken_ahead_are_handed_out_once_and_given_back() {
        // More messages than two reservations, most dropped on another thread: the chunk is
        // reclaimed exactly when the last is gone.
        let count = RESERVE * 2 + 3;
        let mut chunk = filled(count);
        let mut msgs: Vec<Msg> = (0..count).map(|i| chunk.share(i..i + 1)).collect();
        assert_eq!(chunk.reserved, RESERVE - 3);
        for (i, msg) in msgs.iter().enumerate() {
            assert_eq!(msg.data(), [i as u8]);
        }
        let last = msgs.pop().unwrap();
        let handed = std::thread::spawn(move || msgs.len()).join().unwrap();
        assert_eq!(handed, count - 1);
        assert!(!chunk.reclaim());
        drop(last);
        assert!(chunk.reclaim());
        // A chunk dropped while its messages live gives its reserve back, and the last
        // message frees the buffer (Miri checks both).
        let msg = chunk.share(0..8);
        drop(chunk);
        assert_eq!(msg.data(), [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn copies_of_a_message_hold_the_chunk() {
        let mut chunk = filled(128);
        let mut msg = chunk.share(10..60);
        let copy = msg.share();
        drop(msg);
        assert!(!chunk.reclaim());
        assert_eq!(copy.data()[0], 10);
        drop(copy);
        assert!(chunk.reclaim());
    }

    #[test]
    fn own_bytes_move_to_the_front() {
        let mut chunk = filled(128);
        chunk.copy_within(100..120, 0);
        assert!(
            chunk
                .bytes(0..20)
                .iter()
                .enumerate()
                .all(|(i, &b)| b == (i + 100) as u8)
        );
        // Overlapping, backwards.
        chunk.copy_within(0..20, 10);
        assert_eq!(chunk.bytes(10..12), [100, 101]);
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn shared_bytes_are_not_handed_out_again() {
        let mut chunk = filled(64);
        let _msg = chunk.share(0..40);
        let _ = chunk.bytes_mut(30..50);
    }

    #[test]
    fn a_message_outliving_its_chunk_gives_its_part_as_bytes() {
        let mut chunk = filled(128);
        let msg = chunk.share(20..70);
        let kept = chunk.share(70..120);
        // The chunk holds on: the bytes are the message's part of it.
        assert_eq!(&msg.into_bytes()[..], &(20..70u8).collect::<Vec<_>>()[..]);
        drop(chunk);
        // The message is the chunk's last holder: still only its part.
        assert_eq!(&kept.into_bytes()[..], &(70..120u8).collect::<Vec<_>>()[..]);
    }

    #[test]
    fn a_message_dropped_on_another_thread_gives_the_chunk_back() {
        let mut chunk = filled(128);
        let msg = chunk.share(0..64);
        std::thread::spawn(move || assert_eq!(msg.data()[63], 63))
            .join()
            .unwrap();
        assert!(chunk.reclaim());
        chunk.bytes_mut(0..128).fill(2);
    }
}
