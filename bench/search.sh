#!/usr/bin/env bash
# Search latency over the 100,000-article demo store, on SQLite and on
# PostgreSQL, with the page cache off (every search is run): common words
# (thousands of matches), stemmed forms, rare words, two words, filters.
# Reports p50 and p99 at one connection (a reader's wait) and requests/s
# at four (a busy node), per backend. Loopback only.
#
#   bash bench/search.sh          # ARTICLES=100000 DURATION=10 FRESH=1 (load again)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-10}
PG_ADMIN=${WARTA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${BENCH_DIR:-/tmp/warta-bench-search}
OUT=$ROOT/bench/results/search-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT" "$WORK"
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }

echo "== building (release)"
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/warta
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
wait_up() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }

# The searches, each an API request; wrk cycles through them.
cat > "$WORK/queries.lua" <<'LUA'
local q = {
  "jakarta", "pemerintah", "pembangunan", "menyiapkan", "disiapkan", "nelayan",
  "beasiswa", "pasar%20tradisional", "jalur%20sepeda", "air%20bersih",
  "warga%20desa%20jakarta", "sintetis", "tidakadakatasepertiini",
  "jakarta&section=nasional", "pasar&from=2026-01-01",
}
local i = 0
request = function()
  i = i % #q + 1
  return wrk.format("GET", "/api/v1/search?q=" .. q[i])
end
LUA
printf '[search]\nper_minute = 100000000\n' > "$WORK/warta.toml"

bench() {  # label [database-url]
  local label=$1 db=${2:-}
  local dargs=(--data "$WORK/data-$label" --config "$WORK/warta.toml")
  [ -n "$db" ] && dargs+=(--database-url "$db")
  # A loaded store is kept (in $WORK, and the PostgreSQL database
  # warta_bench_search) for the next run; FRESH=1 loads again.
  if [ ! -f "$WORK/data-$label/.loaded" ] || [ -n "${FRESH:-}" ]; then
    if [ -n "$db" ]; then
      psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS warta_bench_search WITH (FORCE)" -c "CREATE DATABASE warta_bench_search" > /dev/null
    fi
    rm -rf "$WORK/data-$label"
    local t0=$SECONDS
    "$BIN" demo "${dargs[@]}" --articles "$ARTICLES" | tail -1
    echo "   $label: loaded and indexed in $((SECONDS - t0)) s"
    touch "$WORK/data-$label/.loaded"
  fi
  WARTA_PAGE_CACHE=0 RUST_LOG=warn "$BIN" serve "${dargs[@]}" --addr 127.0.0.1:8190 > "$OUT/$label.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  wait_up http://127.0.0.1:8190/healthz
  curl -fsS "http://127.0.0.1:8190/api/v1/search?q=jakarta" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("   jakarta:", d["total"], "matches (capped)" if d["capped"] else "matches")'
  wrk -t1 -c1 -d2s -s "$WORK/queries.lua" http://127.0.0.1:8190 > /dev/null 2>&1 || true
  wrk -t1 -c1 -d"${DURATION}s" --latency -s "$WORK/queries.lua" http://127.0.0.1:8190 > "$OUT/$label-c1.wrk"
  wrk -t2 -c4 -d"${DURATION}s" --latency -s "$WORK/queries.lua" http://127.0.0.1:8190 > "$OUT/$label-c4.wrk"
  local p50 p99 rps
  p50=$(awk '$1=="50%"{print $2}' "$OUT/$label-c1.wrk" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' "$OUT/$label-c1.wrk" | to_ms)
  rps=$(awk '/Requests\/sec/{print $2}' "$OUT/$label-c4.wrk")
  echo "$label: p50 ${p50} ms, p99 ${p99} ms (1 connection); ${rps} searches/s (4 connections)" | tee -a "$OUT/summary.txt"
  grep -E 'Non-2xx|Socket errors' "$OUT/$label-c1.wrk" "$OUT/$label-c4.wrk" || true
  kill "$pid"; sleep 1
}

bench sqlite
if ! psql "$PG_ADMIN" -Atc "SELECT 1 FROM pg_database WHERE datname = 'warta_bench_search'" | grep -q 1; then
  rm -f "$WORK/data-postgres/.loaded"
fi
bench postgres "${PG_ADMIN%/*}/warta_bench_search"
echo "results in $OUT (drop the kept database with: psql -c 'DROP DATABASE warta_bench_search')"
