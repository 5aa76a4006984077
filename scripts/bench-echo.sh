#!/usr/bin/env bash
# Echo benchmark (a benchmark, never a test): `wstriage serve` beside tokio-tungstenite's echo
# server, driven one after the other by the same closed-loop load generator (bench/echo), on this
# machine, over loopback, for 64 B, 16 KiB and 1 MiB text messages, without and with
# permessage-deflate. tokio-tungstenite has no permessage-deflate, so the deflate rows measure
# wstriage alone. Prints one table; see docs/bench-echo.md for figures and how to read them.
#
# Knobs (environment): CONNS (16), DURATION seconds per cell (5), WARMUP seconds (1),
# SIZES ("64 16384 1048576"), WST_PORT (9021), TUNG_PORT (9022), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CONNS=${CONNS:-16}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
SIZES=${SIZES:-"64 16384 1048576"}
WST_PORT=${WST_PORT:-9021}
TUNG_PORT=${TUNG_PORT:-9022}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH_TARGET=${BENCH_TARGET_DIR:-$TARGET/bench-echo}

echo "building wstriage (release) and bench/echo (release)..." >&2
cargo build --release --quiet --bin wstriage
CARGO_TARGET_DIR=$BENCH_TARGET cargo build --release --quiet --manifest-path bench/echo/Cargo.toml
WSTRIAGE=$TARGET/release/wstriage
LOAD=$BENCH_TARGET/release/echo-load
TUNG=$BENCH_TARGET/release/tungstenite-echo

SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

wait_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench-echo: nothing listens on port $1" >&2
    return 1
}

RESULTS=$(mktemp)
trap 'stop_server; rm -f "$RESULTS"' EXIT

# run_cells NAME PORT DEFLATE(yes|no)
run_cells() {
    local name=$1 port=$2 deflate=$3 size flag=
    [[ $deflate == yes ]] && flag=--deflate
    for size in $SIZES; do
        if out=$("$LOAD" --addr "127.0.0.1:$port" --size "$size" --conns "$CONNS" \
            --duration "$DURATION" --warmup "$WARMUP" --label "$name" $flag 2>&1); then
            grep '^RESULT' <<<"$out" | sed "s/\$/ want_deflate=$deflate/" >>"$RESULTS"
        else
            echo "RESULT label=$name size=$size want_deflate=$deflate failed=1 note=${out//[[:space:]]/_}" >>"$RESULTS"
        fi
    done
}

echo "tokio-tungstenite echo server on 127.0.0.1:$TUNG_PORT" >&2
"$TUNG" "127.0.0.1:$TUNG_PORT" 2>/dev/null &
SERVER_PID=$!
wait_port "$TUNG_PORT"
run_cells tungstenite "$TUNG_PORT" no
run_cells tungstenite "$TUNG_PORT" yes
stop_server

echo "wstriage serve on 127.0.0.1:$WST_PORT" >&2
"$WSTRIAGE" serve --listen "127.0.0.1:$WST_PORT" >/dev/null 2>&1 &
SERVER_PID=$!
wait_port "$WST_PORT"
run_cells wstriage "$WST_PORT" no
run_cells wstriage "$WST_PORT" yes
stop_server

echo
echo "echo benchmark: $(nproc) cores, $CONNS connections, one message in flight each, ${DURATION}s per cell after ${WARMUP}s warm-up, loopback"
awk '
function field(line, key,   n, i, kv) {
    n = split(line, kv, " ")
    for (i = 1; i <= n; i++) if (index(kv[i], key "=") == 1) return substr(kv[i], length(key) + 2)
    return ""
}
function human(s) { s += 0; return s >= 1048576 ? s / 1048576 " MiB" : (s >= 1024 ? s / 1024 " KiB" : s " B") }
{
    name = field($0, "label"); size = field($0, "size"); d = field($0, "want_deflate")
    k = name SUBSEP size SUBSEP d
    if (field($0, "failed") == "1") { failed[k] = 1; next }
    mps[k] = field($0, "msgs_per_s"); mbs[k] = field($0, "mb_per_s")
    p50[k] = field($0, "p50_us"); p99[k] = field($0, "p99_us")
    if (!(size in seen)) { seen[size] = 1; sizes[++ns] = size }
}
END {
    printf "%-8s %-7s %-12s %10s %9s %9s %9s %14s\n", "size", "deflate", "server", "msgs/s", "MB/s", "p50 us", "p99 us", "wstriage/tung"
    for (i = 1; i <= ns; i++) for (j = 0; j < 2; j++) {
        s = sizes[i]; d = j ? "yes" : "no"
        kt = "tungstenite" SUBSEP s SUBSEP d; kw = "wstriage" SUBSEP s SUBSEP d
        if (kt in mps) printf "%-8s %-7s %-12s %10s %9s %9s %9s %14s\n", human(s), d, "tungstenite", mps[kt], mbs[kt], p50[kt], p99[kt], ""
        else printf "%-8s %-7s %-12s %10s %9s %9s %9s %14s\n", human(s), d, "tungstenite", "n/a", "", "", "", (d == "yes" ? "(no deflate)" : "(failed)")
        ratio = (kw in mps && kt in mps && mps[kt] > 0) ? sprintf("%.2fx", mps[kw] / mps[kt]) : "-"
        if (kw in mps) printf "%-8s %-7s %-12s %10s %9s %9s %9s %14s\n", human(s), d, "wstriage", mps[kw], mbs[kw], p50[kw], p99[kw], ratio
        else printf "%-8s %-7s %-12s %10s %9s %9s %9s %14s\n", human(s), d, "wstriage", "n/a", "", "", "", "(failed)"
    }
}' "$RESULTS"
echo
echo "raw:"
cat "$RESULTS"
