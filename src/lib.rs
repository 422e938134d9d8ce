//! article-enricher: a Kafka stream worker around the pure enrichment core
//! of the `enricher-core` crate.
//!
//! - [`config`]: layered, validated configuration;
//! - [`telemetry`]: logs and traces;
//! - [`pipeline`]: the Kafka shell (worker, offsets, output records);
//! - [`commands`]: what each subcommand of the binary does.

pub mod commands;
pub mod config;
pub mod pipeline;
pub mod telemetry;
