# syntax=docker/dockerfile:1
# Taskgate's images, one target per process kind, all from one build (README "Deploying"):
#   docker build --target api     -t taskgate-api .      the GraphQL API            (port 4000)
#   docker build --target web     -t taskgate-web .      SPA + Better Auth server   (port 3000)
#   docker build --target migrate -t taskgate-migrate .  applies prisma/migrations, then exits
# Each runs only what `pnpm build` emitted, from a pruned production install (`pnpm deploy`), as the
# unprivileged `node` user, under tini. docker-compose.yml builds and runs all three.

# A maintained Node LTS (24: supported until April 2028); pin a digest in your registry if you need
# byte-identical rebuilds.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
# The version package.json's "packageManager" pins (pnpm would otherwise fetch that one itself).
# npm, not corepack: corepack's signature check fails against registries that serve no signatures.
ARG PNPM_VERSION=10.34.9
RUN npm install --global pnpm@${PNPM_VERSION} && npm cache clean --force
ENV CI=true
WORKDIR /src

# Every package the lockfile names, into pnpm's store: this layer is rebuilt only when the lockfile is.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch

COPY . .
# Offline from the store; the root postinstall generates Prisma's client (no engine download needed).
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build

# One self-contained directory per image: the package's "files" (dist/, and the migrations for
# @taskgate/prisma) plus a node_modules holding its production dependencies, workspace packages
# (@taskgate/shared, @taskgate/prisma) copied in with their dist/, all at the lockfile's versions.
# --no-optional: pnpm keeps a devDependency that satisfies a production package's optional peer
# (pnpm/pnpm#15344: better-auth would bring vitest and vite, @prisma/client the Prisma CLI and
# TypeScript); this drops them. The one real optional dependency in the runtime graph is
# pg-cloudflare, for Cloudflare Workers only. A future dependency that needs an optional one (a
# native binary per platform) must be checked here.
RUN pnpm --filter @taskgate/api --prod --no-optional --offline deploy /out/api \
 && pnpm --filter @taskgate/web --prod --no-optional --offline deploy /out/web \
 && pnpm --filter @taskgate/prisma --prod --no-optional --offline deploy /out/migrate

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: it passes SIGTERM on to node (which then drains and exits 0) and reaps zombies, so
# `docker run` without --init behaves too.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# The application's files stay root-owned (read-only to the process); it writes nothing to disk.
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
STOPSIGNAL SIGTERM

# ---------------------------------------------------------------------------------------------------
FROM runtime AS migrate
COPY --from=build /out/migrate /app
# A one-shot job that exits when done: nothing to health-check (compose waits for its exit code).
HEALTHCHECK NONE
CMD ["node", "--enable-source-maps", "dist/src/cli/migrate.js"]

# ---------------------------------------------------------------------------------------------------
FROM runtime AS api
COPY --from=build /out/api /app
ENV API_HOST=0.0.0.0 API_PORT=4000
EXPOSE 4000
# Liveness (/healthz), not readiness: Docker's reaction to "unhealthy" is a restart, which cures a
# wedged process but not a database outage or a drain; the load balancer checks /readyz itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.API_PORT}/healthz`, { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "--no-allocation-site-pretenuring", "dist/src/main.js"]

# ---------------------------------------------------------------------------------------------------
FROM runtime AS web
COPY --from=build /out/web /app
ENV WEB_HOST=0.0.0.0 WEB_PORT=3000
EXPOSE 3000
# Liveness, as for the API (see there).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.WEB_PORT}/healthz`, { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/server/main.js"]
