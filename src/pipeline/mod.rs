//! The Kafka shell around the pure core: read raw events, enrich them,
//! write enriched events and dead letters, commit at least once.
//!
//! - [`worker`]: the consumer-group worker (partition tasks, rebalances,
//!   shutdown);
//! - [`in_flight`]: how much a partition holds at once (pure);
//! - [`offsets`]: which offset may be committed (pure);
//! - [`process`]: one message to one output record (decode, enrich,
//!   serialize, or dead letter);
//! - [`cpu_pool`]: the threads, one per core, that [`process`] runs on;
//! - [`output`]: the records and their headers (pure);
//! - [`trace_context`]: W3C `traceparent` in and out;
//! - [`kafka_config`]: librdkafka settings from the configuration;
//! - [`replay`]: re-enrich a bounded range of an input topic (backfill).

pub mod cpu_pool;
mod in_flight;
pub mod kafka_config;
pub mod offsets;
pub mod output;
pub mod process;
pub mod replay;
pub mod trace_context;
pub mod worker;
