# The MarketOps worker image, built by docker-compose.yml (see docs/deployment.md).
# Debian slim rather than Alpine: Temporal's native core bridge ships glibc builds.
FROM node:20.20.2-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so a source change does not reinstall them. --omit=dev is enough: the CLI runs
# TypeScript through tsx, which package.json lists under dependencies, not devDependencies.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src

# The data folder (MARKETOPS_DATA_DIR) belongs to node: /app stays root's and read-only to the worker.
RUN install -d -o node -g node /var/lib/marketops
ENV MARKETOPS_DATA_DIR=/var/lib/marketops
VOLUME /var/lib/marketops

# Never root at run time; the receipt keys are mounted read-only.
USER node
EXPOSE 9464
CMD ["node", "bin/marketops.js", "worker"]
