# Multi-stage build: compile in the Rust image (it has libssl-dev for
# librdkafka's SSL support), run in a slim Debian image (with libssl3)
# as a non-root user. The default configuration is compiled into the
# binary; the copy in /etc documents it and can be replaced by a mount.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin article-enricher

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home enricher
COPY --from=build /src/target/release/article-enricher /usr/local/bin/article-enricher
COPY config/default.toml /etc/article-enricher/config.toml
USER 10001
ENTRYPOINT ["/usr/local/bin/article-enricher"]
CMD ["--config", "/etc/article-enricher/config.toml", "run"]
