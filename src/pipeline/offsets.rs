//! Ordered acknowledgement of the offsets of one partition.
//!
//! Messages of a partition are taken in offset order, but their outputs are
//! acknowledged by the broker in any order (enriched events and dead letters
//! go to different topics, and a failed produce is retried while later ones
//! succeed). Kafka stores one position per partition, meaning "everything
//! below this is done", so the worker may only move it past an offset when
//! that offset and every lower one it took are acknowledged.
//!
//! [`OffsetTracker`] keeps the window of offsets taken but not yet
//! acknowledged, in order, and says how far the position may move. It is
//! pure: no Kafka, no clock, no locks.

use std::collections::VecDeque;

/// A misuse of the tracker, which the caller reports and survives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackerError {
    #[error("offset {offset} was taken after offset {last}: offsets must increase")]
    NotIncreasing { offset: i64, last: i64 },
    #[error("offset {0} was acknowledged but is not pending")]
    NotPending(i64),
}

/// The offsets of one partition that were taken and are not yet
/// acknowledged, and the position that may be stored.
#[derive(Debug, Default, Clone)]
pub struct OffsetTracker {
    /// Offsets taken, in increasing order, with whether each is done. The
    /// front is never done: done offsets at the front are popped at once.
    window: VecDeque<(i64, bool)>,
    /// The highest offset ever taken.
    last_taken: Option<i64>,
    /// The position (next offset to read) that every acknowledged
    /// contiguous prefix allows, not yet handed out by [`Self::take_position`].
    position: Option<i64>,
    /// The position last handed out.
    stored: Option<i64>,
}

impl OffsetTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `offset` was taken for processing. Offsets must increase
    /// (gaps are fine: compaction and transaction markers leave them).
    pub fn begin(&mut self, offset: i64) -> Result<(), TrackerError> {
        if let Some(last) = self.last_taken {
            if offset <= last {
                return Err(TrackerError::NotIncreasing { offset, last });
            }
        }
        self.last_taken = Some(offset);
        self.window.push_back((offset, false));
        Ok(())
    }

    /// Records that the output of `offset` was acknowledged, in any order.
    pub fn complete(&mut self, offset: i64) -> Result<(), TrackerError> {
        let index = self
            .window
            .binary_search_by_key(&offset, |(o, _)| *o)
            .map_err(|_| TrackerError::NotPending(offset))?;
        let entry = &mut self.window[index];
        if entry.1 {
            return Err(TrackerError::NotPending(offset));
        }
        entry.1 = true;
        while let Some(&(o, true)) = self.window.front() {
            self.window.pop_front();
            self.position = Some(o + 1);
        }
        Ok(())
    }

    /// The position to store (the offset after the highest one below which
    /// everything is acknowledged), when it moved since the last call.
    pub fn take_position(&mut self) -> Option<i64> {
        match (self.position, self.stored) {
            (Some(p), Some(s)) if p <= s => None,
            (Some(p), _) => {
                self.stored = Some(p);
                Some(p)
            }
            (None, _) => None,
        }
    }

    /// The position that may be stored, whether or not it was handed out.
    pub fn position(&self) -> Option<i64> {
        self.position
    }

    /// How many offsets were taken and are not yet acknowledged.
    pub fn pending(&self) -> usize {
        self.window.iter().filter(|(_, done)| !done).count()
    }

    /// True when every offset taken is acknowledged.
    pub fn is_idle(&self) -> bool {
        self.window.is_empty()
    }

    /// The offsets still pending, lowest first: what a revocation or a
    /// shutdown that timed out leaves behind (they will be read again by
    /// whoever owns the partition next).
    pub fn pending_offsets(&self) -> Vec<i64> {
        self.window
            .iter()
            .filter(|(_, done)| !done)
            .map(|(o, _)| *o)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_completion_moves_the_position_each_time() {
        let mut t = OffsetTracker::new();
        for o in 0..3 {
            t.begin(o).unwrap();
        }
        assert_eq!(t.take_position(), None);
        t.complete(0).unwrap();
        assert_eq!(t.take_position(), Some(1));
        t.complete(1).unwrap();
        t.complete(2).unwrap();
        assert_eq!(t.take_position(), Some(3));
        assert_eq!(t.take_position(), None, "handed out once");
        assert!(t.is_idle());
    }

    #[test]
    fn out_of_order_completion_waits_for_the_lowest() {
        let mut t = OffsetTracker::new();
        for o in 10..15 {
            t.begin(o).unwrap();
        }
        t.complete(12).unwrap();
        t.complete(14).unwrap();
        t.complete(11).unwrap();
        assert_eq!(t.take_position(), None, "10 is still pending");
        assert_eq!(t.pending(), 2);
        assert_eq!(t.pending_offsets(), vec![10, 13]);
        t.complete(10).unwrap();
        assert_eq!(t.take_position(), Some(13), "10, 11, 12 done; 13 pending");
        t.complete(13).unwrap();
        assert_eq!(t.take_position(), Some(15));
        assert!(t.is_idle());
    }

    #[test]
    fn gaps_in_offsets_are_fine() {
        let mut t = OffsetTracker::new();
        t.begin(5).unwrap();
        t.begin(9).unwrap();
        t.begin(20).unwrap();
        t.complete(9).unwrap();
        assert_eq!(t.take_position(), None);
        t.complete(5).unwrap();
        assert_eq!(t.take_position(), Some(10));
        t.complete(20).unwrap();
        assert_eq!(t.take_position(), Some(21));
    }

    #[test]
    fn misuse_is_reported_not_panicked() {
        let mut t = OffsetTracker::new();
        t.begin(3).unwrap();
        assert_eq!(
            t.begin(3),
            Err(TrackerError::NotIncreasing { offset: 3, last: 3 })
        );
        assert_eq!(t.complete(4), Err(TrackerError::NotPending(4)));
        t.begin(4).unwrap();
        t.complete(4).unwrap();
        assert_eq!(t.complete(4), Err(TrackerError::NotPending(4)));
        t.complete(3).unwrap();
        assert_eq!(t.complete(3), Err(TrackerError::NotPending(3)));
        assert_eq!(t.take_position(), Some(5));
    }

    #[test]
    fn revocation_reports_what_is_left_and_never_stores_past_it() {
        let mut t = OffsetTracker::new();
        for o in 0..6 {
            t.begin(o).unwrap();
        }
        for o in [0, 1, 3, 5] {
            t.complete(o).unwrap();
        }
        // Revoked now: only the contiguous prefix may be stored.
        assert_eq!(t.take_position(), Some(2));
        assert_eq!(t.pending_offsets(), vec![2, 4]);
        assert!(!t.is_idle());
    }

    #[test]
    fn many_random_orders_store_exactly_the_contiguous_prefix() {
        // A deterministic shuffle (xorshift), checked against a model.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200 {
            let n = 1 + (state % 40) as i64;
            let mut t = OffsetTracker::new();
            let mut order: Vec<i64> = (0..n).collect();
            for o in &order {
                t.begin(*o * 2).unwrap();
            }
            for i in (1..order.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                order.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut done = vec![false; n as usize];
            let mut stored = None;
            for o in order {
                t.complete(o * 2).unwrap();
                done[o as usize] = true;
                if let Some(p) = t.take_position() {
                    stored = Some(p);
                }
                let prefix = done.iter().take_while(|d| **d).count() as i64;
                let expected = (prefix > 0).then(|| (prefix - 1) * 2 + 1);
                assert_eq!(stored, expected);
            }
            assert!(t.is_idle());
        }
    }
}
