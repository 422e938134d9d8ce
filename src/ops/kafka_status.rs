//! What librdkafka's statistics say about the consumer, kept for `/readyz`
//! and the lag metric.
//!
//! "Connected" means at least one broker connection is in state `UP`
//! (librdkafka's `brokers[*].state`); "in the group" means the group
//! coordinator is known (`cgrp.state == "up"`) and the member has finished
//! joining (`cgrp.join_state == "steady"`), with partitions or idle (more
//! members than partitions). Statistics arrive every
//! `http.statistics_interval_ms` on the Kafka polling thread; when none
//! arrive for a long while that thread is stuck (or busy draining a
//! revocation), which is reported too.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rdkafka::statistics::Statistics;
use serde::Serialize;

/// The lag of one assigned partition: messages between the committed
/// offset and the end of the partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    pub lag: i64,
}

/// The part of one statistics report readiness and lag need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub brokers_up: usize,
    pub brokers: usize,
    /// `cgrp.state` and `cgrp.join_state`; empty before the group exists.
    pub group_state: String,
    pub join_state: String,
    pub assigned: i32,
    pub lags: Vec<PartitionLag>,
}

impl Snapshot {
    pub fn from_statistics(s: &Statistics) -> Self {
        let mut lags: Vec<PartitionLag> = s
            .topics
            .values()
            .flat_map(|t| {
                t.partitions
                    .values()
                    // -1 is librdkafka's internal "unassigned" partition; a
                    // negative lag is not known yet.
                    .filter(|p| p.partition >= 0 && p.desired && p.consumer_lag >= 0)
                    .map(|p| PartitionLag {
                        topic: t.topic.clone(),
                        partition: p.partition,
                        lag: p.consumer_lag,
                    })
            })
            .collect();
        lags.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        let (group_state, join_state, assigned) = s.cgrp.as_ref().map_or_else(
            || (String::new(), String::new(), 0),
            |g| (g.state.clone(), g.join_state.clone(), g.assignment_size),
        );
        Self {
            brokers_up: s.brokers.values().filter(|b| b.state == "UP").count(),
            brokers: s.brokers.len(),
            group_state,
            join_state,
            assigned,
            lags,
        }
    }
}

/// Why the worker is not ready, or what it holds when it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Readiness {
    Ready { assigned_partitions: i32 },
    NotReady { reason: String },
}

/// The latest statistics and whether the worker is shutting down; shared
/// by the consumer context (writer) and the HTTP handlers (readers).
#[derive(Debug)]
pub struct KafkaStatus {
    latest: Mutex<Option<(Instant, Snapshot)>>,
    stopping: AtomicBool,
    /// After this long without statistics, the polling thread is stuck.
    stale_after: Duration,
}

impl KafkaStatus {
    pub fn new(statistics_interval: Duration) -> Self {
        Self {
            latest: Mutex::new(None),
            stopping: AtomicBool::new(false),
            stale_after: (statistics_interval * 3).max(Duration::from_secs(30)),
        }
    }

    /// Keeps what a statistics report says (the consumer context's `stats`).
    pub fn observe(&self, statistics: &Statistics) {
        let snapshot = Snapshot::from_statistics(statistics);
        *self.latest.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), snapshot));
    }

    /// From now on `/readyz` says the worker is shutting down.
    pub fn set_stopping(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub fn readiness(&self) -> Readiness {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        judge(
            self.stopping.load(Ordering::SeqCst),
            latest.as_ref().map(|(at, s)| (at.elapsed(), s)),
            self.stale_after,
        )
    }

    /// The lag of every partition this worker holds, per the latest report.
    pub fn lags(&self) -> Vec<PartitionLag> {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest
            .as_ref()
            .map(|(_, s)| s.lags.clone())
            .unwrap_or_default()
    }
}

/// Readiness from the latest snapshot and its age. Pure.
pub fn judge(
    stopping: bool,
    latest: Option<(Duration, &Snapshot)>,
    stale_after: Duration,
) -> Readiness {
    let not_ready = |reason: String| Readiness::NotReady { reason };
    if stopping {
        return not_ready("shutting down".into());
    }
    let Some((age, s)) = latest else {
        return not_ready("starting: no statistics from the Kafka client yet".into());
    };
    if age > stale_after {
        return not_ready(format!(
            "no statistics from the Kafka client for {} s: the consumer is stuck or draining a revocation",
            age.as_secs()
        ));
    }
    if s.brokers_up == 0 {
        return not_ready(format!(
            "not connected: none of {} broker connections is up; check that the brokers run and that \
             kafka.brokers lists reachable host:port pairs (and the SASL/SSL settings)",
            s.brokers
        ));
    }
    if s.group_state != "up" || s.join_state != "steady" {
        return not_ready(format!(
            "not in the consumer group yet (group state `{}`, join state `{}`)",
            s.group_state, s.join_state
        ));
    }
    Readiness::Ready {
        assigned_partitions: s.assigned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(brokers_up: usize, state: &str, join: &str) -> Snapshot {
        Snapshot {
            brokers_up,
            brokers: 2,
            group_state: state.into(),
            join_state: join.into(),
            assigned: 3,
            lags: vec![],
        }
    }

    fn reason(r: Readiness) -> String {
        match r {
            Readiness::NotReady { reason } => reason,
            Readiness::Ready { .. } => panic!("ready"),
        }
    }

    const STALE: Duration = Duration::from_secs(30);
    const FRESH: Duration = Duration::from_secs(1);

    #[test]
    fn ready_when_connected_and_steady_in_the_group() {
        let s = snapshot(1, "up", "steady");
        assert_eq!(
            judge(false, Some((FRESH, &s)), STALE),
            Readiness::Ready {
                assigned_partitions: 3
            }
        );
    }

    #[test]
    fn each_reason_for_not_being_ready_is_named() {
        assert!(reason(judge(false, None, STALE)).contains("starting"));
        let s = snapshot(0, "wait-coord", "init");
        assert!(reason(judge(false, Some((FRESH, &s)), STALE)).contains("not connected"));
        let s = snapshot(1, "up", "wait-join");
        assert!(reason(judge(false, Some((FRESH, &s)), STALE)).contains("wait-join"));
        let s = snapshot(1, "up", "steady");
        assert!(reason(judge(false, Some((STALE * 2, &s)), STALE)).contains("no statistics"));
        assert!(reason(judge(true, Some((FRESH, &s)), STALE)).contains("shutting down"));
    }

    #[test]
    fn readiness_serializes_with_a_status_tag() {
        let json = serde_json::to_value(Readiness::NotReady { reason: "x".into() }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "not_ready", "reason": "x"})
        );
    }
}
