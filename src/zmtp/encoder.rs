//! Output: frames encoded for the peer's framing, queued for one vectored write. Headers and
//! small bodies are copied into a contiguous buffer; large bodies are referenced, not copied.

use std::collections::VecDeque;
use std::io::IoSlice;

use bytes::Bytes;

use crate::msg::Msg;

/// Bodies up to this size are copied next to their header; larger ones are written from the
/// message's own buffer (one more slice in the write).
pub(super) const COPY_MAX: usize = 1024;
/// A drained copy buffer up to this capacity is kept for the next frames.
const SPARE_MAX: usize = 64 * 1024;
/// A body larger than this is written in two parts, as libzmq writes it: its header and first
/// bytes end one write ([`LEAD`] bytes in all), the rest starts the next one.
pub(super) const BULK_MIN: usize = 256 * 1024;
/// The header and body bytes of a bulk frame's first write: libzmq's 8 KiB batch.
const LEAD: usize = 8 * 1024;

/// ZMTP 2.0/3.x flag bits.
pub(super) const FLAG_MORE: u8 = 0x01;
pub(super) const FLAG_LONG: u8 = 0x02;
pub(super) const FLAG_COMMAND: u8 = 0x04;

/// How frames are delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    /// ZMTP 1.0: a length counting the flags byte (1 byte, or 0xFF and 8 bytes), then flags.
    V1,
    /// ZMTP 2.0 and 3.x: flags, then a length of 1 byte, or of 8 bytes when LONG.
    V2,
}

/// Bytes waiting to be written, in order: the chunks, then the tail.
///
/// Small frames are copied into the tail, kept apart from the deque so that appending one
/// finds it without looking at the deque's back: headers and small bodies went through
/// `VecDeque::back_mut` and two appends, 194 instructions a 1-byte frame (callgrind), a
/// third of a sending I/O thread's work. A large body closes the tail (it joins the chunks)
/// and follows it as a chunk of its own.
#[derive(Debug, Default)]
pub(super) struct OutQueue {
    /// What comes before the tail.
    chunks: VecDeque<Chunk>,
    /// The copy buffer the next headers and small bodies go to, after every chunk.
    tail: Vec<u8>,
    /// Bytes of the front already written: of the first chunk, or of the tail when there is
    /// no chunk.
    head: usize,
    /// Bytes pending in all chunks and the tail.
    len: usize,
    /// A drained copy buffer, reused for the next tail.
    spare: Vec<u8>,
}

#[derive(Debug)]
enum Chunk {
    Copied(Vec<u8>),
    Shared(Bytes),
    /// The body of a bulk frame after its lead: the first slice of a write.
    Bulk(Bytes),
}

impl Chunk {
    fn bytes(&self) -> &[u8] {
        match self {
            Chunk::Copied(v) => v,
            Chunk::Shared(b) | Chunk::Bulk(b) => b,
        }
    }
}

impl OutQueue {
    /// Bytes pending.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Bytes pending in the tail: those copied since the last large body.
    pub(super) fn tail_len(&self) -> usize {
        match self.chunks.is_empty() {
            true => self.tail.len() - self.head,
            false => self.tail.len(),
        }
    }

    /// Appends bytes by copying them.
    pub(super) fn push_copy(&mut self, data: &[u8]) {
        self.len += data.len();
        self.tail().extend_from_slice(data);
    }

    /// The tail, to append to.
    #[inline]
    fn tail(&mut self) -> &mut Vec<u8> {
        if self.chunks.is_empty() && self.head > 0 && self.head >= self.tail.len() / 2 {
            self.compact_tail();
        }
        &mut self.tail
    }

    /// A tail written from while it grows drops its written half now and then, lest a writer
    /// that never quite catches up keeps every byte ever sent.
    #[cold]
    fn compact_tail(&mut self) {
        self.tail.drain(..self.head);
        self.head = 0;
    }

    /// Appends a chunk after the tail: the tail joins the chunks first.
    fn push_chunk(&mut self, chunk: Chunk) {
        if !self.tail.is_empty() {
            let tail = std::mem::replace(&mut self.tail, std::mem::take(&mut self.spare));
            self.chunks.push_back(Chunk::Copied(tail));
        }
        self.chunks.push_back(chunk);
    }

    /// Appends a buffer without copying it.
    pub(super) fn push_shared(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        self.len += data.len();
        self.push_chunk(Chunk::Shared(data));
    }

    /// Appends the rest of a bulk body, to be written from a new write on.
    fn push_bulk(&mut self, data: Bytes) {
        self.len += data.len();
        self.push_chunk(Chunk::Bulk(data));
    }

    /// The pending bytes, in order.
    pub(super) fn slices<'a>(&'a self, out: &mut Vec<IoSlice<'a>>) {
        let mut skip = self.head;
        for chunk in &self.chunks {
            out.push(IoSlice::new(&chunk.bytes()[skip..]));
            skip = 0;
        }
        if self.tail.len() > skip {
            out.push(IoSlice::new(&self.tail[skip..]));
        }
    }

    /// Fills `out` with the slices of the next write; returns how many. A write ends before
    /// the rest of a bulk body.
    pub(super) fn slices_into<'a>(&'a self, out: &mut [IoSlice<'a>]) -> usize {
        let mut skip = self.head;
        let mut n = 0;
        for chunk in &self.chunks {
            if n == out.len() || (n > 0 && matches!(chunk, Chunk::Bulk(_))) {
                return n;
            }
            out[n] = IoSlice::new(&chunk.bytes()[skip..]);
            skip = 0;
            n += 1;
        }
        if n < out.len() && self.tail.len() > skip {
            out[n] = IoSlice::new(&self.tail[skip..]);
            n += 1;
        }
        n
    }

    /// Drops the first `n` pending bytes (what a write took); more than pending drops all.
    pub(super) fn consume(&mut self, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(front) = self.chunks.front() else {
                // The rest is in the tail.
                if n < self.tail.len() - self.head {
                    self.head += n;
                } else {
                    self.head = 0;
                    self.tail.clear();
                    if self.tail.capacity() > SPARE_MAX {
                        // Too large to keep: the spare (at most SPARE_MAX) takes its place.
                        self.tail = std::mem::take(&mut self.spare);
                    } else if self.tail.capacity() + self.spare.capacity() > SPARE_MAX {
                        // All written: an idle queue keeps at most SPARE_MAX, in the larger.
                        if self.spare.capacity() > self.tail.capacity() {
                            self.tail = std::mem::take(&mut self.spare);
                        } else {
                            self.spare = Vec::new();
                        }
                    }
                }
                return;
            };
            let left = front.bytes().len() - self.head;
            if n < left {
                self.head += n;
                return;
            }
            n -= left;
            self.head = 0;
            if let Some(Chunk::Copied(mut buf)) = self.chunks.pop_front() {
                if buf.capacity() <= SPARE_MAX && buf.capacity() > self.spare.capacity() {
                    buf.clear();
                    self.spare = buf;
                }
            }
        }
    }

    /// Encodes one frame: a message, or a command when `msg.is_command()`.
    pub(super) fn push_frame(&mut self, framing: Framing, mut msg: Msg) {
        self.push_frame_from(framing, &mut msg);
    }

    /// As `push_frame`, from where the message is: a small body is copied out of it, a large
    /// one taken (leaving `msg` empty).
    pub(super) fn push_frame_from(&mut self, framing: Framing, msg: &mut Msg) {
        let header = match framing {
            Framing::V1 => v1_header(msg.size(), msg.more()),
            Framing::V2 => v2_header(msg.size(), msg.more(), msg.is_command()),
        };
        let (header, header_len) = (header.word.to_le_bytes(), header.len);
        if msg.size() <= COPY_MAX {
            // Header and body copied in one go.
            let body = msg.data();
            self.len += header_len + body.len();
            let buf = self.tail();
            let at = buf.len();
            buf.reserve(header.len() + body.len());
            // The whole header array (a fixed-size copy, no call), cut back to its length.
            buf.extend_from_slice(&header);
            buf.truncate(at + header_len);
            buf.extend_from_slice(body);
            return;
        }
        self.push_copy(&header[..header_len]);
        if msg.size() > BULK_MIN {
            // Sent whole in one write with its header, a body of a MiB made the reading I/O
            // thread wake at its first segment and read the rest piecemeal as it was being
            // copied in; on loopback that slowed the sender's copy 2-3 fold (perf trace: a
            // 1 MiB sendmsg took 0.4-0.6 ms instead of 0.17) and tcp latency at 1 MiB was
            // twice libzmq's. Split as libzmq splits it, it matches libzmq's.
            let body = std::mem::take(msg).into_bytes();
            let lead = LEAD - header_len;
            self.push_copy(&body[..lead]);
            self.push_bulk(body.slice(lead..));
        } else {
            self.push_shared(std::mem::take(msg).into_bytes());
        }
    }
}

/// A frame header: its bytes as a little-endian word (the first byte lowest), and how many
/// of them it has. Built in a register and stored whole: written a byte at a time into an
/// array that was then copied out in wider loads, each load waited for the byte stores to
/// reach the cache (a store-forwarding stall, most of the sending I/O thread's encoding time
/// at 1-byte messages).
struct Header {
    word: u128,
    len: usize,
}

/// A ZMTP 2.0/3.x frame header; libzmq uses the long form only above 255 bytes.
fn v2_header(size: usize, more: bool, command: bool) -> Header {
    let mut flags = 0;
    if more {
        flags |= FLAG_MORE;
    }
    if command {
        flags |= FLAG_COMMAND;
    }
    match u8::try_from(size) {
        Ok(short) => Header {
            word: u128::from(flags) | u128::from(short) << 8,
            len: 2,
        },
        Err(_) => Header {
            word: u128::from(flags | FLAG_LONG) | u128::from((size as u64).swap_bytes()) << 8,
            len: 9,
        },
    }
}

/// A ZMTP 1.0 frame header: the length counts the flags byte; one byte below 255, else 0xFF
/// and 8 bytes.
fn v1_header(size: usize, more: bool) -> Header {
    let len = size as u64 + 1;
    let flags = if more { FLAG_MORE } else { 0 };
    match u8::try_from(len) {
        Ok(short) if short < 0xFF => Header {
            word: u128::from(short) | u128::from(flags) << 8,
            len: 2,
        },
        _ => Header {
            word: 0xFF | u128::from(len.swap_bytes()) << 8 | u128::from(flags) << 72,
            len: 10,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(q: &OutQueue) -> Vec<u8> {
        let mut slices = Vec::new();
        q.slices(&mut slices);
        slices.iter().flat_map(|s| s.iter().copied()).collect()
    }

    /// The lengths of the slices of the next write, and where the first one is.
    fn next_write(q: &OutQueue) -> (Vec<usize>, *const u8) {
        let mut out = [IoSlice::new(&[]); 8];
        let n = q.slices_into(&mut out);
        (out[..n].iter().map(|s| s.len()).collect(), out[0].as_ptr())
    }

    fn slice_count(q: &OutQueue) -> usize {
        let mut slices = Vec::new();
        q.slices(&mut slices);
        slices.len()
    }

    #[test]
    fn headers() {
        let bytes = |h: Header| h.word.to_le_bytes()[..h.len].to_vec();
        assert_eq!(bytes(v2_header(255, true, false)), [0x01, 0xFF]);
        assert_eq!(
            bytes(v2_header(256, false, true)),
            [0x06, 0, 0, 0, 0, 0, 0, 1, 0]
        );
        assert_eq!(
            bytes(v2_header(0x0102_0304_0506_0708, true, false)),
            [0x03, 1, 2, 3, 4, 5, 6, 7, 8]
        );
        assert_eq!(bytes(v1_header(253, true)), [0xFE, 0x01]);
        assert_eq!(
            bytes(v1_header(254, false)),
            [0xFF, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0]
        );
        assert_eq!(
            bytes(v1_header(254, true)),
            [0xFF, 0, 0, 0, 0, 0, 0, 0, 0xFF, 1]
        );
    }

    #[test]
    fn small_frames_share_one_buffer_large_bodies_are_referenced() {
        let mut q = OutQueue::default();
        for i in 0..10u8 {
            q.push_frame(Framing::V2, Msg::from_slice(&[i; 100]));
        }
        assert_eq!(slice_count(&q), 1);
        assert_eq!(q.len(), 10 * 102);
        let big = Bytes::from(vec![7u8; 5000]);
        q.push_frame(Framing::V2, Msg::from_bytes(big.clone()));
        q.push_frame(Framing::V2, Msg::from_slice(b"tail"));
        assert_eq!(slice_count(&q), 3);
        let mut slices = Vec::new();
        q.slices(&mut slices);
        // The large body is the message's own buffer.
        assert_eq!(slices[1].as_ptr(), big.as_ptr());
        let all = pending(&q);
        assert_eq!(all.len(), q.len());
        assert_eq!(&all[1020..1029], &[0x02, 0, 0, 0, 0, 0, 0, 0x13, 0x88]);
    }

    #[test]
    fn a_bulk_body_is_written_after_its_lead_in_a_write_of_its_own() {
        let mut q = OutQueue::default();
        q.push_frame(Framing::V2, Msg::from_slice(b"before"));
        let body: Vec<u8> = (0..BULK_MIN + 1).map(|i| i as u8).collect();
        let big = Bytes::from(body.clone());
        q.push_frame(Framing::V2, Msg::from_bytes(big.clone()));
        q.push_frame(Framing::V2, Msg::from_slice(b"after"));
        // The whole frame, in order, whatever the writes.
        let mut expected = vec![0, 6];
        expected.extend_from_slice(b"before");
        expected.push(FLAG_LONG);
        expected.extend_from_slice(&(body.len() as u64).to_be_bytes());
        expected.extend_from_slice(&body);
        expected.extend_from_slice(&[0, 5]);
        expected.extend_from_slice(b"after");
        assert_eq!(pending(&q), expected);
        // First write: what came before, the header and the body's start, LEAD in all.
        assert_eq!(next_write(&q).0, [8 + LEAD]);
        q.consume(8 + 100);
        assert_eq!(next_write(&q).0, [LEAD - 100]);
        q.consume(LEAD - 100);
        // Then the rest of the body, from the message's own buffer, and what follows.
        let (lens, first) = next_write(&q);
        assert_eq!(lens, [body.len() - (LEAD - 9), 7]);
        assert_eq!(first, big[LEAD - 9..].as_ptr());
        q.consume(1000);
        assert_eq!(next_write(&q).0.len(), 2);
        assert_eq!(pending(&q), &expected[8 + LEAD + 1000..]);
        // A body at the limit goes whole, with its header, in one write.
        let mut q = OutQueue::default();
        q.push_frame(Framing::V2, Msg::from_slice(&body[..BULK_MIN]));
        assert_eq!(next_write(&q).0, [9, BULK_MIN]);
    }

    #[test]
    fn a_writer_that_never_catches_up_does_not_grow_the_buffer() {
        let mut q = OutQueue::default();
        // Fewer under Miri, which interprets every step.
        for _ in 0..if cfg!(miri) { 2_000 } else { 100_000 } {
            q.push_copy(&[1; 100]);
            q.consume(90);
        }
        assert!(q.chunks.is_empty());
        assert!(
            q.tail.len() < 4 * q.len(),
            "{} for {}",
            q.tail.len(),
            q.len()
        );
        assert_eq!(pending(&q).len(), q.len());
    }

    #[test]
    fn a_write_takes_no_more_slices_than_it_has_room_for() {
        fn next_two(q: &OutQueue) -> Vec<Vec<u8>> {
            let mut out = [IoSlice::new(&[]); 2];
            let n = q.slices_into(&mut out);
            out[..n].iter().map(|s| s.to_vec()).collect()
        }
        let mut q = OutQueue::default();
        q.push_copy(b"ab");
        q.push_shared(Bytes::from_static(b"cd"));
        q.push_copy(b"ef");
        assert_eq!(next_two(&q), [b"ab".to_vec(), b"cd".to_vec()]);
        q.consume(3);
        assert_eq!(next_two(&q), [b"d".to_vec(), b"ef".to_vec()]);
        q.consume(2);
        assert_eq!(next_two(&q), [b"f".to_vec()]);
    }

    #[test]
    fn an_idle_queue_keeps_at_most_one_spare_s_worth() {
        let mut q = OutQueue::default();
        q.push_copy(&[1; 40 * 1024]);
        q.push_shared(Bytes::from_static(b"shared"));
        q.push_copy(&[2; 40 * 1024]);
        q.consume(q.len());
        assert_eq!(q.len(), 0);
        assert!(q.tail.capacity() + q.spare.capacity() <= SPARE_MAX);
        // Small frames on both sides of a large body keep both buffers, to swap them.
        q.push_copy(b"ab");
        q.push_shared(Bytes::from_static(b"cd"));
        q.push_copy(b"ef");
        q.consume(q.len());
        assert!(q.tail.capacity() > 0 && q.spare.capacity() > 0);
    }

    #[test]
    fn consume_at_every_offset() {
        let mut q = OutQueue::default();
        q.push_copy(b"abc");
        q.push_shared(Bytes::from_static(b"defgh"));
        q.push_copy(b"ij");
        let all = pending(&q);
        for n in 0..=all.len() {
            let mut q2 = OutQueue::default();
            q2.push_copy(b"abc");
            q2.push_shared(Bytes::from_static(b"defgh"));
            q2.push_copy(b"ij");
            q2.consume(n);
            assert_eq!(pending(&q2), &all[n..]);
            assert_eq!(q2.len(), all.len() - n);
            q2.push_copy(b"k");
            assert_eq!(pending(&q2).last(), Some(&b'k'));
        }
        q.consume(1000);
        assert_eq!(q.len(), 0);
        assert_eq!(slice_count(&q), 0);
    }
}
