//! A trie of byte strings for matching a few thousand fixed patterns at
//! chosen places of a text: the gazetteer's names at the capitals where
//! one can start, the boilerplate openings at the start of a line.
//!
//! A general multi-pattern matcher (Aho-Corasick) feeds every byte of the
//! text through its automaton, and building its DFA for the gazetteer
//! cost 32 M instructions, as much as enriching ~40 articles (callgrind);
//! the trie builds in 3 M. Here the callers pick the few
//! places worth a walk, and a walk dies within a byte or two where no
//! pattern goes on. Bytes are mapped to classes (only the bytes the
//! patterns use), so a state's row of edges is small.

/// The patterns as a trie over byte classes: a walk from the root along
/// a text passes through every pattern that is a prefix of it.
pub(crate) struct Trie {
    /// The class of each byte; 0 for bytes in no pattern.
    class: [u16; 256],
    classes: usize,
    /// `edges[state * classes + class]`: the state after a byte, shifted
    /// left once, with the low bit set when a pattern ends there (so that
    /// walks read `ends` only then); 0 (the root, which no edge enters)
    /// when no pattern goes on with the byte.
    edges: Vec<u32>,
    /// For each state, 1 + the index of the pattern ending there, or 0.
    ends: Vec<u32>,
}

impl Trie {
    /// A pattern listed twice keeps its first index.
    pub(crate) fn new<P: AsRef<str>>(patterns: &[P]) -> Self {
        let mut class = [0u16; 256];
        let mut classes = 1;
        for b in patterns.iter().flat_map(|p| p.as_ref().bytes()) {
            if class[usize::from(b)] == 0 {
                class[usize::from(b)] = classes;
                classes += 1;
            }
        }
        let classes = usize::from(classes);
        let mut trie = Self {
            class,
            classes,
            edges: vec![0; classes],
            ends: vec![0],
        };
        for (index, p) in patterns.iter().enumerate() {
            let (state, edge) = p
                .as_ref()
                .bytes()
                .fold((0, usize::MAX), |(state, _), b| trie.edge_or_new(state, b));
            if trie.ends[state] == 0 {
                trie.ends[state] = u32::try_from(index + 1).expect("fewer than 4 G patterns");
                *trie.edges.get_mut(edge).expect("patterns are not empty") |= 1;
            }
        }
        trie
    }

    /// The state after `b` from `state`, made if new, and the index of
    /// the edge that leads there.
    fn edge_or_new(&mut self, state: usize, b: u8) -> (usize, usize) {
        let edge = state * self.classes + usize::from(self.class[usize::from(b)]);
        if self.edges[edge] == 0 {
            let new = u32::try_from(self.ends.len())
                .ok()
                .filter(|&state| state < 1 << 31)
                .expect("fewer than 2 G states");
            self.edges[edge] = new << 1;
            self.ends.push(0);
            self.edges.resize(self.edges.len() + self.classes, 0);
        }
        ((self.edges[edge] >> 1) as usize, edge)
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

    /// The edge from `state` on `b`, as stored in [`Trie::edges`].
    fn edge(&self, state: usize, b: u8) -> u32 {
        let class = usize::from(self.class[usize::from(b)]);
        self.edges[state * self.classes + class]
    }

    /// (pattern index, length) of the longest pattern that `bytes` starts
    /// with.
    pub(crate) fn longest_prefix(&self, bytes: &[u8]) -> Option<(usize, usize)> {
        let mut state = 0;
        let mut longest = None;
        for (i, &b) in bytes.iter().enumerate() {
            let edge = self.edge(state, b);
            if edge == 0 {
                break;
            }
            state = (edge >> 1) as usize;
            if edge & 1 == 1 {
                longest = Some((self.ends[state] as usize - 1, i + 1));
            }
        }
        longest
    }
}
