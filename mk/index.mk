# Index stage: check manuscript/index.yaml against the text, and suggest missing terms.
# The EPUB and PDF builders call scripts.index.match and scripts.index.render themselves.

INDEX_TERMS := manuscript/index.yaml
INDEX_CODE  := scripts/index/terms.py scripts/index/match.py scripts/index/render.py scripts/index/report.py templates/index.html.j2 $(COMMON)
INDEX_TEXT  := $(wildcard build/articles/*.md)

index: $(REPORTS)/index.md
$(REPORTS)/index.md: $(INDEX_TERMS) $(INDEX_CODE) $(INDEX_TEXT) $(SOURCES) | $(STAMP)
	@$(PY) -m scripts.index.report --terms $(INDEX_TERMS) --articles build/articles --report $@ $(SOURCES)

index-candidates: $(REPORTS)/index-candidates.md
$(REPORTS)/index-candidates.md: $(INDEX_TERMS) scripts/index/candidates.py scripts/index/terms.py scripts/index/match.py scripts/index/render.py scripts/index/report.py $(COMMON) $(INDEX_TEXT) $(SOURCES) | $(STAMP)
	@$(PY) -m scripts.index.candidates --terms $(INDEX_TERMS) --articles build/articles --out $@ $(SOURCES)
