//! Values of the draft API that the library uses. The header declares the draft API by hand, in
//! `epilogue.h`, under `#ifdef ZMQ_BUILD_DRAFT_API`; the header parity test checks both agree.

use std::ffi::c_int;

/// Context option: whether received messages may reference the receive buffer.
pub(crate) const ZMQ_ZERO_COPY_RECV: c_int = 10;
