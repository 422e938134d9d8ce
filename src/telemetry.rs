//! Logging and tracing setup. Everything the worker logs goes through
//! `tracing` to stderr (stdout is for data: `enrich` and `demo` write
//! events there).
//!
//! Two layers: the log output (human-readable or JSON, filtered by
//! `log.level` / `RUST_LOG`), and OpenTelemetry, which gives the worker's
//! spans W3C trace and span ids so that the trace context of an input
//! message continues in its output (see `pipeline::trace_context`). The
//! OpenTelemetry layer has its own filter, so that a quiet log level does
//! not break trace propagation. Spans are not exported yet: the tracer
//! provider is the place to add an exporter.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogConfig, LogFormat};

/// The spans that carry trace context: the worker's `process` / `decode` /
/// `enrich` / `produce` spans and the core's stage spans.
fn trace_targets() -> Targets {
    Targets::new()
        .with_target("article_enricher", LevelFilter::INFO)
        .with_target("enricher_core", LevelFilter::DEBUG)
}

/// The tracer provider behind the OpenTelemetry layer.
pub fn tracer_provider() -> SdkTracerProvider {
    SdkTracerProvider::builder().build()
}

/// Installs the global subscriber. `RUST_LOG`, when set, wins over
/// `log.level`, following the convention of Rust services.
pub fn init(log: &LogConfig) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&log.level));
    // Colours only on a terminal: not in files or log shippers.
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let fmt = match log.format {
        LogFormat::Text => fmt.boxed(),
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
    };
    let provider = tracer_provider();
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("article-enricher"))
        .with_filter(trace_targets());
    // A second init (as in tests) is harmless: the first subscriber stays.
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(otel)
        .try_init();
}
