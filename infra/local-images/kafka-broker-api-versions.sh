#!/bin/sh
# As the official image's script of this name: lists the API versions each broker answers with,
# which fails until the broker serves clients (docker-compose.yml's Kafka health check).
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx64m} -Dlog4j.configuration=file:/dev/null -cp '/opt/kafka/libs/*' \
  kafka.admin.BrokerApiVersionsCommand "$@"
