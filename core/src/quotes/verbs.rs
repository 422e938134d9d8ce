//! The speech-verb lexicon: every form of the verbs that report speech.

use std::sync::OnceLock;

use crate::words::{cmp_ignore_case, shape_of, Shape};

/// All forms of the verbs in `data/speech-verbs.txt`, lowercase, sorted,
/// with their [`Shape`] to turn most other words away cheaply.
fn forms() -> &'static (Vec<String>, Shape) {
    static FORMS: OnceLock<(Vec<String>, Shape)> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut set = Vec::new();
        for line in include_str!("../../data/speech-verbs.txt").lines() {
            if line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [] => {}
                [base] => set.extend(regular_forms(base)),
                all => set.extend(all.iter().map(|w| (*w).to_owned())),
            }
        }
        set.sort_unstable();
        set.dedup();
        let shape = shape_of(set.iter().map(String::as_str));
        (set, shape)
    })
}

/// `add` → add, adds, added, adding; `argue` → argues, argued, arguing;
/// `cry`-type and doubling verbs list their forms in the data file.
fn regular_forms(base: &str) -> Vec<String> {
    let (past, ing) = match base.strip_suffix('e') {
        Some(_) if base.ends_with("ee") => (format!("{base}d"), format!("{base}ing")),
        Some(stem) => (format!("{base}d"), format!("{stem}ing")),
        None => (format!("{base}ed"), format!("{base}ing")),
    };
    let third = if base.ends_with('s')
        || base.ends_with("sh")
        || base.ends_with("ch")
        || base.ends_with('x')
    {
        format!("{base}es")
    } else {
        format!("{base}s")
    };
    vec![base.to_owned(), third, past, ing]
}

/// True when `word` (any ASCII case) is a form of a speech verb.
pub fn is_speech_verb(word: &str) -> bool {
    let (forms, shape) = forms();
    if !shape.admits(word) {
        return false;
    }
    forms
        .binary_search_by(|f| cmp_ignore_case(f.as_bytes(), word.as_bytes()))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tense_is_known() {
        for w in [
            "said",
            "says",
            "say",
            "saying",
            "told",
            "adds",
            "added",
            "stressed",
            "argues",
            "argued",
            "arguing",
            "replied",
            "wrote",
            "written",
            "Tweeted",
            "insisting",
        ] {
            assert!(is_speech_verb(w), "{w}");
        }
        for w in ["house", "the", "sad", "Ukraine"] {
            assert!(!is_speech_verb(w), "{w}");
        }
    }
}
