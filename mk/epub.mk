# EPUB 3 anthology (issue 5): build/anthology.epub from the article Markdown.
# Optional inputs (bibliography, contributors, index) are used when present; $(wildcard) keeps a
# missing one from being a prerequisite Make cannot build.

EPUB        := build/anthology.epub
EPUB_CODE   := scripts/epub.py scripts/epub_markup.py scripts/epub_fonts.py scripts/cover.py \
               scripts/book.py $(wildcard scripts/chapters.py scripts/index.py) $(COMMON)
EPUB_INPUTS := $(wildcard build/articles/*.md) $(BOOK) \
               $(wildcard templates/epub/*) styles/epub.css $(wildcard styles/fonts/*) \
               $(wildcard build/bibliography.html build/contributors.json manuscript/index.yaml)

epub: $(EPUB)

$(EPUB): $(EPUB_INPUTS) $(EPUB_CODE) | $(STAMP)
	@test -n "$(wildcard build/articles/*.md)" || { echo "error: no articles in build/articles/: run 'make articles' first."; exit 2; }
	@$(PY) -m scripts.epub --articles build/articles --book $(BOOK) --out $@ --reports $(REPORTS)

# EPUBCheck on the built book: any fatal, error or warning fails.
check-epub: $(EPUB)
	@$(PY) -m scripts.epub_check $(EPUB)

# DAISY Ace accessibility check: any violation fails.  Installs Ace into node_modules/ once.
check-a11y: $(EPUB)
	@bash scripts/install_ace.sh
	@$(PY) -m scripts.epub_check --ace $(EPUB)

.PHONY: check-epub
