# EPUB 3 anthology (issue 5): build/anthology.epub from the article Markdown.
# build/articles/.built is the articles stage's stamp (a new article set means a new book).
# Optional inputs (bibliography, contributors, index terms) count when present: $(wildcard)
# keeps a missing one from being a prerequisite Make cannot build.

EPUB        := build/anthology.epub
EPUB_CODE   := scripts/books/epub/build.py scripts/books/epub/markup.py scripts/books/fonts.py scripts/books/cover.py \
               scripts/core/book.py scripts/content/chapters.py $(wildcard scripts/index/terms.py scripts/index/match.py scripts/index/render.py) $(COMMON)
EPUB_INPUTS := build/articles/.built build/html/chapters.json $(BOOK) $(wildcard templates/epub/* templates/pandoc/*) \
               $(wildcard templates/index.html.j2) styles/epub.css $(wildcard styles/fonts/*) \
               $(wildcard manuscript/index.yaml) \
               $(if $(wildcard mk/dedupe.mk),build/contributors.json) \
               $(if $(wildcard mk/bibliography.mk),build/bibliography.html)

epub: $(EPUB)

$(EPUB): $(EPUB_INPUTS) $(EPUB_CODE) | $(STAMP)
	@$(PY) -m scripts.books.epub.build --articles build/articles --book $(BOOK) --out $@ --reports $(REPORTS) \
	    --bibliography build/bibliography.html --contributors build/contributors.json \
	    --index-terms manuscript/index.yaml

# EPUBCheck on the built book: any fatal, error or warning fails.
check-epub: $(EPUB)
	@$(PY) -m scripts.books.epub.check $(EPUB)

# DAISY Ace accessibility check: any violation fails.  Installs Ace into node_modules/ once.
check-a11y: $(EPUB)
	@bash scripts/install_ace.sh
	@$(PY) -m scripts.books.epub.check --ace $(EPUB)

.PHONY: check-epub
