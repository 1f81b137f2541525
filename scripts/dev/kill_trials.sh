#!/usr/bin/env bash
# Interrupted builds: SIGKILL `make` at a random moment, then run it again; every output
# must be byte-identical to a clean build's, and no temporary file may be left behind.
#
#   make kill-trials                       20 trials of the text stages, html and the index
#   bash scripts/dev/kill_trials.sh N TARGET MAX_SECONDS [clean|edit]
#
# clean (the default): each trial starts from an empty build folder.
# edit: each trial starts from a finished build of the book, adds one sentence to one
#   paragraph of a source, and kills the REBUILD, while the caches (build/cache/,
#   build/pdf-parts/) hold the earlier build's results: a cache entry a killed build half
#   wrote must never be read.  The outputs are compared with a clean build of the edited
#   book; the caches themselves are left out of the comparison (they also hold entries of
#   the book before the edit, which a clean build of the edited book never made).
#
# The book is a copy of the demo book in a temporary folder; manuscript/ and build/ are
# never touched.  Not part of `make test`: 20 trials take minutes.
set -uo pipefail
cd "$(dirname "$0")/../.."

trials="${1:-20}" target="${2:-index}" max_seconds="${3:-5}" mode="${4:-clean}"
case "$mode" in clean|edit) ;; *) echo "error: the mode is 'clean' or 'edit', not '$mode'" >&2; exit 2 ;; esac
work="$(mktemp -d)"
book="$work/book"
mkdir -p "$book/sources"
cp manuscript/book.yaml manuscript/*.yaml "$book/" 2>/dev/null
cp manuscript/sources/*.txt "$book/sources/"

# Every file's hash, but pdf.json's without `parts_laid_out`: that one field says how many
# parts THIS run laid out rather than took from the cache, so after a kill it is smaller
# than a clean build's by design (tests/pipeline/test_edit_rebuild.py treats it the same).
fingerprint() {
    local skip=()
    [ "$mode" = edit ] && skip=(! -path "./cache/*" ! -path "./pdf-parts/*")
    (cd "$book/build" && find . -type f ! -name .lock ! -path "./.make/*" ! -path ./reports/pdf.json "${skip[@]}" \
        | sort | xargs sha256sum
     if [ -f reports/pdf.json ]; then
         python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r.pop("parts_laid_out", None); print(json.dumps(r, sort_keys=True))' \
             reports/pdf.json | sha256sum | sed 's|-$|./reports/pdf.json without parts_laid_out|'
     fi)
}

# The edit: one sentence added to the longest line of the first source (a paragraph).
edited_source="$(ls "$book"/sources/*.txt | head -1)"
pristine_source="$work/pristine.txt"
cp "$edited_source" "$pristine_source"
edit_line=$(awk '{ print length, NR }' "$pristine_source" | sort -rn | head -1 | cut -d' ' -f2)
apply_edit() {
    sed "${edit_line}s/\$/ One sentence added by the interrupted-build trials./" "$pristine_source" > "$edited_source"
    touch "$edited_source"
}

if [ "$mode" = edit ]; then
    apply_edit
    make BOOK="$book" "$target" >/dev/null 2>&1 || { echo "error: a clean build of the edited book failed" >&2; exit 1; }
    reference="$(fingerprint)"
    rm -rf "$book/build"
    cp "$pristine_source" "$edited_source"
    make BOOK="$book" "$target" >/dev/null 2>&1 || { echo "error: a clean build of '$target' failed" >&2; exit 1; }
    # A trial proves nothing if the edit changes no output.
    [ "$(fingerprint)" != "$reference" ] || { echo "error: the edit changed none of '$target''s outputs" >&2; exit 1; }
    cp -a "$book/build" "$work/before-edit"
else
    make BOOK="$book" "$target" >/dev/null 2>&1 || { echo "error: a clean build of '$target' failed" >&2; exit 1; }
    reference="$(fingerprint)"
fi

bad=0
for trial in $(seq 1 "$trials"); do
    rm -rf "$book/build"
    if [ "$mode" = edit ]; then
        cp -a "$work/before-edit" "$book/build"
        apply_edit
    fi
    make BOOK="$book" "$target" >/dev/null 2>&1 &
    pid=$!
    sleep "$(python3 -c "import random; print(round(random.uniform(0.2, $max_seconds), 2))")"
    pkill -KILL -f -- "--book $book" 2>/dev/null
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if ! make BOOK="$book" "$target" >/dev/null 2>&1; then
        echo "trial $trial: make failed after the kill"; bad=$((bad + 1)); continue
    fi
    if [ "$(fingerprint)" != "$reference" ]; then
        echo "trial $trial: the outputs differ from a clean build"
        diff <(echo "$reference") <(fingerprint) | head -5
        bad=$((bad + 1))
    fi
    left=$(find "$book/build" -name ".*.tmp" | wc -l)
    if [ "$left" -gt 0 ]; then echo "trial $trial: $left temporary files left"; bad=$((bad + 1)); fi
    # A part cache entry is its JSON (written last) and its PDFs: never a JSON without them.
    if [ -d "$book/build/pdf-parts" ]; then
        for entry in "$book"/build/pdf-parts/*.json; do
            [ -e "$entry" ] || continue
            [ -s "${entry%.json}.tagged.pdf" ] || [ -s "${entry%.json}.print.pdf" ] || {
                echo "trial $trial: $(basename "$entry") has no PDF"; bad=$((bad + 1)); }
        done
    fi
done
rm -rf "$work"
echo "$bad of $trials interrupted builds went wrong ($mode builds of '$target')"
[ "$bad" -eq 0 ]
