//! How far a replay is: an `indicatif` bar (done / total, rate, ETA) when
//! stderr is a terminal, a log line every few seconds when it is not (a
//! backfill usually runs from a job runner whose logs are kept).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
    every: Duration,
    last_log: Instant,
}

impl Progress {
    /// `total` is the number of offsets in the plan; `every` is the interval
    /// of the log lines when stderr is not a terminal.
    pub fn new(total: u64, every: Duration) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "replay [{elapsed_precise}] {wide_bar} {pos}/{len} ({rate}, ETA {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key(
                    "rate",
                    |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.1} messages/s", s.per_sec());
                    },
                ),
            );
            bar
        });
        let now = Instant::now();
        Self {
            bar,
            total,
            done: 0,
            started: now,
            every,
            last_log: now,
        }
    }

    /// One more message whose output is acknowledged.
    pub fn inc(&mut self) {
        self.done += 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None if self.last_log.elapsed() >= self.every => {
                self.last_log = Instant::now();
                self.log();
            }
            None => {}
        }
    }

    fn log(&self) {
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        };
        let left = self.total.saturating_sub(self.done);
        let eta_s = if rate > 0.0 {
            (left as f64 / rate).round() as u64
        } else {
            0
        };
        tracing::info!(
            done = self.done,
            total = self.total,
            rate = format!("{rate:.1}/s"),
            eta_s,
            "replay progress"
        );
    }

    /// Removes the bar (the summary follows on stdout).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
