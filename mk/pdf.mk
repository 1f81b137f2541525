# The print book and its screen copy: one WeasyPrint layout, two files.
# Rebuilt when an article, a back-matter input, the book metadata, the print
# templates, the stylesheet, the font or the code changes.

PDF_OUT     := build/anthology.pdf build/anthology-screen.pdf
PDF_INPUTS  := build/articles/.built build/html/chapters.json $(if $(wildcard mk/dedupe.mk),build/contributors.json) \
               $(if $(wildcard mk/bibliography.mk),build/bibliography.html) $(wildcard manuscript/index.yaml)
PDF_CODE    := scripts/books/pdf/build.py scripts/core/book.py $(wildcard scripts/index/terms.py scripts/index/match.py scripts/index/render.py) \
               $(wildcard templates/print/*.html) styles/print.css $(wildcard styles/fonts/*.ttf)

pdf: $(PDF_OUT)

# build/articles/.built is the articles stage's stamp: a new article set means a new book.
$(PDF_OUT) &: $(BOOK) $(PDF_INPUTS) $(PDF_CODE) $(COMMON) | $(STAMP)
	@$(PY) -m scripts.books.pdf.build --book $(BOOK) --articles build/articles \
	    --out build/anthology.pdf --screen build/anthology-screen.pdf --reports $(REPORTS) \
	    --contributors build/contributors.json --bibliography build/bibliography.html
