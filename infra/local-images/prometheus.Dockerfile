# Stands in for prom/prometheus where Docker Hub cannot be reached: Debian's own prometheus
# package (2.42 on bookworm; infra/prometheus's config and rules are checked against it by
# test/infra). docker-compose.yml starts it as /bin/prometheus, the official image's path.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -q \
  && apt-get install -y -q --no-install-recommends prometheus \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /prometheus
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
