//! `Options::set` and `Options::get`: zmq_setsockopt and zmq_getsockopt for the generic options,
//! with libzmq 4.3's size rules, ranges and side effects (the security options also choose the
//! mechanism). A rejected value leaves the options as they were, except where noted.
#![forbid(unsafe_code)]

use std::collections::BTreeSet;

use super::codec::{
    int, int_if, int64, put_bytes, put_int, put_int64, put_string, put_uint64, relaxed_bool,
    strict_bool, uint64,
};
use super::{CURVE, CURVE_KEY_LEN, DRAFT_API, Mechanism, Options, TcpAcceptFilter, ids};
use crate::error::{Error, Result};

/// Which optional parts the library was built with; tests exercise every combination.
#[derive(Debug, Clone, Copy)]
pub(super) struct Build {
    /// The draft API.
    pub(super) draft: bool,
    /// The CURVE mechanism.
    pub(super) curve: bool,
}

/// This build.
const BUILT: Build = Build {
    draft: DRAFT_API,
    curve: CURVE,
};

/// Longest routing id, credential, ZAP domain or accept filter: lengths travel in one byte.
const SHORT_MAX: usize = 255;

/// Longest interface name for ZMQ_BINDTODEVICE (IFNAMSIZ).
const DEVICE_MAX: usize = 16;

/// Length of a Z85 CURVE key without its terminator.
const Z85_KEY_LEN: usize = 40;

impl Options {
    /// zmq_setsockopt for a generic option, `value` being the `optvallen` bytes at `optval`.
    /// Unknown, socket-specific, read-only and unbuilt options are `Error::Inval`.
    pub fn set(&mut self, id: i32, value: &[u8]) -> Result<()> {
        self.set_optval(id, Some(value))
    }

    /// zmq_setsockopt where the C call may pass a NULL `optval`: `None` stands for NULL with
    /// `optvallen` 0, which several options read as "clear" and tell apart from an empty value.
    pub fn set_optval(&mut self, id: i32, optval: Option<&[u8]>) -> Result<()> {
        self.set_in(BUILT, id, optval)
    }

    /// zmq_getsockopt for a generic option into `out` (the caller's `*optvallen` bytes).
    /// Returns the size to report back through `optvallen`.
    pub fn get(&self, id: i32, out: &mut [u8]) -> Result<usize> {
        self.get_in(BUILT, id, out)
    }

    /// `set_optval` for a given build.
    pub(super) fn set_in(&mut self, build: Build, id: i32, optval: Option<&[u8]>) -> Result<()> {
        let v = optval.unwrap_or_default();
        match id {
            ids::SNDHWM => self.sndhwm = int_if(v, |x| x >= 0)?,
            ids::RCVHWM => self.rcvhwm = int_if(v, |x| x >= 0)?,
            ids::AFFINITY => self.affinity = uint64(v)?,
            // Any bytes, a leading zero byte included (libzmq 4.3 no longer reserves it).
            ids::ROUTING_ID => self.routing_id = bounded(v, 1, SHORT_MAX)?.to_vec(),
            ids::RATE => self.rate = int_if(v, |x| x > 0)?,
            ids::RECOVERY_IVL => self.recovery_ivl = int_if(v, |x| x >= 0)?,
            ids::SNDBUF => self.sndbuf = int_if(v, |x| x >= -1)?,
            ids::RCVBUF => self.rcvbuf = int_if(v, |x| x >= -1)?,
            ids::TOS => self.tos = int_if(v, |x| x >= 0)?,
            ids::LINGER => self.linger = int_if(v, |x| x >= -1)?,
            ids::CONNECT_TIMEOUT => self.connect_timeout = int_if(v, |x| x >= 0)?,
            ids::TCP_MAXRT => self.tcp_maxrt = int_if(v, |x| x >= 0)?,
            ids::RECONNECT_STOP => self.reconnect_stop = int(v)?,
            ids::RECONNECT_IVL => self.reconnect_ivl = int_if(v, |x| x >= -1)?,
            ids::RECONNECT_IVL_MAX => self.reconnect_ivl_max = int_if(v, |x| x >= 0)?,
            ids::BACKLOG => self.backlog = int_if(v, |x| x >= 0)?,
            ids::MAXMSGSIZE => self.maxmsgsize = int64(v)?,
            ids::MULTICAST_HOPS => self.multicast_hops = int_if(v, |x| x > 0)?,
            ids::MULTICAST_MAXTPDU => self.multicast_maxtpdu = int_if(v, |x| x > 0)?,
            ids::MULTICAST_LOOP => self.multicast_loop = relaxed_bool(v)?,
            ids::RCVTIMEO => self.rcvtimeo = int_if(v, |x| x >= -1)?,
            ids::SNDTIMEO => self.sndtimeo = int_if(v, |x| x >= -1)?,
            ids::IPV4ONLY => self.ipv6 = !strict_bool(v)?,
            ids::IPV6 => self.ipv6 = strict_bool(v)?,
            ids::IMMEDIATE => self.immediate = strict_bool(v)?,
            ids::CONFLATE => self.conflate = strict_bool(v)?,
            ids::INVERT_MATCHING => self.invert_matching = relaxed_bool(v)?,
            ids::TCP_KEEPALIVE => self.tcp_keepalive = int_if(v, |x| (-1..=1).contains(&x))?,
            ids::TCP_KEEPALIVE_CNT => self.tcp_keepalive_cnt = int_if(v, |x| x >= -1)?,
            ids::TCP_KEEPALIVE_IDLE => self.tcp_keepalive_idle = int_if(v, |x| x >= -1)?,
            ids::TCP_KEEPALIVE_INTVL => self.tcp_keepalive_intvl = int_if(v, |x| x >= -1)?,
            ids::TCP_ACCEPT_FILTER => match optval {
                None => self.tcp_accept_filters.clear(),
                Some(text) => {
                    let filter = TcpAcceptFilter::parse(bounded(text, 1, SHORT_MAX)?, self.ipv6)?;
                    self.tcp_accept_filters.push(filter);
                }
            },
            ids::IPC_FILTER_UID => {
                id_filter(&mut self.ipc_uid_filters, optval, u32::from_ne_bytes)?
            }
            ids::IPC_FILTER_GID => {
                id_filter(&mut self.ipc_gid_filters, optval, u32::from_ne_bytes)?
            }
            ids::IPC_FILTER_PID => {
                id_filter(&mut self.ipc_pid_filters, optval, i32::from_ne_bytes)?
            }
            ids::PLAIN_SERVER => {
                self.as_server = strict_bool(v)?;
                self.mechanism = if self.as_server {
                    Mechanism::Plain
                } else {
                    Mechanism::Null
                };
            }
            ids::PLAIN_USERNAME | ids::PLAIN_PASSWORD => match optval {
                // NULL turns PLAIN off but keeps the credentials.
                None => self.mechanism = Mechanism::Null,
                Some(text) => {
                    let text = bounded(text, 1, SHORT_MAX)?.to_vec();
                    if id == ids::PLAIN_USERNAME {
                        self.plain_username = text;
                    } else {
                        self.plain_password = text;
                    }
                    self.as_server = false;
                    self.mechanism = Mechanism::Plain;
                }
            },
            // Never empty, so a ZAP domain cannot be cleared once set.
            ids::ZAP_DOMAIN => self.zap_domain = utf8(bounded(v, 1, SHORT_MAX)?)?,
            ids::ZAP_ENFORCE_DOMAIN => self.zap_enforce_domain = relaxed_bool(v)?,
            ids::CURVE_SERVER if build.curve => {
                self.as_server = strict_bool(v)?;
                self.mechanism = if self.as_server {
                    Mechanism::Curve
                } else {
                    Mechanism::Null
                };
            }
            ids::CURVE_PUBLICKEY if build.curve => {
                set_curve_key(&mut self.curve_public_key, v)?;
                self.mechanism = Mechanism::Curve;
            }
            ids::CURVE_SECRETKEY if build.curve => {
                set_curve_key(&mut self.curve_secret_key, v)?;
                self.mechanism = Mechanism::Curve;
            }
            ids::CURVE_SERVERKEY if build.curve => {
                set_curve_key(&mut self.curve_server_key, v)?;
                self.as_server = false;
                self.mechanism = Mechanism::Curve;
            }
            ids::SOCKS_PROXY => self.socks_proxy = utf8(clear_or_bounded(optval, usize::MAX)?)?,
            // An empty value clears the SOCKS credentials as NULL does.
            ids::SOCKS_USERNAME => self.socks_username = bounded(v, 0, SHORT_MAX)?.to_vec(),
            ids::SOCKS_PASSWORD => self.socks_password = bounded(v, 0, SHORT_MAX)?.to_vec(),
            ids::HANDSHAKE_IVL => self.handshake_ivl = int_if(v, |x| x >= 0)?,
            ids::HEARTBEAT_IVL => self.heartbeat_ivl = int_if(v, |x| x >= 0)?,
            ids::HEARTBEAT_TTL => {
                // Kept in deciseconds as PING sends it: the division comes first, so -99..=99
                // all read back as 0 and 6553599 as 6553500.
                let tenths = int(v)? / 100;
                if !(0..=i32::from(u16::MAX)).contains(&tenths) {
                    return Err(Error::Inval);
                }
                self.heartbeat_ttl = tenths * 100;
            }
            ids::HEARTBEAT_TIMEOUT => self.heartbeat_timeout = int_if(v, |x| x >= 0)?,
            ids::USE_FD => self.use_fd = int_if(v, |x| x >= -1)?,
            ids::BINDTODEVICE => self.bindtodevice = utf8(clear_or_bounded(optval, DEVICE_MAX)?)?,
            ids::LOOPBACK_FASTPATH => self.loopback_fastpath = relaxed_bool(v)?,
            ids::METADATA => self.add_metadata(v)?,
            ids::IN_BATCH_SIZE if build.draft => {
                self.in_batch_size = int_if(v, |x| x > 0)?;
                self.batch_sizes_set.0 = true;
            }
            ids::OUT_BATCH_SIZE if build.draft => {
                self.out_batch_size = int_if(v, |x| x > 0)?;
                self.batch_sizes_set.1 = true;
            }
            ids::HELLO_MSG if build.draft => self.hello_msg = v.to_vec(),
            ids::DISCONNECT_MSG if build.draft => self.disconnect_msg = v.to_vec(),
            ids::HICCUP_MSG if build.draft => self.hiccup_msg = v.to_vec(),
            ids::PRIORITY if build.draft => self.priority = int_if(v, |x| x >= 0)?,
            ids::BUSY_POLL if build.draft => self.busy_poll = int(v)?,
            _ => return Err(Error::Inval),
        }
        Ok(())
    }

    /// `get` for a given build.
    pub(super) fn get_in(&self, build: Build, id: i32, out: &mut [u8]) -> Result<usize> {
        let flag = i32::from;
        match id {
            ids::SNDHWM => put_int(out, self.sndhwm),
            ids::RCVHWM => put_int(out, self.rcvhwm),
            ids::AFFINITY => put_uint64(out, self.affinity),
            ids::ROUTING_ID => put_bytes(out, &self.routing_id),
            ids::RATE => put_int(out, self.rate),
            ids::RECOVERY_IVL => put_int(out, self.recovery_ivl),
            ids::SNDBUF => put_int(out, self.sndbuf),
            ids::RCVBUF => put_int(out, self.rcvbuf),
            ids::TOS => put_int(out, self.tos),
            ids::LINGER => put_int(out, self.linger),
            ids::CONNECT_TIMEOUT => put_int(out, self.connect_timeout),
            ids::TCP_MAXRT => put_int(out, self.tcp_maxrt),
            ids::RECONNECT_STOP => put_int(out, self.reconnect_stop),
            ids::RECONNECT_IVL => put_int(out, self.reconnect_ivl),
            ids::RECONNECT_IVL_MAX => put_int(out, self.reconnect_ivl_max),
            ids::BACKLOG => put_int(out, self.backlog),
            ids::MAXMSGSIZE => put_int64(out, self.maxmsgsize),
            ids::MULTICAST_HOPS => put_int(out, self.multicast_hops),
            ids::MULTICAST_MAXTPDU => put_int(out, self.multicast_maxtpdu),
            ids::MULTICAST_LOOP => put_int(out, flag(self.multicast_loop)),
            ids::RCVTIMEO => put_int(out, self.rcvtimeo),
            ids::SNDTIMEO => put_int(out, self.sndtimeo),
            ids::IPV4ONLY => put_int(out, flag(!self.ipv6)),
            ids::IPV6 => put_int(out, flag(self.ipv6)),
            ids::IMMEDIATE => put_int(out, flag(self.immediate)),
            ids::CONFLATE => put_int(out, flag(self.conflate)),
            ids::INVERT_MATCHING => put_int(out, flag(self.invert_matching)),
            ids::TCP_KEEPALIVE => put_int(out, self.tcp_keepalive),
            ids::TCP_KEEPALIVE_CNT => put_int(out, self.tcp_keepalive_cnt),
            ids::TCP_KEEPALIVE_IDLE => put_int(out, self.tcp_keepalive_idle),
            ids::TCP_KEEPALIVE_INTVL => put_int(out, self.tcp_keepalive_intvl),
            ids::MECHANISM => put_int(out, self.mechanism.number()),
            ids::PLAIN_SERVER => put_int(out, flag(self.plain_server())),
            ids::PLAIN_USERNAME => put_string(out, &self.plain_username),
            ids::PLAIN_PASSWORD => put_string(out, &self.plain_password),
            ids::ZAP_DOMAIN => put_string(out, self.zap_domain.as_bytes()),
            ids::ZAP_ENFORCE_DOMAIN => put_int(out, flag(self.zap_enforce_domain)),
            ids::CURVE_SERVER if build.curve => put_int(out, flag(self.curve_server())),
            ids::CURVE_PUBLICKEY if build.curve => get_curve_key(&self.curve_public_key, out),
            ids::CURVE_SECRETKEY if build.curve => get_curve_key(&self.curve_secret_key, out),
            ids::CURVE_SERVERKEY if build.curve => get_curve_key(&self.curve_server_key, out),
            ids::SOCKS_PROXY => put_string(out, self.socks_proxy.as_bytes()),
            ids::SOCKS_USERNAME => put_string(out, &self.socks_username),
            ids::SOCKS_PASSWORD => put_string(out, &self.socks_password),
            ids::HANDSHAKE_IVL => put_int(out, self.handshake_ivl),
            ids::HEARTBEAT_IVL => put_int(out, self.heartbeat_ivl),
            ids::HEARTBEAT_TTL => put_int(out, self.heartbeat_ttl),
            ids::HEARTBEAT_TIMEOUT => put_int(out, self.heartbeat_timeout),
            ids::USE_FD => put_int(out, self.use_fd),
            ids::BINDTODEVICE => put_string(out, self.bindtodevice.as_bytes()),
            ids::LOOPBACK_FASTPATH => put_int(out, flag(self.loopback_fastpath)),
            ids::ROUTER_NOTIFY if build.draft => put_int(out, self.router_notify),
            ids::IN_BATCH_SIZE if build.draft => put_int(out, self.in_batch_size),
            ids::OUT_BATCH_SIZE if build.draft => put_int(out, self.out_batch_size),
            ids::PRIORITY if build.draft => put_int(out, self.priority),
            // Write-only: the filters, METADATA, the draft messages; BUSY_POLL too, since
            // libzmq 4.3.5 answers EINVAL for it after writing the value.
            _ => Err(Error::Inval),
        }
    }

    /// ZMQ_METADATA: "X-name:value", the name up to the first colon and at most 255 bytes, the
    /// value not empty. A name already present keeps its first value.
    fn add_metadata(&mut self, v: &[u8]) -> Result<()> {
        // libzmq reads an int-sized value as a mistaken int.
        if v.is_empty() || v.len() == size_of::<i32>() {
            return Err(Error::Inval);
        }
        let colon = v.iter().position(|&b| b == b':').ok_or(Error::Inval)?;
        let (name, value) = (&v[..colon], &v[colon + 1..]);
        if name.is_empty() || value.is_empty() || !name.starts_with(b"X-") || name.len() > SHORT_MAX
        {
            return Err(Error::Inval);
        }
        self.metadata
            .entry(name.to_vec())
            .or_insert_with(|| value.to_vec());
        Ok(())
    }
}

/// `value` when its length is within `min..=max`.
fn bounded(value: &[u8], min: usize, max: usize) -> Result<&[u8]> {
    if (min..=max).contains(&value.len()) {
        Ok(value)
    } else {
        Err(Error::Inval)
    }
}

/// The strict string rule: NULL clears, an empty non-NULL value is invalid, else 1..=max bytes.
fn clear_or_bounded(optval: Option<&[u8]>, max: usize) -> Result<&[u8]> {
    match optval {
        None => Ok(&[]),
        Some(text) => bounded(text, 1, max),
    }
}

/// A text option kept as a Rust string: bytes that are not UTF-8 are `Error::Inval`.
fn utf8(text: &[u8]) -> Result<String> {
    String::from_utf8(text.to_vec()).map_err(|_| Error::Inval)
}

/// An IPC filter: NULL clears the set, a native 4-byte id joins it.
fn id_filter<T: Ord>(
    set: &mut BTreeSet<T>,
    optval: Option<&[u8]>,
    decode: fn([u8; 4]) -> T,
) -> Result<()> {
    match optval {
        None => set.clear(),
        Some(bytes) => {
            let bytes: [u8; 4] = bytes.try_into().map_err(|_| Error::Inval)?;
            set.insert(decode(bytes));
        }
    }
    Ok(())
}

/// A CURVE key from 32 binary bytes, or Z85 text of 40 bytes or 41 with a NUL. As in libzmq the
/// text ends at its first NUL and each decoded group is stored as it goes: a shorter text
/// replaces only the key's first bytes, and a bad group leaves the groups before it written.
fn set_curve_key(key: &mut [u8; CURVE_KEY_LEN], v: &[u8]) -> Result<()> {
    match v.len() {
        CURVE_KEY_LEN => key.copy_from_slice(v),
        len if len == Z85_KEY_LEN || len == Z85_KEY_LEN + 1 => {
            let text = v.split(|&b| b == 0).next().unwrap_or_default();
            // A 41-byte value without a NUL is 41 characters long, which Z85 rejects.
            let decoded = crate::z85::decoded_len(text.len())?;
            let dest = key.get_mut(..decoded).ok_or(Error::Inval)?;
            crate::z85::decode_into(text, dest)?;
        }
        _ => return Err(Error::Inval),
    }
    Ok(())
}

/// A CURVE key into a buffer of exactly 32 bytes (binary) or 41 (Z85 and a NUL).
fn get_curve_key(key: &[u8; CURVE_KEY_LEN], out: &mut [u8]) -> Result<usize> {
    match out.len() {
        CURVE_KEY_LEN => out.copy_from_slice(key),
        len if len == Z85_KEY_LEN + 1 => {
            crate::z85::encode_into(key, &mut out[..Z85_KEY_LEN])?;
            out[Z85_KEY_LEN] = 0;
        }
        _ => return Err(Error::Inval),
    }
    Ok(out.len())
}

#[cfg(test)]
mod tests;
