#!/bin/sh
# deps.sh -- install the Debian packages priori needs, if any are missing.
#   sh tests/deps.sh build   what building needs (make demo)
#   sh tests/deps.sh test    that plus what the test suite needs (make check)
# Installs with apt-get when run as root or with password-less sudo;
# otherwise prints the command to run and fails.
set -u
mode=${1:-build}
need="make gcc libc6-dev pkg-config libprotobuf-c-dev libcjson-dev"
if [ "$mode" = test ]; then
    need="$need libonnx-testdata python3 python3-onnx python3-numpy python3-torch python3-torchvision python3-pip python3-setuptools python3-wheel chromium valgrind strace"
fi
missing=""
for p in $need; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "priori: missing Debian packages:$missing" >&2
    echo "priori: install them with: sudo apt-get install$missing" >&2
    exit 1
fi
echo "priori: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null 2>&1
    $sudo apt-get install -y -q --no-install-recommends $missing
}
