"""Prints the browser half of bench/search.sh: our first-query downloads and query times
(search-ours.jsonl, from tests/search_bench.rs) next to Pagefind's (search-pagefind-LANG.json,
from pagefind_first_query.mjs), all in the benchmark's work folder given as argument."""
import json
import sys
from pathlib import Path

work = Path(sys.argv[1])
ours = [json.loads(line) for line in (work / "search-ours.jsonl").read_text().splitlines()]

print("\nfirst one-word query: what is downloaded after the search page's HTML (gzip as served)")
for first in (r for r in ours if "bytes_served_gzip" in r):
    lang, word = first["lang"], first["query"]
    pf = json.loads((work / f"search-pagefind-{lang}.json").read_text())
    pf_bytes = pf["total_bytes_served_gzip"]
    pf_index = [f for f in pf["files"] if not f["file"].endswith(".js")]
    print(
        f"{lang} {word!r}: aspnet-kb {first['bytes_served_gzip'] / 1000:.1f} KB in "
        f"{len(first['files'])} files, {first['index_requests']} of index data "
        f"({first['status']}); Pagefind {pf_bytes / 1000:.1f} KB in {len(pf['files'])} files, "
        f"{len(pf_index)} of index data -> ratio {first['bytes_served_gzip'] / pf_bytes:.2f} "
        f"(target <= 0.33)"
    )

print("\ntwo-word query once its shards are loaded, in Chromium (20 runs; target < 20 ms)")
for timed in (r for r in ours if "query_ms_median" in r):
    print(
        f"{timed['lang']} {timed['query']!r}: median {timed['query_ms_median']:.1f} ms, "
        f"max {timed['query_ms_max']:.1f} ms"
    )
