#!/usr/bin/env bash
# Media benchmark: how long `qalam media add` and an upload through the newsroom's form
# (`POST /admin/media` on the serving process) take for a 24-megapixel JPEG, and what
# uploads being processed by the same server do to its home page's speed, with nginx
# serving the same bytes as the reference. See bench/README.md. Writes to bench/out/media/.
#
#   bench/media.sh                        # 1,000 articles, 5 timed uploads, 3 × 10 s per cell
#   RUNS=1 UPLOADS=3 bench/media.sh       # a quick look
#   BUILD=0 bench/media.sh                # use the release binary already built
set -euo pipefail
export LC_ALL=C

COUNT="${COUNT:-1000}"
RUNS="${RUNS:-3}"
UPLOADS="${UPLOADS:-5}"
DURATION="${DURATION:-10s}"
WIDTH=6000
HEIGHT=4000
THREADS=2
CONNECTIONS=64

[[ $COUNT =~ ^[0-9]+$ ]] || { echo "COUNT must be a number" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number" >&2; exit 2; }
[[ $UPLOADS =~ ^[1-9][0-9]*$ ]] || { echo "UPLOADS must be a positive number" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*[sm]$ ]] || { echo "DURATION must look like 10s or 1m" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out/media"
DATA="$OUT/site"
PHOTOS="$OUT/photos"
STATIC="$OUT/static"
NGINX_DIR="$OUT/nginx"
WRK_DIR="$OUT/wrk"
RESULTS="$OUT/results.tsv"
VENV="$ROOT/.tools/bench-venv"
STOP_LOOP="$OUT/stop-loop"

unset QALAM_CACHE_ENABLED QALAM_DATA

QALAM_PID=""
NGINX_PID=""
LOOP_PID=""

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

# The upload loop stops by itself after the upload in progress once the stop file exists.
stop_loop() {
    [[ -n $LOOP_PID ]] || return 0
    touch "$STOP_LOOP"
    wait "$LOOP_PID" 2>/dev/null || true
    LOOP_PID=""
}

cleanup() {
    stop_loop
    stop_pid "$QALAM_PID"
    stop_pid "$NGINX_PID"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# measure SERVER CONDITION URL: RUNS wrk runs, one row each in $RESULTS.
measure() {
    local server=$1 condition=$2 url=$3 run report row
    for ((run = 1; run <= RUNS; run++)); do
        report="$WRK_DIR/home.$server.$condition.$run.txt"
        log "wrk $server ($condition) run $run/$RUNS, $DURATION"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$report"
        row=$(parse_wrk "$report") || die "cannot read wrk's report $report"
        printf '%s\t%s\t%s\t%s\n' "$server" "$condition" "$run" "$row" >>"$RESULTS"
    done
}


# --- 1. Build and tools -------------------------------------------------------------

if [[ ${BUILD:-1} != 0 ]]; then
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release)
fi
target_dir="${CARGO_TARGET_DIR:-target}"
[[ $target_dir == /* ]] || target_dir="$ROOT/$target_dir"
BIN="$target_dir/release/qalam"
[[ -x $BIN ]] || die "no binary at $BIN after the build"

NGINX="$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)"
if [[ -z $NGINX ]] || ! command -v wrk >/dev/null; then
    log "installing nginx and wrk with apt-get"
    as_root apt-get update
    as_root apt-get install -y nginx wrk
    NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
fi
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed to read peak memory; apt-get install time"

# Pillow draws the test photos; it lives in a private virtual environment.
if ! "$VENV/bin/python" -c 'import PIL' 2>/dev/null; then
    log "installing Pillow into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet pillow
fi

rm -rf "$OUT"
mkdir -p "$OUT" "$DATA" "$PHOTOS" "$STATIC" "$NGINX_DIR/tmp" "$WRK_DIR"

log "drawing $UPLOADS photos of ${WIDTH}×${HEIGHT}"
for ((i = 1; i <= UPLOADS; i++)); do
    "$VENV/bin/python" "$BENCH/photo.py" "$PHOTOS/photo-$i.jpg" --width "$WIDTH" --height "$HEIGHT" --seed "$i"
done
PHOTO_BYTES=$(stat -c %s "$PHOTOS/photo-1.jpg")

# --- 2. Time `qalam media add` -------------------------------------------------------

# A data directory whose database and search index already exist, as a newsroom's do.
UPLOAD_DATA="$OUT/uploads"
"$VENV/bin/python" "$BENCH/photo.py" "$OUT/small.jpg" --width 640 --height 480 --seed 0
"$BIN" media add "$OUT/small.jpg" --data "$UPLOAD_DATA" >/dev/null

busy=$(cpu_busy_percent)
((busy < 15)) || log "warning: the CPUs are $busy% busy before any load; the numbers will be skewed"
UPLOAD_SECONDS=()
UPLOAD_CPU=()
UPLOAD_RSS=()
for ((i = 1; i <= UPLOADS; i++)); do
    started=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$OUT/time.$i" "$BIN" media add "$PHOTOS/photo-$i.jpg" --data "$UPLOAD_DATA" \
        >"$OUT/add.$i.txt"
    UPLOAD_SECONDS+=("$(seconds_since "$started")")
    UPLOAD_RSS+=("$(awk '{ printf "%.0f", $1 / 1024 }' "$OUT/time.$i")")
    UPLOAD_CPU+=("$(awk '{ printf "%.2f", $2 + $3 }' "$OUT/time.$i")")
    log "upload $i: ${UPLOAD_SECONDS[-1]} s wall, ${UPLOAD_CPU[-1]} s CPU, peak ${UPLOAD_RSS[-1]} MiB"
done
middle() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
UPLOAD_MEDIAN=$(printf '%s\n' "${UPLOAD_SECONDS[@]}" | middle)
CPU_MEDIAN=$(printf '%s\n' "${UPLOAD_CPU[@]}" | middle)
RSS_MAX=$(printf '%s\n' "${UPLOAD_RSS[@]}" | sort -g | tail -n 1)
VARIANT_BYTES=$(awk '{ print $1 }' "$OUT/add.1.txt" | while read -r path; do
    stat -c %s "$UPLOAD_DATA${path}"; done | paste -sd' ')

# --- 3. A site to serve --------------------------------------------------------------

log "generating $COUNT articles and importing them"
python3 "$BENCH/corpus.py" --count "$COUNT" --out "$OUT/corpus.jsonl"
{
    # Plain HTTP on 127.0.0.1: curl's cookie jar would keep a Secure cookie to itself.
    printf '%s\n' '[admin]' 'secure_cookies = false'
    offline_settings
} >"$DATA/qalam.toml"
"$BIN" import jsonl "$OUT/corpus.jsonl" --data "$DATA" >/dev/null
"$BIN" index rebuild --data "$DATA" >/dev/null 2>&1
BENCH_EMAIL="bench@newsroom.invalid"
BENCH_PASSWORD="bench password $RANDOM$RANDOM"
printf '%s\n' "$BENCH_PASSWORD" |
    "$BIN" user add --email "$BENCH_EMAIL" --name "Bench Editor" --role editor --password-stdin --data "$DATA" 2>/dev/null

QALAM_PORT=$(free_port)
NGINX_PORT=$(free_port)
while [[ $NGINX_PORT == "$QALAM_PORT" ]]; do NGINX_PORT=$(free_port); done
QALAM="http://127.0.0.1:$QALAM_PORT"
NGINX_URL="http://127.0.0.1:$NGINX_PORT"

"$BIN" serve --data "$DATA" --addr "127.0.0.1:$QALAM_PORT" >>"$OUT/qalam.log" 2>&1 &
QALAM_PID=$!
wait_ready "$QALAM/" "$QALAM_PID" "qalam serve" "$OUT/qalam.log"
read -r status HOME_BYTES < <(fetch "$QALAM/" "$STATIC/index.html")
[[ $status == 200 ]] || die "qalam answered $status for /"
chmod -R a+rX "$STATIC"

# Signs in as the bench's editor; the CSRF secret of the session's forms goes in $CSRF.
JAR="$OUT/cookies.txt"
rm -f "$JAR"
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
token=$(curl -sS --noproxy '*' -c "$JAR" -b "$JAR" "$QALAM/admin/sign-in" | csrf_of)
curl -sS --noproxy '*' -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "email=$BENCH_EMAIL" --data-urlencode "password=$BENCH_PASSWORD" "$QALAM/admin/sign-in"
CSRF=$(curl -sS --noproxy '*' -b "$JAR" "$QALAM/admin/media" | csrf_of)
[[ -n $CSRF ]] || die "cannot sign in to the newsroom as the bench's editor; see $OUT/qalam.log"

# upload FILE: posts it to the newsroom's upload form; prints the HTTP status and seconds.
upload() {
    curl -sS --noproxy '*' -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}\n' \
        -F "csrf=$CSRF" -F "alt=Bench photo" -F "file=@$1;type=image/jpeg" "$QALAM/admin/media"
}

# The same bytes twice would be recognised and not processed again: a JPEG comment
# segment with a counter after the start marker makes every upload a new image.
unique_photo() {
    local source=$1 n=$2 target=$3
    { head -c 2 "$source"; printf '\xff\xfe\x00\x0a%08d' "$n"; tail -c +3 "$source"; } >"$target"
}

SERVER_SECONDS=()
for ((i = 1; i <= UPLOADS; i++)); do
    read -r status seconds < <(upload "$PHOTOS/photo-$i.jpg")
    [[ $status == 303 ]] || die "upload $i through the newsroom answered $status; see $OUT/qalam.log"
    SERVER_SECONDS+=("$seconds")
    log "upload $i through POST /admin/media: $seconds s"
done
SERVER_MEDIAN=$(printf '%s\n' "${SERVER_SECONDS[@]}" | middle)

cat >"$NGINX_DIR/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 1024; }
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
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $STATIC;
        index index.html;
    }
}
EOF
nginx_args=(-p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log")
"$NGINX" -t -q "${nginx_args[@]}" || die "nginx rejected $NGINX_DIR/nginx.conf"
"$NGINX" "${nginx_args[@]}" &
NGINX_PID=$!
wait_ready "$NGINX_URL/" "$NGINX_PID" nginx "$NGINX_DIR/error.log"

# --- 4. The home page, idle and while images are processed ---------------------------

IDLE_CPU=$(cpu_busy_percent)
((IDLE_CPU < 15)) || log "warning: the CPUs are $IDLE_CPU% busy before any load; the numbers will be skewed"
measure qalam idle "$QALAM/"
measure nginx idle "$NGINX_URL/"

# Uploads to the server being measured, one after another as an editor would send
# them, each a new image to process within the server's [media] workers limit.
rm -f "$STOP_LOOP" "$OUT/loop.count"
(
    n=0
    while [[ ! -e $STOP_LOOP ]]; do
        for photo in "$PHOTOS"/photo-*.jpg; do
            [[ -e $STOP_LOOP ]] && break
            n=$((n + 1))
            unique_photo "$photo" "$n" "$OUT/loop.jpg"
            read -r status _ < <(upload "$OUT/loop.jpg")
            if [[ $status == 303 ]]; then echo x >>"$OUT/loop.count"; else echo "upload answered $status" >>"$OUT/loop.log"; fi
        done
    done
) &
LOOP_PID=$!
sleep 2
measure qalam uploading "$QALAM/"
measure nginx uploading "$NGINX_URL/"
stop_loop
LOOP_DONE=$(wc -l <"$OUT/loop.count" 2>/dev/null || echo 0)

# --- 5. Report ----------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "machine:  $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr)"
echo "photo:    ${WIDTH}×${HEIGHT} JPEG, $PHOTO_BYTES B; stored original and variants of the first: $VARIANT_BYTES B"
echo "upload:   qalam media add, median of $UPLOADS: $UPLOAD_MEDIAN s wall (target < 3 s), $CPU_MEDIAN s CPU; wall runs: ${UPLOAD_SECONDS[*]} s"
echo "server:   POST /admin/media to the serving process, median of $UPLOADS: $SERVER_MEDIAN s (runs: ${SERVER_SECONDS[*]} s)"
echo "memory:   peak RSS of one upload process: $RSS_MAX MiB (runs: ${UPLOAD_RSS[*]} MiB)"
echo "site:     $COUNT articles, home page $HOME_BYTES B; idle CPU before the runs $IDLE_CPU%"
echo "load:     $LOOP_DONE photos uploaded to and processed by the measured server while the 'uploading' rows ran"
echo
printf '%-7s %-10s %10s %9s %12s %13s\n' server condition "req/s" "p99 ms" "qalam/nginx" "uploading/idle"
for condition in idle uploading; do
    nginx_rps=$(median nginx "$condition" 4)
    for server in qalam nginx; do
        rps=$(median "$server" "$condition" 4)
        ratio="-"
        [[ $server == qalam ]] && ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
        drop="-"
        [[ $condition == uploading ]] &&
            drop=$(awk -v a="$rps" -v b="$(median "$server" idle 4)" 'BEGIN { printf "%.2f", a / b }')
        printf '%-7s %-10s %10.0f %9.2f %12s %13s\n' "$server" "$condition" "$rps" \
            "$(median "$server" "$condition" 6)" "$ratio" "$drop"
    done
done
errors=$(awk -F'\t' '{ n += $7 } END { print n + 0 }' "$RESULTS")
((errors == 0)) || echo "warning: wrk counted $errors non-2xx responses or socket errors; see $WRK_DIR/"
echo
echo "raw wrk reports: $WRK_DIR/   per-run rows: $RESULTS"
