#!/usr/bin/env bash
# Interrupted builds: SIGKILL `make` at a random moment, then run it again; every output
# must be byte-identical to a clean build's, and no temporary file may be left behind.
#
#   make kill-trials                       20 trials of the text stages, html and the index
#   bash scripts/dev/kill_trials.sh N TARGET MAX_SECONDS
#
# The book is a copy of the demo book in a temporary folder; manuscript/ and build/ are
# never touched.  Not part of `make test`: 20 trials take about two minutes.
set -uo pipefail
cd "$(dirname "$0")/../.."

trials="${1:-20}" target="${2:-index}" max_seconds="${3:-5}"
book="$(mktemp -d)/book"
mkdir -p "$book/sources"
cp manuscript/book.yaml manuscript/*.yaml "$book/" 2>/dev/null
cp manuscript/sources/*.txt "$book/sources/"

fingerprint() {
    (cd "$book/build" && find . -type f ! -name .lock ! -path "./.make/*" | sort | xargs sha256sum)
}

make BOOK="$book" "$target" >/dev/null 2>&1 || { echo "error: a clean build of '$target' failed" >&2; exit 1; }
reference="$(fingerprint)"
bad=0
for trial in $(seq 1 "$trials"); do
    rm -rf "$book/build"
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
        echo "trial $trial: the outputs differ from a clean build"; bad=$((bad + 1))
    fi
    left=$(find "$book/build" -name ".*.tmp" | wc -l)
    if [ "$left" -gt 0 ]; then echo "trial $trial: $left temporary files left"; bad=$((bad + 1)); fi
done
rm -rf "$(dirname "$book")"
echo "$bad of $trials interrupted builds went wrong"
[ "$bad" -eq 0 ]
