# framing — the two commands a newcomer needs:
#   make run    set up the environment if needed, then run the pipeline on data/raw/
#   make test   set up the environment if needed, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.framing-installed
CORES ?= 2

.PHONY: setup run test test-all lint dry-run clean report-open report-bundle

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --keep-going
	@echo "Report: reports/index.html"

# Snakemake's own report (rules, software, config, marked figures and reports): the
# provenance appendix, one zip file.
REPORT_BUNDLE ?= reports/snakemake_report.zip
report-bundle: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --keep-going
	$(BIN)/snakemake --cores $(CORES) --report $(REPORT_BUNDLE)
	@echo "Snakemake report bundle: $(REPORT_BUNDLE)"

dry-run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --dry-run

test: $(STAMP)
	$(BIN)/python -m pytest

test-all: $(STAMP)
	$(BIN)/python -m pytest -m "slow or not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow benchmarks
	$(BIN)/snakemake --lint

clean:
	rm -rf data/processed/* reports/* .snakemake
	@touch data/processed/.gitkeep reports/.gitkeep
