# The anthology pipeline.  `make` sets up and builds the books; `make test` runs the suite.
# Each stage reads the previous stage's file and writes its own under build/,
# so Make rebuilds only what an edit actually touches.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
export PYTHONDONTWRITEBYTECODE := 1

SOURCES := $(wildcard manuscript/sources/*.txt)
BOOK    := manuscript/book.yaml
OVERRIDES := $(wildcard manuscript/overrides.yaml)
MODEL   := build/model
REPORTS := build/reports

# Stage modules: a stage is rebuilt when its own code or the shared model changes.
COMMON  := scripts/core/model.py scripts/core/atomic.py scripts/core/errors.py scripts/core/console.py

.PHONY: all books setup check-system clean test split normalise dedupe notes articles check-epub \
        bibliography index html epub pdf bench check-a11y index-candidates

all: books

# ---------------------------------------------------------------- set-up

setup: $(STAMP)

$(STAMP): requirements.txt | check-system
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing pinned dependencies into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

# A missing system requirement stops the build with one sentence saying what to install.
check-system:
	@command -v python3 >/dev/null || { echo "error: python3 is missing: install Python 3.11 or newer (apt-get install python3 python3-venv)."; exit 1; }
	@python3 -c 'import venv, ensurepip' 2>/dev/null || { echo "error: Python's venv module is missing: install it (apt-get install python3-venv)."; exit 1; }
	@command -v java >/dev/null || { echo "error: Java is missing, and EPUBCheck needs it: install a Java runtime (apt-get install default-jre-headless)."; exit 1; }
	@ldconfig -p 2>/dev/null | grep libpango-1.0 >/dev/null || { echo "error: Pango is missing, and WeasyPrint needs it: install it (apt-get install libpango-1.0-0 libpangoft2-1.0-0)."; exit 1; }
	@command -v pdftotext >/dev/null || echo "note: poppler-utils is not installed: the tests that read the PDF back need it (apt-get install poppler-utils)."

# ---------------------------------------------------------------- text stages

split: $(MODEL)/split.json
$(MODEL)/split.json: $(SOURCES) $(BOOK) scripts/text/split.py scripts/core/book.py $(COMMON) | $(STAMP)
	@$(PY) -m scripts.text.split --book $(BOOK) --out $@ $(SOURCES)

normalise: $(MODEL)/normalised.json
$(MODEL)/normalised.json: $(MODEL)/split.json scripts/text/normalise.py $(COMMON) | $(STAMP)
	@$(PY) -m scripts.text.normalise --in $< --out $@ --reports $(REPORTS)

clean:
	rm -rf build

# The text stages hand on a model file; each stage's rule file (mk/<stage>.mk)
# moves LAST_TEXT_MODEL on to its own output, so articles are always written
# from the last text stage there is.
LAST_TEXT_MODEL := $(MODEL)/normalised.json

# Later stages keep their rules in mk/<stage>.mk so they can land independently.
-include mk/*.mk

articles: build/articles/.built
build/articles/.built: $(LAST_TEXT_MODEL) $(BOOK) scripts/content/articles.py scripts/content/pandoc_ast.py $(COMMON) | $(STAMP)
	@$(PY) -m scripts.content.articles --in $< --book $(BOOK) --out build/articles
	@touch $@

# Every chapter converted to HTML once; the index, EPUB and PDF stages read it
# (and convert again themselves only if it was not made from these articles).
html: build/html/chapters.json
build/html/chapters.json: build/articles/.built scripts/content/chapters.py scripts/content/pandoc_batch.py \
        scripts/content/pandoc_batch.lua templates/pandoc/fields.html $(COMMON) | $(STAMP)
	@$(PY) -m scripts.content.chapters --articles build/articles

# ---------------------------------------------------------------- books

BOOK_OUTPUTS := $(if $(wildcard mk/epub.mk),epub) $(if $(wildcard mk/pdf.mk),pdf)
BOOK_INPUTS  := build/html/chapters.json

books: articles $(BOOK_INPUTS) $(BOOK_OUTPUTS)
	@echo "done: $(if $(BOOK_OUTPUTS),$(foreach t,$(BOOK_OUTPUTS),build/anthology.$(t)),build/articles/) (reports in $(REPORTS)/)"

# ---------------------------------------------------------------- tests

test: $(STAMP)
	@$(PY) -m pytest -q tests
