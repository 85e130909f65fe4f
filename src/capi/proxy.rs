//! zmq_proxy, zmq_proxy_steerable and zmq_device: forward messages between two sockets.

use std::ffi::{c_int, c_void};
use std::ptr;

use super::boundary;
use super::constants::ZMQ_POLLIN;
use super::poll::{poll, zmq_pollitem_t};
use super::socket::with_socket;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::socket::Flags;

/// Counts of one side of a proxy, as STATISTICS reports them.
#[derive(Default, Clone, Copy)]
struct Side {
    msgs_in: u64,
    bytes_in: u64,
    msgs_out: u64,
    bytes_out: u64,
}

/// Sends a frame on one of the proxy's sockets.
fn send(socket: *mut c_void, mut msg: Msg, more: bool) -> Result<()> {
    let flags = Flags {
        more,
        ..Flags::default()
    };
    // SAFETY: the caller of the proxy passes sockets.
    unsafe { with_socket(socket, |s| s.send(&mut msg, flags)) }
}

/// How many messages one wake-up forwards at most before the proxy polls again (libzmq's
/// burst size): polling once per message cost more than the forwarding itself.
const BURST: usize = 1000;

/// Moves whole messages from `from` to `to` while `from` has some (BURST at most), copying
/// each frame to `capture` if any.
fn forward(
    from: *mut c_void,
    to: *mut c_void,
    capture: *mut c_void,
    stats: &mut [Side; 2],
    dir: usize,
) -> Result<()> {
    for _ in 0..BURST {
        if !forward_one(from, to, capture, stats, dir)? {
            break;
        }
    }
    Ok(())
}

/// Moves one whole message; false if `from` had none.
fn forward_one(
    from: *mut c_void,
    to: *mut c_void,
    capture: *mut c_void,
    stats: &mut [Side; 2],
    dir: usize,
) -> Result<bool> {
    let dont_wait = Flags {
        dont_wait: true,
        ..Flags::default()
    };
    let mut first = true;
    loop {
        // The frames of a message arrive together: none of them waits.
        let mut msg = Msg::new();
        // SAFETY: the caller of the proxy passes sockets.
        match unsafe { with_socket(from, |s| s.recv(dont_wait, &mut msg)) } {
            Err(Error::Again) if first => return Ok(false),
            other => other?,
        }
        first = false;
        let more = msg.more();
        let size = msg.size() as u64;
        stats[dir].msgs_in += u64::from(!more);
        stats[dir].bytes_in += size;
        if !capture.is_null() {
            // The capture shares the frame's buffer rather than copying it.
            send(capture, msg.share(), more)?;
        }
        send(to, msg, more)?;
        stats[1 - dir].msgs_out += u64::from(!more);
        stats[1 - dir].bytes_out += size;
        if !more {
            return Ok(true);
        }
    }
}

/// What the control socket asked for.
enum Control {
    Pause,
    Resume,
    Terminate,
    Statistics,
    Unknown,
}

fn read_control(control: *mut c_void, capture: *mut c_void) -> Result<Control> {
    let mut msg = Msg::new();
    // SAFETY: the caller of the proxy passes a socket.
    unsafe { with_socket(control, |s| s.recv(Flags::default(), &mut msg)) }?;
    if !capture.is_null() {
        // Commands are captured too, as libzmq does.
        send(capture, Msg::from_slice(msg.data()), false)?;
    }
    Ok(match msg.data() {
        b"PAUSE" => Control::Pause,
        b"RESUME" => Control::Resume,
        b"TERMINATE" => Control::Terminate,
        b"STATISTICS" => Control::Statistics,
        _ => Control::Unknown,
    })
}

fn send_statistics(control: *mut c_void, stats: &[Side; 2]) -> Result<()> {
    let values: Vec<u64> = stats
        .iter()
        .flat_map(|s| [s.msgs_in, s.bytes_in, s.msgs_out, s.bytes_out])
        .collect();
    for (i, value) in values.iter().enumerate() {
        send(
            control,
            Msg::from_slice(&value.to_ne_bytes()),
            i + 1 < values.len(),
        )?;
    }
    Ok(())
}

/// The proxy loop; returns when the control socket says TERMINATE, or fails (ETERM when the
/// context terminates).
fn run(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> Result<()> {
    // libzmq answers a missing frontend or backend with EFAULT, before looking at either.
    if frontend.is_null() || backend.is_null() {
        return Err(Error::Fault);
    }
    let item = |socket| zmq_pollitem_t {
        socket,
        fd: 0,
        events: ZMQ_POLLIN as i16,
        revents: 0,
    };
    let mut items = vec![item(frontend), item(backend)];
    if !control.is_null() {
        items.push(item(control));
    }
    let mut stats = [Side::default(); 2];
    let mut paused = false;
    loop {
        poll(&mut items, -1)?;
        if !control.is_null() && items[2].revents != 0 {
            match read_control(control, capture)? {
                Control::Pause => paused = true,
                Control::Resume => paused = false,
                Control::Terminate => return Ok(()),
                Control::Statistics => send_statistics(control, &stats)?,
                // libzmq aborts here; an unknown command is ignored instead.
                Control::Unknown => {}
            }
        }
        if paused {
            continue;
        }
        if items[0].revents != 0 {
            forward(frontend, backend, capture, &mut stats, 0)?;
        }
        if items[1].revents != 0 && frontend != backend {
            forward(backend, frontend, capture, &mut stats, 1)?;
        }
    }
}

/// Forwards messages between `frontend` and `backend`, copying them to `capture` if not NULL;
/// runs until the context terminates (zmq_proxy(3)).
///
/// # Safety
/// The arguments must be sockets (`capture` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_proxy(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
) -> c_int {
    boundary(-1, || {
        run(frontend, backend, capture, ptr::null_mut()).map(|()| 0)
    })
}

/// As zmq_proxy, steered by PAUSE, RESUME, TERMINATE and STATISTICS messages on `control`
/// (zmq_proxy_steerable(3)).
///
/// # Safety
/// The arguments must be sockets (`capture` and `control` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_proxy_steerable(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> c_int {
    boundary(-1, || run(frontend, backend, capture, control).map(|()| 0))
}

/// Old form of zmq_proxy; the device type is not used (zmq_device(3)).
///
/// # Safety
/// The arguments must be sockets.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_device(
    type_: c_int,
    frontend: *mut c_void,
    backend: *mut c_void,
) -> c_int {
    let _ = type_;
    boundary(-1, || {
        run(frontend, backend, ptr::null_mut(), ptr::null_mut()).map(|()| 0)
    })
}
