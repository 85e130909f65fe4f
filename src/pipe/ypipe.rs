//! A lock-free single-producer single-consumer queue with libzmq's ypipe wake-up protocol.
//!
//! The writer appends values and *flushes* them to make them visible; a flush reports whether
//! the reader had gone to sleep (found the queue empty and said so), in which case the writer
//! must wake it by other means (a command to its mailbox). While both sides are busy no system
//! call and no lock is involved: one atomic word, `published`, carries the protocol.
//!
//! Positions are counted in values written since the pipe was made (u64, never wraps in
//! practice). `published` holds the count the writer last made visible, or `ASLEEP` once the
//! reader found nothing beyond what it had read and went to sleep.
//!
//! Values live in chunks of `CHUNK` slots linked front to back. The reader hands each chunk it
//! has emptied back to the writer as a spare, so a busy pipe allocates nothing.
//!
//! This file holds all the unsafe code of the pipe layer.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

/// Values per chunk.
const CHUNK: usize = 256;

/// `published` value meaning the reader is asleep and must be woken on the next flush.
const ASLEEP: u64 = u64::MAX;

struct Chunk<T> {
    slots: [UnsafeCell<MaybeUninit<T>>; CHUNK],
    /// The next chunk toward the back; written by the writer before it publishes any value in
    /// it, read by the reader after it has seen such a value.
    next: AtomicPtr<Chunk<T>>,
    /// The previous chunk; used only by the writer (to take back unflushed values).
    prev: *mut Chunk<T>,
}

impl<T> Chunk<T> {
    fn alloc() -> *mut Chunk<T> {
        let chunk = Box::new(Chunk {
            slots: [const { UnsafeCell::new(MaybeUninit::uninit()) }; CHUNK],
            next: AtomicPtr::new(ptr::null_mut()),
            prev: ptr::null_mut(),
        });
        Box::into_raw(chunk)
    }

    /// # Safety
    /// `chunk` came from `alloc`, holds no live value, and is not used again.
    unsafe fn free(chunk: *mut Chunk<T>) {
        // SAFETY: per the function's contract; MaybeUninit slots drop nothing.
        drop(unsafe { Box::from_raw(chunk) });
    }
}

/// The writer's position: the chunk and slot of the next value, and the counts of the protocol.
struct WriterState<T> {
    chunk: *mut Chunk<T>,
    slot: usize,
    /// Values written (the next value's position).
    written: u64,
    /// Values that form complete messages and may be flushed.
    complete: u64,
    /// Values made visible by the last flush.
    flushed: u64,
}

/// The reader's position, and how far it knows it may read without asking.
struct ReaderState<T> {
    chunk: *mut Chunk<T>,
    slot: usize,
    /// Values read (the next value's position).
    read: u64,
    /// Values known to be readable.
    readable: u64,
}

/// Keeps its content on cache lines of its own, so that the writer's and the reader's state do
/// not invalidate each other's caches (false sharing).
#[repr(align(128))]
struct CachePadded<T>(T);

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for CachePadded<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

struct Shared<T> {
    published: CachePadded<AtomicU64>,
    /// A chunk the reader emptied, for the writer to reuse; null when none.
    spare: CachePadded<AtomicPtr<Chunk<T>>>,
    writer: CachePadded<UnsafeCell<WriterState<T>>>,
    reader: CachePadded<UnsafeCell<ReaderState<T>>>,
}

// SAFETY: the writer state is touched only through the one `Writer`, the reader state only
// through the one `Reader`; values cross threads from writer to reader (hence T: Send), with
// the publish/acquire protocol on `published` ordering every slot access.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as above; `Shared` is reached only through `Writer` and `Reader`.
unsafe impl<T: Send> Sync for Shared<T> {}

/// The writing end of a pipe.
pub struct Writer<T> {
    shared: Arc<Shared<T>>,
}

/// The reading end of a pipe.
pub struct Reader<T> {
    shared: Arc<Shared<T>>,
}

/// A new empty pipe. The reader starts awake: the first flush does not ask for a wake-up.
pub fn ypipe<T: Send>() -> (Writer<T>, Reader<T>) {
    let first = Chunk::alloc();
    let shared = Arc::new(Shared {
        published: CachePadded(AtomicU64::new(0)),
        spare: CachePadded(AtomicPtr::new(ptr::null_mut())),
        writer: CachePadded(UnsafeCell::new(WriterState {
            chunk: first,
            slot: 0,
            written: 0,
            complete: 0,
            flushed: 0,
        })),
        reader: CachePadded(UnsafeCell::new(ReaderState {
            chunk: first,
            slot: 0,
            read: 0,
            readable: 0,
        })),
    });
    (
        Writer {
            shared: shared.clone(),
        },
        Reader { shared },
    )
}

impl<T: Send> Writer<T> {
    /// The shared part and the writer's state, borrowed together.
    fn parts(&mut self) -> (&Shared<T>, &mut WriterState<T>) {
        let shared = &*self.shared;
        // SAFETY: only this Writer, borrowed mutably here, touches the writer state.
        (shared, unsafe { &mut *shared.writer.get() })
    }

    /// Appends a value. `incomplete` marks a value after which the message is not complete yet
    /// (a frame followed by more frames): it is not flushed until a complete one follows.
    #[inline]
    pub fn write(&mut self, value: T, incomplete: bool) {
        self.write_with(value, incomplete, |_| {});
    }

    /// `write`, then `fill` finishes the value where it is stored (a message's bytes copied
    /// into its slot: built elsewhere and moved in, the move reloaded them too soon).
    #[inline]
    pub fn write_with(&mut self, value: T, incomplete: bool, fill: impl FnOnce(&mut T)) {
        let (shared, w) = self.parts();
        // SAFETY: the writer owns the slot at its position: the reader never reads beyond the
        // published count, which is at most `written`.
        fill(unsafe { (*(*w.chunk).slots[w.slot].get()).write(value) });
        w.written += 1;
        w.slot += 1;
        if w.slot == CHUNK {
            let mut next = shared.spare.swap(ptr::null_mut(), Ordering::Acquire);
            if next.is_null() {
                next = Chunk::alloc();
            }
            // SAFETY: `next` is a chunk no one else uses (fresh, or handed back by the reader
            // through `spare`); the current chunk is the writer's.
            unsafe {
                (*next).next.store(ptr::null_mut(), Ordering::Relaxed);
                (*next).prev = w.chunk;
                (*w.chunk).next.store(next, Ordering::Relaxed);
            }
            w.chunk = next;
            w.slot = 0;
        }
        if !incomplete {
            w.complete = w.written;
        }
    }

    /// Takes back the last value written if it was not flushed and belongs to an incomplete
    /// message (libzmq's unwrite, used to roll back a partial multipart message).
    pub fn unwrite(&mut self) -> Option<T> {
        let (_, w) = self.parts();
        if w.written == w.complete {
            return None;
        }
        if w.slot == 0 {
            // SAFETY: `written > complete >= 0` values exist, so there is a previous chunk,
            // and the writer's current chunk holds no value yet.
            unsafe {
                let prev = (*w.chunk).prev;
                (*prev).next.store(ptr::null_mut(), Ordering::Relaxed);
                Chunk::free(w.chunk);
                w.chunk = prev;
            }
            w.slot = CHUNK;
        }
        w.slot -= 1;
        w.written -= 1;
        // SAFETY: the slot holds the value written last, never published (written > complete
        // >= flushed), so the reader cannot have seen it.
        Some(unsafe { (*(*w.chunk).slots[w.slot].get()).assume_init_read() })
    }

    /// Makes every complete value visible to the reader. Returns false when the reader was
    /// asleep: the caller must then wake it (send it an activation command).
    pub fn flush(&mut self) -> bool {
        let (shared, w) = self.parts();
        if w.flushed == w.complete {
            return true;
        }
        let target = w.complete;
        let was = shared.published.compare_exchange(
            w.flushed,
            target,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        w.flushed = target;
        match was {
            Ok(_) => true,
            Err(_) => {
                // The reader is asleep (`published` is ASLEEP): publish and report it.
                shared.published.store(target, Ordering::Release);
                false
            }
        }
    }

    /// Values written but not flushed yet.
    pub fn unflushed(&self) -> u64 {
        // SAFETY: only this Writer touches the writer state; a shared borrow here.
        let w = unsafe { &*self.shared.writer.get() };
        w.written - w.flushed
    }
}

impl<T: Send> Reader<T> {
    /// The shared part and the reader's state, borrowed together.
    fn parts(&mut self) -> (&Shared<T>, &mut ReaderState<T>) {
        let shared = &*self.shared;
        // SAFETY: only this Reader, borrowed mutably here, touches the reader state.
        (shared, unsafe { &mut *shared.reader.get() })
    }

    /// Whether a value is ready. When there is none the reader goes to sleep: the writer's next
    /// flush will return false, telling it to send a wake-up.
    pub fn check_read(&mut self) -> bool {
        let (shared, r) = self.parts();
        if r.read < r.readable {
            return true;
        }
        match shared
            .published
            .compare_exchange(r.read, ASLEEP, Ordering::AcqRel, Ordering::Acquire)
        {
            // Nothing new: now asleep.
            Ok(_) => false,
            // Still asleep from before: nothing new either.
            Err(ASLEEP) => false,
            Err(published) => {
                r.readable = published;
                r.read < r.readable
            }
        }
    }

    /// Wakes a sleeping reader without reading: the writer's next flush then finds it awake
    /// and sends no wake-up. False when the reader was not asleep, or a flush found it so
    /// since (whose writer then sent a wake-up).
    pub fn wake(&mut self) -> bool {
        let (shared, r) = self.parts();
        shared
            .published
            .compare_exchange(ASLEEP, r.read, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Whether values were published beyond what was read, with a single atomic load: unlike
    /// `check_read`, it never puts the reader to sleep.
    pub fn has_new(&mut self) -> bool {
        let (shared, r) = self.parts();
        if r.read < r.readable {
            return true;
        }
        let published = shared.published.load(Ordering::Acquire);
        published != ASLEEP && published > r.read
    }

    /// Takes the next value, if one is ready (going to sleep when none is).
    pub fn read(&mut self) -> Option<T> {
        // SAFETY: the value is moved out once.
        unsafe { self.take_with(|slot| slot.assume_init_read()) }
    }

    /// Takes the next value, if one is ready, as `read`; but when `part` finds in it a `U`,
    /// that part is swapped with `place` where it lies, and the value (now holding `place`'s
    /// old content) is dropped in its slot: `Some(None)`. Anything else is moved out:
    /// `Some(Some(value))`. A value returned by `read` and then moved on was copied in the
    /// pieces the compiler cut around its discriminant and read back in other pieces: a
    /// store-forwarding stall in every message read.
    pub fn read_swapping<U>(
        &mut self,
        place: &mut U,
        part: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Option<Option<T>> {
        // SAFETY: the slot's value is taken once: dropped in place after the swap, or moved
        // out. Should `part` or the drop unwind, the value is leaked (see `take_with`).
        unsafe {
            self.take_with(|slot| {
                if let Some(found) = part(slot.assume_init_mut()) {
                    std::mem::swap(found, place);
                    slot.assume_init_drop();
                    return None;
                }
                Some(slot.assume_init_read())
            })
        }
    }

    /// Takes the next value, if one is ready, by handing `take` the slot it is in. The
    /// reader moves past the slot once `take` returns, or unwinds: a value it left behind is
    /// then leaked, never taken twice.
    ///
    /// # Safety
    /// The slot holds a value; `take` must move it out or drop it, once (the slot counts as
    /// empty afterwards).
    unsafe fn take_with<R>(&mut self, take: impl FnOnce(&mut MaybeUninit<T>) -> R) -> Option<R> {
        /// Moves the reader past its slot when dropped, also on unwinding; the emptied chunk
        /// is recycled only then, after `take` is done with the slot.
        struct Advance<'a, T: Send>(&'a mut Reader<T>);
        impl<T: Send> Drop for Advance<'_, T> {
            fn drop(&mut self) {
                let (shared, r) = self.0.parts();
                r.read += 1;
                r.slot += 1;
                if r.slot == CHUNK {
                    // SAFETY: a published value beyond this chunk exists or will (the writer
                    // linked the next chunk when it filled this one, before publishing anything
                    // in it); and this chunk is now empty and no longer referenced by the
                    // writer.
                    unsafe {
                        let next = (*r.chunk).next.load(Ordering::Relaxed);
                        let emptied = r.chunk;
                        r.chunk = next;
                        let old = shared.spare.swap(emptied, Ordering::Release);
                        if !old.is_null() {
                            Chunk::free(old);
                        }
                    }
                    r.slot = 0;
                }
            }
        }

        if !self.check_read() {
            return None;
        }
        let (_, r) = self.parts();
        // SAFETY: `read < readable <= published`: the writer wrote this slot and published it
        // with release ordering, which our acquire in check_read observed. The slot is ours
        // until the reader moves past it (when `advance` drops, after `take`).
        let slot = unsafe { &mut *(*r.chunk).slots[r.slot].get() };
        let advance = Advance(self);
        let value = take(slot);
        drop(advance);
        Some(value)
    }

    /// How many of the values published and not read yet satisfy `counted`, without reading
    /// them and without putting the reader to sleep (for statistics).
    pub fn count_ready(&mut self, counted: impl Fn(&T) -> bool) -> u64 {
        let (shared, r) = self.parts();
        let published = shared.published.load(Ordering::Acquire);
        if published != ASLEEP && published > r.readable {
            r.readable = published;
        }
        let (mut chunk, mut slot) = (r.chunk, r.slot);
        let mut count = 0;
        for _ in r.read..r.readable {
            if slot == CHUNK {
                // SAFETY: a value published beyond a chunk lives in the next one, which the
                // writer linked before publishing it (as in `read`).
                chunk = unsafe { (*chunk).next.load(Ordering::Relaxed) };
                slot = 0;
            }
            // SAFETY: `read <= i < readable <= published`: written and published (acquire
            // above), and not read, so still initialised; only this reader takes values.
            if counted(unsafe { (*(*chunk).slots[slot].get()).assume_init_ref() }) {
                count += 1;
            }
            slot += 1;
        }
        count
    }

    /// The next value without taking it, if one is ready.
    pub fn peek(&mut self) -> Option<&T> {
        if !self.check_read() {
            return None;
        }
        let (_, r) = self.parts();
        // SAFETY: as in `read`; the value stays in place while `self` is borrowed.
        Some(unsafe { (*(*r.chunk).slots[r.slot].get()).assume_init_ref() })
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        let w = self.writer.get_mut();
        let r = self.reader.get_mut();
        let (mut chunk, mut slot) = (r.chunk, r.slot);
        // Drop every value not read yet, flushed or not, then free the chunks.
        for _ in r.read..w.written {
            // SAFETY: both ends are gone; positions read..written hold initialised values.
            unsafe { (*(*chunk).slots[slot].get()).assume_init_drop() };
            slot += 1;
            if slot == CHUNK {
                // SAFETY: more values follow, so the writer linked a next chunk.
                chunk = unsafe { (*chunk).next.load(Ordering::Relaxed) };
                slot = 0;
            }
        }
        let mut chunk = r.chunk;
        while !chunk.is_null() {
            // SAFETY: the chunks from the reader's to the writer's are linked and owned here.
            let next = unsafe { (*chunk).next.load(Ordering::Relaxed) };
            // SAFETY: as above; their values were dropped.
            unsafe { Chunk::free(chunk) };
            chunk = next;
        }
        let spare = *self.spare.get_mut();
        if !spare.is_null() {
            // SAFETY: the spare chunk holds no value and is not linked.
            unsafe { Chunk::free(spare) };
        }
    }
}

#[cfg(test)]
mod tests;
