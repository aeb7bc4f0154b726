#!/usr/bin/env bash
# Search benchmark: a synthetic corpus of 100,000 articles, the 200
# queries of bench/search-queries.txt (one word, several words, phrases, filters,
# other scripts and spellings, typos) sent over HTTP by wrk, uncached, one client and
# then 8 at once; the time of `qalam index rebuild`; the server's resident memory; and,
# in the same run, the same queries answered by SQLite FTS5 over the same corpus
# (bench/fts5_baseline.py) as a yardstick. See bench/README.md.
#
#   bench/search.sh                              # 100,000 articles, 20 s per load run
#   COUNT=10000 DURATION=5s bench/search.sh      # a quick look
#
# Targets on a 2-core machine: rebuild < 90 s, p50 < 2 ms and p99 < 15 ms at 8
# clients, resident memory < 400 MB. Everything it writes goes to bench/out/search/
# (gitignored); all traffic stays on 127.0.0.1, and every process it starts is
# stopped when it exits.
set -euo pipefail
export LC_ALL=C

COUNT="${COUNT:-100000}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-8}"
# A fixed newest date keeps the corpus, and so the from=/to= filters, the same every day.
END="2026-11-01T00:00:00Z"

[[ $COUNT =~ ^[0-9]+$ ]] || { echo "COUNT must be a number, not '$COUNT'" >&2; exit 2; }
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || { echo "CONNECTIONS must be a positive number" >&2; exit 2; }
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
[[ $DURATION =~ ^[1-9][0-9]*[sm]$ ]] || { echo "DURATION must look like 10s or 1m, not '$DURATION'" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out/search"
DATA="$OUT/data"
QALAM_PID=""
SAMPLER_PID=""
QUERIES="$BENCH/search-queries.txt"
# Search pages bypass the page cache anyway; this makes sure nothing is served from it.
export QALAM_CACHE_ENABLED=false

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

stop_qalam() {
    if [[ -n $SAMPLER_PID ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; fi
    stop_pid "$QALAM_PID"
    QALAM_PID=""
}
trap stop_qalam EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server's memory in MiB: field is VmRSS (now) or VmHWM (its peak).
server_mib() { awk -v f="$1:" '$1 == f { printf "%.1f\n", $2 / 1024 }' "/proc/$QALAM_PID/status"; }

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
log "generating $COUNT articles with bench/corpus.py --names"
python3 "$BENCH/corpus.py" --count "$COUNT" --names --end "$END" --out "$OUT/corpus.jsonl"
offline_settings >"$DATA/qalam.toml"

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

# --- 3. Qalam over HTTP --------------------------------------------------------------

# Every query as a site path, in the list's order: "kind <TAB> path".
python3 - "$QUERIES" >"$OUT/paths.tsv" <<'PY'
import sys, urllib.parse
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        kind, text, *rest = line.rstrip("\n").split("\t")
        extra = "&" + rest[0] if rest and rest[0] else ""
        print(f"{kind}\t/search?q={urllib.parse.quote(text, safe='')}{extra}")
PY
(($(wc -l <"$OUT/paths.tsv") == 200)) || die "$QUERIES should hold 200 queries"

# Peak and current memory while it serves, sampled twice a second.
(while sleep 0.5; do server_mib VmRSS; done >"$OUT/rss.txt" 2>/dev/null) &
SAMPLER_PID=$!
RSS_IDLE=$(server_mib VmRSS)

# Each query once through the JSON API for its result count, then its page three times
# alone, one client: which queries are slow, and which find nothing.
log "each query alone, one client"
python3 - "$BASE" "$OUT/paths.tsv" >"$OUT/per-query.tsv" <<'PY'
import http.client, json, sys, time, urllib.parse
base, paths = sys.argv[1], sys.argv[2]
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
con = http.client.HTTPConnection(host, port, timeout=30)
def get(path):
    con.request("GET", path)
    r = con.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path} answered {r.status}")
    return body
for line in open(paths, encoding="utf-8"):
    kind, path = line.rstrip("\n").split("\t")
    total = json.loads(get(path.replace("/search?", "/api/v1/search?", 1)))["total"]
    times = []
    for _ in range(3):
        began = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - began) * 1000)
    print(f"{kind}\t{urllib.parse.unquote(path)}\t{total}\t{sorted(times)[1]:.2f}")
PY

# The mix: wrk's threads each walk all 200 paths in turn, from different starting points.
{
    echo 'local paths = {'
    cut -f2 "$OUT/paths.tsv" | sed 's/.*/  "&",/'
    echo '}'
    echo 'local threads = 0'
    echo 'function setup(thread) thread:set("first", threads * 97); threads = threads + 1 end'
    echo 'function init(args) i = first end'
    echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
} >"$OUT/mix.lua"

printf 'clients\treq/s\tp50 ms\tp99 ms\terrors\n' >"$OUT/results.tsv"
for clients in 1 "$CONNECTIONS"; do
    threads=$((clients < 2 ? clients : 2))
    log "wrk: all 200 queries in turn, $clients client(s), $DURATION"
    wrk -t"$threads" -c"$clients" -d"$DURATION" --latency -s "$OUT/mix.lua" "$BASE" >"$OUT/wrk/$clients.txt"
    printf '%s\t%s\n' "$clients" "$(parse_wrk "$OUT/wrk/$clients.txt")" >>"$OUT/results.tsv"
done
RSS_AFTER=$(server_mib VmRSS)
RSS_PEAK=$(server_mib VmHWM)
stop_qalam
RSS_SAMPLED=$(sort -n "$OUT/rss.txt" | tail -1)

# --- 4. The SQLite FTS5 baseline ------------------------------------------------------

log "loading the corpus into SQLite FTS5"
FTS5_SECONDS=$(python3 "$BENCH/fts5_baseline.py" load --corpus "$OUT/corpus.jsonl" --db "$OUT/fts5.db")
log "FTS5: the same 200 queries, 1 and $CONNECTIONS clients, ${DURATION%s} s each"
python3 "$BENCH/fts5_baseline.py" run --db "$OUT/fts5.db" --queries "$QUERIES" \
    --clients "$CONNECTIONS" --duration "${DURATION%s}" --totals "$OUT/fts5-totals.tsv" >"$OUT/fts5.tsv"

# --- 5. Report ----------------------------------------------------------------------

pass() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v < limit ? "met" : "MISSED") }'; }
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "machine:  $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr)"
echo "load:     $(uptime | sed 's/.*load average/load average/') (at the end of the run)"
echo "corpus:   $COUNT articles (bench/corpus.py --names); 200 queries from bench/search-queries.txt"
echo "import:   $IMPORT_SECONDS s (qalam import jsonl)"
echo "index:    $INDEX_SECONDS s for qalam index rebuild, $INDEX_MIB MiB on disk (target < 90 s: $(pass "$INDEX_SECONDS" 90))"
echo "memory:   qalam VmRSS $RSS_IDLE MiB idle, $RSS_AFTER MiB after the runs, highest sampled $RSS_SAMPLED MiB;" \
    "VmHWM $RSS_PEAK MiB (target < 400 MB = 381 MiB: $(pass "$RSS_PEAK" 381.5))"
echo "FTS5:     load and optimize $FTS5_SECONDS s, $(du -sm "$OUT/fts5.db" | cut -f1) MiB"
echo
echo "wrk -s mix.lua -d$DURATION --latency over HTTP (site /search pages, every query in turn);"
echo "FTS5 in-process through python3's sqlite3, one process per client, no HTTP."
printf '%-8s %-8s %10s %9s %9s %11s\n' engine clients "req/s" "p50 ms" "p99 ms" "p50 / FTS5"
errors=0
while IFS=$'\t' read -r clients rps p50 p99 errs; do
    read -r _ f_rps f_p50 f_p99 < <(awk -F'\t' -v c="$clients" '$1 == c' "$OUT/fts5.tsv")
    printf '%-8s %-8s %10.0f %9.2f %9.2f %11s\n' qalam "$clients" "$rps" "$p50" "$p99" \
        "$(awk -v a="$p50" -v b="$f_p50" 'BEGIN { printf "%.3f", a / b }')"
    printf '%-8s %-8s %10.0f %9.2f %9.2f\n' fts5 "$clients" "$f_rps" "$f_p50" "$f_p99"
    errors=$((errors + errs))
    if ((clients == CONNECTIONS)); then
        echo "targets at $clients clients: p50 < 2 ms $(pass "$p50" 2), p99 < 15 ms $(pass "$p99" 15)"
    fi
done < <(tail -n +2 "$OUT/results.tsv")
echo
echo "queries finding nothing, by kind (qalam / FTS5):"
for kind in word words phrase filter variant; do
    q=$(awk -F'\t' -v k="$kind" '$1 == k && $3 == 0' "$OUT/per-query.tsv" | wc -l)
    f=$(awk -F'\t' -v k="$kind" '$1 == k && $3 == 0' "$OUT/fts5-totals.tsv" | wc -l)
    n=$(awk -F'\t' -v k="$kind" '$1 == k' "$OUT/per-query.tsv" | wc -l)
    printf '  %-8s %3d queries: %3d / %3d\n' "$kind" "$n" "$q" "$f"
done
echo "FTS5 cannot fold scripts or romanisations (Токаев = Tokayev, Alma-Ata = Almaty),"
echo "forgive typos, stem Russian, blend freshness into ranking, or suggest a spelling;"
echo "its 'variant' queries find nothing or only the exact spelling."
echo
echo "slowest queries alone (one client, median of 3, ms):"
sort -t$'\t' -k4,4 -g -r "$OUT/per-query.tsv" | awk -F'\t' 'NR <= 8' | awk -F'\t' '{ printf "  %8.2f  %-7s %7d  %s\n", $4, $1, $3, $2 }'
((errors == 0)) || die "$errors requests failed; see $OUT/wrk/"
