# Custos: the two commands a newcomer needs are `make run` and `make test`.
# Both bring up a throwaway PostgreSQL cluster (scripts/devdb.sh) unless
# DATABASE_URL is set, and build the web app with npm.

BIN := bin/custos
WEB_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/package.json frontend/vite.config.ts \
	frontend/tsconfig.json frontend/tsconfig.app.json frontend/tsconfig.node.json

FUZZTIME ?= 2m

.PHONY: build web run run-cluster test fuzz bench vet clean db-stop

build: web
	@scripts/need.sh go
	go build -o $(BIN) ./cmd/custos

web: frontend/dist/index.html

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	@scripts/need.sh node npm
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(WEB_SOURCES)
	cd frontend && npm run build

run: build
	@scripts/run.sh $(BIN)

# Two replicas on one database behind HAProxy, as docker-compose.yml runs them.
run-cluster: build
	@scripts/cluster.sh $(BIN)

test: build
	@scripts/test.sh

# Every fuzz target for FUZZTIME each (make test runs them 5s each).
fuzz:
	@scripts/need.sh go
	@FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

# Throughput and latency against PostgreSQL's own limit (not part of make test):
# its own PostgreSQL and server, pgbench beside them. BENCH_DURATION, BENCH_REPS.
bench:
	@scripts/bench.sh

vet:
	go vet ./...

# Stop the local clusters that make run and make test started.
db-stop:
	@scripts/devdb.sh stop run
	@scripts/devdb.sh stop test

clean: db-stop
	rm -rf bin .local frontend/node_modules frontend/dist/assets frontend/dist/index.html
