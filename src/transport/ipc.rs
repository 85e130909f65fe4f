//! "ipc://" addresses: a file-system path, "@name" in Linux's abstract namespace, or "*" for a
//! fresh path in a new temporary directory.

use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::SocketAddr;

use crate::error::{Error, Result};

/// Longest path a Unix socket address holds (sun_path less its terminating NUL).
const MAX_PATH: usize = 107;

/// The send buffer asked for on every ipc connection. A Unix stream socket's sender may have
/// at most its send buffer's worth of bytes queued at the peer (the peer's receive buffer
/// plays no part), and the default (net.core.wmem_default, 208 KiB) made a 1 MiB message
/// five rounds of filling it, sleeping, and being woken by the reader on the other processor:
/// a 1 MiB round trip over ipc took about twice as long as with this value. The kernel caps
/// the value at net.core.wmem_max and doubles it for its bookkeeping: 1 MiB here, 416 KiB
/// where wmem_max is the kernel's default (208 KiB), which still gains most of it. It is a
/// bound, not an allocation: an idle connection holds nothing. libzmq applies ZMQ_SNDBUF
/// to tcp alone, and so does this library: it leaves ipc connections to this value.
const SEND_BUFFER: i32 = 512 * 1024;

/// Sets up a new ipc connection, accepted or connected: its send buffer (`SEND_BUFFER`).
/// A failure leaves the system's default, as a failed ZMQ_SNDBUF does on tcp.
pub(crate) fn configure_stream(fd: std::os::fd::RawFd) {
    let _ = crate::sys::net::set_int_option(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, SEND_BUFFER);
}

/// A Unix-domain socket address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IpcAddress {
    Path(String),
    /// A name in the abstract namespace (written "@name").
    Abstract(Vec<u8>),
}

impl IpcAddress {
    /// Parses an address; ENAMETOOLONG when it does not fit a socket address.
    pub(crate) fn parse(address: &str) -> Result<IpcAddress> {
        if address.len() > MAX_PATH {
            return Err(Error::NameTooLong);
        }
        Ok(match address.strip_prefix('@') {
            Some(name) => IpcAddress::Abstract(name.as_bytes().to_vec()),
            None => IpcAddress::Path(address.to_owned()),
        })
    }

    /// The socket address to bind or connect to.
    pub(crate) fn socket_address(&self) -> std::io::Result<SocketAddr> {
        match self {
            IpcAddress::Path(path) => SocketAddr::from_pathname(path),
            IpcAddress::Abstract(name) => SocketAddr::from_abstract_name(name),
        }
    }

    /// "ipc://..." as ZMQ_LAST_ENDPOINT shows it.
    pub(crate) fn endpoint(&self) -> String {
        match self {
            IpcAddress::Path(path) => format!("ipc://{path}"),
            IpcAddress::Abstract(name) => format!("ipc://@{}", String::from_utf8_lossy(name)),
        }
    }
}

/// For "ipc://*": a new directory "tmpXXXXXX" in $TMPDIR, $TEMPDIR or $TMP (the first that is
/// a directory), else in the current directory, as libzmq makes it; the socket is "socket"
/// inside. Returns (directory, socket path).
pub(crate) fn wildcard_path() -> Result<(String, String)> {
    let mut base = String::new();
    for var in ["TMPDIR", "TEMPDIR", "TMP"] {
        if let Ok(dir) = std::env::var(var) {
            if std::path::Path::new(&dir).is_dir() {
                base = dir;
                if !base.ends_with('/') {
                    base.push('/');
                }
                break;
            }
        }
    }
    base.push_str("tmpXXXXXX");
    let dir = crate::sys::net::make_temp_dir(&base)?;
    let path = format!("{dir}/socket");
    if path.len() > MAX_PATH {
        let _ = std::fs::remove_dir(&dir);
        return Err(Error::NameTooLong);
    }
    Ok((dir, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            IpcAddress::parse("/tmp/x").unwrap(),
            IpcAddress::Path("/tmp/x".into())
        );
        let abs = IpcAddress::parse("@name").unwrap();
        assert_eq!(abs, IpcAddress::Abstract(b"name".to_vec()));
        assert_eq!(abs.endpoint(), "ipc://@name");
        assert!(abs.socket_address().unwrap().as_abstract_name().is_some());
        assert_eq!(IpcAddress::parse(&"a".repeat(108)), Err(Error::NameTooLong));
        assert!(IpcAddress::parse(&"a".repeat(107)).is_ok());
    }
}
