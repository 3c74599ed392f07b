# The evaltrace collector (server mode in docker-compose.yml; embedded mode when EVALTRACE_CLICKHOUSE_URL is unset).

# Build: the conventions, the SDK and the collector to plain JavaScript (scripts/build.mjs; needs the dev dependencies).
FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json ./
COPY conventions/package.json ./conventions/
COPY src/package.json ./src/
COPY collector/package.json ./collector/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY conventions ./conventions
COPY src ./src
COPY collector ./collector
COPY clickhouse ./clickhouse
COPY scripts ./scripts
RUN node scripts/build.mjs

# Run: the collector workspace's locked production dependencies and the built JavaScript only.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# As npm start: glibc's malloc gives buffers of 128 KiB and more (request bodies, insert payloads) their own
# pages and returns them on free, instead of raising its threshold and keeping them (docs/operations.md).
ENV MALLOC_MMAP_THRESHOLD_=131072
COPY package.json package-lock.json ./
COPY conventions/package.json ./conventions/
COPY src/package.json ./src/
COPY collector/package.json ./collector/
# No install scripts (package.json allowScripts denies them all: none is needed to run).
RUN npm ci --omit=dev --ignore-scripts --workspace collector --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/conventions/dist ./conventions/dist
COPY --from=build /repo/src/dist ./src/dist
COPY --from=build /repo/collector/dist ./collector/dist
# Embedded mode keeps its data in ./.evaltrace (a volume in practice), writable by the unprivileged user.
RUN mkdir -p .evaltrace && chown node:node .evaltrace

USER node
EXPOSE 4318 4317
# What `npm start` runs (its variables set above), without npm in between: node is PID 1 and gets SIGTERM for a graceful shutdown.
CMD ["node", "--max-semi-space-size=2", "collector/dist/collector/main.js"]
