# Airbyte image of source-redis. Airbyte runs it as `<entrypoint> spec|check|discover|read ...` with files
# mounted under /airbyte; see docs/integrations/sources/redis.md.

# ---- build: compile TypeScript and pack the package exactly as npm would publish it
FROM node:20-slim AS build
WORKDIR /build
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY src ./src
COPY spec ./spec
RUN npm run build && mkdir /pkg && npm pack --pack-destination /pkg && mv /pkg/source-redis-*.tgz /pkg/source-redis.tgz

# ---- runtime: the packed tarball and its production dependencies only (no TypeScript, no test tools)
FROM node:20-slim
# Airbyte mounts config, catalog and state under /airbyte; the connector runs as a non-root user that owns it.
RUN groupadd --system airbyte \
 && useradd --system --gid airbyte --home-dir /airbyte --shell /usr/sbin/nologin airbyte \
 && mkdir -p /airbyte/integration_code \
 && chown -R airbyte:airbyte /airbyte
WORKDIR /airbyte/integration_code
COPY --from=build /pkg/source-redis.tgz /tmp/source-redis.tgz
RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts /tmp/source-redis.tgz \
 && rm /tmp/source-redis.tgz \
 && npm cache clean --force \
 && chown -R airbyte:airbyte /airbyte
ENV NODE_ENV=production
USER airbyte

# The platform may change the working directory, so both name the entry point by its absolute path.
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/node_modules/source-redis/dist/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/node_modules/source-redis/dist/main.js"]

LABEL io.airbyte.name=airbyte/source-redis
LABEL io.airbyte.version=0.1.0
