"""The release: one folder holding everything a writer uploads or serves (`make release`).

build/dist/<slug>-<edition date>/ gets the EPUB, the Kobo EPUB, the print PDF and its
cover, the screen PDF, the store cover, a download page, an OPDS feed, SHA256SUMS and
release.json; beside it, a reproducible .zip of the folder.  The stage reads the books
the epub and pdf stages built and never rebuilds them; it refuses to release a book
that EPUBCheck or DAISY Ace find fault with.
"""
