#!/usr/bin/env bash
# Warta against the physical limit, in one run, on loopback only:
#   nginx serving Warta's own anonymous article page as a static file,
#   then Warta (SQLite, then PostgreSQL) for an anonymous reader, a signed-in
#   member, with the page cache off (every request rendered), the home page,
#   a section page and the Content API.
# Reports requests/s, p50 and p99 latency, the ratio to nginx, and Warta's
# resident memory. Bounded runs; nothing but 127.0.0.1 is contacted.
#
#   bash bench/run.sh              # ARTICLES=100000 DURATION=10 CONNS=32
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
PG_ADMIN=${WARTA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${BENCH_DIR:-/tmp/warta-bench}
TS=$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/$TS
mkdir -p "$OUT" "$WORK"

need=()
for p in nginx wrk curl; do command -v "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

echo "== building (release)"
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/warta

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

wait_up() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }

# wrk prints "50%  1.23ms" lines with --latency; normalise to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }
run() {  # name url [extra wrk args...]
  local name=$1 url=$2; shift 2
  wrk -t1 -c1 -d2s "$url" > /dev/null 2>&1 || true   # warm-up
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url" > "$OUT/$name.wrk" 2>&1
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/{print $2}' "$OUT/$name.wrk")
  p50=$(awk '$1=="50%"{print $2}' "$OUT/$name.wrk" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' "$OUT/$name.wrk" | to_ms)
  errs=$(awk '/Non-2xx/{print $5} /Socket errors/{print "socket-errors"}' "$OUT/$name.wrk" | tr '\n' ' ')
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "${errs:-0}" >> "$OUT/raw.tsv"
  echo "$name: $rps req/s, p50 ${p50} ms, p99 ${p99} ms ${errs}"
}

start_warta() {  # name port cache(1|0) data-name [database-url]
  local name=$1 port=$2 cache=$3 data=$4 db=${5:-}
  local args=(serve --addr "127.0.0.1:$port" --data "$WORK/data-$data")
  [ -n "$db" ] && args+=(--database-url "$db")
  WARTA_PAGE_CACHE=$cache RUST_LOG=warn "$BIN" "${args[@]}" > "$OUT/warta-$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$name=$!"
  wait_up "http://127.0.0.1:$port/healthz"
}

prepare_store() {  # name [database-url]
  local name=$1 db=${2:-}
  local dargs=(--data "$WORK/data-$name"); [ -n "$db" ] && dargs+=(--database-url "$db")
  rm -rf "$WORK/data-$name"
  echo "== $name: demo content + $ARTICLES generated articles"
  local t0=$SECONDS
  "$BIN" demo "${dargs[@]}" --articles "$ARTICLES" | tail -1
  echo "   loaded in $((SECONDS - t0)) s"
  printf 'rahasia-bench-123\n' | "$BIN" reader add "${dargs[@]}" --email bench@warta.test --password-stdin --verified > /dev/null
  "$BIN" membership grant "${dargs[@]}" --email bench@warta.test --days 30 > /dev/null
}

member_cookie() {  # port -> "warta_session=..."
  curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
    -d '{"email":"bench@warta.test","password":"rahasia-bench-123"}' \
    "http://127.0.0.1:$1/api/v1/members/session" | awk -F'[ ;]' 'tolower($1)=="set-cookie:" && $2 ~ /^warta_session=/{print $2}'
}

bench_backend() {  # label [database-url]
  local label=$1 db=${2:-}
  prepare_store "$label" "$db"
  start_warta "$label" 8180 1 "$label" "$db"
  # The same store, page cache off: every request is rendered.
  start_warta "${label}cold" 8182 0 "$label" "$db"
  local pid; eval "pid=\$PID_$label"
  local base=http://127.0.0.1:8180 cold=http://127.0.0.1:8182
  local slug path
  slug=$(curl -fsS "$base/api/v1/articles?section=global&limit=50" | python3 -c 'import json,sys; a=[x for x in json.load(sys.stdin)["articles"] if sum(1 for b in x["body"] if b["type"]=="paragraph")>=15]; print(a[0]["url"].split("/",3)[3])')
  path="/$slug"
  echo "   article: $path"
  if [ "$label" = sqlite ]; then
    # The physical limit: the same bytes Warta sends an anonymous reader, as a file.
    mkdir -p "$WORK/www"
    curl -fsS -H 'accept-encoding: identity' "$base$path" > "$WORK/www/article.html"
    echo "   article page: $(wc -c < "$WORK/www/article.html") bytes"
    cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 100000; access_log off;
  client_body_temp_path $WORK/nginx-tmp; proxy_temp_path $WORK/nginx-tmp; fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp; scgi_temp_path $WORK/nginx-tmp;
  server { listen 127.0.0.1:8181; root $WORK/www; open_file_cache max=100;
    location = /article { default_type text/html; try_files /article.html =404; } }
}
CONF
    mkdir -p "$WORK/nginx-tmp"
    nginx -c "$WORK/nginx.conf"
    wait_up http://127.0.0.1:8181/article
    run nginx-static http://127.0.0.1:8181/article
  fi
  local cookie; cookie=$(member_cookie 8180)
  run "$label-anonymous" "$base$path"
  run "$label-member" "$base$path" -H "cookie: $cookie"
  run "$label-cold" "$cold$path"
  run "$label-cold-1conn" "$cold$path" -t1 -c1
  run "$label-home" "$base/"
  run "$label-section" "$base/nasional"
  run "$label-api" "$base/api/v1/articles?limit=10"
  echo "$label-rss-mb $(rss_mb "$pid")" >> "$OUT/rss.txt"
  echo "   resident memory: $(rss_mb "$pid") MB"
  kill "$pid"; eval "kill \$PID_${label}cold"
  sleep 1
}

: > "$OUT/raw.tsv"
bench_backend sqlite
DB=warta_bench_$$
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" > /dev/null
bench_backend postgres "${PG_ADMIN%/*}/$DB"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null || true

python3 - "$OUT" <<'PY'
import sys, os
out = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "raw.tsv"))]
base = next(float(r[1]) for r in rows if r[0] == "nginx-static")
rss = dict(l.split() for l in open(os.path.join(out, "rss.txt")))
lines = ["| target | req/s | p50 ms | p99 ms | vs nginx | errors |", "|---|---:|---:|---:|---:|---|"]
for name, rps, p50, p99, errs in rows:
    lines.append(f"| {name} | {float(rps):,.0f} | {p50} | {p99} | {float(rps)/base:.2f} | {errs.strip() or 0} |")
lines.append("")
for k, v in rss.items():
    lines.append(f"- {k}: {v} MB")
table = "\n".join(lines)
open(os.path.join(out, "summary.md"), "w").write(table + "\n")
print(table)
PY
echo "results: $OUT"
