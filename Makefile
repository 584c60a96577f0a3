# framing — the two commands a newcomer needs:
#   make run    set up the environment if needed, then run the pipeline on data/raw/
#   make test   set up the environment if needed, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.framing-installed
CORES ?= 2

.PHONY: setup run test test-all lint dry-run clean report-open report-bundle coding-sheet \
	validate validate-example

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

# An interrupted run (killed, power loss) is picked up again: see src/framing/runner.py.
run: $(STAMP)
	$(BIN)/python -m framing.runner --cores $(CORES)
	@echo "Report: reports/index.html"

# Validation against human coding (see README "Validation against human coding").
coding-sheet: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) coding_sheet
	@echo "Coding sheet: reports/validation/coding_sheet.html (+ .csv)"

validate: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) validate
	@echo "Reliability: reports/validation/reliability.html"

# The shipped human-coded example (validation/example/), processed in its own folders.
validate-example: $(STAMP)
	$(BIN)/snakemake validate --cores $(CORES) --configfile validation/example/config.yaml
	@echo "Reliability: reports/validation-example/validation/reliability.html"

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
	rm -rf data/processed/* reports/* .snakemake data/validation-example
	@touch data/processed/.gitkeep reports/.gitkeep
