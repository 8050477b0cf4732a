# Fengqiao: the two commands of the README's Quick start are `make demo` and `make test`.
# Everything else here is a building block of those two or an optional extra (benchmarks).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

.PHONY: demo test lint typecheck messages fuzz clean bench bench-locator bench-sweep bench-pages \
  bench-surges bench-api bench-api-cpu bench-textintel bench-dedup bench-hotissues bench-stscan bench-knox \
  bench-alerts-real bench-textintel-experiments


$(VENV)/.runtime: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(VENV)/.runtime $@

## make demo: set up, load the demo district and serve it on http://127.0.0.1:$(PORT)
demo: $(VENV)/.runtime
	PORT=$(PORT) bash scripts/demo.sh

## make test: lint, type checks, Django checks, migrations check and every test (SQLite + PostgreSQL)
test: $(VENV)/.dev
	bash scripts/test.sh

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy fengqiao bench

## make fuzz: a long Schemathesis run against the API (FUZZ_EXAMPLES per operation, FUZZ_SEED)
FUZZ_EXAMPLES ?= 500
FUZZ_SEED ?= $(shell date +%s)
fuzz: $(VENV)/.dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) $(VENV)/bin/pytest -p no:cacheprovider \
	  -q fengqiao/api/tests/test_fuzz.py --hypothesis-seed=$(FUZZ_SEED)

## make messages: refresh the English catalogue after changing UI text (needs GNU gettext)
messages: $(VENV)/.dev
	cd fengqiao && DJANGO_SETTINGS_MODULE=fengqiao.settings_test ../$(PY) ../manage.py makemessages \
	  -l en --no-location --ignore '*/tests/*' --ignore 'demo/data/*'
	cd fengqiao && DJANGO_SETTINGS_MODULE=fengqiao.settings_test ../$(PY) ../manage.py compilemessages -l en

bench: bench-locator bench-sweep bench-pages bench-surges bench-api bench-textintel bench-dedup bench-hotissues bench-stscan bench-knox bench-api-cpu bench-alerts-real

## make bench-locator: 1,000,000 points among 2,000 grids, vectorised locator vs the plain loop
bench-locator: $(VENV)/.runtime
	$(PY) bench/locator.py

## make bench-sweep: deadline sweep over 1,000,000 open cases (1 % change) on SQLite and PostgreSQL
bench-sweep: $(VENV)/.runtime
	$(PY) bench/sweep.py

## make bench-pages: workbench pages with 100,000 cases on SQLite and PostgreSQL
bench-pages: $(VENV)/.runtime
	$(PY) bench/pages.py

## make bench-surges: surge methods on simulated series with injected outbreaks (detection, false alarms)
bench-surges: $(VENV)/.runtime
	$(PY) bench/surges.py

## make bench-api: the REST API under gunicorn (create, read) against a bare insert view, SQLite and PostgreSQL
bench-api: $(VENV)/.runtime
	$(PY) bench/api.py

## make bench-textintel: category suggestion vs the TF-IDF + SVM baseline, reply quality vs annotations
bench-textintel: $(VENV)/.runtime
	$(PY) bench/textintel_classifier.py
	$(PY) bench/textintel_replies.py

## make bench-textintel-experiments: candidate category models and ensembles by CV (docs/textintel.md)
bench-textintel-experiments: $(VENV)/.runtime
	$(PY) bench/textintel_experiments.py


## make bench-dedup: duplicates among 1,000,000 synthetic reports (precision, recall, query p95, memory)
bench-dedup: $(VENV)/.runtime
	$(PY) bench/dedup.py

## make bench-hotissues: hot issues of the Teddy Cup 附件3 messages against a competing team's top 5
bench-hotissues: $(VENV)/.runtime
	$(PY) bench/hotissues.py

## make bench-stscan: space-time permutation scan vs SaTScan 10.3.2 (NYCfever, synthetic city)
bench-stscan: $(VENV)/.runtime
	$(PY) bench/stscan.py

## make bench-knox: Knox near-repeat test, 12,000 events x 99 and 50,000 events x 999 iterations
bench-knox: $(VENV)/.runtime
	$(PY) bench/knox.py

## make bench-api-cpu: CPU ms and SQL statements per API request (create, read, ceiling), in process
bench-api-cpu: $(VENV)/.runtime
	$(PY) bench/api_cpu.py

## make bench-alerts-real: surges, space-time scan and Knox on ../shared/data/open311 (skips without it)
bench-alerts-real: $(VENV)/.runtime
	$(PY) bench/alerts_real.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
