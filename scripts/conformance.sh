#!/usr/bin/env bash
# The main job: the reference implementation through the whole Autobahn|Testsuite, both sides.
#
#   scripts/conformance.sh            # every case (9.x, 12.x, 13.x included), strict gate
#   JOBS=4 scripts/conformance.sh     # wstest processes per side (default 2)
#   REPORTS=/some/dir scripts/conformance.sh   # report folders (default: reports/)
#   CASES='1.*,2.*' scripts/conformance.sh       # a subset, for a quick look (CI runs them all)
#
# Installs wstest if it is missing (scripts/install-wstest.sh), builds the release binary, runs
# `wstriage suite server` (wstest as fuzzing client against `wstriage serve`) and then
# `wstriage suite client` (wstest as fuzzing server, `wstriage client` as testee), prints both
# gate summaries, and exits non-zero if either gate fails. The two sides run one after the
# other, not at once: on a 2-core machine four wstest processes would compete for the CPU and
# the timing-sensitive cases (6.4.x fail-fast, 9.x deadlines) would measure the machine.
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS="${JOBS:-2}"
REPORTS="${REPORTS:-reports}"
CASES="${CASES:-*}"

bash scripts/install-wstest.sh || { echo "conformance: could not install wstest" >&2; exit 2; }
cargo build --release --quiet || { echo "conformance: release build failed" >&2; exit 2; }
BIN="${CARGO_TARGET_DIR:-target}/release/wstriage"

summaries="$(mktemp -d)"
trap 'rm -rf "$summaries"' EXIT
start=$(date +%s)
echo "== wstriage suite server --jobs $JOBS (cases $CASES, strict gate) → $REPORTS/servers"
"$BIN" suite server --jobs "$JOBS" --cases "$CASES" --out "$REPORTS/servers" | tee "$summaries/server"
server=${PIPESTATUS[0]}
echo "== wstriage suite client --jobs $JOBS (cases $CASES, strict gate) → $REPORTS/clients"
"$BIN" suite client --jobs "$JOBS" --cases "$CASES" --out "$REPORTS/clients" | tee "$summaries/client"
client=${PIPESTATUS[0]}
end=$(date +%s)

echo
echo "== conformance summary ($(( (end - start) / 60 ))m$(( (end - start) % 60 ))s)"
echo "-- server (reference server, $REPORTS/servers): exit $server"
cat "$summaries/server"
echo "-- client (reference client, $REPORTS/clients): exit $client"
cat "$summaries/client"

if [ "$server" -ne 0 ] || [ "$client" -ne 0 ]; then
  echo "conformance: FAILED (server exit $server, client exit $client)"
  exit 1
fi
echo "conformance: passed (server and client, cases $CASES, strict gate)"
