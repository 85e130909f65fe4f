//! Prefix tries of subscriptions. [`Trie`] counts subscriptions per prefix (SUB filters
//! incoming messages with it); [`MTrie`] records which pipes subscribed to each prefix (XPUB
//! chooses the pipes for an outgoing message with it).

use std::collections::BTreeMap;

use super::PipeKey;

/// Subscriptions counted by prefix.
#[derive(Debug, Default)]
pub struct Trie {
    root: Node<u32>,
}

/// Subscriptions by prefix, with the pipes that made them.
#[derive(Debug, Default)]
pub struct MTrie {
    root: Node<Vec<PipeKey>>,
}

#[derive(Debug, Default)]
struct Node<V> {
    value: V,
    children: BTreeMap<u8, Node<V>>,
}

impl<V: Default> Node<V> {
    fn find(&self, prefix: &[u8]) -> Option<&Node<V>> {
        prefix
            .iter()
            .try_fold(self, |node, byte| node.children.get(byte))
    }

    fn find_or_insert(&mut self, prefix: &[u8]) -> &mut Node<V> {
        prefix
            .iter()
            .fold(self, |node, &byte| node.children.entry(byte).or_default())
    }

    /// Removes the nodes along `prefix` that `empty` says hold nothing and have no children.
    fn prune(&mut self, prefix: &[u8], empty: &impl Fn(&V) -> bool) {
        if let Some((&first, rest)) = prefix.split_first() {
            if let Some(child) = self.children.get_mut(&first) {
                child.prune(rest, empty);
                if empty(&child.value) && child.children.is_empty() {
                    self.children.remove(&first);
                }
            }
        }
    }

    /// Calls `f` with the value of every node on the path of `data` (every prefix of it).
    fn walk<'a>(&'a self, data: &[u8], mut f: impl FnMut(&'a V)) {
        let mut node = self;
        f(&node.value);
        for byte in data {
            match node.children.get(byte) {
                Some(child) => {
                    node = child;
                    f(&node.value);
                }
                None => return,
            }
        }
    }
}

impl Trie {
    /// An empty trie.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a subscription; true when it is the first to this prefix.
    pub fn add(&mut self, prefix: &[u8]) -> bool {
        let node = self.root.find_or_insert(prefix);
        node.value += 1;
        node.value == 1
    }

    /// Removes a subscription; true when it was the last to this prefix. Removing one that does
    /// not exist changes nothing and returns false.
    pub fn remove(&mut self, prefix: &[u8]) -> bool {
        let Some(node) = find_mut(&mut self.root, prefix) else {
            return false;
        };
        if node.value == 0 {
            return false;
        }
        node.value -= 1;
        let last = node.value == 0;
        if last {
            self.root.prune(prefix, &|v: &u32| *v == 0);
        }
        last
    }

    /// Whether some subscription is a prefix of `data`.
    pub fn check(&self, data: &[u8]) -> bool {
        let mut found = false;
        self.root.walk(data, |count| found |= *count > 0);
        found
    }

    /// Calls `f` with every subscribed prefix.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        let mut path = Vec::new();
        visit(&self.root, &mut path, &mut f);
    }

    /// Whether there is a subscription to exactly `prefix`.
    pub fn contains(&self, prefix: &[u8]) -> bool {
        self.root.find(prefix).is_some_and(|n| n.value > 0)
    }
}

fn visit(node: &Node<u32>, path: &mut Vec<u8>, f: &mut impl FnMut(&[u8])) {
    if node.value > 0 {
        f(path);
    }
    for (&byte, child) in &node.children {
        path.push(byte);
        visit(child, path, f);
        path.pop();
    }
}

fn find_mut<'a, V: Default>(root: &'a mut Node<V>, prefix: &[u8]) -> Option<&'a mut Node<V>> {
    prefix
        .iter()
        .try_fold(root, |node, byte| node.children.get_mut(byte))
}

impl MTrie {
    /// An empty trie.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `pipe`'s subscription; true when the prefix had no subscriber before.
    pub fn add(&mut self, prefix: &[u8], pipe: PipeKey) -> bool {
        let pipes = &mut self.root.find_or_insert(prefix).value;
        let first = pipes.is_empty();
        if !pipes.contains(&pipe) {
            pipes.push(pipe);
        }
        first
    }

    /// Removes `pipe`'s subscription. Returns None when nobody subscribed to the prefix,
    /// Some(true) when `pipe` was its last subscriber, Some(false) when others remain (as
    /// libzmq's not_found, last_value_removed and values_remain).
    pub fn remove(&mut self, prefix: &[u8], pipe: PipeKey) -> Option<bool> {
        let node = find_mut(&mut self.root, prefix).filter(|n| !n.value.is_empty())?;
        if let Some(i) = node.value.iter().position(|&p| p == pipe) {
            node.value.swap_remove(i);
        }
        let last = node.value.is_empty();
        if last {
            self.root.prune(prefix, &|v: &Vec<PipeKey>| v.is_empty());
        }
        Some(last)
    }

    /// Removes every subscription of `pipe`; returns the prefixes left with no subscriber.
    pub fn remove_pipe(&mut self, pipe: PipeKey) -> Vec<Vec<u8>> {
        self.remove_pipe_all(pipe)
            .into_iter()
            .filter(|(_, emptied)| *emptied)
            .map(|(p, _)| p)
            .collect()
    }

    /// Removes every subscription of `pipe`; returns each of its prefixes, with whether it was
    /// the prefix's last subscriber.
    pub fn remove_pipe_all(&mut self, pipe: PipeKey) -> Vec<(Vec<u8>, bool)> {
        let mut removed = Vec::new();
        let mut path = Vec::new();
        remove_pipe_from(&mut self.root, pipe, &mut path, &mut removed);
        removed
    }

    /// How many prefixes have a subscriber (ZMQ_TOPICS_COUNT of XPUB and PUB).
    pub fn num_prefixes(&self) -> usize {
        fn count(node: &Node<Vec<PipeKey>>) -> usize {
            usize::from(!node.value.is_empty()) + node.children.values().map(count).sum::<usize>()
        }
        count(&self.root)
    }

    /// Calls `f` for each pipe subscribed to a prefix of `data` (once per matching prefix).
    pub fn matching(&self, data: &[u8], mut f: impl FnMut(PipeKey)) {
        self.root
            .walk(data, |pipes| pipes.iter().for_each(|&p| f(p)));
    }
}

fn remove_pipe_from(
    node: &mut Node<Vec<PipeKey>>,
    pipe: PipeKey,
    path: &mut Vec<u8>,
    removed: &mut Vec<(Vec<u8>, bool)>,
) {
    if let Some(i) = node.value.iter().position(|&p| p == pipe) {
        node.value.swap_remove(i);
        removed.push((path.clone(), node.value.is_empty()));
    }
    node.children.retain(|&byte, child| {
        path.push(byte);
        remove_pipe_from(child, pipe, path, removed);
        path.pop();
        !(child.value.is_empty() && child.children.is_empty())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trie_counts_and_matches_prefixes() {
        let mut t = Trie::new();
        assert!(!t.check(b"anything"));
        assert!(t.add(b"ab"));
        assert!(!t.add(b"ab"));
        assert!(t.check(b"abc") && t.check(b"ab") && !t.check(b"a") && !t.check(b"b"));
        assert!(!t.remove(b"ab"));
        assert!(t.check(b"abc"));
        assert!(t.remove(b"ab"));
        assert!(!t.check(b"abc"));
        assert!(!t.remove(b"ab"));
        assert!(t.add(b""));
        assert!(t.check(b"") && t.check(b"zzz"));
        assert!(t.contains(b"") && !t.contains(b"ab"));
    }

    #[test]
    fn mtrie_tracks_pipes() {
        let mut t = MTrie::new();
        assert!(t.add(b"a", 1));
        assert!(!t.add(b"a", 2));
        assert!(t.add(b"ab", 2));
        let mut got = Vec::new();
        t.matching(b"abc", |p| got.push(p));
        got.sort();
        assert_eq!(got, [1, 2, 2]);
        assert_eq!(t.remove(b"a", 1), Some(false));
        assert_eq!(t.remove(b"zz", 1), None);
        let emptied = t.remove_pipe(2);
        assert_eq!(emptied, vec![b"a".to_vec(), b"ab".to_vec()]);
        let mut none = Vec::new();
        t.matching(b"abc", |p| none.push(p));
        assert!(none.is_empty());
        assert!(t.add(b"x", 3));
        assert_eq!(t.remove(b"x", 3), Some(true));
        assert_eq!(t.remove(b"x", 3), None);
    }
}
