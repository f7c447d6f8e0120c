#!/usr/bin/env bash
# Compares the save -> reload latency (bench/serve_latency.py) of builds of aspnet-kb, say
# before and after a change, on the standard corpus (../shared/bench/gen_corpus.py): ROUNDS
# rounds, each timing every build in turn (the order rotating from round to round, so that
# none always goes first), then each kind's median per round and the median of those, side
# by side.
#   bench/serve_compare.sh ROUNDS LABEL=BINARY LABEL=BINARY...
#   e.g. bench/serve_compare.sh 3 before=/tmp/aspnet-kb-main after=target/release/aspnet-kb
# EDITS (default 20) edits of each kind a run; BENCH_DIR (default /tmp/aspnet-kb-bench)
# holds the corpus; BENCH_PORT (default 18766).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1
shift
labels=() binaries=()
for build in "$@"; do
  labels+=("${build%%=*}")
  binaries+=("$(realpath "${build#*=}")")
done
edits=${EDITS:-20}
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}
port=${BENCH_PORT:-18766}
mkdir -p "$work"
[ -d "$work/aspnet" ] || python3 ../shared/bench/gen_corpus.py --format aspnet --out "$work/aspnet" >/dev/null
results="$work/serve_compare.txt"
: > "$results"

time_one() { # LABEL BINARY: appends the latency lines, prefixed with LABEL, to $results
  rm -rf "$work/compare-site" && cp -r "$work/aspnet" "$work/compare-site"
  "$2" serve --root "$work/compare-site" --port "$port" 2> "$work/compare.log" &
  local server=$!
  until grep -q '^serving' "$work/compare.log"; do
    kill -0 $server 2>/dev/null || { cat "$work/compare.log"; exit 1; }
    sleep 0.5
  done
  python3 bench/serve_latency.py "$port" "$work/compare-site" "$edits" | sed "s/^/$1 /" >> "$results"
  kill $server
  wait $server 2>/dev/null || true
}

count=${#labels[@]}
for round in $(seq 0 $((rounds - 1))); do
  for i in $(seq 0 $((count - 1))); do
    j=$(((i + round) % count))
    time_one "${labels[$j]}" "${binaries[$j]}"
  done
done

python3 - "$results" "$rounds" "$edits" "${labels[@]}" <<'EOF'
import re, statistics, sys
path, rounds, edits, labels = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
medians = {}
for line in open(path):
    m = re.match(r"(\S+) save -> reload event, \d+ edits \((\w+)\).*median (\d+) ms", line)
    if m:
        medians.setdefault((m[2], m[1]), []).append(int(m[3]))
print(f"save -> reload event, ms: median of {rounds} rounds' medians ({edits} edits each);")
print("then each round's median, in the order of the rounds")
print(f"{'kind':8}" + "".join(f"{label:>10}" for label in labels))
for kind in ["body", "title", "tag", "member", "new"]:
    row = [medians.get((kind, label), []) for label in labels]
    if all(row):
        print(f"{kind:8}" + "".join(f"{statistics.median(r):10.0f}" for r in row)
              + "   " + " | ".join(" ".join(map(str, r)) for r in row))
EOF
