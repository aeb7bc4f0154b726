#!/usr/bin/env bash
# One node on SQLite, one node on PostgreSQL, and two nodes on PostgreSQL behind nginx,
# each with the page cache on and off, in one run: requests/s and p99 for the home
# page, an article, page 2 of a tag archive and a search, and nginx serving the same
# bytes as static files for the ratio. See bench/README.md. Writes to bench/out/nodes/.
#
#   bench/nodes.sh                          # 10,000 articles, 3 runs of 10 s per cell
#   COUNT=2000 RUNS=1 DURATION=5s bench/nodes.sh
#   PG_ADMIN_URL=postgres://USER@HOST:PORT/DB bench/nodes.sh   # another PostgreSQL
set -euo pipefail
export LC_ALL=C

COUNT="${COUNT:-10000}"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10s}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_DATABASE=qalam_bench_nodes
THREADS=2
CONNECTIONS=64

[[ $COUNT =~ ^[0-9]+$ ]] || { echo "COUNT must be a number, not '$COUNT'" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number, not '$RUNS'" >&2; exit 2; }
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
[[ $DURATION =~ ^[1-9][0-9]*[sm]$ ]] || { echo "DURATION must look like 10s or 1m, not '$DURATION'" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out/nodes"
STATIC="$OUT/static"
NGINX_DIR="$OUT/nginx"
WRK_DIR="$OUT/wrk"
RESULTS="$OUT/results.tsv"
unset QALAM_CACHE_ENABLED QALAM_DATABASE_URL

PIDS=()
NGINX_PID=""
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

stop_nodes() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    PIDS=()
}
cleanup() {
    stop_nodes
    stop_pid "$NGINX_PID"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_and_install_tools
command -v psql >/dev/null || { log "installing the PostgreSQL client"; as_root apt-get install -y postgresql-client; }
psql "$PG_ADMIN_URL" -qAtc 'SELECT 1' >/dev/null || die "no PostgreSQL answers at $PG_ADMIN_URL (set PG_ADMIN_URL)"
PG_URL="${PG_ADMIN_URL%/*}/$PG_DATABASE"

# --- Corpus, imported into SQLite and into PostgreSQL --------------------------------

rm -rf "$OUT"
mkdir -p "$STATIC" "$NGINX_DIR/tmp" "$WRK_DIR"
log "generating $COUNT articles"
python3 "$BENCH/corpus.py" --count "$COUNT" --out "$OUT/corpus.jsonl"

for dir in sqlite pg-a pg-b; do
    mkdir -p "$OUT/$dir"
    offline_settings >"$OUT/$dir/qalam.toml"
done

log "import into SQLite"
started=$(date +%s%N)
"$BIN" import jsonl "$OUT/corpus.jsonl" --data "$OUT/sqlite" >/dev/null
IMPORT_SQLITE=$(seconds_since "$started")
"$BIN" index rebuild --data "$OUT/sqlite" >/dev/null

log "import into PostgreSQL ($PG_DATABASE)"
psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)" -c "CREATE DATABASE $PG_DATABASE"
started=$(date +%s%N)
"$BIN" import jsonl "$OUT/corpus.jsonl" --data "$OUT/pg-a" --database-url "$PG_URL" >/dev/null
IMPORT_PG=$(seconds_since "$started")
for dir in pg-a pg-b; do "$BIN" index rebuild --data "$OUT/$dir" --database-url "$PG_URL" >/dev/null; done

# --- Servers ------------------------------------------------------------------------

ARTICLE_SLUG=$(head -n 1 "$OUT/corpus.jsonl" | python3 -c 'import json, sys; print(json.load(sys.stdin)["slug"])')
PAGE_NAMES=(home article tag-page-2 search)
PAGE_PATHS=(/ "/$ARTICLE_SLUG/" /tag/water/page/2/ "/search?q=water+rights")
PAGE_FILES=(index.html "$ARTICLE_SLUG/index.html" tag/water/page/2/index.html search.html)

PORT_A=$(free_port)
PORT_B=$(free_port)
while [[ $PORT_B == "$PORT_A" ]]; do PORT_B=$(free_port); done
PROXY_PORT=$(free_port)
STATIC_PORT=$(free_port)

# Starts a node on DATA_DIR at PORT; the rest of the arguments are extra flags.
start_node() {
    local data=$1 port=$2 cache=$3
    shift 3
    QALAM_CACHE_ENABLED="$cache" "$BIN" serve --data "$data" --addr "127.0.0.1:$port" "$@" >>"$OUT/qalam.log" 2>&1 &
    PIDS+=($!)
    wait_ready "http://127.0.0.1:$port/" "$!" "qalam serve" "$OUT/qalam.log"
}

# The configurations: name, then how to start it (cache setting as $1).
start_sqlite() { start_node "$OUT/sqlite" "$PORT_A" "$1"; BASE="http://127.0.0.1:$PORT_A"; }
start_pg1() { start_node "$OUT/pg-a" "$PORT_A" "$1" --database-url "$PG_URL"; BASE="http://127.0.0.1:$PORT_A"; }
start_pg2() {
    start_node "$OUT/pg-a" "$PORT_A" "$1" --database-url "$PG_URL"
    start_node "$OUT/pg-b" "$PORT_B" "$1" --database-url "$PG_URL"
    BASE="http://127.0.0.1:$PROXY_PORT"
}

# nginx: the static copies on one port, the two PostgreSQL nodes behind it on another.
cat >"$NGINX_DIR/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    default_type text/html;
    charset utf-8;
    keepalive_requests 1000000;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    upstream qalam {
        server 127.0.0.1:$PORT_A;
        server 127.0.0.1:$PORT_B;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$PROXY_PORT;
        location / {
            proxy_pass http://qalam;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
    server {
        listen 127.0.0.1:$STATIC_PORT;
        root $STATIC;
        index index.html;
        location = /search { try_files /search.html =404; }
    }
}
CONF
nginx_args=(-p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log")
"$NGINX" -t -q "${nginx_args[@]}" || die "nginx rejected $NGINX_DIR/nginx.conf"
"$NGINX" "${nginx_args[@]}" &
NGINX_PID=$!

# Qalam's answers on SQLite, saved as the static copies.
start_sqlite true
for i in "${!PAGE_NAMES[@]}"; do
    mkdir -p "$(dirname "$STATIC/${PAGE_FILES[$i]}")"
    read -r status _ < <(fetch "$BASE${PAGE_PATHS[$i]}" "$STATIC/${PAGE_FILES[$i]}")
    [[ $status == 200 ]] || die "qalam answered $status for ${PAGE_PATHS[$i]}"
done
chmod -R a+rX "$STATIC"
stop_nodes
wait_ready "http://127.0.0.1:$STATIC_PORT/" "$NGINX_PID" nginx "$NGINX_DIR/error.log"

# --- Measurements -------------------------------------------------------------------

# Runs wrk RUNS times on every page of SERVER at BASE; rows to $RESULTS.
measure() {
    local server=$1 i run report row status
    for i in "${!PAGE_NAMES[@]}"; do
        read -r status _ < <(fetch "$BASE${PAGE_PATHS[$i]}")
        [[ $status == 200 ]] || die "$server answered $status for ${PAGE_PATHS[$i]}"
        for ((run = 1; run <= RUNS; run++)); do
            report="$WRK_DIR/${PAGE_NAMES[$i]}.$server.$run.txt"
            log "wrk $server ${PAGE_PATHS[$i]} (run $run/$RUNS, $DURATION)"
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE${PAGE_PATHS[$i]}" >"$report"
            row=$(parse_wrk "$report") || die "cannot read wrk's report $report"
            printf '%s\t%s\t%s\t%s\n' "${PAGE_NAMES[$i]}" "$server" "$run" "$row" >>"$RESULTS"
        done
    done
}

for config in sqlite pg1 pg2; do
    for cache in true false; do
        "start_$config" "$cache"
        name=$config
        [[ $cache == true ]] || name="$config-nocache"
        busy=$(cpu_busy_percent)
        ((busy < 15)) || log "warning: the CPUs are $busy% busy before $name's runs"
        measure "$name"
        stop_nodes
    done
done
BASE="http://127.0.0.1:$STATIC_PORT"
measure nginx

# --- Report -------------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "machine:  $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr); $(psql "$PG_ADMIN_URL" -qAtc 'SHOW server_version' | sed 's/^/PostgreSQL /')"
echo "corpus:   $COUNT articles; import into SQLite $IMPORT_SQLITE s, into PostgreSQL $IMPORT_PG s"
echo "load:     wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of $RUNS run(s); pg2 = two nodes behind nginx"
echo
printf '%-11s %-16s %10s %9s %10s %10s\n' page server "req/s" "p99 ms" "/sqlite" "/nginx"
for page in "${PAGE_NAMES[@]}"; do
    nginx_rps=$(median "$page" nginx 4)
    for server in sqlite pg1 pg2 sqlite-nocache pg1-nocache pg2-nocache nginx; do
        rps=$(median "$page" "$server" 4)
        base=sqlite
        [[ $server == *-nocache ]] && base=sqlite-nocache
        sqlite_rps=$(median "$page" "$base" 4)
        vs_sqlite=$(awk -v a="$rps" -v b="$sqlite_rps" 'BEGIN { printf "%.2f", a / b }')
        vs_nginx=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
        [[ $server == nginx ]] && vs_sqlite="-" && vs_nginx="-"
        printf '%-11s %-16s %10.0f %9.2f %10s %10s\n' "$page" "$server" "$rps" "$(median "$page" "$server" 6)" \
            "$vs_sqlite" "$vs_nginx"
    done
done
errors=$(awk -F'\t' '{ n += $7 } END { print n + 0 }' "$RESULTS")
((errors == 0)) || echo "warning: wrk counted $errors non-2xx responses or socket errors; see $WRK_DIR/"
echo "raw wrk reports: $WRK_DIR/   per-run rows: $RESULTS"
