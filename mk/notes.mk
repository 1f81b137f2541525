# Notes stage: reassemble footnotes (scripts/text/notes.py).  Reads the dedupe stage's output once
# that stage exists, the normalised model until then; the editor's decisions are optional.
NOTES_INPUT := $(if $(wildcard mk/dedupe.mk),$(MODEL)/deduped.json,$(MODEL)/normalised.json)
NOTES_OVERRIDES := manuscript/notes.yaml

notes: $(MODEL)/noted.json
$(MODEL)/noted.json: $(NOTES_INPUT) $(wildcard $(NOTES_OVERRIDES)) scripts/text/notes.py $(COMMON) | $(STAMP)
	@$(PY) -m scripts.text.notes --in $< --out $@ --overrides $(NOTES_OVERRIDES) --reports $(REPORTS)

LAST_TEXT_MODEL := $(MODEL)/noted.json
