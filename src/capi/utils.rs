//! Utilities: Z85, CURVE keys, atomic counters, stopwatches, sleep and threads.

use std::ffi::{c_char, c_int, c_ulong, c_void};
use std::ptr;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use super::{boundary, non_null};
use crate::error::Error;
use crate::z85;
use crate::zmtp::curve;

/// Length of a CURVE key in Z85 text, without its NUL.
const Z85_KEY_LEN: usize = 40;

/// Encodes `size` bytes (a multiple of 4) as Z85 into `dest` (zmq_z85_encode(3)).
///
/// `dest` must hold size * 5 / 4 + 1 characters. Returns `dest`, or NULL with EINVAL.
///
/// # Safety
/// `data` must hold `size` bytes and `dest` room for the text and its NUL, or be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_z85_encode(
    dest: *mut c_char,
    data: *const u8,
    size: usize,
) -> *mut c_char {
    boundary(ptr::null_mut(), || {
        let len = z85::encoded_len(size)?;
        non_null(dest)?;
        if size > 0 {
            non_null(data)?;
        }
        let input = if size == 0 {
            &[][..]
        } else {
            // SAFETY: the caller guarantees `size` readable bytes at `data` (checked non-NULL).
            unsafe { std::slice::from_raw_parts(data, size) }
        };
        // SAFETY: the caller guarantees room for len + 1 characters at `dest`.
        let out = unsafe { std::slice::from_raw_parts_mut(dest.cast::<u8>(), len + 1) };
        z85::encode_into(input, &mut out[..len])?;
        out[len] = 0;
        Ok(dest)
    })
}

/// Decodes a Z85 string (a multiple of 5 characters) into `dest` (zmq_z85_decode(3)).
///
/// `dest` must hold strlen * 4 / 5 bytes. Returns `dest`, or NULL with EINVAL.
///
/// # Safety
/// `string` must be a NUL-terminated string and `dest` hold the decoded bytes, or be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_z85_decode(dest: *mut u8, string: *const c_char) -> *mut u8 {
    boundary(ptr::null_mut(), || {
        non_null(string)?;
        // SAFETY: non-NULL and NUL-terminated (caller's contract).
        let text = unsafe { std::ffi::CStr::from_ptr(string) }.to_bytes();
        let len = z85::decoded_len(text.len())?;
        non_null(dest)?;
        let mut decoded = vec![0; len];
        z85::decode_into(text, &mut decoded)?;
        // SAFETY: the caller guarantees room for `len` bytes at `dest`.
        unsafe { ptr::copy_nonoverlapping(decoded.as_ptr(), dest, len) };
        Ok(dest)
    })
}

/// Writes a CURVE key as Z85 text and a NUL into a 41-byte buffer.
///
/// # Safety
/// `dest` must be valid for writing 41 bytes (checked non-NULL by the caller).
unsafe fn write_z85_key(dest: *mut c_char, key: &[u8; curve::KEY_LEN]) -> Result<(), Error> {
    // SAFETY: the caller guarantees 41 writable bytes at `dest`.
    let out = unsafe { std::slice::from_raw_parts_mut(dest.cast::<u8>(), Z85_KEY_LEN + 1) };
    z85::encode_into(key, &mut out[..Z85_KEY_LEN])?;
    out[Z85_KEY_LEN] = 0;
    Ok(())
}

/// Makes a new CURVE key pair as two Z85 strings (zmq_curve_keypair(3)).
///
/// Each key is written as 40 characters and a NUL. Returns 0, or -1 with EFAULT for a NULL
/// buffer.
///
/// # Safety
/// Each of `z85_public_key` and `z85_secret_key` must be NULL or valid for writing 41 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_curve_keypair(
    z85_public_key: *mut c_char,
    z85_secret_key: *mut c_char,
) -> c_int {
    boundary(-1, || {
        non_null(z85_public_key)?;
        non_null(z85_secret_key)?;
        let (public, secret) =
            curve::keypair().map_err(|e| e.raw_os_error().map_or(Error::Fault, Error::Os))?;
        // SAFETY: both checked non-NULL; the caller guarantees 41 bytes at each.
        unsafe {
            write_z85_key(z85_public_key, &public)?;
            write_z85_key(z85_secret_key, &secret)?;
        }
        Ok(0)
    })
}

/// Derives a CURVE public key from a secret key, both in Z85 (zmq_curve_public(3)).
///
/// Returns 0, or -1 with EINVAL when the secret is not 40 characters of Z85, EFAULT for a NULL
/// pointer.
///
/// # Safety
/// `z85_public_key` must be NULL or valid for writing 41 bytes; `z85_secret_key` must be NULL
/// or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_curve_public(
    z85_public_key: *mut c_char,
    z85_secret_key: *const c_char,
) -> c_int {
    boundary(-1, || {
        non_null(z85_public_key)?;
        non_null(z85_secret_key)?;
        // SAFETY: non-NULL and NUL-terminated (caller's contract).
        let text = unsafe { std::ffi::CStr::from_ptr(z85_secret_key) }.to_bytes();
        // libzmq decodes any multiple of 5 into its 32-byte buffer; only a key fits here.
        if text.len() != Z85_KEY_LEN {
            return Err(Error::Inval);
        }
        let mut secret = zeroize::Zeroizing::new([0; curve::KEY_LEN]);
        z85::decode_into(text, &mut secret[..])?;
        let public = curve::public_key(&secret);
        // SAFETY: checked non-NULL; the caller guarantees 41 bytes.
        unsafe { write_z85_key(z85_public_key, &public)? };
        Ok(0)
    })
}

/// A new atomic counter, starting at 0 (zmq_atomic_counter_new(3)).
///
/// # Safety
/// Always safe to call; release the result with zmq_atomic_counter_destroy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_atomic_counter_new() -> *mut c_void {
    Box::into_raw(Box::new(AtomicI32::new(0))).cast()
}

/// The counter behind a C pointer.
///
/// # Safety
/// `counter` must be NULL or a live pointer from zmq_atomic_counter_new.
unsafe fn counter<'a>(counter: *mut c_void) -> Result<&'a AtomicI32, Error> {
    non_null(counter)?;
    // SAFETY: a live counter from zmq_atomic_counter_new (caller's contract).
    Ok(unsafe { &*counter.cast::<AtomicI32>() })
}

/// Sets the counter (zmq_atomic_counter_set(3)).
///
/// # Safety
/// `counter_` must be NULL or a live counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_atomic_counter_set(counter_: *mut c_void, value: c_int) {
    boundary((), || {
        // SAFETY: forwarded from the caller.
        unsafe { counter(counter_) }?.store(value, Ordering::SeqCst);
        Ok(())
    })
}

/// Adds one; returns the value before (zmq_atomic_counter_inc(3)).
///
/// # Safety
/// `counter_` must be NULL or a live counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_atomic_counter_inc(counter_: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        Ok(unsafe { counter(counter_) }?.fetch_add(1, Ordering::SeqCst))
    })
}

/// Subtracts one; returns 0 when the counter reached zero, else 1 (zmq_atomic_counter_dec(3)).
///
/// # Safety
/// `counter_` must be NULL or a live counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_atomic_counter_dec(counter_: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let before = unsafe { counter(counter_) }?.fetch_sub(1, Ordering::SeqCst);
        Ok(c_int::from(before.wrapping_sub(1) != 0))
    })
}

/// The counter's value (zmq_atomic_counter_value(3)).
///
/// # Safety
/// `counter_` must be NULL or a live counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_atomic_counter_value(counter_: *mut c_void) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        Ok(unsafe { counter(counter_) }?.load(Ordering::SeqCst))
    })
}

/// Releases a counter and sets `*counter_p` to NULL (zmq_atomic_counter_destroy(3)).
///
/// # Safety
/// `counter_p` must be NULL or point to NULL or to a live counter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_atomic_counter_destroy(counter_p: *mut *mut c_void) {
    boundary((), || {
        non_null(counter_p)?;
        // SAFETY: non-NULL and readable (caller's contract).
        let counter = unsafe { counter_p.replace(ptr::null_mut()) };
        if !counter.is_null() {
            // SAFETY: a live counter from zmq_atomic_counter_new, released once.
            drop(unsafe { Box::from_raw(counter.cast::<AtomicI32>()) });
        }
        Ok(())
    })
}

/// Starts a stopwatch (undocumented helper of libzmq's perf tools).
///
/// # Safety
/// Always safe to call; release the result with zmq_stopwatch_stop.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_stopwatch_start() -> *mut c_void {
    Box::into_raw(Box::new(Instant::now())).cast()
}

fn micros(elapsed: Duration) -> c_ulong {
    c_ulong::try_from(elapsed.as_micros()).unwrap_or(c_ulong::MAX)
}

/// Microseconds since the stopwatch started; 0 for NULL.
///
/// # Safety
/// `watch` must be NULL or a live stopwatch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_stopwatch_intermediate(watch: *mut c_void) -> c_ulong {
    boundary(0, || {
        non_null(watch)?;
        // SAFETY: a live stopwatch (caller's contract).
        Ok(micros(unsafe { &*watch.cast::<Instant>() }.elapsed()))
    })
}

/// Microseconds since the stopwatch started; releases it. 0 for NULL.
///
/// # Safety
/// `watch` must be NULL or a live stopwatch, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_stopwatch_stop(watch: *mut c_void) -> c_ulong {
    boundary(0, || {
        non_null(watch)?;
        // SAFETY: a live stopwatch, released once (caller's contract).
        let started = unsafe { Box::from_raw(watch.cast::<Instant>()) };
        Ok(micros(started.elapsed()))
    })
}

/// Sleeps for `seconds` seconds.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_sleep(seconds: c_int) {
    let seconds = u64::try_from(seconds).unwrap_or(0);
    std::thread::sleep(Duration::from_secs(seconds));
}

/// A thread started by zmq_threadstart.
struct Thread(std::thread::JoinHandle<()>);

/// The function and argument handed to the new thread.
struct Start {
    func: unsafe extern "C" fn(arg: *mut c_void),
    arg: *mut c_void,
}

// SAFETY: zmq_threadstart hands `arg` to `func` on the new thread, as the caller asked.
unsafe impl Send for Start {}

impl Start {
    fn run(self) {
        block_signals();
        // SAFETY: the caller's function and argument, called once.
        unsafe { (self.func)(self.arg) };
    }
}

/// Blocks every signal in the calling thread, so that signals go to the application's threads
/// (libzmq does the same in the threads it starts).
fn block_signals() {
    // SAFETY: sigfillset initialises the set; pthread_sigmask only changes this thread's mask.
    unsafe {
        let mut set = std::mem::zeroed::<libc::sigset_t>();
        libc::sigfillset(&mut set);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, ptr::null_mut());
    }
}

/// Runs `func(arg)` on a new thread; returns a handle for zmq_threadclose, or NULL.
///
/// # Safety
/// `func` must be safe to call with `arg` on another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_threadstart(
    func: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    arg: *mut c_void,
) -> *mut c_void {
    boundary(ptr::null_mut(), || {
        let start = Start {
            func: func.ok_or(Error::Inval)?,
            arg,
        };
        let handle = std::thread::Builder::new()
            .spawn(move || start.run())
            .map_err(Error::from)?;
        Ok(Box::into_raw(Box::new(Thread(handle))).cast())
    })
}

/// Waits for a thread started by zmq_threadstart to finish and releases it.
///
/// # Safety
/// `thread` must be NULL or a handle from zmq_threadstart, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zmq_threadclose(thread: *mut c_void) {
    boundary((), || {
        non_null(thread)?;
        // SAFETY: a handle from zmq_threadstart, released once (caller's contract).
        let thread = unsafe { Box::from_raw(thread.cast::<Thread>()) };
        let _ = thread.0.join();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;
    use crate::capi::errno::zmq_errno;

    /// The key pair of libzmq's CURVE tests.
    const PUBLIC: &CStr = c"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    const SECRET: &CStr = c"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

    fn public_of(secret: &CStr) -> Result<[u8; 41], c_int> {
        let mut public = [0x55u8; 41];
        // SAFETY: a 41-byte buffer and a NUL-terminated string.
        let rc = unsafe { zmq_curve_public(public.as_mut_ptr().cast(), secret.as_ptr()) };
        if rc == 0 {
            Ok(public)
        } else {
            assert_eq!(rc, -1);
            // SAFETY: always safe.
            Err(unsafe { zmq_errno() })
        }
    }

    fn keypair() -> ([u8; 41], [u8; 41]) {
        let (mut public, mut secret) = ([0x55u8; 41], [0x55u8; 41]);
        // SAFETY: two 41-byte buffers.
        let rc =
            unsafe { zmq_curve_keypair(public.as_mut_ptr().cast(), secret.as_mut_ptr().cast()) };
        assert_eq!(rc, 0);
        (public, secret)
    }

    #[test]
    fn public_of_a_known_secret() {
        let public = public_of(SECRET).unwrap();
        assert_eq!(&public[..], PUBLIC.to_bytes_with_nul());
    }

    #[test]
    fn keypairs_are_z85_and_fit_together() {
        let (public, secret) = keypair();
        for key in [&public, &secret] {
            assert_eq!(key[40], 0);
            let mut binary = [0; 32];
            z85::decode_into(&key[..40], &mut binary).unwrap();
        }
        let secret = CStr::from_bytes_with_nul(&secret).unwrap();
        assert_eq!(public_of(secret).unwrap(), public);
        assert_ne!(keypair(), keypair());
    }

    #[test]
    fn bad_secrets_and_null_pointers() {
        for bad in [
            c"",
            c"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh",
            c"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6JTKVS",
            c"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh~",
            c"#####B%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
        ] {
            assert_eq!(public_of(bad), Err(libc::EINVAL), "{bad:?}");
        }
        let mut buf = [0u8; 41];
        // SAFETY: NULL pointers are checked; the other is a 41-byte buffer or a string.
        unsafe {
            assert_eq!(zmq_curve_public(ptr::null_mut(), SECRET.as_ptr()), -1);
            assert_eq!(zmq_errno(), libc::EFAULT);
            assert_eq!(zmq_curve_public(buf.as_mut_ptr().cast(), ptr::null()), -1);
            assert_eq!(zmq_errno(), libc::EFAULT);
            assert_eq!(
                zmq_curve_keypair(buf.as_mut_ptr().cast(), ptr::null_mut()),
                -1
            );
            assert_eq!(zmq_errno(), libc::EFAULT);
            assert_eq!(
                zmq_curve_keypair(ptr::null_mut(), buf.as_mut_ptr().cast()),
                -1
            );
            assert_eq!(zmq_errno(), libc::EFAULT);
        }
    }
}
