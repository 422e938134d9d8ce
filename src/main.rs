//! The `article-enricher` binary: parses the command line, loads the
//! configuration and hands over to a command. Errors end here, as `anyhow`
//! reports with their causes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use article_enricher::commands::demo::{self, DemoArgs};
use article_enricher::commands::enrich::{self, EnrichArgs};
use article_enricher::commands::replay::{self as replay_cmd, ReplayArgs};
use article_enricher::commands::run::{self as run_cmd, RunArgs};
use article_enricher::config::{Config, LogFormat};
use article_enricher::telemetry;
use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: the core makes many small,
/// short-lived allocations per article (tokens, names, spans), and glibc's
/// malloc and free were a tenth of its instructions (see
/// docs/benchmark-record.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Enriches news articles with metadata, entities and direct quotes with
/// their speakers: as a Kafka consumer-group worker, or on files.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// A TOML file with configuration keys (see config/default.toml);
    /// ARTICLE_ENRICHER__SECTION__KEY variables and flags override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log format, overriding log.format.
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Enrich JSON Lines or a plain-text article from a file or stdin, without Kafka.
    ///
    /// Each input line is one raw event (a JSON object with `text`, `body` or
    /// `content`, or plain text); each output line is one enriched event.
    /// Lines that fail to decode are reported on stderr with their number and
    /// the exit code is 1 at the end.
    Enrich(EnrichArgs),
    /// Run the Kafka worker: consume raw events from topics.input, write
    /// enriched events to topics.output and failures to topics.dead_letter.
    ///
    /// One member of the consumer group kafka.group_id: start more copies
    /// (up to the number of input partitions) to scale out. Offsets are
    /// committed only after the outputs are acknowledged (at least once).
    /// SIGINT/SIGTERM: finish in-flight messages, commit, exit 0 within
    /// worker.shutdown_timeout_ms.
    Run(RunArgs),
    /// Try the worker without a broker: librdkafka's in-process mock
    /// cluster, the bundled sample articles, the real worker; prints the
    /// enriched events and dead letters and exits 0.
    Demo(DemoArgs),
    /// Re-enrich a range of an input topic (a backfill) into an output
    /// topic, without touching the live consumer group.
    ///
    /// Same configuration, core, output format, headers and dead letters as
    /// `run`, plus a `replay-id` header; values are byte-identical to what
    /// `run` writes for the same input. Reads offsets [START, END) of each
    /// partition (with `assign`, joining no group), stops by itself at END
    /// and prints a summary. With --checkpoint NAME, progress is committed
    /// under group article-enricher-replay-NAME and the same command run
    /// again continues where it stopped: the checkpoint wins over --from.
    ///
    /// Exit codes: 0 done (or --dry-run), 2 error, 3 stopped by
    /// SIGINT/SIGTERM before END (in-flight messages finished and the
    /// checkpoint committed), 4 END reached but part of the range was
    /// deleted by retention before it was read (the summary says which).
    Replay(ReplayArgs),
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, joined by `: `, leaving out a cause whose
/// words are already in the message: the messages of this crate quote
/// their cause before saying what to do, and some library errors repeat
/// themselves as their own source.
fn error_chain(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref()).context("invalid configuration")?;
    if let Some(format) = cli.log_format {
        config.log.format = format;
    }
    // Kept to the end: dropping it flushes the spans not yet exported.
    let _telemetry = telemetry::init(&config.log, &config.telemetry)
        .context("invalid logging or telemetry settings")?;
    match cli.command {
        Command::Enrich(args) => {
            let summary = enrich::run(&args, &config.decode_limits())?;
            if summary.failed > 0 {
                eprintln!("{} enriched, {} failed", summary.enriched, summary.failed);
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => {
            run_cmd::run(&args, config)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay(args) => Ok(ExitCode::from(replay_cmd::run(&args, config)?)),
        Command::Demo(args) => {
            demo::run(&args, config)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::other("disk full");
        let e = anyhow::Error::new(io)
            .context("cannot write out.jsonl: disk full; free some space")
            .context("enrich failed");
        assert_eq!(
            error_chain(&e),
            "enrich failed: cannot write out.jsonl: disk full; free some space"
        );
        let e = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_chain(&e), "outer: inner");
    }
}
