# syntax=docker/dockerfile:1
# One image for every Chatty service: docker-compose.yml picks the service by its `command`, so the
# services always ship from the same build of packages/shared.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Manifests only, so that editing a source file does not invalidate the dependency layer.
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/testkit/package.json packages/testkit/
COPY services/action-runner/package.json services/action-runner/
COPY services/file-ingest/package.json services/file-ingest/
COPY services/gpt-registry/package.json services/gpt-registry/
COPY services/inference-gateway/package.json services/inference-gateway/
COPY services/web/package.json services/web/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
RUN npx tsc -b

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# npm ci needs every workspace's manifest, testkit's included, to match the lockfile; the workspace
# symlinks it creates under node_modules/@chatty then resolve to the dist/ folders copied below.
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/testkit/package.json packages/testkit/
COPY services/action-runner/package.json services/action-runner/
COPY services/file-ingest/package.json services/file-ingest/
COPY services/gpt-registry/package.json services/gpt-registry/
COPY services/inference-gateway/package.json services/inference-gateway/
COPY services/web/package.json services/web/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/services/action-runner/dist services/action-runner/dist
COPY --from=build /app/services/file-ingest/dist services/file-ingest/dist
COPY --from=build /app/services/gpt-registry/dist services/gpt-registry/dist
COPY --from=build /app/services/inference-gateway/dist services/inference-gateway/dist
COPY --from=build /app/services/web/dist services/web/dist
# web serves its UI from ../public relative to its dist/.
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
