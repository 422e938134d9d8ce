//! Operations: what an on-call engineer and the orchestrator see of a
//! running worker.
//!
//! - [`http`]: `/healthz`, `/readyz` and `/metrics` on `http.listen`;
//! - [`kafka_status`]: readiness and consumer lag from librdkafka's
//!   statistics.
//!
//! The metric names and recording helpers are in [`crate::metrics`].

pub mod http;
pub mod kafka_status;
