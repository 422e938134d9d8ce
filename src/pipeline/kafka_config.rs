//! librdkafka client configuration from the worker's configuration.
//!
//! The worker sets what at-least-once processing needs; `kafka.properties`
//! is passed through on top (so SASL/SSL and tuning need no code) and wins,
//! except for the few keys the delivery guarantee rests on, which are
//! refused with an explanation. Every property is checked by librdkafka at
//! start, and a rejected one is reported with its key.

use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::error::KafkaError;

use crate::config::Config;

/// Keys the worker owns: overriding them would break at-least-once or the
/// order of outputs. librdkafka's aliases are listed too.
pub const RESERVED: [(&str, &str); 9] = [
    (
        "enable.auto.offset.store",
        "the worker stores an offset only after its output is acknowledged; remove the key",
    ),
    (
        "group.id",
        "set kafka.group_id (ARTICLE_ENRICHER__KAFKA__GROUP_ID) instead",
    ),
    (
        "bootstrap.servers",
        "set kafka.brokers (ARTICLE_ENRICHER__KAFKA__BROKERS) instead",
    ),
    ("acks", ACKS),
    ("request.required.acks", ACKS),
    ("message.timeout.ms", TIMEOUT),
    ("delivery.timeout.ms", TIMEOUT),
    ("max.in.flight.requests.per.connection", IN_FLIGHT),
    ("max.in.flight", IN_FLIGHT),
];

const ACKS: &str = "an input is committed once all in-sync replicas hold its output (acks=all); \
                    fewer could lose an output after its input was committed. Remove the key";
const TIMEOUT: &str = "the producer never gives up on an output (0): the worker would send a \
                       timed-out output again after later ones, out of order. Remove the key";
const IN_FLIGHT: &str = "one produce request in flight keeps the outputs in input order \
                         through retries. Remove the key";

/// A client configuration librdkafka refuses, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum KafkaConfigError {
    #[error("configuration key `kafka.{section}.\"{key}\"` cannot be set: {why}")]
    Reserved {
        /// `properties`, `consumer_properties` or `producer_properties`.
        section: &'static str,
        key: String,
        why: &'static str,
    },
    #[error("configuration key `{source_key}` = {value:?} is rejected by librdkafka: {message}")]
    Rejected {
        source_key: String,
        value: String,
        message: String,
    },
    #[error(
        "cannot create the Kafka {client}: {source}; check the keys of kafka.properties \
         and the {client}'s own section"
    )]
    Other {
        client: &'static str,
        #[source]
        source: KafkaError,
    },
}

impl KafkaConfigError {
    /// Maps a client creation error to the configuration key behind it.
    pub fn from_kafka(client: &'static str, e: KafkaError) -> Self {
        match e {
            KafkaError::ClientConfig(_, message, key, value) => Self::Rejected {
                source_key: config_key_of(&key),
                value,
                message,
            },
            source => Self::Other { client, source },
        }
    }
}

/// The worker configuration key a librdkafka property comes from.
fn config_key_of(property: &str) -> String {
    match property {
        "bootstrap.servers" => "kafka.brokers".to_owned(),
        "group.id" => "kafka.group_id".to_owned(),
        "auto.commit.interval.ms" => "worker.commit_interval_ms".to_owned(),
        other => format!("kafka.properties.\"{other}\" (or kafka.consumer_properties / kafka.producer_properties)"),
    }
}

fn base(config: &Config) -> Result<ClientConfig, KafkaConfigError> {
    let k = &config.kafka;
    let sections = [
        ("properties", &k.properties),
        ("consumer_properties", &k.consumer_properties),
        ("producer_properties", &k.producer_properties),
    ];
    for (section, props) in sections {
        if let Some((key, why)) = RESERVED.iter().find(|(r, _)| props.contains_key(*r)) {
            return Err(KafkaConfigError::Reserved {
                section,
                key: (*key).to_owned(),
                why,
            });
        }
    }
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &config.kafka.brokers)
        .set("client.id", "article-enricher")
        .set_log_level(RDKafkaLogLevel::Warning);
    Ok(c)
}

fn passthrough(
    c: &mut ClientConfig,
    config: &Config,
    own: &std::collections::BTreeMap<String, String>,
) {
    for (k, v) in config.kafka.properties.iter().chain(own) {
        c.set(k, v);
    }
}

/// The consumer: a member of `kafka.group_id`; offsets stored by the worker
/// and committed by librdkafka every `worker.commit_interval_ms` (and
/// synchronously by the worker on revocation and shutdown).
pub fn consumer_config(config: &Config) -> Result<ClientConfig, KafkaConfigError> {
    let mut c = base(config)?;
    c.set("group.id", &config.kafka.group_id)
        .set("enable.auto.commit", "true")
        .set(
            "auto.commit.interval.ms",
            config.worker.commit_interval_ms.to_string(),
        )
        // A new group reads what is already there: no article is skipped.
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false")
        // Prefetch at most 16 MiB per partition (librdkafka's default is
        // 64 MiB): with a deep backlog the prefetch, not the worker's own
        // work, is most of its memory (docs/benchmark-record.md: 269 MiB at the
        // default, 161 MiB at this bound, same throughput).
        .set("queued.max.messages.kbytes", "16384")
        // When that bound is reached, librdkafka waits this long before it
        // fetches the partition again (its default is 1 s): long enough for
        // the worker to empty 16 MiB of ordinary articles and then starve.
        // A replay, whose partitions share one queue and so one bound, ran
        // at half speed (docs/benchmark-record.md: 2,990 against 5,980–6,357
        // articles/s at 10 and 50 ms).
        .set("fetch.queue.backoff.ms", "50")
        // Lag and broker/group state for /metrics and /readyz.
        .set(
            "statistics.interval.ms",
            config.http.statistics_interval_ms.to_string(),
        );
    passthrough(&mut c, config, &config.kafka.consumer_properties);
    c.set("enable.auto.offset.store", "false");
    Ok(c)
}

/// The producer: sends as [`set_delivery`] says, with the partitioner of
/// the Java client, so that consumers in any language agree on where a key
/// goes.
pub fn producer_config(config: &Config) -> Result<ClientConfig, KafkaConfigError> {
    let mut c = base(config)?;
    set_delivery(&mut c).set("partitioner", "murmur2_random");
    passthrough(&mut c, config, &config.kafka.producer_properties);
    Ok(c)
}

/// How records are sent: acks from all in-sync replicas, one produce
/// request in flight per broker connection (so librdkafka's retries cannot
/// reorder records), batches of up to 5 ms. Public so that the pipeline
/// bench's load generator sends the same way.
///
/// Not idempotent, on purpose. librdkafka's idempotent producer (2.12)
/// allows at most 5 *messages* of a partition in flight, so with batches
/// of 5 or more it has one request per partition in flight; and once a
/// batch is due it sets its broker thread's wake-up to "now" before that
/// limit stops the send, so the thread polls with a zero timeout for the
/// whole round trip of every request. Against Tansu at saturation that
/// spin took 0.7 of a core; without it the worker's CPU per output went
/// from 0.39 to 0.08 ms passing through and from 0.79 to 0.32 ms enriching
/// (docs/benchmark-record.md). One request in flight keeps the same
/// order; what is given up is the de-duplication of a retry after a lost
/// acknowledgement, a duplicate that at-least-once delivery allows anyway
/// (a restart re-reads uncommitted work too).
///
/// No delivery timeout (`message.timeout.ms = 0`): librdkafka retries a
/// record until the broker takes it, in order. With a timeout, a long
/// outage fails the queued records one by one, and the worker, which
/// re-sends what failed, would write record N after N+1 had landed.
pub fn set_delivery(c: &mut ClientConfig) -> &mut ClientConfig {
    c.set("enable.idempotence", "false")
        .set("max.in.flight.requests.per.connection", "1")
        .set("acks", "all")
        .set("message.timeout.ms", "0")
        .set("linger.ms", "5")
}

/// Checks both client configurations with librdkafka without connecting,
/// so that a bad property stops the program at start with its key.
pub fn validate(config: &Config) -> Result<(), KafkaConfigError> {
    consumer_config(config)?
        .create_native_config()
        .map_err(|e| KafkaConfigError::from_kafka("consumer", e))?;
    producer_config(config)?
        .create_native_config()
        .map_err(|e| KafkaConfigError::from_kafka("producer", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        use figment::providers::Format;
        let mut c: Config = figment::Figment::from(figment::providers::Toml::string(
            crate::config::DEFAULT_TOML,
        ))
        .extract()
        .unwrap();
        c.kafka.brokers = "b1:9092,b2:9092".into();
        c.kafka.group_id = "g".into();
        c.worker.commit_interval_ms = 1234;
        c
    }

    #[test]
    fn consumer_and_producer_get_what_at_least_once_needs() {
        let c = consumer_config(&config()).unwrap();
        assert_eq!(c.get("bootstrap.servers"), Some("b1:9092,b2:9092"));
        assert_eq!(c.get("group.id"), Some("g"));
        assert_eq!(c.get("enable.auto.offset.store"), Some("false"));
        assert_eq!(c.get("enable.auto.commit"), Some("true"));
        assert_eq!(c.get("auto.commit.interval.ms"), Some("1234"));
        assert_eq!(c.get("queued.max.messages.kbytes"), Some("16384"));
        assert_eq!(c.get("fetch.queue.backoff.ms"), Some("50"));
        let p = producer_config(&config()).unwrap();
        assert_eq!(p.get("enable.idempotence"), Some("false"));
        assert_eq!(p.get("max.in.flight.requests.per.connection"), Some("1"));
        assert_eq!(p.get("acks"), Some("all"));
        assert_eq!(p.get("message.timeout.ms"), Some("0"));
        assert_eq!(p.get("group.id"), None);
        validate(&config()).unwrap();
    }

    #[test]
    fn properties_pass_through_and_win() {
        let mut cfg = config();
        cfg.kafka
            .properties
            .insert("security.protocol".into(), "SASL_SSL".into());
        cfg.kafka
            .properties
            .insert("auto.offset.reset".into(), "latest".into());
        let c = consumer_config(&cfg).unwrap();
        assert_eq!(c.get("security.protocol"), Some("SASL_SSL"));
        assert_eq!(c.get("auto.offset.reset"), Some("latest"));
        let p = producer_config(&cfg).unwrap();
        assert_eq!(p.get("security.protocol"), Some("SASL_SSL"));

        cfg.kafka
            .consumer_properties
            .insert("session.timeout.ms".into(), "6000".into());
        cfg.kafka
            .producer_properties
            .insert("linger.ms".into(), "50".into());
        let c = consumer_config(&cfg).unwrap();
        let p = producer_config(&cfg).unwrap();
        assert_eq!(c.get("session.timeout.ms"), Some("6000"));
        assert_eq!(p.get("session.timeout.ms"), None);
        assert_eq!(p.get("linger.ms"), Some("50"));
        assert_eq!(c.get("linger.ms"), None);
        validate(&cfg).unwrap();
    }

    #[test]
    fn a_property_librdkafka_rejects_fails_naming_the_key() {
        let mut cfg = config();
        cfg.kafka
            .properties
            .insert("fetch.wait.max.msss".into(), "10".into());
        let e = validate(&cfg).unwrap_err().to_string();
        assert!(
            e.contains("kafka.properties.\"fetch.wait.max.msss\""),
            "{e}"
        );

        let mut cfg = config();
        cfg.kafka
            .properties
            .insert("linger.ms".into(), "not a number".into());
        let e = validate(&cfg).unwrap_err().to_string();
        assert!(e.contains("kafka.properties.\"linger.ms\""), "{e}");
    }

    #[test]
    fn reserved_properties_are_refused_with_the_reason() {
        for key in ["enable.auto.offset.store", "group.id", "bootstrap.servers"] {
            let mut cfg = config();
            cfg.kafka.properties.insert(key.into(), "x".into());
            let e = validate(&cfg).unwrap_err().to_string();
            assert!(e.contains(key), "{e}");
        }
        for key in [
            "acks",
            "request.required.acks",
            "message.timeout.ms",
            "max.in.flight",
        ] {
            let mut cfg = config();
            cfg.kafka.producer_properties.insert(key.into(), "1".into());
            let e = validate(&cfg).unwrap_err().to_string();
            assert!(
                e.contains(&format!("kafka.producer_properties.\"{key}\""))
                    && e.contains("Remove the key"),
                "{e}"
            );
        }
    }
}
