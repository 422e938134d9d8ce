//! Replay (backfill): re-enrich a bounded range of an input topic into a
//! chosen output topic, without touching the live consumer group.
//!
//! - [`range`]: START/END, parsed and resolved to offsets (pure, with the
//!   brokers behind a trait; [`KafkaLookup`] is the Kafka side);
//! - [`pace`]: the `--max-rate` pacer;
//! - [`progress`]: the bar or the log lines.
//!
//! The consumer uses `assign`, never `subscribe`: it joins no group, so the
//! live group's members and committed offsets are untouched. Its group id is
//! the checkpoint's (`article-enricher-replay-NAME`) or a throwaway one, and
//! it commits only with `--checkpoint`, only positions whose outputs (and
//! every lower offset's) the broker acknowledged, the worker's
//! [`OffsetTracker`] rule. Each message goes through the worker's
//! [`process::process`], so values are byte-identical to what `run` writes;
//! the only addition is the `replay-id` header.

pub mod pace;
pub mod progress;
pub mod range;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::{FutureExt, OptionFuture};
use futures::stream::{FuturesOrdered, FuturesUnordered, StreamExt};
use rdkafka::config::{ClientConfig, FromClientConfigAndContext};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, StreamConsumer};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::{Offset, TopicPartitionList};
use tracing::{debug, error, info, warn};

use self::pace::Pacer;
use self::progress::Progress;
use self::range::{End, Lookup, Plan, RangeError, Request, Start};
use super::cpu_pool::{CpuPool, CpuPoolError};
use super::in_flight::InFlight;
use super::kafka_config::{self, KafkaConfigError};
use super::offsets::OffsetTracker;
use super::output::{InputMessage, Outcome, OutputRecord};
use super::process::{self, Destinations};
use super::worker::{self, BoxFuture, KafkaLogContext, Stats, WorkerProducer};
use crate::config::Config;

/// The header that marks an output as written by a replay, and which one.
pub const REPLAY_ID: &str = "replay-id";

/// How long a metadata, watermark or offset lookup may take.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The consumer group under which `--checkpoint NAME` stores progress.
pub fn checkpoint_group(name: &str) -> String {
    format!("article-enricher-replay-{name}")
}

/// What to replay and where to, after flags and configuration are merged.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    pub input: String,
    pub output: String,
    pub dead_letter: String,
    pub start: Start,
    pub end: End,
    pub partitions: Option<Vec<i32>>,
    pub max_rate: Option<u32>,
    pub checkpoint: Option<String>,
    /// The value of the `replay-id` header.
    pub replay_id: String,
    /// Interval of the progress log lines when stderr is not a terminal.
    pub progress_every: Duration,
}

impl ReplayOptions {
    fn checkpoint_group(&self) -> Option<String> {
        self.checkpoint.as_deref().map(checkpoint_group)
    }

    /// The group id of the replay's consumer: the checkpoint's, or one of
    /// its own that never commits. Never the live group.
    fn consumer_group(&self) -> String {
        self.checkpoint_group()
            .unwrap_or_else(|| format!("article-enricher-replay-{}", self.replay_id))
    }
}

/// Why a replay could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Config(#[from] KafkaConfigError),
    #[error(transparent)]
    Range(#[from] RangeError),
    #[error(transparent)]
    CpuPool(#[from] CpuPoolError),
    #[error("cannot assign the input partitions: {0}; check that the topic still exists")]
    Assign(#[source] KafkaError),
    #[error("cannot commit the checkpoint {group}: {source}; the next run with the same --checkpoint repeats what this one did since its last commit")]
    Commit {
        group: String,
        #[source]
        source: KafkaError,
    },
}

/// The replay consumer logs through `tracing`, like the worker's clients,
/// and reports checkpoint commits that failed.
impl ConsumerContext for KafkaLogContext {
    fn commit_callback(&self, result: rdkafka::error::KafkaResult<()>, _: &TopicPartitionList) {
        match result {
            Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            Err(e) => warn!(
                "checkpoint commit failed: {e}; a later commit (at the latest the one at the end) covers it"
            ),
        }
    }
}

type ReplayConsumer = StreamConsumer<KafkaLogContext>;

/// A consumer with `group` as group id that never commits by itself and
/// reports the end of each partition.
fn consumer_config(config: &Config, group: &str) -> Result<ClientConfig, KafkaConfigError> {
    let mut c = kafka_config::consumer_config(config)?;
    c.set("group.id", group)
        .set("client.id", "article-enricher-replay")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        // Offsets deleted under a running replay are reported, not jumped
        // over: see `Replay::skip_deleted`.
        .set("auto.offset.reset", "error");
    Ok(c)
}

fn base_consumer(
    config: &Config,
    group: &str,
) -> Result<BaseConsumer<KafkaLogContext>, KafkaConfigError> {
    BaseConsumer::from_config_and_context(
        &consumer_config(config, group)?,
        KafkaLogContext {
            brokers: config.kafka.brokers.clone(),
        },
    )
    .map_err(|e| KafkaConfigError::from_kafka("consumer", e))
}

/// [`Lookup`] against the brokers. Group positions are read with a consumer
/// of that group id that never subscribes or commits (an OffsetFetch only).
pub struct KafkaLookup<'a> {
    config: &'a Config,
    consumer: BaseConsumer<KafkaLogContext>,
}

impl<'a> KafkaLookup<'a> {
    pub fn new(config: &'a Config, group: &str) -> Result<Self, KafkaConfigError> {
        Ok(Self {
            config,
            consumer: base_consumer(config, group)?,
        })
    }
}

fn lookup_error(what: String, e: KafkaError) -> RangeError {
    RangeError::Lookup {
        what,
        message: e.to_string(),
    }
}

fn partition_list(
    topic: &str,
    partitions: &[i32],
    offset: Offset,
) -> Result<TopicPartitionList, KafkaError> {
    let mut tpl = TopicPartitionList::new();
    for &p in partitions {
        tpl.add_partition_offset(topic, p, offset)?;
    }
    Ok(tpl)
}

fn offsets_of(tpl: &TopicPartitionList) -> BTreeMap<i32, Option<i64>> {
    tpl.elements()
        .iter()
        .map(|e| match e.offset() {
            Offset::Offset(o) if o >= 0 => (e.partition(), Some(o)),
            _ => (e.partition(), None),
        })
        .collect()
}

impl Lookup for KafkaLookup<'_> {
    fn partitions(&self, topic: &str) -> Result<Option<Vec<i32>>, RangeError> {
        let md = self
            .consumer
            .fetch_metadata(Some(topic), LOOKUP_TIMEOUT)
            .map_err(|e| lookup_error(format!("read the metadata of topic `{topic}`"), e))?;
        Ok(md
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty())
            .map(|t| t.partitions().iter().map(|p| p.id()).collect()))
    }

    fn watermarks(&self, topic: &str, partition: i32) -> Result<(i64, i64), RangeError> {
        self.consumer
            .fetch_watermarks(topic, partition, LOOKUP_TIMEOUT)
            .map_err(|e| lookup_error(format!("read the watermarks of {topic}/{partition}"), e))
    }

    fn offsets_for_time(
        &self,
        topic: &str,
        partitions: &[i32],
        time: chrono::DateTime<chrono::Utc>,
    ) -> Result<BTreeMap<i32, Option<i64>>, RangeError> {
        let what = || format!("look up the offsets of topic `{topic}` at {time}");
        let tpl = partition_list(topic, partitions, Offset::Offset(time.timestamp_millis()))
            .map_err(|e| lookup_error(what(), e))?;
        let found = self
            .consumer
            .offsets_for_times(tpl, LOOKUP_TIMEOUT)
            .map_err(|e| lookup_error(what(), e))?;
        Ok(offsets_of(&found))
    }

    fn committed(
        &self,
        group: &str,
        topic: &str,
        partitions: &[i32],
    ) -> Result<BTreeMap<i32, Option<i64>>, RangeError> {
        let what = || format!("read the committed offsets of group `{group}`");
        let consumer = base_consumer(self.config, group).map_err(|e| RangeError::Lookup {
            what: what(),
            message: e.to_string(),
        })?;
        let tpl = partition_list(topic, partitions, Offset::Invalid)
            .map_err(|e| lookup_error(what(), e))?;
        let found = consumer
            .committed_offsets(tpl, LOOKUP_TIMEOUT)
            .map_err(|e| lookup_error(what(), e))?;
        Ok(offsets_of(&found))
    }
}

/// Resolves the options to offsets against the brokers (blocking).
pub fn plan(config: &Config, opts: &ReplayOptions) -> Result<Plan, ReplayError> {
    kafka_config::validate(config)?;
    let lookup = KafkaLookup::new(config, &opts.consumer_group())?;
    let group = opts.checkpoint_group();
    let plan = range::resolve(
        &Request {
            topic: &opts.input,
            start: &opts.start,
            end: &opts.end,
            partitions: opts.partitions.as_deref(),
            checkpoint_group: group.as_deref(),
        },
        &lookup,
    )?;
    Ok(plan)
}

/// What one partition did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionReport {
    /// Messages taken and acknowledged.
    pub messages: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// True when every offset of the range was handled.
    pub complete: bool,
    /// Parts of the range (half-open) that retention deleted before the
    /// replay could read them.
    pub deleted: Vec<(i64, i64)>,
}

/// What a replay did.
#[derive(Debug, Clone)]
pub struct Summary {
    pub replay_id: String,
    pub plan: Plan,
    pub messages: u64,
    pub enriched: u64,
    pub dead_lettered: u64,
    pub produce_retries: u64,
    /// Offsets taken but left unacknowledged when the drain timed out.
    pub abandoned: u64,
    pub partitions: BTreeMap<i32, PartitionReport>,
    pub duration: Duration,
    /// Stopped by SIGINT/SIGTERM before every partition reached its END.
    pub interrupted: bool,
    pub checkpoint: Option<String>,
}

impl Summary {
    pub fn rate(&self) -> f64 {
        let secs = self.duration.as_secs_f64();
        if secs > 0.0 {
            self.messages as f64 / secs
        } else {
            0.0
        }
    }

    /// Offsets of the ranges that retention deleted before they were read.
    pub fn deleted(&self) -> i64 {
        self.partitions
            .values()
            .flat_map(|p| &p.deleted)
            .map(|(from, to)| to - from)
            .sum()
    }
}

/// The state of one replayed partition.
struct PartitionState {
    start: i64,
    end: i64,
    tracker: OffsetTracker,
    /// No more messages are taken: END reached (or the partition's end).
    reached_end: bool,
    report: PartitionReport,
    /// The checkpoint position last committed.
    committed: Option<i64>,
}

impl PartitionState {
    /// The position a checkpoint may store: everything below it is done.
    fn position(&self) -> Option<i64> {
        if self.reached_end && self.tracker.is_idle() {
            Some(self.end)
        } else {
            self.tracker.position()
        }
    }

    fn finished(&self) -> bool {
        self.reached_end && self.tracker.is_idle()
    }

    /// The offset the consumer reads next in this partition.
    fn next(&self) -> i64 {
        self.report.last.map_or(self.start, |last| last + 1)
    }
}

type Processing =
    std::pin::Pin<Box<dyn Future<Output = (OutputRecord, tracing::Span, i32, i64)> + Send>>;
type Delivering = BoxFuture<(i32, i64, Outcome)>;

/// A replay in progress.
struct Replay {
    config: Config,
    opts: ReplayOptions,
    consumer: Arc<ReplayConsumer>,
    producer: WorkerProducer,
    stats: Arc<Stats>,
    states: BTreeMap<i32, PartitionState>,
    to: Destinations,
    /// The threads, one per core, that decode, enrich and serialize, as
    /// in the worker.
    cpu: Arc<CpuPool>,
    /// When SIGINT/SIGTERM came: the drain, flush and commit then share
    /// `worker.shutdown_timeout_ms`, as in the worker.
    stop_requested: Option<Instant>,
}

/// Runs the replay of `plan` until every partition reaches its END or
/// `shutdown` completes; then drains, commits the checkpoint and returns
/// what it did. Must run inside a tokio runtime.
pub async fn execute(
    config: &Config,
    opts: &ReplayOptions,
    plan: Plan,
    shutdown: impl Future<Output = ()>,
) -> Result<Summary, ReplayError> {
    let started = Instant::now();
    let mut replay = Replay::start(config, opts, &plan)?;
    info!(
        replay_id = %opts.replay_id,
        input = %opts.input,
        output = %opts.output,
        dead_letter = %opts.dead_letter,
        messages = plan.total(),
        checkpoint = opts.checkpoint_group().as_deref().unwrap_or("none"),
        enrich_threads = replay.cpu.threads(),
        "replay started"
    );
    let signalled = replay.run(plan.total(), shutdown).await;
    replay.finish().await?;
    // A signal that came while the last outputs were being acknowledged
    // interrupted nothing.
    let interrupted = signalled && !replay.states.values().all(PartitionState::finished);
    let s = &replay.stats;
    Ok(Summary {
        replay_id: opts.replay_id.clone(),
        messages: Stats::get(&s.enriched) + Stats::get(&s.dead_lettered),
        enriched: Stats::get(&s.enriched),
        dead_lettered: Stats::get(&s.dead_lettered),
        produce_retries: Stats::get(&s.produce_retries),
        abandoned: Stats::get(&s.abandoned),
        partitions: replay
            .states
            .iter()
            .map(|(p, st)| {
                let mut r = st.report.clone();
                r.complete = st.finished();
                (*p, r)
            })
            .collect(),
        plan,
        duration: started.elapsed(),
        interrupted,
        checkpoint: opts.checkpoint.clone(),
    })
}

impl Replay {
    fn start(config: &Config, opts: &ReplayOptions, plan: &Plan) -> Result<Self, ReplayError> {
        let producer: WorkerProducer = FutureProducer::from_config_and_context(
            &kafka_config::producer_config(config)?,
            KafkaLogContext {
                brokers: config.kafka.brokers.clone(),
            },
        )
        .map_err(|e| KafkaConfigError::from_kafka("producer", e))?;
        let consumer: ReplayConsumer = StreamConsumer::from_config_and_context(
            &consumer_config(config, &opts.consumer_group())?,
            KafkaLogContext {
                brokers: config.kafka.brokers.clone(),
            },
        )
        .map_err(|e| KafkaConfigError::from_kafka("consumer", e))?;
        let mut tpl = TopicPartitionList::new();
        let mut states = BTreeMap::new();
        for r in &plan.ranges {
            let st = PartitionState {
                start: r.start,
                end: r.end,
                tracker: OffsetTracker::new(),
                reached_end: r.is_empty(),
                report: PartitionReport::default(),
                committed: None,
            };
            // Empty ranges are not assigned: there is nothing to wait for.
            if !r.is_empty() {
                tpl.add_partition_offset(&plan.topic, r.partition, Offset::Offset(r.start))
                    .map_err(ReplayError::Assign)?;
            }
            states.insert(r.partition, st);
        }
        consumer.assign(&tpl).map_err(ReplayError::Assign)?;
        Ok(Self {
            config: config.clone(),
            opts: opts.clone(),
            consumer: Arc::new(consumer),
            producer,
            stats: Arc::new(Stats::default()),
            states,
            to: Destinations {
                output: opts.output.clone(),
                dead_letter: opts.dead_letter.clone(),
                pass_through: !config.worker.enrich,
            },
            cpu: Arc::new(CpuPool::configured(config.worker.enrich_threads)?),
            stop_requested: None,
        })
    }

    fn all_reached_end(&self) -> bool {
        self.states.values().all(|s| s.reached_end)
    }

    /// The main loop; returns true when `shutdown` interrupted it.
    async fn run(&mut self, total: u64, shutdown: impl Future<Output = ()>) -> bool {
        tokio::pin!(shutdown);
        let shutdown_timeout = Duration::from_millis(self.config.worker.shutdown_timeout_ms);
        let mut commit_tick =
            tokio::time::interval(Duration::from_millis(self.config.worker.commit_interval_ms));
        commit_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let checkpointing = self.opts.checkpoint.is_some();
        let mut pacer = Pacer::new(self.opts.max_rate);
        let mut progress = Progress::new(total, self.opts.progress_every);
        let mut processing: FuturesOrdered<Processing> = FuturesOrdered::new();
        let mut delivering: FuturesUnordered<Delivering> = FuturesUnordered::new();
        let mut in_flight = InFlight::new(
            self.config.worker.max_in_flight,
            self.config.worker.max_in_flight_bytes,
        );
        // The one output being enqueued: a select arm of its own, as in the
        // worker, so that it cannot hold up a stop or the drain deadline.
        let mut enqueuing: Option<BoxFuture<Delivering>> = None;
        let mut deadline: Option<tokio::time::Instant> = None;
        let consumer = self.consumer.clone();
        loop {
            let stopping = deadline.is_some() || self.all_reached_end();
            if stopping && processing.is_empty() && enqueuing.is_none() && delivering.is_empty() {
                break;
            }
            let now = tokio::time::Instant::now();
            let pace = pacer.wait_until(now).filter(|_| !stopping);
            let can_take = !stopping && in_flight.has_room() && pace.is_none();
            tokio::select! {
                biased;
                _ = &mut shutdown, if deadline.is_none() => {
                    info!("stopping the replay: finishing in-flight messages");
                    self.stop_requested = Some(Instant::now());
                    deadline = Some(tokio::time::Instant::now() + worker::drain_timeout(shutdown_timeout));
                }
                Some((p, offset, outcome)) = delivering.next(), if !delivering.is_empty() => {
                    in_flight.done(&(p, offset));
                    self.acknowledged(p, offset, &outcome);
                    progress.inc();
                }
                Some(delivery) = OptionFuture::from(enqueuing.as_mut()), if enqueuing.is_some() => {
                    enqueuing = None;
                    delivering.push(delivery);
                }
                Some((record, span, p, offset)) = processing.next(), if enqueuing.is_none() && !processing.is_empty() => {
                    enqueuing = Some(self.produce(record, span, p, offset));
                }
                _ = commit_tick.tick(), if checkpointing => {
                    self.commit_async();
                }
                _ = tokio::time::sleep_until(pace.unwrap_or(now)), if pace.is_some() => {}
                m = consumer.recv(), if can_take => match m {
                    Ok(m) => {
                        let input = InputMessage::from_kafka(&m);
                        let (key, bytes) = ((input.partition, input.offset), input.payload_len());
                        if let Some(p) = self.take(input) {
                            pacer.taken(tokio::time::Instant::now());
                            processing.push_back(p);
                            in_flight.take(key, bytes);
                        }
                    }
                    Err(KafkaError::PartitionEOF(p)) => self.reached_end(p, "end of partition"),
                    Err(KafkaError::MessageConsumption(RDKafkaErrorCode::AutoOffsetReset)) => {
                        self.skip_deleted().await
                    }
                    Err(e) => warn!("Kafka consumer error: {e}"),
                },
                _ = tokio::time::sleep_until(deadline.unwrap_or(now)), if deadline.is_some() => {
                    self.abandon();
                    break;
                }
            }
        }
        progress.finish();
        debug!("replay loop done");
        deadline.is_some()
    }

    /// Stops taking messages of partition `p` (END reached).
    fn reached_end(&mut self, p: i32, why: &str) {
        let Some(st) = self.states.get_mut(&p) else {
            return;
        };
        if st.reached_end {
            return;
        }
        st.reached_end = true;
        debug!(partition = p, end = st.end, "{why}: partition done");
        let mut tpl = TopicPartitionList::new();
        if tpl
            .add_partition(&self.opts.input, p)
            .set_offset(Offset::Offset(st.end))
            .is_ok()
        {
            if let Err(e) = self.consumer.pause(&tpl) {
                debug!(partition = p, "cannot pause a finished partition: {e}");
            }
        }
    }

    /// Handles the consumer's report that the next offset of a partition is
    /// no longer stored: retention deleted it between the plan and the
    /// fetch. (The consumer's `auto.offset.reset` is `error`; with
    /// `earliest` librdkafka would jump over the gap without a word.) The
    /// report does not name the partition, so each unfinished one is
    /// checked against its watermarks; a deleted part of the range is
    /// recorded and logged, and the partition goes on from the oldest
    /// offset still stored. A log that now ends before the replay's
    /// position (a recreated topic) ends the partition the same way.
    async fn skip_deleted(&mut self) {
        let unfinished: Vec<(i32, i64)> = self
            .states
            .iter()
            .filter(|(_, st)| !st.reached_end)
            .map(|(p, st)| (*p, st.next()))
            .collect();
        for (p, next) in unfinished {
            let (low, high) = match self
                .blocking(move |c, topic| c.fetch_watermarks(topic, p, LOOKUP_TIMEOUT))
                .await
            {
                Ok(watermarks) => watermarks,
                Err(e) => {
                    // Read `next` again: if it is gone, the report repeats
                    // and so does this check.
                    warn!(partition = p, "offsets out of range, and the low watermark cannot be read ({e}); retrying from offset {next}");
                    self.seek(p, next).await;
                    continue;
                }
            };
            let Some(st) = self.states.get_mut(&p) else {
                continue;
            };
            let gap = if next > high {
                // The log now ends before the replay's position: the topic
                // was recreated or the partition truncated. What the range
                // held is gone.
                warn!(partition = p, "the partition's log now ends at offset {high}, before offset {next} where the replay stands (recreated or truncated); the rest of the range cannot be replayed");
                (next, st.end)
            } else if low > next {
                warn!(partition = p, "offsets {next}..{} of the range were deleted (retention) before the replay read them; they are not replayed", low.min(st.end));
                (next, low.min(st.end))
            } else {
                continue;
            };
            st.report.deleted.push(gap);
            if gap.1 >= st.end {
                self.reached_end(p, "the rest of the range was deleted");
            } else {
                self.seek(p, low).await;
            }
        }
    }

    /// Moves partition `p`'s fetch position to `offset`.
    async fn seek(&self, p: i32, offset: i64) {
        let sought = self
            .blocking(move |c, topic| c.seek(topic, p, Offset::Offset(offset), LOOKUP_TIMEOUT))
            .await;
        if let Err(e) = sought {
            warn!(
                partition = p,
                offset, "cannot move the replay to offset {offset}: {e}"
            );
        }
    }

    /// Runs a blocking call of the consumer off the runtime's threads.
    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&ReplayConsumer, &str) -> KafkaResult<T> + Send + 'static,
    ) -> KafkaResult<T> {
        let (consumer, topic) = (self.consumer.clone(), self.opts.input.clone());
        tokio::task::spawn_blocking(move || call(&consumer, &topic))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// Takes a message in its partition's range for processing on the
    /// CPU pool; `None` for one outside (beyond END, or seen before).
    fn take(&mut self, input: InputMessage) -> Option<Processing> {
        let p = input.partition;
        let offset = input.offset;
        let st = self.states.get_mut(&p)?;
        if st.reached_end || offset < st.start {
            return None;
        }
        if offset >= st.end {
            self.reached_end(p, "END reached");
            return None;
        }
        if let Err(e) = st.tracker.begin(offset) {
            debug!(partition = p, "skipping a message seen before: {e}");
            return None;
        }
        st.report.first.get_or_insert(offset);
        st.report.last = Some(offset);
        if offset + 1 >= st.end {
            self.reached_end(p, "END reached");
        }
        Some(self.process(input))
    }

    fn process(&self, input: InputMessage) -> Processing {
        let limits = self.config.decode_limits();
        let to = self.to.clone();
        let replay_id = self.opts.replay_id.clone();
        let (p, offset) = (input.partition, input.offset);
        let input = Arc::new(input);
        let span = process::process_span(&input);
        let record = process::process_on(self.cpu.clone(), input, span.clone(), limits, to);
        Box::pin(async move {
            let mut record = record.await;
            record
                .headers
                .push((REPLAY_ID.to_owned(), Some(replay_id.into_bytes())));
            (record, span, p, offset)
        })
    }

    /// Enqueues `record`; resolves, once it is in the producer's queue, to
    /// the future of its acknowledgement, retried with the worker's backoff
    /// until it succeeds: the checkpoint never moves past a message whose
    /// output failed. The caller enqueues one record at a time, in input
    /// order.
    fn produce(
        &self,
        record: OutputRecord,
        span: tracing::Span,
        p: i32,
        offset: i64,
    ) -> BoxFuture<Delivering> {
        let enqueued = worker::send(
            &self.producer,
            &self.stats,
            &self.to.dead_letter,
            record,
            &span,
        );
        Box::pin(enqueued.map(move |acknowledged| -> Delivering {
            Box::pin(acknowledged.map(move |record| (p, offset, record.outcome)))
        }))
    }

    fn acknowledged(&mut self, p: i32, offset: i64, outcome: &Outcome) {
        let counter = match outcome {
            Outcome::Enriched { .. } => &self.stats.enriched,
            Outcome::DeadLettered { .. } => &self.stats.dead_lettered,
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(st) = self.states.get_mut(&p) {
            st.report.messages += 1;
            if let Err(e) = st.tracker.complete(offset) {
                error!(partition = p, "offset bookkeeping: {e}");
            }
        }
    }

    /// Logs and counts what a drain that timed out leaves behind.
    fn abandon(&mut self) {
        for (p, st) in &self.states {
            let left = st.tracker.pending_offsets();
            if !left.is_empty() {
                self.stats
                    .abandoned
                    .fetch_add(left.len() as u64, std::sync::atomic::Ordering::Relaxed);
                warn!(partition = p, ?left, "shutdown timeout: these offsets were not acknowledged and are not in the checkpoint");
            }
        }
    }

    /// The checkpoint positions: all of them, or those that moved since the
    /// last commit.
    fn checkpoint_positions(&self, only_moved: bool) -> TopicPartitionList {
        let mut tpl = TopicPartitionList::new();
        for (p, st) in &self.states {
            let Some(pos) = st.position() else { continue };
            if only_moved && Some(pos) == st.committed {
                continue;
            }
            let _ = tpl.add_partition_offset(&self.opts.input, *p, Offset::Offset(pos));
        }
        tpl
    }

    fn mark_committed(&mut self, tpl: &TopicPartitionList) {
        for e in tpl.elements() {
            if let (Some(st), Offset::Offset(o)) = (self.states.get_mut(&e.partition()), e.offset())
            {
                st.committed = Some(o);
            }
        }
    }

    /// Commits the checkpoint on the interval (when there is one); one that
    /// fails is repeated by the next, which carries the same or higher
    /// positions.
    fn commit_async(&mut self) {
        let tpl = self.checkpoint_positions(true);
        if tpl.count() == 0 {
            return;
        }
        match self.consumer.commit(&tpl, CommitMode::Async) {
            Ok(()) => self.mark_committed(&tpl),
            Err(e) => warn!("cannot commit the checkpoint: {e}; retrying at the next interval"),
        }
    }

    /// Flushes the producer, then commits the checkpoint synchronously.
    async fn finish(&mut self) -> Result<(), ReplayError> {
        let producer = self.producer.clone();
        let shutdown_timeout = Duration::from_millis(self.config.worker.shutdown_timeout_ms);
        // After a signal, keep 300 ms of the shutdown timeout for the commit.
        let timeout = match self.stop_requested {
            Some(at) => shutdown_timeout
                .saturating_sub(at.elapsed())
                .saturating_sub(Duration::from_millis(300)),
            None => shutdown_timeout,
        };
        let flushed = tokio::task::spawn_blocking(move || producer.flush(timeout)).await;
        if let Ok(Err(e)) = flushed {
            warn!("producer flush incomplete: {e}");
        }
        debug!("producer flushed");
        let Some(group) = self.opts.checkpoint_group() else {
            return Ok(());
        };
        // All positions, not only those that moved: an earlier async commit
        // may have failed without the loop knowing.
        let tpl = self.checkpoint_positions(false);
        if tpl.count() == 0 {
            return Ok(());
        }
        let committing = tpl.clone();
        let result = self
            .blocking(move |c, _| c.commit(&committing, CommitMode::Sync))
            .await;
        match result {
            Ok(()) => {
                info!(checkpoint = %group, offsets = ?tpl.to_topic_map(), "checkpoint committed");
                self.mark_committed(&tpl);
                Ok(())
            }
            Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => Ok(()),
            Err(source) => Err(ReplayError::Commit { group, source }),
        }
    }
}

/// Runs a whole replay: resolves the plan, then executes it.
pub async fn run(
    config: &Config,
    opts: &ReplayOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<Summary, ReplayError> {
    let plan = {
        let (config, opts) = (config.clone(), opts.clone());
        tokio::task::spawn_blocking(move || plan(&config, &opts))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?
    };
    execute(config, opts, plan, shutdown).await
}
