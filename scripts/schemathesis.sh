#!/usr/bin/env bash
# Property-based test of the JSON API against its own description
# (api/openapi.json): schemathesis with every check, against a live demo
# server with an Admin API token holding every scope and a signed-in
# reader's session cookie. Exits non-zero on any failure.
#
#   scripts/schemathesis.sh                 # uses target/debug/warta (built if missing)
#   WARTA_BIN=target/release/warta scripts/schemathesis.sh
#
# Knobs (environment):
#   WARTA_BIN            the binary (default target/debug/warta)
#   ST_MAX_EXAMPLES      test cases per operation and phase (default 100)
#   ST_SEED              hypothesis seed (default: random; the run prints it)
#   ST_WORKERS           schemathesis workers (default 2: writes at the same
#                        time must queue, not fail)
#   ST_SCHEMA            "file" (default: api/openapi.json, what the binary
#                        includes when it is built) or "served" (the document
#                        at /api/v1/openapi.json)
#   ST_REPORT_DIR        keep schemathesis' reports (JUnit, HAR) here
#   ST_EXTRA             extra arguments for `schemathesis run`, word-split
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

ST_VERSION="4.32.5"
# Any 4.x will do (the checks and the configuration keys below are 4.x's).
if ! python3 -c 'import schemathesis, sys; sys.exit(not schemathesis.__version__.startswith("4."))' 2>/dev/null; then
  echo "== installing schemathesis $ST_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
ST=(python3 -m schemathesis.cli)
"${ST[@]}" --version

BIN="${WARTA_BIN:-${CARGO_TARGET_DIR:-target}/debug/warta}"
if [ ! -x "$BIN" ]; then
  echo "== building warta"
  cargo build --bin warta
  BIN="${CARGO_TARGET_DIR:-target}/debug/warta"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

# Nothing from the caller's environment may point the server elsewhere.
unset WARTA_DATA WARTA_CONFIG WARTA_DATABASE_URL WARTA_ADDR WARTA_DEMO WARTA_SMTP_URL

WORK="$(mktemp -d "${TMPDIR:-/tmp}/warta-schemathesis.XXXXXX")"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "== last lines of the server's log"
    tail -n 40 "$WORK/server.log" || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
# Absolute URLs in answers (article `url`) must name this server.
export WARTA_BASE_URL="$BASE"
DATA="$WORK/data"
mkdir -p "$DATA"

# Searches are rate limited per client (30 a minute by default): lifted
# here so that search answers are checked, not only the 429.
cat >"$WORK/warta.toml" <<'TOML'
[search]
per_minute = 100000
TOML

echo "== starting warta on $BASE (data in $DATA)"
"$BIN" serve --demo --data "$DATA" --config "$WORK/warta.toml" --addr "127.0.0.1:$PORT" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "warta serve exited early" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null

echo "== creating an Admin API token with every scope"
TOKEN="$(printf '' | "$BIN" token create --name schemathesis \
  --scope articles:read --scope articles:write --scope articles:publish \
  --scope media:write --scope taxonomy:write --data "$DATA" | tail -n 1)"
case "$TOKEN" in
  wt_*) ;;
  *) echo "token create printed no token" >&2; exit 1 ;;
esac

echo "== signing a reader in twice, for the members routes"
EMAIL="schemathesis@example.com"
PASSWORD="schemathesis-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
printf '%s\n' "$PASSWORD" | "$BIN" reader add --email "$EMAIL" --password-stdin --verified \
  --name Schemathesis --data "$DATA" >/dev/null
sign_in() {
  curl -fsS -o /dev/null -D - -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" \
    "$BASE/api/v1/members/session" \
    | sed -n 's/^[Ss]et-[Cc]ookie: warta_session=\([A-Za-z0-9_-]*\);.*/\1/p' | head -n 1
}
# Sign-in is rate limited per address, and the first run hammers it: both
# sessions are made now. The first run may end its session (signOut); the
# second one is only used by a run that never signs out.
SESSION="$(sign_in)"
SESSION_READER="$(sign_in)"
if [ -z "$SESSION" ] || [ -z "$SESSION_READER" ]; then
  echo "signing in gave no session cookie" >&2
  exit 1
fi

case "${ST_SCHEMA:-file}" in
  file)
    SCHEMA="$ROOT/api/openapi.json"
    if ! curl -fsS "$BASE/api/v1/openapi.json" | cmp -s - "$SCHEMA"; then
      echo "note: the binary serves an older api/openapi.json (rebuild it); testing the file"
    fi
    ;;
  served) SCHEMA="$BASE/api/v1/openapi.json" ;;
  *) echo "ST_SCHEMA is file or served" >&2; exit 2 ;;
esac

# Per-operation settings. Each exception below is a product rule that a
# JSON Schema cannot state, not a defect the run hides.
cat >"$WORK/schemathesis.toml" <<'TOML'
[phases.stateful.inference]
# Learning links from answers (the default "location-headers" inference)
# scans every 2xx JSON answer for strings that look like same-origin
# addresses, and schemathesis 4.32.5 then crashes on any string starting
# like "http://[" (urlsplit: "Invalid IPv6 URL"); a headline may read so.
# The stateful phase follows the document's own links instead.
algorithms = ["dependency-analysis"]

[checks.missing_required_header]
# PATCH without If-Match is 428 Precondition Required (RFC 6585), the
# status made for exactly this; schemathesis' default list lacks it.
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

[[operations]]
include-operation-id = "listArticles"
# `section` must name a section that exists in this store: any other
# string is a 400 (documented). Schema-valid data can therefore be refused.
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "429"]

[[operations]]
include-operation-id = "searchArticles"
# `q` must hold a word the analyzer keeps (stop words and punctuation alone
# are refused), and a day must exist in the site's calendar: 400
# (documented). Searches are also rate limited per client (429).
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "429"]

[[operations]]
include-operation-id = "createArticle"
# A story's section, credits, read-also links and videos must name stored
# ones, a scheduled story needs a future time, and a story going out needs
# a byline, a paragraph and alt text: rules about the store's contents and
# the workflow, answered 422 (documented).
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

[[operations]]
include-operation-id = "patchAdminArticle"
# The same rules as createArticle (422), and the change must name the
# current revision in If-Match (412; generated values almost never do).
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422", "429"]
# Preconditions come before the body (RFC 9110 13.2.2): a PATCH whose
# If-Match names another revision, or is malformed and so can match none,
# is 412 whatever else is wrong with it.
checks.negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428", "429"]

[[operations]]
include-operation-id = "addCorrection"
# Only a published story takes a correction (422, documented).
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

[[operations]]
include-operation-id = "saveSection"
# `parent` must name an existing top-level section (422, documented).
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

[[operations]]
include-operation-id = "saveContributor"
# Without a slug, the slug is made from the name; a name with no letter or
# digit to make one from is refused (422, documented).
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
TOML

SEED_ARGS=()
if [ -n "${ST_SEED:-}" ]; then SEED_ARGS=(--seed "$ST_SEED"); fi
# shellcheck disable=SC2206
EXTRA=(${ST_EXTRA:-})

failed=()
run() {
  local name="$1"
  shift
  local report=()
  if [ -n "${ST_REPORT_DIR:-}" ]; then
    mkdir -p "$ST_REPORT_DIR"
    report=(--report junit,har
      --report-junit-path "$ST_REPORT_DIR/junit-$name.xml"
      --report-har-path "$ST_REPORT_DIR/har-$name.json")
  fi
  echo "== schemathesis ($name) against $SCHEMA"
  local rc=0
  (cd "$WORK" && "${ST[@]}" --config-file "$WORK/schemathesis.toml" run "$SCHEMA" \
    --url "$BASE" \
    --checks all \
    --max-examples "${ST_MAX_EXAMPLES:-100}" \
    --workers "${ST_WORKERS:-2}" \
    --generation-database none \
    --request-timeout 30 \
    --no-color \
    "$@" "${SEED_ARGS[@]}" "${report[@]}" "${EXTRA[@]}") || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "== schemathesis ($name): failures (exit $rc)"
    failed+=("$name")
  fi
}

# Every operation, as an integration with every scope and a signed-in reader.
run all \
  --header "Authorization: Bearer $TOKEN" \
  --header "Cookie: warta_session=$SESSION"
# The Content API's shared (cached) answers are served only to requests
# without Authorization: read as an anonymous reader, then as a signed-in
# one (whose session this run never ends).
run anonymous --include-tag content --include-tag members --exclude-operation-id signIn
run reader --include-tag content --include-tag members \
  --exclude-operation-id signIn --exclude-operation-id signOut \
  --header "Cookie: warta_session=$SESSION_READER"

if [ "${#failed[@]}" -gt 0 ]; then
  echo "== schemathesis found failures in: ${failed[*]}"
  exit 1
fi
echo "== schemathesis: no failures"
