//! W3C trace context (`traceparent`, `tracestate`) in Kafka headers.
//!
//! The input's `traceparent` becomes the parent of the worker's `process`
//! span, and the output carries the context of that span: same trace id,
//! this processing's span id. So one trace runs from the crawler through
//! this worker to whoever reads the enriched events.
//!
//! This uses OpenTelemetry's [`TraceContextPropagator`] over the headers and
//! `tracing-opentelemetry` to tie it to `tracing` spans; [`crate::telemetry`]
//! installs the OpenTelemetry layer that gives spans their ids (and, later,
//! exports them).

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::output::HeaderList;

pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";

/// Reads trace headers from a header list (names compared without case,
/// the first occurrence wins, values must be UTF-8).
pub struct HeaderExtractor<'a>(pub &'a HeaderList);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_deref())
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// Writes trace headers into a header list.
pub struct HeaderInjector<'a>(pub &'a mut HeaderList);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        self.0.push((key.to_owned(), Some(value.into_bytes())));
    }
}

/// The remote parent context carried by `headers`, or an empty context when
/// there is no valid `traceparent`.
pub fn extract(headers: &HeaderList) -> opentelemetry::Context {
    let extractor = HeaderExtractor(headers);
    match extractor.get(TRACEPARENT) {
        Some(tp) if is_valid_traceparent(tp) => TraceContextPropagator::new().extract(&extractor),
        _ => opentelemetry::Context::new(),
    }
}

/// Strict W3C syntax of `traceparent` (the propagator alone accepts, e.g.,
/// a short trace id): `version-traceid-parentid-flags`, lower-case hex of
/// 2, 32, 16 and 2 digits, version not `ff`, ids not all zero; version
/// `00` has exactly four fields, later versions may append more.
pub fn is_valid_traceparent(tp: &str) -> bool {
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let fields: Vec<&str> = tp.trim().split('-').collect();
    if fields.len() < 4 {
        return false;
    }
    let (version, trace, parent, flags) = (fields[0], fields[1], fields[2], fields[3]);
    hex(version, 2)
        && version != "ff"
        && (version != "00" || fields.len() == 4)
        && hex(trace, 32)
        && trace.bytes().any(|b| b != b'0')
        && hex(parent, 16)
        && parent.bytes().any(|b| b != b'0')
        && hex(flags, 2)
}

/// Makes the context in `headers` (if any) the parent of `span`.
pub fn set_parent_from(span: &tracing::Span, headers: &HeaderList) {
    let parent = extract(headers);
    if parent.span().span_context().is_valid() {
        // Fails only when the span is disabled; it then has no context to
        // carry either, and `inject` falls back to the input's headers.
        let _ = span.set_parent(parent);
    }
}

/// The trace headers for an output produced under `span`: its own context
/// when it has one; otherwise (spans disabled by the log filter) the
/// input's trace headers unchanged, so the trace is at least not broken.
pub fn inject(span: &tracing::Span, input: &HeaderList, out: &mut HeaderList) {
    let cx = span.context();
    if cx.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(out));
        return;
    }
    for name in [TRACEPARENT, TRACESTATE] {
        if let Some((k, v)) = input.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
            out.push((k.clone(), v.clone()));
        }
    }
}

/// The trace id (32 hex digits) of a `traceparent` value, if it is valid.
pub fn trace_id_of(traceparent: &str) -> Option<String> {
    let headers = vec![(
        TRACEPARENT.to_owned(),
        Some(traceparent.as_bytes().to_vec()),
    )];
    let cx = extract(&headers);
    let sc = cx.span().span_context().clone();
    sc.is_valid().then(|| sc.trace_id().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    const INPUT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn headers(pairs: &[(&str, &str)]) -> HeaderList {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Some(v.as_bytes().to_vec())))
            .collect()
    }

    fn value<'a>(h: &'a HeaderList, key: &str) -> Option<&'a str> {
        crate::pipeline::output::header_value(h, key)
    }

    #[test]
    fn parses_valid_and_rejects_invalid_traceparents() {
        assert_eq!(
            trace_id_of(INPUT).as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        assert!(is_valid_traceparent(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"
        ));
        for bad in [
            "",
            "garbage",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero span id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // 00 has 4 fields
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",  // short flags
        ] {
            assert!(!is_valid_traceparent(bad), "{bad:?}");
            assert_eq!(trace_id_of(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn header_names_are_case_insensitive_and_injection_replaces() {
        let h = headers(&[("TraceParent", INPUT)]);
        assert_eq!(HeaderExtractor(&h).get("traceparent"), Some(INPUT));
        let mut out = headers(&[("traceparent", "old"), ("a", "b")]);
        HeaderInjector(&mut out).set("traceparent", "new".into());
        assert_eq!(out.len(), 2);
        assert_eq!(value(&out, "traceparent"), Some("new"));
    }

    #[test]
    fn output_continues_the_input_trace_with_a_new_span_id() {
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let tracer = opentelemetry::trace::TracerProvider::tracer(&provider, "test");
        let subscriber =
            tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer));
        tracing::subscriber::with_default(subscriber, || {
            let input = headers(&[(TRACEPARENT, INPUT), (TRACESTATE, "vendor=1")]);
            let span = tracing::info_span!("process");
            set_parent_from(&span, &input);
            let mut out = HeaderList::new();
            inject(&span, &input, &mut out);
            let tp = value(&out, TRACEPARENT).expect("traceparent").to_owned();
            assert_eq!(
                trace_id_of(&tp).as_deref(),
                Some("4bf92f3577b34da6a3ce929d0e0e4736")
            );
            assert_ne!(&tp[36..52], "00f067aa0ba902b7", "a new span id: {tp}");
            assert!(tp.ends_with("-01"), "sampled flag kept: {tp}");
            assert_eq!(value(&out, TRACESTATE), Some("vendor=1"));

            // Without an input context, a new trace starts.
            let span = tracing::info_span!("process");
            set_parent_from(&span, &HeaderList::new());
            let mut out = HeaderList::new();
            inject(&span, &HeaderList::new(), &mut out);
            let tp = value(&out, TRACEPARENT).expect("traceparent");
            assert!(trace_id_of(tp).is_some(), "{tp}");
            assert_ne!(
                trace_id_of(tp).as_deref(),
                Some("4bf92f3577b34da6a3ce929d0e0e4736")
            );
        });
    }

    #[test]
    fn without_spans_the_input_context_is_passed_through() {
        // No subscriber: spans are disabled.
        let input = headers(&[(TRACEPARENT, INPUT)]);
        let span = tracing::Span::none();
        set_parent_from(&span, &input);
        let mut out = HeaderList::new();
        inject(&span, &input, &mut out);
        assert_eq!(value(&out, TRACEPARENT), Some(INPUT));
        let mut out = HeaderList::new();
        inject(&span, &HeaderList::new(), &mut out);
        assert!(out.is_empty());
    }
}
