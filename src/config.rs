//! Configuration: `config/default.toml` compiled in, then a `--config`
//! file, then `ARTICLE_ENRICHER__SECTION__KEY` environment variables, then
//! command-line flags. Validated once at start, so that a typo stops the
//! program with the key's name instead of surfacing as odd behaviour later.

use std::collections::BTreeMap;
use std::path::Path;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::{Deserialize, Deserializer};

/// The defaults, documented key by key.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Prefix of the environment variables that override configuration keys.
pub const ENV_PREFIX: &str = "ARTICLE_ENRICHER__";

/// The most `worker.enrich_threads` may ask for: more than any host's
/// cores, so a larger number is a typo, not a wish for thousands of
/// threads.
const MAX_ENRICH_THREADS: usize = 1024;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub enrich: EnrichConfig,
    pub log: LogConfig,
    pub kafka: KafkaConfig,
    pub topics: TopicsConfig,
    pub worker: WorkerConfig,
    pub http: HttpConfig,
    pub telemetry: TelemetryConfig,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrichConfig {
    pub max_payload_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    #[serde(deserialize_with = "text")]
    pub brokers: String,
    #[serde(deserialize_with = "text")]
    pub group_id: String,
    #[serde(default, deserialize_with = "text_map")]
    pub properties: BTreeMap<String, String>,
    /// Passed to the consumer only, on top of `properties`.
    #[serde(default, deserialize_with = "text_map")]
    pub consumer_properties: BTreeMap<String, String>,
    /// Passed to the producer only, on top of `properties`.
    #[serde(default, deserialize_with = "text_map")]
    pub producer_properties: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicsConfig {
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub input: Vec<String>,
    #[serde(deserialize_with = "text")]
    pub output: String,
    #[serde(deserialize_with = "text")]
    pub dead_letter: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerConfig {
    pub max_in_flight: usize,
    /// Payload bytes taken and not yet acknowledged, per partition (the
    /// replay: in all); one message larger than this goes alone.
    pub max_in_flight_bytes: usize,
    pub commit_interval_ms: u64,
    pub shutdown_timeout_ms: u64,
    /// false: pass-through (values copied, not enriched), for benchmarks only.
    pub enrich: bool,
    /// Threads that decode, enrich and serialize; 0: one per core.
    pub enrich_threads: usize,
}

/// The operations endpoint (`/healthz`, `/readyz`, `/metrics`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// `host:port` to listen on; empty turns the endpoint off.
    pub listen: String,
    /// librdkafka's `statistics.interval.ms`: how fresh the lag metric and
    /// the broker and group state behind `/readyz` are.
    pub statistics_interval_ms: u64,
}

/// OpenTelemetry span export. Off unless an endpoint is given here or in
/// `OTEL_EXPORTER_OTLP_ENDPOINT`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// Base URL of an OTLP/HTTP collector (`/v1/traces` is appended); wins
    /// over `OTEL_EXPORTER_OTLP_ENDPOINT`.
    #[serde(default)]
    pub otlp_endpoint: Option<String>,
    /// Wins over `OTEL_SERVICE_NAME`; `article-enricher` when neither is set.
    #[serde(default)]
    pub service_name: Option<String>,
    /// Share of new traces exported (0.0 to 1.0); a message whose input
    /// carries a sampled trace context is always exported (parent-based).
    pub sampling_ratio: f64,
    /// Extra resource attributes, on top of `OTEL_RESOURCE_ATTRIBUTES`.
    #[serde(default)]
    pub resource_attributes: BTreeMap<String, String>,
}

/// A configuration that cannot be used, naming the key and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration key `{key}` {problem}")]
    Invalid { key: &'static str, problem: String },
}

impl Config {
    /// Loads the layered configuration. `file` is the `--config` flag.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::Invalid {
                    key: "--config",
                    problem: format!("names {}, which is not a readable file", path.display()),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        let env = Env::prefixed(ENV_PREFIX).split("__");
        let config: Config = figment.merge(env).extract().map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, problem: &str| {
            Err(ConfigError::Invalid {
                key,
                problem: problem.to_owned(),
            })
        };
        if self.enrich.max_payload_bytes == 0 {
            return invalid("enrich.max_payload_bytes", "must be at least 1");
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return Err(ConfigError::Invalid {
                key: "log.level",
                problem: format!(
                    "is not a valid filter ({e}); use e.g. \"info\" or \"article_enricher=debug\""
                ),
            });
        }
        if self.kafka.brokers.trim().is_empty() {
            return invalid(
                "kafka.brokers",
                "is empty; give host:port of at least one broker",
            );
        }
        if self.kafka.group_id.trim().is_empty() {
            return invalid(
                "kafka.group_id",
                "is empty; name the consumer group (ARTICLE_ENRICHER__KAFKA__GROUP_ID)",
            );
        }
        if self.topics.input.is_empty() || self.topics.input.iter().any(|t| t.trim().is_empty()) {
            return invalid(
                "topics.input",
                "must name at least one topic, with no empty names",
            );
        }
        if self.topics.output.trim().is_empty() {
            return invalid(
                "topics.output",
                "is empty; name the topic for enriched events (ARTICLE_ENRICHER__TOPICS__OUTPUT)",
            );
        }
        if self.topics.dead_letter.trim().is_empty() {
            return invalid(
                "topics.dead_letter",
                "is empty; name the topic for dead letters (ARTICLE_ENRICHER__TOPICS__DEAD_LETTER)",
            );
        }
        if self.topics.input.contains(&self.topics.output)
            || self.topics.input.contains(&self.topics.dead_letter)
        {
            return invalid(
                "topics.output",
                "or topics.dead_letter is also an input topic, which would loop forever",
            );
        }
        if self.worker.max_in_flight == 0 {
            return invalid("worker.max_in_flight", "must be at least 1");
        }
        if self.worker.max_in_flight_bytes == 0 {
            return invalid("worker.max_in_flight_bytes", "must be at least 1");
        }
        if self.worker.commit_interval_ms == 0 {
            return invalid("worker.commit_interval_ms", "must be at least 1");
        }
        if self.worker.enrich_threads > MAX_ENRICH_THREADS {
            return invalid(
                "worker.enrich_threads",
                &format!("must be at most {MAX_ENRICH_THREADS} (0: one per core)"),
            );
        }
        self.validate_operations()
    }

    /// The `[http]` and `[telemetry]` sections.
    fn validate_operations(&self) -> Result<(), ConfigError> {
        let invalid = |key, problem: &str| {
            Err(ConfigError::Invalid {
                key,
                problem: problem.to_owned(),
            })
        };
        let listen = self.http.listen.trim();
        if !listen.is_empty() && !is_host_port(listen) {
            return invalid(
                "http.listen",
                "is not a host:port address; use e.g. \"0.0.0.0:9095\", or \"\" to turn the endpoint off",
            );
        }
        if self.http.statistics_interval_ms == 0 {
            return invalid(
                "http.statistics_interval_ms",
                "must be at least 1: /readyz and the lag metric need librdkafka statistics",
            );
        }
        if !(0.0..=1.0).contains(&self.telemetry.sampling_ratio) {
            return invalid(
                "telemetry.sampling_ratio",
                "must be between 0.0 (no new traces) and 1.0 (every trace)",
            );
        }
        if let Some(endpoint) = &self.telemetry.otlp_endpoint {
            if !endpoint.is_empty() && !endpoint.starts_with("http://") {
                return invalid(
                    "telemetry.otlp_endpoint",
                    "must be an http:// URL of an OTLP/HTTP collector (e.g. http://localhost:4318); \
                     for TLS, send to a local OpenTelemetry Collector that forwards over https",
                );
            }
        }
        Ok(())
    }

    pub fn decode_limits(&self) -> enricher_core::DecodeLimits {
        enricher_core::DecodeLimits {
            max_payload_bytes: self.enrich.max_payload_bytes,
        }
    }
}

/// `host:port` with a numeric port (the host is resolved when binding).
fn is_host_port(s: &str) -> bool {
    s.rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok())
}

/// Accepts a TOML list or, from the environment, a comma-separated string.
fn list_or_comma_separated<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Scalar),
        Many(Vec<Scalar>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => String::from(s)
            .split(',')
            .map(|t| t.trim().to_owned())
            .collect(),
        OneOrMany::Many(v) => v.into_iter().map(String::from).collect(),
    })
}

/// A value meant as text but written as a number or a boolean: figment
/// reads `ARTICLE_ENRICHER__KAFKA__GROUP_ID=42` as the number 42, and TOML
/// reads `"linger.ms" = 5` as one. Both mean the text.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "text (a number or true/false is taken as text too)"
)]
enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

impl From<Scalar> for String {
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Text(t) => t,
            Scalar::Integer(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Scalar::deserialize(d).map(String::from)
}

fn text_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = BTreeMap::<String, Scalar>::deserialize(d)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.into())).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error by value
    use super::*;

    #[test]
    fn defaults_load_and_validate() {
        figment::Jail::expect_with(|_| {
            let c = Config::load(None).expect("defaults are valid");
            assert_eq!(c.enrich.max_payload_bytes, 4 * 1024 * 1024);
            assert_eq!(c.topics.input, vec!["articles.raw"]);
            Ok(())
        });
    }

    #[test]
    fn numbers_and_booleans_are_taken_as_text_where_text_is_meant() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("ARTICLE_ENRICHER__KAFKA__GROUP_ID", "42");
            jail.set_env("ARTICLE_ENRICHER__TOPICS__OUTPUT", "2024");
            jail.set_env("ARTICLE_ENRICHER__TOPICS__INPUT", "2023");
            jail.create_file(
                "c.toml",
                "[kafka.producer_properties]\n\"linger.ms\" = 5\n\"enable.ssl.certificate.verification\" = false\n",
            )?;
            let c = Config::load(Some(Path::new("c.toml"))).expect("valid");
            assert_eq!(c.kafka.group_id, "42");
            assert_eq!(c.topics.output, "2024");
            assert_eq!(c.topics.input, ["2023"]);
            assert_eq!(c.kafka.producer_properties["linger.ms"], "5");
            assert_eq!(
                c.kafka.producer_properties["enable.ssl.certificate.verification"],
                "false"
            );
            Ok(())
        });
    }

    #[test]
    fn file_then_env_override() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "[kafka]\nbrokers = \"file:1\"\ngroup_id = \"g\"\n",
            )?;
            jail.set_env("ARTICLE_ENRICHER__KAFKA__GROUP_ID", "from-env");
            jail.set_env("ARTICLE_ENRICHER__TOPICS__INPUT", "a, b");
            let c = Config::load(Some(Path::new("c.toml"))).unwrap();
            assert_eq!(c.kafka.brokers, "file:1");
            assert_eq!(c.kafka.group_id, "from-env");
            assert_eq!(c.topics.input, vec!["a", "b"]);
            Ok(())
        });
    }

    #[test]
    fn unknown_key_is_named() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "[worker]\nmax_inflight = 3\n")?;
            let e = Config::load(Some(Path::new("c.toml")))
                .unwrap_err()
                .to_string();
            assert!(e.contains("max_inflight"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn bad_value_is_named() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT", "0");
            let e = Config::load(None).unwrap_err().to_string();
            assert!(e.contains("worker.max_in_flight"), "{e}");
            jail.set_env("ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT", "3");
            jail.set_env("ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT_BYTES", "0");
            let e = Config::load(None).unwrap_err().to_string();
            assert!(e.contains("worker.max_in_flight_bytes"), "{e}");
            jail.set_env("ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT_BYTES", "1024");
            jail.set_env("ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT", "lots");
            let e = Config::load(None).unwrap_err().to_string().to_lowercase();
            assert!(e.contains("worker.max_in_flight"), "{e}");
            jail.set_env("ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT", "3");
            jail.set_env("ARTICLE_ENRICHER__WORKER__ENRICH_THREADS", "1025");
            let e = Config::load(None).unwrap_err().to_string();
            assert!(e.contains("worker.enrich_threads"), "{e}");
            jail.set_env("ARTICLE_ENRICHER__WORKER__ENRICH_THREADS", "2");
            assert_eq!(Config::load(None).unwrap().worker.enrich_threads, 2);
            Ok(())
        });
    }

    #[test]
    fn operations_keys_are_checked() {
        figment::Jail::expect_with(|jail| {
            let c = Config::load(None).unwrap();
            assert_eq!(c.http.listen, "127.0.0.1:9095");
            assert_eq!(c.telemetry.otlp_endpoint, None);
            jail.set_env("ARTICLE_ENRICHER__HTTP__LISTEN", "localhost");
            let e = Config::load(None).unwrap_err().to_string();
            assert!(e.contains("http.listen"), "{e}");
            jail.set_env("ARTICLE_ENRICHER__HTTP__LISTEN", "");
            assert!(Config::load(None).is_ok(), "empty turns the endpoint off");
            jail.set_env("ARTICLE_ENRICHER__TELEMETRY__SAMPLING_RATIO", "1.5");
            let e = Config::load(None).unwrap_err().to_string();
            assert!(e.contains("telemetry.sampling_ratio"), "{e}");
            jail.set_env("ARTICLE_ENRICHER__TELEMETRY__SAMPLING_RATIO", "0.25");
            jail.set_env(
                "ARTICLE_ENRICHER__TELEMETRY__OTLP_ENDPOINT",
                "collector:4318",
            );
            let e = Config::load(None).unwrap_err().to_string();
            assert!(e.contains("telemetry.otlp_endpoint"), "{e}");
            jail.set_env(
                "ARTICLE_ENRICHER__TELEMETRY__OTLP_ENDPOINT",
                "http://collector:4318",
            );
            jail.set_env(
                "ARTICLE_ENRICHER__TELEMETRY__RESOURCE_ATTRIBUTES__DEPLOYMENT_ENVIRONMENT",
                "prod",
            );
            let c = Config::load(None).unwrap();
            assert_eq!(c.telemetry.sampling_ratio, 0.25);
            assert_eq!(
                c.telemetry
                    .resource_attributes
                    .get("deployment_environment")
                    .map(String::as_str),
                Some("prod")
            );
            Ok(())
        });
    }

    #[test]
    fn missing_config_file_is_named() {
        let e = Config::load(Some(Path::new("/no/such/file.toml")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/no/such/file.toml"), "{e}");
    }
}
