//! The core alone over a JSON Lines file, for profilers and output diffs.
//!
//! `cargo build --release -p enricher-core --example enrich_lines`, then
//! `valgrind --tool=callgrind target/release/examples/enrich_lines FILE >OUT`.
//! It decodes, enriches and serializes each line as the `enrich` command
//! does, but builds without the Kafka shell (no librdkafka to compile or
//! link), so a change to the core can be measured in seconds and its
//! output compared byte for byte with the previous build's.

use std::io::{BufWriter, Write};

use enricher_core::{decode, enrich, DecodeLimits};

/// The worker binary's allocator, so instruction counts match the worker's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: enrich_lines FILE.jsonl (one raw article event per line)")?;
    let input = std::fs::read(&path)?;
    let limits = DecodeLimits::default();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (number, line) in input.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode(line, None, &limits) {
            Ok(raw) => {
                out.write_all(&enrich(raw).to_json()?)?;
                out.write_all(b"\n")?;
            }
            Err(e) => eprintln!("line {}: {e}", number + 1),
        }
    }
    out.flush()?;
    Ok(())
}
