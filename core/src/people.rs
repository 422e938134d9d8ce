//! People: names, the roles the text gives them, and their mentions.
//!
//! One notion of a person serves both the `entities.people` output and the
//! quote speakers, so `Zelenskyy`, `Volodymyr Zelenskyy` and `Ukrainian
//! President Volodymyr Zelenskyy` are one person everywhere.

use std::ops::Range;

use crate::Doc;

/// A person found in the body, in byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFound {
    /// The canonical (longest) name, e.g. `Volodymyr Zelenskyy`.
    pub name: String,
    /// Titles given in the text, e.g. `Ukrainian President`.
    pub roles: Vec<String>,
    /// Every mention of the person by name, in text order.
    pub mentions: Vec<Range<usize>>,
}

/// Finds the people named in the body paragraphs of `doc`.
pub fn find(_doc: &Doc) -> Vec<PersonFound> {
    Vec::new()
}
