//! Socket system calls that std and mio do not offer: options, binding before connecting,
//! listening with a chosen backlog, writing without SIGPIPE, and interface addresses.

use std::ffi::{CStr, c_int};
use std::io::{self, IoSlice};
use std::mem::{size_of, zeroed};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

fn check(rc: c_int) -> io::Result<c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// A new non-blocking, close-on-exec TCP socket of the address's family.
pub fn tcp_socket(addr: &SocketAddr) -> io::Result<OwnedFd> {
    new_socket(addr, libc::SOCK_STREAM)
}

/// A new non-blocking, close-on-exec UDP socket of the address's family.
pub fn udp_socket(addr: &SocketAddr) -> io::Result<OwnedFd> {
    new_socket(addr, libc::SOCK_DGRAM)
}

fn new_socket(addr: &SocketAddr, kind: c_int) -> io::Result<OwnedFd> {
    let family = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    let flags = kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: socket takes no pointers; the result is checked before use.
    let fd = check(unsafe { libc::socket(family, flags, 0) })?;
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Sets an integer socket option.
pub fn set_int_option(fd: RawFd, level: c_int, name: c_int, value: c_int) -> io::Result<()> {
    // SAFETY: passes a live c_int and its exact size.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&raw const value).cast(),
            size_of::<c_int>() as libc::socklen_t,
        )
    };
    check(rc).map(drop)
}

/// How many received bytes wait to be read on a stream socket (FIONREAD); 0 when it cannot
/// tell.
pub fn bytes_readable(fd: RawFd) -> usize {
    let mut n: c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, to a live local.
    let rc = unsafe { libc::ioctl(fd, libc::FIONREAD, &raw mut n) };
    if rc == 0 {
        usize::try_from(n).unwrap_or(0)
    } else {
        0
    }
}

/// Sets a socket option whose value is a byte string (SO_BINDTODEVICE).
pub fn set_bytes_option(fd: RawFd, level: c_int, name: c_int, value: &[u8]) -> io::Result<()> {
    let len = libc::socklen_t::try_from(value.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: passes a live byte slice and its exact length.
    let rc = unsafe { libc::setsockopt(fd, level, name, value.as_ptr().cast(), len) };
    check(rc).map(drop)
}

/// A C socket address for `addr`, with its length.
fn raw_address(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is a valid (unspecified) address.
    let mut storage: libc::sockaddr_storage = unsafe { zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for any sockaddr type.
            unsafe { (&raw mut storage).cast::<libc::sockaddr_in>().write(sin) };
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above.
            unsafe { (&raw mut storage).cast::<libc::sockaddr_in6>().write(sin6) };
            size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// Binds a socket to an address.
pub fn bind(fd: RawFd, addr: &SocketAddr) -> io::Result<()> {
    let (storage, len) = raw_address(addr);
    // SAFETY: a live address of the given length.
    let rc = unsafe { libc::bind(fd, (&raw const storage).cast(), len) };
    check(rc).map(drop)
}

/// Starts listening with the given backlog.
pub fn listen(fd: RawFd, backlog: c_int) -> io::Result<()> {
    // SAFETY: listen takes no pointers.
    check(unsafe { libc::listen(fd, backlog) }).map(drop)
}

/// Starts a non-blocking connect; Ok(true) when it completed at once, Ok(false) while it is in
/// progress (the socket becomes writable when it ends; SO_ERROR tells how).
pub fn connect(fd: RawFd, addr: &SocketAddr) -> io::Result<bool> {
    let (storage, len) = raw_address(addr);
    // SAFETY: a live address of the given length.
    let rc = unsafe { libc::connect(fd, (&raw const storage).cast(), len) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        // Interrupted, the connect goes on in the background all the same.
        Some(libc::EINPROGRESS | libc::EINTR) => Ok(false),
        _ => Err(err),
    }
}

/// Writes the slices in one call without raising SIGPIPE in the host process (MSG_NOSIGNAL);
/// returns how many bytes went out. `WouldBlock` when the socket buffer is full.
pub fn send_vectored(fd: RawFd, slices: &[IoSlice<'_>]) -> io::Result<usize> {
    // IoSlice is guaranteed ABI-compatible with iovec on Unix.
    let count = slices.len().min(libc::UIO_MAXIOV as usize);
    // SAFETY: msghdr is plain old data; zeroes are valid for every field left unset.
    let mut header: libc::msghdr = unsafe { zeroed() };
    header.msg_iov = slices.as_ptr().cast_mut().cast();
    header.msg_iovlen = count as _;
    loop {
        // SAFETY: the header points at `count` live iovecs (the IoSlices) for the call.
        let n = unsafe { libc::sendmsg(fd, &header, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// The address of the interface called `name` (as "eth0" in "tcp://eth0:5555"), of the IPv4
/// family, or of either when `ipv6` is allowed (IPv6 preferred then, as libzmq does).
pub fn interface_address(name: &str, ipv6: bool) -> io::Result<Option<IpAddr>> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills in a list we free below.
    check(unsafe { libc::getifaddrs(&mut list) })?;
    let mut found: Option<IpAddr> = None;
    let mut cursor = list;
    while !cursor.is_null() {
        // SAFETY: a node of the list getifaddrs returned, alive until freeifaddrs.
        let entry = unsafe { &*cursor };
        cursor = entry.ifa_next;
        if entry.ifa_addr.is_null() || entry.ifa_name.is_null() {
            continue;
        }
        // SAFETY: a NUL-terminated name owned by the list.
        if unsafe { CStr::from_ptr(entry.ifa_name) }.to_bytes() != name.as_bytes() {
            continue;
        }
        // SAFETY: ifa_addr points at a sockaddr whose family field is valid to read.
        let family = c_int::from(unsafe { (*entry.ifa_addr).sa_family });
        let addr = match family {
            libc::AF_INET => {
                // SAFETY: the family says it is a sockaddr_in.
                let sin = unsafe { &*entry.ifa_addr.cast::<libc::sockaddr_in>() };
                IpAddr::V4(Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()))
            }
            libc::AF_INET6 if ipv6 => {
                // SAFETY: the family says it is a sockaddr_in6.
                let sin6 = unsafe { &*entry.ifa_addr.cast::<libc::sockaddr_in6>() };
                IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr))
            }
            _ => continue,
        };
        // The first address, or with ZMQ_IPV6 the first IPv6 one.
        let better = ipv6 && addr.is_ipv6() && found.is_some_and(|f| f.is_ipv4());
        if found.is_none() || better {
            found = Some(addr);
        }
    }
    // SAFETY: the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(found)
}

/// The local address a socket is bound to.
pub fn local_address(fd: &OwnedFd) -> io::Result<SocketAddr> {
    // SAFETY: sockaddr_storage is plain old data.
    let mut storage: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: a live, large enough buffer and its length.
    check(unsafe { libc::getsockname(fd.as_raw_fd(), (&raw mut storage).cast(), &mut len) })?;
    match c_int::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says it is a sockaddr_in.
            let sin = unsafe { &*(&raw const storage).cast::<libc::sockaddr_in>() };
            Ok(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()),
                u16::from_be(sin.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says it is a sockaddr_in6.
            let sin6 = unsafe { &*(&raw const storage).cast::<libc::sockaddr_in6>() };
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            )))
        }
        _ => Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT)),
    }
}

/// Makes a unique directory from a template ending in "XXXXXX" (mkdtemp); returns its path.
pub fn make_temp_dir(template: &str) -> io::Result<String> {
    let mut bytes = template.as_bytes().to_vec();
    if bytes.contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    bytes.push(0);
    // SAFETY: a writable NUL-terminated template, modified in place.
    let p = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
    if p.is_null() {
        return Err(io::Error::last_os_error());
    }
    bytes.pop();
    String::from_utf8(bytes).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// The process, user and group ids of the peer of a Unix-domain socket (SO_PEERCRED).
pub fn peer_credentials(fd: RawFd) -> io::Result<(i32, u32, u32)> {
    // SAFETY: ucred is plain old data.
    let mut cred: libc::ucred = unsafe { zeroed() };
    let mut len = size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: a live ucred and its exact size.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    };
    check(rc)?;
    Ok((cred.pid, cred.uid, cred.gid))
}

/// Whether user `uid` is listed as a member of group `gid` (a supplementary group, as
/// /etc/group or NSS says); false when either is unknown.
pub fn user_in_group(uid: u32, gid: u32) -> bool {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: passwd is plain old data, filled in by getpwuid_r.
        let mut pw: libc::passwd = unsafe { zeroed() };
        // SAFETY: group is plain old data, filled in by getgrgid_r.
        let mut gr: libc::group = unsafe { zeroed() };
        let mut pw_out: *mut libc::passwd = std::ptr::null_mut();
        let mut gr_out: *mut libc::group = std::ptr::null_mut();
        let half = buf.len() / 2;
        let (pw_buf, gr_buf) = buf.split_at_mut(half);
        // SAFETY: every pointer is to a live local or to a buffer of the length given.
        let rc = unsafe {
            libc::getpwuid_r(uid, &mut pw, pw_buf.as_mut_ptr().cast(), half, &mut pw_out)
        };
        let rc = if rc == 0 && !pw_out.is_null() {
            // SAFETY: as above.
            unsafe { libc::getgrgid_r(gid, &mut gr, gr_buf.as_mut_ptr().cast(), half, &mut gr_out) }
        } else {
            rc
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || pw_out.is_null() || gr_out.is_null() || gr.gr_mem.is_null() {
            return false;
        }
        // SAFETY: getpwuid_r succeeded: pw_name is a NUL-terminated string in `buf`.
        let name = unsafe { CStr::from_ptr(pw.pw_name) };
        let mut member = gr.gr_mem;
        // SAFETY: gr_mem is a NULL-terminated array of NUL-terminated strings in `buf`.
        unsafe {
            while !(*member).is_null() {
                if CStr::from_ptr(*member) == name {
                    return true;
                }
                member = member.add(1);
            }
        }
        return false;
    }
}

/// A close-on-exec duplicate of a descriptor the application owns (ZMQ_USE_FD): the library
/// closes its copy, the application keeps its own.
pub fn duplicate(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: fcntl with F_DUPFD_CLOEXEC takes no pointers; the result is checked.
    let copy = check(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) })?;
    // SAFETY: `copy` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

/// The address family of a socket (AF_INET, AF_INET6, AF_UNIX...).
pub fn socket_family(fd: RawFd) -> io::Result<c_int> {
    // SAFETY: sockaddr_storage is plain old data.
    let mut storage: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: a live, large enough buffer and its length.
    check(unsafe { libc::getsockname(fd, (&raw mut storage).cast(), &mut len) })?;
    Ok(c_int::from(storage.ss_family))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Group membership agrees with /etc/group and /etc/passwd, where those list it.
    #[test]
    fn group_membership_from_the_files() {
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let uid_of = |name: &str| {
            passwd.lines().find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() > 2 && f[0] == name).then(|| f[2].parse::<u32>().ok())?
            })
        };
        let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
        for line in groups.lines() {
            let f: Vec<&str> = line.split(':').collect();
            let (Some(gid), Some(members)) = (f.get(2).and_then(|g| g.parse().ok()), f.get(3))
            else {
                continue;
            };
            let members: Vec<&str> = members.split(',').filter(|m| !m.is_empty()).collect();
            for m in &members {
                if let Some(uid) = uid_of(m) {
                    assert!(user_in_group(uid, gid), "{m} in {}", f[0]);
                }
            }
            if !members.contains(&"root") {
                assert!(!user_in_group(0, gid), "root not in {}", f[0]);
            }
        }
        assert!(!user_in_group(0, 0xdead_beef));
        assert!(!user_in_group(0xdead_beef, 0));
    }
}
