use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

struct Counted(Vec<u8>, Arc<AtomicUsize>);

impl AsRef<[u8]> for Counted {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn fits_in_zmq_msg_t() {
    // The C boundary stores a Msg after an 8-byte tag word inside 64 bytes.
    assert!(std::mem::size_of::<Msg>() <= 56);
    assert!(std::mem::align_of::<Msg>() <= 8);
}

#[test]
fn inline_and_large_sizes() {
    for size in [0, 1, INLINE_MAX, INLINE_MAX + 1, 1 << 20] {
        let m = Msg::with_size(size).unwrap();
        assert_eq!(m.size(), size);
        assert!(!m.more() && !m.is_shared());
    }
}

#[test]
fn huge_size_is_no_mem() {
    assert_eq!(
        Msg::with_size(usize::MAX).unwrap_err(),
        crate::error::Error::NoMem
    );
}

#[test]
fn share_small_copies_large_shares() {
    let mut small = Msg::from_slice(b"hello");
    let copy = small.share();
    assert_eq!(copy.data(), b"hello");
    assert!(!small.is_shared() && !copy.is_shared());

    let mut big = Msg::with_size(100).unwrap();
    // SAFETY: the buffer is 100 bytes long and owned by `big`.
    unsafe { big.data_ptr().write(7) };
    let copy = big.share();
    assert!(big.is_shared() && copy.is_shared());
    assert_eq!(copy.data()[0], 7);
    assert_eq!(copy.data().as_ptr(), big.data().as_ptr());
}

#[test]
fn owner_dropped_once_after_last_copy() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut a = Msg::from_bytes(Bytes::from_owner(Counted(vec![1; 10], drops.clone())));
    let b = a.share();
    let c = std::thread::spawn({
        let mut b = b;
        move || b.share()
    })
    .join()
    .unwrap();
    drop(a);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(c);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn take_leaves_empty_and_keeps_flags() {
    let mut m = Msg::from_slice(&[3; 50]);
    m.set_more(true);
    let t = m.take();
    assert_eq!(m.size(), 0);
    assert!(!m.more());
    assert!(t.more());
    assert_eq!(t.size(), 50);
}

#[test]
fn constant_is_shared() {
    static DATA: [u8; 4] = [1, 2, 3, 4];
    // SAFETY: static data, never released (no free function).
    let m = Msg::foreign(unsafe {
        Foreign::new(
            DATA.as_ptr().cast_mut().cast(),
            DATA.len(),
            None,
            std::ptr::null_mut(),
        )
    });
    assert!(m.is_shared());
    assert_eq!(m.data(), &DATA);
}

#[test]
fn share_into_writes_the_copy_in_place() {
    // A unique buffer becomes shared by both; the old content of the target is dropped.
    let mut big = Msg::with_size(100).unwrap();
    // SAFETY: the buffer is 100 bytes long and owned by `big`.
    unsafe { big.data_ptr().write(9) };
    big.set_more(true);
    let mut target = Msg::from_slice(b"old");
    big.share_into(&mut target);
    assert!(big.is_shared() && target.is_shared() && target.more());
    assert_eq!(target.data().as_ptr(), big.data().as_ptr());
    assert_eq!((target.size(), target.data()[0]), (100, 9));

    // A buffer with a free function is released once, after the last copy.
    let drops = Arc::new(AtomicUsize::new(0));
    let mut owned = Msg::from_bytes(Bytes::from_owner(Counted(vec![5; 64], drops.clone())));
    let mut copies = [Msg::new(), Msg::new()];
    for copy in &mut copies {
        owned.share_into(copy);
        assert_eq!(copy.data(), &[5; 64][..]);
    }
    drop(owned);
    drop(copies);
    assert_eq!(drops.load(Ordering::SeqCst), 1);

    // A small payload is copied, not shared.
    let mut small = Msg::from_slice(b"hi");
    let mut target = Msg::with_size(70).unwrap();
    small.share_into(&mut target);
    assert_eq!(target.data(), b"hi");
    assert!(!small.is_shared() && !target.is_shared());
}

/// Counts the calls of `count_free` in the AtomicUsize its hint points to.
unsafe extern "C" fn count_free(_data: *mut c_void, hint: *mut c_void) {
    // SAFETY: the tests below pass a live AtomicUsize as the hint.
    unsafe { &*hint.cast::<AtomicUsize>() }.fetch_add(1, Ordering::SeqCst);
}

/// A message over `data`, whose release is counted in `frees`.
fn foreign(data: &'static [u8], frees: &AtomicUsize) -> Msg {
    let hint = std::ptr::from_ref(frees).cast_mut().cast();
    // SAFETY: static data; the counter outlives every message of the tests.
    Msg::foreign(unsafe {
        Foreign::new(
            data.as_ptr().cast_mut().cast(),
            data.len(),
            Some(count_free),
            hint,
        )
    })
}

#[test]
fn foreign_memory_is_released_once_by_its_last_holder() {
    static DATA: [u8; 100] = [7; 100];
    let frees = AtomicUsize::new(0);

    // Alone: released when dropped, and writes nothing of its own.
    let mut m = foreign(&DATA, &frees);
    assert_eq!((m.size(), m.data_ptr().cast_const()), (100, DATA.as_ptr()));
    assert!(!m.is_shared() && !m.drops_quietly() && m.data_mut().is_none());
    drop(m);
    assert_eq!(frees.load(Ordering::SeqCst), 1);

    // Copied: both share it, marked shared, and the last one releases it.
    let mut m = foreign(&DATA, &frees);
    let copy = m.share();
    let mut target = Msg::new();
    m.share_into(&mut target);
    assert!(m.is_shared() && copy.is_shared() && target.is_shared());
    assert_eq!(copy.data().as_ptr(), DATA.as_ptr());
    drop(m);
    drop(copy);
    assert_eq!(frees.load(Ordering::SeqCst), 1);
    drop(target);
    assert_eq!(frees.load(Ordering::SeqCst), 2);

    // As bytes for the wire: released when those are, shared or not.
    let bytes = foreign(&DATA, &frees).into_bytes();
    assert_eq!(frees.load(Ordering::SeqCst), 2);
    drop(bytes);
    assert_eq!(frees.load(Ordering::SeqCst), 3);
    let mut m = foreign(&DATA, &frees);
    let copy = m.share();
    let bytes = m.into_bytes();
    assert_eq!((bytes.as_ptr(), bytes.len()), (DATA.as_ptr(), 100));
    drop(copy);
    assert_eq!(frees.load(Ordering::SeqCst), 3);
    drop(bytes);
    assert_eq!(frees.load(Ordering::SeqCst), 4);

    // Without a free function: constant, never released.
    // SAFETY: static data.
    let m = Msg::foreign(unsafe {
        Foreign::new(
            DATA.as_ptr().cast_mut().cast(),
            100,
            None,
            std::ptr::null_mut(),
        )
    });
    assert!(m.is_shared());
    drop(m);
    assert_eq!(frees.load(Ordering::SeqCst), 4);
}

#[test]
fn plain_messages_are_small_without_metadata() {
    assert!(Msg::new().is_plain() && Msg::from_slice(b"abc").is_plain());
    assert!(!Msg::with_size(INLINE_MAX + 1).unwrap().is_plain());
    let mut m = Msg::from_slice(b"abc");
    m.set_metadata(Some(Arc::new(Metadata::default())));
    assert!(!m.is_plain());
}

#[test]
fn a_bitwise_copy_is_counted_as_a_holder() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut m = Msg::from_bytes(Bytes::from_owner(Counted(vec![4; 50], drops.clone())));
    let metadata = Arc::new(Metadata::default());
    m.set_metadata(Some(metadata.clone()));
    assert!(m.share_bitwise());
    // SAFETY: share_bitwise counted the copy made here as a holder of the payload and the
    // metadata, so both messages may be dropped.
    let copy = unsafe { std::ptr::read(&m) };
    assert!(m.is_shared() && copy.is_shared());
    assert_eq!(copy.data(), &[4; 50][..]);
    assert_eq!(Arc::strong_count(&metadata), 3);
    drop(m);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(copy);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(Arc::strong_count(&metadata), 1);

    // A payload of the message's own must become shared first: nothing changes.
    let mut unique = Msg::with_size(100).unwrap();
    assert!(!unique.share_bitwise() && !unique.is_shared());
    let mut small = Msg::from_slice(b"abc");
    assert!(small.share_bitwise() && !small.is_shared());
}
