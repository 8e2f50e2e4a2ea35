# Stands in for apache/kafka where Docker Hub cannot be reached: Debian's Java 17 and the broker's
# jars from Maven Central (infra/kafka/pom.xml, fetched into infra/kafka/lib as the local runner
# fetches them; the build context is infra/). It reads the same KAFKA_* variables as the official image
# (kafka-entrypoint.sh). docker-compose.yml's health check (infra/kafka/broker-healthcheck.sh, mounted)
# needs only bash and coreutils, which both images have.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -q \
  && mkdir -p /usr/share/man/man1 \
  && apt-get install -y -q --no-install-recommends openjdk-17-jre-headless \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 1000 appuser && useradd --uid 1000 --gid appuser appuser \
  && mkdir -p /opt/kafka/bin /opt/kafka/config /var/lib/kafka/data \
  && chown appuser:appuser /opt/kafka/config /var/lib/kafka/data
COPY kafka/lib/*.jar /opt/kafka/libs/
COPY --chmod=755 local-images/kafka-entrypoint.sh /opt/kafka/bin/
USER appuser
ENTRYPOINT ["/opt/kafka/bin/kafka-entrypoint.sh"]
