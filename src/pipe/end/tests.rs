use super::*;

/// Shuttles commands both ways until neither end has any; returns each end's events.
fn settle(a: &mut PipeEnd, b: &mut PipeEnd) -> (Vec<PipeEvent>, Vec<PipeEvent>) {
    let (mut to_a, mut to_b) = (Vec::new(), Vec::new());
    loop {
        let got_b = deliver(a, b);
        let got_a = deliver(b, a);
        if got_a.is_empty() && got_b.is_empty() {
            return (to_a, to_b);
        }
        to_a.extend(got_a);
        to_b.extend(got_b);
    }
}

/// Delivers every command `from` has for its peer; returns the peer's events.
fn deliver(from: &mut PipeEnd, to: &mut PipeEnd) -> Vec<PipeEvent> {
    let mut events = Vec::new();
    while let Some(command) = from.poll_command() {
        events.push(to.process(command));
    }
    events
}

fn frame(data: &[u8], more: bool) -> Msg {
    let mut msg = Msg::from_slice(data);
    msg.set_more(more);
    msg
}

/// Every frame readable at `end`, as its bytes and MORE flag.
fn read_all(end: &mut PipeEnd) -> Vec<(Vec<u8>, bool)> {
    std::iter::from_fn(|| end.read())
        .map(|m| (m.data().to_vec(), m.more()))
        .collect()
}

#[test]
fn sleeping_reader_is_woken() {
    let (mut a, mut b) = pipe_pair(0, 0);
    assert!(!b.check_read());
    a.write(frame(b"hello", false)).unwrap();
    a.flush();
    assert_eq!(deliver(&mut a, &mut b), vec![PipeEvent::ReadActivated]);
    assert_eq!(b.read().unwrap().data(), b"hello");
    assert!(b.read().is_none());
    // Reading the pipe empty put the reader to sleep again: the next flush wakes it again.
    a.write(frame(b"again", false)).unwrap();
    a.flush();
    assert_eq!(deliver(&mut a, &mut b), vec![PipeEvent::ReadActivated]);
    assert!(b.check_read());
}

#[test]
fn high_water_mark_counts_messages_and_credit_returns() {
    let (mut a, mut b) = pipe_pair(4, 4);
    for i in 0..4u8 {
        // A multipart message counts once.
        a.write(frame(&[i], true)).unwrap();
        a.write(frame(&[i], false)).unwrap();
    }
    assert!(!a.check_write());
    assert!(a.write(frame(b"x", false)).is_err());
    a.flush();
    deliver(&mut a, &mut b);
    // lwm = 2: credit returns after two messages read.
    for _ in 0..4 {
        b.read().unwrap();
    }
    assert_eq!(deliver(&mut b, &mut a), vec![PipeEvent::WriteActivated]);
    assert!(a.check_write());
    a.write(frame(b"x", false)).unwrap();
}

#[test]
fn small_frames_written_in_place_are_messages_like_any_other() {
    let (mut a, mut b) = pipe_pair(2, 0);
    // A two-frame message, then a frame of the largest inline size: two messages for the HWM.
    assert!(a.write_small(b"ab", true));
    assert!(a.write_small(b"", false));
    let full = [9u8; crate::msg::INLINE_MAX];
    assert!(a.write_small(&full, false));
    assert!(!a.check_write());
    assert!(!a.write_small(b"x", false));
    a.flush();
    deliver(&mut a, &mut b);
    assert_eq!(
        read_all(&mut b),
        vec![
            (b"ab".to_vec(), true),
            (Vec::new(), false),
            (full.to_vec(), false)
        ]
    );
}

#[test]
fn frames_of_a_message_appear_together() {
    let (mut a, mut b) = pipe_pair(0, 0);
    a.write(frame(b"1", true)).unwrap();
    a.write(frame(b"2", true)).unwrap();
    a.flush();
    assert!(!b.check_read());
    a.write(frame(b"3", false)).unwrap();
    a.flush();
    deliver(&mut a, &mut b);
    assert_eq!(
        read_all(&mut b),
        vec![
            (b"1".to_vec(), true),
            (b"2".to_vec(), true),
            (b"3".to_vec(), false)
        ]
    );
}

#[test]
fn termination_delivers_pending_messages_first() {
    let (mut a, mut b) = pipe_pair(0, 0);
    a.write(frame(b"last words", false)).unwrap();
    // A partial message is dropped by termination.
    a.write(frame(b"partial", true)).unwrap();
    a.terminate();
    assert!(a.is_finished());
    assert!(a.write(frame(b"late", false)).is_err());
    let events = deliver(&mut a, &mut b);
    assert!(events.contains(&PipeEvent::PeerTerminating), "{events:?}");
    assert!(!b.check_write());
    assert_eq!(b.read().unwrap().data(), b"last words");
    assert!(!b.is_finished());
    // The delimiter: no more messages, and the end is finished.
    assert!(b.read().is_none());
    assert!(b.is_finished());
    assert!(deliver(&mut b, &mut a).is_empty());
}

#[test]
fn termination_without_delay_drops_pending_messages() {
    let (mut a, mut b) = pipe_pair(0, 0);
    b.set_delay(false);
    a.write(frame(b"dropped", false)).unwrap();
    a.terminate();
    assert_eq!(deliver(&mut a, &mut b), vec![PipeEvent::Finished]);
    assert!(b.read().is_none());
    assert!(b.is_finished());
}

#[test]
fn both_ends_terminate_at_once() {
    let (mut a, mut b) = pipe_pair(0, 0);
    a.terminate();
    b.terminate();
    assert!(a.is_finished() && b.is_finished());
    let (to_a, to_b) = settle(&mut a, &mut b);
    assert!(
        to_a.iter().chain(&to_b).all(|e| *e == PipeEvent::None),
        "{to_a:?} {to_b:?}"
    );
}

#[test]
fn delimiter_read_before_the_term_command() {
    let (mut a, mut b) = pipe_pair(0, 0);
    a.terminate();
    // B reads the delimiter before it processes the Term command.
    assert!(!b.check_read());
    assert!(!b.is_finished());
    let (_, to_b) = settle(&mut a, &mut b);
    assert_eq!(to_b.last(), Some(&PipeEvent::Finished), "{to_b:?}");
    assert!(b.is_finished());
}

#[test]
fn terminating_a_peer_terminated_end_sends_nothing_more() {
    let (mut a, mut b) = pipe_pair(0, 0);
    a.write(frame(b"unread", false)).unwrap();
    a.terminate();
    deliver(&mut a, &mut b);
    // B gives up on the pending message.
    b.terminate();
    assert!(b.is_finished());
    assert!(b.read().is_none());
    assert!(
        deliver(&mut b, &mut a)
            .iter()
            .all(|e| *e == PipeEvent::None)
    );
}

#[test]
fn metadata_follows_the_messages_written_after_it() {
    let (mut a, mut b) = pipe_pair(0, 0);
    a.write(frame(b"before", false)).unwrap();
    let first = Arc::new({
        let mut m = Metadata::new();
        m.insert("Peer-Address", b"1.2.3.4");
        m
    });
    a.write_metadata(Some(first.clone()));
    // Not visible on its own: it travels with the next message.
    a.flush();
    a.write(frame(b"after", false)).unwrap();
    a.flush();
    let before = b.read().unwrap();
    assert!(before.metadata().is_none());
    let after = b.read().unwrap();
    assert!(Arc::ptr_eq(after.metadata().unwrap(), &first));

    // A reconnection: the partial message and the properties it carried are rolled back.
    a.write_metadata(Some(Arc::new(Metadata::new())));
    a.write(frame(b"part", true)).unwrap();
    a.rollback();
    a.write(frame(b"whole", false)).unwrap();
    a.flush();
    let whole = b.read().unwrap();
    assert_eq!(whole.data(), b"whole");
    assert!(Arc::ptr_eq(whole.metadata().unwrap(), &first));

    // A spare reference to the same properties is used instead of a new one.
    let mut spare = Some(first.clone());
    let count = Arc::strong_count(&first);
    a.write(frame(b"again", false)).unwrap();
    a.flush();
    let again = b.read_reusing(&mut spare).unwrap();
    assert!(spare.is_none());
    assert_eq!(Arc::strong_count(&first), count);
    // A spare for other properties is kept for later.
    let other = Arc::new(Metadata::new());
    let mut spare = Some(other.clone());
    a.write(frame(b"more", false)).unwrap();
    a.flush();
    let more = b.read_reusing(&mut spare).unwrap();
    assert!(Arc::ptr_eq(spare.as_ref().unwrap(), &other));
    assert!(Arc::ptr_eq(more.metadata().unwrap(), &first));
    drop((before, after, again, more));
}

#[test]
fn credit_returns_every_low_water_mark() {
    // hwm 4: low-water mark 2.
    let (mut a, mut b) = pipe_pair(4, 4);
    for round in 0..3u64 {
        for i in 0..4 {
            assert!(a.write(frame(&[i], false)).is_ok(), "round {round}");
        }
        assert!(a.write(frame(b"x", false)).is_err());
        a.flush();
        settle(&mut a, &mut b);
        for _ in 0..4 {
            b.read().unwrap();
        }
        let (_, to_a) = settle(&mut b, &mut a);
        assert!(to_a.contains(&PipeEvent::WriteActivated), "round {round}");
    }
}

#[test]
fn queue_counts_are_whole_messages_each_way() {
    let (mut a, mut b) = pipe_pair(0, 0);
    assert_eq!(b.queue_counts(), (0, 0));
    for _ in 0..300 {
        a.write(frame(b"x", false)).unwrap();
    }
    a.write(frame(b"head", true)).unwrap();
    a.write(frame(b"tail", false)).unwrap();
    // Unflushed: not there yet for the reader.
    assert_eq!(b.queue_counts(), (0, 0));
    a.flush();
    settle(&mut a, &mut b);
    // Across a chunk boundary (256 values), the two-frame message counted once.
    assert_eq!(b.queue_counts(), (0, 301));
    assert_eq!(a.queue_counts(), (301, 0));
    for _ in 0..100 {
        b.read().unwrap();
    }
    assert_eq!(b.queue_counts(), (0, 201));
}
