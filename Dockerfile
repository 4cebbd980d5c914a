# Custos in a container: the web app built with npm, embedded in a static Go
# binary, on a small Debian base, run as a non-root user.

# 1. The web app: npm ci from the lock file, then vite build into dist/.
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 2. The binary, embedding the web app built above (frontend/dist).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist/ ./frontend/dist/
# Fail the build rather than ship a server that says "the web app is not built".
RUN test -f frontend/dist/index.html \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/custos ./cmd/custos

# 3. What runs: the binary alone. `custos healthcheck` is the probe, so the
# image needs no curl.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/custos custos \
 && mkdir -p /var/lib/custos/signing \
 && chown -R custos:custos /var/lib/custos \
 && chmod 700 /var/lib/custos/signing
COPY --from=build /out/custos /usr/local/bin/custos
USER 10001:10001
WORKDIR /var/lib/custos
ENV CUSTOS_ADDR=0.0.0.0:8080 \
    CUSTOS_SIGNING_CERT=/var/lib/custos/signing/memo-signing.crt \
    CUSTOS_SIGNING_KEY=/var/lib/custos/signing/memo-signing.key
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["custos", "healthcheck"]
ENTRYPOINT ["custos"]
CMD ["serve"]
