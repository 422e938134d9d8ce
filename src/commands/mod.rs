//! One module per subcommand of the `article-enricher` binary.

pub mod demo;
pub mod enrich;
pub mod replay;
pub mod run;
