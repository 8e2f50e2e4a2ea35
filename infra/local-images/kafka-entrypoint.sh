#!/bin/sh
# The broker of infra/local-images/kafka.Dockerfile, configured as the official apache/kafka image
# is: every KAFKA_<NAME> variable becomes the property <name> (lower case, '_' → '.'), except the
# JVM's own KAFKA_HEAP_OPTS; CLUSTER_ID formats an empty data directory.
set -eu
config=/opt/kafka/config/server.properties
: > "$config"
env | while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS) ;;
    KAFKA_*) printf '%s=%s\n' "$(echo "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')" "$value" >> "$config" ;;
  esac
done
cat > /opt/kafka/config/log4j.properties <<'LOG4J'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
LOG4J
log_dirs=$(sed -n 's/^log\.dirs=//p' "$config")
# The JVM expands the wildcard itself (a shell would not leave it to it, inside a variable).
export CLASSPATH='/opt/kafka/libs/*'
log4j=-Dlog4j.configuration=file:/opt/kafka/config/log4j.properties
if [ ! -f "${log_dirs:-/var/lib/kafka/data}/meta.properties" ]; then
  java -Xmx128m "$log4j" kafka.tools.StorageTool format --ignore-formatted \
    -t "${CLUSTER_ID:?set CLUSTER_ID}" -c "$config"
fi
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true "$log4j" kafka.Kafka "$config"
