# Shared by the benchmarks: logging, process control, readiness, wrk reports and
# medians, and the release build with nginx and wrk installed. Sourced, not run;
# expects ROOT (the repository) to be set.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Stops one process we started: SIGTERM, then SIGKILL if it is still there after 10 s.
stop_pid() {
    local pid=$1 i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

as_root() {
    if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Fetches URL into FILE (or /dev/null) and prints "STATUS BYTES". Never via a proxy.
fetch() {
    curl -sS --noproxy '*' --max-time 30 -o "${2:-/dev/null}" -w '%{http_code} %{size_download}\n' "$1"
}

# Waits until URL answers, failing early if process PID has exited.
wait_ready() {
    local url=$1 pid=$2 name=$3 log_file=$4 i
    for ((i = 0; i < 600; i++)); do
        kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; see $log_file"
        if curl -s --noproxy '*' --max-time 2 -o /dev/null "$url"; then return 0; fi
        sleep 0.1
    done
    die "$name did not answer $url within 60 s; see $log_file"
}

# Starts BIN serving DATA under valgrind's callgrind with the page cache off, counting
# nothing until told (callgrind_control -i on), its files and log in DIR. Sets
# CALLGRIND_PID (set a trap that stops it before calling) and CALLGRIND_BASE, and
# returns once the server answers; valgrind makes start-up slow, so it waits up to 120 s.
start_under_callgrind() {
    local bin=$1 data=$2 dir=$3 port i
    port=$(free_port)
    CALLGRIND_BASE="http://127.0.0.1:$port"
    QALAM_CACHE_ENABLED=false valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$dir/callgrind.%p" \
        "$bin" serve --data "$data" --addr "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
    CALLGRIND_PID=$!
    for ((i = 0; i < 600; i++)); do
        curl -s --noproxy '*' -o /dev/null "$CALLGRIND_BASE/robots.txt" && return 0
        kill -0 "$CALLGRIND_PID" 2>/dev/null || die "qalam exited; see $dir/serve.log"
        sleep 0.2
    done
    die "qalam under callgrind did not answer within 120 s; see $dir/serve.log"
}

# Prints settings that keep a measured server off the network and its store still: no
# exchange-rate fetch at start-up or on a schedule, every central bank's source off
# (blank address), and no Turkmen peg, which would otherwise write a rate (and so
# invalidate cached pages) at start-up.
offline_settings() {
    printf '%s\n' '[rates]' 'fetch_on_start = false' 'schedule = []' 'tmt_peg = ""' '[rates.sources]'
    local source
    for source in nbk nbkr nbt cbu cbt; do echo "$source = \"\""; done
}

# Seconds since START (a `date +%s%N` reading), to the hundredth.
seconds_since() {
    awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

# Resident memory of PID in MiB.
rss_mib() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Percentage of all CPUs' time spent busy over one second. Called while the servers are
# idle, it shows other work on the machine, which would skew the measurements.
cpu_busy_percent() {
    local a b
    a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        busy = y[1] - x[1]; idle = y[2] - x[2]
        printf "%.0f", (busy + idle > 0) ? 100 * busy / (busy + idle) : 0
    }'
}

# Turns one wrk --latency report into "req/s <TAB> p50 ms <TAB> p99 ms <TAB> errors".
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /s$/) return v * 1000
            if (v ~ /m$/) return v * 60000
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

# Median of column COL (4 req/s, 5 p50, 6 p99) over the runs of PAGE on SERVER.
median() {
    awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$1 == p && $2 == s { print $c }' "${RESULTS:?}" |
        sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Builds the release binary into BIN and makes sure nginx (NGINX), wrk, curl and
# python3 are there, installing what is missing with apt-get.
build_and_install_tools() {
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release)
    target_dir="${CARGO_TARGET_DIR:-target}"
    [[ $target_dir == /* ]] || target_dir="$ROOT/$target_dir"
    BIN="$target_dir/release/qalam"
    [[ -x $BIN ]] || die "no binary at $BIN after the build"

    # nginx lives in /usr/sbin, which is not always on a normal user's PATH.
    find_nginx() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }
    NGINX="$(find_nginx)"
    if [[ -z $NGINX ]] || ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
        log "installing nginx and wrk with apt-get"
        packages=(nginx wrk)
        command -v curl >/dev/null || packages+=(curl)
        as_root apt-get update
        as_root apt-get install -y "${packages[@]}"
        NGINX="$(find_nginx)"
        [[ -n $NGINX ]] || die "nginx is still missing after apt-get install"
    fi
    command -v python3 >/dev/null || die "python3 is needed for the corpus generator"
}
