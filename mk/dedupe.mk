# Dedupe: repeated paragraphs out, bios to the back matter, every removal audited.
# Reads the normalised model; its outputs are the deduped model, the back matter's
# contributors and the audit (one run writes them all).

DEDUPE_OVERRIDES := $(wildcard manuscript/dedupe.yaml)
DEDUPE_OUT := $(MODEL)/deduped.json build/contributors.json $(REPORTS)/dedupe.json $(REPORTS)/dedupe.html

dedupe: $(MODEL)/deduped.json

$(DEDUPE_OUT) &: $(MODEL)/normalised.json $(BOOK) $(DEDUPE_OVERRIDES) scripts/text/dedupe.py \
                 scripts/text/split.py scripts/core/book.py templates/reports/dedupe.html $(COMMON) | $(STAMP)
	@$(PY) -m scripts.text.dedupe --in $< --out $(MODEL)/deduped.json --book $(BOOK) \
	    --overrides manuscript/dedupe.yaml --contributors build/contributors.json --reports $(REPORTS)

# Articles are written from the last text stage; notes (mk/notes.mk) moves this on again.
LAST_TEXT_MODEL := $(MODEL)/deduped.json
