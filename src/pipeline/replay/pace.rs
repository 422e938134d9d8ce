//! `--max-rate`: at most N messages per second, so that a backfill leaves
//! the brokers and the output topic to the live pipeline. A pacer with no
//! burst: message k may be taken at `first + k / N`, and a pause (a slow
//! output) is not made up for afterwards by a burst. Pure: the caller passes
//! the clock's reading.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct Pacer {
    period: Option<Duration>,
    next: Option<Instant>,
}

impl Pacer {
    /// `None` (or zero) means no limit.
    pub fn new(max_per_second: Option<u32>) -> Self {
        let period = max_per_second
            .filter(|n| *n > 0)
            .map(|n| Duration::from_secs(1) / n);
        Self { period, next: None }
    }

    /// When the next message may be taken; `None` when it may be now.
    pub fn wait_until(&self, now: Instant) -> Option<Instant> {
        self.next.filter(|next| *next > now)
    }

    /// Records that a message was taken at `now`.
    pub fn taken(&mut self, now: Instant) {
        if let Some(period) = self.period {
            let from = self.next.map_or(now, |next| next.max(now));
            self.next = Some(from + period);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_never_waits() {
        let now = Instant::now();
        let mut p = Pacer::new(None);
        for _ in 0..100 {
            assert_eq!(p.wait_until(now), None);
            p.taken(now);
        }
        let mut p = Pacer::new(Some(0));
        p.taken(now);
        assert_eq!(p.wait_until(now), None);
    }

    #[test]
    fn messages_are_spaced_by_the_period() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Some(4)); // 250 ms apart
        assert_eq!(p.wait_until(t0), None);
        p.taken(t0);
        assert_eq!(p.wait_until(t0), Some(t0 + Duration::from_millis(250)));
        let t1 = t0 + Duration::from_millis(250);
        assert_eq!(p.wait_until(t1), None);
        p.taken(t1);
        assert_eq!(p.wait_until(t1), Some(t0 + Duration::from_millis(500)));
    }

    #[test]
    fn a_pause_is_not_made_up_by_a_burst() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Some(10));
        p.taken(t0);
        let late = t0 + Duration::from_secs(5);
        assert_eq!(p.wait_until(late), None);
        p.taken(late);
        assert_eq!(
            p.wait_until(late),
            Some(late + Duration::from_millis(100)),
            "the next one still waits a full period"
        );
    }
}
