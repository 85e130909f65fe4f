//! Replays every input kept for the fuzz targets (the seeds in `fuzz/seeds/`, the corpora grown
//! by long runs minimised into `fuzz/regress/` and, when present, what `cargo fuzz` grew in
//! `fuzz/corpus/`) through the same entry points, so that each stays a regression test without
//! the fuzzer.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for folder in ["seeds", "regress", "corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            // A fuzzer running meanwhile may remove inputs it reduced.
            let data = match std::fs::read(entry.path()) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                read => read.expect("readable input"),
            };
            run(&data);
            count += 1;
        }
    }
    assert!(count > 0, "no inputs for {target}");
}

#[test]
fn zmtp_null() {
    replay("zmtp_null", zmq::fuzzing::zmtp_null);
}

#[test]
fn zmtp_plain() {
    replay("zmtp_plain", zmq::fuzzing::zmtp_plain);
}

#[test]
fn zmtp_curve() {
    replay("zmtp_curve", zmq::fuzzing::zmtp_curve);
}

#[test]
fn z85() {
    replay("z85", zmq::fuzzing::z85);
}

#[test]
fn endpoint() {
    replay("endpoint", zmq::fuzzing::endpoint);
}

#[test]
fn zmtp_decoder() {
    replay("zmtp_decoder", zmq::fuzzing::zmtp_decoder);
}

#[test]
fn zmtp_greeting() {
    replay("zmtp_greeting", zmq::fuzzing::zmtp_greeting);
}

#[test]
fn zmtp_commands() {
    replay("zmtp_commands", zmq::fuzzing::zmtp_commands);
}

#[test]
fn zmtp_pair() {
    replay("zmtp_pair", zmq::fuzzing::zmtp_pair);
}
