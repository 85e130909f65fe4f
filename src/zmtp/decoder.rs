//! Input: the bytes read from the peer and the frames decoded from them.
//!
//! The caller reads into [`Input::read_buffer`]. Usually that is an internal buffer, from which
//! headers and small bodies are decoded. When a frame's body is large and not all there yet, the
//! bytes already received move into a buffer of the body's own, and the next reads go straight
//! into it, so the body is never copied again. That buffer grows with what arrives (doubling from
//! [`LARGE_START`]), never to the size the peer declared before the bytes are there. It starts
//! larger only where the peer has sent as much before: at the size of the last large body it
//! sent in full, so that a peer repeating large messages has each read into one buffer of the
//! right size instead of one grown (and copied) four or five times, while a peer that declares
//! a size and sends nothing still holds no more memory than it sent.
//!
//! The internal buffer is a [`Chunk`]: a complete data frame's body larger than a message
//! holds inline is handed out sharing it, not copied. The next reads go on after the bytes
//! handed out; once little room is left the chunk is left to the messages that share it (the
//! last one dropped frees it) and a new one is taken, unless none shares it any more: the
//! chunk is then used again from its start. A chunk is left at least half full of received
//! bytes, so the messages of a peer pin no more than twice what it sent.

use std::ops::Range;

use crate::msg::{Chunk, INLINE_MAX, Msg};
use crate::zmtp::Failure;
use crate::zmtp::encoder::{FLAG_COMMAND, FLAG_LONG, FLAG_MORE, Framing};

/// The internal read buffer's size.
pub(super) const BUF_SIZE: usize = 16 * 1024;
/// Bodies larger than this that are not complete in the buffer are read into their own buffer.
pub(super) const DIRECT_MIN: usize = 8 * 1024;
/// The first allocation for a body read directly.
pub(super) const LARGE_START: usize = 64 * 1024;

/// A data frame as the fast path hands it over (`Connection::deliver_data_frames`): a small
/// body as its bytes in the read buffer, for the receiver to copy where the message is to
/// stay (`PipeEnd::write_small`), anything else as a message. A small message built here and
/// returned was moved again before its narrow stores had reached the cache: the moves' wider
/// loads waited for them (a store-forwarding stall): decoding a 1-byte frame into a pipe took
/// about twice as long (ARCHITECTURE.md, "Messages move in place").
pub enum DataFrame<'a> {
    Small { body: &'a [u8], more: bool },
    Msg(Msg),
}

impl DataFrame<'_> {
    /// Whether more frames of the message follow.
    pub fn more(&self) -> bool {
        match self {
            DataFrame::Small { more, .. } => *more,
            DataFrame::Msg(msg) => msg.more(),
        }
    }

    /// The frame's body.
    pub fn data(&self) -> &[u8] {
        match self {
            DataFrame::Small { body, .. } => body,
            DataFrame::Msg(msg) => msg.data(),
        }
    }

    /// The frame as a message (copying a small body).
    pub fn into_msg(self) -> Msg {
        match self {
            DataFrame::Small { body, more } => {
                let mut msg = Msg::from_slice(body);
                msg.set_more(more);
                msg
            }
            DataFrame::Msg(msg) => msg,
        }
    }
}

/// Received bytes and the frame being decoded.
#[derive(Debug)]
pub(super) struct Input {
    chunk: Chunk,
    /// Undecoded bytes are `chunk[start..end]`.
    start: usize,
    end: usize,
    /// A large body being read in place.
    large: Option<Large>,
    /// Whether the last `read_buffer` handed out the large body's buffer.
    reading_large: bool,
    /// `next_plain_frame` met a frame `next_frame` refuses (see `waits_for_bytes`).
    refused: bool,
    /// The size of the last large body received in full: the next starts with a buffer that
    /// large (or the size it declares, if smaller).
    last_large: usize,
}

#[derive(Debug)]
struct Large {
    /// The message being filled; its payload is writable (unique) and `filled` bytes long so
    /// far of what it can hold.
    data: Msg,
    /// Bytes of `data` received.
    filled: usize,
    /// The declared body size.
    size: usize,
    more: bool,
    command: bool,
}

/// A parsed frame header.
struct Header {
    len: usize,
    body: u64,
    more: bool,
    command: bool,
}

impl Input {
    /// An empty input.
    pub(super) fn new() -> Self {
        Input {
            chunk: new_chunk(BUF_SIZE),
            start: 0,
            end: 0,
            large: None,
            reading_large: false,
            refused: false,
            last_large: 0,
        }
    }

    /// Where the next bytes from the peer go; never empty.
    pub(super) fn read_buffer(&mut self) -> &mut [u8] {
        self.read_buffer_ready(|| 0)
    }

    /// [`read_buffer`](Self::read_buffer), told how many bytes are ready to be read (asked
    /// only when a large body's buffer is full): the buffer then grows at once to hold them
    /// (bytes that have arrived, so no more than was received), not by doubling, each step
    /// of which copies what the buffer holds.
    pub(super) fn read_buffer_ready(&mut self, ready: impl FnOnce() -> usize) -> &mut [u8] {
        self.reading_large = false;
        if let Some(large) = &mut self.large {
            if large.filled < large.size {
                if large.filled == large.data.size() {
                    let grown = large
                        .data
                        .size()
                        .saturating_mul(2)
                        .max(large.filled.saturating_add(ready()))
                        .min(large.size);
                    if large.data.regrow(grown, large.filled).is_err() {
                        // Out of memory: read into the internal buffer meanwhile, to be
                        // dropped with the connection.
                        let (from, cap) = (self.chunk.sealed(), self.chunk.capacity());
                        return self.chunk.bytes_mut(from..cap);
                    }
                }
                if let Some(data) = large.data.data_mut() {
                    self.reading_large = true;
                    return &mut data[large.filled..];
                }
            }
        }
        let room = Room {
            chunk: &mut self.chunk,
            start: &mut self.start,
            end: &mut self.end,
        };
        room.make()
    }

    /// Bytes of the large body being read in place that have not arrived yet (0 when none).
    pub(super) fn body_missing(&self) -> usize {
        self.large
            .as_ref()
            .map_or(0, |l| l.size.saturating_sub(l.filled))
    }

    /// Records that `n` bytes were read into the last `read_buffer`.
    pub(super) fn read_done(&mut self, n: usize) {
        if self.reading_large {
            if let Some(large) = &mut self.large {
                large.filled = (large.filled + n).min(large.data.size());
            }
        } else {
            self.end = (self.end + n).min(self.chunk.capacity());
        }
    }

    /// The undecoded bytes of the internal buffer.
    pub(super) fn available(&self) -> &[u8] {
        self.chunk.bytes(self.start..self.end)
    }

    /// Marks `n` available bytes as used.
    pub(super) fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    /// Whether no received byte waits to be decoded.
    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.start == self.end && self.large.as_ref().is_none_or(|l| l.filled < l.size)
    }

    /// The common case of `next_frame`: a data frame (not a command) complete in the internal
    /// buffer and within `maxmsgsize`. `None`, consuming nothing, for anything else (which
    /// `next_frame` then handles, errors included).
    #[inline]
    pub(super) fn next_data_frame(
        &mut self,
        framing: Framing,
        maxmsgsize: Option<u64>,
    ) -> Option<DataFrame<'_>> {
        let (body, more) = self.take_data_frame(framing, maxmsgsize)?;
        Some(self.frame_at(body, more))
    }

    /// Where `next_data_frame`'s frame body is in the internal buffer, and its MORE flag; the
    /// frame is consumed.
    #[inline]
    fn take_data_frame(
        &mut self,
        framing: Framing,
        maxmsgsize: Option<u64>,
    ) -> Option<(Range<usize>, bool)> {
        if self.large.is_some() {
            return None;
        }
        let avail = self.chunk.bytes(self.start..self.end);
        let header = match framing {
            Framing::V1 => v1_header(avail).ok()??,
            Framing::V2 => v2_header(avail)?,
        };
        if header.command || maxmsgsize.is_some_and(|max| header.body > max) {
            return None;
        }
        let body = usize::try_from(header.body).ok()?;
        if avail.len() - header.len < body {
            return None;
        }
        let at = self.start + header.len;
        self.start = at + body;
        Some((at..at + body, header.more))
    }

    /// The frame whose body is at `body` in the internal buffer: a small one as its bytes, a
    /// larger one as a message sharing them.
    #[inline]
    fn frame_at(&mut self, body: Range<usize>, more: bool) -> DataFrame<'_> {
        if body.len() <= INLINE_MAX {
            return DataFrame::Small {
                body: self.chunk.bytes(body),
                more,
            };
        }
        let mut msg = self.chunk.share(body);
        msg.set_more(more);
        DataFrame::Msg(msg)
    }

    /// A data frame (not a command) within `maxmsgsize`, as `next_frame` decodes it: complete
    /// in the internal buffer or not, small or large (whose body then goes to a buffer of its
    /// own). `None`, consuming nothing, when the next frame is anything else; `None` too when
    /// its bytes have not all arrived (see `waits_for_bytes`).
    pub(super) fn next_plain_frame(
        &mut self,
        framing: Framing,
        maxmsgsize: Option<u64>,
    ) -> Option<DataFrame<'_>> {
        if let Some((body, more)) = self.take_data_frame(framing, maxmsgsize) {
            return Some(self.frame_at(body, more));
        }
        if !self.waits_for_bytes(framing, maxmsgsize) {
            return None;
        }
        match self.next_frame(framing, maxmsgsize) {
            Ok(frame) => frame.map(DataFrame::Msg),
            Err(_) => {
                // Out of memory for the body: `next_frame` fails the same way for the caller
                // of `poll_event`, and no more bytes are to be waited for.
                self.refused = true;
                None
            }
        }
    }

    /// Whether the next frame is a data frame within `maxmsgsize` whose bytes have not all
    /// arrived (or nothing is left): `next_plain_frame` takes it once they have. False for a
    /// command, an oversized frame, a malformed header.
    pub(super) fn waits_for_bytes(&self, framing: Framing, maxmsgsize: Option<u64>) -> bool {
        if self.refused {
            return false;
        }
        if let Some(large) = &self.large {
            return !large.command;
        }
        let avail = self.chunk.bytes(self.start..self.end);
        if avail.is_empty() {
            return true;
        }
        let header = match framing {
            Framing::V1 => match v1_header(avail) {
                Ok(header) => header,
                Err(_) => return false,
            },
            Framing::V2 => v2_header(avail),
        };
        header.is_none_or(|h| {
            !h.command
                && maxmsgsize.is_none_or(|max| h.body <= max)
                && h.body <= isize::MAX as u64
                && ((avail.len() - h.len) as u64) < h.body
        })
    }

    /// The next complete frame, as a message with its MORE and COMMAND flags; `None` until
    /// more bytes come. The size is checked against `maxmsgsize` before anything is allocated.
    pub(super) fn next_frame(
        &mut self,
        framing: Framing,
        maxmsgsize: Option<u64>,
    ) -> Result<Option<Msg>, Failure> {
        if let Some(large) = &self.large {
            if large.filled < large.size {
                return Ok(None);
            }
            let Some(large) = self.large.take() else {
                return Ok(None);
            };
            self.last_large = large.size;
            let mut msg = large.data;
            msg.set_more(large.more);
            msg.set_command(large.command);
            return Ok(Some(msg));
        }
        let avail = self.chunk.bytes(self.start..self.end);
        let header = match framing {
            Framing::V1 => v1_header(avail)?,
            Framing::V2 => v2_header(avail),
        };
        let Some(header) = header else {
            return Ok(None);
        };
        if maxmsgsize.is_some_and(|max| header.body > max) {
            return Err(Failure::MessageTooLarge);
        }
        // No buffer can hold more than isize::MAX bytes (libzmq fails to allocate it).
        let body = usize::try_from(header.body)
            .ok()
            .filter(|&b| isize::try_from(b).is_ok())
            .ok_or(Failure::MessageTooLarge)?;
        let have = avail.len() - header.len;
        if have >= body {
            let data = &avail[header.len..header.len + body];
            let mut msg = Msg::from_slice(data);
            msg.set_more(header.more);
            msg.set_command(header.command);
            self.start += header.len + body;
            return Ok(Some(msg));
        }
        if body > DIRECT_MIN {
            // Everything after the header belongs to this body: move it into the body's buffer.
            let first = body.min(LARGE_START.max(have).max(self.last_large));
            let mut data = Msg::with_size(first).map_err(|_| Failure::MessageTooLarge)?;
            if let Some(start) = data.data_mut() {
                start[..have].copy_from_slice(&avail[header.len..]);
            }
            self.large = Some(Large {
                data,
                filled: have,
                size: body,
                more: header.more,
                command: header.command,
            });
            self.start = self.end;
        }
        Ok(None)
    }
}

/// The internal buffer and its undecoded bytes, borrowed apart from the large body.
struct Room<'a> {
    chunk: &'a mut Chunk,
    start: &'a mut usize,
    end: &'a mut usize,
}

impl<'a> Room<'a> {
    /// Room for the next read after the undecoded bytes.
    fn make(mut self) -> &'a mut [u8] {
        let cap = self.chunk.capacity();
        if *self.start == *self.end {
            if self.chunk.reclaim() {
                // No message shares the chunk: start it over.
                *self.start = 0;
                *self.end = 0;
                if cap > BUF_SIZE {
                    *self.chunk = new_chunk(BUF_SIZE);
                }
            } else if cap - *self.end < DIRECT_MIN {
                // Left to the messages that share it.
                *self.chunk = new_chunk(BUF_SIZE);
                *self.start = 0;
                *self.end = 0;
            }
        } else if cap - *self.end < DIRECT_MIN && *self.start > 0 {
            self.relocate(cap);
        }
        if *self.end == self.chunk.capacity() {
            // The caller reads without decoding: hold what it reads, no more.
            self.relocate(*self.end - *self.start + BUF_SIZE);
        }
        let cap = self.chunk.capacity();
        self.chunk.bytes_mut(*self.end..cap)
    }

    /// Moves the undecoded bytes to the front of a chunk of `cap` bytes: this one if it is
    /// that large and no message shares it, else a new one.
    fn relocate(&mut self, cap: usize) {
        let (start, end) = (*self.start, *self.end);
        if cap == self.chunk.capacity() && self.chunk.reclaim() {
            self.chunk.copy_within(start..end, 0);
        } else {
            let mut chunk = new_chunk(cap);
            chunk
                .bytes_mut(0..end - start)
                .copy_from_slice(self.chunk.bytes(start..end));
            *self.chunk = chunk;
        }
        *self.start = 0;
        *self.end = end - start;
    }
}

/// A chunk of `cap` bytes; out of memory, the allocator's failure path decides (as for the
/// vector this buffer once was).
fn new_chunk(cap: usize) -> Chunk {
    Chunk::new(cap).unwrap_or_else(|_| {
        std::alloc::handle_alloc_error(
            std::alloc::Layout::from_size_align(cap, 16).unwrap_or(std::alloc::Layout::new::<u8>()),
        )
    })
}

/// Parses a ZMTP 2.0/3.x header. Reserved flag bits are ignored, as libzmq does.
fn v2_header(avail: &[u8]) -> Option<Header> {
    let (&flags, rest) = avail.split_first()?;
    let (len, body) = if flags & FLAG_LONG != 0 {
        let (size, _) = rest.split_first_chunk::<8>()?;
        (9, u64::from_be_bytes(*size))
    } else {
        (2, u64::from(*rest.first()?))
    };
    Some(Header {
        len,
        body,
        more: flags & FLAG_MORE != 0,
        command: flags & FLAG_COMMAND != 0,
    })
}

/// Parses a ZMTP 1.0 header; its length counts the flags byte, so zero is invalid.
fn v1_header(avail: &[u8]) -> Result<Option<Header>, Failure> {
    let Some(&first) = avail.first() else {
        return Ok(None);
    };
    let (len, counted) = if first == 0xFF {
        let Some((size, _)) = avail[1..].split_first_chunk::<8>() else {
            return Ok(None);
        };
        (10, u64::from_be_bytes(*size))
    } else {
        (2, u64::from(first))
    };
    if counted == 0 {
        return Err(Failure::Malformed("ZMTP 1.0 frame without flags"));
    }
    let Some(&flags) = avail.get(len - 1) else {
        return Ok(None);
    };
    Ok(Some(Header {
        len,
        body: counted - 1,
        more: flags & FLAG_MORE != 0,
        command: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(input: &mut Input, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let buf = input.read_buffer();
            let n = buf.len().min(bytes.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            input.read_done(n);
            bytes = &bytes[n..];
        }
    }

    #[test]
    fn small_bodies_come_as_bytes_larger_ones_as_messages() {
        let mut input = Input::new();
        let mut bytes = vec![0, INLINE_MAX as u8];
        bytes.extend_from_slice(&[1; INLINE_MAX]);
        bytes.extend_from_slice(&[FLAG_MORE, INLINE_MAX as u8 + 1]);
        bytes.extend_from_slice(&[2; INLINE_MAX + 1]);
        feed(&mut input, &bytes);
        match input.next_data_frame(Framing::V2, None) {
            Some(DataFrame::Small { body, more }) => {
                assert!(body == [1; INLINE_MAX] && !more);
            }
            _ => panic!("a small body is handed over as its bytes"),
        }
        match input.next_data_frame(Framing::V2, None) {
            Some(DataFrame::Msg(msg)) => {
                assert!(msg.data() == [2; INLINE_MAX + 1] && msg.more());
            }
            _ => panic!("a larger body is a message"),
        }
        assert!(input.is_empty());
    }

    #[test]
    fn data_frames_take_the_fast_path_and_leave_the_rest_to_next_frame() {
        let mut input = Input::new();
        let mut bytes = vec![
            FLAG_MORE,
            1,
            b'a',
            FLAG_COMMAND,
            4,
            b'P',
            b'I',
            b'N',
            b'G',
            0,
            2,
        ];
        bytes.extend_from_slice(b"bc");
        bytes.extend_from_slice(&[0, 3, b'd']);
        feed(&mut input, &bytes);
        let a = input.next_data_frame(Framing::V2, None).unwrap();
        assert_eq!((a.data(), a.more()), (&b"a"[..], true));
        // A command is not for the fast path; next_frame takes it.
        assert!(input.next_data_frame(Framing::V2, None).is_none());
        let ping = input.next_frame(Framing::V2, None).unwrap().unwrap();
        assert!(ping.is_command() && ping.data() == b"PING");
        let bc = input.next_data_frame(Framing::V2, None).unwrap();
        assert_eq!((bc.data(), bc.more()), (&b"bc"[..], false));
        // Incomplete, and too large: left alone, then next_frame decides.
        assert!(input.next_data_frame(Framing::V2, None).is_none());
        assert!(matches!(input.next_frame(Framing::V2, None), Ok(None)));
        feed(&mut input, b"ef");
        assert!(input.next_data_frame(Framing::V2, Some(2)).is_none());
        assert!(matches!(
            input.next_frame(Framing::V2, Some(2)),
            Err(Failure::MessageTooLarge)
        ));
        let def = input.next_data_frame(Framing::V2, Some(3)).unwrap();
        assert_eq!(def.data(), b"def");
        // ZMTP 1.0 framing: the length counts the flags byte.
        feed(&mut input, &[3, 0, b'x', b'y']);
        assert_eq!(
            input.next_data_frame(Framing::V1, None).unwrap().data(),
            b"xy"
        );
        assert!(input.is_empty());
    }

    #[test]
    fn plain_frames_include_large_bodies_and_wait_only_for_bytes() {
        let mut input = Input::new();
        assert!(input.waits_for_bytes(Framing::V2, None));
        // A large data frame, its first bytes only: it waits for the rest, read in place.
        let size = 100_000usize;
        let mut wire = vec![FLAG_LONG];
        wire.extend_from_slice(&(size as u64).to_be_bytes());
        wire.extend_from_slice(&[7u8; 1000]);
        feed(&mut input, &wire[..5]);
        assert!(input.waits_for_bytes(Framing::V2, None));
        assert!(input.next_plain_frame(Framing::V2, None).is_none());
        feed(&mut input, &wire[5..]);
        assert!(input.waits_for_bytes(Framing::V2, None));
        // Over ZMQ_MAXMSGSIZE: not a plain frame, left for next_frame's error.
        assert!(!input.waits_for_bytes(Framing::V2, Some(size as u64 - 1)));
        assert!(
            input
                .next_plain_frame(Framing::V2, Some(size as u64 - 1))
                .is_none()
        );
        assert!(input.next_plain_frame(Framing::V2, None).is_none());
        assert!(input.large.is_some());
        feed(&mut input, &vec![7u8; size - 1000]);
        let body = input.next_plain_frame(Framing::V2, None).unwrap();
        assert!(body.data().len() == size && body.data().iter().all(|&b| b == 7));
        // A size no buffer can hold: not a plain frame (next_frame refuses it).
        let mut huge = Input::new();
        let mut wire = vec![FLAG_LONG];
        wire.extend_from_slice(&u64::MAX.to_be_bytes());
        feed(&mut huge, &wire);
        assert!(!huge.waits_for_bytes(Framing::V2, None));
        assert!(huge.next_plain_frame(Framing::V2, None).is_none());
        assert!(huge.next_frame(Framing::V2, None).is_err());
        // A command, whole or not: not a plain frame; nothing is consumed.
        feed(&mut input, &[FLAG_COMMAND, 4, b'P', b'I']);
        assert!(!input.waits_for_bytes(Framing::V2, None));
        assert!(input.next_plain_frame(Framing::V2, None).is_none());
        feed(&mut input, b"NG");
        assert!(input.next_plain_frame(Framing::V2, None).is_none());
        let ping = input.next_frame(Framing::V2, None).unwrap().unwrap();
        assert!(ping.is_command() && ping.data() == b"PING");
        assert!(input.waits_for_bytes(Framing::V2, None) && input.is_empty());
    }

    #[test]
    fn large_body_is_read_in_place_and_grows_with_what_arrives() {
        let size = 1 << 20;
        let mut input = Input::new();
        let mut wire = vec![FLAG_MORE | FLAG_LONG];
        wire.extend_from_slice(&(size as u64).to_be_bytes());
        wire.extend_from_slice(&[5u8; 100]);
        feed(&mut input, &wire);
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        // The first reads go to a 64 KiB buffer, already holding the 100 bytes.
        assert_eq!(input.read_buffer().len(), LARGE_START - 100);
        input.read_done(0);
        let mut sent = 100;
        while sent < size {
            let buf = input.read_buffer();
            let n = buf.len().min(10_000).min(size - sent);
            assert!(n > 0);
            buf[..n].fill(5);
            input.read_done(n);
            sent += n;
            let cap = input.large.as_ref().unwrap().data.size();
            assert!(cap <= (2 * sent).max(LARGE_START), "{cap} for {sent}");
            if sent < size {
                assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
            }
        }
        let msg = input.next_frame(Framing::V2, None).unwrap().unwrap();
        assert_eq!(msg.size(), size);
        assert!(msg.more());
        assert!(msg.data().iter().all(|&b| b == 5));
        assert!(input.is_empty());
    }

    #[test]
    fn large_body_grows_at_once_to_the_bytes_ready() {
        let size = 1 << 20;
        let mut input = Input::new();
        let mut wire = vec![FLAG_LONG];
        wire.extend_from_slice(&(size as u64).to_be_bytes());
        feed(&mut input, &wire);
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        // Not asked while the buffer has room.
        let buf = input.read_buffer_ready(|| unreachable!());
        assert_eq!(buf.len(), LARGE_START);
        buf.fill(1);
        input.read_done(LARGE_START);
        // Full: 500 KB are ready, the buffer grows to hold them, not just to twice its size.
        let ready = 500_000;
        assert_eq!(
            input.read_buffer_ready(|| ready).len(),
            ready,
            "room for what is ready"
        );
        input.read_done(ready);
        // Never beyond the declared size, whatever is said to be ready.
        let buf = input.read_buffer_ready(|| usize::MAX);
        assert_eq!(buf.len(), size - LARGE_START - ready);
        buf.fill(1);
        let n = buf.len();
        input.read_done(n);
        let msg = input.next_frame(Framing::V2, None).unwrap().unwrap();
        assert_eq!(msg.size(), size);
        let mut input = Input::new();
        feed(&mut input, &wire);
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        input.read_buffer_ready(|| 0);
        input.read_done(LARGE_START);
        // Few bytes ready: it doubles, as without the count.
        assert_eq!(input.read_buffer_ready(|| 10).len(), LARGE_START);
    }

    #[test]
    fn a_large_body_starts_at_the_size_of_the_last_one_received() {
        let header = |size: u64| {
            let mut wire = vec![FLAG_LONG];
            wire.extend_from_slice(&size.to_be_bytes());
            wire
        };
        let mut input = Input::new();
        let first = 300_000;
        feed(&mut input, &header(first as u64));
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        assert_eq!(input.large.as_ref().unwrap().data.size(), LARGE_START);
        let mut sent = 0;
        while sent < first {
            let buf = input.read_buffer();
            let n = buf.len().min(first - sent);
            buf[..n].fill(7);
            input.read_done(n);
            sent += n;
        }
        assert_eq!(
            input.next_frame(Framing::V2, None).unwrap().unwrap().size(),
            first
        );
        // The next large body is read into one buffer of the last one's size...
        feed(&mut input, &header(1 << 20));
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        assert_eq!(input.large.as_ref().unwrap().data.size(), first);
        assert_eq!(input.read_buffer().len(), first);
        // ...or of its own declared size, when smaller.
        let mut input = Input::new();
        input.last_large = first;
        feed(&mut input, &header(100_000));
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        assert_eq!(input.large.as_ref().unwrap().data.size(), 100_000);
    }

    #[test]
    fn declared_size_allocates_nothing_before_bytes_arrive() {
        let mut input = Input::new();
        feed(&mut input, &[FLAG_LONG, 0x40, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert!(input.next_frame(Framing::V2, None).unwrap().is_none());
        assert_eq!(input.large.as_ref().unwrap().data.size(), LARGE_START);
        let mut input = Input::new();
        feed(&mut input, &[FLAG_LONG, 0x80, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            input.next_frame(Framing::V2, None).unwrap_err(),
            Failure::MessageTooLarge
        );
        let mut input = Input::new();
        feed(&mut input, &[FLAG_LONG, 0, 0, 0, 0, 0, 0, 0x10, 1]);
        assert_eq!(
            input.next_frame(Framing::V2, Some(4096)).unwrap_err(),
            Failure::MessageTooLarge
        );
    }

    #[test]
    fn v1_frames() {
        let mut input = Input::new();
        feed(
            &mut input,
            b"\x03\x01hi\xff\x00\x00\x00\x00\x00\x00\x00\x02\x00x\x01\x00",
        );
        let a = input.next_frame(Framing::V1, None).unwrap().unwrap();
        assert_eq!((a.data(), a.more()), (&b"hi"[..], true));
        let b = input.next_frame(Framing::V1, None).unwrap().unwrap();
        assert_eq!((b.data(), b.more()), (&b"x"[..], false));
        let c = input.next_frame(Framing::V1, None).unwrap().unwrap();
        assert_eq!(c.size(), 0);
        feed(&mut input, b"\x00");
        assert!(input.next_frame(Framing::V1, None).is_err());
    }

    #[test]
    fn bodies_share_the_buffer_and_pin_at_most_twice_what_was_sent() {
        let mut wire = Vec::new();
        let mut expected = Vec::new();
        for i in 0..700usize {
            let body: Vec<u8> = (0..34 + i % 90).map(|j| (i + j) as u8).collect();
            wire.extend_from_slice(&[0, body.len() as u8]);
            wire.extend_from_slice(&body);
            expected.push(body);
        }
        let mut input = Input::new();
        let mut held = Vec::new();
        let mut chunks = std::collections::HashSet::new();
        for piece in wire.chunks(1000) {
            feed(&mut input, piece);
            let sealed = input.chunk.sealed();
            chunks.insert(input.chunk.bytes(sealed..sealed).as_ptr() as usize - sealed);
            while let Some(frame) = input.next_data_frame(Framing::V2, None) {
                held.push(frame.into_msg());
            }
        }
        // Every body came whole and stayed so while later bytes were read.
        assert_eq!(held.len(), expected.len());
        for (msg, body) in held.iter().zip(&expected) {
            assert_eq!(msg.data(), &body[..]);
        }
        assert!(chunks.len() > 1);
        assert!(chunks.len() * BUF_SIZE <= 2 * wire.len() + BUF_SIZE);
        // Once the messages are gone, the buffer is used again from its start.
        drop(held);
        assert_eq!(input.read_buffer().len(), BUF_SIZE);
    }

    #[test]
    fn a_caller_that_reads_without_decoding_gets_room() {
        let mut input = Input::new();
        feed(&mut input, &vec![0u8; 3 * BUF_SIZE]);
        assert_eq!(input.available().len(), 3 * BUF_SIZE);
        for _ in 0..3 * BUF_SIZE / 2 {
            assert_eq!(
                input.next_frame(Framing::V2, None).unwrap().unwrap().size(),
                0
            );
        }
        assert!(input.is_empty());
        assert_eq!(input.read_buffer().len(), BUF_SIZE);
    }
}
