# The two commands a new user needs: `make start` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
BIN := node_modules/.bin
export NODE_OPTIONS ?= --enable-source-maps

.PHONY: help install generate check-generated lint build start dev test browser-deps workflows fuzz soak jest contract-coverage migrate bench bench-router clean

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

build: install generate
	$(BIN)/tsc -p tsconfig.build.json

start: build
	exec node dist/src/server.js

dev: install generate
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

# Full stack vs two baselines, same run (see bench/run.ts). Data is generated once and cached.
bench: build
	$(BIN)/tsx bench/run.ts

bench-router: install
	$(BIN)/tsx bench/router.bench.ts

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
