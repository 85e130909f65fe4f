//! What the CURVE client and server share: the stages of a side (its own handshake steps, then
//! ready or failed) and the one [`Mechanism`] over them.

use std::fmt;

use super::{Curve, Messages};
use crate::msg::Msg;
use crate::zmtp::mechanism::{Mechanism, Status};
use crate::zmtp::properties::PeerProperties;
use crate::zmtp::zap::ZapReply;
use crate::zmtp::{Failure, protocol_error};

/// What only the client, or only the server, does. `pub` in a private module: it bounds the
/// public [`Curve`], but nothing outside can name it.
pub trait Side: Sized + Send {
    /// Where the side's own handshake stands.
    type Step: Send;
    /// The side's name in debug output.
    const NAME: &'static str;

    /// The step's name in debug output.
    fn step_name(step: &Self::Step) -> &'static str;

    /// What a step means to the caller: the handshake goes on, unless it is an end.
    fn step_status(step: &Self::Step) -> Status;

    /// The next handshake command, if one is due now.
    fn next_command(curve: &mut Curve<Self>) -> Option<Vec<u8>>;

    /// Processes one command received during the handshake.
    fn process_command(curve: &mut Curve<Self>, data: &[u8]) -> Result<(), Failure>;

    /// The side's own fields in debug output; never a secret.
    fn debug_fields(&self, out: &mut fmt::DebugStruct<'_, '_>);

    /// See [`Mechanism::take_zap_request`]: the client never asks.
    fn take_zap_request(curve: &mut Curve<Self>) -> Option<Vec<Vec<u8>>> {
        let _ = curve;
        None
    }

    /// See [`Mechanism::zap_verdict`].
    fn zap_verdict(curve: &mut Curve<Self>, reply: Option<&ZapReply>) -> Result<(), Failure> {
        let _ = (curve, reply);
        Err(Failure::Protocol(protocol_error::ZAP_UNSPECIFIED))
    }
}

/// Where a side stands: in its own handshake step `T`, ready with the MESSAGE boxes, or failed.
pub(super) enum Stage<T> {
    Handshake(T),
    Ready(Messages),
    Failed(Failure),
}

impl<T> Stage<T> {
    /// The handshake step, while the handshake goes on.
    pub(super) fn step(&self) -> Option<&T> {
        match self {
            Stage::Handshake(step) => Some(step),
            _ => None,
        }
    }

    /// Takes the stage out, leaving the handshake at `placeholder` until it is put back.
    pub(super) fn take(&mut self, placeholder: T) -> Stage<T> {
        std::mem::replace(self, Stage::Handshake(placeholder))
    }

    /// Moves on after a step that makes a command: to the stage the step produced with its
    /// command, or to failed.
    pub(super) fn sent(
        &mut self,
        produced: Result<(Vec<u8>, Stage<T>), Failure>,
    ) -> Option<Vec<u8>> {
        match produced {
            Ok((body, stage)) => {
                *self = stage;
                Some(body)
            }
            Err(failure) => {
                *self = Stage::Failed(failure);
                None
            }
        }
    }

    /// The MESSAGE boxes; before the handshake is over there is no key to box with.
    fn messages(&mut self) -> Result<&mut Messages, Failure> {
        match self {
            Stage::Ready(messages) => Ok(messages),
            _ => Err(Failure::Protocol(protocol_error::UNSPECIFIED)),
        }
    }
}

impl<S: Side> Mechanism for Curve<S> {
    fn name(&self) -> &'static str {
        "CURVE"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        S::next_command(self)
    }

    fn process_handshake_command(&mut self, frame: Msg) -> Result<(), Failure> {
        let result = S::process_command(self, frame.data());
        if let Err(failure) = &result {
            self.stage = Stage::Failed(failure.clone());
        }
        result
    }

    fn status(&self) -> Status {
        match &self.stage {
            Stage::Handshake(step) => S::step_status(step),
            Stage::Ready(_) => Status::Ready,
            Stage::Failed(failure) => Status::Error(failure.clone()),
        }
    }

    fn encode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        self.stage.messages()?.encode(&msg)
    }

    fn transforms(&self) -> bool {
        true
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        self.stage.messages()?.decode(msg)
    }

    fn peer(&self) -> &PeerProperties {
        &self.peer
    }

    fn take_zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        S::take_zap_request(self)
    }

    fn zap_verdict(&mut self, reply: Option<&ZapReply>) -> Result<(), Failure> {
        S::zap_verdict(self, reply)
    }
}

impl<S: Side> fmt::Debug for Curve<S> {
    /// The stage and the side's public parts; never a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match &self.stage {
            Stage::Handshake(step) => S::step_name(step),
            Stage::Ready(_) => "Ready",
            Stage::Failed(_) => "Failed",
        };
        let mut out = f.debug_struct(S::NAME);
        out.field("state", &stage);
        self.side.debug_fields(&mut out);
        out.finish_non_exhaustive()
    }
}
