//! Logging and tracing setup. Everything the worker logs goes through
//! `tracing` to stderr (stdout is for data: `enrich` and `demo` write
//! events there).
//!
//! Two layers: the log output (human-readable or JSON, filtered by
//! `log.level` / `RUST_LOG`), and OpenTelemetry, which gives the worker's
//! spans W3C trace and span ids so that the trace context of an input
//! message continues in its output (see `pipeline::trace_context`). The
//! OpenTelemetry layer has its own filter, so that a quiet log level does
//! not break trace propagation.
//!
//! Spans are exported over OTLP/HTTP (protobuf) only when an endpoint is
//! configured (`telemetry.otlp_endpoint`, or the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`):
//! otherwise the tracer provider has no exporter and spans end in memory,
//! as before. Export runs on the SDK's batch thread, off the runtime.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogConfig, LogFormat, TelemetryConfig};

/// The service name when neither `telemetry.service_name` nor
/// `OTEL_SERVICE_NAME` gives one.
pub const DEFAULT_SERVICE_NAME: &str = "article-enricher";

/// Span export cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error(
        "RUST_LOG={value:?} is not a valid log filter ({source}); use e.g. \"info\" or \
         \"info,article_enricher=debug\", or unset it to use log.level"
    )]
    LogFilter {
        value: String,
        #[source]
        source: tracing_subscriber::filter::ParseError,
    },
    #[error(
        "cannot set up span export to {endpoint}: {source}; check telemetry.otlp_endpoint \
         (or OTEL_EXPORTER_OTLP_ENDPOINT), or unset it to turn export off"
    )]
    Exporter {
        endpoint: String,
        #[source]
        source: opentelemetry_otlp::ExporterBuildError,
    },
}

/// Where spans go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Export {
    Off,
    /// The full URL of the traces endpoint.
    To(String),
    /// The `OTEL_EXPORTER_OTLP_*` variables say; the exporter reads them.
    FromEnvironment(String),
}

/// The export target: the configuration key wins over the environment.
fn export_target(config: &TelemetryConfig, env: impl Fn(&str) -> Option<String>) -> Export {
    if let Some(base) = config.otlp_endpoint.as_deref().filter(|e| !e.is_empty()) {
        return Export::To(format!("{}/v1/traces", base.trim_end_matches('/')));
    }
    [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .into_iter()
    .find_map(|var| env(var).filter(|v| !v.is_empty()))
    .map_or(Export::Off, Export::FromEnvironment)
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The `service.name` resource attribute.
fn service_name(config: &TelemetryConfig, env: impl Fn(&str) -> Option<String>) -> String {
    config
        .service_name
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| env("OTEL_SERVICE_NAME").filter(|s| !s.is_empty()))
        .unwrap_or_else(|| DEFAULT_SERVICE_NAME.to_owned())
}

/// The spans that carry trace context: the worker's `process` / `decode` /
/// `enrich` / `produce` spans, always (their ids continue the input's
/// trace in the output's headers), and the core's spans (its `enrich` and
/// the stages `boilerplate`, `metadata`, `entities`, `quotes`) only when
/// spans are exported. Unexported, those are five spans per article that
/// nobody reads: with them the enrichment threads spent ~8 % of their
/// time in `tracing` and OpenTelemetry, without them ~4.5 % (perf,
/// docs/benchmark-record.md).
fn trace_targets(exporting: bool) -> Targets {
    let targets = Targets::new().with_target("article_enricher", LevelFilter::INFO);
    if exporting {
        targets.with_target("enricher_core", LevelFilter::DEBUG)
    } else {
        targets
    }
}

/// The tracer provider behind the OpenTelemetry layer: with a batch OTLP
/// exporter when export is on, with none (no cost beyond the ids) when off.
pub fn tracer_provider(config: &TelemetryConfig) -> Result<SdkTracerProvider, TelemetryError> {
    let (url, endpoint) = match export_target(config, env_var) {
        Export::Off => return Ok(SdkTracerProvider::builder().build()),
        Export::To(url) => (Some(url.clone()), url),
        Export::FromEnvironment(base) => (None, base),
    };
    let mut builder = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary);
    if let Some(url) = url {
        builder = builder.with_endpoint(url);
    }
    let exporter = builder
        .build()
        .map_err(|source| TelemetryError::Exporter { endpoint, source })?;
    let resource = Resource::builder()
        .with_service_name(service_name(config, env_var))
        .with_attributes(
            config
                .resource_attributes
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone())),
        )
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            config.sampling_ratio,
        ))))
        .with_resource(resource)
        .build())
}

/// Keeps the tracer provider; dropping it flushes the spans not yet
/// exported (bounded by the exporter's timeout), so keep it until the end
/// of `main`.
pub struct Telemetry {
    provider: SdkTracerProvider,
    exporting: bool,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        // Without an exporter there is nothing to flush.
        if !self.exporting {
            return;
        }
        if let Err(e) = self.provider.shutdown() {
            tracing::warn!("spans not exported at exit: {e}");
        }
    }
}

/// The log filter: `rust_log` (the variable's value) when set, else
/// `level` (validated with the configuration). An invalid `RUST_LOG` is an
/// error: ignoring it would hide the logs its user asked for.
fn log_filter(rust_log: Option<String>, level: &str) -> Result<EnvFilter, TelemetryError> {
    match rust_log.filter(|v| !v.trim().is_empty()) {
        Some(value) => {
            EnvFilter::try_new(&value).map_err(|source| TelemetryError::LogFilter { value, source })
        }
        None => Ok(EnvFilter::new(level)),
    }
}

/// Installs the global subscriber. `RUST_LOG`, when set, wins over
/// `log.level`, following the convention of Rust services.
pub fn init(log: &LogConfig, telemetry: &TelemetryConfig) -> Result<Telemetry, TelemetryError> {
    let filter = log_filter(std::env::var(EnvFilter::DEFAULT_ENV).ok(), &log.level)?;
    // Colours only on a terminal: not in files or log shippers.
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let fmt = match log.format {
        LogFormat::Text => fmt.boxed(),
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
    };
    let exporting = export_target(telemetry, env_var) != Export::Off;
    let provider = tracer_provider(telemetry)?;
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("article-enricher"))
        .with_filter(trace_targets(exporting));
    // A second init (as in tests) is harmless: the first subscriber stays.
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(otel)
        .try_init();
    Ok(Telemetry {
        provider,
        exporting,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_rust_log_is_an_error_naming_it() {
        let e = log_filter(Some("info,article_enricher=loud".into()), "info").unwrap_err();
        assert!(
            e.to_string()
                .contains("RUST_LOG=\"info,article_enricher=loud\""),
            "{e}"
        );
        assert!(log_filter(Some("warn,article_enricher=debug".into()), "info").is_ok());
        assert_eq!(
            log_filter(Some(" ".into()), "debug").unwrap().to_string(),
            "debug"
        );
        assert_eq!(log_filter(None, "debug").unwrap().to_string(), "debug");
    }

    fn config(endpoint: Option<&str>, name: Option<&str>) -> TelemetryConfig {
        TelemetryConfig {
            otlp_endpoint: endpoint.map(str::to_owned),
            service_name: name.map(str::to_owned),
            sampling_ratio: 1.0,
            resource_attributes: Default::default(),
        }
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn stage_spans_carry_trace_context_only_when_exported() {
        use tracing::Level;
        for exporting in [false, true] {
            let t = trace_targets(exporting);
            assert!(t.would_enable("article_enricher::pipeline", &Level::INFO));
            assert!(!t.would_enable("article_enricher::pipeline", &Level::DEBUG));
            assert_eq!(t.would_enable("enricher_core", &Level::DEBUG), exporting);
        }
    }

    #[test]
    fn export_is_off_unless_an_endpoint_is_given() {
        assert_eq!(export_target(&config(None, None), env(&[])), Export::Off);
        assert_eq!(
            export_target(&config(Some(""), None), env(&[])),
            Export::Off
        );
        assert_eq!(
            export_target(
                &config(None, None),
                env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")])
            ),
            Export::FromEnvironment("http://c:4318".into())
        );
    }

    #[test]
    fn the_configuration_key_wins_and_gets_the_traces_path() {
        let e = env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318")]);
        assert_eq!(
            export_target(&config(Some("http://collector:4318/"), None), e),
            Export::To("http://collector:4318/v1/traces".into())
        );
    }

    #[test]
    fn service_name_precedence() {
        let e = env(&[("OTEL_SERVICE_NAME", "from-env")]);
        assert_eq!(
            service_name(&config(None, Some("from-config")), &e),
            "from-config"
        );
        assert_eq!(service_name(&config(None, None), &e), "from-env");
        assert_eq!(
            service_name(&config(None, None), env(&[])),
            DEFAULT_SERVICE_NAME
        );
    }
}
