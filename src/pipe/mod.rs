//! Pipes: the queues that carry messages between a socket and its peers.
//!
//! `ypipe` is the lock-free single-producer single-consumer queue underneath, with libzmq's
//! "signal only a sleeping reader" protocol; `end` is one end of a bidirectional pipe with
//! high-water marks and the termination handshake.

pub mod end;
pub mod ypipe;

pub use self::end::{PeerCommand, PipeEnd, PipeEvent, hwm_limit, pipe_pair};
