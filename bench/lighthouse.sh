#!/usr/bin/env bash
# Lighthouse (mobile and desktop presets) over the reader pages of a
# running Warta, scores per category and every failed binary audit.
#
#   bash bench/lighthouse.sh [BASE] [PATH...]
#   BASE defaults to http://127.0.0.1:8080 (`cargo run -- serve --demo`).
# Lighthouse is installed from npm into a cache folder (LH_DIR, default
# /tmp/warta-lighthouse) and drives Debian's chromium.
set -euo pipefail
BASE="${1:-http://127.0.0.1:8080}"
shift || true
LH_DIR="${LH_DIR:-/tmp/warta-lighthouse}"
if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$LH_DIR"
  (cd "$LH_DIR" && npm install --silent --no-audit --no-fund lighthouse@12 >/dev/null)
fi
if [ "$#" -eq 0 ]; then
  ARTICLE="$(curl -fsS "$BASE/" | grep -o 'href="/[a-z-]*/[a-z0-9-]*"' | head -n 1 | cut -d'"' -f2)"
  set -- / "$ARTICLE" /nasional /plus "/cari?q=banjir"
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for path in "$@"; do
  for preset in mobile desktop; do
    extra=()
    [ "$preset" = desktop ] && extra=(--preset=desktop)
    report="$OUT/report.json"
    CHROME_PATH=/usr/bin/chromium "$LH_DIR/node_modules/.bin/lighthouse" "$BASE$path" --quiet \
      --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run" \
      "${extra[@]}" --output=json --output-path="$report" >/dev/null 2>&1
    python3 - "$report" "$path" "$preset" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
scores = {k: round(v["score"] * 100) for k, v in r["categories"].items()}
print(f"{sys.argv[2]} {sys.argv[3]}: {scores}")
for k, v in r["audits"].items():
    if v.get("scoreDisplayMode") == "binary" and v.get("score") == 0:
        print(f"    failed: {k}")
PY
  done
done
