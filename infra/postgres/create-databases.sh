#!/bin/sh
# Creates each database in POSTGRES_DATABASES (comma-separated) when a postgres container starts
# with an empty data directory. The image itself creates only POSTGRES_DB; it runs this script from
# /docker-entrypoint-initdb.d while its server listens on the Unix socket only.
set -e

for database in $(echo "${POSTGRES_DATABASES:-}" | tr ',' ' '); do
  echo "create-databases.sh: creating database $database"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --set database="$database" <<'SQL'
CREATE DATABASE :"database";
SQL
done
