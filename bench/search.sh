#!/usr/bin/env bash
# Search benchmark: wrk against /search?q=… (and the JSON API) on a synthetic corpus of
# 10,000 articles, one query at a time and a mix of all of them, printing requests/s
# and p50/p99 latency per query. Search pages bypass the page cache, so every request
# runs the query, reads its page of results from SQLite and renders the template.
#
#   bench/search.sh                              # 10,000 articles, 10 s per query
#   COUNT=2000 DURATION=5s CONNECTIONS=16 bench/search.sh
#
# Everything it writes goes to bench/out/search/ (gitignored); all traffic stays on
# 127.0.0.1, and every process it starts is stopped when it exits.
set -euo pipefail
export LC_ALL=C

COUNT="${COUNT:-10000}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-8}"

[[ $COUNT =~ ^[0-9]+$ ]] || { echo "COUNT must be a number, not '$COUNT'" >&2; exit 2; }
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || { echo "CONNECTIONS must be a positive number" >&2; exit 2; }
# wrk needs a connection per thread; one client alone measures the time to answer.
THREADS=$((CONNECTIONS < 2 ? CONNECTIONS : 2))
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
[[ $DURATION =~ ^[1-9][0-9]*[sm]$ ]] || { echo "DURATION must look like 10s or 1m, not '$DURATION'" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out/search"
DATA="$OUT/data"
QALAM_PID=""

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

stop_qalam() {
    [[ -n $QALAM_PID ]] || return 0
    kill -TERM "$QALAM_PID" 2>/dev/null || return 0
    for _ in $(seq 100); do kill -0 "$QALAM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$QALAM_PID" 2>/dev/null || true
    wait "$QALAM_PID" 2>/dev/null || true
    QALAM_PID=""
}
trap stop_qalam EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
# A query string value, percent-encoded.
encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# One wrk --latency report as "req/s <TAB> p50 ms <TAB> p99 ms <TAB> errors".
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /s$/) return v * 1000
            return -1
        }
        /^Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { for (i = 3; i <= NF; i += 2) errors += $i }
        END {
            if (rps == "" || p50 == "" || p99 == "") exit 1
            printf "%s\t%.3f\t%.3f\t%d\n", rps, p50, p99, errors
        }' "$1"
}

# --- 1. Build and tools -------------------------------------------------------------

log "cargo build --release"
(cd "$ROOT" && cargo build --release)
target_dir="${CARGO_TARGET_DIR:-target}"
[[ $target_dir == /* ]] || target_dir="$ROOT/$target_dir"
BIN="$target_dir/release/qalam"
[[ -x $BIN ]] || die "no binary at $BIN after the build"
if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    log "installing wrk and curl with apt-get"
    as_root apt-get update
    as_root apt-get install -y wrk curl
fi
command -v python3 >/dev/null || die "python3 is needed for the corpus generator"

# --- 2. Corpus, import, index -------------------------------------------------------

rm -rf "$OUT"
mkdir -p "$DATA" "$OUT/wrk"
log "generating $COUNT articles with bench/corpus.py"
python3 "$BENCH/corpus.py" --count "$COUNT" --out "$OUT/corpus.jsonl"
# A blank address turns a central bank's rate source off: the server talks to nobody.
{
    echo '[rates.sources]'
    for source in nbk nbkr nbt cbu cbt; do echo "$source = \"\""; done
} >"$DATA/qalam.toml"

log "qalam import jsonl"
started=$(date +%s%N)
"$BIN" import jsonl "$OUT/corpus.jsonl" --data "$DATA" >/dev/null
IMPORT_SECONDS=$(seconds_since "$started")

log "qalam index rebuild"
started=$(date +%s%N)
"$BIN" index rebuild --data "$DATA"
INDEX_SECONDS=$(seconds_since "$started")
INDEX_MIB=$(du -sm "$DATA/search" | cut -f1)

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
log "starting qalam serve on $BASE"
"$BIN" serve --data "$DATA" --addr "127.0.0.1:$PORT" >"$OUT/qalam.log" 2>&1 &
QALAM_PID=$!
for _ in $(seq 600); do
    kill -0 "$QALAM_PID" 2>/dev/null || die "qalam serve exited; see $OUT/qalam.log"
    curl -s --noproxy '*' -o /dev/null "$BASE/" && break
    sleep 0.1
done
# The index is current once the keeper has compared it with the store.
for _ in $(seq 600); do grep -q "search index is up to date" "$OUT/qalam.log" && break; sleep 0.1; done
grep -q "search index is up to date" "$OUT/qalam.log" || die "the search index never caught up; see $OUT/qalam.log"

# --- 3. Queries ---------------------------------------------------------------------

# Typical reader queries against the corpus's vocabulary: one common word, two words,
# a phrase, a filter, names typed in Cyrillic (a country, an author) that the corpus
# spells in Latin, a typo, an exclusion, and the newest-first order. The corpus draws
# its text from a few hundred words, so most queries match most articles: a harder case
# for ranking and counting than real news.
QUERIES=(
    "water"
    "glacier reservoir"
    '"water reform"'
    "election country:Kazakhstan"
    "Казахстан"
    "Нурлановна"
    "irrigaton"
    "pipeline -gas"
    "harvest&sort=date"
)
PATHS=()
for q in "${QUERIES[@]}"; do
    extra=""
    if [[ $q == *"&sort=date" ]]; then q=${q%"&sort=date"}; extra="&sort=date"; fi
    PATHS+=("/search?q=$(encode "$q")$extra")
done
PATHS+=("/api/v1/search?q=$(encode "glacier reservoir")")
QUERIES+=("API: glacier reservoir")

printf 'query\ttotal\tbytes\n' >"$OUT/queries.tsv"
for i in "${!PATHS[@]}"; do
    code=$(curl -s --noproxy '*' -o "$OUT/page-$i.html" -w '%{http_code}' "$BASE${PATHS[$i]}")
    [[ $code == 200 ]] || die "${PATHS[$i]} answered $code"
    total=$(grep -o 'Viewing results [0-9]* - [0-9]* of [0-9]*' "$OUT/page-$i.html" | awk '{ print $NF }' || true)
    [[ -n $total ]] || total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("total", 0))' \
        "$OUT/page-$i.html" 2>/dev/null || echo 0)
    printf '%s\t%s\t%s\n' "${QUERIES[$i]}" "$total" "$(wc -c <"$OUT/page-$i.html")" >>"$OUT/queries.tsv"
done

# The mix: each wrk connection walks the query list in turn.
{
    echo 'local paths = {'
    for path in "${PATHS[@]}"; do printf '  "%s",\n' "$path"; done
    echo '}'
    echo 'local i = 0'
    echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
} >"$OUT/mix.lua"

printf 'query\treq/s\tp50 ms\tp99 ms\terrors\n' >"$OUT/results.tsv"
for i in "${!PATHS[@]}"; do
    log "wrk ${PATHS[$i]} ($DURATION)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE${PATHS[$i]}" >"$OUT/wrk/$i.txt"
    printf '%s\t%s\n' "${QUERIES[$i]}" "$(parse_wrk "$OUT/wrk/$i.txt")" >>"$OUT/results.tsv"
done
log "wrk mix of all queries ($DURATION)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$OUT/mix.lua" "$BASE" >"$OUT/wrk/mix.txt"
printf '%s\t%s\n' "mix of all" "$(parse_wrk "$OUT/wrk/mix.txt")" >>"$OUT/results.tsv"
RSS=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$QALAM_PID/status")
stop_qalam

# --- 4. Report ----------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "machine:  $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr)"
echo "load:     wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, one query per run, then the mix"
echo "corpus:   $COUNT articles; import $IMPORT_SECONDS s; index rebuild $INDEX_SECONDS s, $INDEX_MIB MiB"
echo "qalam RSS after the runs: $RSS MiB"
echo
printf '%-32s %8s %8s %10s %9s %9s\n' query results bytes "req/s" "p50 ms" "p99 ms"
errors=0
while IFS=$'\t' read -r query rps p50 p99 errs; do
    total="" bytes=""
    read -r total bytes < <(awk -F'\t' -v q="$query" '$1 == q { print $2, $3 }' "$OUT/queries.tsv") || true
    printf '%-32s %8s %8s %10.0f %9.2f %9.2f\n' "$query" "${total:--}" "${bytes:--}" "$rps" "$p50" "$p99"
    errors=$((errors + errs))
done < <(tail -n +2 "$OUT/results.tsv")
((errors == 0)) || die "$errors requests failed; see $OUT/wrk/"
