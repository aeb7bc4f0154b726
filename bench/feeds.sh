#!/usr/bin/env bash
# How long Qalam takes to generate its feeds and its whole sitemap set, uncached, for a
# large archive (100,000 articles by default). Targets: every feed under 20 ms, the full
# sitemap set (index, every article sitemap, the archive sitemaps and the news sitemap)
# under 2 s. Everything it writes goes to bench/out/feeds/ (gitignored); all traffic
# stays on 127.0.0.1, and the server it starts is stopped when it exits.
#
#   bench/feeds.sh                     # 100,000 articles, 20 requests per feed, 5 sitemap runs
#   COUNT=20000 REQUESTS=10 RUNS=3 bench/feeds.sh
#   KEEP=1 bench/feeds.sh              # reuse bench/out/feeds/data from a previous run
#   BUILD=0 bench/feeds.sh             # use target/release/qalam as it is
set -euo pipefail
export LC_ALL=C

COUNT="${COUNT:-100000}"
REQUESTS="${REQUESTS:-20}"
RUNS="${RUNS:-5}"
KEEP="${KEEP:-0}"
BUILD="${BUILD:-1}"
[[ $COUNT =~ ^[0-9]+$ ]] || { echo "COUNT must be a number, not '$COUNT'" >&2; exit 2; }
[[ $REQUESTS =~ ^[1-9][0-9]*$ ]] || { echo "REQUESTS must be a positive number" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out/feeds"
DATA="$OUT/data"
QALAM_PID=""

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

stop_qalam() {
    stop_pid "$QALAM_PID"
    QALAM_PID=""
}
trap stop_qalam EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints "STATUS SECONDS BYTES" for one uncompressed GET.
timed_get() {
    curl -sS --noproxy '*' --max-time 60 -o "${2:-/dev/null}" -w '%{http_code} %{time_total} %{size_download}\n' "$1"
}

# Median and 95th percentile (milliseconds) of the numbers on standard input.
percentiles() {
    sort -g | awk '{ v[NR] = $1 * 1000 } END {
        p95 = int(NR * 0.95 + 0.999); if (p95 > NR) p95 = NR
        printf "%.2f %.2f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[p95] }'
}

if [[ $BUILD == 1 ]]; then
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release)
fi
target_dir="${CARGO_TARGET_DIR:-target}"
[[ $target_dir == /* ]] || target_dir="$ROOT/$target_dir"
BIN="$target_dir/release/qalam"
[[ -x $BIN ]] || die "no binary at $BIN"
command -v curl >/dev/null || die "curl is needed"

if [[ $KEEP == 1 && -f $DATA/qalam.db ]]; then
    log "reusing $DATA"
else
    rm -rf "$OUT"
    mkdir -p "$DATA"
    log "generating $COUNT articles with bench/corpus.py"
    python3 "$BENCH/corpus.py" --count "$COUNT" --out "$OUT/corpus.jsonl"
    offline_settings >"$DATA/qalam.toml"
    log "qalam import jsonl ($COUNT articles)"
    started=$(date +%s)
    "$BIN" import jsonl "$OUT/corpus.jsonl" --data "$DATA" >/dev/null
    log "imported in $(($(date +%s) - started)) s"
    # A full index before the server starts, so that its background indexer is idle
    # while we measure.
    log "qalam index rebuild"
    "$BIN" index rebuild --data "$DATA" >/dev/null 2>&1
fi

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
log "starting qalam serve with the page cache off on $BASE"
QALAM_CACHE_ENABLED=false QALAM_LOG=warn "$BIN" serve --data "$DATA" --addr "127.0.0.1:$PORT" >"$OUT/qalam.log" 2>&1 &
QALAM_PID=$!
for _ in $(seq 600); do
    kill -0 "$QALAM_PID" 2>/dev/null || die "qalam serve exited; see $OUT/qalam.log"
    curl -s --noproxy '*' -o /dev/null "$BASE/robots.txt" && break
    sleep 0.1
done
sleep 2

articles=$(sqlite3 "$DATA/qalam.db" "SELECT COUNT(*) FROM articles" 2>/dev/null || echo "$COUNT")
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "archive:  $articles articles; page cache off, uncompressed answers, one request at a time"
echo

# --- Feeds ---------------------------------------------------------------------------

FEEDS=(/feed/ /atom.xml /country/kazakhstan/feed/ /section/economy/atom.xml /tag/water/feed/
    /author/aigerim-sadykova/feed/ /lang/en/atom.xml)
printf '%-34s %8s %10s %10s\n' feed bytes "p50 ms" "p95 ms"
worst=0
for path in "${FEEDS[@]}"; do
    read -r status _ bytes < <(timed_get "$BASE$path")
    [[ $status == 200 ]] || die "$path answered $status"
    read -r p50 p95 < <(for _ in $(seq "$REQUESTS"); do timed_get "$BASE$path" | cut -d' ' -f2; done | percentiles)
    printf '%-34s %8d %10s %10s\n' "$path" "$bytes" "$p50" "$p95"
    worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN { print (b > a) ? b : a }')
done
echo

# --- Sitemaps ------------------------------------------------------------------------

timed_get "$BASE/sitemap.xml" "$OUT/sitemap.xml" >/dev/null
mapfile -t SITEMAPS < <(grep -o '<loc>[^<]*</loc>' "$OUT/sitemap.xml" | sed -e 's|<loc>[^/]*//[^/]*||' -e 's|</loc>||')
printf '%-34s %8s %10s\n' "sitemap file" bytes "ms"
for path in /sitemap.xml "${SITEMAPS[@]}"; do
    read -r status seconds bytes < <(timed_get "$BASE$path")
    [[ $status == 200 ]] || die "$path answered $status"
    printf '%-34s %8d %10.1f\n' "$path" "$bytes" "$(awk -v s="$seconds" 'BEGIN { print s * 1000 }')"
done
totals=()
for _ in $(seq "$RUNS"); do
    total=0
    for path in /sitemap.xml "${SITEMAPS[@]}"; do
        read -r _ seconds _ < <(timed_get "$BASE$path")
        total=$(awk -v a="$total" -v b="$seconds" 'BEGIN { print a + b }')
    done
    totals+=("$total")
done
read -r set_p50 set_max < <(printf '%s\n' "${totals[@]}" | sort -g | awk '{ v[NR] = $1 * 1000 } END {
    printf "%.0f %.0f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }')
echo
echo "whole sitemap set ($((${#SITEMAPS[@]} + 1)) files), $RUNS runs: median ${set_p50} ms, slowest ${set_max} ms (target < 2000 ms)"
echo "slowest feed p95: ${worst} ms (target < 20 ms)"
