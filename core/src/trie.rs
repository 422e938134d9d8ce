//! A trie of byte strings for matching a few thousand fixed patterns at
//! chosen places of a text: the gazetteer's names at the capitals where
//! one can start, the boilerplate openings at the start of a line.
//!
//! A general multi-pattern matcher (Aho-Corasick) feeds every byte of the
//! text through its automaton, and building its DFA for the gazetteer
//! cost 32 M instructions, as much as enriching ~40 articles (callgrind);
//! the trie builds in a fraction of that. Here the callers pick the few
//! places worth a walk, and a walk dies within a byte or two where no
//! pattern goes on.
//!
//! The edges are stored compactly, a short list per state, not as a
//! table of every state by every byte class: the gazetteer's 6,700
//! states made that table 1.9 MB, too large for a core's cache, and
//! `perf` put two thirds of the gazetteer scan's time on the one load
//! of an edge from it. Past the first byte nearly every state has one
//! edge, so such a state keeps its edge in its own word of 64 bits: a
//! step of a walk is one load and one compare, with one bounds check.
//! The exceptions are the states one byte from the root (`S` has an edge
//! for most small letters), where most walks end: those few have a table
//! row each, of 16-bit edges, with a column for each byte that some
//! pattern has second (a few dozen): 2 KB for the gazetteer's 27 rows.
//! A row of every byte in 32-bit edges took 1 KB, the 27 rows most of a
//! core's first-level cache, and the walks of each article met them
//! there cold (cachegrind: a third of the trie's cache misses).

/// The patterns as a trie: a walk from the root along a text passes
/// through every pattern that is a prefix of it.
pub(crate) struct Trie {
    /// The root's edge for each byte (as in [`Trie::targets`]) in the low
    /// half, and in the high half where the row of the state it leads to
    /// starts in `second`: every walk starts here, and the root has an edge
    /// for most capitals; one load gives both the first step and the
    /// second's row.
    root: [u64; 256],
    /// The edges of each state one byte from the root (as in `root`), a
    /// row of one edge for each column of [`Trie::second_column`]:
    /// most walks that go past the first byte stop at the second (`Se` of
    /// `Senate`), and these states have the most edges (every letter that
    /// follows a capital), so that step reads a table instead of a list.
    /// An edge in 16 bits: a trie has fewer than 32 K states (the
    /// gazetteer's 6,700), which [`Builder::pack`] asserts.
    second: Vec<u16>,
    /// For each byte, its column in a row of `second`: 0, a column of no
    /// edges, for a byte that no pattern has second.
    second_column: [u8; 256],
    /// The edges of every state but the root (whose list is empty, as its
    /// edges are in `root`), one word each: past the first byte nearly
    /// every state has one edge, held in the word itself ([`ONE_EDGE`]
    /// set, its byte in bits 32 to 39, its target as [`Trie::targets`]
    /// has it in the low bits), so that a step of a walk reads one word.
    /// Other states have their edges at `first..first + count` of `labels`
    /// and `targets`, `first` in the high half of the word and `count` in
    /// the low one.
    states: Vec<u64>,
    /// The byte of each edge of the states with more than one.
    labels: Vec<u8>,
    /// The state an edge leads to, shifted left once, with the low bit set
    /// when a pattern ends there (so that walks read `ends` only then).
    /// Never 0: no edge enters the root, so 0 can mean "no edge".
    targets: Vec<u32>,
    /// For each state, 1 + the index of the pattern ending there, or 0.
    ends: Vec<u32>,
}

/// The flag of a [`Trie::states`] word that holds its state's one edge.
const ONE_EDGE: u64 = 1 << 63;

impl Trie {
    /// A pattern listed twice keeps its first index; an empty one
    /// matches nothing.
    pub(crate) fn new<P: AsRef<str>>(patterns: &[P]) -> Self {
        let mut builder = Builder {
            children: vec![Vec::new()],
            ends: vec![0],
        };
        for (index, p) in patterns.iter().enumerate() {
            builder.insert(p.as_ref().as_bytes(), index);
        }
        builder.pack()
    }

    /// Whether the text made of `chars` starts with some pattern; reads
    /// no character past the point where no pattern goes on.
    pub(crate) fn starts_any(&self, chars: impl Iterator<Item = char>) -> bool {
        let mut state = 0;
        for c in chars {
            for &b in c.encode_utf8(&mut [0; 4]).as_bytes() {
                match self.edge(state, b) {
                    0 => return false,
                    edge if edge & 1 == 1 => return true,
                    edge => state = (edge >> 1) as usize,
                }
            }
        }
        false
    }

    /// The edge from `state` on `b`, as stored in [`Trie::targets`], or 0.
    fn edge(&self, state: usize, b: u8) -> u32 {
        if state == 0 {
            return self.root[usize::from(b)] as u32;
        }
        self.child(state, b)
    }

    /// [`Trie::edge`] from a state other than the root.
    fn child(&self, state: usize, b: u8) -> u32 {
        let Some(&word) = self.states.get(state) else {
            return 0;
        };
        if word & ONE_EDGE != 0 {
            let matches = (word >> 32) as u8 == b;
            return if matches { word as u32 } else { 0 };
        }
        let first = (word >> 32) as usize;
        let edges = first..first + (word as u32 as usize);
        self.labels
            .get(edges)
            .and_then(|labels| labels.iter().position(|&label| label == b))
            .and_then(|i| self.targets.get(first + i).copied())
            .unwrap_or(0)
    }

    /// (pattern index, length) of the longest pattern that `bytes` starts
    /// with. The first two steps read [`Trie::root`] and
    /// [`Trie::second`], the others the states' lists.
    pub(crate) fn longest_prefix(&self, bytes: &[u8]) -> Option<(usize, usize)> {
        let first = usize::from(*bytes.first()?);
        let root = self.root[first];
        let root_edge = root as u32;
        if root_edge == 0 {
            return None;
        }
        let mut longest =
            (root_edge & 1 == 1).then(|| (self.ends[(root_edge >> 1) as usize] as usize - 1, 1));
        let Some(&b) = bytes.get(1) else {
            return longest;
        };
        let row = (root >> 32) as usize;
        let column = usize::from(self.second_column[usize::from(b)]);
        let mut edge = u32::from(*self.second.get(row + column)?);
        let mut len = 1;
        while edge != 0 {
            let state = (edge >> 1) as usize;
            len += 1;
            if edge & 1 == 1 {
                longest = Some((self.ends[state] as usize - 1, len));
            }
            let Some(&b) = bytes.get(len) else {
                break;
            };
            edge = self.child(state, b);
        }
        longest
    }
}

/// A trie under construction: each state's edges as a list of (byte,
/// state) pairs, packed into a [`Trie`] once every pattern is in.
struct Builder {
    children: Vec<Vec<(u8, u32)>>,
    /// As [`Trie::ends`].
    ends: Vec<u32>,
}

impl Builder {
    fn insert(&mut self, pattern: &[u8], index: usize) {
        let state = pattern
            .iter()
            .fold(0, |state, &b| self.child_or_new(state, b));
        if state != 0 && self.ends[state] == 0 {
            self.ends[state] = u32::try_from(index + 1).expect("fewer than 4 G patterns");
        }
    }

    /// The state after `b` from `state`, made if new.
    fn child_or_new(&mut self, state: usize, b: u8) -> usize {
        if let Some(&(_, child)) = self.children[state].iter().find(|&&(label, _)| label == b) {
            return child as usize;
        }
        let child = self.ends.len();
        let id = u32::try_from(child)
            .ok()
            .filter(|&c| c < 1 << 31)
            .expect("fewer than 2 G states");
        self.children[state].push((b, id));
        self.children.push(Vec::new());
        self.ends.push(0);
        child
    }

    fn pack(self) -> Trie {
        let target = |child: u32| child << 1 | u32::from(self.ends[child as usize] != 0);
        let mut root = [0u64; 256];
        let mut second_column = [0u8; 256];
        let mut columns = 1;
        for &(_, child) in &self.children[0] {
            for &(next, _) in &self.children[child as usize] {
                if second_column[usize::from(next)] == 0 {
                    second_column[usize::from(next)] =
                        u8::try_from(columns).expect("a column per byte, and one of none");
                    columns += 1;
                }
            }
        }
        let mut second = Vec::with_capacity(self.children[0].len() * columns);
        for &(b, child) in &self.children[0] {
            let row = second.len();
            root[usize::from(b)] = (row as u64) << 32 | u64::from(target(child));
            second.resize(row + columns, 0);
            for &(next, grandchild) in &self.children[child as usize] {
                second[row + usize::from(second_column[usize::from(next)])] =
                    u16::try_from(target(grandchild)).expect("fewer than 32 K states");
            }
        }
        let mut states = Vec::with_capacity(self.children.len());
        let (mut labels, mut targets) = (Vec::new(), Vec::new());
        for (state, edges) in self.children.iter().enumerate() {
            match edges.as_slice() {
                // The root's edges are in `root`, where walks read them.
                _ if state == 0 => states.push(0),
                &[(b, child)] => {
                    states.push(ONE_EDGE | u64::from(b) << 32 | u64::from(target(child)));
                }
                _ => {
                    let first = u32::try_from(labels.len())
                        .ok()
                        .filter(|&f| f < 1 << 31)
                        .expect("fewer than 2 G edges");
                    states.push(u64::from(first) << 32 | edges.len() as u64);
                    for &(b, child) in edges {
                        labels.push(b);
                        targets.push(target(child));
                    }
                }
            }
        }
        Trie {
            root,
            second,
            second_column,
            states,
            labels,
            targets,
            ends: self.ends,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_pattern_wins_and_a_repeat_keeps_its_first_index() {
        let trie = Trie::new(&["New York", "New", "New York Times", "New", "Newark"]);
        assert_eq!(trie.longest_prefix(b"New York Times said"), Some((2, 14)));
        assert_eq!(trie.longest_prefix(b"New York Post"), Some((0, 8)));
        assert_eq!(trie.longest_prefix(b"News"), Some((1, 3)));
        assert_eq!(trie.longest_prefix(b"Newark, N.J."), Some((4, 6)));
        assert_eq!(trie.longest_prefix(b"Ne"), None);
        assert_eq!(trie.longest_prefix(b"Boston"), None);
        assert_eq!(trie.longest_prefix(b""), None);
        assert_eq!(Trie::new(&["", "A"]).longest_prefix(b"AB"), Some((1, 1)));
    }

    #[test]
    fn starts_any_stops_at_the_first_pattern_and_reads_multibyte_characters() {
        let trie = Trie::new(&["Read more", "Ça va", "AP"]);
        assert!(trie.starts_any("Read more: the rest".chars()));
        assert!(trie.starts_any("Ça va bien".chars()));
        assert!(trie.starts_any("APPLE".chars()));
        assert!(!trie.starts_any("Read less".chars()));
        assert!(!trie.starts_any("Ca va".chars()));
        assert!(!trie.starts_any("".chars()));
    }
}
