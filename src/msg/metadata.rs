//! Peer properties attached to received messages (ZMTP metadata), read with zmq_msg_gets.
#![forbid(unsafe_code)]

use std::ffi::{CStr, CString};

/// An immutable set of name/value properties, shared by every message from one connection.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Metadata {
    props: Vec<(String, CString)>,
    /// The descriptor of the connection the messages came over (ZMQ_SRCFD).
    source_fd: Option<i32>,
    /// The RADIO/DISH group of a message (zmq_msg_group).
    group: Option<CString>,
}

impl Metadata {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a property. Values with an interior NUL are cut at the NUL, as a C
    /// caller would read them anyway.
    pub fn insert(&mut self, name: &str, value: &[u8]) {
        let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
        let value = CString::new(&value[..end]).unwrap_or_default();
        match self.props.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.props.push((name.to_owned(), value)),
        }
    }

    /// Adds or replaces every property of `other`.
    pub fn merge(&mut self, other: &Metadata) {
        for (name, value) in &other.props {
            self.insert(name, value.as_bytes());
        }
    }

    /// Notes the descriptor of the connection (ZMQ_SRCFD).
    pub fn set_source_fd(&mut self, fd: i32) {
        self.source_fd = Some(fd);
    }

    /// The descriptor of the connection, if the messages came over one.
    pub fn source_fd(&self) -> Option<i32> {
        self.source_fd
    }

    /// The value of a property; "Identity" is the old name of "Routing-Id".
    pub fn get(&self, name: &str) -> Option<&CStr> {
        let found = self
            .props
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_c_str());
        match found {
            None if name == "Identity" => self.get("Routing-Id"),
            other => other,
        }
    }

    /// Sets the group; EINVAL for a byte 0 inside (C could not read it back).
    pub fn set_group(&mut self, group: &[u8]) -> crate::error::Result<()> {
        let group = CString::new(group).map_err(|_| crate::error::Error::Inval)?;
        self.group = Some(group);
        Ok(())
    }

    /// The group, if one was set.
    pub fn group(&self) -> Option<&CStr> {
        self.group.as_deref()
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.props.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.props.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_and_identity_alias() {
        let mut m = Metadata::new();
        m.insert("Socket-Type", b"DEALER");
        m.insert("Routing-Id", b"abc");
        assert_eq!(m.get("Socket-Type").unwrap().to_bytes(), b"DEALER");
        assert_eq!(m.get("Identity").unwrap().to_bytes(), b"abc");
        assert!(m.get("socket-type").is_none());
        m.insert("Socket-Type", b"RO\0UTER");
        assert_eq!(m.get("Socket-Type").unwrap().to_bytes(), b"RO");
        assert_eq!(m.len(), 2);
    }
}
