#!/usr/bin/env bash
# The back office's block editor is Editor.js (https://editorjs.io) with its
# header, list and quote tools, served from the theme like any other static
# file (no CDN: the admin's CSP allows only 'self'). This script fetches the
# pinned versions from the npm registry (npm checks each tarball against the
# registry's integrity hash) and copies their browser builds and licences to
# themes/default/static/vendor/editorjs/. Run it to upgrade; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=themes/default/static/vendor/editorjs
PKGS=(
  "@editorjs/editorjs@2.31.7:dist/editorjs.umd.js:editorjs.js"
  "@editorjs/header@2.8.9:dist/header.umd.js:header.js"
  "@editorjs/list@2.0.9:dist/editorjs-list.umd.js:list.js"
  "@editorjs/quote@2.7.6:dist/quote.umd.js:quote.js"
)
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
: >"$OUT/VERSIONS"
for p in "${PKGS[@]}"; do
  IFS=: read -r spec file name <<<"$p"
  (cd "$TMP" && npm pack --silent "$spec" >/dev/null)
  tgz="$(ls -t "$TMP"/*.tgz | head -n 1)"
  mkdir -p "$TMP/x"
  tar -xzf "$tgz" -C "$TMP/x"
  cp "$TMP/x/package/$file" "$OUT/$name"
  lic="$(ls "$TMP/x/package" | grep -i '^licen[cs]e' | head -n 1 || true)"
  if [ -n "$lic" ]; then cp "$TMP/x/package/$lic" "$OUT/${name%.js}.LICENSE.txt"; fi
  if [ -f "$TMP/x/package/dist/vendor.LICENSE.txt" ]; then
    cp "$TMP/x/package/dist/vendor.LICENSE.txt" "$OUT/${name%.js}.vendor.LICENSE.txt"
  fi
  echo "$spec $(sha256sum "$OUT/$name" | cut -d' ' -f1)" >>"$OUT/VERSIONS"
  rm -rf "$TMP/x" "$tgz"
done
cat "$OUT/VERSIONS"
