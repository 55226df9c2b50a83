# The MarketOps worker image, built by docker-compose.yml (see docs/deployment.md).
# Debian slim rather than Alpine: Temporal's native core bridge ships glibc builds.

# Build stage: compile src/ into dist/ with the workflow bundle prebuilt (scripts/build.sh), so the
# worker neither runs tsx nor bundles its workflows with webpack at start (~200 MiB less resident).
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/build.sh scripts/bundle-workflows.mjs ./scripts/
COPY src ./src
RUN bash scripts/build.sh

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app

# Run-time dependencies only; tsx stays among them for a checkout without dist/, unused here.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
COPY bin ./bin
# No src/ in the image: bin/build-state.js then finds dist/ fresh and the CLI runs it.
COPY --from=build /app/dist ./dist

# The worker's memory settings (bin/marketops.js's shebang, docs/benchmarks.md): 1 MiB semi-spaces
# and two malloc arenas; `node bin/marketops.js` below does not read the shebang, so they are set here.
ENV NODE_OPTIONS=--max-semi-space-size=1 MALLOC_ARENA_MAX=2

# The data folder (MARKETOPS_DATA_DIR) belongs to node: /app stays root's and read-only to the worker.
RUN install -d -o node -g node /var/lib/marketops
ENV MARKETOPS_DATA_DIR=/var/lib/marketops
VOLUME /var/lib/marketops

# Never root at run time; the receipt keys are mounted read-only.
USER node
EXPOSE 9464
CMD ["node", "bin/marketops.js", "worker"]
