//! `article-enricher run`: the Kafka worker, as one member of a consumer
//! group, with its operations endpoint (`http.listen`). Runs until SIGINT
//! or SIGTERM, then drains, commits and exits 0; if a partition task dies,
//! it stops the same way and exits 2.

use anyhow::Context;

use crate::config::Config;
use crate::ops::http;
use crate::pipeline::worker::Worker;

#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// Bootstrap servers, overriding kafka.brokers.
    #[arg(long, value_name = "HOST:PORT,...")]
    pub brokers: Option<String>,
    /// Consumer group, overriding kafka.group_id.
    #[arg(long)]
    pub group_id: Option<String>,
}

impl RunArgs {
    /// Applies the flags on top of the configuration and checks it again.
    pub fn apply(&self, config: &mut Config) -> anyhow::Result<()> {
        if let Some(b) = &self.brokers {
            config.kafka.brokers = b.clone();
        }
        if let Some(g) = &self.group_id {
            config.kafka.group_id = g.clone();
        }
        config.validate().context("invalid configuration")?;
        Ok(())
    }
}

/// The tokio runtime of the Kafka commands.
///
/// Its threads only move messages (consume, hand off, produce, commit,
/// serve the operations endpoint); decode, enrich and serialize run on
/// the CPU pool's one thread per core (`pipeline::cpu_pool`). So it gets
/// one thread per eight cores, at least one, not tokio's one per core: on
/// 2 cores a second async thread only competed with the pool's threads
/// for the cores: in alternating runs the worker enriched ~8 % fewer
/// articles a second with it, a gain that does not stand out of the
/// machine's drift across hours (docs/benchmark-record.md, "One async thread").
/// `TOKIO_WORKER_THREADS` in the environment still decides, as in tokio.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        builder.worker_threads(async_threads(cores));
    }
    builder
        .enable_all()
        .thread_name("enricher")
        .build()
        .context("cannot start the async runtime")
}

/// Async threads for `cores` cores: one per eight, at least one. At
/// saturation on 2 cores the async side took ~0.11 of a core per core of
/// enrichment (a perf profile), so one thread keeps up with about eight.
fn async_threads(cores: usize) -> usize {
    (cores / 8).max(1)
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}

pub fn run(args: &RunArgs, mut config: Config) -> anyhow::Result<()> {
    args.apply(&mut config)?;
    let rt = runtime()?;
    rt.block_on(serve(&config))?;
    // Do not wait for blocking tasks that were abandoned at the timeout.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(())
}

/// The worker and, unless `http.listen` is empty, its operations endpoint,
/// until a signal; the endpoint answers until the worker has stopped
/// (`/readyz` says 503 "shutting down" meanwhile).
async fn serve(config: &Config) -> anyhow::Result<()> {
    // A bad Kafka property is the more useful error than a taken port.
    crate::pipeline::kafka_config::validate(config).context("the worker cannot start")?;
    let endpoint = match config.http.listen.trim() {
        "" => None,
        listen => Some((
            http::bind(listen).await?,
            crate::metrics::install().context("cannot set up the metrics recorder")?,
        )),
    };
    let worker = Worker::start(config).context("the worker cannot start")?;
    let kafka = worker.kafka_status();
    let server = endpoint
        .map(|(listener, prometheus)| http::Server::start(listener, kafka.clone(), prometheus))
        .transpose()?;
    let failure = tokio::select! {
        _ = shutdown_signal() => None,
        reason = worker.failed() => Some(reason),
    };
    kafka.set_stopping();
    worker.shutdown().await;
    if let Some(server) = server {
        server.stop().await;
    }
    match failure {
        None => Ok(()),
        Some(reason) => anyhow::bail!(
            "{reason}; the worker stopped (its other partitions drained and committed). \
             Start it again: the partition is read again from its last commit. Please report \
             the panic with the log above"
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_async_thread_per_eight_cores_and_at_least_one() {
        assert_eq!(
            [1, 2, 8, 15, 16, 64].map(super::async_threads),
            [1, 1, 1, 1, 2, 8]
        );
    }
}
