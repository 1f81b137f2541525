#!/usr/bin/env bash
# A full disk and a read-only build folder: the build must stop with one clear message
# (`error: FILE: what is wrong` and a hint, never a traceback), leave no temporary file,
# and once there is room again `make` must give the bytes a clean build gives.
#
#   make disk-trials                       the default sizes (fractions of a clean build's size)
#   bash scripts/dev/disk_trials.sh [SIZE_KB ...]
#   bash scripts/dev/disk_trials.sh read-only      the read-only trial alone
#
# Root only: the build folder of a copy of the demo book is a small tmpfs.  For each size
# the build runs until the disk is full; the checks are: make fails, stderr has exactly
# one `error:` line, naming a file in the build folder and saying the disk is full, no
# Python traceback, no temporary file (.NAME.XXXX.tmp) left.  Then the tmpfs grows
# (remount) and make runs again: every file must match a clean build's bytes (the caches,
# build/cache/ and build/pdf-parts/, included: a damaged entry would differ), and no
# PDF part in the cache may have its JSON without its PDF.
#
# Last, the read-only trial: a finished build, one sentence added to a source, the build
# folder remounted read-only, make: again one clear error and no traceback; then the source
# restored, the folder writable again, make: the clean build's bytes.
#
# The book is a copy of the demo book in a temporary folder; manuscript/ and build/ are
# never touched.  Every tmpfs is unmounted on the way out.  Not part of `make test`.
set -uo pipefail
cd "$(dirname "$0")/../.."

[ "$(id -u)" = 0 ] || { echo "error: the disk trials mount a tmpfs, which needs root" >&2; exit 2; }
work="$(mktemp -d)"
book="$work/book"
mkdir -p "$book/sources"
cp manuscript/book.yaml manuscript/*.yaml "$book/" 2>/dev/null
cp manuscript/sources/*.txt "$book/sources/"
mkdir -p "$book/build"
mounted=0
# The make of this checkout; VENV=... (a virtualenv elsewhere) is passed on.
mk() { make ${VENV:+VENV="$VENV"} BOOK="$book" "$@"; }
cleanup() {
    if [ "$mounted" = 1 ]; then umount "$book/build" 2>/dev/null || umount -l "$book/build"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_build() {  # mount_build SIZE_KB: an empty tmpfs of that size as the build folder
    if [ "$mounted" = 1 ]; then umount "$book/build"; mounted=0; fi
    mount -t tmpfs -o "size=${1}k,mode=0755" tmpfs "$book/build" || { echo "error: cannot mount a tmpfs" >&2; exit 2; }
    mounted=1
}

# Every file's hash, but pdf.json's without `parts_laid_out` (how many parts THIS run laid
# out rather than took from the cache: after a failed run it is smaller by design).
fingerprint() {
    (cd "$book/build" && find . -type f ! -name .lock ! -path "./.make/*" ! -path ./reports/pdf.json \
        | sort | xargs sha256sum
     if [ -f reports/pdf.json ]; then
         python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r.pop("parts_laid_out", None); print(json.dumps(r, sort_keys=True))' \
             reports/pdf.json | sha256sum | sed 's|-$|./reports/pdf.json without parts_laid_out|'
     fi
     find . -type l | sort | while read -r link; do echo "$link -> $(readlink "$link")"; done)
}

leftovers() {  # what a write that failed must not leave: atomic.py's temporary files and folders
    find "$book/build" -name ".*.tmp" -o -name ".*.link-tmp" | sed "s|$book/build/||"
}

parts_without_pdf() {
    [ -d "$book/build/pdf-parts" ] || return 0
    for entry in "$book"/build/pdf-parts/*.json; do
        [ -e "$entry" ] || continue
        [ -s "${entry%.json}.tagged.pdf" ] || [ -s "${entry%.json}.print.pdf" ] || basename "$entry"
    done
}

# The stderr of a failed make: one `error:` line, naming a file of the build folder and
# saying WANTED (the disk is full / read-only), and no traceback.  Prints what is wrong.
judge_error() {  # judge_error STDERR_FILE WANTED_REGEX
    local errors
    errors=$(grep -c '^error:' "$1")
    [ "$errors" -eq 1 ] || echo "$errors 'error:' lines, not one"
    grep -q 'Traceback' "$1" && echo "a Python traceback"
    if [ "$errors" -ge 1 ]; then
        local line
        line=$(grep -m1 '^error:' "$1")
        echo "$line" | grep -q "^error: $book/build/[^ ]*: " || echo "the error names no file of the build folder: $line"
        echo "$line" | grep -Eqi "$2" || echo "the error does not say what is wrong: $line"
    fi
}

start=$(date +%s)
# The clean build: the reference, and how big a build folder gets.
mount_build 1048576
mk >/dev/null 2>"$work/clean.err" || { echo "error: a clean build failed:" >&2; tail -5 "$work/clean.err" >&2; exit 1; }
reference="$(fingerprint)"
full_kb=$(du -sk "$book/build" | cut -f1)
echo "a clean build: ${full_kb} kB in the build folder ($(( $(date +%s) - start )) s)"

if [ "${1:-}" = read-only ]; then
    sizes=()                        # the read-only trial alone
elif [ $# -gt 0 ]; then
    sizes=("$@")
else
    # 16 kB: not even build/.make/rules.mk fits.  Then fractions (in tenths of a percent) of
    # the finished folder, chosen for the demo book so the disk fills in each stage: split
    # has filled 2% of it when it ends, normalise 7%, dedupe 12%, notes 15%, articles 19%,
    # html 24% (its pandoc cache), bibliography 25%, index 30%, epub 39% (its cache, then
    # the staged EPUB), pdf 78% (its cache, build/pdf-parts/, the two staged PDFs), publish
    # 99% (a copy of the books in build/generations/), the reports 100%.
    sizes=(16)
    for permille in 10 45 90 140 175 215 245 275 340 380 450 520 600 680 750 820 880 940 980 990 1000 1010; do
        sizes+=($(( full_kb * permille / 1000 + 4 )))
    done
fi

bad=0 trials=0 fitted=0
for size in "${sizes[@]}"; do
    mount_build "$size"
    if mk >"$work/out" 2>"$work/err"; then
        echo "${size} kB: the whole build fitted"; fitted=$((fitted + 1)); continue
    fi
    trials=$((trials + 1))
    stage=$(grep -o '^\[[a-z-]* *\]' "$work/out" | tail -1 | tr -d '[] ')
    problems=$(judge_error "$work/err" 'no space left on device|disk is full')
    left=$(leftovers)
    [ -n "$left" ] && problems+=$'\n'"temporary files left: $(echo $left)"
    # Room again: the same make must now give the clean build's bytes.
    mount -o "remount,size=1048576k" "$book/build"
    if ! mk >/dev/null 2>"$work/again.err"; then
        problems+=$'\n'"make failed once there was room: $(grep -m1 -E '^error:|Error' "$work/again.err")"
    elif [ "$(fingerprint)" != "$reference" ]; then
        problems+=$'\n'"the outputs differ from a clean build: $(diff <(echo "$reference") <(fingerprint) | grep '^[<>]' | head -3 | tr '\n' ' ')"
    fi
    left=$(leftovers)
    [ -n "$left" ] && problems+=$'\n'"temporary files left after the rebuild: $(echo $left)"
    damaged=$(parts_without_pdf)
    [ -n "$damaged" ] && problems+=$'\n'"PDF parts without their PDF: $(echo $damaged)"
    problems=$(echo "$problems" | sed '/^$/d')
    echo "${size} kB: full after '${stage:-nothing}': $(grep -m1 '^error:' "$work/err" | sed "s|$book/build/||" | cut -c1-110)"
    if [ -n "$problems" ]; then
        bad=$((bad + 1))
        echo "$problems" | sed 's/^/    WRONG: /'
        grep -q Traceback "$work/err" && tail -2 "$work/err" | sed 's/^/    | /'
    fi
done

# Read-only: a finished build with room (the last size may have held only just the build,
# not a rebuild beside it), an edit to a source, then make with the build folder read-only.
mount -o "remount,size=1048576k" "$book/build"
mk >/dev/null 2>"$work/again.err" || { echo "error: the build before the read-only trial failed" >&2; exit 1; }
edited_source="$(ls "$book"/sources/*.txt | head -1)"
cp "$edited_source" "$work/pristine.txt"
edit_line=$(awk '{ print length, NR }' "$work/pristine.txt" | sort -rn | head -1 | cut -d' ' -f2)
sed "${edit_line}s/\$/ One sentence added by the disk trials./" "$work/pristine.txt" > "$edited_source"
mount -o remount,ro "$book/build"
trials=$((trials + 1))
problems=""
if mk >"$work/out" 2>"$work/err"; then
    problems="make succeeded in a read-only build folder"
else
    problems=$(judge_error "$work/err" 'read-only')
fi
echo "read-only: $(grep -m1 '^error:' "$work/err" | sed "s|$book/build/||" | cut -c1-110)"
mount -o remount,rw "$book/build"
cp "$work/pristine.txt" "$edited_source"
touch "$edited_source"
if ! mk >/dev/null 2>"$work/again.err"; then
    problems+=$'\n'"make failed once the folder was writable: $(grep -m1 -E '^error:|Error' "$work/again.err")"
elif [ "$(fingerprint)" != "$reference" ]; then
    problems+=$'\n'"the outputs differ from a clean build: $(diff <(echo "$reference") <(fingerprint) | grep '^[<>]' | head -3 | tr '\n' ' ')"
fi
problems=$(echo "$problems" | sed '/^$/d')
if [ -n "$problems" ]; then
    bad=$((bad + 1))
    echo "$problems" | sed 's/^/    WRONG: /'
    grep -q Traceback "$work/err" && tail -2 "$work/err" | sed 's/^/    | /'
fi

echo "$bad of $trials disk trials went wrong ($fitted sizes fitted the whole build; $(( $(date +%s) - start )) s)"
[ "$bad" -eq 0 ]
