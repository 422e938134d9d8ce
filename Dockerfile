# Multi-stage build: compile in the Rust image (OpenSSL is built into the
# binary: rdkafka's `ssl-vendored`), run in a slim Debian image as a
# non-root user. The default configuration is compiled into the
# binary; the copy in /etc documents it and can be replaced by a mount.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# The commit for the build-info metric when the context has no .git:
# docker build --build-arg GIT_SHA=$(git rev-parse --short=12 HEAD) .
ARG GIT_SHA=""
RUN ARTICLE_ENRICHER_GIT_SHA="$GIT_SHA" cargo build --release --locked --bin article-enricher

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home enricher
COPY --from=build /src/target/release/article-enricher /usr/local/bin/article-enricher
COPY config/default.toml /etc/article-enricher/config.toml
USER 10001
# The operations endpoint (/healthz, /readyz, /metrics) on all interfaces,
# so that probes and scrapers outside the container reach it.
ENV ARTICLE_ENRICHER__HTTP__LISTEN=0.0.0.0:9095
EXPOSE 9095
ENTRYPOINT ["/usr/local/bin/article-enricher"]
CMD ["--config", "/etc/article-enricher/config.toml", "run"]
