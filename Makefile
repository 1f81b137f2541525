# The anthology pipeline.  `make` sets up and builds the books; `make test` runs the suite.
#
#   make                      the demo book (manuscript/ -> build/)
#   make BOOK=~/my-blog       a book folder of your own (-> ~/my-blog/build/)
#   make new BOOK=~/my-blog FROM=export.xml   start that folder from a blog
#   make pdf, make epub, ...  one stage and what it needs; `make help` lists them
#   make release              the checked books and their download page in build/dist/
#
# The stages, their inputs and outputs are one table (scripts/stages.py).  Their rules
# are generated from it into $(BUILD)/.make/rules.mk, with every module, template and
# stylesheet a stage uses as a prerequisite, so Make rebuilds exactly what an edit touches.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# No .DELETE_ON_ERROR, and every stage output is .PRECIOUS (build/.make/rules.mk): a stage
# writes each file atomically, so a failed or interrupted stage leaves no half-written file
# to delete, and what Make would delete is what the editor needs to fix the failure (the
# report the error message names; Make 4.3 deletes a grouped rule's other targets even
# when the failed recipe never touched them).  A failed stage leaves its first output
# (the rule's target) as it was, so Make runs it again next time.
MAKEFLAGS += --no-builtin-rules --no-print-directory

VENV      := .venv
PY        := $(VENV)/bin/python
# `python -m scripts` from the checkout is the `anthology` command of this checkout's
# own code, whatever copy the virtualenv's console script was installed from.
ANTHOLOGY := $(PY) -m scripts
STAMP     := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
# Python's compiled modules are kept (__pycache__/ beside the code, ignored by git): each of a
# build's dozen stage processes, and each test worker's assertion rewriting, reads them
# instead of compiling every module again (the fast lane's collection: 2.4 s -> 0.7 s).
unexport PYTHONDONTWRITEBYTECODE

BOOK  ?= manuscript
BUILD ?= $(if $(filter manuscript manuscript/ ./manuscript,$(BOOK)),build,$(patsubst %/,%,$(BOOK))/build)
RULES := $(BUILD)/.make/rules.mk

# Make splits names at spaces: refuse such a book folder with one sentence, not a puzzle.
ifneq ($(words $(BOOK) $(BUILD)),2)
$(error the book folder '$(BOOK)' (or the build folder) has a space in its path, which make cannot handle: rename it, or run .venv/bin/anthology build --book "DIR", which can)
endif

.PHONY: all books setup check-system check-fonts test-system clean test check fuzz help bench fresh-check kill-trials disk-trials new

all: books  ## the books and every report (the default)

# ---------------------------------------------------------------- set-up

setup: $(STAMP)  ## create .venv and install the pinned dependencies

# The exact lock first (requirements.txt), then the project itself, editable, for
# .venv/bin/anthology; --no-deps so the lock alone decides every version.
$(STAMP): requirements.txt pyproject.toml | check-system
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing pinned dependencies into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

# A missing system requirement is installed (root with apt) or stops the build with
# one sentence saying what to install: scripts/install_system.sh.
check-system:  ## check (as root on Debian: install) what the build needs from the system
	@command -v python3 >/dev/null || { echo "error: python3 is missing: install Python 3.11 or newer (apt-get install python3 python3-venv)."; exit 1; }
	@python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { echo "error: Python 3.11 or newer with its venv module is needed: install it (apt-get install python3 python3-venv)."; exit 1; }
	@bash scripts/install_system.sh build

# The faces book.yaml may choose, which the fast lane's font tests read, the same way.
check-fonts:  ## install (as root on Debian) the faces book.yaml may choose, for the fast lane
	@bash scripts/install_system.sh fonts

# What the tests need beyond the build (poppler, Chromium and DAISY Ace), the same way.
test-system:  ## the same for what the tests need (poppler, Chromium, DAISY Ace)
	@bash scripts/install_system.sh test

# ---------------------------------------------------------------- the stages

# Generated rules: one per stage (split, normalise, dedupe, notes, articles, html,
# bibliography, index, epub, pdf, publish, volumes (when book.yaml asks); index-candidates, check-epub, check-a11y, check-print, release, cover).
# `clean` and `help` need no rules, and must not build the virtualenv to get them; `new`
# makes the book folder the rules would be generated from.
ifeq ($(filter clean help new,$(MAKECMDGOALS)),)
include $(RULES)
endif

$(RULES): Makefile | $(STAMP)
	@$(ANTHOLOGY) make-rules --book $(BOOK) --build $(BUILD) --out $@

books: $(BOOK_OUTPUTS)  ## every build stage that is out of date, then publish the books together
	@echo "done: $(BUILD)/anthology.epub $(BUILD)/anthology.pdf (reports in $(BUILD)/reports/)"

# Ace drives Debian's Chromium; the script installs both once.  The release is checked
# with Ace too (and its download page loaded in Chromium by the tests).
check-a11y: | test-system
release: | test-system
# The print PDF's preflight against the book's printer profile (book.yaml `printer:`) reads
# the words' places with poppler's pdftotext, which test-system installs:
#   $(ANTHOLOGY) check-print --book $(BOOK) --build $(BUILD)
check-print: | test-system

help:  ## this list (needs no virtualenv)
	@PYTHONPATH=. python3 -c 'from scripts.makerules import make_help; print(make_help(), end="")'

# A book of your own from a blog: the export (or folder of posts) is copied into
# BOOK/sources/, BOOK/book.yaml and BOOK/index.yaml are written for you to edit.
new: | $(STAMP)  ## start a book folder: make new BOOK=DIR FROM=export.xml [IMAGES=DIR]
	@test -n "$(FROM)" || { echo "error: say where the blog is: make new BOOK=DIR FROM=export.xml (or a folder of posts or pages)"; exit 2; }
	@$(ANTHOLOGY) new "$(BOOK)" --from "$(FROM)" $(if $(IMAGES),--images "$(IMAGES)")

clean:  ## remove the build folder
	rm -rf $(BUILD)

# ---------------------------------------------------------------- tests

# Every test runs: one that has to skip (a tool could not be installed) fails the
# run unless ALLOW_SKIPS=1 (tests/conftest.py), so a green run hides no missing step.
# The tests run in one worker process per core (pytest-xdist); each test file stays in one
# worker, so a module's book is built once.  TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

test: $(STAMP) | test-system  ## the whole test suite
	@$(PYTEST) tests

# The fast lane: everything but the end-to-end tests that build and judge whole books.
check: $(STAMP) | check-fonts  ## the fast lane: the suite without the tests that build whole books
	@$(PYTEST) -m "not slow" tests

# The property-based tests (tests/fuzz/) at length: thousands of generated inputs per property
# instead of the few `make test` tries (several minutes).  FUZZ_EXAMPLES sets how many.
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)  ## the property-based tests at length (FUZZ_EXAMPLES=2000)
	@HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q tests/fuzz

# The README's two commands in a fresh Debian 12 chroot (debootstrap): slow, root only.
fresh-check:  ## the README's two commands on a brand-new Debian 12 (root, slow)
	@bash scripts/dev/fresh_check.sh

# Interrupted builds: 20 SIGKILLs at random moments, each followed by make (about 2 minutes).
# KILL_TARGET=pdf KILL_SECONDS=30 for the PDF; KILL_MODE=edit kills the rebuild after an edit,
# with the caches full (docs/setup.md has the figures of each).
KILL_TRIALS ?= 20
KILL_TARGET ?= index
KILL_SECONDS ?= 5
KILL_MODE ?= clean
kill-trials: | $(STAMP)  ## interrupted builds: 20 SIGKILLs, each followed by make
	@bash scripts/dev/kill_trials.sh $(KILL_TRIALS) $(KILL_TARGET) $(KILL_SECONDS) $(KILL_MODE)

# A full disk and a read-only build folder (root: the build folder is a small tmpfs): one
# clear error each time, then the clean build's bytes once there is room.  DISK_SIZES (kB,
# separated by spaces) instead of the default fractions of a clean build's size.
DISK_SIZES ?=
disk-trials: | $(STAMP)  ## a full disk and a read-only build folder: one clear error, then a clean build's bytes
	@VENV=$(VENV) bash scripts/dev/disk_trials.sh $(DISK_SIZES)

# ---------------------------------------------------------------- benchmark
# Not part of `make` or `make test`: it takes minutes and measures, it does not build.
#   make bench                       10, 100, 1,000 posts of text scrapes and a 1,000-post
#                                    WordPress export, each with its PDF; then the demo book
#                                    clean and after a one-paragraph edit
#   make bench BENCH_PDF_MAX=100     no PDF past 100 posts (quicker)
#   make bench BENCH_PROFILE=none    skip the cProfile run of the slowest stage
BENCH_SIZES   ?= 10,100,1000
BENCH_WXR_SIZES ?= 1000
BENCH_SEED    ?= 1
BENCH_PDF_MAX ?= 1000
BENCH_PROFILE ?= auto

bench: | $(STAMP)  ## how the build's cost grows with the archive (build/reports/bench.md)
	@$(PY) -m scripts.dev.bench --sizes $(BENCH_SIZES) --wxr-sizes "$(BENCH_WXR_SIZES)" --seed $(BENCH_SEED) \
	    --pdf-max $(BENCH_PDF_MAX) --profile $(BENCH_PROFILE) \
	    --work build/bench --reports build/reports
