# The two commands a new machine needs: `make run` and `make test`.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
CRM_ADMIN_EMAIL    ?= admin@example.com
CRM_ADMIN_PASSWORD ?= admin-change-me
export CRM_ADMIN_EMAIL CRM_ADMIN_PASSWORD

.PHONY: help run build test lint bench

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

run: ## run the server with the embedded database on http://127.0.0.1:8080
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/crm serve

build: ## build bin/crm
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/crm ./cmd/crm

lint: ## go vet and a gofmt check
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

test: lint ## every test: storage conformance on both backends, API, CLI
	$(GO) test -count=1 -timeout 30m ./...

bench: ## benchmarks, reported as ratios measured in one run (CRM_BENCH_MAX=10000 skips 100k)
	$(GO) test -run '^$$' -bench . -benchmem ./forms/
	$(GO) test -run '^$$' -bench CreateVsRaw -benchtime 2000x ./engine/
	$(GO) test -run '^$$' -bench Scale -benchtime 1x -timeout 60m ./engine/
