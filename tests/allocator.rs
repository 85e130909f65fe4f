//! How message buffers use the C allocator, seen from glibc's own counters. A test binary of
//! its own: the counters are the process's, and no other test may allocate beside it.

/// Blocks glibc has mapped with mmap and not yet unmapped.
#[cfg(target_env = "gnu")]
fn mapped_blocks() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    unsafe { libc::mallinfo2() }.hblks
}

/// A burst of large messages is served from the heap, where freed blocks are reused, and not
/// from fresh mappings that are each unmapped once freed (see `prime_heap` in msg/buffer.rs).
/// Without it, every one of them was a block of its own mapping.
#[cfg(target_env = "gnu")]
#[test]
fn a_burst_of_large_messages_is_not_mapped_block_by_block() {
    const BURST: usize = 16;
    for size in [200_000, 1 << 20, 2 << 20] {
        let before = mapped_blocks();
        let burst: Vec<zmq::msg::Msg> = (0..BURST)
            .map(|_| zmq::msg::Msg::with_size(size).unwrap())
            .collect();
        let mapped = mapped_blocks().saturating_sub(before);
        assert!(
            mapped < BURST / 2,
            "{mapped} of {BURST} messages of {size} bytes were mapped blocks"
        );
        assert!(burst.iter().all(|msg| msg.size() == size));
    }
}

#[cfg(not(target_env = "gnu"))]
#[test]
fn a_burst_of_large_messages_is_not_mapped_block_by_block() {
    eprintln!("skipped: the check reads glibc's mallinfo2, and this is not a glibc target");
}
