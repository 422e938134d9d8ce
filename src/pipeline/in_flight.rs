//! How much work a partition holds at once: the messages taken from Kafka
//! and not yet acknowledged, bounded by count (`worker.max_in_flight`) and
//! by payload bytes (`worker.max_in_flight_bytes`).
//!
//! The count alone bounds memory only for articles of ordinary size: 64
//! messages of 1 MiB, each with its ~2 MiB output waiting for the broker,
//! are ~200 MiB per partition, and a fast broker lets a worker get there
//! (368 MiB peak with 1 MiB bodies, docs/benchmark-record.md). The byte
//! bound keeps that flat whatever the sizes. A message larger than the
//! whole bound still goes through, alone, so no payload the decoder
//! accepts can stall its partition.

use std::collections::HashMap;
use std::hash::Hash;

/// The messages in flight, keyed by what identifies them to the caller
/// (an offset, or a partition and an offset).
#[derive(Debug)]
pub(crate) struct InFlight<K> {
    max_messages: usize,
    max_bytes: usize,
    /// The sum of `taken`'s values.
    bytes: usize,
    /// Payload bytes of each message in flight.
    taken: HashMap<K, usize>,
}

impl<K: Hash + Eq> InFlight<K> {
    pub(crate) fn new(max_messages: usize, max_bytes: usize) -> Self {
        Self {
            max_messages,
            max_bytes,
            bytes: 0,
            taken: HashMap::with_capacity(max_messages),
        }
    }

    /// Whether another message may be taken: both bounds have room. The
    /// size of the next message is not known before it is taken, so the
    /// byte bound can be passed by one message, never by more; and with
    /// nothing in flight (both bounds are at least 1) there is always room.
    pub(crate) fn has_room(&self) -> bool {
        self.taken.len() < self.max_messages && self.bytes < self.max_bytes
    }

    pub(crate) fn take(&mut self, key: K, bytes: usize) {
        if let Some(before) = self.taken.insert(key, bytes) {
            self.bytes -= before;
        }
        self.bytes += bytes;
    }

    /// The message `key` is acknowledged (or given up): its room is free.
    pub(crate) fn done(&mut self, key: &K) {
        if let Some(bytes) = self.taken.remove(key) {
            self.bytes -= bytes;
        }
    }

    /// Messages in flight.
    pub(crate) fn len(&self) -> usize {
        self.taken.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_bounds_small_messages() {
        let mut f = InFlight::new(2, 1_000);
        f.take(1, 10);
        assert!(f.has_room());
        f.take(2, 10);
        assert!(!f.has_room(), "two of two taken");
        f.done(&1);
        assert!(f.has_room());
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn the_bytes_bound_large_messages() {
        let mut f = InFlight::new(64, 1_000);
        f.take(1, 600);
        assert!(f.has_room(), "600 of 1,000 bytes");
        f.take(2, 600);
        assert!(!f.has_room(), "1,200 bytes: over by one message, no more");
        f.done(&2);
        assert!(f.has_room());
    }

    #[test]
    fn a_message_over_the_whole_bound_goes_alone() {
        let mut f = InFlight::new(64, 1_000);
        assert!(f.has_room());
        f.take(7, 5_000);
        assert!(!f.has_room());
        f.done(&7);
        assert!(f.has_room());
        assert_eq!(f.len(), 0);
    }

    #[test]
    fn done_twice_or_unknown_changes_nothing() {
        let mut f = InFlight::new(64, 1_000);
        f.take(1, 900);
        f.done(&1);
        f.done(&1);
        f.done(&42);
        f.take(2, 900);
        assert!(f.has_room(), "900 of 1,000 bytes");
        f.take(3, 200);
        assert!(!f.has_room());
    }
}
