#![no_main]
//! Fuzz target: see `zmq::fuzzing::endpoint`.

#[global_allocator]
static ALLOC: zmq_fuzz::Limited = zmq_fuzz::Limited;

libfuzzer_sys::fuzz_target!(|data: &[u8]| zmq::fuzzing::endpoint(data));
