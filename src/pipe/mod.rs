//! Pipes: the queues that carry messages between a socket and its peers.
//!
//! `ypipe` is the lock-free single-producer single-consumer queue underneath, with libzmq's
//! "signal only a sleeping reader" protocol.

pub mod pipe;
pub mod ypipe;
