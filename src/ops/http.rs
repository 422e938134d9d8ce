//! The operations endpoint on the worker's tokio runtime:
//!
//! - `/healthz`: 200 while the process serves requests (liveness);
//! - `/readyz`: 200 when connected to the brokers and steady in the
//!   consumer group, else 503 with a JSON reason (see
//!   [`super::kafka_status`]);
//! - `/metrics`: the Prometheus text format: the recorder of
//!   [`crate::metrics`] plus the consumer lag per partition.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tracing::{info, warn};

use super::kafka_status::{KafkaStatus, PartitionLag, Readiness};
use crate::metrics::CONSUMER_LAG;

/// The endpoint cannot start.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(
        "cannot listen on http.listen = {listen:?}: {source}; choose a free host:port \
         (ARTICLE_ENRICHER__HTTP__LISTEN), or \"\" to turn the endpoint off"
    )]
    Bind {
        listen: String,
        #[source]
        source: std::io::Error,
    },
}

/// Binds `listen`, before the worker joins its group, so that a taken
/// port stops the start instead of leaving a worker without probes.
pub async fn bind(listen: &str) -> Result<TcpListener, HttpError> {
    TcpListener::bind(listen)
        .await
        .map_err(|source| HttpError::Bind {
            listen: listen.to_owned(),
            source,
        })
}

#[derive(Clone)]
struct AppState {
    kafka: Arc<KafkaStatus>,
    prometheus: PrometheusHandle,
}

/// The running endpoint; [`Server::stop`] ends it.
pub struct Server {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Serves on `listener` until [`Server::stop`]; also keeps the
    /// Prometheus recorder's histograms drained between scrapes.
    pub fn start(
        listener: TcpListener,
        kafka: Arc<KafkaStatus>,
        prometheus: PrometheusHandle,
    ) -> Result<Self, HttpError> {
        let addr = listener.local_addr().map_err(|source| HttpError::Bind {
            listen: "(bound listener)".to_owned(),
            source,
        })?;
        let upkeep = prometheus.clone();
        let app = Router::new()
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .with_state(AppState { kafka, prometheus });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut upkeep_every = tokio::time::interval(Duration::from_secs(5));
            let serve = std::future::IntoFuture::into_future(
                axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                }),
            );
            tokio::pin!(serve);
            loop {
                tokio::select! {
                    r = &mut serve => {
                        if let Err(e) = r {
                            warn!("the operations endpoint stopped: {e}");
                        }
                        return;
                    }
                    _ = upkeep_every.tick() => upkeep.run_upkeep(),
                }
            }
        });
        info!(%addr, "operations endpoint listening: /healthz /readyz /metrics");
        Ok(Self { addr, stop, task })
    }

    /// Stops serving (after the worker has stopped: scrapes until the end
    /// see the final counters). A client that holds its request open does
    /// not delay the exit by more than a second.
    pub async fn stop(mut self) {
        let _ = self.stop.send(());
        if tokio::time::timeout(Duration::from_secs(1), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = state.kafka.readiness();
    let code = match readiness {
        Readiness::Ready { .. } => StatusCode::OK,
        Readiness::NotReady { .. } => StatusCode::SERVICE_UNAVAILABLE,
    };
    let body = serde_json::to_string(&readiness).unwrap_or_default();
    (code, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut body = state.prometheus.render();
    body.push_str(&lag_exposition(&state.kafka.lags()));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The consumer lag gauge in the Prometheus text format.
fn lag_exposition(lags: &[PartitionLag]) -> String {
    let mut out = format!(
        "# HELP {CONSUMER_LAG} Messages between the committed offset and the end of each partition this worker holds.\n\
         # TYPE {CONSUMER_LAG} gauge\n"
    );
    for l in lags {
        let _ = writeln!(
            out,
            "{CONSUMER_LAG}{{topic=\"{}\",partition=\"{}\"}} {}",
            escape_label(&l.topic),
            l.partition,
            l.lag
        );
    }
    out
}

fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_is_one_gauge_with_a_series_per_partition() {
        let text = lag_exposition(&[
            PartitionLag {
                topic: "articles.raw".into(),
                partition: 0,
                lag: 0,
            },
            PartitionLag {
                topic: "a\"b".into(),
                partition: 2,
                lag: 17,
            },
        ]);
        assert!(text.contains("# TYPE article_enricher_consumer_lag gauge\n"));
        assert!(text
            .contains("article_enricher_consumer_lag{topic=\"articles.raw\",partition=\"0\"} 0\n"));
        assert!(
            text.contains("article_enricher_consumer_lag{topic=\"a\\\"b\",partition=\"2\"} 17\n")
        );
    }
}
