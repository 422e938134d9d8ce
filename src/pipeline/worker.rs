//! The consumer-group worker: one task per assigned partition, ordered
//! at-least-once offset storage, drain on revocation and shutdown.
//!
//! How it fits together:
//!
//! - A [`StreamConsumer`](rdkafka::consumer::StreamConsumer) subscribed
//!   to the input topics. Its main queue is polled by a dedicated thread
//!   ("kafka-poll"): polling it serves the rebalance callbacks, which block
//!   that thread while revoked partitions drain, and must not block the
//!   tokio runtime.
//! - On assignment, [`WorkerContext::pre_rebalance`] splits each partition
//!   into its own queue (before librdkafka starts fetching it, so no message
//!   lands in the main queue) and spawns a partition task on the runtime.
//! - A partition task takes messages in order, runs decode + enrich +
//!   serialize on the [`CpuPool`] (one thread per core) with at most
//!   `worker.max_in_flight` messages (and about
//!   `worker.max_in_flight_bytes` of payload, see [`InFlight`]) taken and
//!   not yet acknowledged, produces the results in input order (one
//!   produce request in flight: order holds per output partition), and
//!   stores an offset once it and every lower one are acknowledged
//!   ([`OffsetTracker`]). A failed produce is retried with backoff until
//!   it succeeds or the partition is given up; the offset never moves past
//!   it.
//! - librdkafka commits stored offsets every `worker.commit_interval_ms`;
//!   the worker commits synchronously after draining revoked partitions and
//!   at shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use futures::future::{FutureExt, OptionFuture};
use futures::stream::{FuturesOrdered, FuturesUnordered, StreamExt};
use rdkafka::client::ClientContext;
use rdkafka::config::{FromClientConfigAndContext, RDKafkaLogLevel};
use rdkafka::consumer::stream_consumer::StreamPartitionQueue;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::statistics::Statistics;
use rdkafka::topic_partition_list::TopicPartitionList;
use rdkafka::Message;
use tokio::sync::{mpsc, watch};
use tracing::{debug, error, info, warn, Instrument};

use super::cpu_pool::{CpuPool, CpuPoolError};
use super::in_flight::InFlight;
use super::kafka_config::{self, KafkaConfigError};
use super::offsets::OffsetTracker;
use super::output::{InputMessage, Outcome, OutputRecord};
use super::process::{self, Destinations};
use crate::config::Config;
use crate::metrics;
use crate::ops::kafka_status::KafkaStatus;

pub type WorkerConsumer = rdkafka::consumer::StreamConsumer<WorkerContext>;
pub type WorkerProducer = FutureProducer<KafkaLogContext>;

/// Why the worker could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Config(#[from] KafkaConfigError),
    #[error(
        "cannot subscribe to topics.input {topics:?}: {source}; check the topic names \
         (valid Kafka names: letters, digits, `.`, `_`, `-`)"
    )]
    Subscribe {
        topics: Vec<String>,
        #[source]
        source: KafkaError,
    },
    #[error(
        "cannot start the Kafka polling thread: {0}; the process may be at its thread \
         limit (see `ulimit -u`)"
    )]
    Thread(#[source] std::io::Error),
    #[error(transparent)]
    CpuPool(#[from] CpuPoolError),
}

/// Counters of what the worker did, readable while it runs.
#[derive(Debug, Default)]
pub struct Stats {
    /// Messages taken from input partitions.
    pub consumed: AtomicU64,
    /// Enriched events acknowledged by the broker.
    pub enriched: AtomicU64,
    /// Dead letters acknowledged by the broker.
    pub dead_lettered: AtomicU64,
    /// Produce attempts that failed and were retried.
    pub produce_retries: AtomicU64,
    /// Partition assignments and revocations.
    pub rebalances: AtomicU64,
    /// Offsets left unacknowledged when a drain timed out.
    pub abandoned: AtomicU64,
}

impl Stats {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// What a partition task needs to know.
#[derive(Debug)]
struct Settings {
    limits: enricher_core::DecodeLimits,
    to: Destinations,
    max_in_flight: usize,
    max_in_flight_bytes: usize,
    shutdown_timeout: Duration,
    /// How long a partition task drains before giving up: the shutdown
    /// timeout less a reserve for the flush, the commit and leaving.
    drain_timeout: Duration,
    brokers: String,
}

/// A flag a partition task raises when it has finished, waited on from
/// threads outside the runtime (the rebalance callback) with a timeout.
#[derive(Default)]
struct Done {
    finished: Mutex<bool>,
    cv: Condvar,
}

impl Done {
    fn set(&self) {
        *self.finished.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.cv.notify_all();
    }

    /// Waits until set or `deadline`; true when set.
    fn wait_until(&self, deadline: Instant) -> bool {
        let mut finished = self.finished.lock().unwrap_or_else(|e| e.into_inner());
        while !*finished {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            finished = self
                .cv
                .wait_timeout(finished, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }
}

/// Sets [`Done`] when dropped, so a task that panics still reports.
struct DoneGuard(Arc<Done>);

impl Drop for DoneGuard {
    fn drop(&mut self) {
        self.0.set();
    }
}

struct PartitionHandle {
    stop: watch::Sender<bool>,
    done: Arc<Done>,
    stray: mpsc::UnboundedSender<InputMessage>,
}

type PartitionKey = (String, i32);

/// State shared by the consumer context (on the polling thread), the
/// partition tasks and the shutdown path.
struct Shared {
    runtime: tokio::runtime::Handle,
    consumer: OnceLock<Weak<WorkerConsumer>>,
    producer: WorkerProducer,
    settings: Arc<Settings>,
    stats: Arc<Stats>,
    /// What librdkafka's statistics say, for `/readyz` and the lag metric.
    kafka: Arc<KafkaStatus>,
    partitions: Mutex<HashMap<PartitionKey, Arc<PartitionHandle>>>,
    closing: AtomicBool,
    /// The threads (`worker.enrich_threads`, by default one per core) that
    /// decode, enrich and serialize for all partitions.
    cpu: Arc<CpuPool>,
    /// Why the worker must stop: a partition task died (see
    /// [`on_panic`]). `run` then stops the worker and exits with an error.
    failure: watch::Sender<Option<String>>,
}

impl Shared {
    fn partitions(&self) -> std::sync::MutexGuard<'_, HashMap<PartitionKey, Arc<PartitionHandle>>> {
        self.partitions.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn start_partition(
        self: &Arc<Self>,
        consumer: &Arc<WorkerConsumer>,
        topic: &str,
        partition: i32,
    ) {
        if self.closing.load(Ordering::SeqCst) {
            return;
        }
        let key = (topic.to_owned(), partition);
        if self.partitions().contains_key(&key) {
            return;
        }
        let Some(queue) = consumer.split_partition_queue(topic, partition) else {
            error!(
                topic,
                partition, "cannot split the queue of an assigned partition"
            );
            return;
        };
        let (stop_tx, stop_rx) = watch::channel(false);
        let (stray_tx, stray_rx) = mpsc::unbounded_channel();
        let done = Arc::new(Done::default());
        let task = PartitionTask {
            shared: self.clone(),
            consumer: consumer.clone(),
            topic: topic.to_owned(),
            partition,
            tracker: OffsetTracker::new(),
        };
        let running =
            self.runtime
                .spawn(task.run(queue, stop_rx, stray_rx, DoneGuard(done.clone())));
        let shared = Arc::downgrade(self);
        let what = format!("the task of partition {topic}/{partition}");
        self.runtime.spawn(on_panic(running, move |message| {
            error!("{what} panicked ({message}): its partition is read no further; stopping the worker");
            if let Some(shared) = shared.upgrade() {
                shared.failure.send_replace(Some(format!("{what} panicked: {message}")));
            }
        }));
        self.partitions().insert(
            key,
            Arc::new(PartitionHandle {
                stop: stop_tx,
                done,
                stray: stray_tx,
            }),
        );
    }

    /// Tells the tasks of `keys` (all when `None`) to stop taking messages
    /// and waits until their in-flight outputs are acknowledged and offsets
    /// stored, or until the shutdown timeout. Blocking: call it off the
    /// runtime. Returns how many did not finish in time.
    ///
    /// The tasks stay listed until then, so that a drain that starts while
    /// another runs (a revocation during a shutdown's drain) waits for the
    /// same tasks before its caller commits: committing earlier would leave
    /// out the offsets they store meanwhile.
    fn drain(&self, keys: Option<&[PartitionKey]>) -> usize {
        let handles: Vec<(PartitionKey, Arc<PartitionHandle>)> = {
            let map = self.partitions();
            match keys {
                None => map.iter().map(|(k, h)| (k.clone(), h.clone())).collect(),
                Some(keys) => keys
                    .iter()
                    .filter_map(|k| map.get(k).map(|h| (k.clone(), h.clone())))
                    .collect(),
            }
        };
        for (_, h) in &handles {
            let _ = h.stop.send(true);
        }
        // The tasks give up at drain_timeout and log what they leave;
        // wait a little longer so that their report comes first.
        let deadline = Instant::now() + self.settings.drain_timeout + Duration::from_millis(150);
        let mut late = 0;
        for ((topic, partition), h) in &handles {
            if !h.done.wait_until(deadline) {
                late += 1;
                warn!(topic, partition, "partition did not drain in time");
            }
        }
        let mut map = self.partitions();
        for (key, h) in &handles {
            if map.get(key).is_some_and(|listed| Arc::ptr_eq(listed, h)) {
                map.remove(key);
            }
        }
        late
    }

    fn route_stray(&self, m: InputMessage) {
        let key = (m.topic.clone(), m.partition);
        match self.partitions().get(&key) {
            Some(h) => {
                let _ = h.stray.send(m);
            }
            None => warn!(
                topic = %m.topic, partition = m.partition, offset = m.offset,
                "message for a partition this worker does not own; it will be read again by its owner"
            ),
        }
    }
}

fn log_librdkafka(level: RDKafkaLogLevel, fac: &str, message: &str) {
    match level {
        RDKafkaLogLevel::Emerg
        | RDKafkaLogLevel::Alert
        | RDKafkaLogLevel::Critical
        | RDKafkaLogLevel::Error => error!(target: "librdkafka", fac, "{message}"),
        RDKafkaLogLevel::Warning => warn!(target: "librdkafka", fac, "{message}"),
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
            info!(target: "librdkafka", fac, "{message}")
        }
        RDKafkaLogLevel::Debug => debug!(target: "librdkafka", fac, "{message}"),
    }
}

fn log_client_error(brokers: &str, error: KafkaError, reason: &str) {
    match error.rdkafka_error_code() {
        Some(RDKafkaErrorCode::AllBrokersDown) | Some(RDKafkaErrorCode::BrokerTransportFailure) => {
            warn!(
                brokers,
                "cannot reach the Kafka brokers ({reason}); retrying. Check that they run and that \
                 kafka.brokers (ARTICLE_ENRICHER__KAFKA__BROKERS) lists reachable host:port pairs"
            )
        }
        Some(RDKafkaErrorCode::Authentication) => error!(
            brokers,
            "Kafka authentication failed ({reason}); check the SASL/SSL settings in kafka.properties"
        ),
        _ => warn!(brokers, "Kafka client error: {error}: {reason}"),
    }
}

/// The producer's context: librdkafka logs and errors through `tracing`.
pub struct KafkaLogContext {
    pub brokers: String,
}

impl ClientContext for KafkaLogContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log_librdkafka(level, fac, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        log_client_error(&self.brokers, error, reason);
    }
}

/// The consumer's context: partition tasks on assignment, drain and commit
/// on revocation.
pub struct WorkerContext {
    shared: Arc<Shared>,
}

impl ClientContext for WorkerContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log_librdkafka(level, fac, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        log_client_error(&self.shared.settings.brokers, error, reason);
    }

    fn stats(&self, statistics: Statistics) {
        self.shared.kafka.observe(&statistics);
    }
}

fn describe(tpl: &TopicPartitionList) -> String {
    tpl.elements()
        .iter()
        .map(|e| format!("{}/{}", e.topic(), e.partition()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Commits stored offsets synchronously; "nothing to commit" is fine.
fn commit_stored(consumer: &impl Consumer<WorkerContext>, when: &str) {
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => debug!("committed stored offsets {when}"),
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
        Err(e) => {
            warn!("cannot commit offsets {when}: {e}; they will be read again by the next owner")
        }
    }
}

impl ConsumerContext for WorkerContext {
    fn pre_rebalance(&self, base: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        Stats::bump(&self.shared.stats.rebalances);
        match rebalance {
            Rebalance::Assign(tpl) => {
                metrics::rebalance("assign");
                info!(partitions = %describe(tpl), "partitions assigned");
                let Some(consumer) = self.shared.consumer.get().and_then(Weak::upgrade) else {
                    return;
                };
                for e in tpl.elements() {
                    self.shared
                        .start_partition(&consumer, e.topic(), e.partition());
                }
            }
            Rebalance::Revoke(tpl) => {
                metrics::rebalance("revoke");
                info!(partitions = %describe(tpl), "partitions revoked; draining in-flight work");
                let keys: Vec<PartitionKey> = tpl
                    .elements()
                    .iter()
                    .map(|e| (e.topic().to_owned(), e.partition()))
                    .collect();
                self.shared.drain(Some(&keys));
                commit_stored(base, "after revocation");
            }
            Rebalance::Error(e) => {
                metrics::rebalance("error");
                error!("rebalance failed: {e}")
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            Ok(()) => {
                metrics::commit(true);
                debug!(offsets = ?offsets.to_topic_map(), "offsets committed")
            }
            Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            Err(e) => {
                metrics::commit(false);
                warn!("offset commit failed: {e}; retrying at the next interval")
            }
        }
    }
}

/// The work of one assigned partition.
struct PartitionTask {
    shared: Arc<Shared>,
    consumer: Arc<WorkerConsumer>,
    topic: String,
    partition: i32,
    tracker: OffsetTracker,
}

/// The record, its span, the input offset and the input timestamp (ms).
type Processing = BoxFuture<(OutputRecord, tracing::Span, i64, Option<i64>)>;
type Delivering = BoxFuture<(i64, Outcome)>;

impl PartitionTask {
    async fn run(
        mut self,
        queue: StreamPartitionQueue<WorkerContext>,
        mut stop: watch::Receiver<bool>,
        mut stray: mpsc::UnboundedReceiver<InputMessage>,
        _done: DoneGuard,
    ) {
        let settings = self.shared.settings.clone();
        let mut processing: FuturesOrdered<Processing> = FuturesOrdered::new();
        let mut delivering: FuturesUnordered<Delivering> = FuturesUnordered::new();
        let mut in_flight = InFlight::new(settings.max_in_flight, settings.max_in_flight_bytes);
        // The one output being put in the producer's queue: a select arm of
        // its own, so that a queue that stays full or an enqueue that keeps
        // failing cannot hold up the stop signal or the drain deadline.
        let mut enqueuing: Option<BoxFuture<Delivering>> = None;
        let mut deadline: Option<tokio::time::Instant> = None;
        debug!(topic = %self.topic, partition = self.partition, "partition task started");
        loop {
            if deadline.is_some()
                && processing.is_empty()
                && enqueuing.is_none()
                && delivering.is_empty()
            {
                break;
            }
            let can_take = deadline.is_none() && in_flight.has_room();
            tokio::select! {
                biased;
                _ = stop.changed(), if deadline.is_none() => {
                    deadline = Some(tokio::time::Instant::now() + settings.drain_timeout);
                }
                Some((offset, outcome)) = delivering.next(), if !delivering.is_empty() => {
                    in_flight.done(&offset);
                    self.acknowledged(offset, &outcome);
                }
                Some(delivery) = OptionFuture::from(enqueuing.as_mut()), if enqueuing.is_some() => {
                    enqueuing = None;
                    delivering.push(delivery);
                }
                Some((record, span, offset, timestamp)) = processing.next(), if enqueuing.is_none() && !processing.is_empty() => {
                    enqueuing = Some(self.produce(record, span, offset, timestamp));
                }
                Some(m) = stray.recv(), if can_take => {
                    self.take(m, &mut processing, &mut in_flight);
                }
                m = queue.recv(), if can_take => match m {
                    Ok(m) => self.take(InputMessage::from_kafka(&m), &mut processing, &mut in_flight),
                    Err(e) => warn!(topic = %self.topic, partition = self.partition, "consume error: {e}"),
                },
                _ = tokio::time::sleep_until(deadline.unwrap_or_else(tokio::time::Instant::now)), if deadline.is_some() => {
                    let left = self.tracker.pending_offsets();
                    self.shared.stats.abandoned.fetch_add(left.len() as u64, Ordering::Relaxed);
                    metrics::abandoned(in_flight.len());
                    warn!(
                        topic = %self.topic, partition = self.partition, ?left,
                        "drain timed out (worker.shutdown_timeout_ms): giving up on these offsets; they were not committed and will be read again"
                    );
                    break;
                }
            }
        }
        drop(queue);
        debug!(topic = %self.topic, partition = self.partition, "partition task stopped");
    }

    /// Takes a message for processing on the [`CpuPool`], unless it was
    /// taken before.
    fn take(
        &mut self,
        input: InputMessage,
        processing: &mut FuturesOrdered<Processing>,
        in_flight: &mut InFlight<i64>,
    ) {
        if let Err(e) = self.tracker.begin(input.offset) {
            debug!(topic = %self.topic, partition = self.partition, "skipping a message seen before: {e}");
            return;
        }
        in_flight.take(input.offset, input.payload_len());
        Stats::bump(&self.shared.stats.consumed);
        metrics::consumed(&self.topic);
        let settings = &self.shared.settings;
        let offset = input.offset;
        let timestamp = input.timestamp_ms;
        let input = Arc::new(input);
        let span = process::process_span(&input);
        let record = process::process_on(
            self.shared.cpu.clone(),
            input,
            span.clone(),
            settings.limits,
            settings.to.clone(),
        );
        processing.push_back(Box::pin(async move {
            let record = record.await;
            (record, span, offset, timestamp)
        }));
    }

    /// Enqueues `record` in the producer; resolves, once it is in the
    /// queue, to the future of its acknowledgement. The caller enqueues one
    /// record at a time, in input order.
    fn produce(
        &self,
        record: OutputRecord,
        span: tracing::Span,
        offset: i64,
        timestamp: Option<i64>,
    ) -> BoxFuture<Delivering> {
        let started = Instant::now();
        let shared = &self.shared;
        let enqueued = send(
            &shared.producer,
            &shared.stats,
            &shared.settings.to.dead_letter,
            record,
            &span,
        );
        Box::pin(enqueued.map(move |acknowledged| -> Delivering {
            Box::pin(acknowledged.map(move |record| {
                metrics::acknowledged(&record, started, timestamp);
                (offset, record.outcome)
            }))
        }))
    }

    fn acknowledged(&mut self, offset: i64, outcome: &Outcome) {
        match outcome {
            Outcome::Enriched { .. } => Stats::bump(&self.shared.stats.enriched),
            Outcome::DeadLettered { .. } => Stats::bump(&self.shared.stats.dead_lettered),
        }
        if let Err(e) = self.tracker.complete(offset) {
            error!(topic = %self.topic, partition = self.partition, "offset bookkeeping: {e}");
        }
        if let Some(position) = self.tracker.take_position() {
            // Not `store_offset`: librdkafka's rd_kafka_offset_store stores
            // offset + 1. `store_offsets` stores the position as given.
            let mut tpl = TopicPartitionList::new();
            let stored = tpl
                .add_partition_offset(
                    &self.topic,
                    self.partition,
                    rdkafka::Offset::Offset(position),
                )
                .and_then(|()| self.consumer.store_offsets(&tpl));
            if let Err(e) = stored {
                // The partition was taken away meanwhile: its next owner reads
                // from the last commit, so nothing is lost.
                warn!(topic = %self.topic, partition = self.partition, position, "cannot store offset: {e}");
            }
        }
    }
}

/// The drain part of a shutdown timeout: a fifth (at most 1 s) is kept for
/// flushing, committing and leaving the group.
pub(crate) fn drain_timeout(shutdown: Duration) -> Duration {
    shutdown.saturating_sub((shutdown / 5).min(Duration::from_secs(1)))
}

pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(6)).min(5_000))
}

/// A boxed future, as the partition tasks and the replay keep them in
/// collections.
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send>>;

/// Sends `record` in a `produce` span under `parent`. The outer future
/// resolves once the record is in the producer's queue, so that the caller
/// can enqueue the next one behind it (order holds per output partition);
/// the inner one once the broker acknowledged it, after as many retries as
/// it takes, with the record as finally produced (see
/// [`acknowledged_after_retries`]).
#[allow(clippy::async_yields_async)] // the second future is the point
pub(crate) fn send(
    producer: &WorkerProducer,
    stats: &Arc<Stats>,
    dead_letter_topic: &str,
    record: OutputRecord,
    parent: &tracing::Span,
) -> BoxFuture<BoxFuture<OutputRecord>> {
    let (producer, stats) = (producer.clone(), stats.clone());
    let dead_letter_topic = dead_letter_topic.to_owned();
    let span = tracing::info_span!(parent: parent, "produce", topic = %record.topic);
    Box::pin(async move {
        let first = enqueue(&producer, &record, &stats)
            .instrument(span.clone())
            .await;
        let acknowledged: BoxFuture<OutputRecord> = Box::pin(
            async move {
                let mut record = record;
                acknowledged_after_retries(
                    &producer,
                    &mut record,
                    &dead_letter_topic,
                    &stats,
                    first,
                )
                .await;
                record
            }
            .instrument(span),
        );
        acknowledged
    })
}

/// Awaits the broker's acknowledgement of `record`, enqueueing it again
/// with backoff after each failure, for as long as it takes: the caller
/// stores the input offset only after this returns, so an output that
/// failed is never skipped. The one failure that retrying cannot mend, a
/// record too large for the producer or the brokers, replaces the record by
/// a dead letter without its value ([`OutputRecord::without_value`]).
/// Partition and offset are in the caller's span.
async fn acknowledged_after_retries(
    producer: &WorkerProducer,
    record: &mut OutputRecord,
    dead_letter_topic: &str,
    stats: &Stats,
    mut delivery: Enqueued,
) {
    let mut attempt = 0u32;
    loop {
        let error = match delivery {
            Err(e) => e,
            Ok(ack) => match ack.await {
                Ok(Ok(_)) => return,
                Ok(Err((e, _))) => e,
                Err(_) => KafkaError::Canceled,
            },
        };
        if is_too_large(&error) && record.payload.as_ref().is_some_and(|p| !p.is_empty()) {
            warn!(topic = %record.topic, "the output is too large to produce ({error}); producing a dead letter without its value instead");
            *record =
                record.without_value(dead_letter_topic, &error.to_string(), chrono::Utc::now());
            delivery = enqueue(producer, record, stats).await;
            continue;
        }
        attempt += 1;
        Stats::bump(&stats.produce_retries);
        metrics::produce_retried();
        let wait = backoff(attempt);
        warn!(
            attempt, topic = %record.topic,
            "producing the output failed ({error}); retrying in {wait:?}, the input offset is not committed meanwhile"
        );
        tokio::time::sleep(wait).await;
        delivery = enqueue(producer, record, stats).await;
    }
}

/// A record in the producer's queue, or the error that keeps it out for good.
type Enqueued = Result<DeliveryFuture, KafkaError>;

fn is_too_large(e: &KafkaError) -> bool {
    matches!(
        e,
        KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge)
    )
}

/// Puts `record` in the producer's queue, waiting while the queue is full
/// and retrying other errors with backoff; only a record too large to ever
/// fit is given back as an error.
async fn enqueue(producer: &WorkerProducer, record: &OutputRecord, stats: &Stats) -> Enqueued {
    let mut attempt = 0u32;
    loop {
        let mut r: FutureRecord<'_, [u8], [u8]> =
            FutureRecord::to(&record.topic).headers(record.kafka_headers());
        if let Some(k) = &record.key {
            r = r.key(k.as_slice());
        }
        if let Some(p) = &record.payload {
            r = r.payload(p.as_slice());
        }
        match producer.send_result(r) {
            Ok(delivery) => return Ok(delivery),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err((e, _)) if is_too_large(&e) => return Err(e),
            Err((e, _)) => {
                attempt += 1;
                Stats::bump(&stats.produce_retries);
                metrics::produce_retried();
                let wait = backoff(attempt);
                warn!(topic = %record.topic, "cannot enqueue the output ({e}); retrying in {wait:?}");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// A running worker: [`Worker::start`] joins the group, [`Worker::shutdown`]
/// drains, commits and leaves.
pub struct Worker {
    shared: Arc<Shared>,
    consumer: Arc<WorkerConsumer>,
    poll_stop: Arc<AtomicBool>,
    poll_thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Creates the clients, subscribes to `topics.input` and starts polling.
    /// Must be called inside a tokio runtime.
    pub fn start(config: &Config) -> Result<Self, WorkerError> {
        let settings = Arc::new(Settings {
            limits: config.decode_limits(),
            to: Destinations {
                output: config.topics.output.clone(),
                dead_letter: config.topics.dead_letter.clone(),
                pass_through: !config.worker.enrich,
            },
            max_in_flight: config.worker.max_in_flight,
            max_in_flight_bytes: config.worker.max_in_flight_bytes,
            shutdown_timeout: Duration::from_millis(config.worker.shutdown_timeout_ms),
            drain_timeout: drain_timeout(Duration::from_millis(config.worker.shutdown_timeout_ms)),
            brokers: config.kafka.brokers.clone(),
        });
        kafka_config::validate(config)?;
        let producer: WorkerProducer = FutureProducer::from_config_and_context(
            &kafka_config::producer_config(config)?,
            KafkaLogContext {
                brokers: settings.brokers.clone(),
            },
        )
        .map_err(|e| KafkaConfigError::from_kafka("producer", e))?;
        let shared = Arc::new(Shared {
            runtime: tokio::runtime::Handle::current(),
            consumer: OnceLock::new(),
            producer,
            settings,
            stats: Arc::new(Stats::default()),
            kafka: Arc::new(KafkaStatus::new(Duration::from_millis(
                config.http.statistics_interval_ms,
            ))),
            partitions: Mutex::new(HashMap::new()),
            closing: AtomicBool::new(false),
            cpu: Arc::new(CpuPool::configured(config.worker.enrich_threads)?),
            failure: watch::Sender::new(None),
        });
        let consumer: Arc<WorkerConsumer> = Arc::new(
            WorkerConsumer::from_config_and_context(
                &kafka_config::consumer_config(config)?,
                WorkerContext {
                    shared: shared.clone(),
                },
            )
            .map_err(|e| KafkaConfigError::from_kafka("consumer", e))?,
        );
        let _ = shared.consumer.set(Arc::downgrade(&consumer));
        let topics: Vec<&str> = config.topics.input.iter().map(String::as_str).collect();
        consumer
            .subscribe(&topics)
            .map_err(|source| WorkerError::Subscribe {
                topics: config.topics.input.clone(),
                source,
            })?;
        let poll_stop = Arc::new(AtomicBool::new(false));
        let poll_thread = std::thread::Builder::new()
            .name("kafka-poll".into())
            .spawn({
                let consumer = consumer.clone();
                let shared = shared.clone();
                let stop = poll_stop.clone();
                move || poll_main_queue(&consumer, &shared, &stop)
            })
            .map_err(WorkerError::Thread)?;
        info!(
            brokers = %config.kafka.brokers,
            group = %config.kafka.group_id,
            input = ?config.topics.input,
            output = %config.topics.output,
            dead_letter = %config.topics.dead_letter,
            enrich_threads = shared.cpu.threads(),
            "worker started"
        );
        let worker = Self {
            shared,
            consumer,
            poll_stop,
            poll_thread: Some(poll_thread),
        };
        worker.check_topics(config);
        Ok(worker)
    }

    /// Logs, in the background, whether the brokers answer and the topics
    /// exist, naming the keys to change when not.
    fn check_topics(&self, config: &Config) {
        let consumer = self.consumer.clone();
        let brokers = config.kafka.brokers.clone();
        let mut needed: Vec<(String, &'static str)> = config
            .topics
            .input
            .iter()
            .map(|t| (t.clone(), "topics.input"))
            .collect();
        needed.push((config.topics.output.clone(), "topics.output"));
        needed.push((config.topics.dead_letter.clone(), "topics.dead_letter"));
        tokio::task::spawn_blocking(move || {
            match consumer.fetch_metadata(None, Duration::from_secs(10)) {
                Err(e) => warn!(
                    %brokers,
                    "no answer from the Kafka brokers within 10 s ({e}); the worker keeps retrying. \
                     Check kafka.brokers (ARTICLE_ENRICHER__KAFKA__BROKERS)"
                ),
                Ok(md) => {
                    for (topic, key) in needed {
                        if !md
                            .topics()
                            .iter()
                            .any(|t| t.name() == topic && t.error().is_none())
                        {
                            warn!(
                                topic, key,
                                "topic `{topic}` ({key}) does not exist on the brokers; create it (or fix {key}); \
                                 until then its messages are not read or outputs are retried"
                            );
                        }
                    }
                }
            }
        });
    }

    /// Completes, with the reason, when the worker cannot go on and must be
    /// stopped: a partition task died.
    pub fn failed(&self) -> impl Future<Output = String> + Send + 'static {
        let mut failure = self.shared.failure.subscribe();
        async move {
            let reason = failure
                .wait_for(Option::is_some)
                .await
                .map(|reason| reason.clone().unwrap_or_default());
            match reason {
                Ok(reason) => reason,
                // The worker is gone: nothing can fail any more.
                Err(_) => std::future::pending().await,
            }
        }
    }

    /// Counters of what the worker did so far.
    pub fn stats(&self) -> Arc<Stats> {
        self.shared.stats.clone()
    }

    /// What librdkafka's statistics say about the brokers, the group and
    /// the lag: for `/readyz` and `/metrics`.
    pub fn kafka_status(&self) -> Arc<KafkaStatus> {
        self.shared.kafka.clone()
    }

    /// The partitions this worker currently processes (topic, partition),
    /// sorted: what a readiness check or a status page shows.
    pub fn partitions(&self) -> Vec<(String, i32)> {
        let mut p: Vec<(String, i32)> = self.shared.partitions().keys().cloned().collect();
        p.sort();
        p
    }

    /// Stops fetching, finishes in-flight messages, flushes the producer,
    /// commits and leaves the group, all within `worker.shutdown_timeout_ms`
    /// (what is left then is logged and will be read again).
    pub async fn shutdown(self) -> Arc<Stats> {
        let started = Instant::now();
        let Worker {
            shared,
            consumer,
            poll_stop,
            poll_thread,
        } = self;
        let timeout = shared.settings.shutdown_timeout;
        info!("shutting down: finishing in-flight messages");
        shared.closing.store(true, Ordering::SeqCst);
        let stats = shared.stats.clone();
        let result = tokio::task::spawn_blocking(move || {
            let late = shared.drain(None);
            // Nothing left to serve rebalances for: the polling thread
            // stops while the producer flushes.
            poll_stop.store(true, Ordering::SeqCst);
            let left = timeout
                .saturating_sub(started.elapsed())
                .saturating_sub(Duration::from_millis(300));
            if let Err(e) = shared.producer.flush(left) {
                warn!("producer flush incomplete: {e}");
            }
            commit_stored(consumer.as_ref(), "at shutdown");
            if let Some(t) = poll_thread {
                let _ = t.join();
            }
            // Dropping the last handle closes the consumer: it leaves the
            // group (the revocation drains nothing now and commits again).
            drop(consumer);
            late
        })
        .await;
        let s = &stats;
        info!(
            consumed = Stats::get(&s.consumed),
            enriched = Stats::get(&s.enriched),
            dead_lettered = Stats::get(&s.dead_lettered),
            produce_retries = Stats::get(&s.produce_retries),
            abandoned = Stats::get(&s.abandoned),
            elapsed_ms = started.elapsed().as_millis() as u64,
            late_partitions = result.unwrap_or(0),
            "worker stopped"
        );
        stats
    }
}

/// Awaits `task` and calls `failed` with the panic's message if it
/// panicked. A partition task that died leaves its partition assigned to
/// this member and read by no one, with nothing to show for it but lag:
/// the worker stops instead, so that its supervisor restarts it and the
/// group moves the partition (its uncommitted offsets are read again).
async fn on_panic(task: tokio::task::JoinHandle<()>, failed: impl FnOnce(String)) {
    if let Err(e) = task.await {
        if e.is_panic() {
            let panic = e.into_panic();
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            failed(message);
        }
    }
}

/// Polls the main queue: serves rebalances (which may block this thread
/// while partitions drain) and hands the rare message that arrives there
/// (fetched before its partition was split) to its partition task.
fn poll_main_queue(consumer: &WorkerConsumer, shared: &Shared, stop: &AtomicBool) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            error!("cannot start the Kafka polling runtime: {e}");
            return;
        }
    };
    rt.block_on(async {
        while !stop.load(Ordering::SeqCst) {
            tokio::select! {
                m = consumer.recv() => match m {
                    Ok(m) => {
                        debug!(topic = m.topic(), partition = m.partition(), offset = m.offset(), "message on the main queue");
                        shared.route_stray(InputMessage::from_kafka(&m));
                    }
                    Err(e) => warn!("Kafka consumer error: {e}"),
                },
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drain_leaves_a_reserve_for_flush_and_commit() {
        assert_eq!(
            drain_timeout(Duration::from_secs(30)),
            Duration::from_secs(29)
        );
        assert_eq!(
            drain_timeout(Duration::from_secs(2)),
            Duration::from_millis(1600)
        );
        assert_eq!(drain_timeout(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(200));
        assert_eq!(backoff(2), Duration::from_millis(400));
        assert_eq!(backoff(30), Duration::from_millis(5_000));
    }

    #[test]
    fn a_task_that_panics_is_reported_with_its_message() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let reported = rt.block_on(async {
            let (tx, rx) = std::sync::mpsc::channel();
            let dying = tokio::spawn(async { panic!("offset 7 broke it") });
            on_panic(dying, move |m| tx.send(m).unwrap()).await;
            let (tx2, rx2) = std::sync::mpsc::channel::<String>();
            on_panic(tokio::spawn(async {}), move |m| tx2.send(m).unwrap()).await;
            (rx.try_recv().ok(), rx2.try_recv().ok())
        });
        assert_eq!(reported, (Some("offset 7 broke it".to_owned()), None));
    }

    #[test]
    fn done_wakes_waiters_and_times_out() {
        let d = Arc::new(Done::default());
        assert!(!d.wait_until(Instant::now() + Duration::from_millis(20)));
        let d2 = d.clone();
        let t = std::thread::spawn(move || d2.wait_until(Instant::now() + Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(20));
        drop(DoneGuard(d.clone()));
        assert!(t.join().unwrap());
    }
}
