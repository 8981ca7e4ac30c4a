#!/usr/bin/env bash
# Screenshots of a page (or an SVG) with headless Chromium, to look at what
# `hashgrow explain` drew: scripts/screenshot.sh PAGE.html OUT.png [STEP] [WIDTHxHEIGHT]
#
#   scripts/screenshot.sh docs/figures/go-evacuation.html /tmp/go.png        # step 1
#   scripts/screenshot.sh docs/figures/go-evacuation.html /tmp/go-28.png 28  # step 28 (page.html#step=28)
#   scripts/screenshot.sh docs/figures/java-split-list.svg /tmp/java.png     # an SVG figure
#
# Needs /usr/bin/chromium (Debian package `chromium`); run as root, the
# script installs it; otherwise it says so and exits 0 (a missing browser
# is not a failure of the thing being looked at).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 PAGE.html|FIGURE.svg OUT.png [STEP] [WIDTHxHEIGHT]" >&2
    exit 2
fi
page=$1
out=$2
step=${3:-}
size=${4:-1400x1000}

chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y chromium >/dev/null
    else
        echo "$0: $chromium is missing; install the Debian package chromium (as root: apt-get install -y chromium)" >&2
        exit 0
    fi
fi

url="file://$(realpath "$page")"
if [ -n "$step" ]; then
    url="$url#step=$step"
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$(realpath -m "$out")" \
    --window-size="${size/x/,}" "$url" 2>/dev/null
echo "wrote $out"
