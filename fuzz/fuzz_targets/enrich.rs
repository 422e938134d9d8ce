//! Arbitrary UTF-8 article text through enrichment, checking that every
//! offset the event publishes lies inside the text.
#![no_main]

use enricher_core::{enrich, RawArticle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let raw = RawArticle { id: "fuzz".into(), text: text.to_owned(), ..RawArticle::default() };
    let event = enrich(raw);
    let len = text.chars().count();
    for q in &event.quotes {
        assert!(q.start < q.end && q.end <= len, "quote {}..{} outside {len}", q.start, q.end);
        for s in &q.segments {
            assert!(q.start <= s.start && s.end <= q.end, "segment outside its quote");
        }
        if let Some(sp) = &q.speaker {
            assert!(sp.start < sp.end && sp.end <= len, "speaker outside the text");
        }
    }
    for p in &event.paragraphs {
        assert!(p.start < p.end && p.end <= len);
    }
});
