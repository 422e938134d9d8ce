//! Arbitrary payload bytes through decoding, then enrichment and
//! serialization when they decode.
#![no_main]

use enricher_core::{decode, enrich, DecodeLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits { max_payload_bytes: 1 << 20 };
    if let Ok(raw) = decode(data, Some(b"key"), &limits) {
        let event = enrich(raw);
        let json = event.to_json().expect("an enriched event always serializes");
        // The worker's serializer writes serde_json's bytes (enriched.rs).
        assert_eq!(json, serde_json::to_vec(&event).unwrap());
    }
});
