#!/usr/bin/env bash
# Times `aspnet-kb serve` on the standard corpus (../shared/bench/gen_corpus.py): the first
# build into memory, then from saving a practice file to the reload event reaching a browser,
# over 20 edits of each kind (bench/serve_latency.py), and the search index following edits.   bench/serve.sh [EDITS]
# To compare builds (before and after a change) side by side: bench/serve_compare.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
edits=${1:-20}
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}
mkdir -p "$work"
[ -d "$work/aspnet" ] || python3 ../shared/bench/gen_corpus.py --format aspnet --out "$work/aspnet" >/dev/null
rm -rf "$work/serve-site" && cp -r "$work/aspnet" "$work/serve-site"
cargo build --release --quiet
port=18765
./target/release/aspnet-kb serve --root "$work/serve-site" --port $port 2> "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
until grep -q '^serving' "$work/serve.log"; do sleep 0.5; done
grep '^built' "$work/serve.log"
echo "resident once up: $(grep VmRSS /proc/$server/status | awk '{print $2/1024 " MiB"}'), peak so far: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
python3 bench/serve_latency.py $port "$work/serve-site" "$edits"
# Then, once the updates of the bench's clean-up are done, body edits 3 s apart, so that the
# search index follows each of them.
sleep 5
python3 bench/serve_latency.py $port "$work/serve-site" 5 3 body
sleep 3
echo "updates, as the server logged them:"
grep -E '^updated' "$work/serve.log" | awk '{print $5}' | sort -n | awk '{a[NR]=$1} END {print "  server-side median " a[int((NR+1)/2)] " ms over " NR " updates"}'
echo "peak memory: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
echo "search index once edits pause (made: whole, in a new folder; updated: the edited pages' files), as the server logged it:"
grep -E '^search index' "$work/serve.log" | awk '{print "  " $3 " " $4 " files in " $7 " ms"}'
