//! Writable buffers of large messages, recycled between threads in batches.
//!
//! In a pipeline one thread allocates message buffers and another frees them. With the C
//! allocator both threads then contend on one arena lock (a free of memory from another thread's
//! arena takes that arena's lock), and at a few million messages a second that lock is most of
//! the cost. Buffers of up to [`MAX_POOLED`] bytes are therefore rounded up to a size class and,
//! when freed, kept in a per-thread cache of that class. A cache that grows past two batches hands
//! one batch to a shared depot; a cache that runs dry takes a batch from it. A steady stream from
//! one thread to another so costs one lock per batch instead of two per message. The depot and the
//! caches are bounded; what does not fit goes back to the allocator. Above [`SMALL_MAX`] a batch
//! is one buffer, and the depot keeps more bytes of them (`LARGE_DEPOT_BYTES`): a 1 MiB block
//! that another thread frees goes back under its arena's lock, and glibc trims the heap around
//! it and grows it again, so an inproc stream of them spent most of its time in that lock and in
//! page faults, and a stream over ipc or tcp in the receiving I/O thread's page faults. Those
//! buffers start half a page in (see [`is_placed`]).
//!
//! The depot's locks are fork-safe: a fork waits until no thread holds one (a `pthread_atfork`
//! prepare handler takes them all), and both sides release them with a plain store. A child
//! forked while another thread was handing over a batch would otherwise find that lock held
//! forever by a thread it does not have.

use std::alloc::{self, Layout};
use std::cell::{RefCell, UnsafeCell};
use std::ptr::NonNull;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Alignment of every buffer (what malloc guarantees, so C callers may store any type in it).
const ALIGN: usize = 16;
/// The largest buffer of the classes that every thread keeps for reuse.
const SMALL_MAX: usize = 64 * 1024;
/// The largest buffer kept for reuse; larger ones go straight back to the allocator.
pub(super) const MAX_POOLED: usize = 2 * 1024 * 1024;
/// Size classes: 64 bytes, then four classes per doubling up to `MAX_POOLED`.
const CLASSES: usize = 61;
/// The first class above `SMALL_MAX`.
const FIRST_LARGE: usize = 41;
/// Bytes of buffers the depot keeps per class up to `SMALL_MAX` (at least two batches).
const DEPOT_BYTES: usize = 512 * 1024;
/// Bytes of buffers the depot keeps per class above `SMALL_MAX` (at least two buffers). A
/// stream of 1 MiB messages has several in flight between the thread that allocates them and
/// the one that frees them: with two kept per class, a receiving I/O thread over ipc still
/// took a third of its buffers from the allocator, and faulted their pages in again.
const LARGE_DEPOT_BYTES: usize = 8 * 1024 * 1024;
/// Marks a buffer that was not taken from a class (always one above `SMALL_MAX`).
const UNPOOLED: usize = usize::MAX;
/// The page size the placement of large buffers is reckoned in.
const PAGE: usize = 4096;
/// Where in a page the bytes of a buffer above `SMALL_MAX` start (see [`is_placed`]).
const PLACE: usize = PAGE / 2;
/// What a placed block takes beyond its buffer's size: up to a page to reach `PLACE`, and
/// at least `ALIGN` bytes before the buffer, whose last word records where the block starts.
const PLACE_SLACK: usize = PAGE + ALIGN;

/// Whether the buffers of `class` start at `PLACE` in a page: those above `SMALL_MAX` (the
/// large classes and `UNPOOLED`). The kernel copies a socket's bytes to and from them with
/// `rep movsb`, which on some processors runs many times slower when the destination lies
/// less than 64 bytes before or after the source modulo the page size (4 KiB aliasing). A
/// stream's bytes sit in the sending kernel's page fragments from a small offset on (after
/// the frame headers written with them), and malloc's large blocks start 16 bytes into a
/// page: the copies of 1 MiB request-reply bodies over tcp took two to four times as long
/// whenever a block landed there. Half a page away from both, they do not.
const fn is_placed(class: usize) -> bool {
    class >= FIRST_LARGE
}

/// A block for a buffer of `size` bytes of `class`: the buffer's start.
fn alloc_block(size: usize, class: usize) -> Result<NonNull<u8>> {
    if !is_placed(class) {
        let layout = layout(size)?;
        // SAFETY: the layout's size is not zero (len > 0 and classes are at least 64 bytes).
        return NonNull::new(unsafe { alloc::alloc(layout) }).ok_or(Error::NoMem);
    }
    let layout = layout(size.checked_add(PLACE_SLACK).ok_or(Error::NoMem)?)?;
    if class != UNPOOLED {
        prime_heap();
    }
    // SAFETY: the layout's size is not zero.
    let block = NonNull::new(unsafe { alloc::alloc(layout) }).ok_or(Error::NoMem)?;
    let at = place_in(block);
    // SAFETY: `at` is within the block's first PLACE_SLACK bytes (see `place_in`).
    let start = unsafe { block.add(at) };
    // SAFETY: as above; the word before `start` is the block's too.
    unsafe { record_place(start, at) };
    Ok(start)
}

/// Has the allocator take pooled blocks from its heap, where freed ones are reused, by freeing
/// one block of the largest pooled size at once, before the first is used. glibc maps every
/// block above its threshold (128 KiB at first) with mmap, and raises the threshold to the
/// size of the first mapped block that is freed. A pooled buffer goes back to the allocator
/// only once the caches and the depot are full, so in a burst every one of them was mapped: a
/// sender filling its high-water mark with 1 MiB messages mapped a thousand, and each later
/// unmapped one was replaced by fresh heap pages, twice the page faults libzmq takes (it
/// frees its first block at once). This is the threshold rise that the first free of a
/// largest pooled buffer makes, made before the burst, once per process: a map and an unmap.
/// It takes effect when the block it frees was mapped, as it is unless the heap already had
/// that much free in one piece; a program that set the threshold itself keeps it.
fn prime_heap() {
    static PRIMED: Once = Once::new();
    PRIMED.call_once(|| {
        // Cannot fail: the size is a constant well below isize::MAX.
        let Ok(layout) = layout(MAX_POOLED + PLACE_SLACK) else {
            return;
        };
        // SAFETY: the layout's size is not zero; the block is freed unused, as allocated.
        unsafe {
            let block = std::hint::black_box(alloc::alloc(layout));
            if !block.is_null() {
                alloc::dealloc(block, layout);
            }
        }
    });
}

/// Where in a placed block starting at `block` its buffer starts: at least `ALIGN` bytes in
/// (room for the record), at `PLACE` in a page, so below `PLACE_SLACK`.
fn place_in(block: NonNull<u8>) -> usize {
    (PLACE.wrapping_sub(block.addr().get() + ALIGN) & (PAGE - 1)) + ALIGN
}

/// Records in the word before a placed buffer's `start` how far into its block it is.
///
/// # Safety
/// `start` lies at least `ALIGN` bytes into a block this module allocated.
unsafe fn record_place(start: NonNull<u8>, at: usize) {
    // SAFETY: `start` is ALIGN-aligned and the word before it is the block's (see above).
    unsafe { start.cast::<usize>().sub(1).write(at) };
}

/// The start of the block of a placed buffer starting at `start`.
///
/// # Safety
/// `start` is the start of a live placed buffer.
unsafe fn placed_block(start: NonNull<u8>) -> NonNull<u8> {
    // SAFETY: `alloc_block` or `resize` recorded the distance in the word before `start`.
    unsafe { start.sub(start.cast::<usize>().sub(1).read()) }
}

/// Frees the block of a buffer of `size` bytes of `class` starting at `start`.
///
/// # Safety
/// `start` is a buffer `alloc_block(size, class)` gave (or `resize` placed), not used after.
unsafe fn free_block(start: NonNull<u8>, size: usize, class: usize) {
    // SAFETY: the layouts are those `alloc_block` allocated with (valid then, so now).
    unsafe {
        if is_placed(class) {
            alloc::dealloc(
                placed_block(start).as_ptr(),
                Layout::from_size_align_unchecked(size + PLACE_SLACK, ALIGN),
            );
        } else {
            alloc::dealloc(
                start.as_ptr(),
                Layout::from_size_align_unchecked(size, ALIGN),
            );
        }
    }
}

/// The class of a buffer of `size` bytes, or `None` when it is too large to pool.
fn class_of(size: usize) -> Option<usize> {
    if size <= 64 {
        return Some(0);
    }
    if size > MAX_POOLED {
        return None;
    }
    // size is in (2^k, 2^(k+1)], split into four steps of 2^(k-2); k >= 6 here.
    let k = (usize::BITS - 1 - (size - 1).leading_zeros()) as usize;
    let step = 1usize << (k - 2);
    let sub = (size - (1usize << k)).div_ceil(step);
    Some((k - 6) * 4 + sub)
}

/// The size of the buffers of `class`.
const fn class_size(class: usize) -> usize {
    if class == 0 {
        return 64;
    }
    let k = 6 + (class - 1) / 4;
    let sub = (class - 1) % 4 + 1;
    (1 << k) + sub * (1 << (k - 2))
}

/// The size of the block of a buffer of `len` bytes of `class` (its class's, or `len` when
/// unpooled).
const fn block_size(len: usize, class: usize) -> usize {
    if class == UNPOOLED {
        len
    } else {
        class_size(class)
    }
}

/// How many buffers of `class` move between a thread and the depot at once.
fn batch_len(class: usize) -> usize {
    BATCH_LENS[class]
}

/// `batch_len` of every class, worked out at compile time: computed when a buffer was freed,
/// it cost every zmq_msg_close of a pooled buffer a division.
const BATCH_LENS: [usize; CLASSES] = {
    let mut lens = [0; CLASSES];
    let mut class = 0;
    while class < CLASSES {
        let n = 16 * 1024 / class_size(class);
        lens[class] = if class >= FIRST_LARGE {
            1
        } else if n < 2 {
            2
        } else if n > 32 {
            32
        } else {
            n
        };
        class += 1;
    }
    lens
};

fn layout(size: usize) -> Result<Layout> {
    Layout::from_size_align(size, ALIGN).map_err(|_| Error::NoMem)
}

/// A free buffer, owned by whichever cache or depot holds it.
struct Block(NonNull<u8>);

// SAFETY: a Block is the only reference to its memory, which any thread may reuse or free.
unsafe impl Send for Block {}

/// A lock held only for a push or a pop: a flag, spun on (the holder never blocks while
/// holding it), so that a fork handler can release it with a store.
struct Slot<T> {
    held: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached by the thread that set `held` (see `with`).
unsafe impl<T: Send> Sync for Slot<T> {}

impl<T> Slot<T> {
    const fn new(value: T) -> Slot<T> {
        Slot {
            held: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    fn acquire(&self) {
        let mut spins = 0u32;
        while self
            .held
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.held.load(Ordering::Relaxed) {
                spins += 1;
                if spins < 64 {
                    std::hint::spin_loop();
                } else {
                    // The holder may have been preempted: let it run.
                    std::thread::yield_now();
                }
            }
        }
    }

    fn release(&self) {
        self.held.store(false, Ordering::Release);
    }

    /// Runs `f` on the value with the lock held.
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        struct Held<'a, T>(&'a Slot<T>);
        impl<T> Drop for Held<'_, T> {
            fn drop(&mut self) {
                self.0.release();
            }
        }
        watch_forks();
        self.acquire();
        let held = Held(self);
        // SAFETY: `held` is this thread's until `held` drops, so this is the only reference.
        f(unsafe { &mut *held.0.value.get() })
    }
}

/// Batches of free buffers, per class, shared by all threads.
static DEPOT: [Slot<Vec<Vec<Block>>>; CLASSES] = [const { Slot::new(Vec::new()) }; CLASSES];

/// Registers the fork handlers of the depot's locks, once.
fn watch_forks() {
    static WATCH: Once = Once::new();
    extern "C" fn prepare() {
        DEPOT.iter().for_each(Slot::acquire);
    }
    extern "C" fn after() {
        DEPOT.iter().for_each(Slot::release);
    }
    WATCH.call_once(|| crate::sys::on_fork(prepare, after, after));
}

/// The calling thread's free buffers, per class.
struct Cache {
    classes: [Vec<Block>; CLASSES],
}

impl Drop for Cache {
    fn drop(&mut self) {
        for (class, blocks) in self.classes.iter_mut().enumerate() {
            while !blocks.is_empty() {
                let at = blocks.len().saturating_sub(batch_len(class));
                give_to_depot(class, blocks.split_off(at));
            }
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache {
            classes: [const { Vec::new() }; CLASSES],
        })
    };
}

/// Hands a batch to the depot, or back to the allocator when the depot is full.
fn give_to_depot(class: usize, batch: Vec<Block>) {
    let size = class_size(class);
    let bytes = if class >= FIRST_LARGE {
        LARGE_DEPOT_BYTES
    } else {
        DEPOT_BYTES
    };
    let limit = (bytes / (size * batch_len(class))).max(2);
    let rejected = DEPOT[class].with(|depot| {
        if depot.len() < limit {
            depot.push(batch);
            return None;
        }
        Some(batch)
    });
    for block in rejected.into_iter().flatten() {
        // SAFETY: every block of this class was allocated for this size and is owned here.
        unsafe { free_block(block.0, size, class) };
    }
}

/// A free buffer of `class`: from this thread's cache, else a batch from the depot, else `None`.
/// The common case (a cached buffer) is inlined; the depot is reached out of line
/// (`refill`), so that this path saves and restores no registers.
#[inline]
fn take(class: usize) -> Option<Block> {
    CACHE
        .try_with(|cache| {
            let mut cache = cache.borrow_mut();
            let blocks = &mut cache.classes[class];
            match blocks.pop() {
                Some(block) => Some(block),
                None => refill(blocks, class),
            }
        })
        .ok()
        .flatten()
}

/// This thread's cache of `class` ran dry: a batch from the depot, of which one is taken.
#[cold]
#[inline(never)]
fn refill(blocks: &mut Vec<Block>, class: usize) -> Option<Block> {
    *blocks = DEPOT[class].with(Vec::pop)?;
    blocks.pop()
}

/// Keeps a freed buffer of `class` for reuse; `false` when this thread can no longer cache.
/// As `take`, the common case is inlined and a spill to the depot is not (`spill`).
#[inline]
fn keep(class: usize, block: Block) -> bool {
    let kept = CACHE.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        let blocks = &mut cache.classes[class];
        if blocks.len() >= 2 * batch_len(class) {
            spill(blocks, class);
        }
        blocks.push(block);
    });
    kept.is_ok()
}

/// This thread's cache of `class` is full: a batch of it goes to the depot.
#[cold]
#[inline(never)]
fn spill(blocks: &mut Vec<Block>, class: usize) {
    let batch = blocks.split_off(blocks.len() - batch_len(class));
    give_to_depot(class, batch);
}

/// A writable message buffer whose bytes are left as the allocator (or a previous message) left
/// them: zmq_msg_init_size(3) leaves the content undefined, and clearing it would double the
/// memory traffic of every large message. The library never interprets these bytes; it only moves
/// them as opaque bytes (copies and system calls).
pub(super) struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    /// A whole word, though a byte would hold it: the buffer then takes the same 24 bytes, and
    /// a `Buffer` returned from `new` is read back in the word-sized loads that it was written
    /// with. A byte written and then read with its padding as one word (as moves do) waited
    /// for the store to reach the cache: most of zmq_msg_init_size's time at 64 bytes.
    class: usize,
}

// SAFETY: a Buffer owns its memory exclusively, like a Vec<u8>.
unsafe impl Send for Buffer {}
// SAFETY: shared access only reads the bytes.
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A buffer of `len` bytes (more than zero), or `Error::NoMem`. Inlined, so that the
    /// buffer is built where it goes: returned through memory, it was read back in wider
    /// loads than the stores that wrote it (a store-forwarding stall in zmq_msg_init_size).
    #[inline]
    pub(super) fn new(len: usize) -> Result<Buffer> {
        debug_assert!(len > 0);
        match class_of(len) {
            Some(class) if class < FIRST_LARGE => Self::take_or_allocate(len, class),
            Some(class) => Self::new_large(len, class),
            None => Self::allocate(len, UNPOOLED),
        }
    }

    /// A buffer of a class above `SMALL_MAX`, out of line to keep `new`'s common path short.
    #[inline(never)]
    fn new_large(len: usize, class: usize) -> Result<Buffer> {
        Self::take_or_allocate(len, class)
    }

    /// A kept buffer of `class` from this thread's cache (or the depot), else a new one.
    #[inline(always)]
    fn take_or_allocate(len: usize, class: usize) -> Result<Buffer> {
        match take(class) {
            Some(block) => Ok(Buffer {
                ptr: block.0,
                len,
                class,
            }),
            None => Self::allocate(len, class),
        }
    }

    /// A buffer from the allocator: of `class`'s size, or of `len` bytes when UNPOOLED.
    #[inline(never)]
    fn allocate(len: usize, class: usize) -> Result<Buffer> {
        let ptr = alloc_block(block_size(len, class), class)?;
        Ok(Buffer { ptr, len, class })
    }

    /// Resizes the buffer to `len` bytes (more than zero), keeping the first
    /// `min(len, old len)` bytes. A buffer that is or becomes larger than `SMALL_MAX` is
    /// resized by the allocator, which extends a block in place or moves the pages of a large
    /// one without copying them (glibc's mremap), and the bytes are then moved back to `PLACE`
    /// in their page if the block's start moved within one; one that stays within
    /// `SMALL_MAX`, or grows out of it, is replaced by a copy. On `Error::NoMem` the buffer is
    /// unchanged.
    pub(super) fn resize(&mut self, len: usize) -> Result<()> {
        debug_assert!(len > 0);
        let keep = len.min(self.len);
        if len <= SMALL_MAX || !is_placed(self.class) {
            let mut grown = Buffer::new(len)?;
            grown[..keep].copy_from_slice(&self[..keep]);
            *self = grown;
            return Ok(());
        }
        let new_layout = layout(len.checked_add(PLACE_SLACK).ok_or(Error::NoMem)?)?;
        // A cached class's block leaves the caches: it becomes an unpooled one.
        let old_size = block_size(self.len, self.class);
        // SAFETY: the buffer is placed, so its block is recorded before it and was allocated
        // for `old_size + PLACE_SLACK` bytes (see `alloc_block`), with the alignment of
        // `new_layout`, whose size is not zero.
        let block = unsafe {
            let old = placed_block(self.ptr);
            let was = self.ptr.addr().get() - old.addr().get();
            let block = alloc::realloc(
                old.as_ptr(),
                Layout::from_size_align_unchecked(old_size + PLACE_SLACK, ALIGN),
                new_layout.size(),
            );
            NonNull::new(block).map(|block| (block, was))
        };
        let (block, was) = block.ok_or(Error::NoMem)?;
        let at = place_in(block);
        // SAFETY: the block holds `len + PLACE_SLACK` bytes, and the kept bytes lie at `was`
        // (below PLACE_SLACK) in it; they move (overlapping or not) to `at` (below it too), and
        // only then is the word before them written.
        unsafe {
            if at != was {
                std::ptr::copy(block.add(was).as_ptr(), block.add(at).as_ptr(), keep);
            }
            self.ptr = block.add(at);
            record_place(self.ptr, at);
        }
        self.len = len;
        self.class = UNPOOLED;
        Ok(())
    }

    pub(super) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }
}

impl std::ops::Deref for Buffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        // SAFETY: ptr holds len bytes owned by this buffer (see the type's note on their content).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl std::ops::DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: ptr holds len bytes owned by this buffer alone (see the type's note on their
        // content).
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl AsRef<[u8]> for Buffer {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        let class = self.class;
        if class != UNPOOLED && keep(class, Block(self.ptr)) {
            return;
        }
        // SAFETY: the buffer was allocated for this size and class (see `allocate`, `resize`)
        // and is not kept elsewhere.
        unsafe { free_block(self.ptr, block_size(self.len, class), class) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_size_and_waste_at_most_a_quarter() {
        assert_eq!(class_size(CLASSES - 1), MAX_POOLED);
        assert_eq!(class_of(MAX_POOLED), Some(CLASSES - 1));
        assert_eq!(class_of(MAX_POOLED + 1), None);
        let mut previous = 0;
        for size in 1..=MAX_POOLED {
            let class = class_of(size).unwrap();
            assert!(class_size(class) >= size, "size {size}");
            assert!(class >= previous);
            previous = class;
            if size > 64 {
                assert!(class_size(class) * 4 <= size * 5 + 64, "size {size}");
                assert!(class == 0 || class_size(class - 1) < size, "size {size}");
            }
        }
    }

    #[test]
    fn resize_keeps_the_bytes_across_classes_and_unpooled_sizes() {
        let mut b = Buffer::new(100).unwrap();
        for (i, x) in b.iter_mut().enumerate() {
            *x = i as u8;
        }
        for len in [40_000, 1 << 20, 3 << 20, 70_000, 5 << 20, 50] {
            let keep = b.len().min(len).min(100);
            b.resize(len).unwrap();
            assert_eq!(b.len(), len);
            // Beyond the small classes the buffer starts half a page in, wherever the
            // allocator put its block.
            assert_eq!(is_placed(b.class), len > SMALL_MAX, "{len}");
            if len > SMALL_MAX {
                assert_eq!(b.ptr.addr().get() % PAGE, PLACE, "{len}");
            }
            assert!(
                b[..keep].iter().enumerate().all(|(i, &x)| x == i as u8),
                "{len}"
            );
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri has no fork")]
    fn a_fork_leaves_the_depot_unlocked_in_the_child() {
        let class = class_of(1000).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Another thread holds the lock of that class when the fork is asked for.
        let holder = std::thread::spawn(move || {
            DEPOT[class].with(|_| {
                tx.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(100));
            })
        });
        rx.recv().unwrap();
        // SAFETY: the child only allocates, uses the depot and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: plain calls in the child; a child stuck on the lock is ended by SIGALRM.
            unsafe { libc::alarm(5) };
            let kept: Vec<Buffer> = (0..200).map(|_| Buffer::new(1000).unwrap()).collect();
            drop(kept);
            let depot_len = DEPOT[class].with(|depot| depot.len());
            // SAFETY: ends the child without running the parent's destructors.
            unsafe { libc::_exit(if depot_len > 0 { 0 } else { 3 }) };
        }
        assert!(pid > 0, "fork: {}", std::io::Error::last_os_error());
        holder.join().unwrap();
        let mut status = 0;
        // SAFETY: waits for our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "the child did not finish (status {status:#x}; a signal means it waited on the lock)"
        );
    }

    #[test]
    fn large_buffers_start_half_a_page_in_and_are_reused_by_any_thread() {
        // A size no other test uses, so that the depot's batches of its class are this test's.
        const SIZE: usize = 1_900_000;
        let large = Buffer::new(SIZE).unwrap();
        let at = large.ptr.addr();
        assert_ne!(large.class, UNPOOLED);
        assert_eq!(at.get() % PAGE, PLACE);
        drop(large);
        let again = Buffer::new(SIZE).unwrap();
        assert_eq!(again.ptr.addr(), at, "this thread's cache gave it back");
        // Another thread (as an I/O thread does) frees it and takes its own from its cache,
        // which its drop filled.
        std::thread::spawn(move || {
            drop(again);
            assert_eq!(Buffer::new(SIZE).unwrap().ptr.addr(), at);
        })
        .join()
        .unwrap();
        // That thread's cache went to the depot when it ended: this thread takes it back.
        assert_eq!(Buffer::new(SIZE).unwrap().ptr.addr(), at);
        // Beyond the largest class, and resized in either direction, still half a page in.
        let mut huge = Buffer::new(MAX_POOLED + 1).unwrap();
        assert_eq!(
            (huge.class, huge.ptr.addr().get() % PAGE),
            (UNPOOLED, PLACE)
        );
        for (i, x) in huge.iter_mut().enumerate() {
            *x = (i % 251) as u8;
        }
        let kept = |b: &[u8], n: usize| {
            b[..n]
                .iter()
                .enumerate()
                .all(|(i, &x)| x == (i % 251) as u8)
        };
        for len in [
            MAX_POOLED + 1 + PAGE * 3 + 100,
            SMALL_MAX + 1,
            SMALL_MAX + 5000,
        ] {
            let keep = len.min(huge.len()).min(SMALL_MAX + 1);
            huge.resize(len).unwrap();
            assert_eq!(huge.ptr.addr().get() % PAGE, PLACE, "{len}");
            assert!(kept(&huge, keep), "{len}");
        }
    }

    #[test]
    fn buffers_are_reused_across_threads() {
        let sent: Vec<Buffer> = (0..1000).map(|_| Buffer::new(1000).unwrap()).collect();
        std::thread::spawn(move || drop(sent)).join().unwrap();
        for _ in 0..1000 {
            let mut b = Buffer::new(1000).unwrap();
            assert_eq!(b.len(), 1000);
            assert_eq!(b.as_mut_ptr() as usize % ALIGN, 0);
        }
        let big = Buffer::new(MAX_POOLED + 1).unwrap();
        assert_eq!(big.len(), MAX_POOLED + 1);
        assert!(matches!(Buffer::new(usize::MAX), Err(Error::NoMem)));
    }
}
