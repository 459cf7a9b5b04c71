# notus: `make data` builds every pipeline on the embedded sample; `make test` runs the tests.
# Both create .venv and install into it when it is missing (torch pinned: an unpinned trl pulls CUDA).

PY       := .venv/bin/python
NOTUS    := .venv/bin/notus
SAMPLE   := data/sample
PROMPTS  ?= 3000
SEED     ?= 42
SHAPE_RECORDS ?= 1000
# pairwise/rated/ranked.yaml are the templates your own data extends: they have no default input.
TEMPLATES := pipelines/pairwise.yaml pipelines/rated.yaml pipelines/ranked.yaml
PIPELINES := $(filter-out $(TEMPLATES),$(wildcard pipelines/*.yaml))
export HF_HUB_OFFLINE ?= 1
export HF_DATASETS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
export HF_HUB_DISABLE_TELEMETRY ?= 1

.PHONY: data reports test lint bench train-smoke clean-data install

install: .venv/.installed

# The example plugin is installed too: the tests use it as a third-party package would be used.
EXAMPLE_PLUGIN := examples/notus-plugin-example

.venv/.installed: pyproject.toml $(EXAMPLE_PLUGIN)/pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0" -e ".[train,dev]" -e $(EXAMPLE_PLUGIN)
	touch $@

$(SAMPLE)/.done: .venv/.installed
	$(NOTUS) sample --prompts $(PROMPTS) --seed $(SEED) --out $(SAMPLE)
	touch $@

# The other preference shapes, in the published schemas of hh-rlhf, ultrafeedback_binarized, HelpSteer2, Nectar.
$(SAMPLE)/.shapes-done: .venv/.installed
	$(NOTUS) sample --shape pairwise --prompts $(SHAPE_RECORDS) --seed $(SEED) --out $(SAMPLE)
	$(NOTUS) sample --shape pairwise --schema ultrafeedback-binarized --prompts $(SHAPE_RECORDS) --seed $(SEED) --out $(SAMPLE)
	$(NOTUS) sample --shape rated --prompts $(SHAPE_RECORDS) --seed $(SEED) --out $(SAMPLE)
	$(NOTUS) sample --shape ranked --prompts $(SHAPE_RECORDS) --seed $(SEED) --out $(SAMPLE)
	touch $@

data: .venv/.installed $(SAMPLE)/.done $(SAMPLE)/.shapes-done
	@for p in $(PIPELINES); do $(NOTUS) run $$p || exit $$?; done
	@$(MAKE) --no-print-directory reports
	$(NOTUS) versions

# A report is rewritten only when a version it describes is newer than it (latest -> a new folder).
reports: data/reports/notus-vs-zephyr/report.md data/reports/notus-cleaned-vs-zephyr/report.md

data/reports/notus-vs-zephyr/report.md: data/build/notus/latest data/build/zephyr/latest
	$(NOTUS) report data/build/notus/latest --compare data/build/zephyr/latest --out $(@D)

data/reports/notus-cleaned-vs-zephyr/report.md: data/build/notus-cleaned/latest data/build/zephyr/latest
	$(NOTUS) report data/build/notus-cleaned/latest --compare data/build/zephyr/latest --out $(@D)

test: .venv/.installed
	$(PY) -m pytest -q

lint: .venv/.installed
	.venv/bin/ruff check src tests

bench: .venv/.installed
	$(PY) -m notus.bench

train-smoke: .venv/.installed data
	$(PY) -m notus.train.smoke

clean-data:
	rm -rf data/build data/notus.duckdb
