//! `article-enricher replay`: re-enrich a range of an input topic (a
//! backfill), with the worker's configuration and code, without touching
//! the live consumer group. Prints the plan (`--dry-run`) or a summary on
//! stdout; logs and progress go to stderr.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::config::Config;
use crate::pipeline::replay::range::{End, PartitionRange, Plan, Start};
use crate::pipeline::replay::{self, ReplayOptions, Summary};

/// Exit code of a replay stopped by SIGINT/SIGTERM before its END.
pub const EXIT_INTERRUPTED: u8 = 3;

/// Exit code of a replay that reached its END but could not read part of
/// its range: retention deleted it first.
pub const EXIT_DELETED: u8 = 4;

#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Where to start: `earliest`; an RFC 3339 time (the first message at or
    /// after it, e.g. 2026-11-27T09:00:00Z); `committed:GROUP` (where that
    /// consumer group stands); or PARTITION:OFFSET pairs, e.g. 0:120,1:98.
    /// With --checkpoint, the checkpoint's position wins over this for every
    /// partition it covers.
    #[arg(long, value_name = "START")]
    pub from: Start,
    /// Where to stop, exclusive: `now` (the end of each partition when the
    /// replay starts), an RFC 3339 time (before the first message at or
    /// after it), `committed:GROUP`, or PARTITION:OFFSET pairs.
    #[arg(long, value_name = "END", default_value = "now")]
    pub to: End,
    /// The topic to read, instead of topics.input (required when that lists
    /// several topics).
    #[arg(long, value_name = "TOPIC")]
    pub input_topic: Option<String>,
    /// Where enriched events go, instead of topics.output.
    #[arg(long, value_name = "TOPIC")]
    pub output_topic: Option<String>,
    /// Where dead letters go, instead of topics.dead_letter.
    #[arg(long, value_name = "TOPIC")]
    pub dead_letter_topic: Option<String>,
    /// Only these partitions (default: those named by PARTITION:OFFSET
    /// pairs, or else all).
    #[arg(long, value_name = "P,P,...", value_delimiter = ',')]
    pub partitions: Option<Vec<i32>>,
    /// At most N messages per second, so that the backfill leaves room for
    /// the live pipeline.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rate: Option<u32>,
    /// Store progress under consumer group article-enricher-replay-NAME, so
    /// that the same command run again after an interruption continues where
    /// it stopped. Without it a replay keeps no state.
    #[arg(long, value_name = "NAME")]
    pub checkpoint: Option<String>,
    /// Print the offset range and message count of each partition, and exit
    /// without producing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Bootstrap servers, overriding kafka.brokers.
    #[arg(long, value_name = "HOST:PORT,...")]
    pub brokers: Option<String>,
    /// Seconds between progress log lines when stderr is not a terminal.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub progress_interval: u64,
}

impl ReplayArgs {
    /// The options of the replay: flags on top of the configuration, which
    /// is checked again (an output topic that is also the input would loop).
    pub fn options(&self, config: &mut Config) -> anyhow::Result<ReplayOptions> {
        if let Some(b) = &self.brokers {
            config.kafka.brokers = b.clone();
        }
        let input = match (&self.input_topic, config.topics.input.as_slice()) {
            (Some(t), _) => t.clone(),
            (None, [only]) => only.clone(),
            (None, many) => bail!(
                "topics.input lists {} topics ({}); choose the one to replay with --input-topic",
                many.len(),
                many.join(", ")
            ),
        };
        config.topics.input = vec![input.clone()];
        if let Some(t) = &self.output_topic {
            config.topics.output = t.clone();
        }
        if let Some(t) = &self.dead_letter_topic {
            config.topics.dead_letter = t.clone();
        }
        if let Some(name) = &self.checkpoint {
            if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
                bail!("--checkpoint {name:?} must be a non-empty name without spaces, e.g. reindex-2026-11");
            }
        }
        config.validate().context("invalid configuration")?;
        Ok(ReplayOptions {
            input,
            output: config.topics.output.clone(),
            dead_letter: config.topics.dead_letter.clone(),
            start: self.from.clone(),
            end: self.to.clone(),
            partitions: self.partitions.clone(),
            max_rate: self.max_rate,
            replay_id: self.checkpoint.clone().unwrap_or_else(generated_id),
            checkpoint: self.checkpoint.clone(),
            progress_every: Duration::from_secs(self.progress_interval.max(1)),
        })
    }
}

/// A replay id for a replay without checkpoint: when it started, and the
/// process id. It appears only in the `replay-id` header, never in values.
fn generated_id() -> String {
    format!(
        "replay-{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    )
}

/// One line per partition: `partition 0: offsets 0..20 (20 messages)`.
fn range_line(r: &PartitionRange, checkpoint: Option<&str>) -> String {
    let mut line = format!(
        "  partition {}: offsets {}..{} ({} messages)",
        r.partition,
        r.start,
        r.end,
        r.len()
    );
    if r.resumed {
        let _ = write!(
            line,
            ", resumed from checkpoint `{}` (START was offset {})",
            checkpoint.unwrap_or("?"),
            r.requested_start
        );
    }
    line
}

/// The `--dry-run` report.
pub fn describe_plan(plan: &Plan, opts: &ReplayOptions) -> String {
    let mut out = format!(
        "replay of `{}` from {} to {} (dry run): {} partition(s), {} messages\n",
        plan.topic,
        opts.start,
        opts.end,
        plan.ranges.len(),
        plan.total()
    );
    for r in &plan.ranges {
        out.push_str(&range_line(r, opts.checkpoint.as_deref()));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "would write enriched events to `{}` and dead letters to `{}`",
        opts.output, opts.dead_letter
    );
    out
}

/// The summary printed at the end.
pub fn describe_summary(s: &Summary) -> String {
    let state = if s.interrupted {
        "interrupted"
    } else {
        "finished"
    };
    let mut out = format!(
        "replay {} of `{}` {state}: {} messages, {} enriched, {} dead-lettered in {:.2} s ({:.1} messages/s)\n",
        s.replay_id,
        s.plan.topic,
        s.messages,
        s.enriched,
        s.dead_lettered,
        s.duration.as_secs_f64(),
        s.rate()
    );
    for r in &s.plan.ranges {
        let done = s.partitions.get(&r.partition).cloned().unwrap_or_default();
        out.push_str(&range_line(r, s.checkpoint.as_deref()));
        let _ = match (done.first, done.last) {
            (Some(first), Some(last)) => write!(
                out,
                ": replayed {} ({first}..={last}){}",
                done.messages,
                if done.complete { "" } else { ", not finished" }
            ),
            _ => write!(out, ": nothing replayed"),
        };
        for (from, to) in &done.deleted {
            let _ = write!(out, "; {from}..{to} deleted before it was read");
        }
        out.push('\n');
    }
    if s.produce_retries > 0 || s.abandoned > 0 {
        let _ = writeln!(
            out,
            "produce retries: {}, abandoned at the shutdown timeout: {}",
            s.produce_retries, s.abandoned
        );
    }
    if s.deleted() > 0 {
        let _ = writeln!(
            out,
            "{} offsets of the range were deleted by the topic's retention before the replay \
             read them: they cannot be replayed. Replay sooner, or raise the input topic's \
             retention.ms for a backfill this long",
            s.deleted()
        );
    }
    if s.interrupted {
        match &s.checkpoint {
            Some(name) => {
                let _ = writeln!(
                    out,
                    "run the same command again to continue from checkpoint `{name}`"
                );
            }
            None => out.push_str(
                "without --checkpoint there is no saved progress: a new run starts over from --from\n",
            ),
        }
    }
    out
}

/// Runs the command; the exit code is 0 when the replay reached its END (or
/// for a dry run), [`EXIT_INTERRUPTED`] when a signal stopped it first, and
/// [`EXIT_DELETED`] when it reached its END without part of its range.
pub fn run(args: &ReplayArgs, mut config: Config) -> anyhow::Result<u8> {
    let opts = args.options(&mut config)?;
    let plan = replay::plan(&config, &opts).context("cannot plan the replay")?;
    if args.dry_run {
        print!("{}", describe_plan(&plan, &opts));
        return Ok(0);
    }
    let rt = super::run::runtime()?;
    let summary = rt.block_on(replay::execute(
        &config,
        &opts,
        plan,
        super::run::shutdown_signal(),
    ))?;
    rt.shutdown_timeout(Duration::from_millis(100));
    print!("{}", describe_summary(&summary));
    Ok(if summary.interrupted {
        EXIT_INTERRUPTED
    } else if summary.deleted() > 0 {
        EXIT_DELETED
    } else {
        0
    })
}
