//! One module per subcommand of the `article-enricher` binary.

pub mod enrich;
