//! A drop-in replacement for libzmq 4.3: the library behind `libzmq.so.5` and `zmq.h`.
//!
//! Layers, dependencies pointing down:
//! - `capi`: every `extern "C"` function, errno, the panic boundary, handle checks;
//! - the engine: `ctx`, `timers` (sockets, transports and the reactor join it);
//! - the core: `msg`, `z85`, `error`, free of I/O, threads and clocks.
//!
//! See ARCHITECTURE.md for the design.

pub mod capi;
pub mod ctx;
pub mod error;
pub mod fuzzing;
pub mod mailbox;
pub mod msg;
pub mod options;
pub mod pipe;
pub mod reactor;
pub mod routing;
pub mod socket;
pub mod sys;
pub mod timers;
pub mod transport;
pub mod z85;
pub mod zmtp;
