"""The back-of-book index, one module per concern.

    terms       the editor's manuscript/index.yaml: the term model, loading and validation
    match       finding the terms in the text and anchoring them in a chapter
    render      filing order, page runs, the index model and the index section's HTML
    report      the index stage's command line and its coverage report
    candidates  headwords the editor may have missed (a report, never an edit)

The book builders use three functions:

    terms = load_terms("manuscript/index.yaml")                          # scripts.index.terms
    html, occurrences = mark_occurrences(chapter_html, "ch03", terms)   # scripts.index.match
    fragment = render_index_html(terms, all_occurrences, target="epub", chapter_href=...)
                                                                         # scripts.index.render
"""
