#!/usr/bin/env bash
# Instructions per uncached request, by page kind, counted by valgrind's callgrind:
# steadier than req/s on a busy machine, so it is what before/after comparisons use.
# Serves the data directory bench/run.sh left in bench/out/data with the page cache off,
# sends N keep-alive requests for each page (after a few to warm up), and counts only
# while they are answered. See bench/README.md.
#
#   bench/profile.sh                     # the release binary, N=200
#   N=50 bench/profile.sh path/to/qalam  # another build
set -euo pipefail
export LC_ALL=C

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out"
BIN="${1:-$(dirname "$BENCH")/target/release/qalam}"
N="${N:-200}"
PROFILE="$OUT/profile"

[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number, not '$N'" >&2; exit 2; }
[[ -x $BIN ]] || { echo "no binary at $BIN: run cargo build --release" >&2; exit 1; }
[[ -f $OUT/corpus.jsonl && -d $OUT/data ]] || { echo "no corpus in $OUT: run bench/run.sh first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

rm -rf "$PROFILE"
mkdir -p "$PROFILE"
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
SLUG=$(head -n 1 "$OUT/corpus.jsonl" | python3 -c 'import json, sys; print(json.load(sys.stdin)["slug"])')

CALLGRIND_PID=""
trap 'stop_pid "$CALLGRIND_PID"' EXIT
start_under_callgrind "$BIN" "$OUT/data" "$PROFILE"
SERVER=$CALLGRIND_PID
BASE=$CALLGRIND_BASE

echo "page        instructions/request   ($N requests each, $BIN)"
for page in home article tag-page-2; do
    case $page in
        home) path=/ ;;
        article) path="/$SLUG/" ;;
        tag-page-2) path=/tag/water/page/2/ ;;
    esac
    urls=()
    for ((i = 0; i < N; i++)); do urls+=(-o /dev/null "$BASE$path"); done
    curl -s --noproxy '*' "${urls[@]:0:15}"
    callgrind_control -z "$SERVER" >/dev/null
    callgrind_control -i on "$SERVER" >/dev/null
    # One curl process for all of them: one keep-alive connection, as wrk uses.
    curl -s --noproxy '*' "${urls[@]}"
    callgrind_control -i off "$SERVER" >/dev/null
    callgrind_control -d "$page" "$SERVER" >/dev/null
    file=$(grep -l "^desc: Trigger: .*$page\$" "$PROFILE"/callgrind.*.* | head -n 1)
    total=$(awk '/^totals:/ { print $2; exit }' "$file")
    printf '%-11s %12d   %s\n' "$page" $((total / N)) "$file"
done
echo "annotate one with: callgrind_annotate --inclusive=yes <file> | less"
