#!/usr/bin/env bash
# Install what the test suite needs on a Debian machine, then run all of it:
# unit, store, HTTP, CLI and browser tests. Nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  echo "== installing axe-core for the accessibility checks"
  npm ci --prefix tests/browser --no-audit --no-fund
fi

if ! python3 -c 'import aiosmtpd, feedparser, jsonschema, rfc3339_validator' 2>/dev/null; then
  echo "== installing aiosmtpd (the mail tests' SMTP server), feedparser and jsonschema (the feed checks)"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd feedparser "jsonschema[format-nongpl]"
fi

# The store suite and a second pass of the HTTP tests run on PostgreSQL.
# Nothing is skipped without one: where no server answers, Debian's is
# installed and started, and given a password for TCP connections.
PG_URL="${WARTA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "== installing PostgreSQL"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postgresql postgresql-client
  fi
  echo "== starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  if ! psql "$PG_URL" -qAtc 'SELECT 1' >/dev/null 2>&1; then
    # A fresh Debian server asks TCP clients for a password.
    $SUDO su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'warta-test'\"" >/dev/null
    PG_URL="postgres://postgres:warta-test@127.0.0.1:5432/postgres"
  fi
fi
psql "$PG_URL" -qAtc 'SELECT 1' >/dev/null || { echo "PostgreSQL at $PG_URL does not answer" >&2; exit 1; }
export WARTA_TEST_PG_URL="$PG_URL"

echo "== formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

# One test binary (tests/warta): the browser tests are marked ignored for a
# plain `cargo test` on a machine without Chromium; here they always run.
echo "== tests (SQLite; the store module also on PostgreSQL; browser tests included)"
cargo test --workspace --all-targets --locked --no-fail-fast -- --include-ignored

echo "== the HTTP modules again, on PostgreSQL"
WARTA_TEST_BACKEND=postgres cargo test --locked --no-fail-fast --test warta -- \
  http_site:: api:: readers:: comments:: smtp:: cache:: admin_api:: newsroom:: \
  media:: webhooks:: payments:: security:: search:: discovery:: pages::

# The JSON API against its OpenAPI description, property-based (every
# check, several thousand generated calls), on a live demo server.
echo "== schemathesis over api/openapi.json"
WARTA_BIN="${CARGO_TARGET_DIR:-target}/debug/warta" bash scripts/schemathesis.sh
