//! `article-enricher enrich`: the core without Kafka, from files or pipes.
//!
//! Reads JSON Lines (one raw event per line) or one plain-text article and
//! writes one enriched event per line. A line that fails to decode is
//! reported on stderr with its number and the run goes on; the exit code
//! tells whether any line failed.

use std::io::{BufRead, BufWriter, Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use enricher_core::{decode, enrich, DecodeLimits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// One raw article event (JSON object or plain text) per line.
    Jsonl,
    /// The whole input is one plain-text article.
    Text,
}

#[derive(Debug, clap::Args)]
pub struct EnrichArgs {
    /// Read from this file instead of stdin.
    #[arg(long, short)]
    pub input: Option<PathBuf>,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// How to read the input.
    #[arg(long, value_enum, default_value_t = InputFormat::Jsonl)]
    pub format: InputFormat,
    /// Indent the JSON output (one event then spans several lines).
    #[arg(long)]
    pub pretty: bool,
}

/// What a run did: how many events were written and how many inputs failed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub enriched: usize,
    pub failed: usize,
}

pub fn run(args: &EnrichArgs, limits: &DecodeLimits) -> anyhow::Result<Summary> {
    let input: Box<dyn Read> = match &args.input {
        Some(path) => Box::new(
            std::fs::File::open(path)
                .with_context(|| format!("cannot open --input {}", path.display()))?,
        ),
        None => Box::new(std::io::stdin().lock()),
    };
    let output: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create --output {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(output);
    let summary = match args.format {
        InputFormat::Text => enrich_text(input, &mut out, limits, args.pretty)?,
        InputFormat::Jsonl => enrich_lines(
            std::io::BufReader::new(input),
            &mut out,
            limits,
            args.pretty,
        )?,
    };
    out.flush().context("cannot write the output")?;
    Ok(summary)
}

fn enrich_text(
    mut input: impl Read,
    out: &mut impl Write,
    limits: &DecodeLimits,
    pretty: bool,
) -> anyhow::Result<Summary> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .context("cannot read the input")?;
    match decode(&bytes, None, limits) {
        Ok(raw) => {
            write_event(out, &enrich(raw), pretty)?;
            Ok(Summary {
                enriched: 1,
                failed: 0,
            })
        }
        Err(e) => {
            eprintln!("input: {e}");
            Ok(Summary {
                enriched: 0,
                failed: 1,
            })
        }
    }
}

fn enrich_lines(
    mut input: impl BufRead,
    out: &mut impl Write,
    limits: &DecodeLimits,
    pretty: bool,
) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        // Bytes, not a String: an invalid UTF-8 line is one failed event,
        // not the end of the run.
        if input
            .read_until(b'\n', &mut line)
            .context("cannot read the input")?
            == 0
        {
            break;
        }
        number += 1;
        let payload = line.strip_suffix(b"\n").unwrap_or(&line);
        let payload = payload.strip_suffix(b"\r").unwrap_or(payload);
        if payload.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode(payload, None, limits) {
            Ok(raw) => {
                write_event(out, &enrich(raw), pretty)?;
                summary.enriched += 1;
            }
            Err(e) => {
                eprintln!("line {number}: {e}");
                summary.failed += 1;
            }
        }
    }
    Ok(summary)
}

fn write_event(
    out: &mut impl Write,
    event: &enricher_core::EnrichedArticle,
    pretty: bool,
) -> anyhow::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, event).context("cannot write the output")?;
    } else {
        // The bytes the worker publishes.
        let json = event
            .to_json()
            .context("cannot serialize the enriched article")?;
        out.write_all(&json).context("cannot write the output")?;
    }
    out.write_all(b"\n").context("cannot write the output")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_go_on_after_a_bad_one() {
        let input =
            b"{\"id\":\"a\",\"text\":\"One article.\"}\n{broken\n\nplain text article\n\xff\xfe\n";
        let mut out = Vec::new();
        let s = enrich_lines(&input[..], &mut out, &DecodeLimits::default(), false).unwrap();
        assert_eq!(
            s,
            Summary {
                enriched: 2,
                failed: 2
            }
        );
        let ids: Vec<String> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ids[0], "a");
        assert!(ids[1].starts_with("xxh3-"));
    }
}
