//! The counted reference from shared payloads to what owns their bytes.
//!
//! It is an `Arc` that can also take many counts with one atomic add. A receive chunk hands
//! out a message per frame decoded from it, each holding one count of the chunk's owner. With
//! an `Arc`, each was an atomic increment on the I/O thread, while the socket's thread
//! decremented the same count as it dropped the messages before: the counter's cache line
//! travelled between the two processors twice per message. The chunk now takes counts in
//! batches (`reserve`) and hands them out one by one with no atomic operation
//! (`take_reserved`); only the drops touch the counter per message.
//!
//! There are no weak references. Unlike `Arc`, which aborts, the count is not checked for
//! overflow: that would take more live references than memory can hold, or centuries of
//! leaked ones.

use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::Owner;

/// A counted reference to an `Owner` (see the module's note).
pub(super) struct OwnerRef {
    ptr: NonNull<Counted>,
}

struct Counted {
    refs: AtomicUsize,
    owner: Owner,
}

// SAFETY: the owner is shared only for reading, and it is Send and Sync (see `Shared`); the
// count is atomic.
unsafe impl Send for OwnerRef {}
// SAFETY: as above.
unsafe impl Sync for OwnerRef {}

impl OwnerRef {
    /// The first reference to `owner`.
    pub(super) fn new(owner: Owner) -> OwnerRef {
        let counted = Box::new(Counted {
            refs: AtomicUsize::new(1),
            owner,
        });
        OwnerRef {
            ptr: NonNull::from(Box::leak(counted)),
        }
    }

    fn counted(&self) -> &Counted {
        // SAFETY: the allocation lives while any reference does, and this is one.
        unsafe { self.ptr.as_ref() }
    }

    /// Adds `n` counts for `take_reserved` to hand out; those not handed out are given back
    /// with `unreserve`.
    pub(super) fn reserve(&self, n: usize) {
        // Relaxed, as an Arc's clone: a count is only taken from a reference already held.
        self.counted().refs.fetch_add(n, Ordering::Relaxed);
    }

    /// Gives back `n` reserved counts that were not handed out. The caller's own count keeps
    /// the total above zero.
    pub(super) fn unreserve(&self, n: usize) {
        self.counted().refs.fetch_sub(n, Ordering::Release);
    }

    /// A new reference holding one of the counts `reserve` added.
    ///
    /// # Safety
    /// A reserved count must be left for it: each is handed out once.
    pub(super) unsafe fn take_reserved(&self) -> OwnerRef {
        OwnerRef { ptr: self.ptr }
    }

    /// Adds a count for a bitwise copy of this reference (`Msg::share_bitwise`), which then
    /// releases it when dropped.
    pub(super) fn count_copy(&self) {
        self.reserve(1);
    }

    /// Whether no reference is held but this one and `reserved` reserved counts. Acquire:
    /// what the holders did with the bytes happened before.
    pub(super) fn only_with(&self, reserved: usize) -> bool {
        self.counted().refs.load(Ordering::Acquire) == 1 + reserved
    }

    /// The owner, when this is its last reference; else the reference back.
    pub(super) fn try_unwrap(self) -> Result<Owner, OwnerRef> {
        if self
            .counted()
            .refs
            .compare_exchange(1, 0, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return Err(self);
        }
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: the count was this reference's alone and is now zero: no other reference
        // exists or can be made, and this one is not dropped (ManuallyDrop).
        let counted = unsafe { Box::from_raw(this.ptr.as_ptr()) };
        Ok(counted.owner)
    }
}

impl Clone for OwnerRef {
    fn clone(&self) -> OwnerRef {
        self.reserve(1);
        OwnerRef { ptr: self.ptr }
    }
}

impl OwnerRef {
    /// Frees the owner, this being its last count. Out of line, as `Arc`'s: the drop of a
    /// message stays a decrement and a branch.
    #[inline(never)]
    fn drop_slow(&mut self) {
        // Every other holder's release happened before the owner goes. An acquire load of
        // the count, where a fence would do: ThreadSanitizer understands the load (as `Arc`
        // does under it), and on x86 it is a plain load.
        self.counted().refs.load(Ordering::Acquire);
        // SAFETY: the last count: no other reference exists or can be made.
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}

impl Drop for OwnerRef {
    #[inline]
    fn drop(&mut self) {
        if self.counted().refs.fetch_sub(1, Ordering::Release) == 1 {
            self.drop_slow();
        }
    }
}

impl Deref for OwnerRef {
    type Target = Owner;

    fn deref(&self) -> &Owner {
        &self.counted().owner
    }
}
