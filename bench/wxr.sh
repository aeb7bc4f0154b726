#!/usr/bin/env bash
# WordPress import benchmark: generates an export of COUNT posts (default 10,000, about
# 100 MB) and its uploads with bench/wxr_export.py, imports it with the release binary
# under /usr/bin/time -v into a fresh data directory, then imports it again (every post
# unchanged), and prints seconds and maximum resident memory for both.
# Target: under 60 s and under 300 MB for 10,000 posts.
# Everything it writes goes to bench/out/wxr/ (gitignored).
#
#   bench/wxr.sh
#   COUNT=2000 bench/wxr.sh
set -euo pipefail
export LC_ALL=C # decimal points in printf/awk, whatever the caller's locale

COUNT="${COUNT:-10000}"
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || { echo "COUNT must be a positive number, not '$COUNT'" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out/wxr"
EXPORT="$OUT/export-$COUNT.xml"
UPLOADS="$OUT/uploads-$COUNT"
DATA="$OUT/data"
QALAM="$ROOT/target/release/qalam"

log() { printf '==> %s\n' "$*" >&2; }

mkdir -p "$OUT"
log "cargo build --release"
(cd "$ROOT" && cargo build --release --quiet)

if [[ ! -s $EXPORT ]]; then
    log "generating $EXPORT"
    python3 "$BENCH/wxr_export.py" --posts "$COUNT" --out "$EXPORT" --uploads "$UPLOADS"
fi
rm -rf "$DATA"

# Runs one import under /usr/bin/time -v; prints "seconds max_rss_kb".
measure() {
    local name=$1
    QALAM_LOG=warn /usr/bin/time -v "$QALAM" import wxr "$EXPORT" --data "$DATA" --uploads "$UPLOADS" \
        >"$OUT/$name.report" 2>"$OUT/$name.time" || { cat "$OUT/$name.time" >&2; exit 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%.2f %d\n", s, rss }
    ' "$OUT/$name.time"
}

log "importing $COUNT posts into a fresh data directory"
read -r first_s first_kb < <(measure first)
log "importing the same export again"
read -r again_s again_kb < <(measure again)

size_mb=$(awk -v b="$(stat -c %s "$EXPORT")" 'BEGIN { printf "%.1f", b / 1e6 }')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "export:      $EXPORT ($size_mb MB, $COUNT posts)"
echo "machine:     $(nproc) CPUs, ${cpu:-unknown CPU}"
printf 'first run:   %6.2f s   max RSS %4d MB\n' "$first_s" $((first_kb / 1024))
printf 'second run:  %6.2f s   max RSS %4d MB   (every post unchanged)\n' "$again_s" $((again_kb / 1024))
echo "target:      under 60 s and under 300 MB"
echo
echo "report of the first run:"
cat "$OUT/first.report"
echo "report of the second run:"
cat "$OUT/again.report"
