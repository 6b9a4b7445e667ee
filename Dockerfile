# Freeline's image: the app (Next's standalone server) and the job worker, from one build.
#
#   docker build -t freeline .
#   docker run freeline node dist/migrate.mjs       # migrations (once per release, before the app)
#   docker run -p 3000:3000 freeline                 # the app: node --heap-growing-percent=50 server.js
#   docker run freeline node dist/worker.mjs         # the job worker (one or more)
#
# Each needs the app's environment (README, "Deploying"; lib/env.ts): DATABASE_URL, PUBLIC_URL,
# AUTH_SECRET, CRON_SECRET, PAYMENT_DEV_SECRET, NEXT_SERVER_ACTIONS_ENCRYPTION_KEY (the same for
# every instance), the providers' keys, and DATABASE_DIRECT_URL when DATABASE_URL goes through
# pgbouncer. No Docker daemon runs where this project is developed and tested: this file has not
# been built there. Its steps are commands run and checked there (next build, the bundled worker
# and migrator, node server.js from the standalone folder); README, "Containers", says which.

ARG NODE_IMAGE=node:20-bookworm-slim

# All dependencies, for the build. --ignore-scripts: the image's npm (10) does not read
# package.json's allowScripts, and no install script is needed here (native parts come as prebuilt
# optional packages; embedded-postgres's only matters without DATABASE_URL, never in this image).
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# next build (output: "standalone") and the worker and migrator bundled by esbuild (dist/*.mjs:
# the project's code in one file each, npm packages left to node_modules). No database is needed:
# no page is prerendered from it.
FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
RUN npm run build && npm run build:scripts

# Production dependencies only, for the worker and migrator's packages (the standalone server
# carries the subset it needs; the two trees hold the same versions).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
# pg_dump and pg_restore for `npm run backup` and the restore drill (docs/operations.md).
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=prod-deps --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/.next/standalone ./
COPY --from=build --chown=node:node /src/.next/static ./.next/static
COPY --from=build --chown=node:node /src/public ./public
# Readiness compares the database's migrations with the ones this build ships; the migrator applies them.
COPY --from=build --chown=node:node /src/db/migrations ./db/migrations
COPY --from=build --chown=node:node /src/dist ./dist
COPY --from=build --chown=node:node /src/package.json ./package.json

# Not root: the image's own unprivileged user.
USER node
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    SHUTDOWN_DRAIN_MS=5000 \
    SHUTDOWN_TIMEOUT_MS=25000
EXPOSE 3000
# Liveness only (the process answers, no database call): an orchestrator restarts on this; the
# load balancer routes on /api/health/ready. The worker container overrides it (no HTTP port
# unless WORKER_METRICS_PORT is set): `--no-healthcheck`, or a check on its metrics port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: not ready at once, serving for SHUTDOWN_DRAIN_MS, then the requests in flight finish;
# give the container at least SHUTDOWN_TIMEOUT_MS to stop (docker stop -t 30, compose stop_grace_period: 30s).
STOPSIGNAL SIGTERM
# --heap-growing-percent=50: the flags of scripts/lib/server-node-args.ts (why: there).
CMD ["node", "--heap-growing-percent=50", "server.js"]
