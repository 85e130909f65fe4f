//! Opaque handles given to C for thread-safe objects (contexts), with a tag checked on every use.
//!
//! A handle outlives its object: closing one marks it dead and drops the object, but the small
//! handle itself is kept (never freed), so a call on a closed handle fails with an error instead
//! of reading freed memory.

use std::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use parking_lot::Mutex;

use crate::error::{Error, Result};

/// Tag of a handle whose object was closed.
const DEAD: u32 = 0xdead_0bad;

/// A tagged, shareable reference to an object of type `T`.
#[repr(C)]
pub(crate) struct Handle<T> {
    /// First field, so that handles of every kind can be told apart by reading it.
    tag: AtomicU32,
    object: Mutex<Option<Arc<T>>>,
}

impl<T> Handle<T> {
    /// A new handle for `object`, as an opaque pointer for C.
    pub(crate) fn into_raw(tag: u32, object: T) -> *mut c_void {
        let handle = Box::new(Handle {
            tag: AtomicU32::new(tag),
            object: Mutex::new(Some(Arc::new(object))),
        });
        Box::into_raw(handle).cast()
    }

    /// The handle behind `ptr` if it is live and of kind `tag`, else `error`.
    ///
    /// # Safety
    /// `ptr` must be NULL or point to readable memory of at least 4 bytes: in practice a
    /// pointer this module returned.
    pub(crate) unsafe fn from_raw<'a>(
        ptr: *mut c_void,
        tag: u32,
        error: Error,
    ) -> Result<&'a Handle<T>> {
        if ptr.is_null() {
            return Err(error);
        }
        let handle = ptr.cast::<Handle<T>>();
        // SAFETY: the caller guarantees the first 4 bytes are readable; every handle starts
        // with its AtomicU32 tag (repr(C)).
        let live = unsafe { (*handle).tag.load(Ordering::Acquire) } == tag;
        if !live {
            return Err(error);
        }
        // SAFETY: the tag matched, so this is a handle of kind `tag`; handles are never freed.
        Ok(unsafe { &*handle })
    }

    /// The object, unless the handle was closed meanwhile.
    pub(crate) fn object(&self, error: Error) -> Result<Arc<T>> {
        self.object.lock().clone().ok_or(error)
    }

    /// Marks the handle dead and takes the object out; `error` when it was already dead.
    pub(crate) fn close(&self, tag: u32, error: Error) -> Result<Arc<T>> {
        self.tag
            .compare_exchange(tag, DEAD, Ordering::AcqRel, Ordering::Acquire)
            .map_err(|_| error)?;
        self.object.lock().take().ok_or(error)
    }
}
