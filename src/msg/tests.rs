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
    let mut a = Msg::from_owner(Counted(vec![1; 10], drops.clone()));
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
    let m = Msg::constant(&DATA[..]);
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
    let mut owned = Msg::from_owner(Counted(vec![5; 64], drops.clone()));
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

#[test]
fn take_parts_leaves_an_empty_message() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut m = Msg::from_owner(Counted(vec![1; 40], drops.clone()));
    m.set_more(true);
    let (payload, metadata) = m.take_parts();
    assert_eq!((m.size(), m.more()), (0, false));
    assert!(m.drops_quietly() && metadata.is_none());
    assert_eq!(payload.as_deref(), Some(&[1; 40][..]));
    drop(m);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(payload);
    assert_eq!(drops.load(Ordering::SeqCst), 1);

    let mut small = Msg::from_slice(b"x");
    assert!(small.take_parts().0.is_none());
    assert_eq!(small.size(), 0);
}
