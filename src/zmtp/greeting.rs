//! The greeting, exchanged as libzmq 4.3 does, piece by piece.
//!
//! We open with a 10-byte signature that a ZMTP 1.0 peer reads as the header of a routing-id
//! frame: 0xFF, the 8-byte length (routing id + 1), and 0x7F. If the peer's first byte is not
//! 0xFF, or bit 0 of its tenth byte is clear, it speaks unversioned ZMTP 1.0 and what it sent is
//! the start of its own routing-id frame. Otherwise we send our revision (3) once its signature
//! is in, and once its revision is in, either our socket type (to a ZMTP 1.0 or 2.0 peer, whose
//! greeting ends there) or the rest of a ZMTP 3.1 greeting.

use crate::zmtp::Version;

/// The signature's length.
pub(super) const SIGNATURE_LEN: usize = 10;
/// The greeting of ZMTP 1.0 (with revision) and 2.0: signature, revision, socket type.
const V2_LEN: usize = 12;
/// The greeting of ZMTP 3.x.
const V3_LEN: usize = 64;
const REVISION: usize = 10;
const MINOR: usize = 11;
const MECHANISM: usize = 12;
const MECHANISM_LEN: usize = 20;

/// What the peer's greeting says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// ZMTP 1.0 without a greeting: its bytes are the start of its routing-id frame.
    Unversioned,
    /// ZMTP 1.0 or 2.0 with a revision, and the peer's socket type.
    Old { version: Version, socket_type: u8 },
    /// ZMTP 3.x, and the mechanism the peer named (20 bytes, zero-padded).
    V3 {
        version: Version,
        mechanism: [u8; MECHANISM_LEN],
    },
}

/// One step of reading the greeting.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// More bytes are needed.
    NeedMore,
    /// The greeting is complete: it used `consumed` bytes.
    Done { consumed: usize, outcome: Outcome },
}

/// Our side of the greeting exchange.
#[derive(Debug, Default)]
pub(super) struct Greeting {
    sent_revision: bool,
    sent_rest: bool,
}

/// Our signature.
pub(super) fn signature(routing_id_len: usize) -> [u8; SIGNATURE_LEN] {
    let mut sig = [0u8; SIGNATURE_LEN];
    sig[0] = 0xFF;
    sig[1..9].copy_from_slice(&(routing_id_len as u64 + 1).to_be_bytes());
    sig[9] = 0x7F;
    sig
}

impl Greeting {
    /// Looks at the received bytes (nothing is consumed before the greeting is complete) and
    /// appends to `out` what we must send next. `mechanism` is our mechanism's name.
    pub(super) fn advance(
        &mut self,
        received: &[u8],
        socket_type: u8,
        mechanism: &str,
        out: &mut Vec<u8>,
    ) -> Step {
        let Some(&first) = received.first() else {
            return Step::NeedMore;
        };
        if first != 0xFF {
            return Self::unversioned();
        }
        if received.len() < SIGNATURE_LEN {
            return Step::NeedMore;
        }
        // A regular frame header here would have its flags byte clear in bit 0.
        if received[SIGNATURE_LEN - 1] & 0x01 == 0 {
            return Self::unversioned();
        }
        if !self.sent_revision {
            self.sent_revision = true;
            out.push(3);
        }
        let Some(&revision) = received.get(REVISION) else {
            return Step::NeedMore;
        };
        let old = revision <= 1;
        if !self.sent_rest {
            self.sent_rest = true;
            if old {
                out.push(socket_type);
            } else {
                out.push(1);
                let mut name = [0u8; MECHANISM_LEN];
                let len = mechanism.len().min(MECHANISM_LEN);
                name[..len].copy_from_slice(&mechanism.as_bytes()[..len]);
                out.extend_from_slice(&name);
                // as-server and filler: libzmq sends zeros whatever the role.
                out.extend_from_slice(&[0; V3_LEN - MECHANISM - MECHANISM_LEN]);
            }
        }
        let len = if old { V2_LEN } else { V3_LEN };
        if received.len() < len {
            return Step::NeedMore;
        }
        let outcome = if old {
            Outcome::Old {
                version: if revision == 0 {
                    Version::V1
                } else {
                    Version::V2
                },
                socket_type: received[MINOR],
            }
        } else {
            let mut mechanism = [0u8; MECHANISM_LEN];
            mechanism.copy_from_slice(&received[MECHANISM..MECHANISM + MECHANISM_LEN]);
            // Revision 3 with minor 0 is 3.0; any other (2, 3.1+, 4+) is treated as 3.1.
            let version = if revision == 3 && received[MINOR] == 0 {
                Version::V3_0
            } else {
                Version::V3_1
            };
            Outcome::V3 { version, mechanism }
        };
        Step::Done {
            consumed: len,
            outcome,
        }
    }

    fn unversioned() -> Step {
        Step::Done {
            consumed: 0,
            outcome: Outcome::Unversioned,
        }
    }
}

/// Whether the peer's mechanism field names `ours` (exactly, zero-padded).
pub(super) fn same_mechanism(peer: &[u8; MECHANISM_LEN], ours: &str) -> bool {
    let ours = ours.as_bytes();
    ours.len() <= MECHANISM_LEN
        && peer[..ours.len()] == *ours
        && peer[ours.len()..].iter().all(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds a peer greeting one byte at a time; returns what we sent and the outcome.
    fn byte_by_byte(peer: &[u8]) -> (Vec<u8>, Step) {
        let mut g = Greeting::default();
        let mut out = Vec::new();
        for n in 0..=peer.len() {
            let step = g.advance(&peer[..n], 5, "NULL", &mut out);
            if step != Step::NeedMore {
                return (out, step);
            }
        }
        (out, Step::NeedMore)
    }

    #[test]
    fn v3_greeting_is_sent_in_two_steps() {
        let mut peer = signature(0).to_vec();
        peer.extend_from_slice(&[3, 1]);
        peer.extend_from_slice(b"NULL");
        peer.resize(64, 0);
        let mut g = Greeting::default();
        let mut out = Vec::new();
        assert_eq!(g.advance(&peer[..9], 5, "NULL", &mut out), Step::NeedMore);
        assert!(out.is_empty());
        assert_eq!(g.advance(&peer[..10], 5, "NULL", &mut out), Step::NeedMore);
        assert_eq!(out, [3]);
        assert_eq!(g.advance(&peer[..11], 5, "NULL", &mut out), Step::NeedMore);
        assert_eq!(out.len(), 54);
        assert_eq!(&out[1..6], b"\x01NULL");
        let step = g.advance(&peer, 5, "NULL", &mut out);
        assert_eq!(out.len(), 54);
        let Step::Done {
            consumed: 64,
            outcome: Outcome::V3 { version, mechanism },
        } = step
        else {
            panic!("{step:?}");
        };
        assert_eq!(version, Version::V3_1);
        assert!(same_mechanism(&mechanism, "NULL"));
        assert!(!same_mechanism(&mechanism, "PLAIN"));
    }

    #[test]
    fn versions() {
        for (revision, minor, expected) in [
            (3, 0, Version::V3_0),
            (3, 1, Version::V3_1),
            (3, 7, Version::V3_1),
            (2, 0, Version::V3_1),
            (4, 0, Version::V3_1),
        ] {
            let mut peer = signature(0).to_vec();
            peer.extend_from_slice(&[revision, minor]);
            peer.resize(64, 0);
            let (_, step) = byte_by_byte(&peer);
            assert!(
                matches!(step, Step::Done { outcome: Outcome::V3 { version, .. }, .. } if version == expected)
            );
        }
        for (revision, expected) in [(0, Version::V1), (1, Version::V2)] {
            let mut peer = signature(3).to_vec();
            peer.extend_from_slice(&[revision, 6]);
            let (out, step) = byte_by_byte(&peer);
            assert_eq!(out, [3, 5]);
            assert_eq!(
                step,
                Step::Done {
                    consumed: 12,
                    outcome: Outcome::Old {
                        version: expected,
                        socket_type: 6
                    }
                }
            );
        }
    }

    #[test]
    fn unversioned_peers() {
        for peer in [
            &b"\x04\x00xyz"[..],
            b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x00xyz",
        ] {
            let (out, step) = byte_by_byte(peer);
            assert!(out.is_empty());
            assert_eq!(
                step,
                Step::Done {
                    consumed: 0,
                    outcome: Outcome::Unversioned
                }
            );
        }
    }

    #[test]
    fn signature_layout() {
        assert_eq!(signature(3), *b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x7f");
        assert_eq!(signature(254)[8], 0xFF);
    }
}
