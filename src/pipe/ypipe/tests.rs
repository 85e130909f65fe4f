use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use super::*;

#[test]
fn write_flush_read_in_order() {
    let (mut w, mut r) = ypipe::<u32>();
    assert_eq!(r.read(), None);
    for i in 0..1000 {
        w.write(i, false);
    }
    // The reader went to sleep when it found nothing: the flush must ask for a wake-up.
    assert!(!w.flush());
    for i in 0..1000 {
        assert_eq!(r.read(), Some(i));
    }
    assert_eq!(r.read(), None);
    w.write(7, false);
    assert!(!w.flush());
    w.write(8, false);
    // The previous flush woke the reader and it has not looked since: no second wake-up.
    assert!(w.flush());
    assert_eq!(r.peek(), Some(&7));
    assert_eq!(r.read(), Some(7));
    assert_eq!(r.read(), Some(8));
}

#[test]
fn incomplete_values_wait_for_the_last_frame() {
    let (mut w, mut r) = ypipe::<u32>();
    w.write(1, true);
    w.write(2, true);
    assert!(w.flush());
    assert_eq!(w.unflushed(), 2);
    assert_eq!(r.read(), None);
    w.write(3, false);
    assert!(!w.flush());
    assert_eq!(
        (r.read(), r.read(), r.read(), r.read()),
        (Some(1), Some(2), Some(3), None)
    );
}

#[test]
fn unwrite_takes_back_an_incomplete_message_across_chunks() {
    let (mut w, mut r) = ypipe::<usize>();
    w.write(0, false);
    for i in 1..=CHUNK + 3 {
        w.write(i, true);
    }
    for i in (1..=CHUNK + 3).rev() {
        assert_eq!(w.unwrite(), Some(i));
    }
    assert_eq!(w.unwrite(), None);
    w.write(99, false);
    w.flush();
    assert_eq!((r.read(), r.read(), r.read()), (Some(0), Some(99), None));
}

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_pipe_drops_unread_values() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut w, mut r) = ypipe::<Counted>();
    for i in 0..3 * CHUNK + 5 {
        w.write(Counted(drops.clone()), i % 7 == 0);
    }
    w.flush();
    for _ in 0..CHUNK + 1 {
        drop(r.read());
    }
    assert_eq!(drops.load(Ordering::SeqCst), CHUNK + 1);
    drop(w);
    drop(r);
    assert_eq!(drops.load(Ordering::SeqCst), 3 * CHUNK + 5);
}

#[test]
fn read_swapping_exchanges_parts_in_place_and_moves_the_rest_out() {
    // Values with a droppable part: Ok parts are swapped into the caller's place, Err values
    // are moved out; across chunk boundaries, each value dropped exactly once.
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut w, mut r) = ypipe::<Result<(u32, Counted), u32>>();
    let count = 2 * CHUNK as u32 + 3;
    for i in 0..count {
        let value = if i % 3 == 0 {
            Err(i)
        } else {
            Ok((i, Counted(drops.clone())))
        };
        w.write(value, false);
    }
    w.flush();
    let mut place = (u32::MAX, Counted(drops.clone()));
    for i in 0..count {
        let taken = r.read_swapping(&mut place, |value| value.as_mut().ok());
        if i % 3 == 0 {
            assert!(matches!(taken, Some(Some(Err(n))) if n == i));
        } else {
            assert!(matches!(taken, Some(None)));
            assert_eq!(place.0, i);
        }
    }
    assert!(
        r.read_swapping(&mut place, |value| value.as_mut().ok())
            .is_none()
    );
    // Every swapped-in value but the last left its predecessor in a slot, dropped there.
    let swapped = (0..count).filter(|i| i % 3 != 0).count();
    assert_eq!(drops.load(Ordering::SeqCst), swapped);
    drop(place);
    assert_eq!(drops.load(Ordering::SeqCst), swapped + 1);
}

#[test]
fn two_threads_lose_nothing_and_wake_when_asked() {
    // Fewer under Miri, which interprets every step.
    const COUNT: u64 = if cfg!(miri) { 3_000 } else { 2_000_000 };
    let (mut w, mut r) = ypipe::<u64>();
    // The wake-up channel: a counter of wake-ups sent, standing in for a mailbox command.
    let wakeups = Arc::new(AtomicUsize::new(0));
    let sent = wakeups.clone();
    let writer = thread::spawn(move || {
        let mut asked = 0;
        for i in 0..COUNT {
            w.write(i, i % 3 == 1 && i != COUNT - 1);
            if (i % 64 == 0 || i == COUNT - 1) && !w.flush() {
                asked += 1;
                sent.fetch_add(1, Ordering::Release);
            }
        }
        asked
    });
    let mut expected = 0;
    let mut seen_wakeups = 0;
    while expected < COUNT {
        match r.read() {
            Some(v) => {
                assert_eq!(v, expected);
                expected += 1;
            }
            None => {
                // Asleep: wait for a wake-up we have not consumed yet.
                while wakeups.load(Ordering::Acquire) == seen_wakeups {
                    std::hint::spin_loop();
                }
                seen_wakeups += 1;
            }
        }
    }
    let asked = writer.join().unwrap();
    assert_eq!(r.read(), None);
    assert!(asked >= seen_wakeups);
}

#[test]
fn a_take_that_unwinds_moves_the_reader_past_its_value() {
    // Plain numbers, so that nothing leaks (a value left behind by an unwinding take is
    // leaked by design).
    let (mut w, mut r) = ypipe::<u64>();
    for i in 0..CHUNK as u64 + 2 {
        w.write(i, false);
    }
    w.flush();
    // Unwinding out of the projection, up to and across the end of a chunk: the reader moves
    // past each value, and the next read takes the one after.
    let mut place = u64::MAX;
    for _ in 0..CHUNK {
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            r.read_swapping(&mut place, |_| -> Option<&mut u64> { panic!("projection") })
        }));
        assert!(unwound.is_err());
    }
    assert_eq!(place, u64::MAX);
    assert_eq!(r.read(), Some(CHUNK as u64));
    assert_eq!(r.read(), Some(CHUNK as u64 + 1));
    assert_eq!(r.read(), None);
}
