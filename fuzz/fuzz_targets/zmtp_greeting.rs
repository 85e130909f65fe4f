#![no_main]
//! Fuzz target: see `zmq::fuzzing::zmtp_greeting`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| zmq::fuzzing::zmtp_greeting(data));
