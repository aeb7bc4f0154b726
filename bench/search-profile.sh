#!/usr/bin/env bash
# Instructions per search: serves bench/out/search/data (made by bench/search.sh) under
# valgrind's callgrind and answers the 200 queries of bench/search-queries.txt once to
# warm up, then once more counted, over one keep-alive connection. Prints the server's
# instructions per query, all threads included. Like bench/profile.sh for pages: a
# measure that does not move with the machine's load, to compare two builds.
#
#   bench/search.sh                   # once, for the corpus and index
#   bench/search-profile.sh           # target/release/qalam
#   bench/search-profile.sh path/to/other/qalam
#
# The callgrind file stays in bench/out/search-profile/ (callgrind_annotate FILE).
set -euo pipefail
export LC_ALL=C

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out"
BIN="${1:-$(dirname "$BENCH")/target/release/qalam}"
DATA="$OUT/search/data"
PATHS="$OUT/search/paths.tsv"
PROFILE="$OUT/search-profile"

[[ -x $BIN ]] || { echo "no binary at $BIN: run cargo build --release" >&2; exit 1; }
[[ -d $DATA && -f $PATHS ]] || { echo "no search data in $OUT/search: run bench/search.sh first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

rm -rf "$PROFILE"
mkdir -p "$PROFILE"
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
CALLGRIND_PID=""
trap 'stop_pid "$CALLGRIND_PID"' EXIT
start_under_callgrind "$BIN" "$DATA" "$PROFILE"
SERVER=$CALLGRIND_PID
BASE=$CALLGRIND_BASE
# The index is current once the keeper has compared it with the store.
for ((i = 0; i < 600; i++)); do
    grep -q "search index is up to date" "$PROFILE/serve.log" && break
    sleep 0.2
done

urls=()
while IFS=$'\t' read -r _ path; do urls+=(-o /dev/null "$BASE$path"); done <"$PATHS"
count=$((${#urls[@]} / 3))
# One curl process for each pass: one keep-alive connection, as wrk uses.
curl -s -g --noproxy '*' "${urls[@]}"
callgrind_control -z "$SERVER" >/dev/null 2>&1
callgrind_control -i on "$SERVER" >/dev/null 2>&1
curl -s -g --noproxy '*' "${urls[@]}"
callgrind_control -i off "$SERVER" >/dev/null 2>&1
callgrind_control -d queries "$SERVER" >/dev/null 2>&1
file=$(grep -l '^desc: Trigger: .*queries$' "$PROFILE"/callgrind.*.* | head -n 1)
total=$(awk '/^totals:/ { print $2; exit }' "$file")
printf '%d queries, %d instructions per query   (%s)\n' "$count" $((total / count)) "$BIN"
echo "annotate with: callgrind_annotate --inclusive=yes $file | less"
