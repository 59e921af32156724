# One image for every Chatty service: docker-compose.yml picks the service by its `command`, so the
# services always ship from the same build of packages/shared.
#
# NODE_IMAGE: the official image by default; a machine that cannot pull gives a local one with the same
# layout (infra/scripts/ensure-docker.sh builds chatty-local/node:24 from Debian and the npm registry).
ARG NODE_IMAGE=node:24-trixie-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Manifests only, so that editing a source file does not invalidate the dependency layer.
COPY package.json package-lock.json ./
COPY packages/cli/package.json packages/cli/
COPY packages/client/package.json packages/client/
COPY packages/contracts/package.json packages/contracts/
COPY packages/shared/package.json packages/shared/
COPY packages/testkit/package.json packages/testkit/
COPY services/action-runner/package.json services/action-runner/
COPY services/file-ingest/package.json services/file-ingest/
COPY services/gpt-registry/package.json services/gpt-registry/
COPY services/inference-gateway/package.json services/inference-gateway/
COPY services/web/package.json services/web/
RUN npm ci --no-audit --no-fund

# The same recipe as `npm start` and CI: TypeScript for every workspace, then the UI with Vite.
FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
RUN npm run build

# Runtime dependencies only: the production dependencies of the workspaces the image runs (the
# services, and the packages they import come with them) — no dev tools, no UI libraries (Vite bundled
# them), no test kit, and not the terminal client and its command (commander, marked-terminal, …),
# which installing the whole project would bring. The root's own dependencies (pino-pretty for
# `npm start`, the Node binary package that pins the runtime of npm scripts) stay out too: the image
# has its own Node.
FROM deps AS runtime-deps
# A package two workspaces need in different major versions is installed under the workspace's own
# node_modules (image-size 2 for gpt-registry beside the root's 1): each one is copied into the image
# below, so each is made to exist, empty or not.
RUN npm ci --omit=dev --no-audit --no-fund \
    --workspace=services/action-runner \
    --workspace=services/file-ingest \
    --workspace=services/gpt-registry \
    --workspace=services/inference-gateway \
    --workspace=services/web \
 && mkdir -p services/action-runner/node_modules services/file-ingest/node_modules \
    services/gpt-registry/node_modules services/inference-gateway/node_modules services/web/node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=runtime-deps /app/node_modules node_modules
COPY --from=runtime-deps /app/services/action-runner/node_modules services/action-runner/node_modules
COPY --from=runtime-deps /app/services/file-ingest/node_modules services/file-ingest/node_modules
COPY --from=runtime-deps /app/services/gpt-registry/node_modules services/gpt-registry/node_modules
COPY --from=runtime-deps /app/services/inference-gateway/node_modules services/inference-gateway/node_modules
COPY --from=runtime-deps /app/services/web/node_modules services/web/node_modules
COPY package.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/shared/package.json packages/shared/
COPY services/action-runner/package.json services/action-runner/
COPY services/file-ingest/package.json services/file-ingest/
COPY services/gpt-registry/package.json services/gpt-registry/
COPY services/inference-gateway/package.json services/inference-gateway/
COPY services/web/package.json services/web/
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/services/action-runner/dist services/action-runner/dist
COPY --from=build /app/services/file-ingest/dist services/file-ingest/dist
COPY --from=build /app/services/gpt-registry/dist services/gpt-registry/dist
COPY --from=build /app/services/inference-gateway/dist services/inference-gateway/dist
# dist/ holds the server and the built UI (dist/ui); public/ is the page shown when the UI is missing.
COPY --from=build /app/services/web/dist services/web/dist
COPY services/web/public services/web/public
# The default MODELS_CONFIG; bind-mount another file over /app/models.json to change models without
# a rebuild.
COPY models.json ./
# DATA_DIR (./data) must be writable by the unprivileged user; a named volume mounted here inherits
# this ownership. The code itself stays root-owned and read-only to the process.
RUN mkdir -p data && chown node:node data
USER node
# No default service: compose (or `docker run chatty:local node services/<name>/dist/server.js`)
# names one.
CMD ["node", "-e", "console.error('choose a service: node services/<name>/dist/server.js'); process.exit(64)"]
