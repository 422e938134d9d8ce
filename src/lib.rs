//! article-enricher: a Kafka stream worker around the pure enrichment core
//! of the `enricher-core` crate.
//!
//! - [`config`]: layered, validated configuration;
//! - [`telemetry`]: logs and traces (and their OTLP export);
//! - [`metrics`]: metric names and recording helpers;
//! - [`ops`]: the health, readiness and metrics endpoint;
//! - [`pipeline`]: the Kafka shell (worker, offsets, output records);
//! - [`commands`]: what each subcommand of the binary does.

pub mod commands;
pub mod config;
pub mod metrics;
pub mod ops;
pub mod pipeline;
pub mod telemetry;
