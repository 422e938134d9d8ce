//! START and END of a replay: what the user wrote (`--from`, `--to`,
//! `--partitions`), and its resolution to one half-open offset range
//! `[start, end)` per partition.
//!
//! Parsing is pure. Resolution asks the brokers through the [`Lookup`]
//! trait (topic metadata, watermarks, `offsets_for_times`, committed
//! offsets), so that every rule and every error message is unit-tested
//! against an in-memory topic, and the Kafka side stays a thin adapter.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};

/// Where a replay starts (`--from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// The oldest message still stored (the low watermark).
    Earliest,
    /// The first message whose timestamp is at or after this time.
    Time(DateTime<Utc>),
    /// Where consumer group GROUP stands (its committed offsets).
    Committed(String),
    /// Explicit `partition:offset` pairs.
    Offsets(BTreeMap<i32, i64>),
}

/// Where a replay ends (`--to`), exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The high watermarks read when the replay starts, so that it ends even
    /// while producers keep writing.
    Now,
    /// Before the first message whose timestamp is at or after this time.
    Time(DateTime<Utc>),
    /// Where consumer group GROUP stands (its committed offsets).
    Committed(String),
    /// Explicit `partition:offset` pairs (each offset exclusive).
    Offsets(BTreeMap<i32, i64>),
}

/// Which flag a value or an error belongs to.
pub const FROM: &str = "--from";
pub const TO: &str = "--to";
pub const PARTITIONS: &str = "--partitions";

const START_FORMS: &str = "expected `earliest`, an RFC 3339 time such as 2026-11-27T09:00:00Z, \
     `committed:GROUP`, or PARTITION:OFFSET pairs such as 0:120,1:98";
const END_FORMS: &str = "expected `now`, an RFC 3339 time such as 2026-11-27T10:00:00Z, \
     `committed:GROUP`, or PARTITION:OFFSET pairs such as 0:500,1:480 (exclusive)";

/// A START or END the user can fix; every message says how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("cannot read {flag} `{value}`: {expected}")]
    Syntax {
        flag: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("{flag} names partition {partition} twice; give each partition once")]
    DuplicatePartition { flag: &'static str, partition: i32 },
    #[error(
        "--to {to} is not after --from {from}: the window [--from, --to) would be empty; \
         swap them or widen the window"
    )]
    TimesReversed { from: String, to: String },
    #[error(
        "topic `{topic}` does not exist on the brokers: check --input-topic (or topics.input) \
         and kafka.brokers"
    )]
    UnknownTopic { topic: String },
    #[error(
        "{flag} names partition {partition}, but topic `{topic}` has {count} partition(s), \
         0 to {last}: fix {flag}",
        last = *count - 1
    )]
    NoSuchPartition {
        flag: &'static str,
        topic: String,
        partition: i32,
        count: i32,
    },
    #[error(
        "{flag} names partition {partition}, which --partitions leaves out: add it to \
         --partitions or drop it from {flag}"
    )]
    NotSelected { flag: &'static str, partition: i32 },
    #[error(
        "{flag} gives no offset for partition {partition}: give PARTITION:OFFSET for every \
         replayed partition, or choose the partitions with --partitions"
    )]
    MissingPartition { flag: &'static str, partition: i32 },
    #[error(
        "{flag} offset {offset} of partition {partition} is outside the partition, which holds \
         offsets {low} to {high} (exclusive): give an offset in that range"
    )]
    OffsetOutOfRange {
        flag: &'static str,
        partition: i32,
        offset: i64,
        low: i64,
        high: i64,
    },
    #[error(
        "END is before START on partition {partition}: --from resolves to offset {start} and \
         --to to offset {end}; check the order of --from and --to"
    )]
    EndBeforeStart {
        partition: i32,
        start: i64,
        end: i64,
    },
    #[error(
        "--from {from} is after the newest message of topic `{topic}` on every replayed \
         partition, so there is nothing to replay: pick an earlier time (a time without an \
         offset such as +02:00 must end in Z, UTC)"
    )]
    StartAfterTopic { topic: String, from: String },
    #[error(
        "consumer group `{group}` has no committed offset on topic `{topic}`: check the group \
         name (kafka.group_id of the worker whose position you mean)"
    )]
    NoCommits { group: String, topic: String },
    #[error("cannot {what}: {message}; check that the brokers in kafka.brokers are reachable")]
    Lookup { what: String, message: String },
}

fn parse_time(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `0:10,1:20` into a map; `None` when `value` is not of that form.
fn parse_offsets(
    flag: &'static str,
    value: &str,
) -> Option<Result<BTreeMap<i32, i64>, RangeError>> {
    let mut map = BTreeMap::new();
    for pair in value.split(',') {
        let (p, o) = pair.trim().split_once(':')?;
        let (p, o) = (p.trim().parse::<i32>().ok()?, o.trim().parse::<i64>().ok()?);
        if p < 0 || o < 0 {
            return None;
        }
        if map.insert(p, o).is_some() {
            return Some(Err(RangeError::DuplicatePartition { flag, partition: p }));
        }
    }
    Some(Ok(map))
}

fn parse_group(
    flag: &'static str,
    value: &str,
    expected: &'static str,
) -> Option<Result<String, RangeError>> {
    let group = value.strip_prefix("committed:")?.trim();
    Some(if group.is_empty() {
        Err(RangeError::Syntax {
            flag,
            value: value.to_owned(),
            expected,
        })
    } else {
        Ok(group.to_owned())
    })
}

impl FromStr for Start {
    type Err = RangeError;

    fn from_str(value: &str) -> Result<Self, RangeError> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("earliest") {
            return Ok(Self::Earliest);
        }
        if let Some(g) = parse_group(FROM, v, START_FORMS) {
            return g.map(Self::Committed);
        }
        if let Some(o) = parse_offsets(FROM, v) {
            return o.map(Self::Offsets);
        }
        parse_time(v).map(Self::Time).ok_or(RangeError::Syntax {
            flag: FROM,
            value: value.to_owned(),
            expected: START_FORMS,
        })
    }
}

impl FromStr for End {
    type Err = RangeError;

    fn from_str(value: &str) -> Result<Self, RangeError> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("now") {
            return Ok(Self::Now);
        }
        if let Some(g) = parse_group(TO, v, END_FORMS) {
            return g.map(Self::Committed);
        }
        if let Some(o) = parse_offsets(TO, v) {
            return o.map(Self::Offsets);
        }
        parse_time(v).map(Self::Time).ok_or(RangeError::Syntax {
            flag: TO,
            value: value.to_owned(),
            expected: END_FORMS,
        })
    }
}

fn show_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn show_offsets(m: &BTreeMap<i32, i64>) -> String {
    m.iter()
        .map(|(p, o)| format!("{p}:{o}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl fmt::Display for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Earliest => f.write_str("earliest"),
            Self::Time(t) => f.write_str(&show_time(t)),
            Self::Committed(g) => write!(f, "committed:{g}"),
            Self::Offsets(m) => f.write_str(&show_offsets(m)),
        }
    }
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Now => f.write_str("now"),
            Self::Time(t) => f.write_str(&show_time(t)),
            Self::Committed(g) => write!(f, "committed:{g}"),
            Self::Offsets(m) => f.write_str(&show_offsets(m)),
        }
    }
}

/// What resolution needs from the brokers. Answers are per partition.
pub trait Lookup {
    /// The partitions of `topic`, or `None` when it does not exist.
    fn partitions(&self, topic: &str) -> Result<Option<Vec<i32>>, RangeError>;
    /// (low, high) watermarks: the oldest stored offset and the next one to
    /// be written.
    fn watermarks(&self, topic: &str, partition: i32) -> Result<(i64, i64), RangeError>;
    /// The first offset whose timestamp is at or after `time`, or `None`
    /// (or the high watermark) when every message is older.
    fn offsets_for_time(
        &self,
        topic: &str,
        partitions: &[i32],
        time: DateTime<Utc>,
    ) -> Result<BTreeMap<i32, Option<i64>>, RangeError>;
    /// The committed positions of `group`, `None` where it has none.
    fn committed(
        &self,
        group: &str,
        topic: &str,
        partitions: &[i32],
    ) -> Result<BTreeMap<i32, Option<i64>>, RangeError>;
}

/// What to replay, as the user asked for it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub topic: &'a str,
    pub start: &'a Start,
    pub end: &'a End,
    /// `--partitions`; `None` means the partitions named by `--from`/`--to`
    /// pairs, or else all of them.
    pub partitions: Option<&'a [i32]>,
    /// The consumer group of `--checkpoint`, whose positions win over START.
    pub checkpoint_group: Option<&'a str>,
}

/// One partition's share of a replay: offsets `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionRange {
    pub partition: i32,
    pub start: i64,
    pub end: i64,
    /// Where START resolved to, before a checkpoint moved it.
    pub requested_start: i64,
    /// True when `start` comes from the checkpoint.
    pub resumed: bool,
    /// Watermarks when the replay started.
    pub low: i64,
    pub high: i64,
}

impl PartitionRange {
    /// Offsets in the range: the message count, unless compaction or
    /// transaction markers left gaps.
    pub fn len(&self) -> u64 {
        (self.end - self.start).max(0) as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The resolved replay: a range per selected partition, in partition order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub topic: String,
    pub ranges: Vec<PartitionRange>,
}

impl Plan {
    pub fn total(&self) -> u64 {
        self.ranges.iter().map(PartitionRange::len).sum()
    }

    pub fn range(&self, partition: i32) -> Option<&PartitionRange> {
        self.ranges.iter().find(|r| r.partition == partition)
    }
}

/// Resolves `req` to offsets, validating everything a user can get wrong.
pub fn resolve(req: &Request<'_>, lookup: &impl Lookup) -> Result<Plan, RangeError> {
    if let (Start::Time(from), End::Time(to)) = (req.start, req.end) {
        if to <= from {
            return Err(RangeError::TimesReversed {
                from: show_time(from),
                to: show_time(to),
            });
        }
    }
    let existing = lookup
        .partitions(req.topic)?
        .ok_or_else(|| RangeError::UnknownTopic {
            topic: req.topic.to_owned(),
        })?;
    let selected = select(req, &existing)?;
    let mut watermarks = BTreeMap::new();
    for &p in &selected {
        watermarks.insert(p, lookup.watermarks(req.topic, p)?);
    }
    let starts = resolve_start(req, lookup, &selected, &watermarks)?;
    let ends = resolve_end(req, lookup, &selected, &watermarks)?;
    let mut ranges = Vec::with_capacity(selected.len());
    for &p in &selected {
        let (start, end) = (starts[&p], ends[&p]);
        if end < start {
            return Err(RangeError::EndBeforeStart {
                partition: p,
                start,
                end,
            });
        }
        let (low, high) = watermarks[&p];
        ranges.push(PartitionRange {
            partition: p,
            start,
            end,
            requested_start: start,
            resumed: false,
            low,
            high,
        });
    }
    if let Some(group) = req.checkpoint_group {
        let positions = lookup.committed(group, req.topic, &selected)?;
        apply_checkpoint(&mut ranges, &positions);
    }
    Ok(Plan {
        topic: req.topic.to_owned(),
        ranges,
    })
}

/// The partitions to replay, each checked to exist.
fn select(req: &Request<'_>, existing: &[i32]) -> Result<Vec<i32>, RangeError> {
    let count = existing.len() as i32;
    let check = |flag: &'static str, p: i32| {
        if existing.contains(&p) {
            Ok(())
        } else {
            Err(RangeError::NoSuchPartition {
                flag,
                topic: req.topic.to_owned(),
                partition: p,
                count,
            })
        }
    };
    let named: Vec<(&'static str, i32)> = [
        (FROM, explicit_start(req.start)),
        (TO, explicit_end(req.end)),
    ]
    .into_iter()
    .flat_map(|(flag, m)| {
        m.into_iter()
            .flat_map(|m| m.keys())
            .map(move |p| (flag, *p))
    })
    .collect();
    for &(flag, p) in &named {
        check(flag, p)?;
    }
    let selected: BTreeSet<i32> = match req.partitions {
        Some(list) => {
            for &p in list {
                check(PARTITIONS, p)?;
            }
            let list: BTreeSet<i32> = list.iter().copied().collect();
            if let Some(&(flag, p)) = named.iter().find(|(_, p)| !list.contains(p)) {
                return Err(RangeError::NotSelected { flag, partition: p });
            }
            list
        }
        None if !named.is_empty() => named.iter().map(|(_, p)| *p).collect(),
        None => existing.iter().copied().collect(),
    };
    Ok(selected.into_iter().collect())
}

fn explicit_start(s: &Start) -> Option<&BTreeMap<i32, i64>> {
    match s {
        Start::Offsets(m) => Some(m),
        _ => None,
    }
}

fn explicit_end(e: &End) -> Option<&BTreeMap<i32, i64>> {
    match e {
        End::Offsets(m) => Some(m),
        _ => None,
    }
}

type Watermarks = BTreeMap<i32, (i64, i64)>;

fn explicit(
    flag: &'static str,
    m: &BTreeMap<i32, i64>,
    selected: &[i32],
    wm: &Watermarks,
) -> Result<BTreeMap<i32, i64>, RangeError> {
    selected
        .iter()
        .map(|&p| {
            let offset = *m
                .get(&p)
                .ok_or(RangeError::MissingPartition { flag, partition: p })?;
            let (low, high) = wm[&p];
            if offset < low || offset > high {
                return Err(RangeError::OffsetOutOfRange {
                    flag,
                    partition: p,
                    offset,
                    low,
                    high,
                });
            }
            Ok((p, offset))
        })
        .collect()
}

/// A group's positions, clamped to what is stored; where it has none,
/// `missing`. Errors when it has none anywhere.
fn committed(
    lookup: &impl Lookup,
    req: &Request<'_>,
    group: &str,
    selected: &[i32],
    wm: &Watermarks,
    missing: impl Fn(i64, i64) -> i64,
) -> Result<BTreeMap<i32, i64>, RangeError> {
    let positions = lookup.committed(group, req.topic, selected)?;
    if !selected.is_empty() && positions.values().all(Option::is_none) {
        return Err(RangeError::NoCommits {
            group: group.to_owned(),
            topic: req.topic.to_owned(),
        });
    }
    Ok(selected
        .iter()
        .map(|&p| {
            let (low, high) = wm[&p];
            let o = match positions.get(&p).copied().flatten() {
                Some(o) => o.clamp(low, high),
                None => missing(low, high),
            };
            (p, o)
        })
        .collect())
}

/// First offset at or after `time`, per partition, `None` where every
/// message is older.
fn by_time(
    lookup: &impl Lookup,
    req: &Request<'_>,
    time: DateTime<Utc>,
    selected: &[i32],
    wm: &Watermarks,
) -> Result<BTreeMap<i32, Option<i64>>, RangeError> {
    let found = lookup.offsets_for_time(req.topic, selected, time)?;
    Ok(selected
        .iter()
        .map(|&p| {
            let (low, high) = wm[&p];
            // An offset at or past the high watermark (some brokers answer
            // so instead of -1) also means that no message is that recent.
            let o = found.get(&p).copied().flatten().filter(|o| *o < high);
            (p, o.map(|o| o.max(low)))
        })
        .collect())
}

fn resolve_start(
    req: &Request<'_>,
    lookup: &impl Lookup,
    selected: &[i32],
    wm: &Watermarks,
) -> Result<BTreeMap<i32, i64>, RangeError> {
    match req.start {
        Start::Earliest => Ok(selected.iter().map(|&p| (p, wm[&p].0)).collect()),
        Start::Offsets(m) => explicit(FROM, m, selected, wm),
        // The group would read a partition it never committed from the
        // start (the worker's auto.offset.reset is `earliest`).
        Start::Committed(g) => committed(lookup, req, g, selected, wm, |low, _| low),
        Start::Time(t) => {
            let found = by_time(lookup, req, *t, selected, wm)?;
            if !selected.is_empty() && found.values().all(Option::is_none) {
                return Err(RangeError::StartAfterTopic {
                    topic: req.topic.to_owned(),
                    from: show_time(t),
                });
            }
            Ok(found
                .into_iter()
                .map(|(p, o)| (p, o.unwrap_or(wm[&p].1)))
                .collect())
        }
    }
}

fn resolve_end(
    req: &Request<'_>,
    lookup: &impl Lookup,
    selected: &[i32],
    wm: &Watermarks,
) -> Result<BTreeMap<i32, i64>, RangeError> {
    match req.end {
        End::Now => Ok(selected.iter().map(|&p| (p, wm[&p].1)).collect()),
        End::Offsets(m) => explicit(TO, m, selected, wm),
        // A group that never committed a partition has read none of it.
        End::Committed(g) => committed(lookup, req, g, selected, wm, |low, _| low),
        End::Time(t) => Ok(by_time(lookup, req, *t, selected, wm)?
            .into_iter()
            .map(|(p, o)| (p, o.unwrap_or(wm[&p].1)))
            .collect()),
    }
}

/// Moves each range's start to the checkpoint's position where it has one
/// (the checkpoint wins over START), kept within `[low, end]`.
pub fn apply_checkpoint(ranges: &mut [PartitionRange], positions: &BTreeMap<i32, Option<i64>>) {
    for r in ranges {
        if let Some(pos) = positions.get(&r.partition).copied().flatten() {
            r.start = pos.max(r.low).min(r.end);
            r.resumed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A topic in memory: per partition, the low watermark and the
    /// timestamps (ms) of the stored messages from there on.
    struct Fake {
        topic: &'static str,
        partitions: Vec<(i64, Vec<i64>)>,
        groups: BTreeMap<String, BTreeMap<i32, i64>>,
    }

    impl Fake {
        /// Two partitions: p0 offsets 0..10 at t=0,10,…,90 s; p1 offsets
        /// 5..10 (0..5 deleted) at t=5,15,…,45 s.
        fn new() -> Self {
            Self {
                topic: "raw",
                partitions: vec![
                    (0, (0..10).map(|i| i * 10_000).collect()),
                    (5, (0..5).map(|i| 5_000 + i * 10_000).collect()),
                ],
                groups: BTreeMap::from([
                    ("live".to_owned(), BTreeMap::from([(0, 7), (1, 8)])),
                    ("half".to_owned(), BTreeMap::from([(0, 4)])),
                ]),
            }
        }
    }

    impl Lookup for Fake {
        fn partitions(&self, topic: &str) -> Result<Option<Vec<i32>>, RangeError> {
            Ok((topic == self.topic).then(|| (0..self.partitions.len() as i32).collect()))
        }

        fn watermarks(&self, _: &str, p: i32) -> Result<(i64, i64), RangeError> {
            let (low, ts) = &self.partitions[p as usize];
            Ok((*low, low + ts.len() as i64))
        }

        fn offsets_for_time(
            &self,
            _: &str,
            partitions: &[i32],
            time: DateTime<Utc>,
        ) -> Result<BTreeMap<i32, Option<i64>>, RangeError> {
            let ms = time.timestamp_millis();
            Ok(partitions
                .iter()
                .map(|&p| {
                    let (low, ts) = &self.partitions[p as usize];
                    let found = ts.iter().position(|t| *t >= ms).map(|i| low + i as i64);
                    // Partition 1 answers "none" with the high watermark,
                    // as some brokers do.
                    let none = (p == 1).then(|| low + ts.len() as i64);
                    (p, found.or(none))
                })
                .collect())
        }

        fn committed(
            &self,
            group: &str,
            _: &str,
            partitions: &[i32],
        ) -> Result<BTreeMap<i32, Option<i64>>, RangeError> {
            let g = self.groups.get(group);
            Ok(partitions
                .iter()
                .map(|&p| (p, g.and_then(|g| g.get(&p).copied())))
                .collect())
        }
    }

    fn at(s: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(i64::from(s), 0).unwrap()
    }

    fn plan(from: &str, to: &str, partitions: Option<&[i32]>) -> Result<Plan, RangeError> {
        plan_with(from, to, partitions, None)
    }

    fn plan_with(
        from: &str,
        to: &str,
        partitions: Option<&[i32]>,
        checkpoint_group: Option<&str>,
    ) -> Result<Plan, RangeError> {
        let (start, end) = (from.parse::<Start>()?, to.parse::<End>()?);
        resolve(
            &Request {
                topic: "raw",
                start: &start,
                end: &end,
                partitions,
                checkpoint_group,
            },
            &Fake::new(),
        )
    }

    fn ranges(p: &Plan) -> Vec<(i32, i64, i64)> {
        p.ranges
            .iter()
            .map(|r| (r.partition, r.start, r.end))
            .collect()
    }

    #[test]
    fn starts_parse_in_every_form() {
        assert_eq!("earliest".parse(), Ok(Start::Earliest));
        assert_eq!(" EARLIEST ".parse(), Ok(Start::Earliest));
        assert_eq!(
            "2026-11-27T09:00:00Z".parse(),
            Ok(Start::Time(
                DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc)
            ))
        );
        assert_eq!(
            "2026-11-27T11:00:00+02:00".parse::<Start>(),
            "2026-11-27T09:00:00Z".parse::<Start>(),
            "offsets are converted to UTC"
        );
        assert_eq!(
            "committed:article-enricher".parse(),
            Ok(Start::Committed("article-enricher".into()))
        );
        assert_eq!(
            "0:10, 2:30".parse(),
            Ok(Start::Offsets(BTreeMap::from([(0, 10), (2, 30)])))
        );
        assert_eq!("1:0".parse(), Ok(Start::Offsets(BTreeMap::from([(1, 0)]))));
    }

    #[test]
    fn ends_parse_in_every_form() {
        assert_eq!("now".parse(), Ok(End::Now));
        assert!(matches!(
            "2026-11-27T10:00:00.5Z".parse::<End>(),
            Ok(End::Time(_))
        ));
        assert_eq!("committed:g".parse(), Ok(End::Committed("g".into())));
        assert_eq!("3:7".parse(), Ok(End::Offsets(BTreeMap::from([(3, 7)]))));
    }

    #[test]
    fn bad_values_say_what_is_expected() {
        for bad in [
            "",
            "yesterday",
            "2026-11-27",
            "2026-11-27 09:00",
            "0:",
            "-1:3",
            "0:-3",
            "committed:",
            "now",
        ] {
            let e = bad.parse::<Start>().unwrap_err().to_string();
            assert!(e.starts_with(&format!("cannot read --from `{bad}`")), "{e}");
            assert!(
                e.contains("earliest") && e.contains("RFC 3339") && e.contains("committed:GROUP"),
                "{e}"
            );
        }
        let e = "earliest".parse::<End>().unwrap_err().to_string();
        assert!(
            e.contains("--to `earliest`") && e.contains("expected `now`"),
            "{e}"
        );
        assert_eq!(
            "0:1,0:2".parse::<Start>(),
            Err(RangeError::DuplicatePartition {
                flag: FROM,
                partition: 0
            })
        );
    }

    #[test]
    fn values_print_back_as_they_parse() {
        for v in [
            "earliest",
            "2026-11-27T09:00:00Z",
            "committed:g",
            "0:10,2:30",
        ] {
            assert_eq!(v.parse::<Start>().unwrap().to_string(), v);
        }
        for v in ["now", "2026-11-27T09:00:00.500Z", "committed:g", "1:4"] {
            assert_eq!(v.parse::<End>().unwrap().to_string(), v);
        }
    }

    #[test]
    fn earliest_to_now_covers_every_stored_message() {
        let p = plan("earliest", "now", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 0, 10), (1, 5, 10)]);
        assert_eq!(p.total(), 15);
        assert_eq!(p.range(1).unwrap().low, 5);
    }

    #[test]
    fn a_time_window_is_half_open() {
        // p0 has t=20,30,40 s in [20 s, 50 s) at offsets 2..5; p1 has
        // t=25,35,45 at offsets 7..10.
        let p = plan("1970-01-01T00:00:20Z", "1970-01-01T00:00:50Z", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 2, 5), (1, 7, 10)]);
        // Before every message, and an END past the last message.
        let p = plan("1970-01-01T00:00:00Z", "2100-01-01T00:00:00Z", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 0, 10), (1, 5, 10)]);
        // A start past p1's last message leaves p1 empty.
        let p = plan("1970-01-01T00:01:00Z", "now", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 6, 10), (1, 10, 10)]);
        assert!(p.range(1).unwrap().is_empty());
        let _ = at(0);
    }

    #[test]
    fn a_start_after_the_whole_topic_is_an_error() {
        let e = plan("2100-01-01T00:00:00Z", "now", None).unwrap_err();
        assert_eq!(
            e,
            RangeError::StartAfterTopic {
                topic: "raw".into(),
                from: "2100-01-01T00:00:00Z".into()
            }
        );
        assert!(e.to_string().contains("pick an earlier time"));
    }

    #[test]
    fn reversed_times_are_refused_before_asking_the_brokers() {
        let e = plan("1970-01-01T00:00:50Z", "1970-01-01T00:00:20Z", None).unwrap_err();
        assert!(matches!(e, RangeError::TimesReversed { .. }));
        assert!(e.to_string().contains("swap them"), "{e}");
        let e = plan("1970-01-01T00:00:50Z", "1970-01-01T00:00:50Z", None).unwrap_err();
        assert!(
            matches!(e, RangeError::TimesReversed { .. }),
            "an empty window"
        );
    }

    #[test]
    fn end_before_start_names_the_partition_and_offsets() {
        let e = plan("0:6", "0:3", None).unwrap_err();
        assert_eq!(
            e,
            RangeError::EndBeforeStart {
                partition: 0,
                start: 6,
                end: 3
            }
        );
        assert!(e.to_string().contains("--from resolves to offset 6"), "{e}");
        // A time START after an offset END.
        let e = plan("1970-01-01T00:01:00Z", "0:2", None).unwrap_err();
        assert!(
            matches!(
                e,
                RangeError::EndBeforeStart {
                    partition: 0,
                    start: 6,
                    end: 2
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn explicit_pairs_choose_the_partitions() {
        let p = plan("1:6", "now", None).unwrap();
        assert_eq!(ranges(&p), vec![(1, 6, 10)]);
        let p = plan("earliest", "0:4", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 0, 4)]);
        let p = plan("0:1,1:5", "0:2,1:6", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 1, 2), (1, 5, 6)]);
        let e = plan("0:1", "1:6", None).unwrap_err();
        assert_eq!(
            e,
            RangeError::MissingPartition {
                flag: FROM,
                partition: 1
            }
        );
        assert!(e
            .to_string()
            .contains("give PARTITION:OFFSET for every replayed partition"));
    }

    #[test]
    fn partitions_narrow_the_replay_and_must_exist() {
        let p = plan("earliest", "now", Some(&[1])).unwrap();
        assert_eq!(ranges(&p), vec![(1, 5, 10)]);
        let e = plan("earliest", "now", Some(&[0, 2])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--partitions names partition 2, but topic `raw` has 2 partition(s), 0 to 1: fix --partitions"
        );
        let e = plan("7:0", "now", None).unwrap_err();
        assert!(matches!(
            e,
            RangeError::NoSuchPartition {
                flag: FROM,
                partition: 7,
                ..
            }
        ));
        let e = plan("0:1,1:6", "now", Some(&[0])).unwrap_err();
        assert_eq!(
            e,
            RangeError::NotSelected {
                flag: FROM,
                partition: 1
            }
        );
        let e = plan("earliest", "0:3", Some(&[0, 1])).unwrap_err();
        assert_eq!(
            e,
            RangeError::MissingPartition {
                flag: TO,
                partition: 1
            }
        );
    }

    #[test]
    fn explicit_offsets_must_be_stored() {
        let e = plan("1:2", "now", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--from offset 2 of partition 1 is outside the partition, which holds offsets 5 to 10 \
             (exclusive): give an offset in that range"
        );
        let e = plan("earliest", "0:11", None).unwrap_err();
        assert!(matches!(
            e,
            RangeError::OffsetOutOfRange {
                flag: TO,
                offset: 11,
                ..
            }
        ));
        // The high watermark itself is a valid (empty) start and end.
        assert_eq!(
            ranges(&plan("0:10", "0:10", None).unwrap()),
            vec![(0, 10, 10)]
        );
    }

    #[test]
    fn unknown_topic_is_named() {
        let start = Start::Earliest;
        let end = End::Now;
        let e = resolve(
            &Request {
                topic: "nope",
                start: &start,
                end: &end,
                partitions: None,
                checkpoint_group: None,
            },
            &Fake::new(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            RangeError::UnknownTopic {
                topic: "nope".into()
            }
        );
        assert!(e.to_string().contains("check --input-topic"));
    }

    #[test]
    fn committed_positions_of_a_group() {
        let p = plan("committed:live", "now", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 7, 10), (1, 8, 10)]);
        // Up to where the live group stands.
        let p = plan("earliest", "committed:live", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 0, 7), (1, 5, 8)]);
        // A partition without a commit starts at its low watermark.
        let p = plan("committed:half", "now", None).unwrap();
        assert_eq!(ranges(&p), vec![(0, 4, 10), (1, 5, 10)]);
        let e = plan("committed:ghost", "now", None).unwrap_err();
        assert!(matches!(e, RangeError::NoCommits { .. }));
        assert!(e.to_string().contains("check the group name"), "{e}");
    }

    #[test]
    fn a_checkpoint_wins_over_start_where_it_has_a_position() {
        // Group "half" stands at p0:4; p1 keeps START.
        let p = plan_with("earliest", "now", None, Some("half")).unwrap();
        assert_eq!(ranges(&p), vec![(0, 4, 10), (1, 5, 10)]);
        let r0 = p.range(0).unwrap();
        assert!(r0.resumed && r0.requested_start == 0);
        assert!(!p.range(1).unwrap().resumed);
        // Positions past END (a finished replay) leave empty ranges.
        let p = plan_with("earliest", "0:3,1:6", None, Some("live")).unwrap();
        assert_eq!(ranges(&p), vec![(0, 3, 3), (1, 6, 6)]);
        assert_eq!(p.total(), 0);
        // A new checkpoint (no commits) is not an error.
        let p = plan_with("earliest", "now", None, Some("fresh")).unwrap();
        assert_eq!(p.total(), 15);
    }
}
