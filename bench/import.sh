#!/usr/bin/env bash
# Times `aspnet-kb import members` of a 12,000-row CSV (the standard corpus's member count)
# into a fresh copy of the small corpus: a first run (every page written) and a second run
# (nothing to change).   bench/import.sh   (target: under 2 s)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/aspnet-kb-bench}
mkdir -p "$work"
[ -d "$work/small" ] || python3 ../shared/bench/gen_corpus.py --small --format aspnet --out "$work/small" >/dev/null
rm -rf "$work/import-site" && cp -r "$work/small" "$work/import-site"
python3 - "$work/members.csv" <<'PY'
import random, sys
random.seed(1)
countries = ["ke", "fr", "br", "in", "jp", "de", "mx", "eg", "ma", "es", "sn", "ca"]
levels = ["early-childhood", "primary", "secondary", "tvet", "teacher-training"]
with open(sys.argv[1], "w", encoding="utf-8-sig") as out:
    out.write("id;name;country;city;levels;type;joined;website\n")
    for i in range(12000):
        cc = countries[i % len(countries)]
        out.write(f"{cc}-{9000 + i:05d};School number {i};{cc};City {i % 97};"
                  f"{'|'.join(random.sample(levels, 2))};{random.choice(['public', 'private'])};"
                  f"{random.randint(1953, 2025)};https://school{i}.example\n")
PY
cargo build --release --quiet
bin=$PWD/target/release/aspnet-kb
for run in first second; do
  /usr/bin/time -f "$run import: %e s, %M KB peak" "$bin" import members "$work/members.csv" \
    --root "$work/import-site" 2>&1 | tail -2
done
