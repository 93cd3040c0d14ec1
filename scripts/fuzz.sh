#!/usr/bin/env bash
# Fuzz the page-text importer and the comment cleaner for SECONDS each
# (default 60): a nightly job. Findings land in fuzz/artifacts/<target>/;
# rerun one with `cargo fuzz run <target> fuzz/artifacts/<target>/<file>`.
#
# cargo-fuzz passes -Z flags (sanitizers, coverage) that a stable rustc
# accepts only with RUSTC_BOOTSTRAP=1; this machine has no nightly.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# A seed for the importer: an article page as a browser copies it, written
# here (the real seed page is read from ../shared/seed when it exists).
if [ -d ../shared/seed ]; then
  cp ../shared/seed/*.txt fuzz/corpus/page_text/ 2>/dev/null || true
fi
cp tests/fixtures/import/*.txt fuzz/corpus/page_text/ 2>/dev/null || true
for target in page_text comment; do
  echo "== fuzzing $target for ${secs}s"
  cargo fuzz run "$target" "fuzz/corpus/$target" -- -max_total_time="$secs" -max_len=65536
done
