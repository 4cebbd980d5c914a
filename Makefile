# Custos: the two commands a newcomer needs are `make run` and `make test`.
# Both bring up a throwaway PostgreSQL cluster (scripts/devdb.sh) unless
# DATABASE_URL is set.

BIN := bin/custos

.PHONY: build run test vet clean db-stop

build:
	@scripts/need.sh go
	go build -o $(BIN) ./cmd/custos

run: build
	@scripts/run.sh $(BIN)

test:
	@scripts/test.sh

vet:
	go vet ./...

# Stop the local clusters that make run and make test started.
db-stop:
	@scripts/devdb.sh stop run
	@scripts/devdb.sh stop test

clean: db-stop
	rm -rf bin .local
