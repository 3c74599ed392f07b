# The evaltrace collector (server mode in docker-compose.yml; embedded mode when EVALTRACE_CLICKHOUSE_URL is unset).
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY collector ./collector
COPY clickhouse ./clickhouse
COPY scripts ./scripts
# Plain JavaScript in dist/: node runs it without a TypeScript loader (what `npm start` does first).
RUN node scripts/build.mjs
# Embedded mode keeps its data in ./.evaltrace (a volume in practice), writable by the unprivileged user.
RUN mkdir -p .evaltrace && chown node:node .evaltrace

USER node
EXPOSE 4318
# What `npm start` runs, without npm in between: node is PID 1 and gets SIGTERM for a graceful shutdown.
CMD ["node", "--max-semi-space-size=2", "dist/collector/main.js"]
