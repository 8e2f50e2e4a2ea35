#!/bin/sh
# Entrypoint of infra/local-images/postgres.Dockerfile, doing what docker-compose.yml relies on of
# the official image's: as root, hand the data directory to `postgres` and run again as it; on an
# empty data directory, initdb with POSTGRES_USER / POSTGRES_PASSWORD (scram-sha-256 over TCP),
# then run /docker-entrypoint-initdb.d/*.sh against a server listening on the Unix socket only;
# finally exec the command (`postgres -c …`) listening on every interface.
set -eu
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown -R postgres:postgres "$(dirname "$PGDATA")" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password_file=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" > "$password_file"
  initdb --username="$POSTGRES_USER" --pwfile="$password_file" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA"
  rm -f "$password_file"
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start
  for script in /docker-entrypoint-initdb.d/*.sh; do
    [ -e "$script" ] || continue
    echo "postgres-entrypoint.sh: running $script"
    PGHOST=/var/run/postgresql sh "$script"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
fi
[ "${1:-}" = postgres ] && shift && set -- postgres -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
exec "$@"
