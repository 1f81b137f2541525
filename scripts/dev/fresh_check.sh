#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12, as a new user would run them.
#
# Builds a minimal Debian bookworm (debootstrap, variant minbase) in a folder, adds
# only what the README asks for (Python 3.11 with venv, a Java runtime, Pango) plus
# git and make, clones this repository into it, and runs `make` and `make test`
# there as root, as the README says.  Nothing else is installed by hand: whatever
# else the build or the tests need, the project's own files must install.
#
#   make fresh-check                     (or: bash scripts/dev/fresh_check.sh [FOLDER])
#
# Needs root (debootstrap, chroot, mounts) and Debian's package mirror.  Takes about
# 7 to 15 minutes on two cores; the chroot is kept in FOLDER (default /var/tmp/anthology-fresh-root)
# for a look afterwards, and made again by the next run (FRESH_CHECK_REUSE=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOTFS="$(realpath -m "${1:-/var/tmp/anthology-fresh-root}")"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
README_PACKAGES="python3 python3-venv default-jre-headless libpango-1.0-0 libpangoft2-1.0-0"
TOOLS="git make ca-certificates"

if [ "$(id -u)" != "0" ]; then
    echo "error: fresh-check needs root (debootstrap and chroot)" >&2; exit 1
fi
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }

# A fresh machine each time: a root kept from the last run already has what that run's
# `make test` installed, and would hide a missing install step.  FRESH_CHECK_REUSE=1 keeps
# it (quicker, for checking the tests again, not the set-up).
if [ -d "$ROOTFS" ] && [ "${FRESH_CHECK_REUSE:-0}" != "1" ]; then
    for m in dev/pts dev sys proc; do umount -l "$ROOTFS/$m" 2>/dev/null || true; done
    if mount | grep -q " $ROOTFS/"; then
        echo "error: something is still mounted under $ROOTFS: unmount it, then run again" >&2; exit 1
    fi
    rm -rf "$ROOTFS"
fi
if [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
    echo "fresh-check: debootstrap bookworm (minbase) into $ROOTFS ..."
    debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.debootstrap.log" 2>&1 \
        || { tail -20 "$ROOTFS.debootstrap.log" >&2; exit 1; }
fi

mounts=(proc sys dev dev/pts)
cleanup() {
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount -l "$ROOTFS/${mounts[$i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
for m in "${mounts[@]}"; do
    mkdir -p "$ROOTFS/$m"
    mount --bind "/$m" "$ROOTFS/$m"
done
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true

echo "fresh-check: installing only the README's prerequisites ..."
chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive \
    bash -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $README_PACKAGES $TOOLS >/dev/null"

# The machine's network may reach the registries through a proxy with a CA of its
# own: the fresh system gets the host's certificate bundle and the variables that
# name it (what every machine of this network has), and nothing else of the host.
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
network_env=()
for name in PIP_CERT SSL_CERT_FILE REQUESTS_CA_BUNDLE NODE_EXTRA_CA_CERTS CURL_CA_BUNDLE GIT_SSL_CAINFO; do
    [ -n "${!name:-}" ] && network_env+=("$name=${!name}")
done
[ -f "$ROOTFS/root/.npmrc" ] || echo 'cafile = "/etc/ssl/certs/ca-certificates.crt"' > "$ROOTFS/root/.npmrc"

rm -rf "$ROOTFS/root/anthology"
git clone -q "$(pwd)" "$ROOTFS/root/anthology"

echo "fresh-check: make && make test in the fresh system ..."
chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "${network_env[@]}" \
    bash -c "cd /root/anthology && make && make test" 2>&1 | tee "$ROOTFS.log"
status=${PIPESTATUS[0]}
echo "fresh-check: exit status $status (log: $ROOTFS.log)"
exit "$status"
