//! Messages: the payload of one frame plus its flags, routing id and peer metadata.
//!
//! A `Msg` is small enough to live in place inside the 64 bytes of a C `zmq_msg_t` (the C boundary
//! stores it there). Payloads of up to [`INLINE_MAX`] bytes are stored inline; larger ones are a
//! buffer of the message's own, or a reference-counted [`Shared`] payload, so copies share one
//! buffer. A zero-copy buffer handed in by the application ([`Foreign`]) is held as it came,
//! with no allocation, until a copy is made: it then becomes the shared buffer of the copies.
//! It is released exactly once, when the last copy is dropped, on whatever thread that is.

mod buffer;
mod chunk;
mod metadata;
mod owner;
pub(crate) mod words;

use std::ffi::c_void;
use std::sync::Arc;

use bytes::Bytes;

pub use self::chunk::Chunk;
pub use self::metadata::Metadata;
use self::owner::OwnerRef;
use crate::error::{Error, Result};

/// The largest payload stored inside the message itself (libzmq's "very small message" limit).
pub const INLINE_MAX: usize = 33;
/// The longest RADIO/DISH group, in bytes (ZMQ_GROUP_MAX_LENGTH).
pub const GROUP_MAX_LENGTH: usize = 255;

/// Another frame of the same message follows.
const MORE: u8 = 0x01;
/// A protocol command rather than a message frame.
const COMMAND: u8 = 0x02;
/// The payload is shared with another message.
const SHARED: u8 = 0x04;
/// The payload is memory the application keeps alive and never wants back.
const CONSTANT: u8 = 0x08;
/// The frame carries a peer's routing id (exchanged when a connection starts).
const ROUTING_ID: u8 = 0x10;
/// The frame is a subscription a SUB socket made (ZMTP 3.1 sends it as a SUBSCRIBE or CANCEL
/// command); its payload is still the 1 (subscribe) or 0 (cancel) byte and the topic.
const SUBSCRIPTION: u8 = 0x20;

/// One message frame.
pub struct Msg {
    body: Body,
    flags: u8,
    routing_id: u32,
    metadata: Option<Arc<Metadata>>,
}

enum Body {
    Inline {
        len: u8,
        buf: [u8; INLINE_MAX],
    },
    /// Owned by this message alone and writable (zmq_msg_init_size).
    Unique(buffer::Buffer),
    /// Possibly shared with other messages.
    Shared(Shared),
    /// The application's, held by this message alone (made shared when copied).
    Foreign(Foreign),
}

/// A payload shared by messages: the bytes, and a counted reference to what owns them. A copy
/// is these three words and one increment of the count (`Msg::share_bitwise`), a drop one
/// decrement, with no indirect call (a `Bytes` clones and drops through its vtable).
#[derive(Clone)]
pub struct Shared {
    ptr: *const u8,
    len: usize,
    owner: OwnerRef,
}

/// What owns the bytes of a `Shared`.
enum Owner {
    Buffer(buffer::Buffer),
    Foreign(Foreign),
    Bytes(Bytes),
}

// SAFETY: the bytes are only read while shared, and the owner is Send and Sync.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

impl Shared {
    fn new(owner: Owner) -> Shared {
        let owner = OwnerRef::new(owner);
        let bytes: &[u8] = match &*owner {
            Owner::Buffer(b) => b,
            Owner::Foreign(f) => f.as_ref(),
            Owner::Bytes(b) => b,
        };
        Shared {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
            owner,
        }
    }

    /// The bytes as a `Bytes` (without a copy): the owner is taken out when this is its last
    /// reference. A buffer's bytes may be a part of it (see `Chunk`).
    fn into_bytes(self) -> Bytes {
        match self.owner.try_unwrap() {
            Ok(Owner::Buffer(b)) => {
                let at = self.ptr.addr() - b.as_ptr().addr();
                Bytes::from_owner(b).slice(at..at + self.len)
            }
            Ok(Owner::Foreign(f)) => Bytes::from_owner(f),
            Ok(Owner::Bytes(b)) => b,
            Err(owner) => Bytes::from_owner(Shared {
                ptr: self.ptr,
                len: self.len,
                owner,
            }),
        }
    }
}

impl AsRef<[u8]> for Shared {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `len` bytes at `ptr`, owned by `owner`, which this keeps alive, and never
        // written while shared.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// A free function of the application's: called with the data and the hint it was given.
pub type FreeFn = unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void);

/// Memory the application lends a message (zmq_msg_init_data, zmq_send_const): `len` bytes
/// at `data`, handed back to `free` with `hint` once the message and its copies are done with
/// them, or never without a free function.
pub struct Foreign {
    data: *mut c_void,
    len: usize,
    free: Option<FreeFn>,
    hint: *mut c_void,
}

// SAFETY: zmq_msg_init_data(3) lets the free function run on any thread, and the buffer is only
// read through shared references while the message lives.
unsafe impl Send for Foreign {}
// SAFETY: shared references only read the bytes.
unsafe impl Sync for Foreign {}

impl Foreign {
    /// `len` bytes at `data` (non-NULL when `len` > 0), readable until `free` is called with
    /// `data` and `hint` (for ever, without `free`).
    ///
    /// # Safety
    /// The caller guarantees what the memory and the function promise.
    pub unsafe fn new(
        data: *mut c_void,
        len: usize,
        free: Option<FreeFn>,
        hint: *mut c_void,
    ) -> Self {
        Foreign {
            data,
            len,
            free,
            hint,
        }
    }
}

impl AsRef<[u8]> for Foreign {
    fn as_ref(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `len` readable bytes at `data` until the free function is called (see `new`).
        unsafe { std::slice::from_raw_parts(self.data.cast::<u8>(), self.len) }
    }
}

impl Drop for Foreign {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: the application's free function, called once with its data and hint.
            unsafe { free(self.data, self.hint) };
        }
    }
}

impl Msg {
    /// An empty message.
    pub const fn new() -> Self {
        Self::with_body(Body::Inline {
            len: 0,
            buf: [0; INLINE_MAX],
        })
    }

    const fn with_body(body: Body) -> Self {
        Msg {
            body,
            flags: 0,
            routing_id: 0,
            metadata: None,
        }
    }

    /// A message of `size` bytes for the caller to write into. Its content is undefined, as in
    /// zmq_msg_init_size(3): small ones start zeroed, large ones as the allocator left them.
    #[inline]
    pub fn with_size(size: usize) -> Result<Self> {
        if size <= INLINE_MAX {
            // Cannot truncate: size <= INLINE_MAX.
            return Ok(Self::with_body(Body::Inline {
                len: size as u8,
                buf: [0; INLINE_MAX],
            }));
        }
        Ok(Self::with_body(Body::Unique(buffer::Buffer::new(size)?)))
    }

    /// Gives an empty message made by `new` (and not changed since) a length of `size` bytes,
    /// at most `INLINE_MAX`: zeros, stored inline.
    #[inline]
    pub fn set_small_size(&mut self, size: usize) {
        debug_assert!(size <= INLINE_MAX && self.size() == 0);
        if let Body::Inline { len, .. } = &mut self.body {
            // Cannot truncate: size <= INLINE_MAX (checked by the caller).
            *len = size.min(INLINE_MAX) as u8;
        }
    }

    /// Gives an empty message made by `new` (and not changed since) the bytes of `data`, at
    /// most `INLINE_MAX`, copied where the message is (see `PipeEnd::write_small`).
    #[inline]
    pub fn set_small_data(&mut self, data: &[u8]) {
        debug_assert!(data.len() <= INLINE_MAX && self.size() == 0);
        if let Body::Inline { len, buf } = &mut self.body {
            let n = data.len().min(INLINE_MAX);
            buf[..n].copy_from_slice(&data[..n]);
            // Cannot truncate: n <= INLINE_MAX.
            *len = n as u8;
        }
    }

    /// A message holding a copy of `data`.
    #[inline]
    pub fn from_slice(data: &[u8]) -> Self {
        if data.len() <= INLINE_MAX {
            return Self::new_inline(data);
        }
        Self::from_slice_large(data)
    }

    fn from_slice_large(data: &[u8]) -> Self {
        match buffer::Buffer::new(data.len()) {
            Ok(mut buffer) => {
                buffer.copy_from_slice(data);
                Self::with_body(Body::Unique(buffer))
            }
            // Out of memory: the allocator's own failure path decides.
            Err(_) => Self::from_bytes(Bytes::copy_from_slice(data)),
        }
    }

    /// The payload, writable, while this message alone holds it (a message made by
    /// `with_size` or `from_slice` and not shared since); None otherwise. A fresh `with_size`
    /// payload holds undefined bytes until written.
    pub fn data_mut(&mut self) -> Option<&mut [u8]> {
        match &mut self.body {
            Body::Inline { len, buf } => Some(&mut buf[..usize::from(*len)]),
            Body::Unique(b) => Some(b),
            Body::Shared(_) | Body::Foreign(_) => None,
        }
    }

    /// Replaces the payload with a writable one of `size` bytes that starts with the first
    /// `keep` bytes of the current one (the rest undefined): a buffer growing as data arrives.
    /// A writable payload is resized in place where the allocator can (large blocks).
    pub fn regrow(&mut self, size: usize, keep: usize) -> Result<()> {
        if let Body::Unique(buffer) = &mut self.body {
            if size > INLINE_MAX {
                return buffer.resize(size);
            }
        }
        let mut grown = Msg::with_size(size)?;
        let keep = keep.min(size).min(self.size());
        if let Some(data) = grown.data_mut() {
            data[..keep].copy_from_slice(&self.data()[..keep]);
        }
        self.body = grown.body;
        Ok(())
    }

    /// A small message, written where it is built: the bytes copied into a buffer on the
    /// stack and then moved in whole reloaded them before the copy's narrow stores had
    /// reached the cache (a store-forwarding stall, 17% of an I/O thread receiving 1-byte
    /// messages).
    #[inline]
    fn new_inline(data: &[u8]) -> Self {
        let mut msg = Self::new();
        if let Body::Inline { len, buf } = &mut msg.body {
            buf[..data.len()].copy_from_slice(data);
            // Callers guarantee data.len() <= INLINE_MAX, which fits in u8.
            *len = data.len() as u8;
        }
        msg
    }

    /// A message over memory the application lends (see `Foreign`), marked constant
    /// (ZMQ_SHARED) when the memory is never handed back.
    pub fn foreign(foreign: Foreign) -> Self {
        let constant = foreign.free.is_none();
        let mut msg = Self::with_body(Body::Foreign(foreign));
        if constant {
            msg.flags |= CONSTANT;
        }
        msg
    }

    /// A message over a shared buffer, without copying it.
    pub fn from_bytes(data: Bytes) -> Self {
        Self::with_body(Body::Shared(Shared::new(Owner::Bytes(data))))
    }

    /// The payload.
    pub fn data(&self) -> &[u8] {
        match &self.body {
            Body::Inline { len, buf } => &buf[..usize::from(*len)],
            Body::Unique(b) => b,
            Body::Shared(s) => s.as_ref(),
            Body::Foreign(f) => f.as_ref(),
        }
    }

    /// The payload's address, for a C caller that may write through it (as libzmq allows).
    pub fn data_ptr(&mut self) -> *mut u8 {
        match &mut self.body {
            Body::Inline { buf, .. } => buf.as_mut_ptr(),
            Body::Unique(b) => b.as_mut_ptr(),
            Body::Shared(s) => s.ptr.cast_mut(),
            Body::Foreign(f) => f.data.cast(),
        }
    }

    /// The payload's length in bytes.
    pub fn size(&self) -> usize {
        match &self.body {
            Body::Inline { len, .. } => usize::from(*len),
            Body::Unique(b) => b.len(),
            Body::Shared(s) => s.len,
            Body::Foreign(f) => f.len,
        }
    }

    /// The payload as a shared buffer (copied when inline, frozen when unique).
    pub fn into_bytes(self) -> Bytes {
        match self.body {
            Body::Inline { len, buf } => Bytes::copy_from_slice(&buf[..usize::from(len)]),
            Body::Unique(b) => Bytes::from_owner(b),
            Body::Shared(s) => s.into_bytes(),
            Body::Foreign(f) => Bytes::from_owner(f),
        }
    }

    /// Whether another frame of the same message follows.
    pub fn more(&self) -> bool {
        self.flags & MORE != 0
    }

    /// Marks whether another frame follows.
    pub fn set_more(&mut self, more: bool) {
        self.set_flag(MORE, more);
    }

    /// Whether this frame is a protocol command.
    pub fn is_command(&self) -> bool {
        self.flags & COMMAND != 0
    }

    /// Marks this frame as a protocol command.
    pub fn set_command(&mut self, command: bool) {
        self.set_flag(COMMAND, command);
    }

    /// Whether this frame carries a peer's routing id rather than data.
    pub fn is_routing_id(&self) -> bool {
        self.flags & ROUTING_ID != 0
    }

    /// Marks this frame as carrying a routing id.
    pub fn set_routing_id_flag(&mut self, on: bool) {
        self.set_flag(ROUTING_ID, on);
    }

    /// Whether this frame is a subscription made by a SUB socket (see `set_subscription`).
    pub fn is_subscription(&self) -> bool {
        self.flags & SUBSCRIPTION != 0
    }

    /// Marks this frame, whose payload is 1 or 0 and a topic, as a subscription or cancellation
    /// (what ZMTP 3.1 carries as SUBSCRIBE and CANCEL commands).
    pub fn set_subscription(&mut self, on: bool) {
        self.set_flag(SUBSCRIPTION, on);
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        let flags = if on {
            self.flags | flag
        } else {
            self.flags & !flag
        };
        // No store when nothing changes: a message is moved right after the send path sets its
        // flags, and a copy that reads over a byte just stored waits for it (store forwarding).
        if flags != self.flags {
            self.flags = flags;
        }
    }

    /// Whether the payload may be shared with another message (ZMQ_SHARED).
    pub fn is_shared(&self) -> bool {
        self.flags & (SHARED | CONSTANT) != 0
    }

    /// The routing id (SERVER/CLIENT, PEER sockets); 0 when unset.
    pub fn routing_id(&self) -> u32 {
        self.routing_id
    }

    /// Sets the routing id.
    pub fn set_routing_id(&mut self, id: u32) {
        self.routing_id = id;
    }

    /// The RADIO/DISH group, if one was set.
    pub fn group(&self) -> Option<&std::ffi::CStr> {
        self.metadata.as_deref().and_then(Metadata::group)
    }

    /// Sets the RADIO/DISH group (zmq_msg_set_group); EINVAL when longer than
    /// `GROUP_MAX_LENGTH` or holding a byte 0. The peer properties stay.
    pub fn set_group(&mut self, group: &[u8]) -> Result<()> {
        if group.len() > GROUP_MAX_LENGTH {
            return Err(Error::Inval);
        }
        let mut metadata = self.metadata.as_deref().cloned().unwrap_or_default();
        metadata.set_group(group)?;
        self.metadata = Some(Arc::new(metadata));
        Ok(())
    }

    /// The properties of the peer this message came from, if any.
    pub fn metadata(&self) -> Option<&Arc<Metadata>> {
        self.metadata.as_ref()
    }

    /// Detaches the peer properties.
    #[inline]
    pub fn take_metadata(&mut self) -> Option<Arc<Metadata>> {
        self.metadata.take()
    }

    /// Attaches the properties of the peer this message came from.
    pub fn set_metadata(&mut self, metadata: Option<Arc<Metadata>>) {
        if metadata.is_some() || self.metadata.is_some() {
            self.metadata = metadata;
        }
    }

    /// A second message with the same payload, flags and metadata. Large payloads are shared, not
    /// copied, and both messages are then marked shared.
    #[inline]
    pub fn share(&mut self) -> Msg {
        // The common small message: nothing to count or mark, a plain copy.
        if let (Body::Inline { len, buf }, None) = (&self.body, &self.metadata) {
            return Msg {
                body: Body::Inline {
                    len: *len,
                    buf: *buf,
                },
                flags: self.flags,
                routing_id: self.routing_id,
                metadata: None,
            };
        }
        self.share_slow()
    }

    #[inline(never)]
    fn share_slow(&mut self) -> Msg {
        if let Body::Unique(_) | Body::Foreign(_) = self.body {
            self.make_shared();
        }
        let body = match &self.body {
            Body::Inline { len, buf } => Body::Inline {
                len: *len,
                buf: *buf,
            },
            Body::Shared(b) => {
                self.flags |= SHARED;
                Body::Shared(b.clone())
            }
            Body::Unique(_) | Body::Foreign(_) => unreachable!("made shared above"),
        };
        Msg {
            body,
            flags: self.flags,
            routing_id: self.routing_id,
            metadata: self.metadata.clone(),
        }
    }

    /// Makes `dest` a copy of this message, as `share` does, written in place when the payload
    /// is shared: the copy made by `share` and then moved into a `zmq_msg_t` was read back, in
    /// wide loads, right after the narrow stores that built it, a store-forwarding stall that
    /// took most of zmq_msg_copy's time. `dest`'s old content is dropped first, so it must
    /// drop quietly (see `drops_quietly`).
    pub fn share_into(&mut self, dest: &mut Msg) {
        debug_assert!(dest.drops_quietly());
        if let Body::Unique(_) | Body::Foreign(_) = self.body {
            self.make_shared();
        }
        let Body::Shared(b) = &self.body else {
            // A small payload: a plain copy, built in registers.
            *dest = self.share();
            return;
        };
        self.flags |= SHARED;
        dest.metadata.clone_from(&self.metadata);
        dest.flags = self.flags;
        dest.routing_id = self.routing_id;
        // The clone is written where it stays, not moved there from a temporary.
        dest.body = Body::Shared(b.clone());
    }

    /// Turns a payload of this message's alone (its own buffer, or the application's) into a
    /// shared one, without copying it: the buffer becomes the shared buffer of the message and
    /// of its copies.
    #[inline(never)]
    fn make_shared(&mut self) {
        let empty = Body::Inline {
            len: 0,
            buf: [0; INLINE_MAX],
        };
        self.body = match std::mem::replace(&mut self.body, empty) {
            Body::Unique(b) => Body::Shared(Shared::new(Owner::Buffer(b))),
            Body::Foreign(f) => Body::Shared(Shared::new(Owner::Foreign(f))),
            other => other,
        };
    }

    /// Readies a copy of this message made by copying its bytes (the caller copies them next,
    /// onto a message that needs no drop): counts that copy as a holder of the shared payload
    /// and of the metadata, and marks the payload shared. True when done; false, changing
    /// nothing, for a payload that must first become shared (see `share_into`).
    #[inline(always)]
    pub fn share_bitwise(&mut self) -> bool {
        match &self.body {
            Body::Inline { .. } => {}
            Body::Shared(s) => {
                // The count is the bitwise copy's, released when that copy drops its own
                // reference.
                s.owner.count_copy();
                self.set_flag(SHARED, true);
            }
            Body::Unique(_) | Body::Foreign(_) => return false,
        }
        if let Some(metadata) = &self.metadata {
            // SAFETY: as above, for the metadata.
            unsafe { Arc::increment_strong_count(Arc::as_ptr(metadata)) };
        }
        true
    }

    /// Whether the message holds nothing to release (a small payload, no metadata): dropping it
    /// does nothing, and a copy of its bytes is a message of its own.
    #[inline(always)]
    pub fn is_plain(&self) -> bool {
        matches!(self.body, Body::Inline { .. }) && self.metadata.is_none()
    }

    /// Whether dropping the message runs no code of the application's: its payload is not
    /// the application's, nor shared (a shared one may be).
    pub fn drops_quietly(&self) -> bool {
        !matches!(self.body, Body::Shared(_) | Body::Foreign(_))
    }

    /// Takes the message out, leaving an empty one in its place.
    pub fn take(&mut self) -> Msg {
        std::mem::take(self)
    }
}

impl Default for Msg {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Msg")
            .field("size", &self.size())
            .field("flags", &self.flags)
            .field("routing_id", &self.routing_id)
            .finish()
    }
}

#[cfg(test)]
mod tests;
