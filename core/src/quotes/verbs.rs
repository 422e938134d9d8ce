//! The speech-verb lexicon: every form of the verbs that report speech.

use std::sync::LazyLock;

use crate::words::WordList;

/// All forms of the verbs in `data/speech-verbs.txt`, lowercase.
static FORMS: LazyLock<WordList> = LazyLock::new(|| {
    let mut forms = Vec::new();
    for line in include_str!("../../data/speech-verbs.txt").lines() {
        if line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [base] => forms.extend(regular_forms(base)),
            all => forms.extend(all.iter().map(|w| (*w).to_owned())),
        }
    }
    WordList::from_words(forms)
});

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
    FORMS.contains(word)
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
