# ---------------------------------------------------------------- bibliography (issue 8)
# The notes' sources -> CSL-JSON -> pandoc citeproc (built-in Chicago author-date).
# One run writes all four files (a grouped target), so make runs it once.

BIBLIOGRAPHY_OVERRIDES := $(wildcard manuscript/bibliography.yaml)
BIBLIOGRAPHY_OUT := build/bibliography.json build/bibliography.html \
                    build/bibliography-citations.json $(REPORTS)/bibliography.md

bibliography: $(BIBLIOGRAPHY_OUT)

$(BIBLIOGRAPHY_OUT) &: $(MODEL)/noted.json $(BIBLIOGRAPHY_OVERRIDES) $(BOOK) \
        scripts/bibliography/build.py scripts/bibliography/parse.py scripts/bibliography/overrides.py \
        scripts/core/book.py $(COMMON) | $(STAMP)
	@$(PY) -m scripts.bibliography.build --in $(MODEL)/noted.json --out-dir build \
	    --reports $(REPORTS) --overrides manuscript/bibliography.yaml --book $(BOOK)
