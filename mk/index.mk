# Index stage: check manuscript/index.yaml against the text, and suggest missing terms.
# The EPUB and PDF builders call scripts.index.core themselves (mark_occurrences, render_index_html).

INDEX_TERMS := manuscript/index.yaml
INDEX_CODE  := scripts/index/core.py templates/index.html.j2 $(COMMON)
INDEX_TEXT  := $(wildcard build/articles/*.md)

index: $(REPORTS)/index.md
$(REPORTS)/index.md: $(INDEX_TERMS) $(INDEX_CODE) $(INDEX_TEXT) $(SOURCES) | $(STAMP)
	@$(PY) -m scripts.index.core --terms $(INDEX_TERMS) --articles build/articles --report $@ $(SOURCES)

index-candidates: $(REPORTS)/index-candidates.md
$(REPORTS)/index-candidates.md: $(INDEX_TERMS) scripts/index/candidates.py scripts/index/core.py $(COMMON) $(INDEX_TEXT) $(SOURCES) | $(STAMP)
	@$(PY) -m scripts.index.candidates --terms $(INDEX_TERMS) --articles build/articles --out $@ $(SOURCES)
