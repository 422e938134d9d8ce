//! `article-enricher demo`: the worker against librdkafka's in-process mock
//! cluster, with no broker to install. Creates the topics, produces the
//! bundled sample articles (and any `--article` files), runs the same worker
//! as `run`, prints what comes out on the output and dead-letter topics and
//! exits 0. With `--keep-running` it stays up and tells where to produce.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use futures::StreamExt;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};

use crate::config::Config;
use crate::pipeline::output::{header_list, header_value};
use crate::pipeline::worker::Worker;

/// The bundled samples: (key, payload). See `samples/README.md`.
pub const SAMPLES: [(&str, &str); 4] = [
    (
        "sample-harbour-strike",
        include_str!("../../samples/harbour-plain.txt"),
    ),
    (
        "sample-library-2025",
        include_str!("../../samples/library-event.json"),
    ),
    (
        "sample-river-cleanup",
        include_str!("../../samples/river-event-body.json"),
    ),
    (
        "sample-broken",
        include_str!("../../samples/broken-event.json"),
    ),
];

/// Partitions of the demo's input topic.
const INPUT_PARTITIONS: i32 = 3;

/// A trace context the demo puts on its first sample, to show it continue.
const DEMO_TRACEPARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Also produce this plain-text or JSON article (repeatable), e.g. the
    /// seed article of the shared data.
    #[arg(long, value_name = "FILE")]
    pub article: Vec<PathBuf>,
    /// Stay up after the samples, print the bootstrap address, and keep
    /// enriching whatever is produced to the input topic until Ctrl-C.
    #[arg(long)]
    pub keep_running: bool,
    /// Indent the printed JSON.
    #[arg(long)]
    pub pretty: bool,
    /// Give up when the samples' outputs have not all arrived after this
    /// many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
}

pub fn run(args: &DemoArgs, mut config: Config) -> anyhow::Result<()> {
    let mut articles: Vec<(String, Vec<u8>)> = SAMPLES
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
        .collect();
    for path in &args.article {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read --article {}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "article".to_owned());
        articles.push((name, bytes));
    }

    let rt = super::run::runtime()?;
    rt.block_on(async move {
        let cluster = MockCluster::new(1).context("cannot start librdkafka's mock cluster")?;
        let brokers = cluster.bootstrap_servers();
        let input = config.topics.input[0].clone();
        cluster
            .create_topic(&input, INPUT_PARTITIONS, 1)
            .context("cannot create the input topic")?;
        cluster.create_topic(&config.topics.output, 3, 1)?;
        cluster.create_topic(&config.topics.dead_letter, 1, 1)?;
        config.kafka.brokers = brokers.clone();
        config.kafka.group_id = "article-enricher-demo".to_owned();
        config.worker.commit_interval_ms = 1000;
        config.worker.shutdown_timeout_ms = config.worker.shutdown_timeout_ms.min(5000);
        config.validate()?;
        eprintln!("demo: mock Kafka cluster at {brokers}");

        let reader = reader(&brokers, &config)?;
        let worker = Worker::start(&config)?;
        produce(&brokers, &input, &articles).await?;
        eprintln!(
            "demo: produced {} raw events to `{input}`; waiting for the worker's output",
            articles.len()
        );

        let mut stream = reader.stream();
        let mut seen = 0usize;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout_secs);
        while seen < articles.len() {
            let next = tokio::time::timeout_at(deadline, stream.next()).await;
            let Ok(Some(m)) = next else {
                worker.shutdown().await;
                bail!(
                    "only {seen} of {} outputs arrived within {} s; the log above says \
                     what the worker did (raise the wait with --timeout-secs on a slow machine)",
                    articles.len(),
                    args.timeout_secs
                );
            };
            print_output(&m.context("cannot read the output")?, &config, args.pretty);
            seen += 1;
        }
        eprintln!(
            "demo: {seen} raw events in, {seen} out (enriched or dead-lettered), as in production"
        );
        if args.keep_running {
            eprintln!(
                "demo: still running. Produce raw events to `{input}` at bootstrap address {brokers} \
                 with any Kafka client; enriched events appear below. Ctrl-C to stop."
            );
            println!("bootstrap.servers={brokers}");
            let mut stop = std::pin::pin!(super::run::shutdown_signal());
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    m = stream.next() => if let Some(Ok(m)) = m {
                        print_output(&m, &config, args.pretty);
                    },
                }
            }
        }
        drop(stream);
        drop(reader);
        worker.shutdown().await;
        // Last: the clients above must not outlive their broker.
        drop(cluster);
        Ok(())
    })
}

async fn produce(brokers: &str, topic: &str, articles: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .context("cannot create the demo producer")?;
    for (i, (key, payload)) in articles.iter().enumerate() {
        // Spread over the partitions, so that they are processed in parallel.
        let mut record = FutureRecord::to(topic)
            .key(key)
            .payload(payload)
            .partition((i % INPUT_PARTITIONS as usize) as i32);
        if i == 0 {
            record = record.headers(OwnedHeaders::new().insert(Header {
                key: "traceparent",
                value: Some(DEMO_TRACEPARENT),
            }));
        }
        producer
            .send(record, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| e)
            .with_context(|| format!("cannot produce sample {key}"))?;
    }
    Ok(())
}

fn reader(brokers: &str, config: &Config) -> anyhow::Result<StreamConsumer> {
    let reader: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", "article-enricher-demo-reader")
        .set("enable.auto.commit", "false")
        .create()
        .context("cannot create the demo reader")?;
    let mut tpl = TopicPartitionList::new();
    for p in 0..3 {
        tpl.add_partition_offset(&config.topics.output, p, Offset::Beginning)?;
    }
    tpl.add_partition_offset(&config.topics.dead_letter, 0, Offset::Beginning)?;
    reader.assign(&tpl)?;
    Ok(reader)
}

fn print_output(m: &rdkafka::message::BorrowedMessage<'_>, config: &Config, pretty: bool) {
    let headers = header_list(m);
    let h = |name| header_value(&headers, name).unwrap_or("-").to_owned();
    let key = m
        .key()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .unwrap_or_default();
    let payload = m.payload().unwrap_or_default();
    if m.topic() == config.topics.dead_letter {
        println!(
            "# dead letter  key={key}  error-kind={}  from {}/{}@{}\n#   error-message: {}",
            h("error-kind"),
            h("source-topic"),
            h("source-partition"),
            h("source-offset"),
            h("error-message"),
        );
        println!("{}", String::from_utf8_lossy(payload));
        return;
    }
    println!(
        "# enriched  key={key}  schema-version={}  traceparent={}  from {}/{}@{}",
        h("schema-version"),
        h("traceparent"),
        h("source-topic"),
        h("source-partition"),
        h("source-offset"),
    );
    let text = match serde_json::from_slice::<serde_json::Value>(payload) {
        Ok(v) if pretty => serde_json::to_string_pretty(&v).unwrap_or_default(),
        _ => String::from_utf8_lossy(payload).into_owned(),
    };
    println!("{text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use enricher_core::{decode, DecodeLimits};

    #[test]
    fn samples_decode_as_documented() {
        let limits = DecodeLimits::default();
        for (key, payload) in SAMPLES {
            let r = decode(payload.as_bytes(), Some(key.as_bytes()), &limits);
            if key == "sample-broken" {
                assert_eq!(r.unwrap_err().kind.as_str(), "invalid_json");
            } else {
                assert_eq!(r.unwrap().id, key, "the id is the key or the JSON id");
            }
        }
    }
}
