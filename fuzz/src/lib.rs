//! What every fuzz target shares: an allocator that ends the run on any single allocation
//! over [`LIMIT`] bytes, as libFuzzer's `-malloc_limit_mb` does under a sanitizer, so that a
//! run without one (`cargo fuzz run -s none`, several times faster on the CURVE targets)
//! still fails on over-allocation.

use std::alloc::{GlobalAlloc, Layout, System};

/// The largest allocation a target may make: 64 MiB, the `-malloc_limit_mb` of `make fuzz`.
pub const LIMIT: usize = 64 << 20;

/// The system allocator, with [`LIMIT`] enforced.
pub struct Limited;

// SAFETY: forwards to the system allocator, only refusing (by aborting) oversized requests.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Aborts (a crash to libFuzzer, which keeps the input) on an allocation over the limit.
fn check(size: usize) {
    if size > LIMIT {
        // No allocation here: a message of fixed bytes straight to stderr.
        let msg = b"fuzz: an allocation over 64 MiB\n";
        // SAFETY: writes a static buffer to fd 2.
        unsafe { libc_write(2, msg.as_ptr(), msg.len()) };
        std::process::abort();
    }
}

unsafe extern "C" {
    #[link_name = "write"]
    fn libc_write(fd: i32, buf: *const u8, count: usize) -> isize;
}
