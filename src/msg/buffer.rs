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
//! is one buffer, and only application threads take them (see [`MAX_POOLED`]): a 1 MiB block
//! that another thread frees goes back under its arena's lock, and glibc trims the heap around
//! it and grows it again, so an inproc stream of them spent most of its time in that lock and in
//! page faults.
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
/// The largest buffer kept for reuse; larger ones go straight back to the allocator. Buffers
/// above `SMALL_MAX` are taken from the caches by application threads only (`Cache::large`):
/// an I/O thread that read 1 MiB request-reply messages over tcp into buffers it had written
/// out before made the round trips 2-3 times as long on the test machine (the kernel's copy
/// into them was most of the time), so I/O threads allocate their large buffers, and pass
/// on to the depot those they free (the application's messages they have sent).
pub(super) const MAX_POOLED: usize = 2 * 1024 * 1024;
/// Size classes: 64 bytes, then four classes per doubling up to `MAX_POOLED`.
const CLASSES: usize = 61;
/// The first class above `SMALL_MAX`.
const FIRST_LARGE: usize = 41;
/// Bytes of buffers the depot keeps per class (at least two batches).
const DEPOT_BYTES: usize = 512 * 1024;
/// Marks a buffer that was not taken from a class.
const UNPOOLED: usize = usize::MAX;

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
    /// Whether the thread takes and keeps buffers above `SMALL_MAX` (false on I/O threads).
    large: bool,
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
            large: true,
        })
    };
}

/// Hands a batch to the depot, or back to the allocator when the depot is full.
fn give_to_depot(class: usize, batch: Vec<Block>) {
    let size = class_size(class);
    let limit = (DEPOT_BYTES / (size * batch_len(class))).max(2);
    let rejected = DEPOT[class].with(|depot| {
        if depot.len() < limit {
            depot.push(batch);
            return None;
        }
        Some(batch)
    });
    for block in rejected.into_iter().flatten() {
        // SAFETY: every block of this class was allocated with this layout and is owned here.
        unsafe {
            alloc::dealloc(
                block.0.as_ptr(),
                Layout::from_size_align_unchecked(size, ALIGN),
            )
        };
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

/// The calling thread (an I/O thread) takes no buffers above `SMALL_MAX` from the caches, and
/// hands those it frees straight to the depot.
pub(crate) fn leave_large_buffers_to_application_threads() {
    let _ = CACHE.try_with(|cache| cache.borrow_mut().large = false);
}

/// Whether the calling thread keeps buffers above `SMALL_MAX`.
fn keeps_large() -> bool {
    CACHE
        .try_with(|cache| cache.borrow().large)
        .unwrap_or(false)
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

    /// A buffer of a class above `SMALL_MAX`: kept ones on an application thread, an
    /// unpooled one of `len` bytes on an I/O thread.
    #[inline(never)]
    fn new_large(len: usize, class: usize) -> Result<Buffer> {
        if !keeps_large() {
            return Self::allocate(len, UNPOOLED);
        }
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
        let size = if class == UNPOOLED {
            len
        } else {
            class_size(class)
        };
        let layout = layout(size)?;
        // SAFETY: the layout's size is not zero (len > 0 and classes are at least 64 bytes).
        let ptr = NonNull::new(unsafe { alloc::alloc(layout) }).ok_or(Error::NoMem)?;
        Ok(Buffer { ptr, len, class })
    }

    /// Resizes the buffer to `len` bytes (more than zero), keeping the first
    /// `min(len, old len)` bytes. A buffer that is or becomes larger than `SMALL_MAX` is
    /// resized by the allocator, which extends a block in place or moves the pages of a large
    /// one without copying them (glibc's mremap); one that stays within it is replaced by a
    /// copy. On `Error::NoMem` the buffer is unchanged.
    pub(super) fn resize(&mut self, len: usize) -> Result<()> {
        debug_assert!(len > 0);
        if len <= SMALL_MAX {
            let mut grown = Buffer::new(len)?;
            let keep = len.min(self.len);
            grown[..keep].copy_from_slice(&self[..keep]);
            *self = grown;
            return Ok(());
        }
        let new_layout = layout(len)?;
        // A cached class's block leaves the caches: it becomes an unpooled one.
        let old_size = if self.class == UNPOOLED {
            self.len
        } else {
            class_size(self.class)
        };
        // SAFETY: the block was allocated with `layout(old_size)` (see `new`: a class's size, or
        // the length of an unpooled one), which has the same alignment as `new_layout`; the new
        // size is not zero.
        let ptr = unsafe {
            alloc::realloc(
                self.ptr.as_ptr(),
                Layout::from_size_align_unchecked(old_size, ALIGN),
                new_layout.size(),
            )
        };
        self.ptr = NonNull::new(ptr).ok_or(Error::NoMem)?;
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
        let size = if self.class == UNPOOLED {
            self.len
        } else if class < FIRST_LARGE || keeps_large() {
            if keep(class, Block(self.ptr)) {
                return;
            }
            class_size(class)
        } else {
            // An I/O thread takes no large buffers, but passes on those it frees.
            give_to_depot(class, vec![Block(self.ptr)]);
            return;
        };
        // SAFETY: the buffer was allocated with this layout (see `new`) and is not kept elsewhere.
        unsafe {
            alloc::dealloc(
                self.ptr.as_ptr(),
                Layout::from_size_align_unchecked(size, ALIGN),
            )
        };
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
        for len in [40_000, 1 << 20, 3 << 20, 70_000, 50] {
            let keep = b.len().min(len).min(100);
            b.resize(len).unwrap();
            assert_eq!(b.len(), len);
            // Beyond the small classes the allocator resizes it, and the block leaves the caches.
            assert_eq!(b.class == UNPOOLED, len > SMALL_MAX, "{len}");
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
    fn large_buffers_are_kept_by_application_threads_only() {
        // A size no other test uses, so that the depot's batch of its class is this test's.
        const SIZE: usize = 1_900_000;
        let large = Buffer::new(SIZE).unwrap();
        let at = large.ptr;
        assert_ne!(large.class, UNPOOLED);
        drop(large);
        let again = Buffer::new(SIZE).unwrap();
        assert_eq!(again.ptr, at, "this thread's cache gave it back");
        std::thread::spawn(move || {
            leave_large_buffers_to_application_threads();
            let own = Buffer::new(SIZE).unwrap();
            assert_eq!(
                (own.class, own.len),
                (UNPOOLED, SIZE),
                "an I/O thread's own"
            );
            drop((own, again));
            let small = Buffer::new(1000).unwrap();
            assert_ne!(small.class, UNPOOLED, "small ones are still kept");
            drop(small);
            CACHE.with(|cache| {
                let cache = cache.borrow();
                assert!(cache.classes[FIRST_LARGE..].iter().all(Vec::is_empty));
            });
        })
        .join()
        .unwrap();
        let class = class_of(SIZE).unwrap();
        let depot: Vec<_> =
            DEPOT[class].with(|batches| batches.iter().flatten().map(|b| b.0).collect());
        assert_eq!(depot, vec![at], "the I/O thread passed it on to the depot");
        assert_eq!(Buffer::new(SIZE).unwrap().ptr, at);
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
