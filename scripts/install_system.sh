#!/usr/bin/env bash
# What the build (`build`) or the tests (`test`) need from the system, checked one by
# one; what is missing is installed with apt where we can (root on Debian), otherwise
# one sentence says what to install.
#
#   scripts/install_system.sh build   Java (EPUBCheck), Pango and HarfBuzz-subset (WeasyPrint)
#   scripts/install_system.sh fonts   the faces book.yaml `fonts:` may choose besides the vendored
#                                     Charis SIL: Gentium Plus and Gentium Book Plus, EB Garamond
#   scripts/install_system.sh test    poppler-utils (reading the PDF back), zbar-tools (scanning
#                                     the bar code), the faces (the tests set books in them),
#                                     Node.js and npm, Chromium (DAISY Ace), then Ace itself
#
# HarfBuzz-subset matters for more than speed: without it WeasyPrint subsets fonts
# with fontTools, and two builds of the same PDF are not byte-identical.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:?usage: install_system.sh build|fonts|test}"
missing_packages=()
missing_what=()

need() {  # need <description> <debian packages> <check command...>
    local what="$1" packages="$2"
    shift 2
    if ! "$@" >/dev/null 2>&1; then
        missing_what+=("$what")
        missing_packages+=($packages)
    fi
}
has_library() { ldconfig -p | grep -q "$1"; }
# The files scripts/books/fonts.py FACES reads; the packages are Debian bookworm's.
# (SYSTEM_FONTS: where they are looked for, /usr/share/fonts; tests/dev/test_install_system.py
# points it at a folder of its own.)
fonts="${SYSTEM_FONTS:-/usr/share/fonts}"
need_fonts() {
    need "Gentium Plus and Gentium Book Plus (book.yaml fonts:)" fonts-sil-gentiumplus test -f "$fonts/truetype/gentiumplus/GentiumPlus-Regular.ttf"
    need "EB Garamond (book.yaml fonts:)" fonts-ebgaramond test -f "$fonts/opentype/ebgaramond/EBGaramond12-Regular.otf"
}

case "$purpose" in
    build)
        need "Java (EPUBCheck runs on it)" default-jre-headless command -v java
        need "Pango (WeasyPrint lays text out with it)" "libpango-1.0-0 libpangoft2-1.0-0" has_library libpangoft2-1.0.so
        need "HarfBuzz-subset (WeasyPrint embeds reproducible font subsets with it)" libharfbuzz-subset0 has_library libharfbuzz-subset.so
        ;;
    fonts)
        need_fonts
        ;;
    test)
        need_fonts
        need "poppler-utils (the tests read the PDF back with pdftotext)" poppler-utils command -v pdftotext
        need "zbar-tools (the tests scan the print cover's ISBN bar code back)" zbar-tools command -v zbarimg
        need "Node.js and npm (DAISY Ace runs on them)" "nodejs npm" command -v npm
        need "Chromium (DAISY Ace drives it)" chromium command -v chromium
        ;;
    *) echo "usage: install_system.sh build|fonts|test" >&2; exit 2 ;;
esac

if [ ${#missing_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing_packages[*]} (for ${missing_what[*]}) ..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
    else
        for what in "${missing_what[@]}"; do echo "missing: $what" >&2; done
        echo "error: install them first: sudo apt-get install ${missing_packages[*]}" >&2
        # The tests can still run without them (`make test`: test, `make check`: fonts);
        # they skip what they cannot check, say why, and the run then fails unless
        # ALLOW_SKIPS=1 (tests/conftest.py).  A book that chooses a missing face stops
        # with its own message (scripts/books/fonts.py).
        [ "$purpose" = "test" ] || [ "$purpose" = "fonts" ] && exit 0
        exit 1
    fi
fi

if [ "$purpose" = "test" ] && command -v npm >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; then
    bash scripts/install_ace.sh
fi
