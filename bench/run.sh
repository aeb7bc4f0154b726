#!/usr/bin/env bash
# Qalam throughput benchmark: the same three pages served by Qalam (page cache on),
# Qalam (page cache off) and nginx serving Qalam's own output as static files.
# See bench/README.md. Everything it writes goes to bench/out/ (gitignored).
#
#   bench/run.sh                       # 10,000 articles, 3 runs of 10 s per cell
#   COUNT=2000 RUNS=1 DURATION=5s bench/run.sh
set -euo pipefail
export LC_ALL=C # decimal points in printf/awk, whatever the caller's locale

COUNT="${COUNT:-10000}"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10s}"
THREADS=2
CONNECTIONS=64

[[ $COUNT =~ ^[0-9]+$ ]] || { echo "COUNT must be a number, not '$COUNT'" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number, not '$RUNS'" >&2; exit 2; }
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
[[ $DURATION =~ ^[1-9][0-9]*[sm]$ ]] || { echo "DURATION must look like 10s or 1m, not '$DURATION'" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out"
DATA="$OUT/data"
STATIC="$OUT/static"
NGINX_DIR="$OUT/nginx"
WRK_DIR="$OUT/wrk"
RESULTS="$OUT/results.tsv"

# The benchmark decides the cache setting itself.
unset QALAM_CACHE_ENABLED

QALAM_PID=""
NGINX_PID=""
PAGE_BYTES=()
BACKGROUND_CPU=()

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

cleanup() {
    stop_pid "$QALAM_PID"
    stop_pid "$NGINX_PID"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_and_install_tools

# Starts `qalam serve` with the page cache on (true) or off (false).
start_qalam() {
    local cache=$1
    QALAM_CACHE_ENABLED="$cache" "$BIN" serve --data "$DATA" --addr "127.0.0.1:$QALAM_PORT" \
        >>"$OUT/qalam.log" 2>&1 &
    QALAM_PID=$!
    wait_ready "http://127.0.0.1:$QALAM_PORT/" "$QALAM_PID" "qalam serve" "$OUT/qalam.log"
}

stop_qalam() {
    stop_pid "$QALAM_PID"
    QALAM_PID=""
}

# Checks that SERVER at BASE answers every page with 200 and the byte count of the saved copy.
check_pages() {
    local server=$1 base=$2 i status bytes expected
    for i in "${!PAGE_NAMES[@]}"; do
        read -r status bytes < <(fetch "$base${PAGE_PATHS[$i]}")
        expected=$(wc -c <"$STATIC/${PAGE_FILES[$i]}")
        [[ $status == 200 ]] || die "$server answered $status for ${PAGE_PATHS[$i]}"
        [[ $bytes == "$expected" ]] ||
            die "$server sent $bytes bytes for ${PAGE_PATHS[$i]}, Qalam's saved copy has $expected"
    done
}

# Runs wrk RUNS times against each page of SERVER at BASE; one row per run to $RESULTS.
measure() {
    local server=$1 base=$2 i run report row busy
    busy=$(cpu_busy_percent)
    BACKGROUND_CPU+=("$server $busy%")
    ((busy < 15)) || log "warning: the CPUs are $busy% busy before any load; the numbers will be skewed"
    for i in "${!PAGE_NAMES[@]}"; do
        for ((run = 1; run <= RUNS; run++)); do
            report="$WRK_DIR/${PAGE_NAMES[$i]}.$server.$run.txt"
            log "wrk $server ${PAGE_PATHS[$i]} (run $run/$RUNS, $DURATION)"
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base${PAGE_PATHS[$i]}" >"$report"
            row=$(parse_wrk "$report") || die "cannot read wrk's report $report"
            printf '%s\t%s\t%s\t%s\n' "${PAGE_NAMES[$i]}" "$server" "$run" "$row" >>"$RESULTS"
        done
    done
}

# --- 2. Corpus and import -----------------------------------------------------------

rm -rf "$DATA" "$STATIC" "$NGINX_DIR" "$WRK_DIR" "$RESULTS" "$OUT/qalam.log"
mkdir -p "$OUT" "$DATA" "$STATIC" "$NGINX_DIR/tmp" "$WRK_DIR"

log "generating $COUNT articles into $OUT/corpus.jsonl"
python3 "$BENCH/corpus.py" --count "$COUNT" --out "$OUT/corpus.jsonl"

offline_settings >"$DATA/qalam.toml"

log "qalam import jsonl"
started=$(date +%s%N)
"$BIN" import jsonl "$OUT/corpus.jsonl" --data "$DATA"
finished=$(date +%s%N)
IMPORT_SECONDS=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
log "import took $IMPORT_SECONDS s"

# The import leaves the search index to whoever comes next; without this, `qalam serve`
# would fill it in the background during the first measurements.
log "qalam index rebuild"
started=$(date +%s%N)
"$BIN" index rebuild --data "$DATA"
finished=$(date +%s%N)
INDEX_SECONDS=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
log "index rebuild took $INDEX_SECONDS s"

# --- 3. The pages, saved as static files --------------------------------------------

# The article page is the corpus's first article.
ARTICLE_SLUG=$(head -n 1 "$OUT/corpus.jsonl" | python3 -c 'import json, sys; print(json.load(sys.stdin)["slug"])')
PAGE_NAMES=(home article tag-page-2)
PAGE_PATHS=(/ "/$ARTICLE_SLUG/" /tag/water/page/2/)
PAGE_FILES=(index.html "$ARTICLE_SLUG/index.html" tag/water/page/2/index.html)

QALAM_PORT=$(free_port)
NGINX_PORT=$(free_port)
while [[ $NGINX_PORT == "$QALAM_PORT" ]]; do NGINX_PORT=$(free_port); done
QALAM="http://127.0.0.1:$QALAM_PORT"
NGINX_URL="http://127.0.0.1:$NGINX_PORT"

log "starting qalam serve on $QALAM (page cache on)"
start_qalam true
RSS_IDLE=$(rss_mib "$QALAM_PID")

for i in "${!PAGE_NAMES[@]}"; do
    mkdir -p "$(dirname "$STATIC/${PAGE_FILES[$i]}")"
    read -r status bytes < <(fetch "$QALAM${PAGE_PATHS[$i]}" "$STATIC/${PAGE_FILES[$i]}")
    [[ $status == 200 ]] || die "qalam answered $status for ${PAGE_PATHS[$i]}"
    PAGE_BYTES[i]=$bytes
done
# nginx's workers may run as another user (nobody, when started as root).
chmod -R a+rX "$STATIC"

# --- 4. nginx -----------------------------------------------------------------------

# A private instance: its own config, pid file, logs and temp dirs, all under bench/out,
# so the system's nginx (if any) is neither read nor touched.
cat >"$NGINX_DIR/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;

events {
    worker_connections 1024;
}

http {
    access_log off;
    sendfile on;
    default_type text/html;
    charset utf-8;
    # hyper (under Qalam) does not cap requests per keep-alive connection; nginx
    # closes one after 1,000 by default. Lift the cap so both are measured alike.
    keepalive_requests 1000000;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;

    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $STATIC;
        index index.html;
    }
}
EOF

# -e sends start-up errors to our log rather than /var/log/nginx (nginx >= 1.19.5).
nginx_args=(-p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log")
"$NGINX" -t -q "${nginx_args[@]}" || die "nginx rejected $NGINX_DIR/nginx.conf"
log "starting nginx on $NGINX_URL"
"$NGINX" "${nginx_args[@]}" &
NGINX_PID=$!
wait_ready "$NGINX_URL/" "$NGINX_PID" nginx "$NGINX_DIR/error.log"

check_pages qalam "$QALAM"
check_pages nginx "$NGINX_URL"

# --- 5. Measurements ----------------------------------------------------------------

measure qalam "$QALAM"
RSS_CACHED=$(rss_mib "$QALAM_PID")
stop_qalam

log "restarting qalam serve with QALAM_CACHE_ENABLED=false"
start_qalam false
check_pages qalam-nocache "$QALAM"
measure qalam-nocache "$QALAM"
RSS_NOCACHE=$(rss_mib "$QALAM_PID")
stop_qalam

measure nginx "$NGINX_URL"

# --- 6. Report ----------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
wrk_version=$(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }' || true)
nginx_version=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')

echo
echo "machine:  $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr)"
echo "tools:    $wrk_version, $nginx_version; wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of $RUNS run(s)"
echo "corpus:   $COUNT articles; import took $IMPORT_SECONDS s, search index rebuild $INDEX_SECONDS s"
echo "pages:    home ${PAGE_BYTES[0]} B, article ${PAGE_BYTES[1]} B (/$ARTICLE_SLUG/), tag-page-2 ${PAGE_BYTES[2]} B"
echo "memory:   qalam VmRSS $RSS_IDLE MiB after start-up, $RSS_CACHED MiB after the cached runs, $RSS_NOCACHE MiB after the uncached runs"
busy_list=$(printf '%s, ' "${BACKGROUND_CPU[@]}")
echo "idle CPU: ${busy_list%, } busy before each server's runs (other work on the machine; want ~0%)"
echo
printf '%-11s %-14s %10s %9s %9s %12s\n' page server "req/s" "p50 ms" "p99 ms" "qalam/nginx"
for page in "${PAGE_NAMES[@]}"; do
    nginx_rps=$(median "$page" nginx 4)
    for server in qalam qalam-nocache nginx; do
        rps=$(median "$page" "$server" 4)
        if [[ $server == nginx ]]; then
            ratio="-"
        else
            ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
        fi
        printf '%-11s %-14s %10.0f %9.2f %9.2f %12s\n' "$page" "$server" "$rps" \
            "$(median "$page" "$server" 5)" "$(median "$page" "$server" 6)" "$ratio"
    done
done

errors=$(awk -F'\t' '{ n += $7 } END { print n + 0 }' "$RESULTS")
if ((errors > 0)); then
    echo
    echo "warning: wrk counted $errors non-2xx responses or socket errors; see $WRK_DIR/"
fi
echo
echo "raw wrk reports: $WRK_DIR/   per-run rows: $RESULTS"
