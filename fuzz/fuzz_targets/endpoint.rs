#![no_main]
//! Fuzz target: see `zmq::fuzzing::endpoint`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| zmq::fuzzing::endpoint(data));
