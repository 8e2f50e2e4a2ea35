#!/usr/bin/env bash
# The Kafka containers' health check: healthy once this node answers an ApiVersions request on its
# client listener. A KRaft broker opens that listener to requests only once it has caught up with
# the cluster's metadata, which needs a quorum of controllers.
#
# Written in bash rather than with kafka-broker-api-versions.sh, which starts a JVM: at 3 brokers
# every 10 s, that cost more CPU than the rest of the topology's health checks together
# (docs/docker-compose.md).
#
#   broker-healthcheck.sh [host] [port]     (default 127.0.0.1 9092)
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-9092}

exec 3<>"/dev/tcp/${host}/${port}"
# ApiVersions v0: size 12, api key 18, version 0, correlation id 1, client id "hc" (2 bytes).
printf '\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x01\x00\x02hc' >&3
# The answer begins: size (4 bytes), correlation id 1 (4), error code 0 (2).
answer=$(timeout 5 head -c 10 <&3 | tail -c 6 | od -An -tx1 | tr -d ' \n')
[ "$answer" = "000000010000" ] || {
  echo "no ApiVersions answer from ${host}:${port} (got '${answer}')" >&2
  exit 1
}
